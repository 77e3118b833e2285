// Who is using the cache, so `venvkit cache clean|prune` never deletes an entry a running venvkit
// is using. Two records:
// - Each process that uses a bucket holding multi-file entries (unpacked wheels, downloads, built
//   wheels, build envs, build work) registers once, on first use: <cache>/.users/<host>-<pid>,
//   whose mtime is when it started using the cache. A registration whose process is gone (same
//   host, pid not running) or that is a day old without a live process here is stale.
// - Each entry is marked when it is used (its mtime set to now, before it is read; see markUsed).
// So an entry whose mark is older than the oldest live registration cannot be in use by anyone:
// everything a live process uses or makes was marked after it registered. Deleting moves the entry
// aside atomically first and checks its mark again (cache/maintenance.ts), which closes the race
// with a process marking it in between.
import { hostname } from 'node:os';
import { join } from 'node:path';
import { lstatSync, mkdirSync, readdirSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { cacheKey } from './atomic.js';
import { pidAlive } from './pid.js';

const USERS = '.users';
/** This host's tag: a pid is judged only for registrations of this host. */
export const HOST_TAG = cacheKey(hostname()).slice(0, 8);
/** A registration of another host (a shared cache) counts as live for this long. */
const OTHER_HOST_MS = 24 * 3600_000;

const KEY = Symbol.for('venvkit.cacheUsers');
const registered = ((globalThis as Record<symbol, unknown>)[KEY] ??= new Set<string>()) as Set<string>;

/** Record (once per process and cache root) that this process uses the cache at `root`. */
export function registerCacheUser(root: string): void {
  if (registered.has(root)) return;
  registered.add(root);
  try {
    mkdirSync(join(root, USERS), { recursive: true, mode: 0o700 });
    writeFileSync(join(root, USERS, `${HOST_TAG}-${process.pid}`), '', { mode: 0o600 });
    cacheUsers(root); // and forget those whose process is gone, so they do not pile up
  } catch {
    /* a cache that cannot take it is not used for long: the bucket checks say so */
  }
}

/** Mark a cache entry as used now (before reading it). Failures only cost protection against prune. */
export function markUsed(path: string): void {
  try {
    const now = new Date();
    utimesSync(path, now, now);
  } catch {
    /* missing (a miss follows) or not ours */
  }
}

export interface CacheUsers {
  /** Live registrations other than this process. */
  live: { pid: number; host: string; since: number }[];
  /** When the oldest of them registered (ms); undefined when none is live. */
  oldest?: number;
}

/** The processes using the cache at `root` now (stale registrations are removed on the way). */
export function cacheUsers(root: string, now = Date.now()): CacheUsers {
  const live: CacheUsers['live'] = [];
  let names: string[] = [];
  try {
    names = readdirSync(join(root, USERS));
  } catch {
    return { live };
  }
  for (const name of names) {
    const m = /^([0-9a-f]{8})-(\d+)$/.exec(name);
    const path = join(root, USERS, name);
    const st = lstatSync(path, { throwIfNoEntry: false });
    if (!m || !st) continue;
    const pid = Number(m[2]);
    if (m[1] === HOST_TAG && pid === process.pid) continue;
    const alive = m[1] === HOST_TAG ? pidAlive(pid) : now - st.mtimeMs < OTHER_HOST_MS;
    if (alive) live.push({ pid, host: m[1]!, since: st.mtimeMs });
    else rmSync(path, { force: true });
  }
  return { live, oldest: live.length ? Math.min(...live.map((u) => u.since)) : undefined };
}
