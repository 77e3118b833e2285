// `venvkit python list` / `venvkit python find`, through the built CLI.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, readFileSync, realpathSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { venvkit } from '../helpers/cli.js';
import { PYPY, baseEnv, pyenvPythons, tempDir } from './interpreters.js';

const tmp = tempDir('pycli');
const cwd = join(tmp, 'work');
mkdirSync(cwd);
const env = baseEnv(tmp);
const run = (args: string[], extra: NodeJS.ProcessEnv = {}, dir = cwd) => venvkit(args, { env: { ...env, ...extra }, cwd: dir });
const real = pyenvPythons();
const py3 = real.filter((p) => p.version[0] === 3);

test('python list: a table of every interpreter, the default one marked', async () => {
  const r = run(['python', 'list']);
  assert.equal(r.status, 0, r.stderr);
  const lines = r.stdout.trim().split('\n');
  assert.match(lines[0]!, /VERSION\s+IMPLEMENTATION\s+ARCH\s+SOURCE\s+PATH/);
  for (const p of real) {
    const line = lines.find((l) => l.includes(` ${p.name} `) && l.includes(p.dir));
    assert.ok(line, `${p.name} missing from:\n${r.stdout}`);
    assert.match(line, /cpython\s+\S+\s+pyenv\s/);
    if (p.version[0] === 2) assert.match(line, /too old for venvs/);
  }
  if (PYPY) assert.ok(lines.some((l) => /\bpypy\b/.test(l)), 'pypy listed');
  assert.equal(lines.filter((l) => l.startsWith('*')).length, 1, 'exactly one default');
});

test('python list --json: version, implementation, architecture, path, source', () => {
  const r = run(['python', 'list', '--json']);
  assert.equal(r.status, 0, r.stderr);
  const json = JSON.parse(r.stdout) as { version: string; interpreters: Record<string, unknown>[] };
  assert.equal(json.version, '1');
  const rows = json.interpreters;
  for (const p of real) {
    const row = rows.find((x) => x.realPath === realpathSync(p.exe));
    assert.ok(row, `${p.name} missing`);
    assert.equal(row.version, p.name);
    assert.equal(row.implementation, 'cpython');
    assert.equal(typeof row.architecture, 'string');
    assert.equal(row.source, 'pyenv');
    assert.equal(row.supported, p.version[0] === 3);
  }
  assert.equal(rows.filter((x) => x.default).length, 1);
});

test('python find: prints the path the spec picks; --json describes it', { skip: py3.length ? false : 'no pyenv Python 3' }, () => {
  const p = py3[0]!;
  const r = run(['python', 'find', p.name]);
  assert.equal(r.status, 0, r.stderr);
  assert.equal(realpathSync(r.stdout.trim()), realpathSync(p.exe));
  assert.equal(r.stderr, '');
  const j = run(['python', 'find', `cpython@${p.version[0]}.${p.version[1]}`, '--json']);
  assert.equal(j.status, 0, j.stderr);
  const row = JSON.parse(j.stdout).interpreter;
  assert.equal(row.implementation, 'cpython');
  assert.equal(row.version.split('.').slice(0, 2).join('.'), `${p.version[0]}.${p.version[1]}`);
  // Without a spec: the nearest .python-version, else python3 on PATH.
  mkdirSync(join(cwd, 'proj', 'src'), { recursive: true });
  writeFileSync(join(cwd, 'proj', '.python-version'), `${p.name}\n`);
  const pinned = run(['python', 'find'], {}, join(cwd, 'proj', 'src'));
  assert.equal(pinned.status, 0, pinned.stderr);
  assert.equal(realpathSync(pinned.stdout.trim()), realpathSync(p.exe));
  const q = run(['python', 'find', '-q', p.name]);
  assert.equal(q.status, 0);
  assert.equal(q.stdout, '');
});

test('python find errors: not found (lists what exists), Python 2, bad spec, broken; exit 1', () => {
  const nf = run(['python', 'find', '3.99']);
  assert.equal(nf.status, 1);
  assert.match(nf.stderr, /^error: No Python interpreter matches "3\.99"/);
  assert.match(nf.stderr, /hint: Interpreters found:/);
  for (const p of real) assert.ok(nf.stderr.includes(p.name), `hint lists ${p.name}`);
  const nfj = run(['python', 'find', '3.99', '--json']);
  assert.equal(nfj.status, 1);
  assert.equal(JSON.parse(nfj.stdout).error.code, 'PYTHON_NOT_FOUND');
  const py2 = real.find((p) => p.version[0] === 2);
  if (py2) {
    const old = run(['python', 'find', py2.exe]);
    assert.equal(old.status, 1);
    assert.match(old.stderr, /is Python 2\.7\.\d+: PEP 405 virtual environments need Python 3\.3\+/);
    assert.equal(JSON.parse(run(['python', 'find', '2', '--json']).stdout).error.code, 'PYTHON_UNSUPPORTED');
  }
  const bad = run(['python', 'find', '>=3.x']);
  assert.equal(bad.status, 1);
  assert.match(bad.stderr, /error: Cannot understand the Python spec ">=3\.x"/);
  assert.match(bad.stderr, /hint: Give a version/);
  mkdirSync(join(tmp, 'broken'));
  writeFileSync(join(tmp, 'broken', 'python'), '#!/bin/sh\nexit 1\n');
  chmodSync(join(tmp, 'broken', 'python'), 0o755);
  const broken = run(['python', 'find', join(tmp, 'broken', 'python'), '--json']);
  assert.equal(broken.status, 1);
  assert.equal(JSON.parse(broken.stdout).error.code, 'PYTHON_BROKEN');
});

test('python usage: --help exits 0, no or unknown subcommand and bad flags exit 2', () => {
  for (const args of [['python', '--help'], ['python', 'list', '--help'], ['python', 'find', '-h']]) {
    const r = run(args);
    assert.equal(r.status, 0, args.join(' '));
    assert.match(r.stdout, /Usage: venvkit python list/);
  }
  const none = run(['python']);
  assert.equal(none.status, 2);
  assert.match(none.stdout, /Usage:/);
  const unknown = run(['python', 'frob']);
  assert.equal(unknown.status, 2);
  assert.match(unknown.stderr, /unknown subcommand 'frob'/);
  const flag = run(['python', 'list', '--bogus']);
  assert.equal(flag.status, 2);
  assert.match(flag.stderr, /python list: Unknown option '--bogus'/);
  const two = run(['python', 'find', '3.10', '3.11']);
  assert.equal(two.status, 2);
  assert.match(two.stderr, /one SPEC at most/);
});

test('python find runs no Python for an interpreter already probed', { skip: py3.length ? false : 'no pyenv Python 3' }, () => {
  const p = py3.at(-1)!;
  const dir = join(tmp, 'wrapped');
  const log = join(tmp, 'wrapper.log');
  mkdirSync(dir);
  writeFileSync(join(dir, 'python3'), `#!/bin/sh\necho run >> '${log}'\nexec '${p.exe}' "$@"\n`);
  chmodSync(join(dir, 'python3'), 0o755);
  const extra = { PATH: `${dir}:/usr/bin:/bin`, VENVKIT_CACHE_DIR: join(tmp, 'cache-wrapped') };
  for (let i = 0; i < 3; i++) {
    const r = run(['python', 'find'], extra);
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stdout.trim(), join(dir, 'python3'));
  }
  assert.equal(readFileSync(log, 'utf8').trim().split('\n').length, 1, 'probed once, then read from the cache');
});
