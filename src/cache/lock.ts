// A small inter-process lock: a file created with O_EXCL that holds the owner's pid. A lock whose
// owner no longer runs is taken over; a live owner is waited for, up to a timeout.
import { closeSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { errnoCode, VenvkitError } from '../errors.js';

function ownerAlive(path: string): boolean {
  let pid: number;
  try {
    pid = Number(readFileSync(path, 'utf8').trim());
  } catch {
    return true; // being written right now: treat as alive
  }
  if (!Number.isInteger(pid) || pid <= 0) return false;
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return errnoCode(e) === 'EPERM';
  }
}

function tryAcquire(path: string): boolean {
  try {
    const fd = openSync(path, 'wx');
    writeSync(fd, String(process.pid));
    closeSync(fd);
    return true;
  } catch (e) {
    if (errnoCode(e) !== 'EEXIST') throw e;
    if (!ownerAlive(path)) {
      rmSync(path, { force: true });
      return tryAcquire(path);
    }
    return false;
  }
}

/** Run `work` holding the lock file `path`; waits up to `timeoutMs` (default 60 s) for another holder. */
export async function withLock<T>(path: string, what: string, work: () => Promise<T>, timeoutMs = 60_000): Promise<T> {
  const start = Date.now();
  let delay = 10;
  while (!tryAcquire(path)) {
    if (Date.now() - start > timeoutMs) {
      throw new VenvkitError('LOCKED', `${what} is busy: another venvkit process holds ${path}`, { hint: 'Wait for it to finish; if none is running, remove that file.' });
    }
    await new Promise((r) => setTimeout(r, delay));
    delay = Math.min(delay * 2, 200);
  }
  try {
    return await work();
  } finally {
    rmSync(path, { force: true });
  }
}
