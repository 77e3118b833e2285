// One venvkit at a time changes an environment: `<env>/.venvkit.lock`, created with O_EXCL and
// holding the owner's pid. A lock whose process is gone is stale and taken over.
import { closeSync, openSync, readFileSync, unlinkSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { errnoCode, VenvkitError } from '../errors.js';

export interface EnvLock {
  path: string;
  release(): void;
}

export interface LockOptions {
  /** Give up after this long (default 10 minutes). */
  timeoutMs?: number;
  /** Called once when another process holds the lock and we start waiting. */
  onWait?: (pid: number) => void;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return errnoCode(e) === 'EPERM';
  }
}

function tryCreate(path: string): boolean {
  try {
    const fd = openSync(path, 'wx', 0o644);
    try {
      writeSync(fd, `${process.pid}\n`);
    } finally {
      closeSync(fd);
    }
    return true;
  } catch (e) {
    if (errnoCode(e) === 'EEXIST') return false;
    if (errnoCode(e) === 'EACCES' || errnoCode(e) === 'EPERM' || errnoCode(e) === 'EROFS') {
      throw new VenvkitError('TARGET_NOT_WRITABLE', `Cannot write into ${path}: ${(e as Error).message}`, { cause: e });
    }
    throw e;
  }
}

function holder(path: string): number | undefined {
  try {
    const pid = parseInt(readFileSync(path, 'utf8'), 10);
    return Number.isFinite(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

/** Take the env's lock, waiting while a live process holds it. */
export async function lockEnv(root: string, options: LockOptions = {}): Promise<EnvLock> {
  const path = join(root, '.venvkit.lock');
  const deadline = Date.now() + (options.timeoutMs ?? 600_000);
  let waited = false;
  let unreadableSince: number | undefined;
  for (;;) {
    if (tryCreate(path)) {
      let released = false;
      return {
        path,
        release: () => {
          if (released) return;
          released = true;
          try {
            if (holder(path) === process.pid) unlinkSync(path);
          } catch {
            /* already gone */
          }
        },
      };
    }
    const pid = holder(path);
    if (pid === undefined) {
      // Being written right now, or left empty by a crash: give the writer a moment.
      unreadableSince ??= Date.now();
      if (Date.now() - unreadableSince > 2000) removeStale(path, undefined);
    } else if (!alive(pid)) {
      removeStale(path, pid);
      continue;
    } else if (!waited) {
      waited = true;
      options.onWait?.(pid);
    }
    if (Date.now() > deadline) {
      throw new VenvkitError('LOCKED', `${root} is locked by another venvkit process (pid ${pid ?? '?'})`, { hint: `Wait for it to finish, or remove ${path} if no venvkit is running.` });
    }
    await new Promise((r) => setTimeout(r, 50));
  }
}

function removeStale(path: string, pid: number | undefined): void {
  // Only remove the file if it is still the stale one (another process may have just replaced it).
  if (holder(path) !== pid) return;
  try {
    unlinkSync(path);
  } catch {
    /* someone else removed it */
  }
}
