// pip's layouts through `venvkit install`: --target, --prefix, --root, --user, each installed and
// then imported and run through a real interpreter; RECORD paths that lead to the installed files;
// pip's --target rules for what DIR already has; uninstall by real pip where pip can; the refusals
// (--user from a venv that cannot see it, a target that is a file); and -I overwriting.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { buildWheel } from '../helpers/wheels.js';
import { venvkit } from '../helpers/cli.js';
import { interpreters, removeDir, tempDir, testEnv } from '../helpers/venv.js';

const py = interpreters().find((i) => i.version.startsWith('3.11.'))?.path ?? interpreters()[0]!.path;
let dir: string;
let wheels: string;
let env: NodeJS.ProcessEnv;
let minor: string;

before(() => {
  dir = tempDir('layout');
  wheels = join(dir, 'wheels');
  mkdirSync(wheels);
  const a = (v: string) => buildWheel(wheels, {
    name: 'lyt-a', version: v,
    metadata: `Metadata-Version: 2.1\nName: lyt-a\nVersion: ${v}\nRequires-Dist: lyt-b\n`,
    files: { 'lyt_a/__init__.py': `V = "${v}"\ndef main():\n    print("lyt-a", V)\n` },
    console: { 'lyt-a': 'lyt_a:main' },
  });
  a('1.0');
  a('2.0');
  buildWheel(wheels, { name: 'lyt-b', version: '1.0', files: { 'lyt_b.py': 'V = "b1"\n' } });
  env = testEnv(join(dir, 'cache'));
  delete env.VIRTUAL_ENV;
  delete env.PYTHONUSERBASE;
  minor = spawnSync(py, ['-c', 'import sys; print("%d.%d" % sys.version_info[:2])'], { encoding: 'utf8' }).stdout.trim();
});

after(() => removeDir(dir));

const install = (args: string[], extra: NodeJS.ProcessEnv = {}) => venvkit(['install', '--python', py, '--no-index', '--find-links', wheels, ...args], { env: { ...env, ...extra }, cwd: dir });
const ok = (r: { status: number | null; stderr: string }) => assert.equal(r.status, 0, r.stderr);

/** Run the interpreter with these variables; returns stdout (asserting success). */
function python(code: string, extra: NodeJS.ProcessEnv): string {
  const r = spawnSync(py, ['-c', code], { encoding: 'utf8', env: { ...env, ...extra } });
  assert.equal(r.status, 0, r.stderr);
  return r.stdout.trim();
}

/** Every RECORD row of the dist-info dirs in `site` resolves (relative to `site`) to an existing file. */
function assertRecordPaths(site: string, expectScript: string): void {
  const infos = readdirSync(site).filter((n) => n.endsWith('.dist-info'));
  assert.ok(infos.length > 0, `no dist-info in ${site}`);
  let sawScript = false;
  for (const info of infos) {
    for (const row of readFileSync(join(site, info, 'RECORD'), 'utf8').split('\n').filter(Boolean)) {
      const path = row.split(',')[0]!;
      const abs = resolve(site, path);
      assert.ok(existsSync(abs), `${info}/RECORD lists ${path}, which is not at ${abs}`);
      if (abs === expectScript) sawScript = true;
    }
  }
  assert.ok(sawScript, `a RECORD lists the script ${expectScript}`);
}

test('--target DIR: packages at the top, scripts in DIR/bin, importable with PYTHONPATH=DIR; pip\'s rules for what DIR has', () => {
  const target = join(dir, 'build');
  ok(install(['--target', target, 'lyt-a==1.0']));
  assert.equal(python('import lyt_a, lyt_b; print(lyt_a.V, lyt_b.V, lyt_a.__file__)', { PYTHONPATH: target }), `1.0 b1 ${join(target, 'lyt_a', '__init__.py')}`);
  const script = join(target, 'bin', 'lyt-a');
  assert.equal(spawnSync(script, [], { encoding: 'utf8', env: { ...env, PYTHONPATH: target } }).stdout.trim(), 'lyt-a 1.0');
  assert.equal(readFileSync(script, 'utf8').split('\n')[0], `#!${py}`);
  assertRecordPaths(target, script);
  assert.deepEqual(readdirSync(target).filter((n) => n.startsWith('.venvkit')), [], 'no stage left in DIR');

  // Already there, no --upgrade: kept, with a warning naming it (pip: "Target directory ... already exists").
  const again = install(['--target', target, 'lyt-a==2.0']);
  ok(again);
  assert.match(again.stderr, new RegExp(`${join(target, 'lyt_a').replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} already exists`));
  assert.equal(python('import lyt_a; print(lyt_a.V)', { PYTHONPATH: target }), '1.0');
  // --upgrade replaces it.
  ok(install(['--target', target, '--upgrade', 'lyt-a==2.0']));
  assert.equal(python('import lyt_a; print(lyt_a.V)', { PYTHONPATH: target }), '2.0');
  assert.ok(existsSync(join(target, 'lyt_a-2.0.dist-info')));

  // A target that is a file is refused, naming it.
  writeFileSync(join(dir, 'afile'), '');
  const bad = install(['--target', join(dir, 'afile'), 'lyt-b']);
  assert.equal(bad.status, 1);
  assert.match(bad.stderr, /afile exists but is not a directory/);
});

test('--prefix DIR: DIR/lib/pythonX.Y/site-packages and DIR/bin; imported through site; real pip uninstalls it', () => {
  const prefix = join(dir, 'prefix');
  ok(install(['--prefix', prefix, 'lyt-a==1.0']));
  const site = join(prefix, 'lib', `python${minor}`, 'site-packages');
  assert.equal(python(`import site; site.addsitedir(${JSON.stringify(site)}); import lyt_a; print(lyt_a.V, lyt_a.__file__)`, {}), `1.0 ${join(site, 'lyt_a', '__init__.py')}`);
  const script = join(prefix, 'bin', 'lyt-a');
  assert.equal(spawnSync(script, [], { encoding: 'utf8', env: { ...env, PYTHONPATH: site } }).stdout.trim(), 'lyt-a 1.0');
  assertRecordPaths(site, script);
  // pip uninstalls what it can see on sys.path: the files go, the script too.
  const un = spawnSync(py, ['-m', 'pip', 'uninstall', '-y', 'lyt-a'], { encoding: 'utf8', env: { ...env, PYTHONPATH: site, PIP_DISABLE_PIP_VERSION_CHECK: '1' } });
  assert.equal(un.status, 0, un.stderr);
  assert.ok(!existsSync(join(site, 'lyt_a')) && !existsSync(script), 'pip removed the package and its script');
  assert.ok(existsSync(join(site, 'lyt_b.py')), 'the dependency stays');
});

test('--root ROOT --prefix P: every path under ROOT/P, importable from there', () => {
  const root = join(dir, 'stage-root');
  ok(install(['--root', root, '--prefix', '/opt/app', 'lyt-a==1.0']));
  const site = join(root, 'opt', 'app', 'lib', `python${minor}`, 'site-packages');
  assert.equal(python('import lyt_a; print(lyt_a.V)', { PYTHONPATH: site }), '1.0');
  const script = join(root, 'opt', 'app', 'bin', 'lyt-a');
  assert.equal(spawnSync(script, [], { encoding: 'utf8', env: { ...env, PYTHONPATH: site } }).stdout.trim(), 'lyt-a 1.0');
  assertRecordPaths(site, script);
  assert.deepEqual(readdirSync(root), ['opt'], 'nothing outside ROOT/<prefix>');
});

test('--user: the user site of the interpreter (HOME in a temp dir), seen by the interpreter; refused from a venv', () => {
  const home = join(dir, 'home');
  mkdirSync(home);
  ok(install(['--user', 'lyt-a==1.0'], { HOME: home }));
  const site = python('import site; print(site.getusersitepackages())', { HOME: home });
  assert.ok(site.startsWith(home), site);
  assert.equal(python('import lyt_a; print(lyt_a.V, lyt_a.__file__)', { HOME: home }), `1.0 ${join(site, 'lyt_a', '__init__.py')}`);
  const script = join(home, '.local', 'bin', 'lyt-a');
  assert.equal(spawnSync(script, [], { encoding: 'utf8', env: { ...env, HOME: home } }).stdout.trim(), 'lyt-a 1.0');
  assertRecordPaths(site, script);
  const un = spawnSync(py, ['-m', 'pip', 'uninstall', '-y', 'lyt-a'], { encoding: 'utf8', env: { ...env, HOME: home, PIP_DISABLE_PIP_VERSION_CHECK: '1' } });
  assert.equal(un.status, 0, un.stderr);
  assert.ok(!existsSync(join(site, 'lyt_a')) && !existsSync(script), 'pip removed it');

  // From a venv without the system site-packages, as pip: refused, nothing written.
  const venv = join(dir, 'uvenv');
  ok(venvkit(['create', '--without-pip', '-q', '-p', py, venv], { env, cwd: dir }));
  const home2 = join(dir, 'home2');
  mkdirSync(home2);
  const r = venvkit(['install', '--no-index', '--find-links', wheels, '--user', 'lyt-b'], { env: { ...env, HOME: home2, VIRTUAL_ENV: venv }, cwd: dir });
  assert.equal(r.status, 1);
  assert.match(r.stderr, /does not see the user site-packages/);
  assert.match(r.stderr, /hint:/);
  assert.deepEqual(readdirSync(home2), []);
  // --user with --target: refused (USAGE, exit 2).
  assert.equal(install(['--user', '--target', join(dir, 'x'), 'lyt-b'], { HOME: home2 }).status, 2);
});

test('-I/--ignore-installed installs again over what is installed', () => {
  const venv = join(dir, 'ivenv');
  ok(venvkit(['create', '--without-pip', '-q', '-p', py, venv], { env, cwd: dir }));
  const inEnv = (args: string[]) => venvkit(['install', '--env', venv, '--no-index', '--find-links', wheels, ...args], { env, cwd: dir });
  ok(inEnv(['lyt-a==1.0']));
  const site = dirname(spawnSync(join(venv, 'bin', 'python'), ['-c', 'import lyt_b; print(lyt_b.__file__)'], { encoding: 'utf8' }).stdout.trim());
  writeFileSync(join(site, 'lyt_a', '__init__.py'), 'V = "edited"\n');
  const plain = inEnv(['lyt-a==1.0']);
  ok(plain);
  assert.match(plain.stderr, /already satisfied/);
  assert.equal(readFileSync(join(site, 'lyt_a', '__init__.py'), 'utf8'), 'V = "edited"\n');
  const forced = inEnv(['-I', 'lyt-a==1.0']);
  ok(forced);
  assert.equal(spawnSync(join(venv, 'bin', 'python'), ['-c', 'import lyt_a; print(lyt_a.V)'], { encoding: 'utf8' }).stdout.trim(), '1.0');
  assert.deepEqual(readdirSync(site).filter((n) => n.startsWith('lyt_a-')), ['lyt_a-1.0.dist-info']);
});
