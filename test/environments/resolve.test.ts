// resolveEnvironment (and findEnvironments) on real environments (python -m venv, virtualenv,
// venvkit), links, base interpreters and pyenv shims; on fake layouts of every other kind; and the probe's sys.prefix.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { resolveEnvironment } from '../../src/environments/resolve.js';
import { findEnvironments } from '../../src/environments/find.js';
import { findPython } from '../../src/python/find.js';
import { openVenv } from '../../src/venv/open.js';
import { createVenv } from '../../src/venv/create.js';
import { venvkit } from '../helpers/cli.js';
import { buildMachine } from './fixtures.js';

const PYENV_ROOT = process.env.PYENV_ROOT || join(process.env.HOME ?? '/root', '.pyenv');
const tmp = realpathSync(mkdtempSync(join(tmpdir(), 'venvkit-resolve-')));
process.on('exit', () => rmSync(tmp, { recursive: true, force: true }));
const env: NodeJS.ProcessEnv = { HOME: join(tmp, 'home'), PATH: '/usr/local/bin:/usr/bin:/bin', PYENV_ROOT, VENVKIT_CACHE_DIR: join(tmp, 'cache') };
const PY312 = join(PYENV_ROOT, 'versions', '3.12.1', 'bin', 'python3');

function venv(dir: string, python = PY312): string {
  const r = spawnSync(python, ['-m', 'venv', '--without-pip', dir], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  return dir;
}

test("findPython('.venv/bin/python').prefix is the environment's root (sys.prefix), not the base's", async () => {
  const root = venv(join(tmp, 'proj', '.venv'));
  const inst = await findPython('.venv/bin/python', { cwd: join(tmp, 'proj'), env });
  assert.equal(inst.prefix, root);
  assert.equal(inst.execPrefix, root);
  assert.equal(inst.basePrefix, join(PYENV_ROOT, 'versions', '3.12.1'));
  const real = spawnSync(join(root, 'bin', 'python'), ['-c', 'import sys; print(sys.prefix)'], { encoding: 'utf8' }).stdout.trim();
  assert.equal(inst.prefix, real);
});

test('python -m venv: the directory, its interpreter, and a link to it all resolve to the env', async () => {
  const root = venv(join(tmp, 'plain env'));
  mkdirSync(join(tmp, 'links'));
  symlinkSync(join(root, 'bin', 'python'), join(tmp, 'links', 'tool-python'));
  for (const p of [root, join(root, 'bin', 'python'), join(root, 'bin', 'python3.12'), join(tmp, 'links', 'tool-python')]) {
    const r = await resolveEnvironment(p, { env });
    assert.equal(r.kind, 'venv', p);
    assert.equal(r.prefix, root, p);
    assert.equal(r.basePrefix, join(PYENV_ROOT, 'versions', '3.12.1'));
    assert.equal(r.version, '3.12.1');
    assert.equal(r.implementation, 'cpython');
    assert.equal(r.isVirtual, true);
  }
  assert.equal((await resolveEnvironment(join(tmp, 'links', 'tool-python'), { env })).via, join(tmp, 'links', 'tool-python'));
  assert.equal((await openVenv(join(root, 'bin', 'python'), { env })).root, root);
  assert.equal((await openVenv(join(tmp, 'links', 'tool-python'), { env })).root, root);
});

test('activation commands are quoted for each shell and work in bash and dash; variables match `venvkit run`', async () => {
  const root = join(tmp, "it's $HOME `x` ;&|");
  await createVenv(root, { python: PY312, withoutPip: true, env });
  const r = await resolveEnvironment(root, { env });
  assert.equal(r.kind, 'venv');
  assert.deepEqual(Object.keys(r.activation).sort(), ['bash', 'csh', 'fish', 'nu', 'powershell', 'zsh']);
  assert.equal(r.activation.bash, `. '${root.replace(/'/g, `'\\''`)}/bin/activate'`);
  for (const sh of ['bash', 'dash']) {
    const res: { stdout: string; stderr: string } = spawnSync(sh, ['-c', `${r.activation.bash} && printf %s "$VIRTUAL_ENV"`], { encoding: 'utf8', env: { PATH: env.PATH, HOME: env.HOME } });
    assert.equal(res.stdout, root, `${sh}: ${res.stderr}`);
  }
  const run = venvkit(['run', '--env', root, 'sh', '-c', 'printf "%s\\n%s" "$VIRTUAL_ENV" "$PATH"'], { env: { ...env, PYTHONHOME: '/x' } });
  assert.equal(run.status, 0, run.stderr);
  const [ve, path] = run.stdout.split('\n');
  const vars = (await resolveEnvironment(root, { env: { ...env, PYTHONHOME: '/x' } })).environmentVariables;
  assert.deepEqual(vars, { VIRTUAL_ENV: ve, PATH: path, PYTHONHOME: undefined, VIRTUAL_ENV_PROMPT: undefined });
});

test('a base interpreter and a pyenv shim resolve to the pyenv install (shim not run)', async () => {
  const base = await resolveEnvironment(PY312, { env });
  assert.deepEqual([base.kind, base.prefix, base.version, base.isVirtual], ['pyenv', join(PYENV_ROOT, 'versions', '3.12.1'), '3.12.1', false]);
  assert.deepEqual(base.activation, {});
  const shim = join(PYENV_ROOT, 'shims', 'python3');
  const r = await resolveEnvironment(shim, { env: { ...env, PYENV_VERSION: '3.11.7' } });
  assert.deepEqual([r.kind, r.prefix, r.version, r.via], ['pyenv', join(PYENV_ROOT, 'versions', '3.11.7'), '3.11.7', shim]);
  const sys = await resolveEnvironment('/usr/bin/python3', { env });
  assert.equal(sys.kind, 'system');
  assert.equal(sys.prefix, '/usr');
});

test('virtualenv and venvkit environments', async (t) => {
  const made = await createVenv(join(tmp, 'vk'), { python: PY312, withoutPip: true, env });
  assert.equal((await resolveEnvironment(join(made.root, 'bin', 'python'), { env })).kind, 'venv');
  // virtualenv, installed from the configured index into its own env.
  const tool = join(tmp, 'tool');
  const mk = spawnSync(PY312, ['-m', 'venv', tool], { encoding: 'utf8' });
  const pip = mk.status === 0 ? spawnSync(join(tool, 'bin', 'pip'), ['install', '-q', 'virtualenv'], { encoding: 'utf8', timeout: 300_000 }) : mk;
  if (pip.status !== 0) {
    const reason = `virtualenv could not be installed from the configured index: ${pip.stderr.trim().split('\n').pop()}`;
    if (process.env.CI === 'true') throw new Error(reason);
    console.log(`# skip: ${reason}`);
    t.skip(reason);
    return;
  }
  const ve = join(tmp, 've env');
  const r = spawnSync(join(tool, 'bin', 'virtualenv'), ['-q', '-p', PY312, '--no-pip', '--no-setuptools', '--no-wheel', ve], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  const got = await resolveEnvironment(join(ve, 'bin', 'python'), { env });
  assert.deepEqual([got.kind, got.prefix, got.version, got.implementation], ['virtualenv', ve, '3.12.1', 'cpython']);
  assert.ok(got.activation.fish && got.activation.nu && got.activation.powershell);

  // findEnvironments over a workspace holding real envs of each maker (nothing probed: versions from pyvenv.cfg).
  const ws = join(tmp, 'workspace');
  const made2 = await createVenv(join(ws, 'app', '.venv'), { python: PY312, withoutPip: true, env });
  const plain = venv(join(ws, 'svc', 'env'));
  const ve2 = join(ws, 'tools', 've');
  assert.equal(spawnSync(join(tool, 'bin', 'virtualenv'), ['-q', '-p', PY312, '--no-pip', '--no-setuptools', '--no-wheel', ve2], { encoding: 'utf8' }).status, 0);
  const found = await findEnvironments({ cwd: ws, env, sources: ['workspace'] });
  assert.deepEqual(found.map((e) => [e.kind, e.prefix, e.version]).sort(), [['venv', made2.root, '3.12.1'], ['venv', plain, '3.12.1'], ['virtualenv', ve2, '3.12.1']].sort());
});

test('fake layouts of every kind resolve from their files (their interpreters cannot run)', async () => {
  const m = buildMachine(join(tmp, 'machine'));
  for (const [kind, prefix, version] of m.expected) {
    const r = await resolveEnvironment(prefix, { env: m.env });
    assert.deepEqual([r.kind, r.prefix, r.version], [kind, prefix, version], prefix);
    if (kind === 'conda') assert.match(r.activation.bash ?? '', /^conda activate '/);
  }
  const inside = await resolveEnvironment(join(m.workspace, '.venv', 'bin', 'python3'), { env: m.env });
  assert.equal(inside.kind, 'uv');
});

test('bad input: a missing path, a directory that is no environment', async () => {
  await assert.rejects(resolveEnvironment(join(tmp, 'nope'), { env }), { code: 'VENV_NOT_FOUND', message: new RegExp(join(tmp, 'nope')) });
  mkdirSync(join(tmp, 'empty'));
  await assert.rejects(resolveEnvironment(join(tmp, 'empty'), { env }), { code: 'NOT_A_VENV' });
  await assert.rejects(openVenv(PY312, { env }), { code: 'NOT_A_VENV', message: /not inside a virtual environment/ });
});
