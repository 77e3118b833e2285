// Bytecode by default: each wheel compiled once per interpreter into the wheel cache and placed with
// its sources; imports then load the .pyc (`python -v` says "matches") with PYTHONDONTWRITEBYTECODE
// set, after cold and warm installs; edited sources are never shadowed; uninstall removes the .pyc.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { buildWheel } from '../helpers/wheels.js';
import { venvkit } from '../helpers/cli.js';
import { interpreters, removeDir, tempDir, testEnv } from '../helpers/venv.js';

const all = interpreters();
const py312 = all.find((i) => i.version.startsWith('3.12.'))!;
const py311 = all.find((i) => i.version.startsWith('3.11.'))!;
const py36 = all.find((i) => i.version.startsWith('3.6.'));
const TAG312 = 'cpython-312';

const MODS = { 'bcpkg/__init__.py': 'from .mod import VALUE\n', 'bcpkg/mod.py': 'VALUE = "aaaa"\n', 'bcpkg/sub/deep.py': 'X = 1\n' };
const MODULES = ['bcpkg/__init__', 'bcpkg/mod', 'bcpkg/sub/deep'];

interface Setup { dir: string; wheels: string; env: NodeJS.ProcessEnv; cache: string }

function setup(tag: string): Setup {
  const dir = tempDir(tag);
  const wheels = join(dir, 'wheels');
  mkdirSync(wheels);
  buildWheel(wheels, { name: 'bcpkg', version: '1.0', files: MODS });
  return { dir, wheels, env: testEnv(join(dir, 'cache')), cache: join(dir, 'cache') };
}

function makeEnv(s: Setup, name: string, python: string): string {
  const target = join(s.dir, name);
  const r = venvkit(['create', '--without-pip', '-p', python, target], { env: s.env });
  assert.equal(r.status, 0, r.stderr);
  return target;
}

function install(s: Setup, target: string, extra: string[] = []): string {
  const r = venvkit(['install', '--env', target, '--no-index', '-f', s.wheels, 'bcpkg', ...extra], { env: s.env });
  assert.equal(r.status, 0, r.stderr);
  return r.stderr;
}

function sitePackages(target: string): string {
  const lib = join(target, 'lib');
  return join(lib, readdirSync(lib)[0]!, 'site-packages');
}

const pycOf = (target: string, m: string, tag: string) => join(sitePackages(target), m.slice(0, m.lastIndexOf('/')), '__pycache__', `${m.slice(m.lastIndexOf('/') + 1)}.${tag}.pyc`);

/** Run `code` with `python -v`, writing no bytecode: [stdout, stderr]. */
function verbose(target: string, code: string): [string, string] {
  const r = spawnSync(join(target, 'bin', 'python'), ['-v', '-c', code], { encoding: 'utf8', env: { ...process.env, PYTHONDONTWRITEBYTECODE: '1' } });
  assert.equal(r.status, 0, r.stderr);
  return [r.stdout, r.stderr];
}

/** Each module of bcpkg was loaded from its .pyc, none compiled from source. */
function assertLoadedFromPyc(target: string, tag: string): void {
  const [, err] = verbose(target, 'import bcpkg, bcpkg.sub.deep');
  const sp = sitePackages(target);
  for (const m of MODULES) {
    const pyc = pycOf(target, m, tag);
    assert.ok(err.includes(`${pyc} matches ${join(sp, m)}.py`), `${m}: not loaded from ${pyc}:\n${err.split('\n').filter((l) => l.includes('bcpkg')).join('\n')}`);
    assert.ok(!err.includes(`code object from ${join(sp, m)}.py`), `${m} was compiled from source`);
  }
}

/** The bytecode dirs in the wheel cache, by name. */
function cachedBytecode(s: Setup): string[] {
  const root = join(s.cache, 'wheels', 'v1');
  return readdirSync(root).filter((n) => n.includes('.pyc-')).sort();
}

test('bytecode present and used after a cold and a warm install (PYTHONDONTWRITEBYTECODE=1), listed in RECORD; the warm one compiles nothing', () => {
  const s = setup('bc-cold-warm');
  try {
    const a = makeEnv(s, 'a', py312.path);
    install(s, a);
    assertLoadedFromPyc(a, TAG312);
    const record = readFileSync(join(sitePackages(a), 'bcpkg-1.0.dist-info', 'RECORD'), 'utf8');
    for (const m of MODULES) assert.ok(record.includes(`${pycOf(a, m, TAG312).slice(sitePackages(a).length + 1)},,`), `RECORD lists the .pyc of ${m}:\n${record}`);
    assert.deepEqual(cachedBytecode(s).map((n) => n.replace(/^[0-9a-f]{64}/, 'SHA')), [`SHA.pyc-${TAG312}`]);
    const manifest = join(s.cache, 'wheels', 'v1', cachedBytecode(s)[0]!, 'bytecode.json');
    const before = statSync(manifest);
    // Unused for 40 days: the warm install marks it used (so `cache prune` keeps it).
    const old = new Date(Date.now() - 40 * 24 * 3600_000);
    utimesSync(dirname(manifest), old, old);
    // Warm: a second env takes the cached bytecode (the bytecode dir is not written again).
    const b = makeEnv(s, 'b', py312.path);
    install(s, b);
    assertLoadedFromPyc(b, TAG312);
    const after = statSync(manifest);
    assert.equal(after.ino, before.ino);
    assert.equal(after.mtimeMs, before.mtimeMs);
    assert.ok(Date.now() - statSync(dirname(manifest)).mtimeMs < 24 * 3600_000, 'the warm install marked the bytecode dir used');
  } finally {
    removeDir(s.dir);
  }
});

test('an edited source (same size, same mtime) is never shadowed by the installed bytecode', () => {
  const s = setup('bc-edit');
  try {
    const a = makeEnv(s, 'a', py312.path);
    install(s, a);
    const src = join(sitePackages(a), 'bcpkg', 'mod.py');
    assert.ok(existsSync(pycOf(a, 'bcpkg/mod', TAG312)), 'the .pyc is installed');
    const st = statSync(src);
    writeFileSync(src, 'VALUE = "bbbb"\n'); // same size
    utimesSync(src, st.atime, st.mtime); // same mtime: a timestamp .pyc would still "match"
    const [out] = verbose(a, 'import bcpkg; print(bcpkg.VALUE)');
    assert.equal(out.trim(), 'bbbb');
  } finally {
    removeDir(s.dir);
  }
});

test('uninstall removes the .pyc files (and their __pycache__ dirs)', () => {
  const s = setup('bc-uninstall');
  try {
    const a = makeEnv(s, 'a', py312.path);
    install(s, a);
    assert.ok(existsSync(pycOf(a, 'bcpkg/mod', TAG312)), 'the .pyc is installed');
    const r = venvkit(['uninstall', '--env', a, '-y', 'bcpkg'], { env: s.env });
    assert.equal(r.status, 0, r.stderr);
    assert.equal(existsSync(join(sitePackages(a), 'bcpkg')), false, 'bcpkg/ is gone, .pyc and all');
  } finally {
    removeDir(s.dir);
  }
});

test('two interpreters sharing the cache each get their own bytecode', () => {
  const s = setup('bc-two');
  try {
    const a = makeEnv(s, 'a312', py312.path);
    const b = makeEnv(s, 'b311', py311.path);
    install(s, a);
    install(s, b);
    assertLoadedFromPyc(a, TAG312);
    assertLoadedFromPyc(b, 'cpython-311');
    assert.deepEqual(cachedBytecode(s).map((n) => n.replace(/^[0-9a-f]{64}/, 'SHA')), ['SHA.pyc-cpython-311', `SHA.pyc-${TAG312}`]);
  } finally {
    removeDir(s.dir);
  }
});

test('--no-compile installs no bytecode; --compile is accepted', () => {
  const s = setup('bc-off');
  try {
    const a = makeEnv(s, 'a', py312.path);
    install(s, a, ['--no-compile']);
    assert.equal(existsSync(join(sitePackages(a), 'bcpkg', '__pycache__')), false);
    assert.equal(readFileSync(join(sitePackages(a), 'bcpkg-1.0.dist-info', 'RECORD'), 'utf8').includes('.pyc'), false);
    const b = makeEnv(s, 'b', py312.path);
    install(s, b, ['--compile']);
    assertLoadedFromPyc(b, TAG312);
  } finally {
    removeDir(s.dir);
  }
});

test('damaged bytecode in the cache is not installed: it is compiled again (with a warning)', () => {
  const s = setup('bc-damaged');
  try {
    const a = makeEnv(s, 'a', py312.path);
    install(s, a);
    const dir = join(s.cache, 'wheels', 'v1', cachedBytecode(s)[0]!);
    const manifest = JSON.parse(readFileSync(join(dir, 'bytecode.json'), 'utf8')) as { files: Record<string, { pyc: string; size: number }> };
    const cachedPyc = join(dir, manifest.files['bcpkg/mod.py']!.pyc);
    const data = readFileSync(cachedPyc);
    data[data.length - 2] ^= 0xff; // same size, other bytes
    chmodSync(cachedPyc, 0o644);
    writeFileSync(cachedPyc, data);
    const b = makeEnv(s, 'b', py312.path);
    const stderr = install(s, b);
    assert.match(stderr, /bytecode of bcpkg-1\.0-py3-none-any\.whl was damaged/);
    assertLoadedFromPyc(b, TAG312);
    assert.notDeepEqual(readFileSync(pycOf(b, 'bcpkg/mod', TAG312)), data);
  } finally {
    removeDir(s.dir);
  }
});

test('Python 3.6 (no hash-based .pyc): bytecode compiled in the env, used', { skip: py36 ? false : 'no CPython 3.6 here' }, () => {
  const s = setup('bc-36');
  try {
    const a = makeEnv(s, 'a', py36!.path);
    install(s, a);
    assertLoadedFromPyc(a, 'cpython-36');
  } finally {
    removeDir(s.dir);
  }
});

test('a wheel of many modules (compiled by several processes at once): every module gets its bytecode', () => {
  const dir = tempDir('bc-many');
  try {
    const wheels = join(dir, 'wheels');
    mkdirSync(wheels);
    const files: Record<string, string> = { 'many/__init__.py': '' };
    for (let i = 0; i < 300; i++) files[`many/m${i}.py`] = `N = ${i}\n${'# pad\n'.repeat(i % 17)}`;
    buildWheel(wheels, { name: 'many', version: '1.0', files });
    const s: Setup = { dir, wheels, env: testEnv(join(dir, 'cache')), cache: join(dir, 'cache') };
    const a = makeEnv(s, 'a', py312.path);
    const r = venvkit(['install', '--env', a, '--no-index', '-f', wheels, 'many'], { env: s.env });
    assert.equal(r.status, 0, r.stderr);
    const pycs = readdirSync(join(sitePackages(a), 'many', '__pycache__')).sort();
    assert.equal(pycs.length, 301);
    const [out, err] = verbose(a, 'import many, importlib; print(sum(importlib.import_module(f"many.m{i}").N for i in range(300)))');
    assert.equal(out.trim(), String((299 * 300) / 2));
    assert.equal(err.split('\n').filter((l) => /^# code object from .*site-packages\/many\/.*\.py'?$/.test(l)).length, 0, 'no module compiled from source');
  } finally {
    removeDir(dir);
  }
});
