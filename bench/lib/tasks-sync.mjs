// Benchmark tasks of `venvkit sync` (issue 13): a pylock.toml of jupyter (written by `pip lock`,
// pip 26.2 from the local index) synced into an empty env with the cache warm, against `venvkit
// install` of the same pinned set; and the no-op sync: the library call in-process (target <= 50 ms:
// a CLI process cannot meet it, `node -e 0` alone takes ~70 ms here), and the CLI against the no-op
// install of the same pins.
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { timedRun, must } from './exec.mjs';
import { discard, freshVenv } from './setup.mjs';
import { installedSet, compareSets } from './checks.mjs';
import { installFloorSides, checkInstallFloor, INSTALL_FLOOR_WHY } from './install-floors.mjs';
import { withBreakdowns } from './breakdown.mjs';
import { noopSyncFloorSide, checkNoopSyncFloor, NOOP_SYNC_FLOOR_WHY } from './noop-sync-floor.mjs';

const SYNC_PYTHON = '3.11';
const PIP_SPEC = 'pip>=26.2,<26.3';

function side(key, label, command, { env, prepare, missing, timeoutMs = 900_000 } = {}) {
  return { key, label, missing, prepare, command, env, timeoutMs, exec: () => { const [cmd, ...args] = command(); return timedRun(cmd, args, { env: typeof env === 'function' ? env() : env, timeoutMs }); } };
}

/** pylock.toml of jupyter by pip 26.2's `pip lock` (written once under bench/.work/locks), and its pins. */
function jupyterLock(ctx, py, index) {
  const dir = join(ctx.work, 'locks');
  const lock = join(dir, 'pylock.toml');
  if (!existsSync(lock)) {
    const pipEnv = join(ctx.work, 'envs', 'lock-pip26');
    discard(pipEnv);
    must(py.path, ['-m', 'venv', pipEnv], { env: ctx.baseEnv });
    must(join(pipEnv, 'bin', 'python'), ['-m', 'pip', 'install', '-q', ...index, PIP_SPEC], { env: ctx.baseEnv });
    mkdirSync(dir, { recursive: true });
    must(join(pipEnv, 'bin', 'python'), ['-m', 'pip', 'lock', '-q', ...index, '-o', lock, 'jupyter'], { env: ctx.baseEnv, cwd: dir });
  }
  const pins = [...readFileSync(lock, 'utf8').matchAll(/^\[\[packages\]\]\nname = "([^"]+)"\nversion = "([^"]+)"/gm)].map((m) => `${m[1]}==${m[2]}`);
  return { lock, pins };
}

function syncJupyter(ctx) {
  const id = 'sync-jupyter';
  const py = ctx.pythons.get(SYNC_PYTHON);
  const missing = py ? undefined : `CPython ${SYNC_PYTHON} not found under $PYENV_ROOT/versions`;
  const index = ctx.index.url ? ['-i', ctx.index.url] : [];
  const dirs = { sync: join(ctx.work, 'envs', 'sync-lock'), install: join(ctx.work, 'envs', 'sync-install'), 'floor-warm': join(ctx.work, 'envs', 'sync-floor-warm') };
  let lock = { lock: '', pins: [] };
  const sets = new Map();
  // The floor: the files of the same cache entries copied into a fresh env (cp -r), as for installs.
  const floor = installFloorSides(ctx, { py, dirs, model: 'sync', missing, timeoutMs: 900_000 }).find((s) => s.key === 'floor-warm');
  return withBreakdowns({
    id,
    title: `sync a jupyter pylock.toml into an empty env vs install of the same pinned set, cache warm (CPython ${py?.version ?? SYNC_PYTHON})`,
    timeoutMs: 900_000,
    setup: () => {
      lock = jupyterLock(ctx, py, index);
      // Warm the cache with both commands once.
      freshVenv(ctx.work, dirs.sync, py, ctx.baseEnv);
      must(ctx.cli, ['sync', '--env', dirs.sync, '-q', lock.lock], { env: ctx.venvkitEnv(ctx.cacheWarm) });
      freshVenv(ctx.work, dirs.install, py, ctx.baseEnv);
      must(ctx.cli, ['install', '--env', dirs.install, '-q', ...index, ...lock.pins], { env: ctx.venvkitEnv(ctx.cacheWarm) });
    },
    sides: [
      side('sync', 'venvkit sync pylock.toml', () => [ctx.cli, 'sync', '--env', dirs.sync, lock.lock], { env: () => ctx.venvkitEnv(ctx.cacheWarm), missing, prepare: () => freshVenv(ctx.work, dirs.sync, py, ctx.baseEnv) }),
      side('install', 'venvkit install NAME==VERSION...', () => [ctx.cli, 'install', '--env', dirs.install, ...index, ...lock.pins], { env: () => ctx.venvkitEnv(ctx.cacheWarm), missing, prepare: () => freshVenv(ctx.work, dirs.install, py, ctx.baseEnv) }),
      floor,
    ],
    rows: [{ a: 'sync', b: 'install', task: 'sync of a jupyter lock vs install of the same set, venvkit cache warm', target: { kind: 'within', factor: 1 }, floor: 'floor-warm', floorWhy: INSTALL_FLOOR_WHY.warm }],
    orderChecks: ['install', 'sync'],
    check: (keys, c) => new Map(keys.map((k) => {
      if (k === 'floor-warm') return [k, checkInstallFloor(dirs[k], dirs.sync, { pyc: true })];
      const s = installedSet(dirs[k], c.baseEnv);
      if (s.error) return [k, s.error];
      sets.set(k, s.lines);
      const other = k === 'sync' ? 'install' : 'sync';
      return [k, sets.has(other) ? compareSets(s.lines, sets.get(other), k, other) : null];
    })),
  }, ['sync', 'install']);
}

function syncNoop(ctx) {
  const id = 'sync-noop-jupyter';
  const py = ctx.pythons.get(SYNC_PYTHON);
  const missing = py ? undefined : `CPython ${SYNC_PYTHON} not found under $PYENV_ROOT/versions`;
  const index = ctx.index.url ? ['-i', ctx.index.url] : [];
  const dir = join(ctx.work, 'envs', 'sync-noop');
  let lock = { lock: '', pins: [] };
  let before = [];
  let mod;
  // The library call's floor: the lock and the env's .dist-info names read in-process.
  const libFloor = noopSyncFloorSide('floor-library', () => ({ lock: lock.lock, sitePackages: join(dir, 'lib', `python${SYNC_PYTHON}`, 'site-packages') }), missing);
  return withBreakdowns({
    id,
    title: `no-op sync of a jupyter pylock.toml, env already matching (CPython ${py?.version ?? SYNC_PYTHON})`,
    minRuns: 50,
    setup: () => {
      lock = jupyterLock(ctx, py, index);
      freshVenv(ctx.work, dir, py, ctx.baseEnv);
      must(ctx.cli, ['sync', '--env', dir, '-q', lock.lock], { env: ctx.venvkitEnv(ctx.cacheWarm) });
      const s = installedSet(dir, ctx.baseEnv);
      if (s.error) throw new Error(s.error);
      before = s.lines;
    },
    sides: [
      {
        key: 'library', label: 'sync() (library, in-process, no-op)', missing,
        exec: async () => {
          try {
            mod ??= await import(pathToFileURL(ctx.distIndex).href);
            const t0 = process.hrtime.bigint();
            const r = await mod.sync({ venv: dir, lock: lock.lock, env: ctx.venvkitEnv(ctx.cacheWarm) });
            const ms = Number(process.hrtime.bigint() - t0) / 1e6;
            return r.alreadySynced ? { ok: true, ms } : { ok: false, message: 'sync() changed the env: not a no-op' };
          } catch (e) {
            return { ok: false, message: `${e?.code ? e.code + ': ' : ''}${e?.message ?? e}` };
          }
        },
      },
      // Right after the library call, so that the two in-process sides are timed under the same conditions.
      libFloor,
      side('noop', 'venvkit sync pylock.toml (no-op)', () => [ctx.cli, 'sync', '--env', dir, lock.lock], { env: () => ctx.venvkitEnv(ctx.cacheWarm), missing }),
      side('install-noop', 'venvkit install NAME==VERSION... (no-op)', () => [ctx.cli, 'install', '--env', dir, ...index, ...lock.pins], { env: () => ctx.venvkitEnv(ctx.cacheWarm), missing }),
      // The CLI's floor: Node starting and exiting, with venvkit's environment (it makes nothing).
      side('floor', 'node -e 0 (Node start-up)', () => [process.execPath, '-e', '0'], { env: () => ctx.venvkitEnv(ctx.cacheWarm) }),
    ],
    rows: [
      { a: 'library', b: 'noop', task: 'no-op sync of a jupyter lock: library call (in-process) vs the CLI', target: { kind: 'maxMs', ms: 50 }, floor: 'floor-library', floorWhy: NOOP_SYNC_FLOOR_WHY },
      { a: 'noop', b: 'install-noop', task: 'no-op sync of a jupyter lock (CLI) vs no-op install of the same pins (CLI)', floor: 'floor' },
    ],
    check: (keys, c) => new Map(keys.map((k) => {
      if (k === 'floor') return [k, null];
      if (k === 'floor-library') return [k, checkNoopSyncFloor(libFloor.state)];
      const s = installedSet(dir, c.baseEnv);
      return [k, s.error ?? compareSets(s.lines, before, 'the env after the no-op', 'the env before it')];
    })),
  }, ['noop']);
}

export function syncTasks(ctx) {
  return [syncNoop(ctx), syncJupyter(ctx)];
}
