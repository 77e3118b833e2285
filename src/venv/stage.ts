// Staging and atomic replacement: an environment is built in a hidden sibling directory and renamed
// into place, so an interrupted create leaves nothing, or the previous environment, never half of one.
// Leftovers of killed runs carry the dead process's pid in their name and are cleaned up next time.
import { chmodSync, copyFileSync, lstatSync, mkdirSync, readdirSync, renameSync, rmSync, symlinkSync, writeFileSync, type Stats } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { uniqueSuffix } from '../cache/atomic.js';
import { VenvkitError, errnoCode } from '../errors.js';
import type { Op } from './plan.js';

const STAGE = 'venvkit-stage';
const OLD = 'venvkit-old';

/** A hidden sibling of `target` for building (tag stage) or for setting the old env aside (tag old). */
export function siblingName(target: string, tag: 'stage' | 'old'): string {
  return join(dirname(target), `.${basename(target)}.${tag === 'stage' ? STAGE : OLD}-${uniqueSuffix()}`);
}

/** Parse a sibling name back: which kind and which pid made it. */
export function parseSibling(name: string, target: string): { tag: 'stage' | 'old'; pid: number } | undefined {
  const prefix = `.${basename(target)}.`;
  if (!name.startsWith(prefix)) return undefined;
  const m = /^(venvkit-stage|venvkit-old)-(\d+)-[0-9a-z]+$/.exec(name.slice(prefix.length));
  return m ? { tag: m[1] === STAGE ? 'stage' : 'old', pid: Number(m[2]) } : undefined;
}

/** A staging dir inside the target itself, for when its parent is not writable (the target must exist). */
export function innerStageName(target: string): string {
  return join(target, `.${STAGE}-${uniqueSuffix()}`);
}

const INNER = /^\.venvkit-stage-(\d+)-[0-9a-f]{8}$/;

/**
 * The target's entries without inner staging dirs; those of dead runs are deleted on the way.
 * (An env staged inside its target while another run still works there is not counted either.)
 */
export function withoutInnerStages(target: string, names: string[]): string[] {
  return names.filter((name) => {
    const m = INNER.exec(name);
    if (!m) return true;
    if (!alive(Number(m[1]))) rmSync(join(target, name), { recursive: true, force: true });
    return false;
  });
}

function alive(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return errnoCode(e) === 'EPERM';
  }
}

/**
 * Tidy up after runs that were killed: staging dirs of dead processes are deleted; an old env set aside
 * by a dead `--clear` is put back if the target is missing (the new one never arrived), else deleted.
 * Returns what was done, for -v.
 */
export function cleanLeftovers(target: string, targetExists: boolean): string[] {
  let names: string[];
  try {
    names = readdirSync(dirname(target));
  } catch {
    return [];
  }
  const done: string[] = [];
  for (const name of names) {
    const s = parseSibling(name, target);
    if (!s || alive(s.pid)) continue;
    const path = join(dirname(target), name);
    try {
      if (s.tag === 'old' && !targetExists) {
        renameSync(path, target);
        targetExists = true;
        done.push(`restored ${target} from an interrupted --clear`);
      } else {
        rmSync(path, { recursive: true, force: true });
        done.push(`removed ${path} left by an interrupted run`);
      }
    } catch {
      // Another run may be tidying the same thing; leaving it is harmless (names are hidden, unique).
    }
  }
  return done;
}

function lstatOrNull(path: string): Stats | null {
  try {
    return lstatSync(path);
  } catch {
    return null;
  }
}

/** Write the plan's operations under `root` (a fresh, empty staging dir). */
export function applyFresh(ops: Op[], root: string): void {
  // The staging dir is new and empty: make each directory level once, without recursive mkdir's probing.
  const made = new Set<string>();
  const makeDir = (rel: string) => {
    if (made.has(rel)) return;
    const cut = Math.max(rel.lastIndexOf('/'), rel.lastIndexOf('\\'));
    if (cut > 0) makeDir(rel.slice(0, cut));
    mkdirSync(rel ? join(root, rel) : root);
    made.add(rel);
  };
  for (const op of ops) {
    const dest = join(root, op.path);
    switch (op.kind) {
      case 'dir':
        makeDir(op.path);
        break;
      case 'symlink':
        symlinkSync(op.target, dest);
        break;
      case 'copy':
        try {
          copyFileSync(op.fromEnv ? join(root, op.source) : op.source, dest);
        } catch (e) {
          if (op.optional && errnoCode(e) === 'ENOENT') break;
          throw e;
        }
        chmodSync(dest, 0o755);
        break;
      case 'file':
        writeFileSync(dest, op.content);
        break;
    }
  }
}

/** Top-level names a merge never replaces when the target has them already (the user's .gitignore, lib64). */
const KEEP = new Set(['.gitignore', 'lib64']);

/** The first path in `target` that is in the way of merging `stage` into it (a file where a dir must go, or the reverse). */
export function mergeConflict(stage: string, target: string, top = true): string | undefined {
  for (const e of readdirSync(stage, { withFileTypes: true })) {
    const d = join(target, e.name);
    const st = lstatOrNull(d);
    if (!st || (top && KEEP.has(e.name))) continue;
    if (e.isDirectory()) {
      if (!st.isDirectory()) return d;
      const inner = mergeConflict(join(stage, e.name), d, false);
      if (inner) return inner;
    } else if (st.isDirectory()) return d;
  }
  return undefined;
}

/**
 * Move a staged env into an existing directory, keeping everything already there: missing entries are
 * renamed in whole, directories merged, venv's own files (interpreter links, pyvenv.cfg, activators)
 * replaced one atomic rename each; pyvenv.cfg last, so the directory turns into an env only when complete.
 */
export function mergeInto(stage: string, target: string, top = true): void {
  const entries = readdirSync(stage, { withFileTypes: true });
  if (top) entries.sort((a, b) => Number(a.name === 'pyvenv.cfg') - Number(b.name === 'pyvenv.cfg'));
  for (const e of entries) {
    const s = join(stage, e.name);
    const d = join(target, e.name);
    const st = lstatOrNull(d);
    if (!st) renameSync(s, d);
    else if (top && KEEP.has(e.name)) continue;
    else if (e.isDirectory() && st.isDirectory()) mergeInto(s, d, false);
    else if (!e.isDirectory() && !st.isDirectory()) renameSync(s, d);
    else throw new VenvkitError('TARGET_EXISTS', `${d} is in the way of the environment`, { hint: 'Move it away, or create the environment somewhere else.' });
  }
}

const TAKEN = new Set(['ENOTEMPTY', 'EEXIST']);

/** Rename the staged env into place where nothing (or an empty dir) is. Throws TARGET_EXISTS when another run got there first. */
export function renameIntoPlace(stage: string, target: string): void {
  try {
    renameSync(stage, target);
  } catch (e) {
    if (TAKEN.has(errnoCode(e) ?? '')) {
      throw new VenvkitError('TARGET_EXISTS', `${target} was created by another process while this one was building it`, {
        hint: 'Nothing was changed by this run. Use --clear to replace that environment.',
        cause: e,
      });
    }
    throw e;
  }
}

/**
 * Replace the env at `target` by the staged one (--clear): set the old one aside, rename the new one in,
 * then delete the old. A concurrent replacement just means one more round; the last one wins whole.
 */
export function replaceDir(stage: string, target: string): void {
  for (let attempt = 0; attempt < 5; attempt++) {
    try {
      renameSync(stage, target);
      return;
    } catch (e) {
      if (!TAKEN.has(errnoCode(e) ?? '')) throw e;
    }
    const aside = siblingName(target, 'old');
    try {
      renameSync(target, aside);
    } catch (e) {
      if (errnoCode(e) === 'ENOENT') continue;
      throw e;
    }
    try {
      renameSync(stage, target);
    } catch (e) {
      if (TAKEN.has(errnoCode(e) ?? '')) {
        // Another run put its env in between our two renames: theirs stays, ours goes round again.
        rmSync(aside, { recursive: true, force: true });
        continue;
      }
      renameSync(aside, target);
      throw e;
    }
    rmSync(aside, { recursive: true, force: true });
    return;
  }
  throw new VenvkitError('TARGET_EXISTS', `${target} kept being replaced by other processes`, { hint: 'Run one create at a time for the same directory.' });
}
