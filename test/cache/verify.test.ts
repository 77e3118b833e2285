// The unpacked-wheel cache never spreads a corruption to a later install: with --link-mode copy an
// in-place edit in one env reaches no other env and not the cache; the default links (a reflink, else
// a hard link on the same file system: sources and bytecode), checked by a stat; a damaged cache
// entry is unpacked again (never linked, never a reason for later installs to fail); with hard links
// an edit reaches the envs already linked (the caveat) and later installs are still clean.
// Interrupted unpacks are collected.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { constants, copyFileSync, existsSync, mkdirSync, openSync, closeSync, writeFileSync, writeSync, readdirSync, readFileSync, rmSync, statSync, truncateSync, unlinkSync, utimesSync, chmodSync } from 'node:fs';
import { basename, join } from 'node:path';
import { hostname } from 'node:os';
import { BIN, venvkit } from '../helpers/cli.js';
import { buildWheel } from '../helpers/wheels.js';
import { removeDir, tempDir } from '../helpers/venv.js';
import { python3x } from '../pip/helpers.js';
import { cacheKey } from '../../src/cache/atomic.js';

const py = python3x();
let tmp: string;
let cache: string;
let wheel: string;
let sha: string;
const MOD = 'tool_pkg/__init__.py';
const ORIGINAL = `VALUE = "original"\n${'# padding\n'.repeat(200)}`;
const SCRIPT = '#!python\nimport tool_pkg\nprint(tool_pkg.VALUE)\n';

before(() => {
  tmp = tempDir('cache-verify');
  cache = join(tmp, 'cache');
  const wheels = join(tmp, 'wheels');
  mkdirSync(wheels);
  wheel = buildWheel(wheels, { name: 'tool-pkg', version: '1.0', files: { [MOD]: ORIGINAL, 'tool_pkg-1.0.data/scripts/tool-script': { data: SCRIPT, mode: 0o100755 } } });
  sha = createHash('sha256').update(readFileSync(wheel)).digest('hex');
});
after(() => removeDir(tmp));

const cliEnv = (c = cache): NodeJS.ProcessEnv => ({ ...process.env, VENVKIT_CACHE_DIR: c, PIP_CONFIG_FILE: '/dev/null', PIP_NO_INDEX: '1', PIP_FIND_LINKS: '' });
let n = 0;
function newEnv(): string {
  const env = join(tmp, `env${n++}`);
  const r = venvkit(['create', env, '-p', py!, '--without-pip', '-q'], { env: cliEnv() });
  assert.equal(r.status, 0, r.stderr);
  return env;
}
function install(env: string, more: string[] = [], c = cache): { status: number | null; stderr: string } {
  const r = venvkit(['install', '--env', env, wheel, ...more], { env: cliEnv(c) });
  assert.equal(r.status, 0, r.stderr);
  return r;
}
const site = (env: string) => spawnSync('sh', ['-c', `echo ${env}/lib/python3*/site-packages`], { encoding: 'utf8' }).stdout.trim();
const installed = (env: string) => readFileSync(join(site(env), MOD), 'utf8');
const cached = () => join(cache, 'wheels', 'v1', sha, 'files', MOD);
const runScript = (env: string) => spawnSync(join(env, 'bin', 'tool-script'), { encoding: 'utf8' }).stdout.trim();
/** What editors and debuggers do: open the installed file read-write and write over its start. */
function editInPlace(path: string, text: string): void {
  const fd = openSync(path, 'r+');
  writeSync(fd, text, 0);
  closeSync(fd);
}
const damaged = (stderr: string) => stderr.split('\n').filter((l) => /the cached copy of tool_pkg-1\.0-py3-none-any\.whl was damaged/.test(l));

test('--link-mode copy: an in-place edit in one env reaches no other env, nor the cache; --force-reinstall restores it', { skip: !py && 'no CPython 3.11/3.12' }, () => {
  const b = newEnv();
  install(b, ['--link-mode', 'copy']);
  const a = newEnv();
  install(a, ['--link-mode', 'copy']);
  assert.equal(statSync(join(site(a), MOD)).nlink, 1, 'the env has its own copy');
  editInPlace(join(site(a), MOD), 'VALUE = "EDITED"   ');
  assert.match(installed(a), /EDITED/);
  assert.equal(installed(b), ORIGINAL);
  assert.equal(readFileSync(cached(), 'utf8'), ORIGINAL);
  const c = newEnv();
  const r = install(c);
  assert.equal(installed(c), ORIGINAL);
  assert.deepEqual(damaged(r.stderr), []);
  install(a, ['--force-reinstall', '--link-mode', 'copy']);
  assert.equal(installed(a), ORIGINAL);
  // Cache files are read-only (a courtesy for hard-linked envs; root ignores it).
  assert.equal(statSync(cached()).mode & 0o777, 0o444);
});

/** Whether the file system of `dir` makes reflinks (then the default link mode clones). */
function reflinks(dir: string): boolean {
  const a = join(dir, 'reflink-probe');
  writeFileSync(a, 'x');
  try {
    copyFileSync(a, `${a}.clone`, constants.COPYFILE_FICLONE_FORCE);
    return true;
  } catch {
    return false;
  } finally {
    rmSync(a, { force: true });
    rmSync(`${a}.clone`, { force: true });
  }
}
/** The cached .pyc of tool_pkg/__init__.py (for the env's interpreter). */
function cachedPyc(): string {
  const root = join(cache, 'wheels', 'v1');
  const dir = readdirSync(root).find((n) => n.startsWith(`${sha}.pyc-`))!;
  return join(root, dir, 'tool_pkg', '__pycache__', `__init__.${dir.slice(dir.indexOf('.pyc-') + 5)}.pyc`);
}
const pycIn = (env: string) => join(site(env), 'tool_pkg', '__pycache__', basename(cachedPyc()));

test('default link mode without reflinks: sources and bytecode hard-linked to the cache, checked by a stat (a touched file is hashed and kept, an edited one unpacked again)', { skip: !py && 'no CPython 3.11/3.12' }, () => {
  const b = newEnv();
  install(b);
  const a = newEnv();
  const r = venvkit(['install', '--env', a, wheel, '--json'], { env: cliEnv() });
  assert.equal(r.status, 0, r.stderr);
  const linkMode = (JSON.parse(r.stdout) as { linkMode: string }).linkMode;
  if (reflinks(tmp)) {
    assert.equal(linkMode, 'clone');
    assert.equal(statSync(join(site(a), MOD)).nlink, 1);
    return;
  }
  // Not a copy: the env's files are the cache's (the cache is on this file system).
  assert.equal(linkMode, 'hardlink');
  // The manifest records each file's mtime as unpacked: a link is then checked by one stat, not a read.
  const manifest = JSON.parse(readFileSync(join(cache, 'wheels', 'v1', sha, 'wheel.json'), 'utf8')) as { files: { path: string; mtime?: number }[] };
  for (const f of manifest.files) assert.equal(f.mtime, statSync(join(cache, 'wheels', 'v1', sha, 'files', f.path)).mtimeMs, f.path);
  assert.equal(statSync(join(site(a), MOD)).ino, statSync(cached()).ino);
  assert.equal(statSync(pycIn(a)).ino, statSync(cachedPyc()).ino, 'the .pyc is linked from the cache too');
  assert.equal(statSync(join(site(a), MOD)).mode & 0o777, 0o444);
  // Touched, not changed (mtime differs from the manifest's): hashed, found whole, linked.
  const later = new Date(Date.now() + 3600_000);
  utimesSync(cached(), later, later);
  utimesSync(cachedPyc(), later, later);
  const c = newEnv();
  assert.deepEqual(damaged(install(c).stderr), []);
  assert.equal(statSync(join(site(c), MOD)).ino, statSync(cached()).ino);
  assert.equal(statSync(pycIn(c)).ino, statSync(cachedPyc()).ino);
  // The caveat: an in-place edit in one env shows in the envs linked to the same file...
  editInPlace(join(site(a), MOD), 'VALUE = "EDITED"   ');
  assert.match(installed(b), /EDITED/);
  // ...and the next install sees the cache file changed (its mtime) and unpacks the wheel again.
  const d = newEnv();
  assert.equal(damaged(install(d).stderr).length, 1);
  assert.equal(installed(d), ORIGINAL);
  assert.equal(runScript(d), 'original');
  assert.match(installed(a), /EDITED/);
  assert.deepEqual(damaged(install(newEnv()).stderr), [], 'repaired once');
});

test('a modified, truncated or deleted cache file is unpacked again: the env gets the wheel\'s content, one warning', { skip: !py && 'no CPython 3.11/3.12' }, () => {
  install(newEnv());
  const damages: [string, () => void][] = [
    ['modified', () => { chmodSync(cached(), 0o644); editInPlace(cached(), 'VALUE = "CORRUPT"  '); }],
    ['truncated', () => { chmodSync(cached(), 0o644); truncateSync(cached(), 10); }],
    ['deleted', () => unlinkSync(cached())],
    ['script modified', () => { const s = join(cache, 'wheels', 'v1', sha, 'files', 'tool_pkg-1.0.data/scripts/tool-script'); chmodSync(s, 0o755); editInPlace(s, '#!python\nprint("X")#'); }],
  ];
  for (const [what, damage] of damages) {
    damage();
    const env = newEnv();
    const r = install(env);
    assert.equal(damaged(r.stderr).length, 1, `${what}: ${r.stderr}`);
    assert.equal(installed(env), ORIGINAL, what);
    assert.equal(runScript(env), 'original', what);
    assert.equal(readFileSync(cached(), 'utf8'), ORIGINAL, `${what}: the entry is whole again`);
    const again = install(newEnv());
    assert.deepEqual(damaged(again.stderr), [], `${what}: repaired once`);
  }
});

test('--link-mode hardlink: an edit in an env stays there (the caveat) and does not poison later installs', { skip: !py && 'no CPython 3.11/3.12' }, () => {
  const a = newEnv();
  install(a, ['--link-mode', 'hardlink']);
  assert.ok(statSync(join(site(a), MOD)).nlink >= 2, 'hard-linked to the cache');
  editInPlace(join(site(a), MOD), 'VALUE = "EDITED"   ');
  const c = newEnv();
  const r = install(c, ['--link-mode', 'hardlink']);
  assert.equal(damaged(r.stderr).length, 1, r.stderr);
  assert.equal(installed(c), ORIGINAL);
  assert.match(installed(a), /EDITED/);
  const d = newEnv();
  install(d);
  assert.equal(installed(d), ORIGINAL);
});

test('interrupted unpacks: a SIGKILLed unpack\'s temp dir is collected later; live or foreign ones are not', { skip: !py && 'no CPython 3.11/3.12' }, async () => {
  const big = join(tmp, 'big');
  mkdirSync(big);
  const files: Record<string, string> = {};
  for (let i = 0; i < 3000; i++) files[`bigpkg/m${i}.py`] = `X = ${i}\n${'#'.repeat(4000)}\n`;
  const bigWheel = buildWheel(big, { name: 'bigpkg', version: '1.0', files });
  const c2 = join(tmp, 'cache-kill');
  const root = join(c2, 'wheels', 'v1');
  const env = newEnv();
  const child = spawn(BIN, ['install', '--env', env, bigWheel, '-q'], { env: cliEnv(c2), stdio: 'ignore' });
  // Kill it while it writes the temp dir (before the rename into place).
  let killed = false;
  for (let i = 0; i < 6000 && !killed; i++) {
    await new Promise((r) => setTimeout(r, 5));
    const tmpDir = existsSync(root) ? readdirSync(root).find((x) => x.startsWith('.tmp-')) : undefined;
    if (tmpDir && existsSync(join(root, tmpDir, 'files', 'bigpkg')) && readdirSync(join(root, tmpDir, 'files', 'bigpkg')).length > 50) {
      child.kill('SIGKILL');
      killed = true;
    }
  }
  await new Promise((r) => child.once('exit', r));
  assert.ok(killed, 'the unpack was not caught in the act');
  const [left] = readdirSync(root).filter((x) => x.startsWith('.tmp-'));
  assert.ok(left, 'the killed unpack left its temp dir');
  // Others: a live process's (this test runner), another host's, both old; and a recent dead one.
  const host = cacheKey(hostname()).slice(0, 8);
  const live = `.tmp-0123456789abcdef-${host}-${process.pid}-aaaa0001`;
  const foreign = `.tmp-0123456789abcdef-00000000-999999-aaaa0002`;
  for (const d of [live, foreign]) mkdirSync(join(root, d, 'files'), { recursive: true });
  const old = (Date.now() - 10 * 60_000) / 1000;
  for (const d of [left, live, foreign]) utimesSync(join(root, d), old, old);
  const r = venvkit(['install', '--env', newEnv(), bigWheel, '-q'], { env: cliEnv(c2) });
  assert.equal(r.status, 0, r.stderr);
  const now = readdirSync(root);
  assert.ok(!now.includes(left), `the dead unpack's temp dir is collected (left: ${now.join(', ')})`);
  assert.ok(now.includes(live), 'a live process\'s temp dir is kept');
  assert.ok(now.includes(foreign), 'another host\'s recent-enough temp dir is kept');
  // A day later, anything is abandoned.
  const dayAgo = (Date.now() - 25 * 3600_000) / 1000;
  utimesSync(join(root, foreign), dayAgo, dayAgo);
  rmSync(join(root, sha), { recursive: true, force: true });
  install(newEnv(), [], c2);
  assert.ok(!readdirSync(root).includes(foreign));
});
