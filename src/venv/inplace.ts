// Changing an existing directory into the new env in place (an env made again, --upgrade,
// --allow-existing, and --clear of the directory the user stands in), so that a kill at any moment
// leaves the old state or the new one after the next venvkit command.
//
// The moves are planned in full first (a clash refuses before anything is written), then recorded in
// a journal inside a marked backup container in the target (`.venvkit-old-<pid>-*`, see stage.ts):
// `out` sets an existing entry aside into the container, `in` renames a staged entry into place,
// pyvenv.cfg last. A `committed` file is written once every step is done, then the container is
// deleted. A run killed before `committed` is rolled back by the next one (recoverInner); after it,
// rolled forward (the container deleted).
import { readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { VenvkitError } from '../errors.js';
import { LOCK_NAME } from '../install/reserved.js';
import { alive, cleanSiblings, innerName, leftAlone, lstatOrNull, makeContainer, notOurs, parseInner, removeContainer, type Leftovers } from './stage.js';

/** One move: `out` sets target/rel aside as box/o<i>; `in` renames stage/rel to target/rel. */
export type Step = { op: 'out'; i: number; rel: string } | { op: 'in'; rel: string };

/** Top-level names a merge never replaces when the target has them already (the user's .gitignore, lib64). */
const KEEP = new Set(['.gitignore', 'lib64']);

const inWay = (path: string) => new VenvkitError('TARGET_EXISTS', `${path} is in the way of the environment (a file where a directory must go, or the reverse)`, { hint: 'Move it away, or create the environment somewhere else.' });

/**
 * The moves that merge `stage` into the existing `target`: missing entries renamed in whole,
 * directories merged, files and links replaced (venv's own files; with `keepFiles`, the directory is
 * not an env and every file in it is the user's: a clash refuses instead). Throws before any move.
 */
export function planMerge(stage: string, target: string, keepFiles: boolean): Step[] {
  const steps: Step[] = [];
  let n = 0;
  const walk = (rel: string) => {
    const entries = readdirSync(rel ? join(stage, rel) : stage, { withFileTypes: true });
    if (!rel) entries.sort((a, b) => Number(a.name === 'pyvenv.cfg') - Number(b.name === 'pyvenv.cfg'));
    for (const e of entries) {
      const r = rel ? `${rel}/${e.name}` : e.name;
      const st = lstatOrNull(join(target, r));
      if (!st) steps.push({ op: 'in', rel: r });
      else if (!rel && KEEP.has(e.name)) continue;
      else if (e.isDirectory() && st.isDirectory()) walk(r);
      else if (e.isDirectory() || st.isDirectory()) throw inWay(join(target, r));
      else if (keepFiles) {
        throw new VenvkitError('TARGET_EXISTS', `${join(target, r)} exists: --allow-existing keeps the directory's files and never overwrites one it did not write`, {
          hint: `Nothing was written. Move ${r} away (or remove it), or create the environment somewhere else.`,
        });
      } else steps.push({ op: 'out', i: n++, rel: r }, { op: 'in', rel: r });
    }
  };
  walk('');
  return steps;
}

/** The moves that replace everything in `target` (but venvkit's own containers) by what is staged: --clear in place. */
export function planRefill(stage: string, target: string): Step[] {
  const steps: Step[] = [];
  let n = 0;
  // (The env lock this run holds stays where it is.)
  for (const name of readdirSync(target)) if (!parseInner(name) && name !== LOCK_NAME) steps.push({ op: 'out', i: n++, rel: name });
  const staged = readdirSync(stage).sort((a, b) => Number(a === 'pyvenv.cfg') - Number(b === 'pyvenv.cfg'));
  for (const name of staged) steps.push({ op: 'in', rel: name });
  return steps;
}

const JOURNAL = 'journal';
const COMMITTED = 'committed';

/** Carry out `steps` under a journal; on an error the target is rolled back before the error is rethrown. */
export function commitInPlace(stage: string, target: string, steps: Step[]): void {
  const box = innerName(target, 'old');
  makeContainer(box, 'old', target);
  writeFileSync(join(box, JOURNAL), JSON.stringify(steps));
  try {
    for (const s of steps) {
      if (s.op === 'out') renameSync(join(target, s.rel), join(box, `o${s.i}`));
      else renameSync(join(stage, s.rel), join(target, s.rel));
    }
    writeFileSync(join(box, COMMITTED), '');
  } catch (e) {
    rollBack(box, target, steps);
    throw e;
  }
  removeContainer(box);
}

/** Undo the steps done so far, last first: remove what was moved in, put back what was set aside. */
function rollBack(box: string, target: string, steps: Step[]): void {
  const setAside = new Map<string, number>();
  for (const s of steps) if (s.op === 'out') setAside.set(s.rel, s.i);
  for (const s of [...steps].reverse()) {
    const dest = join(target, s.rel);
    if (s.op === 'in') {
      const i = setAside.get(s.rel);
      // What is at dest is the new entry if there was no old one, or if the old one was set aside already.
      if (lstatOrNull(dest) && (i === undefined || lstatOrNull(join(box, `o${i}`)))) rmSync(dest, { recursive: true, force: true });
    } else if (lstatOrNull(join(box, `o${s.i}`))) renameSync(join(box, `o${s.i}`), dest);
  }
  removeContainer(box);
}

/**
 * Finish what killed runs left inside `target`: staging containers deleted, an interrupted in-place
 * commit rolled back (or forward, if it had committed). Containers not provably this user's are left alone.
 */
export function recoverInner(target: string, out: Leftovers): void {
  let names: string[];
  try {
    names = readdirSync(target);
  } catch {
    return;
  }
  for (const name of names) {
    const s = parseInner(name);
    if (!s || alive(s.pid)) continue;
    const path = join(target, name);
    const why = notOurs(path, s.tag, target);
    if (why) {
      leftAlone(out, path, why);
      continue;
    }
    try {
      if (s.tag === 'old' && !lstatOrNull(join(path, COMMITTED)) && lstatOrNull(join(path, JOURNAL))) {
        // A journal cut short by the kill means no step was taken yet.
        let steps: Step[] = [];
        try {
          steps = JSON.parse(readFileSync(join(path, JOURNAL), 'utf8')) as Step[];
        } catch {}
        rollBack(path, target, steps);
        out.notes.push(`rolled ${target} back to the environment it was before an interrupted run`);
      } else {
        removeContainer(path);
        out.notes.push(`removed ${path} left by an interrupted run`);
      }
    } catch {
      // Another run may be finishing it; it is left for the next one.
    }
  }
}

/** The pyvenv.cfg an in-place replacement in progress (by a live run) has set aside, if any. */
export function cfgBeingReplaced(target: string, name: string): string | undefined {
  try {
    const steps = JSON.parse(readFileSync(join(target, name, JOURNAL), 'utf8')) as Step[];
    const s = steps.find((x) => x.op === 'out' && x.rel === 'pyvenv.cfg');
    return s && s.op === 'out' ? readFileSync(join(target, name, `o${s.i}`), 'utf8') : undefined;
  } catch {
    return undefined;
  }
}

/** Finish or roll back a create killed half-way at `root` (for commands that open an env); true if anything was done. */
export function recoverInterrupted(root: string): boolean {
  const left: Leftovers = { notes: [], warnings: [] };
  cleanSiblings(root, left);
  recoverInner(root, left);
  return left.notes.length > left.warnings.length;
}
