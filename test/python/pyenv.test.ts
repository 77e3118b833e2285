// pyenv shims resolved without running pyenv: a fake PYENV_ROOT (shim scripts, versions/ with
// symlinks to real interpreters, version files) and `.python-version` files.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, existsSync, mkdirSync, readFileSync, realpathSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { findPython, listPythons } from '../../src/python/find.js';
import { latestInstalled, parseVersionFile } from '../../src/python/pyenv.js';
import { isVenvkitError } from '../../src/errors.js';
import { type RealPython, baseEnv, pyenvPythons, tempDir } from './interpreters.js';

test('version files: first word per line, comments and unsafe names skipped', () => {
  assert.deepEqual(parseVersionFile('3.11.7\n'), ['3.11.7']);
  assert.deepEqual(parseVersionFile('# pinned\n\n  3.12  # trailing\r\npypy3.9-7.3.11\nsystem\n../../etc\n/abs\n3.11/../../x\n'), ['3.12', 'pypy3.9-7.3.11', 'system']);
  assert.deepEqual(parseVersionFile(''), []);
});

test("pyenv's latest-prefix rule among installed names", () => {
  const installed = ['2.7.18', '3.9.18', '3.10.13', '3.10.9', '3.12.1', '3.13.0rc1', '3.13t-dev', 'pypy3.9-7.3.11', '3.13.0t', 'myenv'];
  assert.equal(latestInstalled('3.10', installed), '3.10.13');
  assert.equal(latestInstalled('3', installed), '3.12.1');
  assert.equal(latestInstalled('3.13', installed), undefined, 'pre-releases and free-threaded builds are not picked by a prefix');
  assert.equal(latestInstalled('3.13t', installed), '3.13.0t');
  assert.equal(latestInstalled('pypy3.9', installed), 'pypy3.9-7.3.11');
  assert.equal(latestInstalled('myenv', installed), 'myenv');
  assert.equal(latestInstalled('3.1', installed), undefined);
});

// ---- a fake PYENV_ROOT ------------------------------------------------------------------------

const real = pyenvPythons();
const pick = (minor: number) => real.find((p) => p.version[0] === 3 && p.version[1] === minor);
const A = pick(10) ?? real.find((p) => p.version[0] === 3);
const B = pick(12) ?? real.filter((p) => p.version[0] === 3 && p !== A).at(-1);
const haveTwo = A !== undefined && B !== undefined && A !== B;

const tmp = tempDir('pyenv');
const root = join(tmp, 'pyenv');
const log = join(tmp, 'shims-ran.log');
const SYSTEM_PY3 = ['/usr/local/bin/python3', '/usr/bin/python3', '/bin/python3'].find((p) => existsSync(p));

function shimScript(r: string): string {
  // pyenv's shim, except that it records being run: discovery must never run it.
  return `#!/usr/bin/env bash\nset -e\necho "$0" >> '${log}'\nprogram="\${0##*/}"\n\nexport PYENV_ROOT="${r}"\nexec "${r}/libexec/pyenv" exec "$program" "$@"\n`;
}

function install(p: RealPython): string {
  const [maj, min] = p.version;
  const bin = join(root, 'versions', p.name, 'bin');
  mkdirSync(bin, { recursive: true });
  symlinkSync(realpathSync(p.exe), join(bin, `python${maj}.${min}`));
  symlinkSync(`python${maj}.${min}`, join(bin, 'python3'));
  symlinkSync(`python${maj}.${min}`, join(bin, 'python'));
  return join(bin, 'python3');
}

let aPath = '';
let bPath = '';
if (haveTwo) {
  aPath = install(A);
  bPath = install(B);
  // A virtualenv among the versions (pyenv-virtualenv): not a base interpreter.
  mkdirSync(join(root, 'versions', 'myenv', 'bin'), { recursive: true });
  writeFileSync(join(root, 'versions', 'myenv', 'pyvenv.cfg'), `home = ${join(root, 'versions', A.name, 'bin')}\n`);
  symlinkSync(aPath, join(root, 'versions', 'myenv', 'bin', 'python3'));
  mkdirSync(join(root, 'shims'), { recursive: true });
  for (const name of ['python', 'python3', `python3.${A.version[1]}`, `python3.${B.version[1]}`, 'python3.99', 'pip']) {
    writeFileSync(join(root, 'shims', name), shimScript(root));
    chmodSync(join(root, 'shims', name), 0o755);
  }
  writeFileSync(join(root, 'version'), `${A.name}\n`);
  // A shim outside $PYENV_ROOT/shims, recognised by its content.
  mkdirSync(join(tmp, 'otherbin'));
  writeFileSync(join(tmp, 'otherbin', 'python3'), shimScript(root));
  chmodSync(join(tmp, 'otherbin', 'python3'), 0o755);
  mkdirSync(join(tmp, 'plain'));
  mkdirSync(join(tmp, 'proj', 'sub', 'deeper'), { recursive: true });
}

const env = (extra: NodeJS.ProcessEnv = {}) => baseEnv(tmp, { PYENV_ROOT: root, PATH: `${join(root, 'shims')}:/usr/local/bin:/usr/bin:/bin`, ...extra });
const skip = haveTwo ? false : 'needs two pyenv CPython 3 versions';

test('the python3 shim resolves to the global version ($PYENV_ROOT/version)', { skip }, async () => {
  const p = await findPython(undefined, { cwd: join(tmp, 'plain'), env: env() });
  assert.equal(p.path, aPath);
  assert.equal(p.source, 'path');
  assert.deepEqual(p.version, A!.version);
});

test('PYENV_VERSION wins, with prefixes, python- names, several versions and system', { skip }, async () => {
  const cwd = join(tmp, 'plain');
  assert.equal((await findPython(undefined, { cwd, env: env({ PYENV_VERSION: B!.name }) })).path, bPath);
  assert.equal((await findPython(undefined, { cwd, env: env({ PYENV_VERSION: `3.${B!.version[1]}` }) })).path, bPath, 'a prefix picks the newest installed');
  assert.equal((await findPython(undefined, { cwd, env: env({ PYENV_VERSION: `python-${B!.name}` }) })).path, bPath);
  assert.equal((await findPython(undefined, { cwd, env: env({ PYENV_VERSION: `3.99.1:${B!.name}` }) })).path, bPath, 'versions not installed are skipped');
  if (SYSTEM_PY3) {
    const p = await findPython(undefined, { cwd, env: env({ PYENV_VERSION: 'system' }) });
    assert.equal(p.path, SYSTEM_PY3, '"system" is the next python3 on PATH after the shims');
    const ordered = await findPython(undefined, { cwd, env: env({ PYENV_VERSION: `system:${B!.name}` }) });
    assert.equal(ordered.path, SYSTEM_PY3, 'versions are tried in the order given, system included');
  }
});

test('a .python-version upwards from cwd selects the version (comments, blank lines, first installed entry)', { skip }, async () => {
  writeFileSync(join(tmp, 'proj', '.python-version'), `# pinned for this project\n\n3.99.0\n3.${B!.version[1]}\n`);
  const cwd = join(tmp, 'proj', 'sub', 'deeper');
  const p = await findPython(undefined, { cwd, env: env() });
  assert.equal(p.path, bPath);
  assert.equal(p.source, 'python-version');
  // The python3 shim picks the same through pyenv's own rules.
  const viaShim = await findPython('python3', { cwd, env: env() });
  assert.equal(viaShim.path, bPath);
  assert.equal(viaShim.source, 'path');
  // A version spelled as a spec, not an installed pyenv name, is looked for everywhere.
  writeFileSync(join(tmp, 'proj', '.python-version'), `cpython@${A!.version[0]}.${A!.version[1]}\n`);
  assert.equal((await findPython(undefined, { cwd, env: env() })).realPath, realpathSync(aPath));
  if (SYSTEM_PY3) {
    writeFileSync(join(tmp, 'proj', '.python-version'), 'system\n');
    assert.equal((await findPython(undefined, { cwd, env: env() })).path, SYSTEM_PY3);
  }
  writeFileSync(join(tmp, 'proj', '.python-version'), '3.99.0\n');
  await assert.rejects(findPython(undefined, { cwd, env: env() }), (e: unknown) => isVenvkitError(e, 'PYTHON_NOT_FOUND') && e.message.includes('.python-version') && e.message.includes('3.99.0') && /pyenv install 3\.99\.0/.test(e.hint ?? ''));
});

test('a shim whose command no selected version has is not an interpreter (pyenv: command not found)', { skip }, async () => {
  await assert.rejects(findPython('python3.99', { cwd: join(tmp, 'plain'), env: env() }), (e: unknown) => isVenvkitError(e, 'PYTHON_NOT_FOUND'));
  const p = await findPython(`python3.${B!.version[1]}`, { cwd: join(tmp, 'plain'), env: env() });
  assert.equal(p.realPath, realpathSync(bPath), 'found in versions/ even though the global version lacks that name');
});

test('shims elsewhere (a script that execs pyenv) and shims given as a path are resolved too', { skip }, async () => {
  const cwd = join(tmp, 'plain');
  const other = await findPython(undefined, { cwd, env: baseEnv(tmp, { PATH: `${join(tmp, 'otherbin')}:/usr/bin:/bin`, PYENV_ROOT: join(tmp, 'nowhere') }) });
  assert.equal(other.path, aPath);
  const explicit = await findPython(join(root, 'shims', 'python3'), { cwd, env: env({ PYENV_VERSION: B!.name }) });
  assert.equal(explicit.path, bPath);
  assert.equal(explicit.source, 'explicit');
  await assert.rejects(findPython(join(root, 'shims', 'python3.99'), { cwd, env: env() }), (e: unknown) => isVenvkitError(e, 'PYTHON_NOT_FOUND') && /is a pyenv shim/.test(e.message));
});

test('listing: every version once, never a shim, never a virtualenv', { skip }, async () => {
  const found = await listPythons({ cwd: join(tmp, 'plain'), env: env() });
  for (const p of found) {
    assert.ok(!p.path.startsWith(join(root, 'shims')), `${p.path} is a shim`);
    assert.ok(!p.path.includes('myenv'), `${p.path} is a virtualenv`);
  }
  const reals = found.map((p) => p.realPath);
  assert.equal(new Set(reals).size, reals.length, 'de-duplicated by real path');
  const a = found.find((p) => p.realPath === realpathSync(aPath));
  const b = found.find((p) => p.realPath === realpathSync(bPath));
  assert.equal(a?.source, 'path', 'the global version came through the python3 shim on PATH');
  assert.equal(a?.path, aPath);
  assert.ok(b && (b.source === 'path' || b.source === 'pyenv'));
});

test('no shim was ever run', { skip }, () => {
  assert.ok(!existsSync(log), `shims ran: ${existsSync(log) ? readFileSync(log, 'utf8') : ''}`);
});
