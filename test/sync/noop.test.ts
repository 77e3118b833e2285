// What a no-op sync reads. The parsed lock is cached by the text's sha256 under <cache>/locks, so a
// sync in a new process takes the checked form from there (it does not load the TOML parser): the
// cache entry is what the sync uses. A host syncing again in one process reuses the .dist-info
// listing while the lib dir is unchanged, and sees an install made meanwhile by another process.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import { venvkit } from '../helpers/cli.js';
import { buildWheel } from '../helpers/wheels.js';
import { isolatedEnv, python3x } from '../pip/helpers.js';
import { sync } from '../../src/sync/sync.js';

const tmp = mkdtempSync(join(tmpdir(), 'vk-sync-noop-'));
after(() => rmSync(tmp, { recursive: true, force: true }));
const env = isolatedEnv(join(tmp, 'cache'));
const python = python3x();
const sha256 = (path: string) => createHash('sha256').update(readFileSync(path)).digest('hex');

test('a no-op sync takes the parsed lock from the cache, and a host sees installs made meanwhile', { skip: python ? false : 'no CPython 3.11/3.12 under $PYENV_ROOT', timeout: 300_000 }, async () => {
  const files = join(tmp, 'files');
  mkdirSync(files, { recursive: true });
  const a = buildWheel(files, { name: 'noopa', version: '1.0', files: { 'noopa.py': '' } });
  const b = buildWheel(files, { name: 'noopb', version: '1.0', files: { 'noopb.py': '' } });
  const entry = (w: string, name: string) => `[[packages]]\nname = "${name}"\nversion = "1.0"\n\n[[packages.wheels]]\nname = "${basename(w)}"\nurl = "${pathToFileURL(w).href}"\nhashes = { sha256 = "${sha256(w)}" }\n`;
  const lock = join(tmp, 'pylock.toml');
  writeFileSync(lock, `lock-version = "1.0"\ncreated-by = "venvkit-tests"\n\n${entry(a, 'noopa')}\n${entry(b, 'noopb')}`);
  const target = join(tmp, 'env');
  assert.equal(venvkit(['create', '-q', '--without-pip', '-p', python!, target], { env }).status, 0);
  let r = venvkit(['sync', '--env', target, '--json', lock], { env });
  assert.equal(r.status, 0, r.stderr);
  assert.equal(JSON.parse(r.stdout).installed.length, 2);

  // The checked form of the lock, by the text's sha256.
  const cached = readdirSync(join(tmp, 'cache', 'locks')).filter((f) => f.endsWith('.json'));
  assert.equal(cached.length, 1);
  const file = join(tmp, 'cache', 'locks', cached[0]!);
  const form = JSON.parse(readFileSync(file, 'utf8'));
  assert.deepEqual(form.lock.packages.map((p: { name: string }) => p.name), ['noopa', 'noopb']);
  // A new process uses it: with noopb taken out of the cached form, the sync would remove noopb.
  form.lock.packages = form.lock.packages.filter((p: { name: string }) => p.name !== 'noopb');
  writeFileSync(file, JSON.stringify(form));
  r = venvkit(['sync', '--env', target, '--json', '--dry-run', lock], { env });
  assert.equal(r.status, 0, r.stderr);
  assert.deepEqual(JSON.parse(r.stdout).removed, [{ name: 'noopb', version: '1.0' }]);
  rmSync(file);

  // In-process: the listing kept once the lib dir is over a second old, and dropped when an install changes it.
  await sleep(1100);
  for (let i = 0; i < 2; i++) assert.equal((await sync({ venv: target, lock, env })).alreadySynced, true);
  const extra = buildWheel(files, { name: 'noopc', version: '1.0', files: { 'noopc.py': '' } });
  assert.equal(venvkit(['install', '--env', target, '-q', extra], { env }).status, 0);
  const report = await sync({ venv: target, lock, env, dryRun: true });
  assert.equal(report.alreadySynced, false);
  assert.deepEqual(report.removed, [{ name: 'noopc', version: '1.0' }]);
});
