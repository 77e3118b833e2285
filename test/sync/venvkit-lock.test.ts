// A lock written by `venvkit lock` (local index) syncs to exactly its packages, and a second sync is
// a no-op; a lock for other targets (--python-version, --platform) is refused with the marker that failed.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { venvkit } from '../helpers/cli.js';
import { localIndex, pipRunEnv } from '../helpers/real-pip.js';
import { python3x } from '../pip/helpers.js';

const root = mkdtempSync(join(tmpdir(), 'vk-sync-vklock-'));
after(() => rmSync(root, { recursive: true, force: true }));
const python = python3x();
const index = localIndex();
const skip = !python ? 'no CPython 3.11/3.12 under $PYENV_ROOT' : !index ? "no file:// index in pip's configuration" : false;
const env = { ...pipRunEnv(), VENVKIT_CACHE_DIR: join(root, 'cache') };
const vk = (args: string[]) => venvkit(args, { env, cwd: root, timeout: 300_000 });

test('venvkit lock -> venvkit sync: the lock\'s packages exactly; a lock for other targets names the failing marker', { skip, timeout: 600_000 }, () => {
  let r = vk(['lock', '-p', python!, '-i', index!, 'requests', '-o', 'pylock.toml']);
  assert.equal(r.status, 0, r.stderr);
  const locked = [...readFileSync(join(root, 'pylock.toml'), 'utf8').matchAll(/^\[\[packages\]\]\nname = "([^"]+)"\nversion = "([^"]+)"/gm)].map((m) => `${m[1]}==${m[2]}`).sort();
  const target = join(root, 'env');
  r = vk(['create', '-q', '--without-pip', '--python', python!, target]);
  assert.equal(r.status, 0, r.stderr);
  r = vk(['sync', '--env', target, 'pylock.toml']);
  assert.equal(r.status, 0, r.stderr);
  r = vk(['freeze', '--env', target]);
  assert.deepEqual(r.stdout.trim().split('\n').map((l) => l.toLowerCase().replace(/[-_.]+(?=.*==)/g, '-')).sort(), locked);
  const ok = spawnSync(join(target, 'bin', 'python'), ['-c', 'import requests'], { encoding: 'utf8' });
  assert.equal(ok.status, 0, ok.stderr);
  r = vk(['sync', '--env', target, 'pylock.toml']);
  assert.match(r.stderr, /already matches/);
  // idna is pure Python: the index serves it for any target.
  const other = python!.includes('3.11') ? '3.12' : '3.11';
  r = vk(['lock', '-i', index!, '--python-version', other, '--platform', 'windows-amd64', 'idna', '-o', 'pylock.other.toml']);
  assert.equal(r.status, 0, r.stderr);
  const before = vk(['freeze', '--env', target]).stdout;
  r = vk(['sync', '--env', target, '--json', 'pylock.other.toml']);
  assert.equal(r.status, 1);
  const err = JSON.parse(r.stdout).error;
  assert.equal(err.code, 'LOCK_ENVIRONMENT', r.stdout);
  assert.match(err.message, new RegExp(`requires Python ==${other.replace('.', '\\.')}\\.\\*|none of its environments matches`));
  assert.equal(vk(['freeze', '--env', target]).stdout, before, 'the env is unchanged');
});
