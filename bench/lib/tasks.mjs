// The benchmark tasks. Each task has sides (the tools, run alternately), rows (which side is
// compared with which, and the target from the issues), and a check of every side's result.
import { join } from 'node:path';
import { mkdirSync, readdirSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { timedRun, must } from './exec.mjs';
import { discard, freshVenv } from './setup.mjs';
import { findEnvironmentsTask, resolveEnvironmentTask } from './env-tasks.mjs';
import { checkEnv, envFacts, checkPipRuns, installedSet, compareSets, checkUsable } from './checks.mjs';
import { buildTasks } from './tasks-build.mjs';
import { lockTasks } from './tasks-lock.mjs';
import { importTask } from './import-task.mjs';
import { syncTasks } from './tasks-sync.mjs';
import { bytecodeTasks } from './tasks-bytecode.mjs';
import { envBuilderTasks, createVenvSide, createFloorSide, checkCreateFloor, CREATE_FLOOR_WHY, settleDisk } from './tasks-library-create.mjs';
import { withResolutionFloor, withMultiLockFloor } from './resolution-floor.mjs';
import { installFloorSides, installFloorRows, checkInstallFloor } from './install-floors.mjs';
import { withBreakdowns } from './breakdown.mjs';
import { placeFloorSide, PLACE_FLOOR_WHY } from './place-floor.mjs';
import { withBytecodeFloors, withImportFloor } from './bytecode-floors.mjs';

/**
 * Tasks of ~0.1 s per run are run at least this many times, whatever --runs says. On this shared
 * machine a run now and then takes ~30 ms longer, whichever tool it is; with 20 pairs the medians
 * moved by up to 25% between runs of the suite, so 50.
 */
export const CHEAP_RUNS = 50;
/**
 * In-process create tasks (createVenv timed in the suite's own process) are warmed up this many
 * times per tool: V8 compiles a function's code as it runs, and its first ~20 calls took ~2.5x the
 * time of later ones (median, tmpfs); a single warm-up left the first such task of a run (the one in
 * the temporary directory) timing mostly that. Python has no such start-up: one call warms it.
 */
export const IN_PROCESS_WARMUP = 20;
/** createVenv vs EnvBuilder.create: ~2 ms a run, so 200 pairs (a few seconds) for a steady median. */
export const IN_PROCESS_RUNS = 200;
export const CREATE_PYTHONS = ['3.11', '3.12', '3.13'];
/** python -m venv with pip takes ~4 s a run: two interpreters (3.11 also seeds setuptools). */
export const CREATE_PIP_PYTHONS = ['3.11', '3.12'];
/** The local index's binary wheels are built for CPython 3.11. */
export const INSTALL_PYTHON = '3.11';
export const REQUIREMENT_SETS = [
  { name: 'requests', reqs: ['requests'], imports: ['requests'], commands: [], timeoutMs: 300_000 },
  { name: 'flask', reqs: ['flask'], imports: ['flask'], commands: [['flask', '--version']], timeoutMs: 300_000 },
  // hardlinks: also time --link-mode hardlink, to show what the isolating default (copy where there
  // are no reflinks, every file from a cache entry checked as it is copied) costs.
  { name: 'jupyter', reqs: ['jupyter'], imports: ['jupyter_core'], commands: [['jupyter', '--paths']], timeoutMs: 900_000, hardlinks: true, targets: { cold: { kind: 'speedup', min: 3 }, warm: { kind: 'speedup', min: 10 } } },
];

function spawnSide(key, label, command, { env, prepare, missing, timeoutMs = 120_000 } = {}) {
  return {
    key, label, missing, prepare, command, env, timeoutMs,
    exec: () => {
      const [cmd, ...args] = command();
      return timedRun(cmd, args, { env: typeof env === 'function' ? env() : env, timeoutMs });
    },
  };
}

/** The floor of a CLI task: Node starting and exiting (`node -e 0`), with venvkit's environment. It makes no files: its check is null. */
/** What the CLI's create does beyond Node's start-up (the floor of the CLI create tasks), for results.md. */
export const CLI_CREATE_FLOOR_WHY = {
  bare: 'work the floor does not do (not timed one by one): loading the CLI and its create bundle, finding the interpreter from the path given (its facts cached), and the create itself (as the library createVenv rows: a few ms)',
  pip: 'work the floor does not do (not timed one by one): loading the CLI, its create bundle and the seeding part, finding the interpreter, the create itself, and seeding pip (and setuptools where venv does) from venvkit\'s cache: placing their files and their .pyc (hundreds of each; the .pyc compiled into the cache by an earlier create), RECORD and console scripts',
  'pip-cold': 'work the floor does not do (not timed one by one): as with the cache warm, and first reading pip\'s (and setuptools\') bundled wheel, checking its hash, unpacking it into the cache and compiling its modules\' bytecode there (as venv compiles them)',
};

function nodeStartFloor(ctx, cacheDir = ctx.cacheWarm) {
  return spawnSide('floor', 'node -e 0 (Node start-up)', () => [process.execPath, '-e', '0'], { env: ctx.venvkitEnv(cacheDir) });
}

/** A task's check with its 'floor' side (which makes nothing to compare) passed. */
function withStartFloor(check) {
  return (keys, c) => {
    const m = check(keys.filter((k) => k !== 'floor'), c);
    if (keys.includes('floor')) m.set('floor', null);
    return m;
  };
}

function missingPython(ctx, minor) {
  return ctx.pythons.has(minor) ? undefined : `CPython ${minor} not found under $PYENV_ROOT/versions`;
}

/** Checks each side's env (python runs, sys.prefix) against the reference side's env. */
function envChecks(dirs, refKey, extra = () => null) {
  return (keys, ctx) => {
    const out = new Map();
    const ref = envFacts(dirs[refKey], ctx.baseEnv); // also after the timed runs, when only venvkit is re-checked
    for (const k of keys) out.set(k, checkEnv(dirs[k], ctx.baseEnv, k === refKey ? null : ref) ?? extra(k, ctx));
    return out;
  };
}

function createBare(ctx, minor) {
  const id = `create-bare-${minor}`;
  const py = ctx.pythons.get(minor);
  const missing = missingPython(ctx, minor);
  const dirs = { venvkit: join(ctx.work, 'envs', `${id}-venvkit`), venv: join(ctx.work, 'envs', `${id}-venv`) };
  return {
    id,
    title: `create --without-pip, CPython ${py?.version ?? minor}`,
    minRuns: CHEAP_RUNS,
    sides: [
      spawnSide('venvkit', 'venvkit create --without-pip', () => [ctx.cli, 'create', dirs.venvkit, '--python', py.path, '--without-pip'], { env: ctx.venvkitEnv(ctx.cacheWarm), prepare: () => discard(dirs.venvkit), missing }),
      spawnSide('venv', 'python -m venv --without-pip', () => [py.path, '-m', 'venv', '--without-pip', dirs.venv], { env: ctx.baseEnv, prepare: () => discard(dirs.venv), missing }),
      nodeStartFloor(ctx),
    ],
    rows: [{ a: 'venvkit', b: 'venv', floor: 'floor', floorWhy: CLI_CREATE_FLOOR_WHY.bare, target: { kind: 'within', factor: 1.25 } }],
    check: withStartFloor(envChecks(dirs, 'venv')),
  };
}

/** The .pyc files below the env's site-packages (paths below it), sorted. */
function pycNames(dir) {
  const out = [];
  for (const v of readdirSync(join(dir, 'lib'))) {
    const site = join(dir, 'lib', v, 'site-packages');
    try {
      for (const f of readdirSync(site, { recursive: true })) if (String(f).endsWith('.pyc')) out.push(String(f));
    } catch {
      /* not a site-packages */
    }
  }
  return out.sort();
}

function createWithPip(ctx, minor) {
  const id = `create-pip-${minor}`;
  const py = ctx.pythons.get(minor);
  const missing = missingPython(ctx, minor);
  const dirs = Object.fromEntries(['venvkit', 'cold', 'venv', 'virtualenv'].map((k) => [k, join(ctx.work, 'envs', `${id}-${k}`)]));
  const ve = ctx.virtualenv;
  const pipList = new Map();
  const pycs = new Map();
  return {
    id,
    title: `create with pip, CPython ${py?.version ?? minor}`,
    sides: [
      spawnSide('venvkit', 'venvkit create', () => [ctx.cli, 'create', dirs.venvkit, '--python', py.path], { env: ctx.venvkitEnv(ctx.cacheWarm), prepare: () => discard(dirs.venvkit), missing }),
      // Cold: an empty venvkit cache before every run (the interpreter is probed, pip's wheel unpacked).
      spawnSide('cold', 'venvkit create, cold cache', () => [ctx.cli, 'create', dirs.cold, '--python', py.path], {
        env: ctx.venvkitEnv(ctx.cacheCold), prepare: () => { discard(dirs.cold); discard(ctx.cacheCold); mkdirSync(ctx.cacheCold, { recursive: true }); }, missing,
      }),
      spawnSide('venv', 'python -m venv', () => [py.path, '-m', 'venv', dirs.venv], { env: ctx.baseEnv, prepare: () => discard(dirs.venv), missing }),
      spawnSide('virtualenv', 'virtualenv', () => [ve.bin, '-p', py.path, dirs.virtualenv], {
        env: { ...ctx.baseEnv, VIRTUALENV_OVERRIDE_APP_DATA: ve.appData }, prepare: () => discard(dirs.virtualenv), missing: missing ?? (ve.ok ? undefined : ve.reason),
      }),
      nodeStartFloor(ctx),
    ],
    rows: [
      { a: 'venvkit', b: 'venv', floor: 'floor', floorWhy: CLI_CREATE_FLOOR_WHY.pip, target: { kind: 'speedup', min: 20 } },
      { a: 'venvkit', b: 'virtualenv', floor: 'floor', floorWhy: CLI_CREATE_FLOOR_WHY.pip },
      { a: 'cold', b: 'venv', floor: 'floor', floorWhy: CLI_CREATE_FLOOR_WHY['pip-cold'], task: `create with pip, CPython ${py?.version ?? minor}, venvkit cache cold` },
    ],
    // pip runs and names the env; venvkit seeds what python -m venv seeds (virtualenv seeds its own choice).
    // pip runs and names the env; venvkit seeds what python -m venv seeds, with the same .pyc (virtualenv seeds its own choice).
    check: withStartFloor(envChecks(dirs, 'venv', (k, c) => {
      const names = pycNames(dirs[k]); // before pip runs (which could write some)
      const p = checkPipRuns(dirs[k], c.baseEnv);
      if (p) return p;
      if (k === 'virtualenv') return null;
      const set = installedSet(dirs[k], c.baseEnv);
      if (set.error) return set.error;
      pipList.set(k, set.lines);
      pycs.set(k, names);
      if (k !== 'venv' && pipList.has('venv')) return compareSets(set.lines, pipList.get('venv'), `venvkit (${k})`, 'python -m venv') ?? compareSets(names, pycs.get('venv'), `venvkit (${k}) .pyc`, 'python -m venv');
      return null;
    })),
    orderChecks: ['venv', 'venvkit', 'cold', 'virtualenv'],
  };
}

function libraryCreate(ctx, minor) {
  const id = `library-create-${minor}`;
  const py = ctx.pythons.get(minor);
  const missing = missingPython(ctx, minor);
  // PARENT/SIDE/env: the same name for each (the env's name is in its scripts; the floor is compared file by file).
  const dirs = Object.fromEntries(['venvkit', 'venv', 'floor'].map((k) => [k, join(ctx.work, 'envs', `${id}-${k}`, 'env')]));
  return {
    id,
    setup: () => { for (const d of Object.values(dirs)) mkdirSync(join(d, '..'), { recursive: true }); settleDisk(); },
    title: `library createVenv (in-process, withoutPip), CPython ${py?.version ?? minor}`,
    minRuns: CHEAP_RUNS,
    minWarmup: IN_PROCESS_WARMUP,
    sides: [
      createVenvSide(ctx, py, dirs.venvkit, missing),
      spawnSide('venv', 'python -m venv --without-pip', () => [py.path, '-m', 'venv', '--without-pip', dirs.venv], { env: ctx.baseEnv, prepare: () => discard(dirs.venv), missing }),
      createFloorSide(ctx, py, dirs.floor, missing),
    ],
    rows: [{ a: 'venvkit', b: 'venv', floor: 'floor', floorWhy: CREATE_FLOOR_WHY, target: { kind: 'maxMs', ms: 5 } }],
    check: (keys, c) => { const m = envChecks(dirs, 'venv')(keys.filter((k) => k !== 'floor'), c); if (keys.includes('floor')) m.set('floor', checkCreateFloor(dirs.venvkit, dirs.floor)); return m; },
  };
}

function installSet(ctx, set) {
  const id = `install-${set.name}`;
  const py = ctx.pythons.get(INSTALL_PYTHON);
  const missing = missingPython(ctx, INSTALL_PYTHON);
  const keys = ['cold', 'warm', 'pip', ...(set.hardlinks ? ['cold-hardlink', 'warm-hardlink'] : []), 'floor-warm', 'floor-warm-hardlink', 'floor-cold'];
  const dirs = Object.fromEntries(keys.map((k) => [k, join(ctx.work, 'envs', `install-${k}`)]));
  const index = ctx.index.url ? ['-i', ctx.index.url] : [];
  const vk = (k) => () => [ctx.cli, 'install', '--env', dirs[k], ...index, ...set.reqs, ...(k.endsWith('-hardlink') ? ['--link-mode', 'hardlink'] : [])];
  const hardlinkSides = !set.hardlinks ? [] : [
    spawnSide('cold-hardlink', 'venvkit install --link-mode hardlink, cold cache', vk('cold-hardlink'), {
      env: ctx.venvkitEnv(ctx.cacheCold), missing, timeoutMs: set.timeoutMs,
      prepare: () => { freshVenv(ctx.work, dirs['cold-hardlink'], py, ctx.baseEnv); discard(ctx.cacheCold); mkdirSync(ctx.cacheCold, { recursive: true }); },
    }),
    spawnSide('warm-hardlink', 'venvkit install --link-mode hardlink, warm cache', vk('warm-hardlink'), { env: ctx.venvkitEnv(ctx.cacheWarm), missing, timeoutMs: set.timeoutMs, prepare: () => freshVenv(ctx.work, dirs['warm-hardlink'], py, ctx.baseEnv) }),
  ];
  const hardlinkRows = !set.hardlinks ? [] : [
    { a: 'cold-hardlink', b: 'pip', task: `install ${set.name}, venvkit cache cold, --link-mode hardlink` },
    { a: 'warm-hardlink', b: 'pip', task: `install ${set.name}, venvkit cache warm, --link-mode hardlink` },
    { a: 'cold', b: 'cold-hardlink', task: `install ${set.name}, venvkit cache cold: default (isolated copies) vs --link-mode hardlink` },
    { a: 'warm', b: 'warm-hardlink', task: `install ${set.name}, venvkit cache warm: default (isolated copies) vs --link-mode hardlink` },
  ];
  const sets = new Map();
  return withBreakdowns({
    id,
    title: `install ${set.name} (CPython ${py?.version ?? INSTALL_PYTHON})`,
    timeoutMs: set.timeoutMs,
    sides: [
      spawnSide('cold', 'venvkit install, cold cache', vk('cold'), {
        env: ctx.venvkitEnv(ctx.cacheCold), missing, timeoutMs: set.timeoutMs,
        prepare: () => { freshVenv(ctx.work, dirs.cold, py, ctx.baseEnv); discard(ctx.cacheCold); mkdirSync(ctx.cacheCold, { recursive: true }); },
      }),
      spawnSide('warm', 'venvkit install, warm cache', vk('warm'), { env: ctx.venvkitEnv(ctx.cacheWarm), missing, timeoutMs: set.timeoutMs, prepare: () => freshVenv(ctx.work, dirs.warm, py, ctx.baseEnv) }),
      spawnSide('pip', 'pip install', () => [join(dirs.pip, 'bin', 'python'), '-m', 'pip', 'install', ...index, ...set.reqs], { env: ctx.baseEnv, missing, timeoutMs: set.timeoutMs, prepare: () => freshVenv(ctx.work, dirs.pip, py, ctx.baseEnv) }),
      ...hardlinkSides,
      ...installFloorSides(ctx, { py, dirs, model: 'warm', missing, timeoutMs: set.timeoutMs }),
    ],
    rows: installFloorRows([
      { a: 'cold', b: 'pip', task: `install ${set.name}, venvkit cache cold`, target: set.targets?.cold },
      { a: 'warm', b: 'pip', task: `install ${set.name}, venvkit cache warm`, target: set.targets?.warm },
      ...hardlinkRows,
    ]),
    orderChecks: ['pip', 'cold', 'warm'],
    check: (keys, c) => {
      const out = new Map();
      for (const k of keys.filter((x) => x === 'pip').concat(keys.filter((x) => x !== 'pip'))) {
        if (k.startsWith('floor-')) { out.set(k, checkInstallFloor(dirs[k], dirs.warm, { pyc: true })); continue; }
        const s = installedSet(dirs[k], c.baseEnv);
        if (s.error) { out.set(k, s.error); continue; }
        sets.set(k, s.lines);
        const diff = k !== 'pip' && sets.has('pip') ? compareSets(s.lines, sets.get('pip'), 'venvkit', 'pip') : null;
        out.set(k, diff ?? checkUsable(dirs[k], c.baseEnv, set));
      }
      return out;
    },
  }, ['cold', 'warm', 'cold-hardlink', 'warm-hardlink']);
}

function noopInstall(ctx) {
  const id = 'install-noop-requests';
  const py = ctx.pythons.get(INSTALL_PYTHON);
  const missing = missingPython(ctx, INSTALL_PYTHON);
  const dirs = { venvkit: join(ctx.work, 'envs', 'noop-venvkit'), pip: join(ctx.work, 'envs', 'noop-pip') };
  const index = ctx.index.url ? ['-i', ctx.index.url] : [];
  const before = new Map();
  return withBreakdowns({
    id,
    title: `no-op install requests, already satisfied (CPython ${py?.version ?? INSTALL_PYTHON})`,
    setup: () => {
      for (const [k, dir] of Object.entries(dirs)) {
        freshVenv(ctx.work, dir, py, ctx.baseEnv);
        must(join(dir, 'bin', 'python'), ['-m', 'pip', 'install', ...index, 'requests'], { env: ctx.baseEnv });
        const s = installedSet(dir, ctx.baseEnv);
        if (s.error) throw new Error(s.error);
        before.set(k, s.lines);
      }
    },
    sides: [
      spawnSide('venvkit', 'venvkit install', () => [ctx.cli, 'install', '--env', dirs.venvkit, ...index, 'requests'], { env: ctx.venvkitEnv(ctx.cacheWarm), missing }),
      spawnSide('pip', 'pip install', () => [join(dirs.pip, 'bin', 'python'), '-m', 'pip', 'install', ...index, 'requests'], { env: ctx.baseEnv, missing }),
      nodeStartFloor(ctx),
    ],
    rows: [{ a: 'venvkit', b: 'pip', floor: 'floor', target: { kind: 'maxMs', ms: 200 } }],
    // Nothing may change: the installed set is what pip installed during set-up.
    check: withStartFloor((keys, c) => new Map(keys.map((k) => {
      const s = installedSet(dirs[k], c.baseEnv);
      return [k, s.error ?? compareSets(s.lines, before.get(k), 'the env after the no-op', 'the env before it') ?? checkUsable(dirs[k], c.baseEnv, { imports: ['requests'] })];
    }))),
  }, ['venvkit']);
}

/**
 * The cost of checking cache entries as they are placed (the warm path; entries a command unpacks
 * itself are not checked again), alone: every file of the jupyter set's cache entries placed into an
 * empty directory by the installer's Linker, checked vs unchecked, copying and hard-linking.
 * Timed in-process around the placing only (bench/lib/check-cost.ts, run from the sources with tsx).
 */
function cacheCheck(ctx) {
  const id = 'cache-check-jupyter';
  const py = ctx.pythons.get(INSTALL_PYTHON);
  const missing = missingPython(ctx, INSTALL_PYTHON);
  const env = join(ctx.work, 'envs', 'cache-check');
  const out = join(ctx.work, 'cache-check-out');
  const root = join(ctx.cacheWarm, 'wheels', 'v1');
  const script = fileURLToPath(new URL('./check-cost.ts', import.meta.url));
  const index = ctx.index.url ? ['-i', ctx.index.url] : [];
  let names = [];
  const results = new Map();
  const side = (key, label, mode, checked) => ({
    key, label, missing,
    prepare: () => { discard(out); mkdirSync(out, { recursive: true }); },
    exec: () => {
      const r = spawnSync(process.execPath, ['--import', 'tsx', script, mode, checked ? 'checked' : 'unchecked', root, out, ...names], { encoding: 'utf8', cwd: fileURLToPath(new URL('../..', import.meta.url)) });
      if (r.status !== 0) return { ok: false, message: (r.stderr || r.stdout).trim().split('\n').slice(-3).join(' ') };
      const got = JSON.parse(r.stdout);
      results.set(key, got);
      return { ok: true, ms: got.ms };
    },
  });
  return {
    id,
    title: 'checking the jupyter set\'s cache entries while placing them (in-process, placing only)',
    setup: () => {
      // The warm cache holds jupyter once venvkit installed it there; the report names the set.
      freshVenv(ctx.work, env, py, ctx.baseEnv);
      const r = must(ctx.cli, ['install', '--env', env, ...index, 'jupyter', '--json', '-q'], { env: ctx.venvkitEnv(ctx.cacheWarm) });
      names = JSON.parse(r.stdout).installed.map((p) => p.name.toLowerCase().replace(/[-_.]+/g, '-'));
    },
    sides: [
      side('copy-checked', 'copy, every file hashed while copied', 'copy', true),
      side('copy-unchecked', 'copy, unchecked', 'copy', false),
      side('hardlink-checked', 'hard link, every file hashed after linking', 'hardlink', true),
      side('hardlink-unchecked', 'hard link, unchecked', 'hardlink', false),
      placeFloorSide('floor-copy', 'copy', { root, out, names: () => names, missing, results }),
      placeFloorSide('floor-hardlink', 'hardlink', { root, out, names: () => names, missing, results }),
    ],
    rows: [
      { a: 'copy-checked', b: 'copy-unchecked', task: 'placing the jupyter set\'s cached files by copy: checked vs unchecked (in-process)', floor: 'floor-copy', floorWhy: PLACE_FLOOR_WHY.copy },
      { a: 'hardlink-checked', b: 'hardlink-unchecked', task: 'placing the jupyter set\'s cached files by hard link: checked vs unchecked (in-process)', floor: 'floor-hardlink', floorWhy: PLACE_FLOOR_WHY.hardlink },
    ],
    check: (keys) => new Map(keys.map((k) => {
      const g = results.get(k);
      if (!g) return [k, null];
      const placed = readdirSync(out).length;
      const ref = results.get('copy-checked');
      if (k.startsWith('floor-') && ref && g.files !== ref.files) return [k, `the floor placed ${g.files} files, venvkit's Linker ${ref.files}`];
      return [k, placed !== g.files || g.files < 1000 ? `placed ${placed} of ${g.files} files` : k.endsWith('-checked') && g.checked !== g.files ? `checked ${g.checked} of ${g.files} files` : null];
    })),
  };
}

/** Every task, in the order they run (cheap ones first). */
export function allTasks(ctx) {
  return [
    importTask(ctx),
    ...CREATE_PYTHONS.map((m) => createBare(ctx, m)),
    ...['3.12'].map((m) => libraryCreate(ctx, m)),
    ...envBuilderTasks(ctx),
    resolveEnvironmentTask(ctx),
    findEnvironmentsTask(ctx),
    ...CREATE_PIP_PYTHONS.map((m) => createWithPip(ctx, m)),
    noopInstall(ctx),
    ...REQUIREMENT_SETS.map((s) => installSet(ctx, s)),
    ...buildTasks(ctx),
    ...lockTasks(ctx).map((t) => withMultiLockFloor(withResolutionFloor(t, ctx), ctx)),
    ...syncTasks(ctx),
    ...bytecodeTasks(ctx).map((t) => withImportFloor(withBytecodeFloors(t, ctx), ctx)),
    cacheCheck(ctx),
  ];
}
