// What is at the place an environment is to be created, and whether venvkit may build there.
import { lstatSync, mkdirSync, readdirSync, readFileSync, realpathSync, statSync, type Stats } from 'node:fs';
import { delimiter, dirname, join } from 'node:path';
import { VenvkitError, errnoCode, type ErrorCode } from '../errors.js';
import { cfgBeingReplaced } from './inplace.js';
import { parsePyvenvCfg } from './pyvenv-cfg.js';
import { notOurs, parseInner } from './stage.js';
import type { PyvenvCfg } from './types.js';

export type TargetState =
  | { kind: 'missing' }
  | { kind: 'empty' }
  | { kind: 'venv'; cfg: PyvenvCfg }
  | { kind: 'other'; entries: number };

/** Refuse paths venv refuses: the PATH separator would break activation (PATH=<env>/bin:...). */
export function checkPath(root: string): void {
  if (root.includes(delimiter)) {
    throw new VenvkitError('BAD_PATH', `Refusing to create an environment at ${root}: the path contains the PATH separator '${delimiter}'`, {
      hint: `Activation puts the env's scripts directory on PATH, where '${delimiter}' separates entries; choose a path without it.`,
    });
  }
}

/** File-system errors a user can cause while venvkit writes an environment: code, what it means, what to do. */
const FS_ERRORS: Record<string, { code: ErrorCode; what: string; hint: string }> = {
  EACCES: { code: 'TARGET_NOT_WRITABLE', what: 'is not writable (EACCES)', hint: 'Choose a directory you can write to, or fix its permissions.' },
  EPERM: { code: 'NOT_PERMITTED', what: 'cannot be changed (EPERM: an immutable file or directory, or a file system that forbids it)', hint: 'Check its attributes (`lsattr`; `chattr -i` clears immutable) and the mount options, or choose another place.' },
  EROFS: { code: 'READ_ONLY_FS', what: 'is on a read-only file system (EROFS)', hint: 'That file system is read-only; choose another place.' },
  ENOTDIR: { code: 'PATH_CONFLICT', what: 'cannot be made: part of the path above it is a file, not a directory (ENOTDIR)', hint: 'Check the path; choose a place inside a directory.' },
  EEXIST: { code: 'PATH_CONFLICT', what: 'cannot be made: part of the path above it is a file, not a directory (EEXIST)', hint: 'Check the path; choose a place inside a directory.' },
  ENAMETOOLONG: { code: 'NAME_TOO_LONG', what: 'has a name or path longer than this system allows (ENAMETOOLONG)', hint: 'Choose a shorter path (a name is at most 255 bytes on most file systems, the whole path 4096).' },
  ENOSPC: { code: 'NO_SPACE', what: 'cannot be written: the file system is full (ENOSPC)', hint: 'Free some space, or choose another place.' },
};

/** Turn a file-system error while writing `where` (for the env at `root`) into a clear VenvkitError (else rethrow). */
export function writeError(e: unknown, root: string, where: string): never {
  const known = FS_ERRORS[errnoCode(e) ?? ''];
  if (known) throw new VenvkitError(known.code, `Cannot create ${root}: ${where} ${known.what}`, { hint: known.hint, cause: e });
  throw e;
}

/** What an lstat of the place for an env found: its stats, or undefined when nothing is there. */
export interface Looked {
  st: Stats | undefined;
}

/**
 * lstat of the place for an env, without building an exception when nothing is there (this runs on
 * every create); undefined when it cannot be read (inspectTarget says why).
 */
export function lstatTarget(root: string): Looked | undefined {
  try {
    return { st: lstatSync(root, { throwIfNoEntry: false }) };
  } catch {
    return undefined;
  }
}

/**
 * Look at `root`: missing, an empty dir, an env (has pyvenv.cfg), or something else. Throws for
 * files and dangling links. `known`: lstatTarget(root), when just taken. `tries`: how many more
 * looks an env caught between another run's moves (see below) gets.
 */
export function inspectTarget(root: string, known?: Looked, tries = 3): TargetState {
  let st: Stats | undefined;
  if (known) st = known.st;
  else {
    try {
      st = lstatSync(root, { throwIfNoEntry: false });
    } catch (e) {
      writeError(e, root, errnoCode(e) === 'ENAMETOOLONG' ? 'its path' : dirname(root));
    }
  }
  if (st === undefined) return { kind: 'missing' };
  if (st.isSymbolicLink()) {
    try {
      st = statSync(root);
    } catch (e) {
      throw new VenvkitError('BAD_PATH', `${root} is a symbolic link to something that does not exist`, { hint: 'Remove the link, or create the environment elsewhere.', cause: e });
    }
  }
  if (!st.isDirectory()) {
    throw new VenvkitError('TARGET_IS_FILE', `${root} exists and is a file, not a directory`, { hint: 'Choose another path for the environment; venvkit does not delete files.' });
  }
  // venvkit's own containers (of runs still at work) are not the directory's entries; one holding the
  // pyvenv.cfg of an env being replaced in place makes the directory that env.
  let replacing: string | undefined;
  let oldBox = false;
  const names = readdirSync(root).filter((name) => {
    const c = parseInner(name);
    if (!c || notOurs(join(root, name), c.tag, root)) return true;
    if (c.tag === 'old') {
      oldBox = true;
      replacing ??= cfgBeingReplaced(root, name);
    }
    return false;
  });
  // Another run's in-place commit can finish between the listing and the read of its container (its
  // pyvenv.cfg out of the env, the container gone): look again rather than call the env something else.
  if (!names.includes('pyvenv.cfg') && replacing === undefined && oldBox && tries > 0) return inspectTarget(root, undefined, tries - 1);
  if (!names.includes('pyvenv.cfg') && replacing !== undefined) return { kind: 'venv', cfg: parsePyvenvCfg(replacing) };
  if (names.length === 0) return { kind: 'empty' };
  if (names.includes('pyvenv.cfg')) {
    try {
      return { kind: 'venv', cfg: parsePyvenvCfg(readFileSync(join(root, 'pyvenv.cfg'), 'utf8')) };
    } catch {
      return { kind: 'other', entries: names.length };
    }
  }
  return { kind: 'other', entries: names.length };
}

/** The real directory to rename at (a target given through a symlink is built where the link points). `st`: lstatTarget(root). */
export function physicalPath(root: string, known = lstatTarget(root)): string {
  try {
    return known?.st?.isSymbolicLink() ? realpathSync(root) : root;
  } catch {
    return root;
  }
}

/** Make the parent directories of a missing target (venv does too), with clear errors. */
export function ensureParent(root: string): void {
  try {
    mkdirSync(dirname(root), { recursive: true });
  } catch (e) {
    writeError(e, root, dirname(root));
  }
}
