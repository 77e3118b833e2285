import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { openVenv } from '../../src/venv/open.js';
import { venvPaths } from '../../src/venv/layout.js';
import { isVenvkitError } from '../../src/errors.js';
import { interpreters, removeDir, tempDir, testEnv } from '../helpers/venv.js';

let dir: string;
let env: NodeJS.ProcessEnv;
before(() => {
  dir = tempDir('open');
  env = testEnv(join(dir, 'cache'));
});
after(() => removeDir(dir));

test('openVenv reads envs made by python -m venv, for every interpreter', async () => {
  for (const it of interpreters()) {
    const root = join(dir, it.name);
    const r = spawnSync(it.path, ['-m', 'venv', '--without-pip', '--prompt', 'my env', root], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    const q = spawnSync(join(root, 'bin', 'python'), ['-c', 'import sysconfig,sys; print(sysconfig.get_path("purelib")); print(sysconfig.get_path("scripts")); print(sys._base_executable if hasattr(sys, "_base_executable") else "")'], { encoding: 'utf8' });
    const [purelib, scripts] = q.stdout.trim().split('\n');
    const venv = await openVenv(root, { env });
    assert.equal(venv.root, root);
    assert.ok(venv.base, `${it.name}: base found`);
    assert.equal(venv.paths.purelib, purelib, it.name);
    assert.equal(venv.paths.platlib, purelib, it.name);
    assert.equal(venv.paths.scripts, scripts, it.name);
    assert.equal(venv.paths.python, join(root, 'bin', 'python'));
    assert.equal(venv.paths.include, join(root, 'include'));
    assert.equal(venv.paths.data, root);
    assert.equal(venv.windows, false);
    // 3.6/3.7 do not record the prompt in pyvenv.cfg.
    const minor = Number(venv.cfg.version.split('.')[1]);
    assert.equal(venv.prompt, minor >= 8 ? 'my env' : it.name, it.name);
    // Second open: cache only, no probe needed.
    const again = await openVenv(root, { env, probe: false });
    assert.deepEqual(again.paths, venv.paths);
  }
});

test('openVenv falls back to per-version defaults when the base is gone', async () => {
  const root = join(dir, 'orphan');
  mkdirSync(join(root, 'bin'), { recursive: true });
  writeFileSync(join(root, 'pyvenv.cfg'), 'home = /nonexistent/bin\ninclude-system-site-packages = false\nversion = 3.10.4\n');
  const venv = await openVenv(root, { env });
  assert.equal(venv.base, undefined);
  assert.equal(venv.paths.purelib, join(root, 'lib/python3.10/site-packages'));
  assert.equal(venv.prompt, 'orphan');
  const pypy = join(dir, 'orphan-pypy');
  mkdirSync(join(pypy, 'lib', 'pypy3.9', 'site-packages'), { recursive: true });
  writeFileSync(join(pypy, 'pyvenv.cfg'), 'home = /gone/bin\ninclude-system-site-packages = false\nversion = 3.9.16\nprompt = \'x y\'\n');
  const p = await openVenv(pypy, { env });
  assert.equal(p.paths.purelib, join(pypy, 'lib/pypy3.9/site-packages'));
  assert.equal(p.prompt, 'x y');
});

test('openVenv errors: missing dir, not a venv', async () => {
  await assert.rejects(openVenv(join(dir, 'nope')), (e) => isVenvkitError(e, 'VENV_NOT_FOUND'));
  mkdirSync(join(dir, 'plain'));
  await assert.rejects(openVenv(join(dir, 'plain')), (e) => isVenvkitError(e, 'NOT_A_VENV'));
});

test('venvPaths: posix and Windows, with and without probe facts', () => {
  const facts = { implementation: 'cpython', version: [3, 11, 2] as [number, number, number], venvPaths: { purelib: 'lib/python3.11/site-packages', platlib: 'lib/python3.11/site-packages', scripts: 'bin' } };
  assert.deepEqual(venvPaths('/e', facts, false), { root: '/e', scripts: '/e/bin', purelib: '/e/lib/python3.11/site-packages', platlib: '/e/lib/python3.11/site-packages', include: '/e/include', data: '/e', python: '/e/bin/python' });
  assert.deepEqual(venvPaths('C:\\e', { implementation: 'cpython', version: [3, 12, 0] }, true), { root: 'C:\\e', scripts: 'C:\\e\\Scripts', purelib: 'C:\\e\\Lib\\site-packages', platlib: 'C:\\e\\Lib\\site-packages', include: 'C:\\e\\Include', data: 'C:\\e', python: 'C:\\e\\Scripts\\python.exe' });
  assert.equal(venvPaths('/e', { implementation: 'pypy', version: [3, 9, 16] }, false).purelib, '/e/lib/pypy3.9/site-packages');
  assert.equal(venvPaths('/e', { implementation: 'cpython', version: [3, 13, 0], configVars: { Py_GIL_DISABLED: 1 } }, false).purelib, '/e/lib/python3.13t/site-packages');
});
