// Real wheels from the machine's configured index, and built ones, installed by venvkit and then
// run and uninstalled by pip; reinstall, link modes, compile, long/space paths, concurrency, CLI.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, execFileSync } from 'node:child_process';
import { existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { createVenv } from '../../src/venv/create.js';
import { installWheel } from '../../src/install/install-wheel.js';
import { uninstall } from '../../src/install/uninstall.js';
import { IndexClient } from '../../src/index/index-client.js';
import { loadPipConfig } from '../../src/index/pip-config.js';
import type { Venv } from '../../src/venv/types.js';
import { buildWheel } from '../helpers/wheels.js';
import { interpreters, removeDir, tempDir } from '../helpers/venv.js';
import { CLI, venvkit } from '../helpers/cli.js';
import { seedCache } from '../helpers/seed-cache.js';

const run = promisify(execFile);
let tmp: string;
let env: NodeJS.ProcessEnv;
let venv: Venv;
let wheels: string;
let client: IndexClient;
const py311 = interpreters().find((i) => i.version.startsWith('3.11.'));
const py312 = interpreters().find((i) => i.version.startsWith('3.12.'));

const pipEnv = { ...process.env, PIP_DISABLE_PIP_VERSION_CHECK: '1', VIRTUAL_ENV: '' };
const pip = (v: Venv, args: string[]) => run(join(v.paths.scripts, 'pip'), args, { env: pipEnv, timeout: 120_000 });
const python = (v: Venv, code: string) => execFileSync(v.paths.python, ['-c', code], { encoding: 'utf8', env: pipEnv });

/** The env's files (not __pycache__, which importing pip itself creates), as a sorted list. */
function tree(root: string): string[] {
  const out: string[] = [];
  const walk = (rel: string) => {
    for (const n of readdirSync(join(root, rel))) {
      if (n === '__pycache__') continue;
      const r = rel ? `${rel}/${n}` : n;
      const st = lstatSync(join(root, r));
      // Empty directories do not count (pip leaves a namespace package's parent behind, e.g. jaraco/).
      if (st.isDirectory() && readdirSync(join(root, r)).every((x) => x === '__pycache__')) continue;
      out.push(r);
      if (st.isDirectory()) walk(r);
    }
  };
  walk('');
  return out.sort();
}

/** Directories pip leaves behind after removing headers and data files (checked separately). */
const notSiteData = (p: string) => !p.startsWith('include/site') && p !== 'share' && !p.startsWith('share/');

/** A wheel file from the configured indexes (read from pip's config, as pip would). */
async function indexWheel(project: string, pick: (filename: string) => boolean): Promise<string> {
  const p = await client.project(project);
  const c = p.candidates.filter((x) => pick(x.filename)).sort((a, b) => b.version.localeCompare(a.version, undefined, { numeric: true }))[0];
  assert.ok(c, `no wheel of ${project} on the configured indexes matches (have: ${p.candidates.map((x) => x.filename).join(', ')})`);
  return (await client.download(c)).path;
}

before(async () => {
  if (!py311) throw new Error('CPython 3.11 is needed for these tests (cp311 wheels)');
  tmp = tempDir('install');
  env = { ...process.env, VENVKIT_CACHE_DIR: join(tmp, 'cache') };
  seedCache(join(tmp, 'cache'), [py311.path]); // pip's bytecode compiled once per run (test/helpers/seed-cache.ts)
  wheels = join(tmp, 'wheels');
  mkdirSync(wheels);
  client = new IndexClient({ settings: loadPipConfig().settings, cacheDir: join(tmp, 'downloads') });
  venv = await createVenv(join(tmp, 'env311'), { python: py311.path, env });
});
after(() => removeDir(tmp));

test('.data/scripts with #!python, run, then pip uninstall removes every file', async () => {
  const before = tree(venv.root);
  const whl = await indexWheel('jsonpointer', (f) => f.endsWith('py3-none-any.whl'));
  const r = await installWheel(venv, whl, { env });
  assert.equal(r.name, 'jsonpointer');
  const script = join(venv.paths.scripts, 'jsonpointer');
  assert.equal(readFileSync(script, 'utf8').split('\n')[0], `#!${venv.paths.python}`);
  assert.ok(statSync(script).mode & 0o100);
  execFileSync(script, ['--help'], { env: pipEnv, stdio: 'ignore' });
  const distInfo = join(venv.paths.purelib, `jsonpointer-${r.version}.dist-info`);
  assert.equal(readFileSync(join(distInfo, 'INSTALLER'), 'utf8'), 'venvkit\n');
  assert.ok(existsSync(join(distInfo, 'REQUESTED')));
  const direct = JSON.parse(readFileSync(join(distInfo, 'direct_url.json'), 'utf8'));
  assert.match(direct.url, /^file:\/\/.*jsonpointer-.*\.whl$/);
  assert.match(direct.archive_info.hash, /^sha256=[0-9a-f]{64}$/);
  assert.match(readFileSync(join(distInfo, 'RECORD'), 'utf8'), /^\.\.\/\.\.\/\.\.\/bin\/jsonpointer,sha256=/m);
  const { stdout } = await pip(venv, ['freeze']);
  assert.match(stdout, /^jsonpointer @ file:\/\//m);
  await pip(venv, ['uninstall', '-y', '-y', 'jsonpointer']);
  assert.deepEqual(tree(venv.root), before);
});

test('a cp311 platlib wheel with headers: imports, works, and pip uninstalls it', async () => {
  const before = tree(venv.root);
  const whl = await indexWheel('greenlet', (f) => f.includes('-cp311-cp311-') && f.includes('x86_64'));
  await installWheel(venv, whl, { env });
  assert.equal(python(venv, 'import greenlet; print(greenlet.greenlet(lambda: 42).switch())').trim(), '42');
  assert.ok(existsSync(join(venv.paths.include, 'site', 'python3.11', 'greenlet', 'greenlet.h')));
  await pip(venv, ['check']);
  await pip(venv, ['uninstall', '-y', '-y', 'greenlet']);
  assert.deepEqual(tree(venv.root).filter(notSiteData), before.filter(notSiteData));
  assert.ok(!existsSync(join(venv.paths.include, 'site', 'python3.11', 'greenlet', 'greenlet.h')));
});

test('a namespace package (jaraco.*) with its dependency: importable, pip check clean, uninstalled', async () => {
  const before = tree(venv.root);
  await installWheel(venv, await indexWheel('more-itertools', (f) => f.endsWith('py3-none-any.whl')), { env });
  await installWheel(venv, await indexWheel('jaraco.classes', (f) => f.endsWith('py3-none-any.whl')), { env });
  assert.ok(!existsSync(join(venv.paths.purelib, 'jaraco', '__init__.py')), 'jaraco is a namespace package');
  python(venv, 'import jaraco.classes.properties');
  await pip(venv, ['check']);
  await pip(venv, ['uninstall', '-y', '-y', 'jaraco.classes', 'more-itertools']);
  assert.deepEqual(tree(venv.root), before);
});

const appWheel = (version: string, extraFiles: Record<string, string> = {}) =>
  buildWheel(wheels, {
    name: 'demo.app',
    version,
    files: {
      'demo_app/__init__.py': `VERSION = '${version}'\n`,
      'demo_app/cli.py': 'import sys\nclass App:\n    @staticmethod\n    def run():\n        print("console", sys.argv[1:])\n        return 0\ndef gui():\n    print("gui")\n',
      [`demo_app-${version}.data/headers/demo.h`]: '/* header */\n',
      [`demo_app-${version}.data/data/share/demo/readme.txt`]: 'data file\n',
      ...extraFiles,
    },
    console: { 'demo-cli': 'demo_app.cli:App.run' },
    gui: { 'demo-gui': 'demo_app.cli:gui' },
  });

test('console and gui entry points become launchers bound to the env; data and headers land in place', async () => {
  const before = tree(venv.root);
  await installWheel(venv, appWheel('1.0'), { env });
  assert.equal(execFileSync(join(venv.paths.scripts, 'demo-cli'), ['a', 'b'], { encoding: 'utf8' }), "console ['a', 'b']\n");
  assert.equal(execFileSync(join(venv.paths.scripts, 'demo-gui'), { encoding: 'utf8' }), 'gui\n');
  assert.equal(readFileSync(join(venv.paths.scripts, 'demo-cli'), 'utf8').split('\n')[0], `#!${venv.paths.python}`);
  assert.ok(existsSync(join(venv.root, 'share', 'demo', 'readme.txt')));
  assert.ok(existsSync(join(venv.paths.include, 'site', 'python3.11', 'demo.app', 'demo.h')));
  await pip(venv, ['uninstall', '-y', '-y', 'demo.app']);
  assert.deepEqual(tree(venv.root).filter(notSiteData), before.filter(notSiteData));
});

test('installing over another version replaces it through its RECORD; uninstall() removes it', async () => {
  const before = tree(venv.root);
  await installWheel(venv, appWheel('1.0', { 'demo_app/old_only.py': '' }), { env });
  const r = await installWheel(venv, appWheel('2.0', { 'demo_app/new_only.py': '' }), { env });
  assert.deepEqual(r.replaced.map((d) => d.version), ['1.0']);
  assert.ok(!existsSync(join(venv.paths.purelib, 'demo_app', 'old_only.py')));
  assert.ok(existsSync(join(venv.paths.purelib, 'demo_app', 'new_only.py')));
  assert.ok(!existsSync(join(venv.paths.purelib, 'demo_app-1.0.dist-info')));
  assert.equal(python(venv, 'import demo_app; print(demo_app.VERSION)').trim(), '2.0');
  const { stdout } = await pip(venv, ['list', '--format=freeze']);
  assert.match(stdout, /^demo[._-]app==2\.0$/im);
  const u = await uninstall(venv, 'Demo_App', { env });
  assert.deepEqual(u.removed.map((d) => d.version), ['2.0']);
  assert.deepEqual(tree(venv.root).filter(notSiteData), before.filter(notSiteData));
});

test('link modes: hardlink shares the cached file, copy does not, clone falls back to a copy where unsupported', async () => {
  const mod = join(venv.paths.purelib, 'demo_app', 'cli.py');
  let r = await installWheel(venv, appWheel('3.0'), { env, linkMode: 'copy' });
  assert.equal(r.linkMode, 'copy');
  assert.equal(statSync(mod).nlink, 1);
  r = await installWheel(venv, appWheel('3.0'), { env, linkMode: 'hardlink' });
  assert.equal(r.linkMode, 'hardlink');
  assert.ok(statSync(mod).nlink >= 2);
  assert.ok(r.cached);
  r = await installWheel(venv, appWheel('3.0'), { env, linkMode: 'clone' });
  assert.ok(['clone', 'copy'].includes(r.linkMode));
  if (r.linkMode === 'copy') assert.equal(statSync(mod).nlink, 1);
  await uninstall(venv, 'demo.app', { env });
});

test('--compile byte-compiles with the env interpreter and lists the .pyc files in RECORD; pip removes them', async () => {
  const r = await installWheel(venv, appWheel('4.0'), { env, compile: true });
  const pyc = join(venv.paths.purelib, 'demo_app', '__pycache__', 'cli.cpython-311.pyc');
  assert.ok(existsSync(pyc));
  const record = readFileSync(join(venv.paths.purelib, `demo_app-${r.version}.dist-info`, 'RECORD'), 'utf8');
  assert.match(record, /^demo_app\/__pycache__\/cli\.cpython-311\.pyc,,$/m);
  await pip(venv, ['uninstall', '-y', '-y', 'demo.app']);
  assert.ok(!existsSync(pyc));
});

test('--compile over a wheel that ships its own .pyc installs the freshly compiled one', async () => {
  // The shipped .pyc and the compiled one are the same path, staged once but listed twice for the
  // commit (as installRequirements does too); it moves in once.
  const shipped = 'demo_app/__pycache__/cli.cpython-311.pyc';
  await installWheel(venv, appWheel('4.1', { [shipped]: 'not bytecode' }), { env, compile: true });
  const pyc = join(venv.paths.purelib, shipped);
  assert.equal(python(venv, `import importlib.util; print(open(${JSON.stringify(pyc)}, 'rb').read(4) == importlib.util.MAGIC_NUMBER)`).trim(), 'True');
  await uninstall(venv, 'demo.app', { env });
  assert.ok(!existsSync(pyc));
});

test('an env path with spaces and over the shebang limit gets /bin/sh launchers that work', async () => {
  const py = py312 ?? py311!;
  const deep = join(tmp, 'a dir with spaces', 'x'.repeat(60), 'y'.repeat(40), 'env');
  const v = await createVenv(deep, { python: py.path, env, withoutPip: true });
  assert.ok(Buffer.byteLength(`#!${v.paths.python}\n`) > 127);
  await installWheel(v, appWheel('1.0'), { env });
  const launcher = join(v.paths.scripts, 'demo-cli');
  assert.equal(readFileSync(launcher, 'utf8').split('\n')[0], '#!/bin/sh');
  assert.equal(execFileSync(launcher, ['z'], { encoding: 'utf8' }), "console ['z']\n");
  assert.equal(execFileSync(v.paths.python, ['-c', `import runpy, sys; sys.argv = ['demo-gui']; runpy.run_path(${JSON.stringify(join(v.paths.scripts, 'demo-gui'))}, run_name='__main__')`], { encoding: 'utf8' }).trim(), 'gui');
});

test('two processes filling the cache with the same wheel at once both succeed, leaving one entry', async () => {
  const py = py312 ?? py311!;
  const cache2 = join(tmp, 'cache2');
  const envs = await Promise.all(['c1', 'c2'].map((n) => createVenv(join(tmp, n), { python: py.path, env, withoutPip: true })));
  const whl = await indexWheel('jsonpointer', (f) => f.endsWith('py3-none-any.whl'));
  await Promise.all(envs.map((e) => run(process.execPath, [CLI, 'install', '--env', e.root, whl, '-q'], { env: { ...process.env, VENVKIT_CACHE_DIR: cache2 } })));
  const all = readdirSync(join(cache2, 'wheels', 'v1'));
  // One unpacked entry, and one bytecode dir beside it (for the one interpreter).
  const entries = all.filter((n) => !n.includes('.pyc-'));
  assert.equal(entries.length, 1, `cache entries: ${all.join(', ')}`);
  assert.deepEqual(all.filter((n) => n.includes('.pyc-')), [`${entries[0]}.pyc-cpython-3${py.version.split('.')[1]}`]);
  for (const e of envs) assert.ok(existsSync(join(e.paths.scripts, 'jsonpointer')));
  // Two installs into the same env at once: the env lock serialises them; both land, RECORDs intact.
  const [w1, w2] = [appWheel('7.0'), buildWheel(wheels, { name: 'other-pkg', version: '1.0', files: { 'other_pkg.py': '' } })];
  await Promise.all([w1, w2].map((w) => run(process.execPath, [CLI, 'install', '--env', envs[0].root, w, '-q'], { env: { ...process.env, VENVKIT_CACHE_DIR: cache2 } })));
  const names = readdirSync(envs[0].paths.purelib).filter((n) => n.endsWith('.dist-info')).sort();
  assert.ok(names.includes('demo_app-7.0.dist-info') && names.includes('other_pkg-1.0.dist-info'), names.join(', '));
  assert.equal(names.length, 3, names.join(', '));
  python(envs[0], 'import demo_app, other_pkg');
  assert.ok(!existsSync(join(envs[0].root, '.venvkit.lock')));
});

test('CLI: install and uninstall with --env, $VIRTUAL_ENV and the nearest .venv; errors have codes', async () => {
  const py = py312 ?? py311!;
  const proj = join(tmp, 'proj');
  const v = await createVenv(join(proj, '.venv'), { python: py.path, env, withoutPip: true });
  const whl = appWheel('5.0');
  const cliEnv = { ...env, VIRTUAL_ENV: '' };
  let r = venvkit(['install', whl, '--json'], { env: cliEnv, cwd: join(proj) });
  assert.equal(r.status, 0, r.stderr);
  const out = JSON.parse(r.stdout);
  assert.equal(out.env, v.root);
  assert.equal(out.installed[0].name, 'demo.app');
  r = venvkit(['uninstall', '-y', 'demo-app'], { env: { ...env, VIRTUAL_ENV: v.root }, cwd: tmp });
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stderr, /Uninstalled demo\.app 5\.0/);
  // Not installed (any more): skipped with pip's warning, exit 0, as pip does.
  r = venvkit(['uninstall', '-y', 'demo-app', '--env', v.root, '--json'], { env: cliEnv });
  assert.equal(r.status, 0, r.stderr);
  assert.deepEqual(JSON.parse(r.stdout).warnings, ['Skipping demo-app as it is not installed.']);
  r = venvkit(['install', '--env', v.root, join(tmp, 'missing-1.0-py3-none-any.whl')], { env: cliEnv });
  assert.equal(r.status, 1);
  assert.match(r.stderr, /No such wheel file/);
  r = venvkit(['install', '--env', v.root, '--link-mode', 'teleport', whl], { env: cliEnv });
  assert.equal(r.status, 2);
});
