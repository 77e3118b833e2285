// removeVenv: delete a virtual environment, and nothing that is not one.
//
// Only a real directory (not a link or junction) holding a regular pyvenv.cfg is deleted. It is
// first renamed aside into a private container next to it (stage.ts: mode 0700, with a marker), in
// one step, so from then on the env is gone as a whole: a kill during the deletion leaves a hidden
// `.NAME.venvkit-trash-PID-*` that the next `create` of that path deletes (never restores). Links
// inside the env are removed, never followed. The env's lock is taken first, so an install running
// in it is waited for, not pulled from under.
import { lstatSync, readlinkSync, renameSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { VenvkitError, errnoCode } from '../errors.js';
import { fsFailure } from '../install/fs-errors.js';
import { ENV, makeContainer, removeContainer, siblingName } from './stage.js';

export interface RemoveVenvOptions {
  /** Resolve a relative path against this (default: process.cwd()). */
  cwd?: string;
  /** Stops waiting for the env's lock (INTERRUPTED); once the env is renamed aside, it is deleted. */
  signal?: AbortSignal;
  /** Called once when another process holds the env's lock and this starts waiting. */
  onWait?: (pid: number) => void;
}

export interface RemovedVenv {
  /** The absolute path of the environment that was deleted. */
  root: string;
}

/**
 * Delete the virtual environment at `path`. Refuses, changing nothing: a path that does not exist
 * (VENV_NOT_FOUND), a link (NOT_A_VENV: pass the directory it points to), and a directory without
 * pyvenv.cfg (NOT_A_VENV).
 */
export async function removeVenv(path: string, options: RemoveVenvOptions = {}): Promise<RemovedVenv> {
  const root = resolve(options.cwd ?? process.cwd(), path);
  const before = checkIsVenv(root);
  const { lockEnv } = await import('../install/env-lock.js');
  const lock = await lockEnv(root, { signal: options.signal, onWait: options.onWait });
  const box = siblingName(root, 'trash');
  const aside = join(box, ENV);
  try {
    if (options.signal?.aborted) throw new VenvkitError('INTERRUPTED', `Interrupted: ${root} was not removed`);
    makeContainer(box, 'trash', root);
    try {
      renameSync(root, aside);
    } catch (e) {
      removeContainer(box);
      throw e;
    }
  } catch (e) {
    lock.release();
    throw fsFailure(e, root, undefined, 'remove');
  }
  // What was renamed must be what was checked (not something swapped in since): else put it back.
  const moved = lstatSync(aside);
  if (moved.ino !== before.ino || moved.dev !== before.dev || !moved.isDirectory()) {
    try {
      renameSync(aside, root);
    } finally {
      lock.release();
    }
    throw new VenvkitError('NOT_A_VENV', `${root} was replaced by something else while it was being removed; it was put back and nothing was deleted`, {
      hint: 'Check who else changes that directory, then try again.',
    });
  }
  lock.release();
  rmSync(aside, { recursive: true, force: true, maxRetries: 3 });
  removeContainer(box);
  return { root };
}

/** The lstat of `root` when it is an env directory; else the error saying why not. */
function checkIsVenv(root: string) {
  let st;
  try {
    st = lstatSync(root);
  } catch (e) {
    if (errnoCode(e) === 'ENOENT' || errnoCode(e) === 'ENOTDIR') throw new VenvkitError('VENV_NOT_FOUND', `There is no environment at ${root}`, { hint: 'Check the path; nothing was removed.' });
    throw fsFailure(e, root, undefined, 'remove');
  }
  if (st.isSymbolicLink()) {
    let to = '?';
    try {
      to = readlinkSync(root);
    } catch {
      /* keep '?' */
    }
    throw new VenvkitError('NOT_A_VENV', `${root} is a link (to ${to}), not an environment directory: nothing was removed`, {
      hint: 'Pass the environment directory itself, or delete the link alone.',
    });
  }
  const cfg = lstatOr(join(root, 'pyvenv.cfg'));
  if (!st.isDirectory() || !cfg?.isFile()) {
    throw new VenvkitError('NOT_A_VENV', `${root} is not a virtual environment (${st.isDirectory() ? 'it has no pyvenv.cfg' : 'not a directory'}): nothing was removed`, {
      hint: 'removeVenv deletes only environments (directories holding pyvenv.cfg).',
    });
  }
  return st;
}

function lstatOr(path: string) {
  try {
    return lstatSync(path);
  } catch {
    return undefined;
  }
}
