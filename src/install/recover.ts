// Opening an env for a change or a read: first finish what a killed venvkit left (journal.ts),
// under the env's lock. Changing commands wait for the lock; reading ones never wait, and fail
// with the fix when they find an interrupted transaction they cannot finish.
import { errnoCode, isVenvkitError, VenvkitError } from '../errors.js';
import type { LockOptions } from '../pip/lock.js';
import { hasJournal, recoverEnv, stageNames, type Recovered } from './journal.js';

/**
 * Run `work` holding the env's lock (`<root>/.venvkit.lock`, shared with `venvkit install`), after
 * finishing any transaction a killed venvkit left (reported through `onRecovered`).
 */
export async function withEnvLock<T>(root: string, options: LockOptions & { onRecovered?: (r: Recovered[]) => void }, work: () => Promise<T>): Promise<T> {
  const { lockEnv } = await import('../pip/lock.js');
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
  if (stageNames(root).length === 0) return [];
  let out: Recovered[] = [];
  await withEnvLock(root, { ...options, onRecovered: (r) => (out = r) }, async () => {});
  return out;
}

function cannotFinish(root: string, cause: unknown): VenvkitError {
  return new VenvkitError('TXN_INTERRUPTED', `${root} has an install or uninstall that was interrupted (killed) half-way, and it cannot be finished from here (${(cause as Error).message}): what it shows now is not what is installed`, {
    hint: `Run \`venvkit list --env ${root}\` as a user who can write to the environment: it finishes or undoes the interrupted change.`,
    cause,
  });
}

/**
 * Before a read (list, freeze, check): when a killed venvkit left a journal, finish it now if the
 * lock can be had at once; a live venvkit holding the lock is changing the env right now (nothing
 * is interrupted). When the env cannot be written, fail with TXN_INTERRUPTED and the fix.
 */
export async function recoverForRead(root: string): Promise<Recovered[]> {
  if (!hasJournal(root)) return [];
  const { lockEnv } = await import('../pip/lock.js');
  let lock;
  try {
    lock = await lockEnv(root, { timeoutMs: 0 });
  } catch (e) {
    if (isVenvkitError(e, 'LOCKED')) return [];
    if (isVenvkitError(e) || errnoCode(e)) throw cannotFinish(root, e);
    throw e;
  }
  try {
    return recoverEnv(root);
  } catch (e) {
    if (isVenvkitError(e) || !errnoCode(e)) throw e;
    throw cannotFinish(root, e);
  } finally {
    lock.release();
  }
}
