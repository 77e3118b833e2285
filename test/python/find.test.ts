// Discovery against the real interpreters of this machine (pyenv's versions, Debian's pypy3).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, existsSync, mkdirSync, readFileSync, realpathSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { discover, findPython, listPythons } from '../../src/python/find.js';
import { probeInterpreter } from '../../src/python/probe.js';
import { isVenvkitError } from '../../src/errors.js';
import { baseEnv, needPypy, pyenvPythons, tempDir } from './interpreters.js';

const tmp = tempDir('find');
const env = baseEnv(tmp);
const cwd = join(tmp, 'plain');
mkdirSync(cwd);
const real = pyenvPythons();
const py3 = real.filter((p) => p.version[0] === 3);
const py2 = real.find((p) => p.version[0] === 2);

const script = (dir: string, name: string, body: string, mode = 0o755) => {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, name), body);
  chmodSync(join(dir, name), mode);
  return join(dir, name);
};

test('every pyenv version is listed (Python 2 too), each once, with where it was found', { skip: real.length ? false : 'no pyenv versions here' }, async () => {
  const found = await listPythons({ cwd, env });
  for (const p of real) {
    const hit = found.find((f) => f.realPath === realpathSync(p.exe));
    assert.ok(hit, `${p.exe} not listed`);
    assert.deepEqual(hit.version, p.version);
    assert.equal(hit.source, 'pyenv');
    assert.ok(hit.path.startsWith(p.dir + '/bin/'));
  }
  assert.equal(new Set(found.map((f) => f.realPath)).size, found.length);
});

test('a version picks a matching interpreter, a full version exactly that one', { skip: py3.length ? false : 'no pyenv Python 3' }, async () => {
  for (const p of py3) {
    const [maj, min] = p.version;
    const byMinor = await findPython(`${maj}.${min}`, { cwd, env });
    assert.deepEqual(byMinor.version.slice(0, 2), [maj, min]);
    assert.equal(byMinor.implementation, 'cpython');
    const exact = await findPython(p.name, { cwd, env });
    assert.equal(exact.realPath, realpathSync(p.exe));
    assert.equal((await findPython(`python${maj}.${min}`, { cwd, env })).version[1], min);
    assert.equal((await findPython(`cpython@${maj}.${min}`, { cwd, env })).version[1], min);
    assert.equal((await findPython(`cpython${maj}.${min}`, { cwd, env })).version[1], min);
  }
  const ranged = await findPython('>=3.9,<3.12', { cwd, env }).catch((e) => e);
  if (py3.some((p) => p.version[1]! >= 9 && p.version[1]! < 12)) {
    assert.ok(ranged.version[1] >= 9 && ranged.version[1] < 12, `got ${ranged.versionString}`);
  }
});

test('Python 2 is found but refused for virtual environments (PYTHON_UNSUPPORTED), also by path', { skip: py2 ? false : 'no Python 2 in pyenv' }, async () => {
  const check = (e: unknown) => isVenvkitError(e, 'PYTHON_UNSUPPORTED') && /PEP 405/.test(e.message) && /3\.3/.test(e.message) && e.message.includes('2.7') && Boolean(e.hint);
  await assert.rejects(findPython('2.7', { cwd, env }), check);
  await assert.rejects(findPython('python2', { cwd, env }), check);
  await assert.rejects(findPython(py2!.exe, { cwd, env }), check);
  // A range that admits Python 2 still picks a Python 3 when there is one.
  if (py3.length) assert.equal((await findPython('>=2.7', { cwd, env })).version[0], 3);
  // In a .python-version, the first usable entry wins; only Python 2 there is refused.
  const proj = join(tmp, 'py2-proj');
  mkdirSync(proj);
  if (py3.length) {
    writeFileSync(join(proj, '.python-version'), `${py2!.name}\n${py3[0]!.name}\n`);
    assert.equal((await findPython(undefined, { cwd: proj, env })).realPath, realpathSync(py3[0]!.exe));
  }
  writeFileSync(join(proj, '.python-version'), `${py2!.name}\n`);
  await assert.rejects(findPython(undefined, { cwd: proj, env }), check);
});

test('pypy3 is found; a bare version prefers CPython', async (t) => {
  const pypy = needPypy(t);
  if (!pypy) return;
  const p = await findPython('pypy3', { cwd, env });
  assert.equal(p.implementation, 'pypy');
  const [maj, min] = p.version;
  assert.equal((await findPython(`pypy@${maj}.${min}`, { cwd, env })).implementation, 'pypy');
  assert.equal((await findPython(`pypy${maj}.${min}-${p.implementationVersion}`, { cwd, env })).realPath, p.realPath);
  // pyenv's spelling of PyPy in a .python-version, with no such pyenv version installed: looked for everywhere.
  const proj = join(tmp, 'pypy-proj');
  mkdirSync(proj);
  writeFileSync(join(proj, '.python-version'), `pypy${maj}.${min}-${p.implementationVersion}\n`);
  const pinned = await findPython(undefined, { cwd: proj, env });
  assert.equal(pinned.realPath, p.realPath);
  assert.equal(pinned.source, 'python-version');
  await assert.rejects(findPython(`pypy@${maj}.${min}.999`, { cwd, env }), (e: unknown) => isVenvkitError(e, 'PYTHON_NOT_FOUND'));
  const cp = py3.find((x) => x.version[0] === maj && x.version[1] === min);
  if (cp) assert.equal((await findPython(`${maj}.${min}`, { cwd, env })).implementation, 'cpython', 'CPython preferred though pypy3 is on PATH first');
  assert.ok((await listPythons({ cwd, env })).some((x) => x.implementation === 'pypy'));
});

test('no match: PYTHON_NOT_FOUND listing what was found', async () => {
  await assert.rejects(findPython('3.99', { cwd, env }), (e: unknown) => {
    assert.ok(isVenvkitError(e, 'PYTHON_NOT_FOUND'));
    assert.match(e.message, /3\.99/);
    for (const p of real) assert.ok(e.hint!.includes(p.name), `hint should list ${p.name}: ${e.hint}`);
    return true;
  });
  await assert.rejects(findPython('no-such-python-here', { cwd, env }), (e: unknown) => isVenvkitError(e, 'PYTHON_NOT_FOUND') && /no such command on PATH/.test(e.message));
  await assert.rejects(findPython(join(tmp, 'missing', 'python3'), { cwd, env }), (e: unknown) => isVenvkitError(e, 'PYTHON_NOT_FOUND') && /does not exist/.test(e.message));
  await assert.rejects(findPython('>=3.x', { cwd, env }), (e: unknown) => isVenvkitError(e, 'BAD_SPEC'));
});

test('paths: relative to cwd, ~, a directory holding bin/python3; broken interpreters are PYTHON_BROKEN', { skip: py3.length ? false : 'no pyenv Python 3' }, async () => {
  const p = py3[0]!;
  mkdirSync(join(tmp, 'rel'));
  symlinkSync(p.exe, join(tmp, 'rel', 'py'));
  assert.equal((await findPython('../rel/py', { cwd, env })).path, join(tmp, 'rel', 'py'));
  assert.equal((await findPython('../rel/py', { cwd, env })).source, 'explicit');
  mkdirSync(join(tmp, 'home', 'bin'), { recursive: true });
  symlinkSync(p.exe, join(tmp, 'home', 'bin', 'mypy3'));
  assert.equal((await findPython('~/bin/mypy3', { cwd, env })).path, join(tmp, 'home', 'bin', 'mypy3'));
  assert.equal((await findPython(p.dir, { cwd, env })).realPath, realpathSync(p.exe));
  const broken = join(tmp, 'broken');
  const fails = script(broken, 'fails', '#!/bin/sh\necho "Fatal Python error: init_fs_encoding" >&2\nexit 1\n');
  await assert.rejects(findPython(fails, { cwd, env }), (e: unknown) => isVenvkitError(e, 'PYTHON_BROKEN') && /init_fs_encoding/.test(e.message) && Boolean(e.hint));
  const garbage = script(broken, 'garbage', '#!/bin/sh\necho hello\n');
  await assert.rejects(findPython(garbage, { cwd, env }), (e: unknown) => isVenvkitError(e, 'PYTHON_BROKEN') && /not venvkit's probe output/.test(e.message));
  const notExec = script(broken, 'notexec', '#!/bin/sh\n', 0o644);
  await assert.rejects(findPython(notExec, { cwd, env }), (e: unknown) => isVenvkitError(e, 'PYTHON_BROKEN') && /not executable/.test(e.message));
  await assert.rejects(findPython(join(tmp, 'plain'), { cwd, env }), (e: unknown) => isVenvkitError(e, 'PYTHON_NOT_FOUND') && /directory without/.test(e.message));
});

test('listing skips broken interpreters and reports them separately', async () => {
  const dir = join(tmp, 'brokenpath');
  const bad = script(dir, 'python3.12', '#!/bin/sh\nexit 3\n');
  const d = await discover({ cwd, env: { ...env, PATH: `${dir}:${env.PATH}` } });
  assert.ok(!d.found.some((p) => p.path === bad));
  const b = d.broken.find((x) => x.path === bad);
  assert.ok(b, 'the broken one is reported');
  assert.equal(b.error.code, 'PYTHON_BROKEN');
  // Asked for its version by name, the broken one is the answer (PYTHON_BROKEN); otherwise it is only mentioned.
  script(dir, 'python3.77', '#!/bin/sh\necho "cannot start" >&2\nexit 3\n');
  script(dir, 'python', '#!/bin/sh\nexit 3\n');
  const benv = { ...env, PATH: `${dir}:${env.PATH}` };
  await assert.rejects(findPython('3.77', { cwd, env: benv }), (e: unknown) => isVenvkitError(e, 'PYTHON_BROKEN') && e.message.includes('python3.77') && /cannot start/.test(e.message));
  await assert.rejects(findPython('3.99', { cwd, env: benv }), (e: unknown) => isVenvkitError(e, 'PYTHON_NOT_FOUND') && /These did not run:/.test(e.hint ?? '') && (e.hint ?? '').includes(join(dir, 'python')));
});

test('a cached interpreter is found again without running any Python; a changed file is probed again', { skip: py3.length ? false : 'no pyenv Python 3' }, async () => {
  const p = py3.at(-1)!;
  const dir = join(tmp, 'wrapped');
  const log = join(tmp, 'wrapper.log');
  const wrapper = script(dir, 'python3', `#!/bin/sh\necho run >> '${log}'\nexec '${p.exe}' "$@"\n`);
  const wenv = baseEnv(tmp, { PATH: `${dir}:/usr/bin:/bin`, VENVKIT_CACHE_DIR: join(tmp, 'cache-wrapped') });
  const runs = () => readFileSync(log, 'utf8').split('\n').filter(Boolean).length;
  const first = await findPython(undefined, { cwd, env: wenv });
  assert.equal(first.path, wrapper);
  assert.equal(runs(), 1);
  for (const spec of [undefined, 'python3', wrapper, `${p.version[0]}.${p.version[1]}`]) {
    assert.equal((await findPython(spec, { cwd, env: wenv })).path, wrapper, String(spec));
  }
  assert.equal(runs(), 1, 'no Python started for an interpreter already probed');
  const later = new Date(Date.now() + 5000);
  utimesSync(wrapper, later, later);
  await findPython(undefined, { cwd, env: wenv });
  assert.equal(runs(), 2, 'a changed interpreter file is probed again');
  assert.ok(await probeInterpreter(wrapper, { env: wenv }));
  assert.equal(runs(), 2);
});

test('a new interpreter in a directory whose listing is cached is seen', { skip: py3.length ? false : 'no pyenv Python 3' }, async () => {
  const x = py3[0]!;
  const dir = join(tmp, 'grows');
  mkdirSync(dir);
  const old = new Date(Date.now() - 60_000);
  utimesSync(dir, old, old);
  const genv = baseEnv(tmp, { PATH: `${dir}:/usr/bin:/bin`, VENVKIT_CACHE_DIR: join(tmp, 'cache-grows') });
  const spec = `${x.version[0]}.${x.version[1]}`;
  const before = await findPython(spec, { cwd, env: genv });
  assert.notEqual(before.path, join(dir, `python${spec}`));
  const listing = JSON.parse(readFileSync(join(tmp, 'cache-grows', 'discovery', 'dirs.json'), 'utf8'));
  assert.deepEqual(listing.dirs[dir]?.names, [], 'the empty listing was cached');
  symlinkSync(x.exe, join(dir, `python${spec}`));
  const after = await findPython(spec, { cwd, env: genv });
  assert.equal(after.path, join(dir, `python${spec}`));
  assert.equal(after.source, 'path');
});

test("user locations: uv's managed Pythons and ~/.local/bin", { skip: py3.length ? false : 'no pyenv Python 3' }, async () => {
  const p = py3.at(-1)!;
  const [maj, min, mic] = p.version;
  const uv = join(tmp, 'uv-pythons');
  mkdirSync(join(uv, `cpython-${maj}.${min}.${mic}-linux-x86_64-gnu`, 'bin'), { recursive: true });
  symlinkSync(p.exe, join(uv, `cpython-${maj}.${min}.${mic}-linux-x86_64-gnu`, 'bin', 'python3'));
  // A uv directory whose name says another version is never probed for this request.
  mkdirSync(join(uv, 'cpython-3.1.0-linux-x86_64-gnu', 'bin'), { recursive: true });
  script(join(uv, 'cpython-3.1.0-linux-x86_64-gnu', 'bin'), 'python3', `#!/bin/sh\necho ran > '${join(tmp, 'uv-ran')}'\nexit 1\n`);
  const uenv = baseEnv(tmp, { PATH: join(tmp, 'no-such-dir'), PYENV_ROOT: join(tmp, 'no-pyenv'), UV_PYTHON_INSTALL_DIR: uv, HOME: join(tmp, 'uvhome') });
  const found = await findPython(`${maj}.${min}.${mic}`, { cwd, env: uenv });
  assert.equal(found.path, join(uv, `cpython-${maj}.${min}.${mic}-linux-x86_64-gnu`, 'bin', 'python3'));
  assert.equal(found.source, 'user');
  assert.ok(!existsSync(join(tmp, 'uv-ran')), 'a candidate whose directory names another version was run');
  mkdirSync(join(tmp, 'uvhome', '.local', 'bin'), { recursive: true });
  symlinkSync(p.exe, join(tmp, 'uvhome', '.local', 'bin', `python${maj}.${min}`));
  const listed = await listPythons({ cwd, env: uenv });
  assert.ok(listed.some((x) => x.source === 'user' && x.realPath === realpathSync(p.exe)));
  assert.ok(!listed.some((x) => x.path.includes('3.1.0')), 'the broken one is not listed');
});
