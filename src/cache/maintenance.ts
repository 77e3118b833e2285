// `venvkit cache info|clean|prune`: what the cache holds, and removing it without breaking a
// venvkit that is using it.
//
// An entry is one unit a reader uses whole: an unpacked wheel (wheels/v1/<sha256>), a download
// (downloads/<key>), a built wheel (built-wheels/v1/<key>), a build env (build-envs/<key>), a work
// directory (build/...), or one file (index pages, interpreter facts, V8 code caches, memos,
// parsed locks, lock METADATA and resolutions).
// Its "last use" is its mtime: venvkit sets it when it uses the entry (cache/users.ts markUsed).
//
// In use: an entry whose last use is not older than the oldest live venvkit registered on this
// cache (cache/users.ts) may be in use and is kept (clean and prune say how many). Removal moves
// the entry aside (one rename, inside the cache) and checks that its mark did not change meanwhile
// (else it is put back): a reader sees the whole entry or none, and one that finds none unpacks or
// downloads it again. Single files are read in one go (readOwnFile), so removing one costs a miss.
//
// prune: entries not used for `maxAgeDays` (default 30: a month covers the usual release and CI
// cadence, so a project worked on monthly stays warm, and a cache nothing uses shrinks to nothing
// within a month), V8 code caches of other builds of venvkit or Node (never read again), leftovers
// of killed processes (temp names) older than a day, and stale registrations.
// Trust (cache/trust.ts): nothing is done in a cache root you do not own or others can write;
// inside, only what you own is removed, and links are removed, never followed.
import { lstatSync, readdirSync, renameSync, rmSync, statSync, type Stats } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { VenvkitError, errnoCode } from '../errors.js';
import { cacheRoot } from './dirs.js';
import { myUid, untrustedReason } from './trust.js';
import { cacheUsers, HOST_TAG } from './users.js';

/** Each bucket, and where its entries are (relative folders; '' = the bucket itself). */
const LAYOUT: Record<string, { dirs: string[]; files: string[] }> = {
  wheels: { dirs: ['v1'], files: ['v1/by-path'] },
  downloads: { dirs: [''], files: ['local-hashes'] },
  'built-wheels': { dirs: ['v1'], files: [] },
  'build-envs': { dirs: [''], files: [] },
  build: { dirs: ['', 'logs'], files: [] },
  http: { dirs: [], files: [''] },
  interpreters: { dirs: [], files: [''] },
  discovery: { dirs: [], files: [''] },
  v8: { dirs: [], files: [''] },
  // lock and sync: parsed locks (locks/<sha256>.json), wheels' METADATA for locking, whole
  // resolutions (lock/resolution-cache.ts); each child, file or folder, is one entry.
  locks: { dirs: [''], files: [] },
  'lock-metadata': { dirs: [''], files: [] },
  'lock-resolutions': { dirs: [''], files: [] },
};
export const CACHE_BUCKETS = Object.keys(LAYOUT);
const HOUR = 3600_000;
const DAY = 24 * HOUR;
/** Names of temporary files and directories (an interrupted write or unpack). */
const TEMP = /(^\.tmp-|\.tmp-\d|\.part-\d|^work-|^sdist-|^\.evict-)/;

export interface BucketInfo {
  name: string;
  path: string;
  entries: number;
  bytes: number;
}

export interface CacheInfo {
  root: string;
  buckets: BucketInfo[];
  entries: number;
  bytes: number;
  /** venvkit processes using the cache now. */
  inUseBy: number;
}

export interface RemovalResult {
  root: string;
  removed: number;
  bytes: number;
  /** Entries kept because a running venvkit may be using them. */
  keptInUse: number;
  /** Entries kept because they are not yours (or could not be removed). */
  keptOther: number;
}

interface Entry {
  path: string;
  /** The folder it is in (moves stay inside it). */
  parent: string;
  name: string;
  st: Stats;
  bucket: string;
  file: boolean;
}

function checkedRoot(env: NodeJS.ProcessEnv): string {
  const root = cacheRoot(env);
  const st = statSync(root, { throwIfNoEntry: false });
  if (!st) return root;
  const reason = !st.isDirectory() ? 'it is not a directory' : untrustedReason(st);
  if (reason) {
    throw new VenvkitError('CACHE_UNTRUSTED', `Not touching the cache directory ${root}: ${reason}`, {
      hint: 'Use a cache of your own (VENVKIT_CACHE_DIR), or fix its owner and mode (`chmod go-w`).',
    });
  }
  return root;
}

function list(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}

/** Every entry of the cache at `root` (buckets in `only`, else all). */
function entries(root: string, only?: string[]): Entry[] {
  const out: Entry[] = [];
  for (const bucket of only ?? CACHE_BUCKETS) {
    const layout = LAYOUT[bucket]!;
    const nested = new Set([...layout.dirs, ...layout.files].filter((d) => d !== ''));
    const add = (rel: string, file: boolean) => {
      const parent = join(root, bucket, rel);
      for (const name of list(parent)) {
        if (nested.has(rel ? `${rel}/${name}` : name)) continue;
        const path = join(parent, name);
        const st = lstatSync(path, { throwIfNoEntry: false });
        if (!st) continue;
        if (file && st.isDirectory()) continue;
        out.push({ path, parent, name, st, bucket, file: !st.isDirectory() });
      }
    };
    for (const rel of layout.dirs) add(rel, false);
    for (const rel of layout.files) add(rel, true);
  }
  return out;
}

/** Bytes under a path (links counted as themselves, hard links once per entry). */
function size(path: string, st: Stats): number {
  if (!st.isDirectory()) return st.size;
  let total = 0;
  for (const name of list(path)) {
    const p = join(path, name);
    const s = lstatSync(p, { throwIfNoEntry: false });
    if (s) total += size(p, s);
  }
  return total;
}

/** What the cache holds, by bucket. */
export function cacheInfo(env: NodeJS.ProcessEnv = process.env): CacheInfo {
  const root = checkedRoot(env);
  const all = entries(root);
  const buckets = CACHE_BUCKETS.map((name) => {
    const mine = all.filter((e) => e.bucket === name);
    return { name, path: join(root, name), entries: mine.length, bytes: mine.reduce((n, e) => n + size(e.path, e.st), 0) };
  });
  return {
    root,
    buckets,
    entries: buckets.reduce((n, b) => n + b.entries, 0),
    bytes: buckets.reduce((n, b) => n + b.bytes, 0),
    inUseBy: cacheUsers(root).live.length,
  };
}

/** Remove one entry, unless it is used (marked) while being moved aside: true when removed. */
function removeEntry(e: Entry): boolean {
  if (myUid !== undefined && e.st.uid !== myUid) return false;
  if (e.file) {
    rmSync(e.path, { force: true });
    return true;
  }
  const aside = join(e.parent, `.evict-${HOST_TAG}-${process.pid}-${randomBytes(4).toString('hex')}`);
  try {
    renameSync(e.path, aside);
  } catch (err) {
    if (errnoCode(err) === 'ENOENT') return false;
    throw err;
  }
  const now = lstatSync(aside, { throwIfNoEntry: false });
  if (now && now.mtimeMs !== e.st.mtimeMs) {
    // Used between the look and the move: put it back (unless a fresh copy took its place).
    try {
      renameSync(aside, e.path);
      return false;
    } catch {
      /* a new copy is there: ours goes */
    }
  }
  rmSync(aside, { recursive: true, force: true });
  return true;
}

function removeWhere(root: string, pick: (e: Entry) => boolean, only?: string[], now = Date.now()): RemovalResult {
  const result: RemovalResult = { root, removed: 0, bytes: 0, keptInUse: 0, keptOther: 0 };
  const { oldest } = cacheUsers(root, now);
  for (const e of entries(root, only)) {
    if (!pick(e)) continue;
    // A live venvkit registered before this entry's last use may be using it; a temporary name
    // younger than an hour may be a write in progress (of a process that did not register: an
    // interpreter probe's atomic write, say).
    if ((oldest !== undefined && e.st.mtimeMs >= oldest) || (TEMP.test(e.name) && now - e.st.mtimeMs < HOUR)) {
      result.keptInUse++;
      continue;
    }
    const bytes = size(e.path, e.st);
    try {
      if (removeEntry(e)) {
        result.removed++;
        result.bytes += bytes;
      } else result.keptOther++;
    } catch {
      result.keptOther++;
    }
  }
  return result;
}

/** Remove every entry of the cache (or of the buckets named) that no running venvkit may be using. */
export function cleanCache(options: { env?: NodeJS.ProcessEnv; buckets?: string[] } = {}): RemovalResult {
  for (const b of options.buckets ?? []) {
    if (!CACHE_BUCKETS.includes(b)) throw new VenvkitError('USAGE', `cache clean: no cache part named "${b}"`, { hint: `The parts: ${CACHE_BUCKETS.join(', ')}.` });
  }
  return removeWhere(checkedRoot(options.env ?? process.env), () => true, options.buckets?.length ? options.buckets : undefined);
}

export interface PruneOptions {
  env?: NodeJS.ProcessEnv;
  /** Remove entries not used for this many days (default 30). */
  maxAgeDays?: number;
  /** File names of the V8 code caches the running build uses (the others are never read again). */
  currentCodeCaches?: string[];
  now?: number;
}

/** Remove what no env has used for a while (see the top of this file). */
export function pruneCache(options: PruneOptions = {}): RemovalResult {
  const days = options.maxAgeDays ?? 30;
  if (!(days >= 0)) throw new VenvkitError('USAGE', `cache prune: --max-age must be a number of days, 0 or more (got ${days})`);
  const now = options.now ?? Date.now();
  const before = now - days * DAY;
  const v8 = options.currentCodeCaches && new Set(options.currentCodeCaches);
  return removeWhere(
    checkedRoot(options.env ?? process.env),
    (e) => e.st.mtimeMs < before || (TEMP.test(e.name) && e.st.mtimeMs < now - DAY) || (e.bucket === 'v8' && v8 !== undefined && !v8.has(e.name)),
    undefined,
    now,
  );
}

/** A locally built wheel in the cache (what pip's `cache list` shows). */
export interface BuiltWheel {
  /** The wheel's file name. */
  name: string;
  /** Its absolute path. */
  path: string;
  /** Its size. */
  bytes: number;
}

/** Python's fnmatch.translate (case-sensitive, as on POSIX): `*`, `?`, `[seq]`, `[!seq]`. */
function fnmatch(pattern: string): RegExp {
  let re = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === '*') re += '[^]*';
    else if (c === '?') re += '[^]';
    else if (c === '[') {
      let j = i + 1;
      if (pattern[j] === '!') j++;
      if (pattern[j] === ']') j++;
      while (j < pattern.length && pattern[j] !== ']') j++;
      if (j >= pattern.length) re += '\\[';
      else {
        let body = pattern.slice(i + 1, j).replace(/\\/g, '\\\\');
        if (body.startsWith('!')) body = '^' + body.slice(1);
        else if (body.startsWith('^')) body = '\\' + body;
        re += `[${body}]`;
        i = j;
      }
    } else re += c.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
  }
  return new RegExp(`^${re}$`);
}

/** pip's `cache list|remove` pattern: a name (then `-*.whl` follows) or more (then `*.whl`). */
function wheelPattern(pattern: string): RegExp {
  return fnmatch(pattern + (pattern.includes('-') ? '*.whl' : '-*.whl'));
}

/** The built-wheels entries and the wheel each holds. */
function builtWheelEntries(root: string): { e: Entry; wheel: BuiltWheel }[] {
  const out: { e: Entry; wheel: BuiltWheel }[] = [];
  for (const e of entries(root, ['built-wheels'])) {
    if (e.file || TEMP.test(e.name)) continue;
    for (const name of list(e.path)) {
      const st = name.endsWith('.whl') ? lstatSync(join(e.path, name), { throwIfNoEntry: false }) : undefined;
      if (st?.isFile()) out.push({ e, wheel: { name, path: join(e.path, name), bytes: st.size } });
    }
  }
  return out;
}

/** The locally built wheels whose file name matches `pattern` (default all), sorted by path. */
export function builtWheels(options: { env?: NodeJS.ProcessEnv; pattern?: string } = {}): BuiltWheel[] {
  const match = wheelPattern(options.pattern ?? '*');
  return builtWheelEntries(checkedRoot(options.env ?? process.env)).map((x) => x.wheel).filter((w) => match.test(w.name)).sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

/**
 * Remove the locally built wheels whose file name matches `pattern`, as pip's `cache remove`;
 * `*` also removes the index pages (pip's HTTP cache). What a running venvkit may be using is kept.
 */
export function removeBuiltWheels(options: { env?: NodeJS.ProcessEnv; pattern: string }): RemovalResult {
  const root = checkedRoot(options.env ?? process.env);
  const match = wheelPattern(options.pattern);
  const picked = new Set(builtWheelEntries(root).filter((x) => match.test(x.wheel.name)).map((x) => x.e.path));
  const only = options.pattern === '*' ? ['built-wheels', 'http'] : ['built-wheels'];
  return removeWhere(root, (e) => e.bucket === 'http' || picked.has(e.path), only);
}
