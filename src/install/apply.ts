// Applying install plans to the file system: straight into a fresh staged env (seeding), or as a
// transaction into a live env (stage beside it, move old files aside, move new ones in, undo on failure),
// journaled so that a kill at any moment is finished or undone by the next command (journal.ts).
import { randomBytes } from 'node:crypto';
import { lstatSync, mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, isAbsolute, join, relative, sep } from 'node:path';
import { VenvkitError } from '../errors.js';
import { exists, isDirectory, pruneEmptyDirs, resolveJournal, undoMoves, writeJournal, type Move } from './journal.js';
import { Turns } from './turns.js';
export { checkpoint, throwIfInterrupted } from './interrupted.js';
import { isReservedEnvPath, STAGE_PREFIX } from './reserved.js';
import { joinerBelow } from './entry-paths.js';
import { Linker, writeGenerated } from './link.js';
import type { InstallPlan } from './plan.js';

export interface Placed {
  plan: InstallPlan;
  /** Directory the archive files are linked from (the unpacked wheel in the cache). */
  filesDir: string;
}

/**
 * Directories made (or found) so far: each is made once, however many files go there. With `base`
 * (an empty directory this process made, e.g. a stage), the ones below it are made parents first,
 * one mkdir each (a recursive mkdir first fails on every missing parent).
 */
export class DirMaker {
  private made = new Set<string>();
  private readonly base: string | undefined;
  constructor(base?: string) {
    if (base !== undefined) this.made.add((this.base = base));
  }

  ensure(dir: string): void {
    if (this.made.has(dir)) return;
    const parent = dirname(dir);
    if (this.base !== undefined && parent !== dir && parent.startsWith(this.base)) {
      this.ensure(parent);
      mkdirSync(dir);
      this.made.add(dir);
      return;
    }
    mkdirSync(dir, { recursive: true });
    for (let d = dir; !this.made.has(d) && d !== dirname(d); d = dirname(d)) this.made.add(d);
  }
}

/** Write each plan's files (and its RECORD) at `mapPath(dest)`: for an env being built in a staging dir. Stops at `turns`' signal. */
export async function writePlans(items: (Placed & { record: string })[], linker: Linker, mapPath: (p: string) => string, turns = new Turns()): Promise<void> {
  const dirs = new DirMaker();
  for (const { plan, filesDir, record } of items) {
    const source = joinerBelow(filesDir);
    for (const f of plan.files) {
      if (turns.due()) await turns.give();
      const dst = mapPath(f.dest);
      dirs.ensure(dirname(dst));
      if (f.data) writeGenerated(dst, f.data, f.exec);
      else linker.place(source(f.source!), dst, f.exec);
    }
    const rec = mapPath(plan.recordDest);
    dirs.ensure(dirname(rec));
    writeFileSync(rec, record);
  }
}

/** A staging area inside the env root (same file system, so renames are atomic). Call it holding the env lock, after recoverEnv. */
export function newStage(root: string): string {
  const stage = join(root, `${STAGE_PREFIX}${process.pid}-${randomBytes(4).toString('hex')}`);
  mkdirSync(stage);
  return stage;
}

/** Where `p` (a path below root) is staged: stage/new/<path relative to root>. */
export function stagedAt(stage: string, root: string): (p: string) => string {
  const staged = join(stage, 'new');
  const prefix = root + sep;
  return (p) => (p.startsWith(prefix) ? staged + p.slice(root.length) : join(staged, relative(root, p)));
}

/**
 * Stage the plan's new files under stage/new/<path relative to root>, giving the event loop turns
 * (and stopping at their signal). `dirs`: the directories a transaction's earlier plans made there.
 */
export async function stagePlan(item: Placed, record: string | undefined, stage: string, root: string, linker: Linker, turns = new Turns(), dirs = new DirMaker()): Promise<void> {
  const at = stagedAt(stage, root);
  for (const f of item.plan.files) {
    if (turns.due()) await turns.give();
    const dst = at(f.dest);
    dirs.ensure(dirname(dst));
    if (f.data) writeGenerated(dst, f.data, f.exec);
    else linker.placeFrom(item.filesDir, f.source!, dst, f.exec);
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

/** The error for something in the env standing where the plan needs another kind of entry (found before anything moves). */
function conflict(root: string, rel: string, what: string): VenvkitError {
  return new VenvkitError('PATH_CONFLICT', `${join(root, rel)}: ${what}`, {
    hint: 'Move away what is at that path (no installed distribution owns it), then try again. The environment was left as it was.',
  });
}

/**
 * The renames that commit a stage: `remove` (absolute paths: files or whole directories) moved
 * aside into stage/old, then what is staged under stage/new moved in. A staged directory the env
 * does not have yet (a new package's whole tree) moves in with ONE rename; only files landing in
 * existing directories move one by one, each replacing what is there. Reads the env, changes nothing
 * (giving the event loop turns: a big install stages tens of thousands of paths).
 */
export async function planMoves(root: string, stage: string, staged: string[], remove: string[]): Promise<{ moves: Move[]; prune: string[] }> {
  const turns = new Turns();
  const stageRel = relative(root, stage);
  const moves: Move[] = [];
  const gone = new Set<string>();
  const prune = new Set<string>();
  const isGone = (rel: string) => {
    for (let r = rel; ; r = r.slice(0, r.lastIndexOf('/'))) {
      if (gone.has(r)) return true;
      if (!r.includes('/')) return false;
    }
  };
  let n = 0;
  const aside = (rel: string) => {
    moves.push({ kind: 'aside', from: rel, to: `${stageRel}/old/${n++}` });
    gone.add(rel);
    if (rel.includes('/')) prune.add(rel.slice(0, rel.lastIndexOf('/')));
  };
  for (const p of remove) {
    if (turns.due()) await turns.give();
    const rel = relative(root, p).split(sep).join('/');
    // Never outside the env, never venvkit's own files (a RECORD may list anything).
    if (rel === '' || rel.startsWith('..') || isAbsolute(rel) || isReservedEnvPath(rel)) continue;
    if (!isGone(rel) && exists(join(root, rel))) aside(rel);
  }
  // Directories the env has (and keeps), and staged paths already moving in (a file or a whole tree).
  const present = new Set<string>();
  const moved = new Set<string>();
  const moveIn = (rel: string) => {
    moves.push({ kind: 'in', from: `${stageRel}/new/${rel}`, to: rel });
    moved.add(rel);
  };
  for (const rel of staged) {
    if (turns.due()) await turns.give();
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
      if (isGone(prefix) || !exists(join(root, prefix))) {
        moveIn(prefix);
        done = true;
        break;
      }
      if (i < parts.length - 1) {
        if (!isDirectory(join(root, prefix))) throw conflict(root, prefix, `a file stands where the wheel needs a directory (for ${rel})`);
        present.add(prefix);
      }
    }
    if (done) continue;
    if (lstatSync(join(root, rel)).isDirectory()) throw conflict(root, rel, 'a directory stands where the wheel installs a file');
    aside(rel);
    moveIn(rel);
  }
  return { moves, prune: [...prune] };
}

/**
 * The one commit of every install and uninstall into a live env (see planMoves), journaled: the
 * moves are written to the stage's journal before the first one, so a kill at any point is finished
 * or undone by the next venvkit command (journal.ts). Each move is one synchronous rename; between
 * them the event loop gets a turn every few ms (turns.ts), and nothing stops the commit once the
 * journal is written (an abort then comes too late: the call completes). On a failure every move
 * done is undone, in reverse, and the error rethrown. With `keep`, directories left empty are
 * removed afterwards (never `keep` or above).
 */
export async function commitStaged(root: string, stage: string, staged: string[], remove: string[], options: { keep?: string[]; op?: string; onMoves?: (done: number, total: number) => void } = {}): Promise<{ removedDirs: string[] }> {
  const { moves, prune } = await planMoves(root, stage, staged, remove);
  const rel = (p: string) => relative(root, p).split(sep).join('/');
  const keep = options.keep;
  mkdirSync(join(stage, 'old'), { recursive: true });
  await writeJournal(stage, { version: 1, op: options.op ?? 'install', moves, prune: keep ? prune : [], keep: (keep ?? []).map(rel) });
  const turns = new Turns();
  let done = 0;
  options.onMoves?.(0, moves.length);
  try {
    for (const m of moves) {
      if (await turns.give()) options.onMoves?.(done, moves.length);
      renameSync(join(root, m.from), join(root, m.to));
      done++;
    }
  } catch (e) {
    try {
      undoMoves(root, moves.slice(0, done));
    } catch (undoError) {
      // The journal stays: the next venvkit command finishes undoing it.
      throw new VenvkitError('TXN_INTERRUPTED', `Changing ${root} failed (${(e as Error).message}), and undoing it failed too (${(undoError as Error).message})`, {
        hint: `Once the cause is fixed, act on the environment with venvkit again (listInstalled(), or \`venvkit list --env ${root}\`): it finishes undoing the change.`,
        cause: e,
      });
    }
    await resolveJournal(stage);
    throw e;
  }
  const removedDirs = prune.map((d) => join(root, d));
  if (keep) pruneEmptyDirs(removedDirs, keep);
  await resolveJournal(stage);
  options.onMoves?.(done, moves.length);
  return { removedDirs };
}

/** Remove a stage dir, whatever is in it (off the calling thread: an upgrade's old files can be many). */
export async function dropStage(stage: string): Promise<void> {
  const { rm } = await import('node:fs/promises');
  await rm(stage, { recursive: true, force: true });
}

