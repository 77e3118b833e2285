// Installing many unpacked wheels into one env as ONE transaction: every new file is staged beside
// the env, then one commit moves the replaced distributions' files aside and the new ones in. A
// failure at any point (or an interrupt before the commit) leaves the env exactly as it was.
import { lstatSync, mkdirSync, readFileSync, renameSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import type { CachedWheel } from '../cache/wheels.js';
import { VenvkitError } from '../errors.js';
import { dropStage, exists, newStage, pruneEmptyDirs, stagePlan } from '../install/apply.js';
import { byteCompile } from '../install/compile.js';
import { recordedFiles, type InstalledDist } from '../install/installed.js';
import { Linker, type LinkMode } from '../install/link.js';
import { planInstall, recordFor, type InstallPlan } from '../install/plan.js';
import { installTarget } from '../install/target.js';
import type { Venv } from '../venv/types.js';

export interface TransactionItem {
  wheel: CachedWheel;
  /** Installed distributions this one replaces (their files are removed). */
  replaces: InstalledDist[];
  requested: boolean;
  directUrl?: object;
}

export interface TransactionOptions {
  linkMode?: LinkMode;
  compile?: boolean;
  /** Checked right before the commit: true aborts with INTERRUPTED. */
  interrupted?: () => boolean;
}

/** Plan, stage and commit every item; returns the link mode used. */
export async function applyTransaction(venv: Venv, items: TransactionItem[], options: TransactionOptions = {}): Promise<{ linkMode: LinkMode; files: number }> {
  const target = installTarget(venv);
  const root = venv.root;
  const plans: InstallPlan[] = items.map(({ wheel, requested, directUrl }) => {
    try {
      return planInstall(wheel.manifest, target, { installer: 'venvkit', requested, directUrl }, (p) => readFileSync(join(wheel.filesDir, p)));
    } catch (e) {
      if (e instanceof VenvkitError) throw e;
      throw new VenvkitError('UNSAFE_WHEEL', `${wheel.manifest.filename}: ${(e as Error).message}`, { hint: 'Refusing to install it.' });
    }
  });
  // Two wheels installing the same path: the later one wins (as with pip); both RECORDs list it.
  const owner = new Map<string, number>();
  plans.forEach((p, i) => p.files.forEach((f) => owner.set(f.dest, i)));
  const remove: string[] = [];
  for (const item of items) {
    for (const d of item.replaces) {
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
  const linker = new Linker(options.linkMode ?? 'clone');
  const stage = newStage(root);
  try {
    const staged: string[] = [];
    const stagedPlans = plans.map((plan, i) => ({ ...plan, files: plan.files.filter((f) => owner.get(f.dest) === i) }));
    stagedPlans.forEach((plan, i) => {
      stagePlan({ plan, filesDir: items[i]!.wheel.filesDir }, undefined, stage, root, linker);
      for (const f of plan.files) staged.push(relative(root, f.dest));
    });
    const pycsByPlan: string[][] = plans.map(() => []);
    if (options.compile) {
      const prefix = join(stage, 'new') + '/';
      const work = stagedPlans.flatMap((plan, i) => plan.pyFiles.filter((p) => owner.get(p) === i).map((p) => ({ path: join(stage, 'new', relative(root, p)), shown: p, i })));
      const bySource = new Map<string, string>();
      for (const pyc of await byteCompile(venv.paths.python, work)) {
        const m = /^(.*)\/__pycache__\/(.+)\.[^./]+\.pyc$/.exec(pyc);
        if (m) bySource.set(`${m[1]}/${m[2]}.py`, pyc);
      }
      for (const w of work) {
        const pyc = bySource.get(w.path);
        if (pyc && pyc.startsWith(prefix)) {
          const finalPath = join(root, pyc.slice(prefix.length));
          pycsByPlan[w.i]!.push(finalPath);
          staged.push(relative(root, finalPath));
        }
      }
    }
    plans.forEach((plan, i) => {
      stagePlan({ plan: { ...plan, files: [] }, filesDir: items[i]!.wheel.filesDir }, recordFor(plan, pycsByPlan[i]), stage, root, linker);
      staged.push(relative(root, plan.recordDest));
    });
    if (options.interrupted?.()) throw new VenvkitError('INTERRUPTED', 'Interrupted: nothing was installed (the environment is unchanged)', { exitCode: 130 });
    const { removedDirs } = commitTree(root, stage, staged, remove);
    pruneEmptyDirs(removedDirs, [root, venv.paths.scripts, venv.paths.purelib, venv.paths.platlib, venv.paths.include]);
    return { linkMode: linker.mode, files: staged.length };
  } finally {
    dropStage(stage);
  }
}

/**
 * Like the installer's commit, but a staged directory the env does not have yet (a new package's
 * whole tree) moves in with ONE rename; only files landing in existing directories move one by
 * one. Every step is undone, in reverse, if any fails.
 */
export function commitTree(root: string, stage: string, staged: string[], remove: string[]): { removedDirs: string[] } {
  const undo: (() => void)[] = [];
  const removedParents = new Set<string>();
  const present = new Set<string>();
  const moved = new Set<string>();
  try {
    let n = 0;
    const aside = join(stage, 'old');
    mkdirSync(aside, { recursive: true });
    const moveAside = (p: string) => {
      const to = join(aside, String(n++));
      renameSync(p, to);
      removedParents.add(dirname(p));
      undo.push(() => renameSync(to, p));
    };
    for (const p of remove) if (exists(p)) moveAside(p);
    const move = (rel: string) => {
      const from = join(stage, 'new', rel);
      const to = join(root, rel);
      renameSync(from, to);
      moved.add(rel);
      undo.push(() => renameSync(to, from));
    };
    for (const rel of staged) {
      const parts = rel.split('/');
      let prefix = '';
      let done = false;
      for (let i = 0; i < parts.length; i++) {
        prefix = i === 0 ? parts[0]! : `${prefix}/${parts[i]}`;
        if (moved.has(prefix)) {
          done = true;
          break;
        }
        if (present.has(prefix)) continue;
        const dest = join(root, prefix);
        if (!exists(dest)) {
          move(prefix);
          done = true;
          break;
        }
        if (i < parts.length - 1) present.add(prefix);
      }
      if (done) continue;
      const dest = join(root, rel);
      if (lstatSync(dest).isDirectory()) throw new VenvkitError('BAD_WHEEL', `${dest} is a directory, the wheel installs a file there`);
      moveAside(dest);
      move(rel);
    }
  } catch (e) {
    for (const u of undo.reverse()) {
      try {
        u();
      } catch {
        /* best effort: keep undoing the rest */
      }
    }
    throw e;
  }
  return { removedDirs: [...removedParents] };
}
