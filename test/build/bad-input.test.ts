// The frontend with a tiny in-tree backend (no index needed for it) and bad input: not a project,
// malformed pyproject.toml (line and column), a build requirement no index has (named, with the
// project), a failing backend (its output tail and log path, the env unchanged), Ctrl-C during a
// hanging build (the backend and its children end, the env unchanged), -e of a file, -C and
// --no-build-isolation, the legacy default backend for a project without [build-system].
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BIN, venvkit } from '../helpers/cli.js';
import { python3x, snapshot } from '../pip/helpers.js';
import { createVenv } from '../../src/venv/create.js';
import { readPyproject, LEGACY_BACKEND } from '../../src/project/pyproject.js';
import { parseConfigSettings } from '../../src/build/config-settings.js';
import { buildTestEnv, writeFiles, writeInTreeProject } from './helpers.js';

const tmp = mkdtempSync(join(tmpdir(), 'vk-build-bad-'));
after(() => rmSync(tmp, { recursive: true, force: true }));
const env = buildTestEnv(join(tmp, 'cache'));
const python = python3x();
const skip = python ? false : 'no CPython 3.11/3.12 under $PYENV_ROOT';
const vk = (args: string[]) => venvkit(args, { env, timeout: 120_000 });
const errorOf = (stdout: string) => JSON.parse(stdout).error as { code: string; message: string; hint?: string };

test('pyproject.toml: pip\'s defaults, malformed TOML with line and column, bad [build-system]', async () => {
  const legacy = writeFiles(join(tmp, 'legacy'), { 'setup.py': 'from setuptools import setup\nsetup()\n' });
  assert.deepEqual((await readPyproject(legacy)).buildSystem, { requires: ['setuptools>=40.8.0'], backend: LEGACY_BACKEND, backendPath: [], defaulted: true });
  const noBs = writeFiles(join(tmp, 'nobs'), { 'pyproject.toml': '[project]\nname = "x"\n' });
  assert.equal((await readPyproject(noBs)).buildSystem.backend, LEGACY_BACKEND);
  const noBackend = writeFiles(join(tmp, 'nobackend'), { 'pyproject.toml': '[build-system]\nrequires = ["setuptools>=70"]\n' });
  assert.deepEqual((await readPyproject(noBackend)).buildSystem.requires, ['setuptools>=70']);
  const bad = writeFiles(join(tmp, 'badtoml'), { 'pyproject.toml': '[project]\nname = "x"\nversion = "1" "2"\n' });
  await assert.rejects(readPyproject(bad), (e: Error & { code?: string }) => e.code === 'BAD_PYPROJECT' && /pyproject\.toml:3:\d+: /.test(e.message));
  const escape = writeFiles(join(tmp, 'escape'), { 'pyproject.toml': '[build-system]\nrequires = []\nbuild-backend = "b"\nbackend-path = ["../x"]\n' });
  await assert.rejects(readPyproject(escape), /leaves the project directory/);
  const noReq = writeFiles(join(tmp, 'noreq'), { 'pyproject.toml': '[build-system]\nbuild-backend = "b"\n' });
  await assert.rejects(readPyproject(noReq), /has no `requires` key/);
  await assert.rejects(readPyproject(join(tmp, 'escape', 'pyproject.toml')), (e: Error & { code?: string }) => e.code === 'NOT_A_PROJECT');
});

test('config settings as pip reads them', () => {
  assert.deepEqual(parseConfigSettings(['a=1', 'b=x=y', 'a=2', 'a=3', 'c=']), { a: ['1', '2', '3'], b: 'x=y', c: '' });
  assert.throws(() => parseConfigSettings(['novalue']), /KEY=VALUE/);
});

test('bad input: not a project, malformed pyproject, unknown build requirement, -e of a file; the env unchanged', { skip, timeout: 120_000 }, async () => {
  const v = await createVenv(join(tmp, 'env-bad'), { python: python!, env, withoutPip: true });
  const before = snapshot(v.root);
  const empty = writeFiles(join(tmp, 'notaproject'), { 'README': 'hi\n' });
  let r = vk(['install', '--env', v.root, '--json', empty]);
  assert.equal(r.status, 1);
  let e = errorOf(r.stdout);
  assert.equal(e.code, 'NOT_A_PROJECT');
  assert.match(e.message, /notaproject is not a Python project: it has neither pyproject\.toml nor setup\.py/);
  assert.ok(e.hint);

  const bad = writeFiles(join(tmp, 'malformed'), { 'pyproject.toml': '[build-system]\nrequires = ["x"\nbuild-backend = "y"\n' });
  r = vk(['install', '--env', v.root, '-e', bad]);
  assert.equal(r.status, 1);
  assert.match(r.stderr, /^error: .*malformed\/pyproject\.toml:3:1: /m);
  assert.match(r.stderr, /^hint: /m);

  const unknown = writeFiles(join(tmp, 'unknownbackend'), { 'pyproject.toml': '[build-system]\nrequires = ["no-such-backend-vk>=1"]\nbuild-backend = "nosuch"\n\n[project]\nname = "wants-nosuch"\nversion = "1"\n' });
  r = vk(['install', '--env', v.root, '--json', unknown]);
  assert.equal(r.status, 1);
  e = errorOf(r.stdout);
  assert.match(e.message, /build requirements of wants-nosuch \(.*unknownbackend\) \(build-system\.requires: no-such-backend-vk>=1\)/);
  assert.match(e.message, /no-such-backend-vk/);

  r = vk(['install', '--env', v.root, '--json', '-e', join(unknown, 'pyproject.toml')]);
  assert.equal(r.status, 1);
  e = errorOf(r.stdout);
  assert.equal(e.code, 'BAD_REQUIREMENT');
  assert.match(e.message, /pyproject\.toml is not a directory/);
  assert.ok(e.hint);
  r = vk(['install', '--env', v.root, '-C', 'novalue', '-e', unknown]);
  assert.equal(r.status, 2);
  assert.deepEqual(snapshot(v.root), before);
});

test('a failing backend: its output tail and the log path, nothing installed', { skip, timeout: 120_000 }, async () => {
  const v = await createVenv(join(tmp, 'env-fail'), { python: python!, env, withoutPip: true });
  const before = snapshot(v.root);
  const dir = writeInTreeProject(join(tmp, 'failing'), 'failing', 'for i in range(40):\n    print("backend line %d" % i)\nraise RuntimeError("the backend gave up")');
  const r = vk(['install', '--env', v.root, dir]);
  assert.equal(r.status, 1);
  assert.match(r.stderr, /error: Building .*failing.* failed in build_wheel: RuntimeError: the backend gave up/);
  assert.match(r.stderr, /backend line 39/);
  assert.doesNotMatch(r.stderr, /backend line 5\n/, 'only the tail');
  const log = /\(full log: (.*)\)/.exec(r.stderr)?.[1];
  assert.ok(log && existsSync(log), r.stderr);
  assert.match(readFileSync(log, 'utf8'), /backend line 0\n[\s\S]*the backend gave up/);
  assert.deepEqual(snapshot(v.root), before);
  // With -v the backend's whole output is shown as it comes.
  const loud = vk(['install', '-v', '--env', v.root, dir]);
  assert.equal(loud.status, 1);
  assert.match(loud.stderr, /backend line 0\n[\s\S]*backend line 5\n/);
  assert.deepEqual(snapshot(v.root), before);
});

test('-C settings reach the backend (a repeated key is a list); --no-build-isolation builds with the target env', { skip, timeout: 120_000 }, async () => {
  const v = await createVenv(join(tmp, 'env-cfg'), { python: python!, env, withoutPip: true });
  const seen = join(tmp, 'seen.json');
  const dir = writeInTreeProject(join(tmp, 'cfg'), 'cfgdemo', `import json, sys\njson.dump({"settings": config_settings, "prefix": sys.prefix}, open(${JSON.stringify(seen)}, "w"))`, ['no-such-build-dep-vk']);
  // Isolated: the unknown build requirement fails; without isolation it is not installed at all.
  let r = vk(['install', '--env', v.root, dir]);
  assert.equal(r.status, 1);
  r = vk(['install', '--env', v.root, '--no-build-isolation', '-C', 'mode=fast', '-C', 'flag=a', '-C', 'flag=b', dir]);
  assert.equal(r.status, 0, r.stderr);
  const got = JSON.parse(readFileSync(seen, 'utf8'));
  assert.deepEqual(got.settings, { mode: 'fast', flag: ['a', 'b'] });
  assert.equal(got.prefix, v.root);
  assert.equal(spawnSync(v.paths.python, ['-c', 'import cfgdemo; print(cfgdemo.VALUE)'], { encoding: 'utf8', cwd: tmp }).stdout, 'cfgdemo\n');
});

test('Ctrl-C during a hanging build ends the backend and its children; the env is unchanged', { skip: skip || (process.platform === 'win32' ? 'POSIX process groups' : false), timeout: 120_000 }, async () => {
  const v = await createVenv(join(tmp, 'env-int'), { python: python!, env, withoutPip: true });
  const before = snapshot(v.root);
  const pids = join(tmp, 'pids');
  const dir = writeInTreeProject(join(tmp, 'hang'), 'hangdemo', `import os, subprocess, time\nchild = subprocess.Popen(["sleep", "300"])\nopen(${JSON.stringify(pids)}, "w").write("%d %d" % (os.getpid(), child.pid))\ntime.sleep(300)`);
  // Run as a terminal would: its own process group, which gets the SIGINT of Ctrl-C.
  const child = spawn(BIN, ['install', '--env', v.root, dir], { env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  let err = '';
  child.stderr.on('data', (d) => (err += d));
  const deadline = Date.now() + 60_000;
  while (!existsSync(pids) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  assert.ok(existsSync(pids), `the backend started (${err})`);
  await new Promise((r) => setTimeout(r, 200));
  process.kill(-child.pid!, 'SIGINT');
  const code = await new Promise<number | null>((resolve) => child.on('close', (c) => resolve(c)));
  assert.equal(code, 130, err);
  assert.match(err, /Interrupted while building/);
  const alive = (pid: number) => {
    try {
      process.kill(pid, 0);
      return !/^Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1] ?? '');
    } catch {
      return false;
    }
  };
  const [hook, sleeper] = readFileSync(pids, 'utf8').split(' ').map(Number);
  await new Promise((r) => setTimeout(r, 300));
  assert.equal(alive(hook!), false, 'the hook process ended');
  assert.equal(alive(sleeper!), false, "the backend's child ended");
  assert.deepEqual(snapshot(v.root), before);
  assert.deepEqual(readdirSync(join(env.VENVKIT_CACHE_DIR!, 'build')).filter((n) => n.startsWith('work-') || /^hook-\w{6}$/.test(n)), [], 'temporary build dirs removed');
});
