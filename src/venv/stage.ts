// Staging and atomic replacement: an environment is built in a hidden directory and renamed into
// place, so an interrupted create leaves nothing, or the previous environment, never half of one.
//
// A new env is built in a *build directory*: a hidden sibling of the target that is the env itself
// (`.NAME.venvkit-build-<pid>-<unique>-<key of the full target path>`), made with mode 0700, given
// the env's own mode just before it is renamed into place. Nothing is left to remove after the rename:
// no rmdir, no unlink (an rmdir costs milliseconds on an ext4 mounted with `discard`, more than the
// rest of a create). A build directory of a dead process is deleted by the next run when it is provably
// this user's: not a symlink, a directory owned by the current user that group and others cannot write
// to, named for this very target (the key). Nobody else can create a directory owned by this user, and
// the key ties the name to the full target path (names are cut short), so neither another user's
// directory nor one of the user's own with a similar name passes.
//
// Every other staging or backup directory venvkit makes is a *container*: a directory it creates with
// mode 0700 and a marker file naming what it is for (`venvkit old of /abs/target`), the env (or the
// set-aside old env) inside it: backups set aside by --clear (`old`, restored by the next run if the new
// env never came), envs being deleted (`trash`), and stages inside the target when it is changed in
// place (`stage`; sibling `stage` containers are what older versions built new envs in). Leftovers of
// killed runs carry the dead pid in their name and are cleaned up, or restored, next time -- but only
// when venvkit can prove the container is its own: the checks above, plus a regular marker file of the
// current user with the expected text. Nobody else can write into a directory that is 0700, so the
// marker cannot be planted; its text ties the container to one target. On Windows (no uid or mode
// bits) the checks are: not a link or junction, a directory, and the key in the name (build) or the
// marker with the expected text (containers). Anything else with a venvkit name is left alone and reported.
import { pidAlive } from '../cache/pid.js';
import { chmodSync, copyFileSync, lstatSync, mkdirSync, readdirSync, readFileSync, renameSync, rmdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { cacheKey, uniqueSuffix } from '../cache/atomic.js';
import { VenvkitError, errnoCode } from '../errors.js';
import type { Op } from './plan.js';

/**
 * build: a new env being built (the directory is the env); stage: a container a new env is built in
 * (inside the target); old: an env set aside by --clear (restored if the new one never came); trash:
 * an env being removed.
 */
export type Kind = 'build' | 'stage' | 'old' | 'trash';
/** The kinds that are containers (a marker file, the env inside). */
type ContainerKind = Exclude<Kind, 'build'>;
const MARK = 'venvkit-marker';
/** The env (or the old env set aside) inside a container. */
export const ENV = 'env';

/** A hidden sibling of `target` (tag build: the new env; tag old: a container to set the old env aside in). */
export function siblingName(target: string, tag: Kind): string {
  return join(dirname(target), `${siblingPrefix(target)}${tag}-${uniqueSuffix()}${tag === 'build' ? `-${cacheKey(target)}` : ''}`);
}

// The target's name is cut to 100 characters in sibling names, so that a name near the system's limit
// (255 bytes) still leaves room for the suffix; the marker holds the full target path.
const siblingPrefix = (target: string) => `.${basename(target).slice(0, 100)}.venvkit-`;

/** A container inside the target itself (when its parent is not writable, or the env is changed in place). */
export function innerName(target: string, tag: ContainerKind): string {
  return join(target, `.venvkit-${tag}-${uniqueSuffix()}`);
}

const SIBLING = /^(stage|old|trash)-(\d+)-[0-9a-z]+$/;
const BUILD = /^build-(\d+)-[0-9a-z]+-([0-9a-f]{16})$/;
const INNER = /^\.venvkit-(stage|old)-(\d+)-[0-9a-z]+$/;

/** Parse a sibling name back: which kind and which pid made it (a build directory: and whether its key is this target's). */
export function parseSibling(name: string, target: string): { tag: Kind; pid: number; otherTarget?: boolean } | undefined {
  const prefix = siblingPrefix(target);
  if (!name.startsWith(prefix)) return undefined;
  const rest = name.slice(prefix.length);
  const b = BUILD.exec(rest);
  if (b) return { tag: 'build', pid: Number(b[1]), otherTarget: b[2] !== cacheKey(target) };
  const m = SIBLING.exec(rest);
  return m ? { tag: m[1] as Kind, pid: Number(m[2]) } : undefined;
}

/** Parse a name inside the target: one of venvkit's inner containers? */
export function parseInner(name: string): { tag: Kind; pid: number } | undefined {
  const m = INNER.exec(name);
  return m ? { tag: m[1] as Kind, pid: Number(m[2]) } : undefined;
}

const markText = (tag: Kind, target: string) => `venvkit ${tag} of ${target}\n`;

/** Make a container for `target` (mode 0700, with its marker). Throws what mkdir throws. */
export function makeContainer(path: string, tag: ContainerKind, target: string): void {
  mkdirSync(path, { mode: 0o700 });
  writeFileSync(join(path, MARK), markText(tag, target), { mode: 0o600, flag: 'wx' });
}

/**
 * Delete a container so that a kill at any point leaves one the next run still recognises: its
 * contents first, then the files that say what it is (journal, committed: see inplace.ts), the marker
 * last. (A container killed after its marker went is an empty private directory: see cleanEmpty.)
 */
export function removeContainer(box: string): void {
  let names: string[];
  try {
    names = readdirSync(box);
  } catch {
    return;
  }
  for (const name of names) if (!LAST.includes(name)) rmSync(join(box, name), { recursive: true, force: true });
  for (const name of LAST) if (names.includes(name)) rmSync(join(box, name), { force: true });
  try {
    rmdirSync(box);
  } catch {
    rmSync(box, { recursive: true, force: true });
  }
}
const LAST = ['journal', 'committed', MARK];

const uid = process.getuid?.();

/** notOurs: the container is this user's, made for another target (names are cut short): not ours to touch, nothing to report. */
export const OTHER_TARGET = 'made for another target';

/** notOurs: an empty private directory of this user (a container whose deletion was cut short): removing it loses nothing. */
export const EMPTY = 'empty';

/** Why `path` is not provably a build directory or container this user made for `target` (undefined: it is). A build directory's key is checked by parseSibling. */
export function notOurs(path: string, tag: Kind, target: string): string | undefined {
  let st;
  try {
    st = lstatSync(path);
  } catch (e) {
    return `cannot be read (${errnoCode(e)})`;
  }
  if (st.isSymbolicLink()) return 'it is a symbolic link';
  if (!st.isDirectory()) return 'it is not a directory';
  if (uid !== undefined) {
    if (st.uid !== uid) return `it belongs to uid ${st.uid}, not to this user (uid ${uid})`;
    if (st.mode & 0o022) return `group or others can write to it (mode ${(st.mode & 0o777).toString(8)})`;
  }
  if (tag === 'build') return undefined;
  const mark = join(path, MARK);
  if (uid !== undefined && st.nlink === 2 && readdirSync(path).length === 0) return EMPTY;
  try {
    const m = lstatSync(mark);
    if (!m.isFile() || (uid !== undefined && (m.uid !== uid || m.nlink !== 1))) return 'its venvkit marker is not a file of this user';
    const text = readFileSync(mark, 'utf8');
    if (text !== markText(tag, target)) return text.startsWith(`venvkit ${tag} of `) ? OTHER_TARGET : 'its venvkit marker is not right';
  } catch {
    return 'it has no venvkit marker';
  }
  return undefined;
}

/** Is the process alive (or not ours to signal)? Pids are only a hint of "in use": ownership is proven by notOurs. */
export function alive(pid: number): boolean {
  return pid === process.pid || pidAlive(pid);
}

/** What cleaning up found: things done (shown with -v) and things left alone (always shown, as warnings). */
export interface Leftovers {
  notes: string[];
  warnings: string[];
}

export function leftAlone(out: Leftovers, path: string, why: string): void {
  if (why === OTHER_TARGET) return;
  if (why === EMPTY) {
    rmSync(path, { recursive: true, force: true });
    return;
  }
  const line = `left ${path} alone: it is named like a venvkit leftover, but ${why}`;
  out.notes.push(line);
  out.warnings.push(line);
}

/**
 * Tidy up after killed runs, next to the target: build directories and staging containers of dead processes are deleted; an
 * old env set aside by a dead `--clear` is put back if the target is missing (the new one never
 * arrived), else deleted. Only containers proven to be this user's are touched. Returns whether
 * the target's directory could be listed (then it exists).
 */
export function cleanSiblings(target: string, out: Leftovers): boolean {
  let names: string[];
  try {
    names = readdirSync(dirname(target));
  } catch {
    return false;
  }
  for (const name of names) {
    const s = parseSibling(name, target);
    if (!s || s.otherTarget || alive(s.pid)) continue;
    const path = join(dirname(target), name);
    const why = notOurs(path, s.tag, target);
    if (why) {
      leftAlone(out, path, why);
      continue;
    }
    try {
      if (s.tag === 'build') {
        // The env itself, half built: deleted whole (a kill half-way leaves a directory that still passes).
        rmSync(path, { recursive: true, force: true });
        out.notes.push(`removed ${path} left by an interrupted run`);
        continue;
      }
      if (s.tag === 'old' && lstatOrNull(target) === null && lstatOrNull(join(path, ENV))?.isDirectory()) {
        renameSync(join(path, ENV), target);
        out.notes.push(`restored ${target} from an interrupted --clear`);
      } else out.notes.push(`removed ${path} left by an interrupted run`);
      removeContainer(path);
    } catch {
      // Another run may be tidying the same thing; leaving it is harmless (names are hidden, unique).
    }
  }
  return true;
}

export function lstatOrNull(path: string) {
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

/** Make a build directory (private while the env is built in it). Throws what mkdir throws. */
export function makeBuildDir(path: string): void {
  mkdirSync(path, { mode: 0o700 });
}

/**
 * Give a finished build directory the mode a plain mkdir in its parent gives (what `python -m venv`
 * gives the env): that of `sample`, a directory made inside it with the default mode (umask, and a
 * setgid bit inherited from the parent). Not on Windows, which has no such bits.
 */
export function openBuildDir(path: string, sample: string): void {
  if (process.platform === 'win32') return;
  chmodSync(path, lstatSync(sample).mode & 0o7777);
}

const TAKEN = new Set(['ENOTEMPTY', 'EEXIST']);

/** Rename the staged env into place where nothing (or an empty dir) is. Throws TARGET_EXISTS when another run got there first. */
export function renameIntoPlace(stage: string, target: string): void {
  try {
    renameSync(stage, target);
  } catch (e) {
    if (TAKEN.has(errnoCode(e) ?? '')) {
      throw new VenvkitError('TARGET_EXISTS', `${target} was created by another process while this one was building it`, {
        hint: 'Nothing was changed by this run. Use the `clear` option to replace that environment.',
        cause: e,
      });
    }
    throw e;
  }
}

/**
 * Replace the env at `target` by the staged one (--clear): set the old one aside into a marked
 * container, rename the new one in, then delete the old. Killed between the two renames, the next
 * create puts the old one back. A concurrent replacement just means one more round; the last one wins whole.
 */
export function replaceDir(stage: string, target: string): void {
  for (let attempt = 0; attempt < 5; attempt++) {
    try {
      renameSync(stage, target);
      return;
    } catch (e) {
      if (!TAKEN.has(errnoCode(e) ?? '')) throw e;
    }
    const box = siblingName(target, 'old');
    makeContainer(box, 'old', target);
    const aside = join(box, ENV);
    try {
      renameSync(target, aside);
    } catch (e) {
      removeContainer(box);
      if (errnoCode(e) === 'ENOENT') continue;
      throw e;
    }
    try {
      renameSync(stage, target);
    } catch (e) {
      if (TAKEN.has(errnoCode(e) ?? '')) {
        // Another run put its env in between our two renames: theirs stays, ours goes round again.
        removeContainer(box);
        continue;
      }
      renameSync(aside, target);
      removeContainer(box);
      throw e;
    }
    removeContainer(box);
    return;
  }
  throw new VenvkitError('TARGET_EXISTS', `${target} kept being replaced by other processes`, { hint: 'Run one create at a time for the same directory.' });
}
