// Uninstalling something that is not installed warns and skips, as pip does (exit 0), in the CLI and
// through the library (a warning in the result); missingOk: false keeps the old NOT_INSTALLED error.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ROOT, venvkit } from '../helpers/cli.js';
import { interpreters, removeDir, tempDir, testEnv } from '../helpers/venv.js';
import { buildWheel } from '../helpers/wheels.js';

let dir: string;
let env: NodeJS.ProcessEnv;
let py: string;
before(() => {
  dir = tempDir('uninst');
  env = testEnv(join(dir, 'cache'));
  py = interpreters()[0].path;
});
after(() => removeDir(dir));

function envWithPkg(name: string): { root: string } {
  const root = join(dir, name);
  assert.equal(venvkit(['create', '--without-pip', '-p', py, root], { env }).status, 0);
  const whl = buildWheel(dir, { name: 'present', version: '1.0', files: { 'present.py': 'x = 1\n' } });
  const r = venvkit(['install', '--env', root, '--no-deps', whl], { env });
  assert.equal(r.status, 0, r.stderr);
  return { root };
}

test('CLI: a name that is not installed is skipped with pip\'s warning; the others are uninstalled; exit 0', () => {
  const { root } = envWithPkg('cli');
  const r = venvkit(['uninstall', '--env', root, '-y', 'absent', 'present'], { env });
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stderr, /^warning: Skipping absent as it is not installed\.$/m);
  assert.match(r.stderr, /^Uninstalled present 1\.0$/m);
  const j = venvkit(['uninstall', '--env', root, '--json', 'present'], { env });
  assert.equal(j.status, 0, j.stderr);
  assert.deepEqual(JSON.parse(j.stdout).warnings, ['Skipping present as it is not installed.']);
});

test('library: uninstall resolves with a warning; missingOk: false throws NOT_INSTALLED', async () => {
  const { root } = envWithPkg('lib');
  const vk = await import(pathToFileURL(join(ROOT, 'dist', 'index.js')).href);
  const venv = await vk.openVenv(root, { env });
  const r = await vk.uninstall(venv, 'Absent', { env });
  assert.deepEqual(r, { name: 'Absent', removed: [], warnings: ['Skipping Absent as it is not installed.'] });
  await assert.rejects(vk.uninstall(venv, 'absent', { env, missingOk: false }), (e: { code: string }) => e.code === 'NOT_INSTALLED');
  const gone = await vk.uninstall(venv, 'present', { env });
  assert.deepEqual(gone.removed.map((d: { name: string }) => d.name), ['present']);
  assert.equal(gone.warnings, undefined);
  assert.equal(existsSync(join(venv.paths.purelib, 'present.py')), false);
});
