// Applying install plans to the file system: straight into a fresh staged env (seeding), or as a
// transaction into a live env (stage beside it, move old files aside, move new ones in, undo on failure).
import { randomBytes } from 'node:crypto';
import { existsSync, lstatSync, mkdirSync, readdirSync, renameSync, rmdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { errnoCode, VenvkitError } from '../errors.js';
import { Linker, writeGenerated } from './link.js';
import type { InstallPlan } from './plan.js';

export interface Placed {
  plan: InstallPlan;
  /** Directory the archive files are linked from (the unpacked wheel in the cache). */
  filesDir: string;
}

class DirMaker {
  private made = new Set<string>();
  ensure(dir: string): void {
    if (this.made.has(dir)) return;
    mkdirSync(dir, { recursive: true });
    for (let d = dir; !this.made.has(d) && d !== dirname(d); d = dirname(d)) this.made.add(d);
  }
}

/** Write each plan's files (and its RECORD) at `mapPath(dest)`: for an env being built in a staging dir. */
export function writePlans(items: (Placed & { record: string })[], linker: Linker, mapPath: (p: string) => string): void {
  const dirs = new DirMaker();
  for (const { plan, filesDir, record } of items) {
    for (const f of plan.files) {
      const dst = mapPath(f.dest);
      dirs.ensure(dirname(dst));
      if (f.data) writeGenerated(dst, f.data, f.exec);
      else linker.place(join(filesDir, f.source!), dst, f.exec);
    }
    const rec = mapPath(plan.recordDest);
    dirs.ensure(dirname(rec));
    writeFileSync(rec, record);
  }
}

/** A staging area inside the env root (same file system, so renames are atomic). */
export function newStage(root: string): string {
  removeStaleStages(root);
  const stage = join(root, `.venvkit-txn-${process.pid}-${randomBytes(4).toString('hex')}`);
  mkdirSync(stage);
  return stage;
}

/** Stage the plan's new files under stage/new/<path relative to root>; returns the staged RECORD's path. */
export function stagePlan(item: Placed, record: string | undefined, stage: string, root: string, linker: Linker): void {
  const dirs = new DirMaker();
  const at = (p: string) => join(stage, 'new', relative(root, p));
  for (const f of item.plan.files) {
    const dst = at(f.dest);
    dirs.ensure(dirname(dst));
    if (f.data) writeGenerated(dst, f.data, f.exec);
    else linker.place(join(item.filesDir, f.source!), dst, f.exec);
  }
  if (record !== undefined) {
    dirs.ensure(dirname(at(item.plan.recordDest)));
    writeFileSync(at(item.plan.recordDest), record);
  }
}

/** Paths (relative to root) that stagePlan put under stage/new, for the commit. */
export function stagedPaths(plan: InstallPlan, root: string, extra: string[] = []): string[] {
  return [...plan.files.map((f) => f.dest), ...extra, plan.recordDest].map((p) => relative(root, p));
}

/** Whether anything (file, directory or link, even a dangling one) is at `p`. */
const exists = (p: string) => {
  try {
    lstatSync(p);
    return true;
  } catch {
    return false;
  }
};

/**
 * The one commit of every install and uninstall into a live env: move `remove` (absolute paths:
 * files or whole directories) aside, then what is staged under stage/new in. `staged` lists those
 * paths relative to root. A staged directory the env does not have yet (a new package's whole
 * tree) moves in with ONE rename; only files landing in existing directories move one by one,
 * each replacing what is there. All synchronous (the caller holds signals meanwhile). On any
 * failure every step is undone, in reverse, and the error rethrown.
 */
export function commitStaged(root: string, stage: string, staged: string[], remove: string[]): { removedDirs: string[] } {
  const undo: (() => void)[] = [];
  const removedParents = new Set<string>();
  // Directories the env already has, and staged paths already moved in (a file or a whole tree).
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
      // The shallowest prefix of `rel` the env lacks moves in whole (and carries `rel` with it).
      const parts = rel.split('/');
      let prefix = '';
      let done = false;
      for (let i = 0; i < parts.length; i++) {
        prefix = i === 0 ? parts[0]! : `${prefix}/${parts[i]}`;
        if (moved.has(prefix)) {
          done = true; // already in: inside a moved tree, or listed twice (a shipped .pyc also compiled)
          break;
        }
        if (present.has(prefix)) continue;
        if (!exists(join(root, prefix))) {
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

/** Run `work` holding the env's lock (`<root>/.venvkit.lock`, shared with `venvkit install`). */
export async function withEnvLock<T>(root: string, work: () => Promise<T>): Promise<T> {
  const { lockEnv } = await import('../pip/lock.js');
  const lock = await lockEnv(root);
  try {
    return await work();
  } finally {
    lock.release();
  }
}

const HELD_SIGNALS: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];
/** One listener for all installs running in this process (so many in a row add no listeners). */
let holding = 0;
let listening = false;
let pending: NodeJS.Signals[] = [];
const hold = (s: NodeJS.Signals) => {
  pending.push(s);
};

/** After the last install ends (a turn later, so a signal queued meanwhile is still held): stop holding, deliver. */
function releaseSignals(): void {
  if (holding > 0 || !listening) return;
  for (const s of HELD_SIGNALS) process.off(s, hold);
  listening = false;
  const first = pending[0];
  pending = [];
  if (first) process.kill(process.pid, first);
}

/**
 * Hold SIGINT/SIGTERM/SIGHUP while `work` runs (checked through `interrupted()`), then deliver them
 * once no install in this process is running any more.
 */
export async function withSignalsHeld<T>(work: (interrupted: () => boolean) => Promise<T>): Promise<T> {
  holding++;
  if (!listening) {
    for (const s of HELD_SIGNALS) process.on(s, hold);
    listening = true;
  }
  try {
    return await work(() => pending.length > 0);
  } finally {
    holding--;
    setImmediate(releaseSignals);
  }
}

/** Remove `dirs` and their parents while they are empty, stopping at (and keeping) any of `keep`. */
export function pruneEmptyDirs(dirs: string[], keep: string[]): void {
  const keepSet = new Set(keep);
  const sorted = [...new Set(dirs)].sort((a, b) => b.length - a.length);
  for (let d of sorted) {
    while (!keepSet.has(d) && d !== dirname(d) && keep.some((k) => d.startsWith(k + '/'))) {
      try {
        rmdirSync(d);
      } catch (e) {
        if (errnoCode(e) !== 'ENOENT') break;
      }
      d = dirname(d);
    }
  }
}

/** Stage dirs left by venvkit processes that no longer run (killed with SIGKILL, power loss). */
function removeStaleStages(root: string): void {
  let names: string[];
  try {
    names = readdirSync(root);
  } catch {
    return;
  }
  for (const n of names) {
    const m = /^\.venvkit-txn-(\d+)-[0-9a-f]+$/.exec(n);
    if (!m || Number(m[1]) === process.pid) continue;
    try {
      process.kill(Number(m[1]), 0);
      continue; // still running
    } catch (e) {
      if (errnoCode(e) === 'EPERM') continue;
    }
    rmSync(join(root, n), { recursive: true, force: true });
  }
}

/** Remove a stage dir, whatever is in it. */
export function dropStage(stage: string): void {
  if (existsSync(stage)) rmSync(stage, { recursive: true, force: true });
}
