// The pure rules: pyvenv.cfg per version, venv's `command` line, Python repr of the prompt,
// Windows layouts (on paper), and which way create goes for each target state.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildPyvenvCfg, posixPlan, venvCommand, type CfgFacts } from '../../src/venv/plan.js';
import { formatPyvenvCfg, parsePyvenvCfg, pythonRepr, unquotePrompt } from '../../src/venv/pyvenv-cfg.js';
import { windowsDirs, windowsExecutables, windowsHome, windowsPlan } from '../../src/venv/windows.js';
import { venvPaths } from '../../src/venv/layout.js';
import { decideAction } from '../../src/venv/create.js';
import { isVenvkitError } from '../../src/errors.js';
import type { InterpreterInfo } from '../../src/python/types.js';

const cpy = (minor: number, micro = 1): CfgFacts => ({
  implementation: 'cpython',
  version: [3, minor, micro],
  path: `/py/bin/python3`,
  executable: `/py/bin/python3`,
  baseExecutable: `/py/bin/python3`,
  realPath: `/py/bin/python3.${minor}`,
  venvPaths: { purelib: `lib/python3.${minor}/site-packages`, platlib: `lib/python3.${minor}/site-packages`, scripts: 'bin', include: `include/python3.${minor}` },
});

test('pyvenv.cfg keys and order per version', () => {
  assert.deepEqual(Object.keys(buildPyvenvCfg(cpy(7), { prompt: 'x' }, '/e', '/py/bin')), ['home', 'include-system-site-packages', 'version']);
  assert.deepEqual(Object.keys(buildPyvenvCfg(cpy(8), { prompt: 'x' }, '/e', '/py/bin')), ['home', 'include-system-site-packages', 'version', 'prompt']);
  assert.deepEqual(Object.keys(buildPyvenvCfg(cpy(10), {}, '/e', '/py/bin')), ['home', 'include-system-site-packages', 'version']);
  const c13 = buildPyvenvCfg(cpy(13), { prompt: '.', resolvedPrompt: 'proj', systemSitePackages: true, withoutPip: true, symlinks: false }, '/e', '/py/bin');
  assert.equal(formatPyvenvCfg(c13), [
    'home = /py/bin',
    'include-system-site-packages = true',
    'version = 3.13.1',
    "prompt = 'proj'",
    'executable = /py/bin/python3.13',
    'command = /py/bin/python3 -m venv --copies --without-pip --system-site-packages --prompt="." /e',
    '',
  ].join('\n'));
  // PyPy 3.11-compatible builds would not write executable/command through CPython's venv (PyPy's own).
  assert.deepEqual(Object.keys(buildPyvenvCfg({ ...cpy(11), implementation: 'pypy' }, {}, '/e', '/py/bin')), ['home', 'include-system-site-packages', 'version']);
});

test("venv's command line: flag order, --without-scm-ignore-files only from 3.13, Windows --symlinks", () => {
  const all = { withoutPip: true, systemSitePackages: true, clear: true, upgrade: true, upgradeDeps: true, prompt: 'p', withoutScmIgnoreFiles: true, symlinks: false };
  assert.equal(venvCommand(cpy(13), all, '/e'), '/py/bin/python3 -m venv --copies --without-pip --system-site-packages --clear --upgrade --upgrade-deps --prompt="p" --without-scm-ignore-files /e');
  assert.equal(venvCommand(cpy(12), all, '/e'), '/py/bin/python3 -m venv --copies --without-pip --system-site-packages --clear --upgrade --upgrade-deps --prompt="p" /e');
  assert.equal(venvCommand(cpy(12), { symlinks: true }, 'C:\\e', true), '/py/bin/python3 -m venv --symlinks C:\\e');
  assert.equal(venvCommand(cpy(12), {}, 'C:\\e', true), '/py/bin/python3 -m venv C:\\e');
});

test('prompt: Python repr and back', () => {
  for (const [s, r] of [['x', "'x'"], ["it's", `"it's"`], [`a'b"c`, `'a\\'b"c'`], ['tab\there', "'tab\\there'"], ['back\\slash', "'back\\\\slash'"], ['é ☃', "'é ☃'"], ['\x01', "'\\x01'"]]) {
    assert.equal(pythonRepr(s), r, s);
    assert.equal(unquotePrompt(r), s);
  }
  assert.equal(unquotePrompt('bare prompt'), 'bare prompt');
  assert.deepEqual(parsePyvenvCfg('home = /x\nVersion=3.1.2\n# comment\nprompt = a = b\n'), { home: '/x', version: '3.1.2', prompt: 'a = b' });
});

test('POSIX plan: links, lib64, include dir per version, .gitignore kept, pyvenv.cfg last', () => {
  const { ops } = posixPlan(cpy(12), {}, '/e');
  assert.deepEqual(ops.slice(0, 4), [
    { kind: 'dir', path: 'include/python3.12' },
    { kind: 'dir', path: 'lib/python3.12/site-packages' },
    { kind: 'dir', path: 'bin' },
    { kind: 'symlink', path: 'lib64', target: 'lib' },
  ]);
  assert.deepEqual(ops.filter((o) => o.kind === 'symlink' && o.path.startsWith('bin/')), [
    { kind: 'symlink', path: 'bin/python3', target: '/py/bin/python3' },
    { kind: 'symlink', path: 'bin/python', target: 'python3' },
    { kind: 'symlink', path: 'bin/python3.12', target: 'python3' },
  ]);
  assert.equal(ops[ops.length - 1].path, 'pyvenv.cfg');
  assert.equal(posixPlan(cpy(10), {}, '/e').ops[0].path, 'include');
  // Started as python3.8: venv names the link after it, and 3.8 has no pythonX.Y alias of its own.
  const p38 = posixPlan({ ...cpy(8), baseExecutable: '/py/bin/python3.8' }, { symlinks: false }, '/e').ops.filter((o) => o.kind === 'copy');
  assert.deepEqual(p38.map((o) => o.path), ['bin/python3.8', 'bin/python', 'bin/python3']);
  const pypy = posixPlan({ ...cpy(9), implementation: 'pypy', baseExecutable: '/usr/bin/pypy3', venvPaths: { purelib: 'lib/pypy3.9/site-packages', scripts: 'bin' } }, {}, '/e').ops;
  assert.deepEqual(pypy.filter((o) => o.kind === 'symlink' && o.path.startsWith('bin/')).map((o) => o.path), ['bin/pypy3', 'bin/python', 'bin/python3', 'bin/python3.9', 'bin/pypy']);
  assert.ok(!posixPlan(cpy(12), { withoutScmIgnoreFiles: true }, '/e').ops.some((o) => o.path === '.gitignore'));
  assert.ok(posixPlan(cpy(6), {}, '/e').ops.some((o) => o.kind === 'file' && o.path === '.gitignore' && o.keep));
});

const win = (minor: number, micro = 1, exe = 'C:\\Python3\\python.exe'): CfgFacts & { basePrefix: string } => ({
  implementation: 'cpython',
  version: [3, minor, micro],
  path: exe,
  executable: exe,
  baseExecutable: exe,
  realPath: exe,
  basePrefix: 'C:\\Python3',
  venvPaths: { purelib: 'Lib\\site-packages', platlib: 'Lib\\site-packages', scripts: 'Scripts', include: 'Include' },
});

test('Windows: Scripts, Include, Lib\\site-packages; paths', () => {
  assert.deepEqual(windowsDirs(win(12)), ['Include', 'Lib\\site-packages', 'Scripts']);
  assert.deepEqual(windowsDirs({ implementation: 'pypy', version: [3, 7, 13] }), ['Include', 'site-packages', 'Scripts']);
  assert.equal(windowsHome(win(12)), 'C:\\Python3');
  const p = venvPaths('C:\\env', win(12), true);
  assert.equal(p.purelib, 'C:\\env\\Lib\\site-packages');
  assert.equal(p.python, 'C:\\env\\Scripts\\python.exe');
});

test('Windows executables: the venv launcher (3.7.2+), its 3.13 name, old copies, debug, --symlinks', () => {
  assert.deepEqual(windowsExecutables(win(12), false), [
    { kind: 'copy', path: 'Scripts\\python.exe', source: 'C:\\Python3\\Lib\\venv\\scripts\\nt\\python.exe' },
    { kind: 'copy', path: 'Scripts\\pythonw.exe', source: 'C:\\Python3\\Lib\\venv\\scripts\\nt\\pythonw.exe', optional: true },
  ]);
  assert.deepEqual(windowsExecutables(win(13), false).map((o) => o.kind === 'copy' && o.source), ['C:\\Python3\\Lib\\venv\\scripts\\nt\\venvlauncher.exe', 'C:\\Python3\\Lib\\venv\\scripts\\nt\\venvwlauncher.exe']);
  assert.deepEqual(windowsExecutables(win(13, 0, 'C:\\Python3\\python_d.exe'), false).map((o) => o.path), ['Scripts\\python_d.exe', 'Scripts\\pythonw_d.exe']);
  const old = windowsExecutables(win(6, 8), false, ['python.exe', 'pythonw.exe', 'python36.dll', 'vcruntime140.dll', 'README.txt', 'python3.dll']);
  assert.deepEqual(old.map((o) => o.path), ['Scripts\\python.exe', 'Scripts\\python3.dll', 'Scripts\\python36.dll', 'Scripts\\pythonw.exe', 'Scripts\\vcruntime140.dll']);
  assert.ok(old.every((o) => o.kind === 'copy'));
  const links = windowsExecutables(win(12), true, ['python.exe', 'pythonw.exe', 'python312.dll', 'LICENSE.txt']);
  assert.deepEqual(links, [
    { kind: 'symlink', path: 'Scripts\\python.exe', target: 'C:\\Python3\\python.exe' },
    { kind: 'symlink', path: 'Scripts\\python312.dll', target: 'C:\\Python3\\python312.dll' },
    { kind: 'symlink', path: 'Scripts\\pythonw.exe', target: 'C:\\Python3\\pythonw.exe' },
  ]);
  assert.equal(windowsExecutables(win(13), true, ['python.exe', 'python313.dll']).length, 2);
});

test('Windows plan: pyvenv.cfg home is the base dir; no lib64', () => {
  const { ops, cfg } = windowsPlan(win(12), { withoutPip: true }, 'C:\\env');
  assert.equal(cfg.home, 'C:\\Python3');
  assert.equal(cfg.command, 'C:\\Python3\\python.exe -m venv --without-pip C:\\env');
  assert.ok(!ops.some((o) => o.path === 'lib64'));
  assert.equal(ops[ops.length - 1].path, 'pyvenv.cfg');
});

test('decideAction: what is refused, what is replaced, what is updated', () => {
  const info = { ...cpy(12), versionString: '3.12.1' } as unknown as InterpreterInfo;
  const venv = { kind: 'venv' as const, cfg: { version: '3.12.0' } };
  assert.deepEqual(decideAction('/e', { kind: 'missing' }, {}, info), { action: 'created', mode: 'rename' });
  assert.deepEqual(decideAction('/e', { kind: 'empty' }, {}, info), { action: 'created', mode: 'rename' });
  assert.deepEqual(decideAction('/e', venv, { clear: true }, info), { action: 'replaced', mode: 'replace' });
  assert.deepEqual(decideAction('/e', venv, { upgrade: true }, info), { action: 'upgraded', mode: 'merge' });
  assert.deepEqual(decideAction('/e', venv, {}, info), { action: 'updated', mode: 'merge' });
  assert.throws(() => decideAction('/e', { kind: 'venv', cfg: { version: '3.11.2' } }, {}, info), (e) => isVenvkitError(e, 'TARGET_EXISTS') && /the `clear` option/.test(e.hint ?? ''));
  assert.throws(() => decideAction('/e', { kind: 'other', entries: 2 }, {}, info), (e) => isVenvkitError(e, 'TARGET_EXISTS'));
  assert.throws(() => decideAction('/e', { kind: 'other', entries: 2 }, { clear: true, allowExisting: true }, info), (e) => isVenvkitError(e, 'NOT_A_VENV'));
  assert.deepEqual(decideAction('/e', { kind: 'other', entries: 2 }, { allowExisting: true }, info), { action: 'updated', mode: 'merge' });
  assert.throws(() => decideAction('/e', { kind: 'missing' }, { upgrade: true }, info), (e) => isVenvkitError(e, 'VENV_NOT_FOUND'));
});
