// The library's create in-process against Python's own in-process create: createVenv() timed in
// this Node process vs venv.EnvBuilder(with_pip=False).create() timed inside one long-lived Python
// process, the two alternating, in the same parent directory; for each of /tmp, the checkout and a
// tmpfs. The floor: the same directories, links and files made with plain synchronous calls.
import { join } from 'node:path';
import os from 'node:os';
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, rmSync, existsSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { discard } from './setup.mjs';
import { envFacts, checkEnv } from './checks.mjs';
import { treeOf, compareTrees, createScript, runCreateScript } from './floors.mjs';
import { IN_PROCESS_RUNS, IN_PROCESS_WARMUP } from './tasks.mjs';

const WORKER = `
import sys, time, venv
for line in sys.stdin:
    d = line.rstrip('\\n')
    try:
        t0 = time.perf_counter()
        venv.EnvBuilder(with_pip=False).create(d)
        print((time.perf_counter() - t0) * 1000, flush=True)
    except Exception as e:
        print('error ' + repr(e).replace('\\n', ' '), flush=True)
`;

/** One Python process that creates envs on request and says how long each create took (ms). */
function envBuilderWorker(python, env) {
  let child = null;
  let buf = '';
  let waiting = null;
  const start = () => {
    child = spawn(python, ['-c', WORKER], { env, stdio: ['pipe', 'pipe', 'inherit'] });
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (d) => {
      buf += d;
      const nl = buf.indexOf('\n');
      if (nl >= 0 && waiting) {
        const line = buf.slice(0, nl);
        buf = buf.slice(nl + 1);
        const w = waiting;
        waiting = null;
        w(line);
      }
    });
    child.on('exit', () => { child = null; if (waiting) { const w = waiting; waiting = null; w('error the Python process exited'); } });
  };
  return {
    create: (dir) => new Promise((resolve) => {
      if (!child) start();
      waiting = (line) => {
        const ms = Number(line);
        resolve(line.startsWith('error') || !Number.isFinite(ms) ? { ok: false, message: line } : { ok: true, ms });
      };
      child.stdin.write(`${dir}\n`);
    }),
    stop: () => { child?.stdin.end(); child = null; },
  };
}

/** createVenv() timed in this process (the interpreter given by path, as a program would). */
export function createVenvSide(ctx, py, dir, missing) {
  let mod;
  return {
    key: 'venvkit', label: 'createVenv()', missing, prepare: () => discard(dir),
    exec: async () => {
      try {
        process.env.VENVKIT_CACHE_DIR = ctx.cacheWarm;
        mod ??= await import(pathToFileURL(ctx.distIndex).href);
        if (typeof mod.createVenv !== 'function') return { ok: false, message: 'dist/index.js does not export createVenv (not implemented yet)' };
        const t0 = process.hrtime.bigint();
        await mod.createVenv(dir, { python: py.path, withoutPip: true, env: ctx.venvkitEnv(ctx.cacheWarm) });
        return { ok: true, ms: Number(process.hrtime.bigint() - t0) / 1e6 };
      } catch (e) {
        return { ok: false, message: `${e?.code ? e.code + ': ' : ''}${e?.message ?? e}` };
      }
    },
  };
}

/**
 * The create floor side: a model env made by createVenv (once, at `dir`), then the same entries
 * made at `dir` by runCreateScript each run, timed in this process. checkCreateFloor compares its
 * tree with venvkit's env (an env of the same name, elsewhere).
 */
export function createFloorSide(ctx, py, dir, missing) {
  let ops = null;
  return {
    key: 'floor', label: 'plain mkdir/symlink/write (Node, sync fs calls)', missing,
    prepare: async () => {
      discard(dir);
      if (!ops) {
        // The model is made where the floor writes (the env's own name and path are in its scripts).
        process.env.VENVKIT_CACHE_DIR = ctx.cacheWarm;
        const mod = await import(pathToFileURL(ctx.distIndex).href);
        await mod.createVenv(dir, { python: py.path, withoutPip: true, env: ctx.venvkitEnv(ctx.cacheWarm) });
        ops = createScript(dir);
        discard(dir);
      }
    },
    exec: () => {
      try {
        const t0 = process.hrtime.bigint();
        runCreateScript(ops, dir);
        return { ok: true, ms: Number(process.hrtime.bigint() - t0) / 1e6 };
      } catch (e) {
        return { ok: false, message: e.message };
      }
    },
  };
}

/** What createVenv does beyond the create floor (for results.md). */
export const CREATE_FLOOR_WHY = 'work the floor does not do (not timed one by one): finding the interpreter from the path given (its facts cached) and checking the target; a listing of the parent for leftovers of killed runs; building in a private hidden sibling that is the env itself, then a chmod (its final mode) and a rename into place -- the price of an atomic create; nothing is deleted (an rmdir costs ~2 ms on an ext4 mounted with `discard`)';

/** The floor made the same tree as venvkit (paths of the env itself aside). */
export function checkCreateFloor(venvkitDir, floorDir) {
  if (!existsSync(floorDir) || !existsSync(venvkitDir)) return `no env to compare at ${existsSync(floorDir) ? venvkitDir : floorDir}`;
  return compareTrees(treeOf(floorDir), treeOf(venvkitDir), 'the floor', 'venvkit');
}

/** A tmpfs for the bench: mounted under /tmp when we may (Linux, root), else /dev/shm, else none. */
function tmpfsDir(log) {
  if (process.platform !== 'linux') return { missing: 'no tmpfs off Linux' };
  const mnt = join(os.tmpdir(), `venvkit-bench-tmpfs-${process.pid}`);
  mkdirSync(mnt, { recursive: true });
  if (process.getuid?.() === 0 && spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=256m', 'tmpfs', mnt], { stdio: 'ignore' }).status === 0) {
    return { dir: mnt, note: `a tmpfs mounted at ${mnt}`, cleanup: () => { spawnSync('umount', [mnt]); rmSync(mnt, { recursive: true, force: true }); } };
  }
  rmSync(mnt, { recursive: true, force: true });
  if (existsSync('/dev/shm')) {
    const d = join('/dev/shm', `venvkit-bench-${process.pid}`);
    return { dir: d, note: '/dev/shm (a tmpfs)', cleanup: () => rmSync(d, { recursive: true, force: true }) };
  }
  log?.('no tmpfs: not root and no /dev/shm');
  return { missing: 'no tmpfs could be mounted and there is no /dev/shm' };
}

/**
 * Flush what earlier work left to write (the package copied at start-up, deleted trees, the previous
 * task's envs) before timing creates of a few ms: its write-back and journal commits (with `discard`
 * on this machine's ext4) otherwise land in the first of these tasks, on both sides, and an env
 * create waits on each. POSIX `sync`; nothing where there is none.
 */
export function settleDisk() {
  if (process.platform !== 'win32') spawnSync('sync', [], { stdio: 'ignore', timeout: 120_000 });
}

function envBuilderTask(ctx, minor, where) {
  const id = `library-create-envbuilder-${minor}-${where}`;
  const py = ctx.pythons.get(minor);
  let missing = ctx.pythons.has(minor) ? undefined : `CPython ${minor} not found under $PYENV_ROOT/versions`;
  let place = null;
  let worker = null;
  let parent = null;
  const dirs = {};
  // The same name in each (the prompt in the scripts is the env's name): PARENT/SIDE/env.
  const setDirs = () => {
    for (const k of ['venvkit', 'envbuilder', 'floor']) {
      mkdirSync(join(parent, `${id}-${k}`), { recursive: true });
      dirs[k] = join(parent, `${id}-${k}`, 'env');
    }
  };
  if (where === 'checkout') parent = join(ctx.work, 'envs');
  else if (where === 'tmp') parent = join(os.tmpdir(), `venvkit-bench-${process.pid}`);
  const sides = [
    { ...createVenvSide(ctx, py, '', missing), prepare: () => discard(dirs.venvkit) },
    {
      key: 'envbuilder', label: 'venv.EnvBuilder(with_pip=False).create() in one Python process', missing,
      prepare: () => discard(dirs.envbuilder),
      exec: () => worker.create(dirs.envbuilder),
    },
    { key: 'floor', label: 'plain mkdir/symlink/write (Node, sync fs calls)', missing },
  ];
  // createVenvSide/createFloorSide take their dirs once known (the tmpfs is made at set-up).
  let vk = null;
  let fl = null;
  sides[0].exec = () => vk.exec();
  sides[2].prepare = () => fl.prepare();
  sides[2].exec = () => fl.exec();
  return {
    id,
    title: `library createVenv vs EnvBuilder.create, both in-process, CPython ${py?.version ?? minor}, in ${where === 'tmp' ? os.tmpdir() : where === 'checkout' ? 'the checkout (bench/.work)' : 'a tmpfs'}`,
    minRuns: IN_PROCESS_RUNS,
    minWarmup: IN_PROCESS_WARMUP,
    setup: () => {
      if (where === 'tmpfs') {
        place = tmpfsDir();
        if (place.missing) throw new Error(place.missing);
        parent = place.dir;
      }
      mkdirSync(parent, { recursive: true });
      setDirs();
      settleDisk();
      vk = createVenvSide(ctx, py, dirs.venvkit, missing);
      fl = createFloorSide(ctx, py, dirs.floor, missing);
      worker = envBuilderWorker(py.path, ctx.baseEnv);
    },
    teardown: () => {
      worker?.stop();
      for (const d of Object.values(dirs)) rmSync(join(d, '..'), { recursive: true, force: true });
      if (place?.cleanup) place.cleanup();
      else if (where === 'tmp' && parent) rmSync(parent, { recursive: true, force: true });
    },
    sides,
    rows: [{ a: 'venvkit', b: 'envbuilder', floor: 'floor', floorWhy: CREATE_FLOOR_WHY, target: { kind: 'within', factor: 1.0 } }],
    orderChecks: ['envbuilder', 'venvkit', 'floor'],
    check: (keys, c) => {
      const out = new Map();
      const ref = envFacts(dirs.envbuilder, c.baseEnv);
      for (const k of keys) {
        if (k === 'floor') out.set(k, checkCreateFloor(dirs.venvkit, dirs.floor));
        else out.set(k, checkEnv(dirs[k], c.baseEnv, k === 'envbuilder' ? null : ref));
      }
      return out;
    },
  };
}

/** The in-process create tasks, one per directory kind. */
export function envBuilderTasks(ctx) {
  return ['tmp', 'checkout', 'tmpfs'].map((w) => envBuilderTask(ctx, '3.12', w));
}
