// What is at the place an environment is to be created, and whether venvkit may build there.
import { lstatSync, mkdirSync, readdirSync, readFileSync, realpathSync, statSync } from 'node:fs';
import { delimiter, dirname, join } from 'node:path';
import { VenvkitError, errnoCode } from '../errors.js';
import { parsePyvenvCfg } from './pyvenv-cfg.js';
import { withoutInnerStages } from './stage.js';
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

const NOT_WRITABLE = new Set(['EACCES', 'EPERM', 'EROFS']);

/** Turn a file-system error while writing next to `root` into a clear VenvkitError (else rethrow). */
export function writeError(e: unknown, root: string, where: string): never {
  const code = errnoCode(e);
  if (code && NOT_WRITABLE.has(code)) {
    throw new VenvkitError('TARGET_NOT_WRITABLE', `Cannot create ${root}: ${where} is not writable (${code})`, {
      hint: code === 'EROFS' ? 'That file system is read-only; choose another place.' : 'Choose a directory you can write to, or fix its permissions.',
      cause: e,
    });
  }
  if (code === 'ENOTDIR' || code === 'EEXIST') {
    throw new VenvkitError('TARGET_NOT_WRITABLE', `Cannot create ${root}: part of the path above it is a file, not a directory`, {
      hint: 'Check the path; choose a place inside a directory.',
      cause: e,
    });
  }
  throw e;
}

/** Look at `root`: missing, an empty dir, an env (has pyvenv.cfg), or something else. Throws for files and dangling links. */
export function inspectTarget(root: string): TargetState {
  let st;
  try {
    st = lstatSync(root);
  } catch (e) {
    if (errnoCode(e) === 'ENOENT') return { kind: 'missing' };
    writeError(e, root, dirname(root));
  }
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
  const names = withoutInnerStages(root, readdirSync(root));
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

/** The real directory to rename at (a target given through a symlink is built where the link points). */
export function physicalPath(root: string): string {
  try {
    return lstatSync(root).isSymbolicLink() ? realpathSync(root) : root;
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
