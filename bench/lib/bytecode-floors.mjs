// Floors of the bytecode tasks (bench/lib/tasks-bytecode.mjs, added from outside: that file is
// another helper's). install jupyter with bytecode: cold -- the same wheels extracted by the fastest
// plain extractor, then `compileall` of site-packages in one Python process (checked-hash, as
// venvkit writes them); warm -- `cp -r` of the same cache entries' files and of their .pyc (taken
// once from venvkit's env at set-up: the cache keeps them packed, a plain tool copies them as files).
// --no-compile: the install floors alone (extracting; cp -r). Each is checked to leave the same files
// in site-packages as venvkit's env, .pyc included (their bytes aside: they embed the env's path).
// import jupyter_server.serverapp: the same import in a copy of venvkit's env whose .pyc are
// rewritten unchecked-hash (Python checks no source at all): the least an import of these modules
// costs in a fresh process.
import { existsSync, lstatSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { timedRun, must } from './exec.mjs';
import { discard, freshVenv } from './setup.mjs';
import { compareTrees, cpCommand, extractors, fastestExtractor } from './floors.mjs';
import { entriesFor, wheelPath, sitePackages, INSTALL_FLOOR_WHY, COMPILE, bytecodeTree, copyNewPycache } from './install-floors.mjs';

export { bytecodeTree, copyNewPycache };
import { bytecodeCheck } from './tasks-bytecode.mjs';
import { withBreakdowns } from './breakdown.mjs';

const FLOORS = {
  'floor-cold': { of: 'cold', label: (x) => `${x} of the wheels, then compileall of site-packages (checked-hash, one Python process)` },
  'floor-warm': { of: 'warm', label: () => 'cp -r of the cache entries\' files and their .pyc' },
  'floor-cold-nc': { of: 'cold-nc', label: (x) => `${x} of the wheels` },
  'floor-warm-nc': { of: 'warm-nc', label: () => 'cp -r of the cache entries\' files' },
};

/** Adds the floors, their checks and venvkit's breakdowns to task install-jupyter-bytecode. */
export function withBytecodeFloors(task, ctx) {
  if (task.id !== 'install-jupyter-bytecode') return task;
  const py = ctx.pythons.get('3.11');
  const env = (k) => join(ctx.work, 'envs', `bytecode-${k}`);
  let plan = null;
  const planFor = () => {
    if (plan) return plan;
    const fresh = new Set();
    freshVenv(ctx.work, env('floor-warm-nc'), py, ctx.baseEnv);
    for (const n of readdirSync(sitePackages(env('floor-warm-nc')))) if (n.endsWith('.dist-info')) fresh.add(n);
    const { entries, missing } = entriesFor(ctx.cacheWarm, env('warm'), fresh);
    if (missing.length) throw new Error(`no cache entry for ${missing.join(', ')}`);
    const wheels = entries.map((e) => wheelPath(ctx.index.url, e.manifest));
    const extractor = wheels.every(Boolean) ? fastestExtractor(extractors(py.path), wheels, join(ctx.work, 'extract-pick'), discard) : null;
    const pycs = join(ctx.work, 'bytecode-floor-pyc');
    copyNewPycache(env('warm'), env('floor-warm-nc'), pycs);
    plan = { entries, wheels, extractor, pycs };
    return plan;
  };
  const commands = (key, sp) => {
    const p = planFor();
    const files = p.entries.map((e) => e.files);
    if (key === 'floor-warm') return [cpCommand([...files, p.pycs], sp, false)];
    if (key === 'floor-warm-nc') return [cpCommand(files, sp, false)];
    if (!p.extractor) return null;
    return key === 'floor-cold' ? [p.extractor.command(p.wheels, sp), [py.path, '-c', COMPILE, sp, 'CHECKED_HASH']] : [p.extractor.command(p.wheels, sp)];
  };
  const floors = Object.entries(FLOORS).map(([key, f]) => ({
    key, missing: task.sides.find((s) => s.key === f.of)?.missing,
    get label() { return f.label(plan?.extractor?.name ?? 'extracting'); },
    prepare: () => { planFor(); freshVenv(ctx.work, env(key), py, ctx.baseEnv); },
    exec: () => {
      const cmds = commands(key, sitePackages(env(key)));
      if (!cmds) return { ok: false, message: 'the wheels are not files of a file:// index, or no extractor works here' };
      let ms = 0;
      for (const [cmd, ...args] of cmds) {
        const r = timedRun(cmd, args, { env: ctx.baseEnv, timeoutMs: 900_000 });
        if (!r.ok) return r;
        ms += r.ms;
      }
      return { ok: true, ms };
    },
  }));
  const floorOf = Object.fromEntries(Object.entries(FLOORS).map(([k, f]) => [f.of, k]));
  const check = task.check;
  return withBreakdowns({
    ...task,
    sides: [...task.sides, ...floors],
    rows: task.rows.map((r) => (floorOf[r.a] ? { ...r, floor: floorOf[r.a], floorWhy: INSTALL_FLOOR_WHY[r.a.startsWith('cold') ? 'cold' : 'warm'] } : r)),
    check: async (keys, c) => {
      const m = await check(keys.filter((k) => !FLOORS[k]), c);
      for (const k of keys.filter((x) => FLOORS[x])) {
        try {
          m.set(k, compareTrees(bytecodeTree(sitePackages(env(k))), bytecodeTree(sitePackages(env(FLOORS[k].of))), 'the floor', 'venvkit'));
        } catch (e) {
          m.set(k, `cannot compare: ${e.message}`);
        }
      }
      return m;
    },
  }, Object.keys(floorOf));
}

/** Adds the unchecked-bytecode floor to task import-jupyter-server. */
export function withImportFloor(task, ctx) {
  if (task.id !== 'import-jupyter-server') return task;
  const py = ctx.pythons.get('3.11');
  const from = join(ctx.work, 'envs', 'import-venvkit');
  const dir = join(ctx.work, 'envs', 'import-floor');
  const app = 'jupyter_server.serverapp';
  const env = { ...ctx.baseEnv, PYTHONDONTWRITEBYTECODE: '1' };
  const setup = task.setup;
  return {
    ...task,
    setup: async () => {
      await setup?.();
      if (!py) return;
      discard(dir);
      must('cp', ['-a', from, dir]);
      must(join(dir, 'bin', 'python'), ['-c', COMPILE.replace('quiet=2', 'quiet=2, force=True'), sitePackages(dir), 'UNCHECKED_HASH'], { env: ctx.baseEnv, timeoutMs: 900_000 });
    },
    sides: [...task.sides, {
      key: 'floor', label: `import ${app} (venvkit's env, every .pyc unchecked-hash: no source read)`,
      missing: task.sides[0]?.missing,
      exec: () => timedRun(join(dir, 'bin', 'python'), ['-c', `import ${app}`], { env, timeoutMs: 120_000 }),
    }],
    rows: task.rows.map((r) => ({ ...r, floor: 'floor', floorWhy: 'what the floor does not do (not timed one by one): Python reads and hashes every imported module\'s source to check its checked-hash .pyc' })),
    check: async (keys, c) => {
      const m = await task.check(keys.filter((k) => k !== 'floor'), c);
      if (keys.includes('floor')) m.set('floor', existsSync(dir) && lstatSync(dir).isDirectory() ? bytecodeCheck(dir, c.baseEnv, true) : `${dir} was not made`);
      return m;
    },
  };
}
