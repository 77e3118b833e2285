// Opening an env for a change or a read: first finish what a killed venvkit left (journal.ts),
// under the env's lock. Changing commands wait for the lock; reading ones never wait, and fail
// with the fix when they find an interrupted transaction they cannot finish.
import { errnoCode, isVenvkitError, VenvkitError } from '../errors.js';
import type { LockOptions } from './env-lock.js';
import { readdirSync } from 'node:fs';
import { hasJournal, recoverEnv, type Recovered } from './journal.js';
import { LOCK_NAME, STAGE_PREFIX } from './reserved.js';

/**
 * Run `work` holding the env's lock (`<root>/.venvkit.lock`, shared with `venvkit install`), after
 * finishing any transaction a killed venvkit left (reported through `onRecovered`).
 */
export async function withEnvLock<T>(root: string, options: LockOptions & { onRecovered?: (r: Recovered[]) => void }, work: () => Promise<T>): Promise<T> {
  const { lockEnv } = await import('./env-lock.js');
  const lock = await lockEnv(root, options);
  try {
    const recovered = recoverEnv(root);
    if (recovered.length) options.onRecovered?.(recovered);
    return await work();
  } finally {
    lock.release();
  }
}

/** Before a change: finish what a killed venvkit left, if anything (waits for the lock only then). */
export async function repairEnv(root: string, options: LockOptions = {}): Promise<Recovered[]> {
  if (!leftovers(root)) return [];
  let out: Recovered[] = [];
  await withEnvLock(root, { ...options, onRecovered: (r) => (out = r) }, async () => {});
  return out;
}

function cannotFinish(root: string, cause: unknown): VenvkitError {
  return new VenvkitError('TXN_INTERRUPTED', `${root} has an install or uninstall that was interrupted (killed) half-way, and it cannot be finished from here (${(cause as Error).message}): what it shows now is not what is installed`, {
    hint: `Act on it with venvkit (listInstalled(), or \`venvkit list --env ${root}\`) as a user who can write to the environment: it finishes or undoes the interrupted change.`,
    cause,
  });
}

/**
 * Before a read (list, freeze, check): when a killed venvkit left something (a journal, a stage, a
 * lock), finish and clean it now if the lock can be had at once; a live venvkit holding the lock is
 * changing the env right now (nothing is interrupted). When a journal is there but the env cannot
 * be written, fail with TXN_INTERRUPTED and the fix (what is installed cannot be told).
 */
export async function recoverForRead(root: string): Promise<Recovered[]> {
  if (!leftovers(root)) return [];
  const journal = hasJournal(root);
  const { lockEnv } = await import('./env-lock.js');
  let lock;
  try {
    lock = await lockEnv(root, { timeoutMs: 0 });
  } catch (e) {
    if (isVenvkitError(e, 'LOCKED')) return [];
    if (!journal) return []; // only garbage: harmless to a reader
    if (isVenvkitError(e) || errnoCode(e)) throw cannotFinish(root, e);
    throw e;
  }
  try {
    return recoverEnv(root);
  } catch (e) {
    if (isVenvkitError(e) || !errnoCode(e)) throw e;
    if (!journal) return [];
    throw cannotFinish(root, e);
  } finally {
    lock.release();
  }
}

/** Whether the env root holds a stage or a lock (one readdir). */
function leftovers(root: string): boolean {
  try {
    return readdirSync(root).some((n) => n === LOCK_NAME || n.startsWith(STAGE_PREFIX));
  } catch {
    return false;
  }
}
