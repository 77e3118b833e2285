// Floors of the bytecode tasks (bench/lib/tasks-bytecode.mjs, added from outside: that file is
// another helper's). install jupyter with bytecode: cold -- the least two cores do with plain tools:
// the same wheels split in two halves of about equal work (twoHalves), each half extracted by the
// fastest plain extractor and then its modules compiled (compileall.compile_file, checked-hash, as
// venvkit writes them) by one Python process, both halves at once (extracting one half overlaps
// compiling the other; no wait between the steps); its ratio against pip 26.2 is a row of its own
// (is 3x reachable here at all?); warm -- `cp -r` of the same cache entries' files and of their .pyc (taken
// once from venvkit's env at set-up: the cache keeps them packed, a plain tool copies them as files).
// --no-compile: the install floors alone (extracting; cp -r). Each is checked to leave the same files
// in site-packages as venvkit's env, .pyc included (their bytes aside: they embed the env's path).
// import jupyter_server.serverapp: the same import in a copy of venvkit's env whose .pyc are
// rewritten unchecked-hash (Python checks no source at all): the least an import of these modules
// costs in a fresh process.
import { existsSync, lstatSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { timedRun, must } from './exec.mjs';
import { discard, freshVenv } from './setup.mjs';
import { compareTrees, cpCommand, extractors, fastestExtractor } from './floors.mjs';
import { entriesFor, wheelPath, sitePackages, INSTALL_FLOOR_WHY, COMPILE, bytecodeTree, copyNewPycache } from './install-floors.mjs';

export { bytecodeTree, copyNewPycache };
import { bytecodeCheck } from './tasks-bytecode.mjs';
import { withBreakdowns } from './breakdown.mjs';

const FLOORS = {
  'floor-cold-2core': { of: 'cold', label: (x) => `two processes at once, each on half the wheels (split by estimated work): ${x} of its half, then compileall.compile_file of its half's modules (checked-hash, one Python process)` },
  'floor-warm': { of: 'warm', label: () => 'cp -r of the cache entries\' files and their .pyc' },
  'floor-cold-nc': { of: 'cold-nc', label: (x) => `${x} of the wheels` },
  'floor-warm-nc': { of: 'warm-nc', label: () => 'cp -r of the cache entries\' files' },
};

/** compile_file of each path listed in file argv[1] (one a line), checked-hash: compileall's work on those files, in one Python process. */
export const COMPILE_LIST = 'import compileall, py_compile, sys\nm = py_compile.PycInvalidationMode.CHECKED_HASH\nfor p in open(sys.argv[1], encoding="utf-8").read().splitlines():\n    compileall.compile_file(p, quiet=2, invalidation_mode=m)';

/** The archive paths of a wheel's modules that land in site-packages (.py outside its .data dir): what venvkit compiles of it. */
export function siteModules(manifest) {
  const data = `${manifest.dataDir}/`;
  return manifest.files.map((f) => f.path).filter((p) => p.endsWith('.py') && !p.startsWith(data));
}

/**
 * Wheels (cache entries' manifests) split in two halves of about equal estimated work (pure): each
 * wheel's extracting (half by its file count, half by its bytes, as shares of the set's 1/3 of the
 * work) and compiling (its modules' bytes, 2/3: on jupyter, extracting took ~3.6 s and compiling
 * ~7 s in one process each); the heaviest first, each to the lighter half. The indexes of each half.
 */
export function twoHalves(manifests) {
  const size = (files) => files.reduce((a, f) => a + f.size, 0);
  const parts = manifests.map((m) => {
    const mods = new Set(siteModules(m));
    return { files: m.files.length, bytes: size(m.files), py: size(m.files.filter((f) => mods.has(f.path))) };
  });
  const total = (k) => parts.reduce((a, x) => a + x[k], 0) || 1;
  const [files, bytes, py] = [total('files'), total('bytes'), total('py')];
  const cost = parts.map((x, i) => ({ i, w: (0.5 * x.files / files + 0.5 * x.bytes / bytes) / 3 + (2 * x.py / py) / 3 }));
  const halves = [{ w: 0, items: [] }, { w: 0, items: [] }];
  for (const c of cost.sort((x, y) => y.w - x.w || x.i - y.i)) {
    const h = halves[0].w <= halves[1].w ? halves[0] : halves[1];
    h.w += c.w;
    h.items.push(c.i);
  }
  return halves.map((h) => h.items.sort((x, y) => x - y));
}

const shq = (a) => `'${String(a).split("'").join("'\\''")}'`;

/**
 * One `sh -c` command line running `jobs` (each a list of command lines, run one after the other,
 * stopping at a failure) at once; it fails when any job fails.
 */
export function concurrently(jobs) {
  const script = jobs.map((cmds, k) => `(${cmds.map((c) => c.map(shq).join(' ')).join(' && ')}) & p${k}=$!`).join('\n')
    + `\ns=0\n${jobs.map((_, k) => `wait $p${k} || s=1`).join('\n')}\nexit $s`;
  return ['sh', '-c', script];
}

/** Adds the floors, their checks and venvkit's breakdowns to task install-jupyter-bytecode. */
export function withBytecodeFloors(task, ctx) {
  if (task.id !== 'install-jupyter-bytecode') return task;
  const py = ctx.pythons.get('3.11');
  const env = (k) => join(ctx.work, 'envs', `bytecode-${k}`);
  let plan = null;
  const moduleList = (k) => join(ctx.work, `bytecode-floor-2core-modules-${k}.txt`);
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
    if (key === 'floor-cold-2core') {
      // Each half: its wheels extracted, then its modules compiled (their list written at prepare).
      return [concurrently(twoHalves(p.entries.map((e) => e.manifest)).map((half, k) => [
        p.extractor.command(half.map((i) => p.wheels[i]), sp),
        [py.path, '-c', COMPILE_LIST, moduleList(k)],
      ]))];
    }
    return [p.extractor.command(p.wheels, sp)];
  };
  const floors = Object.entries(FLOORS).map(([key, f]) => ({
    key, missing: task.sides.find((s) => s.key === f.of)?.missing,
    get label() { return f.label(plan?.extractor?.name ?? 'extracting'); },
    prepare: () => {
      const p = planFor();
      freshVenv(ctx.work, env(key), py, ctx.baseEnv);
      if (key !== 'floor-cold-2core') return;
      const sp = sitePackages(env(key));
      twoHalves(p.entries.map((e) => e.manifest)).forEach((half, k) => {
        writeFileSync(moduleList(k), half.flatMap((i) => siteModules(p.entries[i].manifest).map((m) => `${join(sp, m)}\n`)).join(''));
      });
    },
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
    rows: [
      ...task.rows.map((r) => (floorOf[r.a] ? { ...r, floor: floorOf[r.a], floorWhy: INSTALL_FLOOR_WHY[r.a.startsWith('cold') ? 'cold' : 'warm'] } : r)),
      // The most any installer could gain on these two cores: is the cold target reachable here at all?
      { a: 'floor-cold-2core', b: 'pip26', task: 'the 2-core floor of install jupyter with bytecode, cache cold (plain tools, no installer), vs pip 26.2: the best ratio these cores allow' },
    ],
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
