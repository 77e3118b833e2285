// Benchmark tasks of the build frontend (issue 11): `venvkit install -e DIR` of a hatchling, a
// flit-core and a setuptools project into a fresh env (venvkit cache cold and warm) against
// `pip install -e DIR` with pip 26.2 from the local index; `-e DIR` again with the metadata
// unchanged; `venvkit build` against `python -m build`.
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { timedRun, must, run } from './exec.mjs';
import { discard, rmrf } from './setup.mjs';
import { installedSet, compareSets } from './checks.mjs';
import { editableFloorSide, buildFloorSide, EDITABLE_FLOOR_WHY, BUILD_FLOOR_WHY } from './build-floors.mjs';
import { withBreakdowns } from './breakdown.mjs';

export const EDITABLE_BACKENDS = ['hatchling', 'flit-core', 'setuptools'];
const BUILD_PYTHON = '3.11';
const PIP_SPEC = 'pip>=26.2,<26.3';

function spawnSide(key, label, command, { env, prepare, missing, timeoutMs = 300_000 } = {}) {
  return { key, label, missing, prepare, command, env, timeoutMs, exec: () => { const [cmd, ...args] = command(); return timedRun(cmd, args, { env, timeoutMs }); } };
}

/** A small pure-Python project for `backend`, written once under bench/.work/projects. */
function project(ctx, backend) {
  const dir = join(ctx.work, 'projects', `bench-${backend}`);
  const name = `bench_${backend.replace(/[^a-z]/g, '')}`;
  const meta = `[project]\nname = "${name}"\nversion = "1.0"\ndescription = "bench"\ndependencies = ["six"]\n\n[project.scripts]\n${name} = "${name}:main"\n`;
  const backends = {
    hatchling: ['["hatchling"]', 'hatchling.build'],
    'flit-core': ['["flit_core>=3.4"]', 'flit_core.buildapi'],
    setuptools: ['["setuptools>=64"]', 'setuptools.build_meta'],
  };
  const [requires, api] = backends[backend];
  const files = {
    'pyproject.toml': `[build-system]\nrequires = ${requires}\nbuild-backend = "${api}"\n\n${meta}`,
    [`${name}/__init__.py`]: `"""bench"""\ndef main():\n    print("${name} ok")\n`,
  };
  for (const [rel, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, rel)), { recursive: true });
    writeFileSync(join(dir, rel), text);
  }
  return { dir, name };
}

/** An env made by `python -m venv` with pip 26.2 from the index; a template copied back each time (same path). */
function pipEnv(ctx, dir, py, index) {
  const tmpl = join(ctx.work, 'templates', `${dir.replace(/[^A-Za-z0-9._-]+/g, '_')}-pip26`);
  discard(dir);
  if (existsSync(join(tmpl, 'bin', 'python'))) {
    must('cp', ['-a', tmpl, dir]);
    return;
  }
  must(py.path, ['-m', 'venv', dir], { env: ctx.baseEnv });
  must(join(dir, 'bin', 'python'), ['-m', 'pip', 'install', '-q', ...index, PIP_SPEC], { env: ctx.baseEnv });
  mkdirSync(dirname(tmpl), { recursive: true });
  rmrf(tmpl);
  must('cp', ['-a', dir, tmpl]);
}

function vkEnv(ctx, dir, py) {
  discard(dir);
  must(ctx.cli, ['create', dir, '--python', py.path, '--without-pip', '-q'], { env: ctx.baseEnv });
}

/** The project's console script runs, and the env holds what pip's env holds (read with the peer's pip). */
function usableChecks(ctx, dirs, name, pipKey) {
  return (keys) => {
    const out = new Map();
    const ref = installedSet(dirs[pipKey], ctx.baseEnv);
    for (const k of keys) {
      const r = run(join(dirs[k], 'bin', name), [], { env: ctx.baseEnv });
      if (r.status !== 0 || r.stdout.trim() !== `${name} ok`) { out.set(k, `the console script ${name} did not run: ${r.stderr.trim().slice(0, 200)}`); continue; }
      const py = join(dirs[pipKey], 'bin', 'python');
      const s = run(py, ['-m', 'pip', '--python', join(dirs[k], 'bin', 'python'), 'list', '--format=freeze', '--disable-pip-version-check'], { env: ctx.baseEnv });
      const lines = s.stdout.split('\n').map((l) => l.trim()).filter((l) => l && !/^(pip|setuptools)==/.test(l)).map((l) => l.replace(/^[^=]+/, (n) => n.toLowerCase().replace(/[-_.]+/g, '-'))).sort();
      out.set(k, ref.error ?? compareSets(lines, ref.lines.filter((l) => !/^(pip|setuptools)==/.test(l)), 'venvkit', 'pip'));
    }
    return out;
  };
}

function editableInstall(ctx, backend) {
  const id = `install-editable-${backend}`;
  const py = ctx.pythons.get(BUILD_PYTHON);
  const missing = py ? undefined : `CPython ${BUILD_PYTHON} not found under $PYENV_ROOT/versions`;
  const dirs = Object.fromEntries(['cold', 'warm', 'pip', 'floor'].map((k) => [k, join(ctx.work, 'envs', `editable-${k}`)]));
  const index = ctx.index.url ? ['-i', ctx.index.url] : [];
  let proj;
  const vk = (k) => () => [ctx.cli, 'install', '--env', dirs[k], ...index, '-e', proj.dir];
  const floor = editableFloorSide(ctx, { py, index, backend, dir: dirs.floor, model: dirs.warm, proj: () => proj, fresh: (d) => vkEnv(ctx, d, py), missing });
  return withBreakdowns({
    id,
    title: `install -e of a ${backend} project into a fresh env (CPython ${py?.version ?? BUILD_PYTHON})`,
    setup: () => { proj = project(ctx, backend); },
    sides: [
      spawnSide('cold', 'venvkit install -e, cold cache', vk('cold'), {
        env: ctx.venvkitEnv(ctx.cacheCold), missing,
        prepare: () => { vkEnv(ctx, dirs.cold, py); discard(ctx.cacheCold); mkdirSync(ctx.cacheCold, { recursive: true }); },
      }),
      spawnSide('warm', 'venvkit install -e, warm cache', vk('warm'), { env: ctx.venvkitEnv(ctx.cacheWarm), missing, prepare: () => vkEnv(ctx, dirs.warm, py) }),
      spawnSide('pip', 'pip 26.2 install -e', () => [join(dirs.pip, 'bin', 'python'), '-m', 'pip', 'install', '-q', ...index, '-e', proj.dir], { env: ctx.baseEnv, missing, prepare: () => pipEnv(ctx, dirs.pip, py, index) }),
      floor,
    ],
    rows: [
      { a: 'cold', b: 'pip', task: `install -e (${backend}), venvkit cache cold`, target: { kind: 'speedup', min: 2 }, floor: 'floor', floorWhy: EDITABLE_FLOOR_WHY },
      { a: 'warm', b: 'pip', task: `install -e (${backend}), venvkit cache warm`, target: { kind: 'speedup', min: 5 }, floor: 'floor', floorWhy: EDITABLE_FLOOR_WHY },
    ],
    orderChecks: ['pip', 'cold', 'warm', 'floor'],
    // The floor makes no console script: its site-packages is compared with venvkit's warm env.
    check: (keys) => {
      const m = usableChecks(ctx, dirs, proj.name, 'pip')(keys.filter((k) => k !== 'floor'));
      if (keys.includes('floor')) m.set('floor', floor.check());
      return m;
    },
  }, ['cold', 'warm']);
}

function editableNoop(ctx) {
  const id = 'install-editable-noop';
  const py = ctx.pythons.get(BUILD_PYTHON);
  const missing = py ? undefined : `CPython ${BUILD_PYTHON} not found under $PYENV_ROOT/versions`;
  const dirs = { venvkit: join(ctx.work, 'envs', 'editable-noop-venvkit'), pip: join(ctx.work, 'envs', 'editable-noop-pip') };
  const index = ctx.index.url ? ['-i', ctx.index.url] : [];
  let proj;
  return withBreakdowns({
    id,
    title: `install -e again, metadata unchanged (hatchling, CPython ${py?.version ?? BUILD_PYTHON})`,
    setup: () => {
      proj = project(ctx, 'hatchling');
      vkEnv(ctx, dirs.venvkit, py);
      must(ctx.cli, ['install', '--env', dirs.venvkit, ...index, '-e', proj.dir], { env: ctx.venvkitEnv(ctx.cacheWarm) });
      pipEnv(ctx, dirs.pip, py, index);
      must(join(dirs.pip, 'bin', 'python'), ['-m', 'pip', 'install', '-q', ...index, '-e', proj.dir], { env: ctx.baseEnv });
    },
    sides: [
      spawnSide('venvkit', 'venvkit install -e (again)', () => [ctx.cli, 'install', '--env', dirs.venvkit, ...index, '-e', proj.dir], { env: ctx.venvkitEnv(ctx.cacheWarm), missing }),
      spawnSide('pip', 'pip 26.2 install -e (again)', () => [join(dirs.pip, 'bin', 'python'), '-m', 'pip', 'install', '-q', ...index, '-e', proj.dir], { env: ctx.baseEnv, missing }),
      // The CLI's floor: Node starting and exiting, with venvkit's environment (it makes nothing).
      spawnSide('floor', 'node -e 0 (Node start-up)', () => [process.execPath, '-e', '0'], { env: ctx.venvkitEnv(ctx.cacheWarm) }),
    ],
    rows: [{ a: 'venvkit', b: 'pip', target: { kind: 'maxMs', ms: 200 }, floor: 'floor' }],
    check: (keys) => { const m = usableChecks(ctx, dirs, proj.name, 'pip')(keys.filter((k) => k !== 'floor')); if (keys.includes('floor')) m.set('floor', null); return m; },
  }, ['venvkit']);
}

function buildTask(ctx) {
  const id = 'build-hatchling';
  const py = ctx.pythons.get(BUILD_PYTHON);
  const missing = py ? undefined : `CPython ${BUILD_PYTHON} not found under $PYENV_ROOT/versions`;
  const index = ctx.index.url ? ['-i', ctx.index.url] : [];
  const tool = join(ctx.work, 'peers', 'build');
  const out = { venvkit: join(ctx.work, 'dist-venvkit'), build: join(ctx.work, 'dist-build'), floor: join(ctx.work, 'dist-floor') };
  let proj;
  return {
    id,
    title: `build an sdist and a wheel of a hatchling project (CPython ${py?.version ?? BUILD_PYTHON})`,
    setup: () => {
      proj = project(ctx, 'hatchling');
      if (!existsSync(join(tool, 'bin', 'pyproject-build'))) {
        rmrf(tool);
        must(py.path, ['-m', 'venv', tool], { env: ctx.baseEnv });
        must(join(tool, 'bin', 'python'), ['-m', 'pip', 'install', '-q', ...index, PIP_SPEC, 'build'], { env: ctx.baseEnv });
      }
    },
    sides: [
      spawnSide('venvkit', 'venvkit build', () => [ctx.cli, 'build', proj.dir, '-o', out.venvkit, '-p', py.path, ...index], { env: ctx.venvkitEnv(ctx.cacheWarm), missing, prepare: () => discard(out.venvkit) }),
      spawnSide('build', 'python -m build', () => [join(tool, 'bin', 'python'), '-m', 'build', proj.dir, '-o', out.build], { env: { ...ctx.baseEnv, ...(ctx.index.url ? { PIP_INDEX_URL: ctx.index.url } : {}) }, missing, prepare: () => discard(out.build) }),
      buildFloorSide(ctx, { py, index, out: out.floor, proj: () => proj, missing }),
    ],
    rows: [{ a: 'venvkit', b: 'build', target: { kind: 'speedup', min: 3 }, floor: 'floor', floorWhy: BUILD_FLOOR_WHY }],
    check: (keys) => new Map(keys.map((k) => {
      const r = run('ls', [out[k]]);
      const files = r.stdout.split('\n').filter(Boolean).sort().join(' ');
      return [k, /^bench_hatchling-1\.0-\S+-none-any\.whl bench_hatchling-1\.0\.tar\.gz$/.test(files) ? null : `${k} made: ${files || 'nothing'}`];
    })),
  };
}

export function buildTasks(ctx) {
  return [editableNoop(ctx), ...EDITABLE_BACKENDS.map((b) => editableInstall(ctx, b)), buildTask(ctx)];
}
