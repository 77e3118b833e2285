// A pylock.toml written by venvkit installs with pip 26.2 (`pip install -r pylock.toml`, local
// index) to exactly the locked set: a lock for this interpreter, and one lock for Linux x CPython
// 3.9-3.13 plus Windows, compared for every real CPython 3.9-3.13 here with venvkit's own lock for
// that interpreter alone, synced by venvkit into an env of each, and installed by pip into an env of
// each (3.10 and newer: pip 26.2's).
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'smol-toml';
import { venvkit } from '../helpers/cli.js';
import { realPip, pipRunEnv, type RealPip } from '../helpers/real-pip.js';
import { interpreters, tempDir } from '../helpers/venv.js';
import { isolatedEnv } from '../pip/helpers.js';
import { evaluateMarker, markerEnvironment, parseMarker } from '../../src/pep/markers.js';
import { probeInterpreter } from '../../src/python/probe.js';

const dir = tempDir('lock-interop');
after(() => rmSync(dir, { recursive: true, force: true }));
const venvkitEnv = isolatedEnv(join(dir, 'cache'));

type Entry = { name: string; version: string; marker?: string };
const canon = (n: string) => n.replace(/[-_.]+/g, '-').toLowerCase();

/** What pip sees installed in the env of `python` (pip, setuptools and wheel left out). */
function pipInstalled(pip: RealPip, python: string): string[] {
  const r = pip.run(['-m', 'pip', '--python', python, 'list', '--format=json']);
  assert.equal(r.status, 0, r.stderr);
  return (JSON.parse(r.stdout) as { name: string; version: string }[])
    .filter((d) => !['pip', 'setuptools', 'wheel'].includes(canon(d.name)))
    .map((d) => `${canon(d.name)}==${d.version}`)
    .sort();
}

function bareEnv(python: string, where: string): string {
  const r = spawnSync(python, ['-m', 'venv', '--without-pip', where], { env: pipRunEnv(), encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  return join(where, 'bin', 'python');
}

test('pip 26.2 installs a venvkit pylock.toml to the locked set, for this interpreter and for a lock of several', async (t) => {
  const pip = realPip(t, join(dir, 'pip'));
  if (!pip) return;
  // 1. This interpreter (the base of pip's env), packages with compiled wheels among them.
  const base = spawnSync(pip.python, ['-c', 'import sys; print(sys._base_executable)'], { encoding: 'utf8' }).stdout.trim();
  const one = join(dir, 'one');
  mkdirSync(one);
  const r1 = venvkit(['lock', '-p', base, '--index-url', pip.index, 'requests', 'pyyaml', 'colorama; sys_platform == "win32"'], { env: venvkitEnv, cwd: one });
  assert.equal(r1.status, 0, r1.stderr);
  const locked1 = (parse(spawnSync('cat', [join(one, 'pylock.toml')], { encoding: 'utf8' }).stdout) as { packages: Entry[] }).packages;
  const env1 = bareEnv(base, join(dir, 'env-one'));
  const i1 = pip.run(['-m', 'pip', '--python', env1, 'install', '--no-index', '-r', join(one, 'pylock.toml')]);
  assert.equal(i1.status, 0, i1.stderr);
  assert.deepEqual(pipInstalled(pip, env1), locked1.map((p) => `${p.name}==${p.version}`).sort());

  // 2. One lock for Linux x86_64 x CPython 3.9-3.13 and Windows, whose entries differ by Python version.
  const many = join(dir, 'many');
  mkdirSync(many);
  const reqs = ['attrs', 'exceptiongroup; python_version < "3.11"', 'typing-extensions; python_version < "3.12"', 'six', 'colorama; sys_platform == "win32"'];
  const glibc = (process.report?.getReport() as { header?: { glibcVersionRuntime?: string } }).header?.glibcVersionRuntime ?? '2.17';
  const r2 = venvkit(['lock', '--index-url', pip.index, ...reqs,
    '--platform', `linux-x86_64-manylinux_${glibc.replace('.', '_')}`, '--platform', 'windows-amd64',
    '--environment', 'sys_platform == "linux" and python_version >= "3.9" and python_version < "3.14"', '--environment', 'sys_platform == "win32" and python_version >= "3.12"'], { env: venvkitEnv, cwd: many });
  assert.equal(r2.status, 0, r2.stderr);
  const locked2 = (parse(spawnSync('cat', [join(many, 'pylock.toml')], { encoding: 'utf8' }).stdout) as { packages: Entry[] }).packages;
  assert.ok(locked2.some((p) => p.marker), 'some entries are for some targets only');
  const pythons = interpreters().filter((i) => /^3\.(9|1[0-3])\./.test(i.version));
  assert.equal(pythons.length >= 2 || process.env.CI !== 'true', true, 'CPython 3.9-3.13 are installed in CI');
  for (const py of pythons) {
    const info = await probeInterpreter(py.path, { env: venvkitEnv });
    const menv = markerEnvironment(info);
    const applies = locked2.filter((p) => !p.marker || evaluateMarker(parseMarker(p.marker), menv)).map((p) => `${p.name}==${p.version}`).sort();
    // venvkit's resolution for that interpreter alone.
    const alone = venvkit(['lock', '-p', py.path, '--index-url', pip.index, '--print', ...reqs], { env: venvkitEnv, cwd: many });
    assert.equal(alone.status, 0, alone.stderr);
    assert.deepEqual(applies, (parse(alone.stdout) as { packages: Entry[] }).packages.map((p) => `${p.name}==${p.version}`).sort(), py.version);
    // venvkit sync of the multi-environment lock into an env of that interpreter: that set exactly.
    const vkEnv = join(dir, `vk-env-${py.version}`);
    assert.equal(venvkit(['create', '-q', '--without-pip', '-p', py.path, vkEnv], { env: venvkitEnv }).status, 0);
    const synced = venvkit(['sync', '--env', vkEnv, '--json', join(many, 'pylock.toml')], { env: venvkitEnv });
    assert.equal(synced.status, 0, `${py.version}: ${synced.stderr}`);
    assert.deepEqual((JSON.parse(synced.stdout).installed as { name: string; version: string }[]).map((p) => `${canon(p.name)}==${p.version}`).sort(), applies, `venvkit sync on ${py.version}`);
    // pip installs the multi-environment lock into an env of that interpreter: the same set
    // (pip 26.2 runs on 3.10 and newer).
    if (py.version.startsWith('3.9.')) continue;
    const envPy = bareEnv(py.path, join(dir, `env-${py.version}`));
    const inst = pip.run(['-m', 'pip', '--python', envPy, 'install', '--no-index', '-r', join(many, 'pylock.toml')]);
    assert.equal(inst.status, 0, `${py.version}: ${inst.stderr}`);
    assert.deepEqual(pipInstalled(pip, envPy), applies, py.version);
  }
});
