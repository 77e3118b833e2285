// Every bad input to `venvkit create`: its own message and hint, a non-zero exit, and nothing lost.
// Runs the built CLI (npm run build first).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { venvkit, BIN } from '../helpers/cli.js';
import { describeTree, interpreters, python2, removeDir, tempDir, testEnv } from '../helpers/venv.js';

let dir: string;
let env: NodeJS.ProcessEnv;
let py: string;
before(() => {
  dir = tempDir('bad');
  env = testEnv(join(dir, 'cache'));
  py = interpreters().find((i) => i.version.startsWith('3.12'))?.path ?? interpreters()[0].path;
});
after(() => removeDir(dir));

/** A tree with contents, to show nothing was lost. */
function snapshot(root: string): string {
  if (!existsSync(root)) return '<missing>';
  return describeTree(root).join('\n') + (existsSync(join(root, 'notes.txt')) ? readFileSync(join(root, 'notes.txt'), 'utf8') : '');
}

function create(args: string[], extraEnv: NodeJS.ProcessEnv = {}) {
  return venvkit(['create', '--without-pip', ...args], { env: { ...env, ...extraEnv }, cwd: dir });
}

function expectError(r: ReturnType<typeof create>, code: number, message: RegExp, hint: RegExp) {
  assert.equal(r.status, code, r.stderr);
  assert.match(r.stderr, message);
  assert.match(r.stderr, /hint: /);
  assert.match(r.stderr, hint);
}

test('a non-empty directory that is not an env: refused; --allow-existing keeps its files', () => {
  const t = join(dir, 'project');
  mkdirSync(join(t, 'src'), { recursive: true });
  writeFileSync(join(t, 'notes.txt'), 'precious\n');
  writeFileSync(join(t, 'src', 'main.py'), 'print(1)\n');
  const before = snapshot(t);
  expectError(create(['-p', py, t]), 1, /exists, is not empty, and is not a virtual environment/, /--allow-existing/);
  assert.equal(snapshot(t), before);
  const ok = create(['-p', py, '--allow-existing', t]);
  assert.equal(ok.status, 0, ok.stderr);
  assert.equal(readFileSync(join(t, 'notes.txt'), 'utf8'), 'precious\n');
  assert.equal(readFileSync(join(t, 'src', 'main.py'), 'utf8'), 'print(1)\n');
  assert.ok(existsSync(join(t, 'pyvenv.cfg')));
  assert.equal(spawnSync(join(t, 'bin', 'python'), ['-c', 'import sys; assert sys.prefix != sys.base_prefix']).status, 0);
});

test('--allow-existing never replaces a directory entry of the wrong kind', () => {
  const t = join(dir, 'clash');
  mkdirSync(t);
  writeFileSync(join(t, 'bin'), 'a file where bin/ must go\n');
  const before = snapshot(t);
  expectError(create(['-p', py, '--allow-existing', t]), 1, /clash\/bin is in the way of the environment/, /Move it away/);
  assert.equal(snapshot(t), before);
  assert.equal(readFileSync(join(t, 'bin'), 'utf8'), 'a file where bin/ must go\n');
});

test('--clear empties only environments: a plain directory is refused and kept', () => {
  const t = join(dir, 'data');
  mkdirSync(t);
  writeFileSync(join(t, 'notes.txt'), 'keep me\n');
  const before = snapshot(t);
  expectError(create(['-p', py, '--clear', t]), 1, /--clear refuses to empty .*not a virtual environment/, /only ever deletes environments/);
  expectError(create(['-p', py, '--clear', '--allow-existing', t]), 1, /--clear refuses/, /only ever deletes environments/);
  assert.equal(snapshot(t), before);
});

test('the target is a file', () => {
  const t = join(dir, 'afile');
  writeFileSync(t, 'not a dir\n');
  expectError(create(['-p', py, t]), 1, /exists and is a file, not a directory/, /Choose another path/);
  expectError(create(['-p', py, '--clear', t]), 1, /is a file/, /Choose another path/);
  assert.equal(readFileSync(t, 'utf8'), 'not a dir\n');
});

test('a file in the path above the target', () => {
  const f = join(dir, 'plainfile');
  writeFileSync(f, 'x\n');
  expectError(create(['-p', py, join(f, 'env')]), 1, /part of the path above it is a file/, /Check the path/);
  assert.equal(readFileSync(f, 'utf8'), 'x\n');
});

test('the parent directory is not writable (as an unprivileged user)', () => {
  const ro = join(dir, 'readonly');
  mkdirSync(ro, { mode: 0o755 });
  writeFileSync(join(ro, 'notes.txt'), 'x\n');
  const before = snapshot(ro);
  let r: { status: number | null; stdout: string; stderr: string };
  if (process.getuid?.() === 0) {
    // root writes anywhere: drop to nobody for this one run (the dir stays root's, 0755).
    const setpriv = ['/usr/bin/setpriv', '/bin/setpriv'].find(existsSync);
    const sysPy = ['/usr/bin/python3', '/usr/bin/pypy3'].find(existsSync);
    assert.ok(setpriv && sysPy, 'running as root needs setpriv (util-linux) and a system python3 or pypy3 to test this');
    chmodSync(dir, 0o755);
    const cache = join(dir, 'cache-nobody');
    mkdirSync(cache, { mode: 0o777 });
    chmodSync(cache, 0o777);
    const p = spawnSync(setpriv, ['--reuid=65534', '--regid=65534', '--clear-groups', BIN, 'create', '--without-pip', '-p', sysPy, join(ro, 'env')], {
      encoding: 'utf8',
      env: { ...process.env, VENVKIT_CACHE_DIR: cache, HOME: '/nonexistent' },
      cwd: '/',
    });
    r = { status: p.status, stdout: p.stdout, stderr: p.stderr };
  } else {
    chmodSync(ro, 0o555);
    r = create(['-p', py, join(ro, 'env')]);
    chmodSync(ro, 0o755);
  }
  expectError(r, 1, /is not writable \(EACCES\)/, /Choose a directory you can write to/);
  assert.equal(snapshot(ro), before);
});

test('an existing directory in an unwritable parent: the env is staged inside it instead', () => {
  const parent = join(dir, 'locked-parent');
  const proj = join(parent, 'proj');
  mkdirSync(proj, { recursive: true });
  const asUser = (args: string[]) => {
    if (process.getuid?.() !== 0) return create(args);
    const setpriv = ['/usr/bin/setpriv', '/bin/setpriv'].find(existsSync)!;
    const sysPy = ['/usr/bin/python3', '/usr/bin/pypy3'].find(existsSync)!;
    const cache = join(dir, 'cache-nobody');
    mkdirSync(cache, { recursive: true, mode: 0o777 });
    chmodSync(cache, 0o777);
    const p = spawnSync(setpriv, ['--reuid=65534', '--regid=65534', '--clear-groups', BIN, 'create', '--without-pip', ...args.map((a) => (a === py ? sysPy : a))], {
      encoding: 'utf8',
      env: { ...process.env, VENVKIT_CACHE_DIR: cache, HOME: '/nonexistent' },
      cwd: '/',
    });
    return { status: p.status, stdout: p.stdout, stderr: p.stderr };
  };
  if (process.getuid?.() === 0) {
    chmodSync(dir, 0o755);
    spawnSync('chown', ['65534:65534', proj]);
  } else chmodSync(parent, 0o555);
  try {
    const r = asUser(['-p', py, proj]);
    assert.equal(r.status, 0, r.stderr);
    assert.ok(existsSync(join(proj, 'pyvenv.cfg')));
    assert.deepEqual(readdirSync(proj).filter((n) => n.includes('venvkit')), []);
    const again = asUser(['-p', py, '--clear', proj]);
    assert.equal(again.status, 0, again.stderr);
    assert.match(again.stderr, /^Replaced /m);
    assert.ok(existsSync(join(proj, 'bin', 'python')));
    assert.deepEqual(readdirSync(proj).filter((n) => n.includes('venvkit')), []);
    assert.deepEqual(readdirSync(parent), ['proj']);
  } finally {
    chmodSync(parent, 0o755);
  }
});

test('the path contains the PATH separator', () => {
  const t = join(dir, 'a:b');
  expectError(create(['-p', py, t]), 1, /contains the PATH separator ':'/, /choose a path without it/);
  assert.ok(!existsSync(t));
});

test('interpreter not found, Python 2, broken, hanging', () => {
  const t = join(dir, 'never');
  expectError(create(['-p', join(dir, 'no', 'python3'), t]), 1, /No interpreter at .*no\/python3/, /Interpreters found:|venvkit python list/);
  const r99 = create(['-p', '3.99', t]);
  assert.equal(r99.status, 1, r99.stderr);
  assert.match(r99.stderr, /3\.99/);
  assert.match(r99.stderr, /hint: /);
  const py2 = python2();
  if (py2) expectError(create(['-p', py2, t]), 1, /Python 2\.7\.\d+: PEP 405 virtual environments need Python 3\.3\+/, /Pick a Python 3 interpreter/);
  else console.log('# skip: no Python 2 here');
  const broken = join(dir, 'broken-python');
  writeFileSync(broken, '#!/bin/sh\necho "Fatal Python error: boom" >&2\nexit 3\n', { mode: 0o755 });
  expectError(create(['-p', broken, t]), 1, /failed to run:\nFatal Python error: boom/, /Check the installation/);
  const hang = join(dir, 'hanging-python');
  writeFileSync(hang, '#!/bin/sh\nexec sleep 20\n', { mode: 0o755 });
  expectError(create(['-p', hang, t], { VENVKIT_PROBE_TIMEOUT: '300' }), 1, /did not answer within 300 ms/, /try `/);
  assert.ok(!existsSync(t));
});

test('an env for another Python version is not silently mixed', () => {
  const list = interpreters().filter((i) => i.version !== 'pypy');
  const [a, b] = [list[0], list[list.length - 1]];
  const t = join(dir, 'versioned');
  assert.equal(create(['-p', a.path, t]).status, 0);
  writeFileSync(join(t, 'notes.txt'), 'mine\n');
  const before = snapshot(t);
  expectError(create(['-p', b.path, t]), 1, /is an environment for Python 3\.\d+\.\d+, not 3\./, /--clear to replace it, or --upgrade/);
  assert.equal(snapshot(t), before);
});

test('contradicting flags are usage errors (exit 2)', () => {
  expectError(create(['-p', py, '--upgrade-deps', join(dir, 'x')]), 2, /--upgrade-deps upgrades pip, which --without-pip leaves out/, /Drop one/);
  expectError(venvkit(['create', '--copies', '--symlinks', '-p', py, join(dir, 'x')], { env }), 2, /contradict/, /Give one/);
  expectError(venvkit(['create', '--bogus'], { env }), 2, /create: Unknown option '--bogus'/, /venvkit create --help/);
  assert.ok(!existsSync(join(dir, 'x')));
});

test('--json reports errors as JSON with the code and hint', () => {
  const f = join(dir, 'afile2');
  writeFileSync(f, '');
  const r = create(['-p', py, '--json', f]);
  assert.equal(r.status, 1);
  const out = JSON.parse(r.stdout);
  assert.equal(out.error.code, 'TARGET_IS_FILE');
  assert.ok(out.error.hint);
});

test('--allow-existing never overwrites a file it did not write: a clash refuses, writing nothing', () => {
  const t = join(dir, 'own-activate');
  mkdirSync(join(t, 'bin'), { recursive: true });
  writeFileSync(join(t, 'bin', 'activate'), '# my own activate script\n');
  writeFileSync(join(t, 'bin', 'tool'), '#!/bin/sh\n');
  const before = snapshot(t);
  const r = create(['-p', py, '--allow-existing', '--json', t]);
  assert.equal(r.status, 1, r.stderr);
  const err = JSON.parse(r.stdout).error;
  assert.equal(err.code, 'TARGET_EXISTS');
  assert.match(err.message, /own-activate\/bin\/activate exists: --allow-existing keeps the directory's files and never overwrites one it did not write/);
  assert.match(err.hint, /Nothing was written\. Move bin\/activate away/);
  assert.equal(snapshot(t), before, 'nothing written, nothing left behind');
  assert.equal(readFileSync(join(t, 'bin', 'activate'), 'utf8'), '# my own activate script\n');
  // Without the clash, the user's own files in bin/ stay next to the env's.
  const u = join(dir, 'own-bin');
  mkdirSync(join(u, 'bin'), { recursive: true });
  writeFileSync(join(u, 'bin', 'tool'), '#!/bin/sh\n');
  const ok = create(['-p', py, '--allow-existing', u]);
  assert.equal(ok.status, 0, ok.stderr);
  assert.equal(readFileSync(join(u, 'bin', 'tool'), 'utf8'), '#!/bin/sh\n');
  assert.ok(existsSync(join(u, 'bin', 'activate')));
});

test('file-system errors a user causes have their own codes, the path and a hint', () => {
  const code = (r: ReturnType<typeof create>) => JSON.parse(r.stdout).error as { code: string; message: string; hint: string };
  // A file where a directory must go.
  const f = join(dir, 'afile3');
  writeFileSync(f, 'x\n');
  const notDir = code(create(['-p', py, '--json', join(f, 'sub', 'env')]));
  assert.equal(notDir.code, 'PATH_CONFLICT');
  assert.match(notDir.message, /afile3\/sub\/env.*part of the path above it is a file/);
  // A name past the file system's limit (255 bytes).
  const long = join(dir, 'n'.repeat(300));
  const tooLong = code(create(['-p', py, '--json', long]));
  assert.equal(tooLong.code, 'NAME_TOO_LONG');
  assert.match(tooLong.message, /n{300}.*longer than this system allows/);
  assert.match(tooLong.hint, /shorter path/);
  // A name near the limit is fine: venvkit's hidden staging names are cut short, not the env's.
  const near = join(dir, 'm'.repeat(250));
  const ok = create(['-p', py, near]);
  assert.equal(ok.status, 0, ok.stderr);
  assert.equal(create(['-p', py, '--clear', near]).status, 0);
  assert.deepEqual(readdirSync(dir).filter((n) => n.includes('venvkit')), []);
  // An immutable parent (chattr +i): EPERM even for root.
  const imm = join(dir, 'immutable');
  mkdirSync(imm);
  if (spawnSync('chattr', ['+i', imm]).status === 0) {
    try {
      const perm = code(create(['-p', py, '--json', join(imm, 'env')]));
      assert.equal(perm.code, 'NOT_PERMITTED');
      assert.match(perm.message, /immutable.*EPERM|EPERM/);
      assert.match(perm.hint, /chattr -i/);
    } finally {
      spawnSync('chattr', ['-i', imm]);
    }
  } else console.log('# skip: chattr +i does not work here');
});
