// Interoperability with pip 26.2 (installed into a test env from the machine's local index): a lock
// written by `pip lock` installs with `venvkit sync`, and with `venvkit install -r pylock.toml`, to
// the same set as `pip install -r pylock.toml` gives.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { venvkit } from '../helpers/cli.js';
import { pipRunEnv, realPip } from '../helpers/real-pip.js';
import { python3x } from '../pip/helpers.js';

const root = mkdtempSync(join(tmpdir(), 'vk-sync-pip-'));
after(() => rmSync(root, { recursive: true, force: true }));

/** name==version of an env as pip lists it, without what venv seeds. */
function pipSet(python: string): string[] {
  const r = spawnSync(python, ['-m', 'pip', 'list', '--format=freeze', '--disable-pip-version-check'], { encoding: 'utf8', env: pipRunEnv() });
  assert.equal(r.status, 0, r.stderr);
  return r.stdout.trim().split('\n').filter((l) => l && !/^(pip|setuptools)==/.test(l)).map((l) => l.toLowerCase().replace(/[-_.]+(?=.*==)/g, '-')).sort();
}

test('a pylock.toml written by `pip lock` (pip 26.2) syncs to the set pip installs from it', { timeout: 900_000 }, async (t) => {
  const pip = realPip(t, join(root, 'pip'));
  if (!pip) return;
  const lock = join(root, 'pylock.toml');
  const locked = pip.run(['-m', 'pip', 'lock', '-q', '--index-url', pip.index, '-o', lock, 'requests', 'rich'], { cwd: root });
  assert.equal(locked.status, 0, locked.stderr);
  const names = [...readFileSync(lock, 'utf8').matchAll(/^\[\[packages\]\]\nname = "([^"]+)"\nversion = "([^"]+)"/gm)].map((m) => `${m[1]!.toLowerCase().replace(/[-_.]+/g, '-')}==${m[2]}`).sort();
  assert.ok(names.length >= 6, `pip lock wrote ${names.length} packages`);
  // pip's own install of its lock, into a fresh env
  const pipEnv = join(root, 'by-pip');
  const python = python3x()!;
  assert.equal(spawnSync(python, ['-m', 'venv', pipEnv], { env: pipRunEnv() }).status, 0);
  const installed = pip.run(['-m', 'pip', '--python', join(pipEnv, 'bin', 'python'), 'install', '-q', '--index-url', pip.index, '-r', lock]);
  assert.equal(installed.status, 0, installed.stderr);
  const byPip = pipSet(join(pipEnv, 'bin', 'python'));
  assert.deepEqual(byPip, names);
  const vkEnv = { ...pipRunEnv(), VENVKIT_CACHE_DIR: join(root, 'cache') };
  for (const how of [['sync'], ['install', '-r']]) {
    const env = join(root, `by-venvkit-${how[0]}`);
    let r = venvkit(['create', '-q', '--python', python, env], { env: vkEnv });
    assert.equal(r.status, 0, r.stderr);
    r = venvkit([...how.slice(0, 1), '--env', env, ...how.slice(1), lock], { env: vkEnv, timeout: 600_000 });
    assert.equal(r.status, 0, `venvkit ${how.join(' ')}: ${r.stderr}`);
    assert.deepEqual(pipSet(join(env, 'bin', 'python')), byPip, `venvkit ${how.join(' ')} installs what pip installs`);
    const check = spawnSync(join(env, 'bin', 'python'), ['-m', 'pip', 'check'], { encoding: 'utf8', env: pipRunEnv() });
    assert.equal(check.status, 0, check.stdout);
    // and a second run is a no-op
    r = venvkit([...how.slice(0, 1), '--env', env, ...how.slice(1), lock], { env: vkEnv });
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stderr, how[0] === 'sync' ? /already matches/ : /already satisfied/);
  }
});
