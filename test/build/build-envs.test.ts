// Build envs hold exactly one requirement set: what a backend's get_requires_for_build_wheel asks
// for beyond build-system.requires goes into the env of the whole set, never into the cached env of
// build-system.requires alone (which other projects share).
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { appendFileSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
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

/** How many hooks each build log of `project` ran ("== venvkit: HOOK" headers), oldest first. */
function hookRuns(project: string): number[] {
  const logs = join(env.VENVKIT_CACHE_DIR!, 'build', 'logs');
  return readdirSync(logs).filter((d) => d.includes(`-${project}-`)).sort()
    .map((d) => (readFileSync(join(logs, d, 'build.log'), 'utf8').match(/^== venvkit: /gm) ?? []).length);
}

test('a project whose get_requires asked for more: next time one hook process in the env of the whole set; a changed answer is followed; the build env gets .pyc files, the project none', { skip, timeout: 300_000 }, async () => {
  // get_requires_for_build_wheel answers what REQUIRES holds; the build fails unless what it can
  // import matches that answer (so it always runs in the env of the set it asked for now).
  const dir = writeInTreeProject(join(tmp, 'asks'), 'asks', [
    'import importlib.util, json',
    'wanted = json.load(open("REQUIRES"))',
    'assert (importlib.util.find_spec("six") is not None) == ("six" in wanted), "built in the wrong env"',
    'if wanted: import six',
  ].join('\n'), ['wheel']);
  appendFileSync(join(dir, 'tinybackend.py'), '\ndef get_requires_for_build_wheel(config_settings=None):\n    import json\n    return json.load(open("REQUIRES"))\n');
  writeFileSync(join(dir, 'REQUIRES'), '["six"]');
  const v = await createVenv(join(tmp, 'env-asks'), { python: python!, env, withoutPip: true });
  const install = () => {
    const r = venvkit(['install', '--env', v.root, '--force-reinstall', '--no-deps', dir], { env: { ...env, PYTHONDONTWRITEBYTECODE: '1' }, timeout: 300_000 });
    assert.equal(r.status, 0, r.stderr);
  };
  install();
  install();
  // First: get_requires in the env of wheel, then build_wheel in the env of wheel+six. Then both at once.
  assert.deepEqual(hookRuns('asks'), [2, 1]);
  // The answer changes: the guess is seen to be wrong, and the build runs in the env of wheel alone.
  writeFileSync(join(dir, 'REQUIRES'), '[]');
  install();
  install();
  assert.deepEqual(hookRuns('asks'), [2, 1, 2, 1]);

  // Under PYTHONDONTWRITEBYTECODE the build env got six's .pyc; the project directory got none.
  const root = join(env.VENVKIT_CACHE_DIR!, 'build-envs');
  const withSix = readdirSync(root).map((d) => join(root, d)).find((d) => existsSync(join(d, '.venvkit-build-env.json')) && readFileSync(join(d, '.venvkit-build-env.json'), 'utf8').includes('"six"'))!;
  const site = join(withSix, 'lib', readdirSync(join(withSix, 'lib'))[0]!, 'site-packages');
  assert.ok(readdirSync(join(site, '__pycache__')).some((f) => /^six\..*\.pyc$/.test(f)), 'six.pyc in the build env');
  assert.ok(!existsSync(join(dir, '__pycache__')), 'no __pycache__ in the project');
  // Build envs are hard links into the wheel cache, not copies.
  assert.ok(statSync(join(site, 'six.py')).nlink > 1, 'six.py is a hard link');
});
