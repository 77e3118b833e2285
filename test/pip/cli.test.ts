// The built CLI: install (report, quiet pipes, no-op), list, freeze (round trip), check, the env
// lock (concurrent installs), and an interrupt mid-install leaving the env as it was.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BIN, venvkit } from '../helpers/cli.js';
import { seedCache } from '../helpers/seed-cache.js';
import { startIndexServer, writeStaticIndex, type IndexServer } from '../helpers/index-server.js';
import { lockEnv } from '../../src/install/env-lock.js';
import { createVenv } from '../../src/venv/create.js';
import { checkLines } from '../../src/installed/check.js';
import { freshEnv, installedSet, isolatedEnv, python3x, snapshot, writeScenarioWheels } from './helpers.js';

const root = mkdtempSync(join(tmpdir(), 'vk-pip-cli-'));
const files = join(root, 'files');
const env = isolatedEnv(join(root, 'cache'));
const python = python3x();
let index = '';
let server: IndexServer;
const skip = () => (python ? false : 'no CPython 3.11/3.12 under $PYENV_ROOT');

before(async () => {
  seedCache(join(root, 'cache'), [python]); // pip's bytecode compiled once per run (test/helpers/seed-cache.ts)
  writeScenarioWheels(files);
  index = writeStaticIndex(files, join(root, 'static'));
  server = await startIndexServer(files);
});
after(async () => {
  await server?.close();
  rmSync(root, { recursive: true, force: true });
});

const vk = (args: string[]) => venvkit(args, { env });

test('install: summary in pipes, nothing with -q, JSON report, console scripts, no-op without the index', { skip: skip() }, async () => {
  const v = await freshEnv(root, python!, env);
  let r = vk(['install', '--env', v.root, '-i', index, 'app', 'tool']);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stderr, /^Resolved 4 packages in [\d.]+ m?s\n(Prepared 4 packages in [\d.]+ m?s\n)?Installed 4 packages in [\d.]+ m?s\n/);
  assert.match(r.stderr, / \+ app==1\.0\n/);
  assert.doesNotMatch(r.stderr, /\r|\x1b/, 'no progress drawing in a pipe');
  assert.equal(r.stdout, '');
  const out = spawnSync(join(v.paths.scripts, 'vk-tool'), { encoding: 'utf8' });
  assert.equal(out.stdout, 'tool 1.0\n');
  r = vk(['install', '--env', v.root, '-i', 'http://127.0.0.1:9/simple', 'app', 'tool']);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stderr, /already satisfied/);
  r = vk(['install', '--env', v.root, '-i', index, '-q', 'keep==1.0']);
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stderr, '');
  r = vk(['install', '--env', v.root, '-i', index, '--json', '-U', 'keep']);
  assert.equal(r.status, 0, r.stderr);
  const report = JSON.parse(r.stdout);
  assert.equal(report.env, v.root);
  assert.deepEqual(report.installed.map((p: { name: string; version: string; previous: string }) => `${p.name} ${p.previous}->${p.version}`), ['keep 1.0->2.0']);
  assert.deepEqual(report.removed, [{ name: 'keep', version: '1.0' }]);
  r = vk(['install', '--env', v.root, '-i', index, 'conflict-a', 'conflict-b']);
  assert.equal(r.status, 1);
  assert.match(r.stderr, /error: No set of versions satisfies the requirements/);
  r = vk(['install', '--env', v.root, '-i', index, 'srconly']);
  assert.equal(r.status, 1);
  assert.match(r.stderr, /srconly-1\.0\.tar\.gz/);
});

test('list, freeze (round trip, direct URLs) and check', { skip: skip() }, async () => {
  const v = await freshEnv(root, python!, env);
  let r = vk(['install', '--env', v.root, '-i', index, 'site', join(files, 'usekeep-1.0-py3-none-any.whl')]);
  assert.equal(r.status, 0, r.stderr);
  r = vk(['list', '--env', v.root]);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /^Package +Version\n-+ -+\nkeep +2\.0\n/);
  r = vk(['list', '--env', v.root, '--json']);
  const listed = JSON.parse(r.stdout).packages;
  assert.deepEqual(listed[0], { name: 'keep', version: '2.0', location: v.paths.purelib, installer: 'venvkit' });
  r = vk(['freeze', '--env', v.root]);
  assert.equal(r.status, 0, r.stderr);
  const lines = r.stdout.trim().split('\n');
  assert.deepEqual(lines.filter((l) => !l.includes(' @ ')), ['keep==2.0', 'site==1.0', 'speedup==1.0', 'web==1.0']);
  assert.match(lines.find((l) => l.includes(' @ '))!, /^usekeep @ file:\/\/.*usekeep-1\.0-py3-none-any\.whl#sha256=[0-9a-f]{64}$/);
  // what pip freeze says is the same
  const pipFreeze = spawnSync(python!, ['-m', 'pip', 'freeze', '--path', v.paths.purelib], { encoding: 'utf8', env: { ...env, PIP_DISABLE_PIP_VERSION_CHECK: '1' } });
  if (pipFreeze.status === 0) assert.equal(r.stdout, pipFreeze.stdout);
  const req = join(root, 'frozen.txt');
  writeFileSync(req, r.stdout);
  const v2 = await freshEnv(root, python!, env);
  r = vk(['install', '--env', v2.root, '-i', index, '-r', req]);
  assert.equal(r.status, 0, r.stderr);
  assert.equal(vk(['freeze', '--env', v2.root]).stdout, vk(['freeze', '--env', v.root]).stdout);
  r = vk(['check', '--env', v.root]);
  assert.equal(r.status, 0, r.stdout);
  assert.equal(r.stdout, 'No broken requirements found.\n');
  // break it: a missing dependency and a conflict (in an env with pip, to ask real pip check too)
  const v3 = await createVenv(join(root, 'broken'), { python: python!, env });
  const pipCheck = () => spawnSync(v3.paths.python, ['-m', 'pip', 'check'], { encoding: 'utf8', env: { ...env, PIP_DISABLE_PIP_VERSION_CHECK: '1' } });
  assert.equal(vk(['install', '--env', v3.root, '-i', index, 'app==2.0', '--no-deps']).status, 0);
  assert.equal(vk(['install', '--env', v3.root, '-i', index, 'util==0.9']).status, 0);
  assert.equal(vk(['install', '--env', v3.root, '-i', index, 'lib==2.0', '--no-deps']).status, 0);
  r = vk(['check', '--env', v3.root]);
  assert.equal(r.status, 1);
  assert.equal(r.stdout, 'lib 2.0 has requirement util>=1, but you have util 0.9.\n');
  let pip = pipCheck();
  assert.deepEqual([pip.status, pip.stdout], [r.status, r.stdout], pip.stderr);
  rmSync(join(v3.paths.purelib, 'util-0.9.dist-info'), { recursive: true });
  r = vk(['check', '--env', v3.root]);
  assert.deepEqual(r.stdout.split('\n').sort(), ['', 'app 2.0 requires util, which is not installed.', 'lib 2.0 requires util, which is not installed.']);
  // both list projects in the order the directory lists them: the same bytes
  pip = pipCheck();
  assert.deepEqual([pip.status, pip.stdout], [r.status, r.stdout], pip.stderr);
});

/** A .dist-info with just METADATA, as another installer might have left it. */
function writeDist(lib: string, dirName: string, headers: string[]): void {
  mkdirSync(join(lib, dirName));
  writeFileSync(join(lib, dirName, 'METADATA'), ['Metadata-Version: 2.1', ...headers, '', ''].join('\n'));
}

test('check prints byte for byte what real pip check prints, with the same exit status', { skip: skip() }, async () => {
  const v = await createVenv(join(root, 'pipcheck'), { python: python!, env });
  const pipEnv = { ...env, PIP_DISABLE_PIP_VERSION_CHECK: '1' };
  const both = () => {
    const ours = vk(['check', '--env', v.root]);
    const pip = spawnSync(v.paths.python, ['-m', 'pip', 'check'], { encoding: 'utf8', env: pipEnv });
    assert.deepEqual({ status: ours.status, stdout: ours.stdout }, { status: pip.status, stdout: pip.stdout }, `pip's stderr: ${pip.stderr}\nours: ${ours.stderr}`);
    return { ours, pip };
  };
  let { ours } = both();
  assert.deepEqual([ours.status, ours.stdout], [0, 'No broken requirements found.\n']);
  const lib = v.paths.purelib;
  // Created out of name order; several projects each with missing and conflicting dependencies,
  // names and versions needing normalisation, ties and duplicates, markers and extras.
  writeDist(lib, 'Zed_App-01.0.dist-info', ['Name: Zed_App', 'Version: 01.0', 'Requires-Dist: Missing_Dep', 'Requires-Dist: Util.Lib[b,a] (>=1.0,<2) ; python_version > "3"',
    'Requires-Dist: aaa', 'Requires-Dist: aaa @ file:///x', 'Requires-Dist: aaa', 'Requires-Dist: aaa!=1', 'Requires-Dist: bbb; os_name == "nt"', 'Requires-Dist: opt; extra == "x"', 'Requires-Dist: Mid.Lib<1 ; os_name == "nt"']);
  writeDist(lib, 'util_lib-0.9.0.dist-info', ['Name: Util_Lib', 'Version: 0.9.0', 'Requires-Dist: zed-app>=2', 'Requires-Dist: Missing.Dep', 'Requires-Dist: odd>=1', 'Requires-Dist: odd!=2']);
  writeDist(lib, 'odd-unknown.dist-info', ['Name: odd', 'Version: unknown']);
  writeDist(lib, 'mid.lib-1.0rc1.dist-info', ['Name: Mid.Lib', 'Version: 1.0-RC1', 'Requires-Dist: ZZZ', 'Requires-Dist: Util-Lib==0.9.0', 'Requires-Dist: zed_app>1.0']);
  writeDist(lib, 'alpha-2.dist-info', ['Name: alpha', 'Version: 2', 'Requires-Dist: mid-lib>=1.0', 'Requires-Dist: missing_dep[x]>1; python_version >= "3"']);
  // Two of one project (left by an interrupted uninstall): pip takes the first it lists.
  writeDist(lib, 'dup-1.0.dist-info', ['Name: dup', 'Version: 1.0', 'Requires-Dist: gone-a']);
  writeDist(lib, 'Dup-2.0.dist-info', ['Name: Dup', 'Version: 2.0', 'Requires-Dist: gone-b']);
  writeDist(lib, 'usesdup-1.0.dist-info', ['Name: usesdup', 'Version: 1.0', 'Requires-Dist: DUP>=2']);
  ({ ours } = both());
  assert.equal(ours.status, 1);
  assert.deepEqual(ours.stdout.split('\n').filter((l) => l.startsWith('zed-app ')), [
    'zed-app 1.0 requires aaa, which is not installed.',
    'zed-app 1.0 requires aaa, which is not installed.',
    'zed-app 1.0 requires aaa, which is not installed.',
    'zed-app 1.0 requires aaa, which is not installed.',
    'zed-app 1.0 requires missing-dep, which is not installed.',
    'zed-app 1.0 has requirement Util.Lib[a,b]<2,>=1.0; python_version > "3", but you have util-lib 0.9.0.',
  ]);
  const lines = ours.stdout.trimEnd().split('\n');
  assert.equal(lines.findIndex((l) => l.includes(' has requirement ')), lines.filter((l) => l.includes(' requires ')).length, 'all missing lines come first');
  // --json: the same problems, in the same order
  const json = JSON.parse(vk(['check', '--env', v.root, '--json']).stdout);
  assert.deepEqual(checkLines(json.problems), lines);
  assert.deepEqual(json.unparsable, []);
  // A Requires-Dist line that does not parse: pip leaves the project out (so it is missing for
  // those that need it), warns on stderr and fails.
  writeDist(lib, 'bad-1.0.dist-info', ['Name: bad', 'Version: 1.0', 'Requires-Dist: bad requirement ((']);
  writeDist(lib, 'needbad-1.0.dist-info', ['Name: needbad', 'Version: 1.0', 'Requires-Dist: Bad']);
  let pip;
  ({ ours, pip } = both());
  assert.match(ours.stdout, /^needbad 1\.0 requires bad, which is not installed\.$/m);
  assert.match(ours.stderr, /^WARNING: Error parsing requirements for bad: /);
  assert.match(pip.stderr, /^WARNING: Error parsing requirements for bad: /m);
  // Only that: nothing on stdout, and still a failure.
  for (const d of readdirSync(lib)) if (d.endsWith('.dist-info') && !d.startsWith('pip-') && d !== 'bad-1.0.dist-info') rmSync(join(lib, d), { recursive: true });
  ({ ours } = both());
  assert.deepEqual([ours.status, ours.stdout], [1, '']);
});

test('concurrent installs into one env are serialised by the lock', { skip: skip() }, async () => {
  const v = await freshEnv(root, python!, env);
  server.faults = { delayMs: 150, pathPrefix: '/files/' };
  const run = (reqs: string[]) => new Promise<{ code: number | null; err: string }>((resolve) => {
    const child = spawn(BIN, ['install', '--env', v.root, '-i', server.url, '--no-cache', ...reqs], { env });
    let err = '';
    child.stderr.on('data', (d) => (err += d));
    child.on('close', (code) => resolve({ code, err }));
  });
  try {
    const [a, b] = await Promise.all([run(['app', 'keep==1.0']), run(['site', 'tool'])]);
    assert.equal(a.code, 0, a.err);
    assert.equal(b.code, 0, b.err);
  } finally {
    server.faults = {};
  }
  assert.deepEqual(installedSet(v), ['app==1.0', 'keep==1.0', 'lib==2.0', 'site==1.0', 'speedup==1.0', 'tool==1.0', 'util==1.0', 'web==1.0']);
  assert.equal(vk(['check', '--env', v.root]).status, 0);
  assert.ok(!existsSync(join(v.root, '.venvkit.lock')));
  assert.deepEqual(readdirSync(v.root).filter((f) => f.startsWith('.venvkit')), []);
});

test('the lock: a second holder waits; a stale lock (dead pid) is taken over', { skip: skip() }, async () => {
  const v = await freshEnv(root, python!, env);
  const first = await lockEnv(v.root);
  let waitedFor = 0;
  const t0 = Date.now();
  setTimeout(() => first.release(), 300);
  const second = await lockEnv(v.root, { onWait: (pid) => (waitedFor = pid) });
  assert.ok(Date.now() - t0 >= 250);
  assert.equal(waitedFor, process.pid);
  second.release();
  const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
  writeFileSync(join(v.root, '.venvkit.lock'), `${dead.stdout}\n`);
  const third = await lockEnv(v.root, { timeoutMs: 2000 });
  third.release();
  assert.ok(!existsSync(join(v.root, '.venvkit.lock')));
});

test('SIGINT mid-install: the env is exactly as before, no lock or staging left', { skip: skip() }, async () => {
  const v = await freshEnv(root, python!, env);
  assert.equal(vk(['install', '--env', v.root, '-i', index, 'keep==1.0']).status, 0);
  const before = snapshot(v.root);
  for (const delayAt of [400, 1500]) {
    server.faults = { delayMs: 700, pathPrefix: '/files/' };
    const child = spawn(BIN, ['install', '--env', v.root, '-i', server.url, '--no-cache', 'app', 'site', 'tool', 'keep==2.0'], { env });
    let err = '';
    child.stderr.on('data', (d) => (err += d));
    const code = await new Promise<number | null>((resolve) => {
      setTimeout(() => child.kill('SIGINT'), delayAt);
      child.on('close', (c, sig) => resolve(c ?? (sig ? 128 + 2 : null)));
    });
    server.faults = {};
    assert.notEqual(code, 0, `interrupted after ${delayAt} ms: ${err}`);
    assert.deepEqual(snapshot(v.root), before);
  }
});

test('on a terminal: progress lines (resolving, fetching, installing) drawn in place; --compile writes .pyc listed in RECORD', { skip: skip() }, async (t) => {
  const hasScript = spawnSync('script', ['--version'], { encoding: 'utf8' }).status === 0;
  if (!hasScript) return t.skip('the `script` command (util-linux) is not installed: no pseudo-terminal to test with');
  const v = await freshEnv(root, python!, env);
  const q = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;
  const r = spawnSync('script', ['-qec', [BIN, 'install', '--env', v.root, '-i', index, '--compile', 'app'].map(q).join(' '), '/dev/null'], { encoding: 'utf8', env });
  assert.equal(r.status, 0, r.stdout + r.stderr);
  assert.match(r.stdout, /Resolving\.\.\./);
  assert.match(r.stdout, /\r\x1b\[2KInstalling 1\/3 \w+/);
  assert.match(r.stdout, /Installed 3 packages in/);
  const record = readFileSync(join(v.paths.purelib, 'app-1.0.dist-info', 'RECORD'), 'utf8');
  assert.match(record, /^app\/__pycache__\/__init__\.cpython-3\d+\.pyc,,$/m);
  assert.ok(existsSync(join(v.paths.purelib, 'app', '__pycache__')));
});
