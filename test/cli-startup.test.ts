// What the CLI does to start fast: V8's code cache for the command bundles (src/cli/code-cache.ts)
// and output written straight to the file descriptors (src/cli/output.ts). Neither may ever change
// what a command does, whatever state the cache is in or wherever the output goes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chownSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { BIN, CLI, venvkit } from './helpers/cli.js';
import { seedCache } from './helpers/seed-cache.js';
import { writeWheel } from './helpers/index-server.js';
import { pyenvPythons, tempDir } from './python/interpreters.js';

const py = pyenvPythons().filter((p) => p.version[0] === 3).at(-1);
// (These tests find the code cache next to the VENVKIT_CACHE_DIR they set: not moved elsewhere.)
delete process.env.VENVKIT_CODE_CACHE_DIR;
const skip = py ? false : 'no pyenv Python 3 found under $PYENV_ROOT/versions';

/** The code cache's directory for the package cache `cache` (VENVKIT_CACHE_DIR): its sibling `<cache>-code` (cache/dirs.ts). */
const codeDir = (cache: string) => `${cache}-code`;
const v8Files = (cache: string) => (existsSync(codeDir(cache)) ? readdirSync(codeDir(cache)).sort() : []);

test('the code cache: marked by the first run, written by the second, kept while V8 accepts it, replaced when it does not', { skip }, () => {
  const tmp = tempDir('codecache');
  const cache = join(tmp, 'cache');
  const env = { ...process.env, VENVKIT_CACHE_DIR: cache };
  const create = (name: string, extra: NodeJS.ProcessEnv = {}) => {
    const r = venvkit(['create', join(tmp, name), '--python', py!.exe, '--without-pip', '-q'], { env: { ...env, ...extra } });
    assert.equal(r.status, 0, r.stderr);
    assert.ok(existsSync(join(tmp, name, 'pyvenv.cfg')), `${name} was created`);
  };
  try {
    create('e0');
    const marks = v8Files(cache);
    assert.equal(marks.length, 1, `the first run only marks the bundle seen: ${marks.join(', ')}`);
    assert.match(marks[0]!, /^create\.cjs-v\d+\.\d+\.\d+-[a-z0-9]+-\d+-\d+\.bin\.seen$/);
    assert.equal(readFileSync(join(codeDir(cache), marks[0]!), 'utf8'), '');
    create('e1');
    const files = v8Files(cache);
    assert.equal(files.length, 1, `one cache file for the create bundle: ${files.join(', ')}`);
    assert.match(files[0]!, /^create\.cjs-v\d+\.\d+\.\d+-[a-z0-9]+-\d+-\d+\.bin$/);
    const file = join(codeDir(cache), files[0]!);
    const first = readFileSync(file);
    const stamp = statSync(file).mtimeMs;

    // Accepted: the next run does not write it again.
    create('e2');
    assert.equal(statSync(file).mtimeMs, stamp, 'an accepted cache is not rewritten');
    assert.deepEqual(readFileSync(file), first);

    // Garbage: V8 rejects it, the command still works, and a good cache replaces it. Writing it
    // also removes caches of other builds not written for a week, and keeps recent ones.
    writeFileSync(file, 'not bytecode at all');
    const stale = join(codeDir(cache), 'create.cjs-v1.0.0-x64-1-1.bin');
    const recent = join(codeDir(cache), 'create.cjs-v1.0.0-x64-2-2.bin');
    writeFileSync(stale, 'old');
    writeFileSync(recent, 'another install of venvkit');
    const eightDaysAgo = new Date(Date.now() - 8 * 24 * 3600 * 1000);
    utimesSync(stale, eightDaysAgo, eightDaysAgo);
    create('e3');
    assert.notEqual(readFileSync(file, 'utf8'), 'not bytecode at all', 'the rejected cache was replaced');
    assert.ok(readFileSync(file).length > 1000);
    assert.equal(existsSync(stale), false, 'a cache of another build unused for a week is removed');
    assert.equal(existsSync(recent), true, 'a recent cache of another build is kept');

    // Unwritable cache location (a file where the code cache's directory would be): still works, writes nothing.
    const blocked = join(tmp, 'blocked');
    writeFileSync(codeDir(blocked), 'a file, not a directory');
    create('e4', { VENVKIT_CACHE_DIR: blocked });
    assert.equal(readFileSync(codeDir(blocked), 'utf8'), 'a file, not a directory');

    // Turned off: nothing written.
    const off = join(tmp, 'off');
    create('e5', { VENVKIT_CACHE_DIR: off, VENVKIT_NO_CODE_CACHE: '1' });
    assert.deepEqual(v8Files(off), []);
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
});

test('the code cache outlives the package cache: `cache clean` and an emptied VENVKIT_CACHE_DIR leave it; where it goes', { skip }, () => {
  // As pip's .pyc files outlive `pip cache purge`: a cold package cache still runs compiled venvkit.
  const tmp = tempDir('codecache-home');
  const cache = join(tmp, 'cache');
  const env: NodeJS.ProcessEnv = { ...process.env, VENVKIT_CACHE_DIR: cache };
  const create = (name: string, e: NodeJS.ProcessEnv = env) => {
    const r = venvkit(['create', join(tmp, name), '--python', py!.exe, '--without-pip', '-q'], { env: e });
    assert.equal(r.status, 0, r.stderr);
  };
  try {
    create('e0');
    create('e1');
    const [name] = v8Files(cache);
    assert.match(name ?? '', /^create\.cjs-.*\.bin$/, v8Files(cache).join(', '));
    const file = join(codeDir(cache), name!);
    const stamp = statSync(file).mtimeMs;
    assert.equal(existsSync(join(cache, 'v8')), false, 'nothing of it in the package cache');

    const c = venvkit(['cache', 'clean'], { env });
    assert.equal(c.status, 0, c.stderr);
    assert.equal(statSync(file).mtimeMs, stamp, '`cache clean` left the code cache');

    // The package cache removed and made again (the bench's cold cache): the code cache is read
    // (a damaged one is rejected and replaced, so it was looked at), nothing lands in the new cache.
    rmSync(cache, { recursive: true, force: true });
    writeFileSync(file, 'not bytecode at all');
    create('e2');
    assert.ok(readFileSync(file).length > 1000, 'the code cache was used with an empty package cache');
    assert.equal(existsSync(join(cache, 'v8')), false);

    // Without VENVKIT_CACHE_DIR: next to $XDG_CACHE_HOME/venvkit; VENVKIT_CODE_CACHE_DIR puts it anywhere.
    const xdg = join(tmp, 'xdg');
    const plain: NodeJS.ProcessEnv = { ...env, XDG_CACHE_HOME: xdg };
    delete plain.VENVKIT_CACHE_DIR;
    create('e3', plain);
    assert.deepEqual(readdirSync(join(xdg, 'venvkit-code')).map((f) => f.split('-')[0]), ['create.cjs']);
    const own = join(tmp, 'own-code');
    create('e4', { ...env, VENVKIT_CODE_CACHE_DIR: own });
    assert.deepEqual(readdirSync(own).map((f) => f.split('-')[0]), ['create.cjs']);
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
});

test('root does not make the code cache\'s directory in another user\'s directory (sudo keeping that user\'s HOME)', { skip: skip || (process.getuid?.() !== 0 ? 'not running as root' : false) }, () => {
  const tmp = tempDir('codecache-sudo');
  const theirs = join(tmp, 'theirs');
  mkdirSync(theirs);
  chownSync(theirs, 65534, 65534);
  try {
    const r = venvkit(['create', join(tmp, 'e0'), '--python', py!.exe, '--without-pip', '-q'], { env: { ...process.env, VENVKIT_CACHE_DIR: join(theirs, 'cache') } });
    assert.equal(r.status, 0, r.stderr);
    assert.equal(existsSync(codeDir(join(theirs, 'cache'))), false, 'root made a directory the user would find not theirs');
    assert.doesNotMatch(r.stderr, /venvkit-code|cache-code/);
    // In a directory of its own, it does.
    const r2 = venvkit(['create', join(tmp, 'e1'), '--python', py!.exe, '--without-pip', '-q'], { env: { ...process.env, VENVKIT_CACHE_DIR: join(tmp, 'cache') } });
    assert.equal(r2.status, 0, r2.stderr);
    assert.equal(v8Files(join(tmp, 'cache')).length, 1);
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
});

test('lock\'s V8 flags are set when its resolve-lock part is loaded: both code caches are kept across misses and hits of the resolution cache', { skip }, () => {
  // V8 records its flags in a code cache and rejects the cache when they differ. A lock the
  // resolution cache answers loads lock.cjs alone, without the flags; one it does not answer loads
  // resolve-lock.cjs too, with them: lock.cjs's cache must be written under the flags it was
  // compiled with, else every hit after a miss (or the other way round) rejects it and writes it again.
  const tmp = tempDir('codecache-flags');
  const cache = join(tmp, 'cache');
  const wheels = join(tmp, 'wheels');
  try {
    writeWheel(wheels, { name: 'demo', version: '1.0' });
    const lock = (name: string): string => {
      const out = join(tmp, name, 'pylock.toml');
      rmSync(out, { force: true });
      const r = venvkit(['lock', '-p', py!.exe, '--no-index', '-f', wheels, 'demo', '-o', out, '--json'], { env: { ...process.env, VENVKIT_CACHE_DIR: cache } });
      assert.equal(r.status, 0, r.stderr);
      return (JSON.parse(r.stdout) as { resolutionCache: string }).resolutionCache;
    };
    // (A bundle's first run marks it seen, the second writes its cache.)
    assert.equal(lock('a'), 'stored');
    assert.equal(lock('b'), 'stored');
    const stamps = () => v8Files(cache).filter((f) => /^(lock|resolve-lock)\.cjs-/.test(f)).map((f) => `${f.split('-v')[0]} ${f.endsWith('.bin') ? statSync(join(codeDir(cache), f)).mtimeMs : f}`);
    const before = stamps();
    assert.deepEqual(before.map((s) => s.split(' ')[0]), ['lock.cjs', 'resolve-lock.cjs'], before.join(', '));
    assert.ok(before.every((s) => !s.endsWith('.seen')), before.join(', '));
    assert.equal(lock('b'), 'hit');
    assert.equal(lock('c'), 'stored');
    assert.equal(lock('c'), 'hit');
    assert.deepEqual(stamps(), before, 'a code cache was rejected and written again');
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
});

test('seeding pip is its own bundle: a run without pip never reads it, a run with pip caches it too', { skip }, () => {
  const tmp = tempDir('codecache-seed');
  const cache = join(tmp, 'cache');
  seedCache(cache, [py?.exe]); // pip's bytecode compiled once per run (test/helpers/seed-cache.ts); V8's code cache stays empty
  const env = { ...process.env, VENVKIT_CACHE_DIR: cache };
  try {
    // (A bundle's first run marks it seen, the second writes its cache.)
    const bundles = () => v8Files(cache).map((f) => `${f.split('-')[0]}${f.endsWith('.seen') ? ' seen' : ''}`);
    let r = venvkit(['create', join(tmp, 'bare'), '--python', py!.exe, '--without-pip', '-q'], { env });
    assert.equal(r.status, 0, r.stderr);
    assert.deepEqual(bundles(), ['create.cjs seen']);
    r = venvkit(['create', join(tmp, 'with-pip'), '--python', py!.exe, '-q'], { env });
    assert.equal(r.status, 0, r.stderr);
    assert.deepEqual(bundles(), ['create.cjs', 'seed.cjs seen']);
    r = venvkit(['create', join(tmp, 'with-pip-2'), '--python', py!.exe, '-q'], { env });
    assert.equal(r.status, 0, r.stderr);
    assert.deepEqual(bundles(), ['create.cjs', 'seed.cjs']);
    const pip = spawnSync(join(tmp, 'with-pip', 'bin', 'python'), ['-m', 'pip', '--version'], { encoding: 'utf8' });
    assert.equal(pip.status, 0, pip.stderr);
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
});

test('output: a reader that goes away early is not an error; a full non-blocking pipe gets every byte', { skip }, () => {
  // `venvkit python list --json | head -c 10`: the rest of the output meets a closed pipe.
  const cut = spawnSync('sh', ['-c', `'${BIN}' python list --json | head -c 10; echo " exit=$?"`], { encoding: 'utf8' });
  assert.match(cut.stdout, /^\{\s*"versi exit=0\n$/);
  assert.doesNotMatch(cut.stderr, /EPIPE|error/i);

  // The same output into a one-page pipe set to O_NONBLOCK that is nearly full already and read
  // only later: venvkit's writes hit EAGAIN.
  const full = venvkit(['python', 'list', '--json']);
  assert.equal(full.status, 0, full.stderr);
  assert.ok(full.stdout.length > 200, 'the listing is larger than the room left in the pipe');
  const script = [
    'import fcntl, os, subprocess, sys, time',
    'r, w = os.pipe()',
    'fcntl.fcntl(w, 1031, 4096)  # F_SETPIPE_SZ: one page',
    'fcntl.fcntl(w, fcntl.F_SETFL, fcntl.fcntl(w, fcntl.F_GETFL) | os.O_NONBLOCK)',
    'os.write(w, b"#" * 4000)',
    'p = subprocess.Popen(sys.argv[1:], stdout=w)',
    'os.close(w)',
    'time.sleep(0.5)',
    'out = b""',
    'while True:',
    '    chunk = os.read(r, 65536)',
    '    if not chunk: break',
    '    out += chunk',
    'assert out.startswith(b"#" * 4000)',
    'sys.stdout.buffer.write(out[4000:])',
    'sys.exit(p.wait())',
  ].join('\n');
  const slow = spawnSync(py!.exe, ['-c', script, BIN, 'python', 'list', '--json'], { encoding: 'utf8' });
  assert.equal(slow.status, 0, slow.stderr);
  assert.equal(slow.stdout, full.stdout);
});

test('the build frontend is its own bundle: install (whose no-op path loads install.cjs) does not carry it', () => {
  const commands = join(dirname(CLI), 'commands');
  // The hook runner's hook names are in the frontend's code only.
  assert.ok(readFileSync(join(commands, 'parts', 'build-sources.cjs'), 'latin1').includes('prepare_metadata_for_build_wheel'));
  assert.ok(!readFileSync(join(commands, 'install.cjs'), 'latin1').includes('prepare_metadata_for_build_wheel'), 'install.cjs holds the frontend');
});

test('a no-op install loads no child_process (nothing it does starts a process; install/layout.ts is loaded only for a layout)', { skip }, () => {
  const tmp = tempDir('noop-modules');
  seedCache(join(tmp, 'cache'), [py?.exe]); // pip's bytecode compiled once per run (test/helpers/seed-cache.ts)
  const env = { ...process.env, VENVKIT_CACHE_DIR: join(tmp, 'cache') };
  const preload = join(tmp, 'modules.cjs');
  const out = join(tmp, 'modules.json');
  writeFileSync(preload, `process.on('exit', () => require('node:fs').writeFileSync(${JSON.stringify(out)}, JSON.stringify(process.moduleLoadList)));\n`);
  try {
    const r = venvkit(['create', join(tmp, 'env'), '--python', py!.exe, '-q'], { env });
    assert.equal(r.status, 0, r.stderr);
    // Twice: the first run may probe the interpreter (a child process); the second finds it cached.
    for (let i = 0; i < 2; i++) {
      const n = venvkit(['install', '--env', join(tmp, 'env'), 'pip'], { env: { ...env, NODE_OPTIONS: `--require ${preload}` } });
      assert.equal(n.status, 0, n.stderr);
      assert.match(n.stdout + n.stderr, /already satisfied/);
    }
    const loaded = JSON.parse(readFileSync(out, 'utf8')) as string[];
    assert.ok(loaded.includes('NativeModule fs'), 'the preload recorded the module list');
    assert.deepEqual(loaded.filter((m) => /child_process/.test(m)), []);
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
});
