// One venvkit at a time changes an environment: `<env>/.venvkit.lock`, created with O_EXCL. It
// names its holder so that a lock left by a crash is recognised as stale even when the pid has
// been reused since (containers, restored CI caches): pid, the process's start time (Linux:
// /proc/<pid>/stat field 22), the boot id, the pid namespace and the host name. On Linux a lock is
// stale when it was written in another boot, or when its pid is gone or now belongs to a process
// that started at another time; a lock from another pid namespace of this boot is stale when the
// host name is the same (a restarted container), and is waited for otherwise (it cannot be checked).
// Elsewhere (macOS, Windows) only the pid and host name are recorded: stale when the pid is gone on
// the same host. A lock of the old format (a bare pid) is stale when its pid is gone or started
// after the lock file was written. Waiting always says so once (onWait) and honours `signal`.
import { pidAlive as alive } from '../cache/pid.js';
import { closeSync, openSync, readFileSync, readlinkSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { errnoCode, VenvkitError } from '../errors.js';
import { LOCK_NAME } from './reserved.js';

export interface EnvLock {
  path: string;
  release(): void;
}

export interface LockOptions {
  /** Give up after this long (default 10 minutes); 0: do not wait at all. */
  timeoutMs?: number;
  /** Called once when another live process holds the lock and we start waiting. */
  onWait?: (pid: number) => void;
  /** Stop waiting when aborted (INTERRUPTED). */
  signal?: AbortSignal;
}

/** Who holds a lock, as written into the lock file. */
interface Holder {
  pid: number;
  /** Start time in clock ticks since boot (Linux). */
  start?: string;
  boot?: string;
  pidns?: string;
  host?: string;
}

const readOr = (f: () => string): string | undefined => {
  try {
    return f();
  } catch {
    return undefined;
  }
};

/** Field 22 of /proc/<pid>/stat (start time, clock ticks after boot), or undefined (no such process, no /proc). */
function procStart(pid: number): string | undefined {
  const stat = readOr(() => readFileSync(`/proc/${pid}/stat`, 'utf8'));
  if (stat === undefined) return undefined;
  // Fields after the command name (which may hold spaces and parentheses) start at field 3.
  return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
}

let self: Holder | undefined;
function me(): Holder {
  if (self) return self;
  const h: Holder = { pid: process.pid, host: hostname() };
  if (process.platform === 'linux') {
    const start = procStart(process.pid);
    const boot = readOr(() => readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim());
    const pidns = readOr(() => readlinkSync('/proc/self/ns/pid'));
    if (start) h.start = start;
    if (boot) h.boot = boot;
    if (pidns) h.pidns = pidns;
  }
  return (self = h);
}


/** When a process started, in ms since the epoch (Linux), from its start ticks and the boot time. */
function startedAtMs(pid: number): number | undefined {
  const ticks = procStart(pid);
  const btime = readOr(() => /^btime (\d+)$/m.exec(readFileSync('/proc/stat', 'utf8'))![1]!);
  if (ticks === undefined || btime === undefined) return undefined;
  return Number(btime) * 1000 + (Number(ticks) * 1000) / 100; // USER_HZ is 100 on every Linux build that matters
}

/** Whether the process that wrote `h` (read from `path`) may still be running. */
function holderAlive(h: Holder, path: string): boolean {
  const ours = me();
  if (h.boot === undefined && h.start === undefined && h.host === undefined) {
    // The old format: a bare pid.
    if (!alive(h.pid)) return false;
    const started = startedAtMs(h.pid);
    const written = readOr(() => String(statSync(path).mtimeMs));
    return !(started !== undefined && written !== undefined && started > Number(written) + 2000);
  }
  if (h.boot && ours.boot) {
    if (h.boot !== ours.boot) return false; // written before a reboot, or on another machine
    if (h.pidns && ours.pidns && h.pidns !== ours.pidns) return h.host !== ours.host; // another container: cannot be checked
    if (!alive(h.pid)) return false;
    const start = procStart(h.pid);
    return start === undefined || h.start === undefined || start === h.start;
  }
  if (h.host !== undefined && h.host !== ours.host) return true; // another machine: cannot be checked
  return alive(h.pid);
}

function tryCreate(path: string): boolean {
  try {
    const fd = openSync(path, 'wx', 0o644);
    try {
      writeSync(fd, JSON.stringify(me()) + '\n');
    } finally {
      closeSync(fd);
    }
    return true;
  } catch (e) {
    const code = errnoCode(e);
    if (code === 'EEXIST') return false;
    if (code === 'EACCES' || code === 'EPERM') throw new VenvkitError('TARGET_NOT_WRITABLE', `Cannot write into ${path}: ${(e as Error).message}`, { hint: 'Check the permissions of the environment, or run as the user who owns it.', cause: e });
    if (code === 'EROFS') throw new VenvkitError('READ_ONLY_FS', `Cannot write into ${path}: the file system is read-only`, { hint: 'Remount it read-write, or use an environment on a writable file system.', cause: e });
    throw e;
  }
}

/** The lock file's text and who it names (undefined while it is being written, or when it is garbage). */
function readHolder(path: string): { text: string; holder?: Holder } | undefined {
  const text = readOr(() => readFileSync(path, 'utf8'));
  if (text === undefined) return undefined;
  if (text.startsWith('{')) {
    try {
      const h = JSON.parse(text) as Holder;
      if (Number.isSafeInteger(h.pid) && h.pid > 0) return { text, holder: h };
    } catch {
      /* half written */
    }
    return { text };
  }
  const pid = /^\d+\n?$/.test(text) ? parseInt(text, 10) : NaN;
  return Number.isSafeInteger(pid) && pid > 0 ? { text, holder: { pid } } : { text };
}

/** Take the env's lock, waiting while a live process holds it. */
export async function lockEnv(root: string, options: LockOptions = {}): Promise<EnvLock> {
  const path = join(root, LOCK_NAME);
  const timeout = options.timeoutMs ?? 600_000;
  const deadline = Date.now() + timeout;
  let waited = false;
  let unreadable: { since: number; text: string | undefined } | undefined;
  for (;;) {
    if (options.signal?.aborted) throw new VenvkitError('INTERRUPTED', `Interrupted while waiting for the lock of ${root} (nothing was changed)`);
    if (tryCreate(path)) {
      let released = false;
      const written = readOr(() => readFileSync(path, 'utf8'));
      return {
        path,
        release: () => {
          if (released) return;
          released = true;
          try {
            if (readOr(() => readFileSync(path, 'utf8')) === written) unlinkSync(path);
          } catch {
            /* already gone */
          }
        },
      };
    }
    const read = readHolder(path);
    const h = read?.holder;
    if (read === undefined) continue; // removed meanwhile: try again
    if (h === undefined) {
      // Being written right now, or left empty or garbled by a crash: give a writer a moment.
      if (!unreadable || unreadable.text !== read.text) unreadable = { since: Date.now(), text: read.text };
      else if (Date.now() - unreadable.since > 2000) {
        removeStale(path, read.text);
        continue;
      }
    } else if (!holderAlive(h, path)) {
      removeStale(path, read.text);
      continue;
    } else if (!waited && timeout > 0) {
      waited = true;
      options.onWait?.(h.pid);
    }
    if (Date.now() >= deadline) {
      throw new VenvkitError('LOCKED', `${root} is locked by another venvkit process (pid ${h?.pid ?? '?'})`, { hint: `Wait for it to finish, or remove ${path} if no venvkit is running.` });
    }
    await new Promise((r) => setTimeout(r, 50));
  }
}

function removeStale(path: string, text: string): void {
  // Only remove the file if it is still the stale one (another process may have just replaced it).
  if (readOr(() => readFileSync(path, 'utf8')) !== text) return;
  try {
    unlinkSync(path);
  } catch (e) {
    const code = errnoCode(e);
    if (code === 'ENOENT') return; // someone else removed it
    // Cannot remove it (a read-only env, another user's): say so rather than try forever.
    const why = code === 'EROFS' ? 'the file system is read-only' : (e as Error).message;
    throw new VenvkitError(code === 'EROFS' ? 'READ_ONLY_FS' : 'TARGET_NOT_WRITABLE', `Cannot remove the stale lock ${path} (its process is gone): ${why}`, {
      hint: 'Run venvkit as a user who can write to the environment, on a writable file system.',
      cause: e,
    });
  }
}
