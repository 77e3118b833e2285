// Installing many unpacked wheels into one env as ONE transaction: every new file is staged beside
// the env, then one commit moves the replaced distributions' files aside and the new ones in. A
// failure at any point (or an interrupt before the commit) leaves the env exactly as it was.
import { join, relative, sep } from 'node:path';
import { readWheelFile, type CachedWheel } from '../cache/wheels.js';
import { VenvkitError } from '../errors.js';
import { commitStaged, DirMaker, dropStage, newStage, stagedAt, stagePlan, throwIfInterrupted, checkpoint } from '../install/apply.js';
import { fsFailure } from '../install/fs-errors.js';
import { cacheableTag, stageBytecode, type StoredBytecode } from '../cache/bytecode.js';
import { recordedFiles, type InstalledDist } from '../installed/dist-info.js';
import { Linker, type LinkMode } from '../install/link.js';
import { planInstallAsync, recordForAsync, type InstallPlan } from '../install/plan.js';
import { installTarget } from '../install/target.js';
import { Turns } from '../install/turns.js';
import type { ProgressListener } from '../progress.js';
import type { Venv } from '../venv/types.js';

export interface TransactionItem {
  wheel: CachedWheel;
  /** Installed distributions this one replaces (their files are removed). */
  replaces: InstalledDist[];
  requested: boolean;
  directUrl?: object;
  /** More dist-info files (install/plan.ts extraMeta). */
  extraMeta?: Record<string, string>;
}

export interface TransactionOptions {
  linkMode?: LinkMode;
  /** Byte-compile the installed modules (default true; editable installs never are). */
  compile?: boolean;
  /** Checked right before the commit (and between steps): aborted means INTERRUPTED, nothing changed. */
  signal?: AbortSignal;
  onProgress?: ProgressListener;
  /** A wheel's bytecode compiled ahead of the transaction, as it was unpacked (compile-ahead.ts); undefined: not. */
  compiledAhead?: (wheel: CachedWheel) => Promise<StoredBytecode | undefined> | undefined;
  /** Installed distributions removed in the same commit without a replacement (sync). */
  remove?: InstalledDist[];
}

/** A PEP 610 direct_url of an editable install. */
const isEditable = (u: object | undefined) => (u as { dir_info?: { editable?: boolean } } | undefined)?.dir_info?.editable === true;

/** Plan, stage and commit every item; returns the link mode used. */
export async function applyTransaction(venv: Venv, items: TransactionItem[], options: TransactionOptions = {}): Promise<{ linkMode: LinkMode; files: number }> {
  const target = installTarget(venv);
  const root = venv.root;
  // The calling thread gives the event loop a turn every few ms from here to the end (turns.ts).
  const turns = new Turns(options.signal);
  const plans: InstallPlan[] = [];
  for (const { wheel, requested, directUrl, extraMeta } of items) {
    await turns.give();
    try {
      plans.push(await planInstallAsync(wheel.manifest, target, { installer: 'venvkit', requested, directUrl, extraMeta }, (p) => readWheelFile(wheel, p), () => turns.give()));
    } catch (e) {
      if (e instanceof VenvkitError) throw e;
      throw new VenvkitError('UNSAFE_WHEEL', `${wheel.manifest.filename}: ${(e as Error).message}`, { hint: 'Refusing to install it.' });
    }
  }
  // Two wheels installing the same path: the later one wins (as with pip); both RECORDs list it.
  const owner = new Map<string, number>();
  for (const [i, p] of plans.entries()) {
    await turns.give();
    for (const f of p.files) owner.set(f.dest, i);
  }
  const remove: string[] = [];
  for (const replaced of [...items.map((i) => i.replaces), options.remove ?? []]) {
    for (const d of replaced) {
      await turns.give();
      try {
        remove.push(...recordedFiles(d, root).files);
      } catch (e) {
        throw new VenvkitError('COMMAND_FAILED', `${d.name} ${d.version} is installed without a readable RECORD (${relative(root, d.distInfoDir)}), so it cannot be replaced cleanly`, {
          hint: `Remove ${d.distInfoDir} and the package's files by hand, or recreate the environment.`,
          cause: e,
        });
      }
    }
  }
  const linker = new Linker(options.linkMode, items.map((i) => i.wheel));
  throwIfInterrupted(options.signal);
  const stage = newStage(root);
  // A path below root, relative to it (the plans' paths are all below it: planInstall checks).
  const prefix = root + sep;
  const rel = (p: string) => (p.startsWith(prefix) ? p.slice(prefix.length) : relative(root, p));
  try {
    const staged: string[] = [];
    const stagedPlans = plans.map((plan, i) => ({ ...plan, files: plan.files.filter((f) => owner.get(f.dest) === i) }));
    const dirs = new DirMaker(stage);
    for (const [i, plan] of stagedPlans.entries()) {
      await stagePlan({ plan, filesDir: items[i]!.wheel.filesDir }, undefined, stage, root, linker, turns, dirs);
      for (const f of plan.files) {
        if ((staged.length & 255) === 0) await turns.give();
        staged.push(rel(f.dest));
      }
      options.onProgress?.({ phase: 'install', step: 'stage', name: items[i]!.wheel.manifest.name, done: i + 1, total: items.length });
    }
    const pycsByPlan: string[][] = plans.map(() => []);
    if (options.compile !== false) {
      const stagedOf = stagedAt(stage, root);
      const mine = (i: number) => (p: string) => owner.get(p) === i && !isEditable(items[i]!.directUrl);
      const tag = venv.base?.cacheTag;
      if (cacheableTag(venv.base?.version, tag)) {
        // Bytecode from the wheel cache (compiled there once per interpreter): see cache/bytecode.ts.
        const jobs = [];
        for (const [i, plan] of stagedPlans.entries()) {
          await turns.give();
          const py = new Set(plan.pyFiles.filter(mine(i)));
          jobs.push({ wheel: items[i]!.wheel, sources: plan.files.filter((f) => f.source && py.has(f.dest)).map((f) => ({ archive: f.source!, staged: stagedOf(f.dest), dest: f.dest })) });
        }
        const placed = await stageBytecode(venv.paths.python, tag, jobs, linker, options.signal, options.compiledAhead);
        throwIfInterrupted(options.signal);
        for (const [i, pycs] of placed.entries()) {
          await turns.give();
          pycsByPlan[i]!.push(...pycs);
          for (const p of pycs) staged.push(rel(p));
        }
      } else {
        // Python 3.6 (no hash-based .pyc): timestamp .pyc compiled in the stage, for this env only.
        const { compileTimestamp, pycPath } = await import('../install/compile-pool.js');
        const work = tag ? stagedPlans.flatMap((plan, i) => plan.pyFiles.filter(mine(i)).map((p) => ({ path: stagedOf(p), shown: p, out: stagedOf(pycPath(p, tag)), final: pycPath(p, tag), i }))) : [];
        const compiled = new Set(await compileTimestamp(venv.paths.python, work, options.signal));
        throwIfInterrupted(options.signal);
        for (const w of work) {
          if (!compiled.has(w.out)) continue;
          pycsByPlan[w.i]!.push(w.final);
          staged.push(rel(w.final));
        }
      }
    }
    for (const [i, plan] of plans.entries()) {
      await turns.give();
      const record = await recordForAsync(plan, pycsByPlan[i]!, () => turns.give());
      await stagePlan({ plan: { ...plan, files: [] }, filesDir: items[i]!.wheel.filesDir }, record, stage, root, linker, turns, dirs);
      staged.push(rel(plan.recordDest));
    }
    // From this check to the end of the commit everything is synchronous: a signal that comes
    // meanwhile is seen by the host after the commit (then the install is complete).
    await checkpoint(options.signal);
    const onMoves = options.onProgress && ((done: number, total: number) => options.onProgress!({ phase: 'install', step: 'commit', name: root, done, total }));
    await commitStaged(root, stage, staged, remove, { keep: [root, venv.paths.scripts, venv.paths.purelib, venv.paths.platlib, venv.paths.include], op: 'install', onMoves });
    return { linkMode: linker.mode, files: staged.length };
  } catch (e) {
    throw fsFailure(e, root, stage);
  } finally {
    await dropStage(stage);
  }
}
