// Build envs hold exactly one requirement set: what a backend's get_requires_for_build_wheel asks
// for beyond build-system.requires goes into the env of the whole set, never into the cached env of
// build-system.requires alone (which other projects share).
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { appendFileSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { venvkit } from '../helpers/cli.js';
import { python3x } from '../pip/helpers.js';
import { createVenv } from '../../src/venv/create.js';
import { buildTestEnv, localIndex, writeInTreeProject } from './helpers.js';

const tmp = mkdtempSync(join(tmpdir(), 'vk-build-envs-'));
after(() => rmSync(tmp, { recursive: true, force: true }));
const env = buildTestEnv(join(tmp, 'cache'));
const python = python3x();
const skip = !python ? 'no CPython 3.11/3.12 under $PYENV_ROOT' : !localIndex(env) ? 'no file:// index in pip\'s configuration' : false;

/** Each build env's requirement set and whether it holds six. */
function envs(): { requirements: string[]; six: boolean }[] {
  const root = join(env.VENVKIT_CACHE_DIR!, 'build-envs');
  return readdirSync(root).filter((d) => existsSync(join(root, d, '.venvkit-build-env.json'))).map((d) => {
    const libs = join(root, d, 'lib');
    const six = readdirSync(libs).some((py) => readdirSync(join(libs, py, 'site-packages')).some((f) => f.startsWith('six-')));
    return { requirements: (JSON.parse(readFileSync(join(root, d, '.venvkit-build-env.json'), 'utf8')) as { requirements: string[] }).requirements, six };
  }).sort((a, b) => a.requirements.length - b.requirements.length);
}

test('get_requires_for_build_wheel asking for more: another env of the whole set; the shared one is unchanged', { skip, timeout: 300_000 }, async () => {
  const needsix = writeInTreeProject(join(tmp, 'p1'), 'needsix', '', ['wheel']);
  appendFileSync(join(needsix, 'tinybackend.py'), '\ndef get_requires_for_build_wheel(config_settings=None):\n    return ["six"]\n');
  const plain = writeInTreeProject(join(tmp, 'p2'), 'plain', '', ['wheel']);
  const v = await createVenv(join(tmp, 'env'), { python: python!, env, withoutPip: true });
  let r = venvkit(['install', '--env', v.root, needsix], { env, timeout: 300_000 });
  assert.equal(r.status, 0, r.stderr);
  r = venvkit(['install', '--env', v.root, plain], { env, timeout: 300_000 });
  assert.equal(r.status, 0, r.stderr);
  assert.deepEqual(envs(), [{ requirements: ['wheel'], six: false }, { requirements: ['wheel', 'six'], six: true }]);
});

test('venvkit build without -p: the nearest .venv\'s interpreter, else .python-version', { skip, timeout: 300_000 }, async () => {
  const root = join(tmp, 'which');
  const versions = join(process.env.PYENV_ROOT || join(process.env.HOME ?? '/root', '.pyenv'), 'versions');
  const py312 = readdirSync(versions).find((n) => n.startsWith('3.12.'));
  const py313 = readdirSync(versions).find((n) => n.startsWith('3.13.'));
  if (!py312 || !py313) {
    assert.ok(process.env.CI !== 'true', 'CPython 3.12 and 3.13 are needed');
    return;
  }
  const dir = writeInTreeProject(join(root, 'proj'), 'which', 'import sys\nopen("built-with.txt", "w").write("%d.%d" % sys.version_info[:2])');
  writeFileSync(join(root, '.python-version'), '3.13\n');
  await createVenv(join(root, '.venv'), { python: join(versions, py312, 'bin', 'python3'), env, withoutPip: true });
  const built = () => {
    const r = venvkit(['build', '--wheel', '-o', join(root, 'dist')], { env, cwd: dir, timeout: 300_000 });
    assert.equal(r.status, 0, r.stderr);
    return readFileSync(join(dir, 'built-with.txt'), 'utf8');
  };
  assert.equal(built(), '3.12', 'the .venv above the project');
  rmSync(join(root, '.venv'), { recursive: true });
  assert.equal(built(), '3.13', '.python-version without a .venv');
});
