// The unpacked-wheel cache: <cache>/wheels/v1/<sha256 of the .whl>/{wheel.json, files/...}.
// An entry appears by renaming a fully written temp dir into place, so readers never see half of one
// and two processes filling the same entry at once both end up using a complete copy.
//
// Trust: the cache is used only when cache/trust.ts says so (yours, not writable by others), and
// wheel.json only when the file itself is yours alone. Its file list holds each file's sha256 as
// checked against the wheel's RECORD on unpack; an entry this process did not just write is checked
// against it file by file as it is placed into an env (install/link.ts), and a damaged entry is
// unpacked again from its archive (repairWheel). Cache files are read-only (0444/0555): a courtesy
// for hard-linked envs, which root ignores.
// Without a usable cache (--no-cache, a cache refused or unwritable) wheels are unpacked into a
// private scratch directory (0700, under the temp dir) that closeWheelStore removes.
import { pidAlive as alive } from './pid.js';
import { createHash, randomBytes } from 'node:crypto';
import { closeSync, lstatSync, mkdirSync, openSync, readdirSync, readFileSync, readSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { cacheKey, writeFileAtomic } from './atomic.js';
import { errnoCode, VenvkitError } from '../errors.js';
import { unpackWheel, type WheelManifest } from '../install/unpack.js';
import type { ZipLimits } from '../zip/reader.js';
import { cacheDir } from './dirs.js';
import { markUsed } from './users.js';
import { cacheWarning, markCacheUnusable, myUid, readOwnText, untrustedReason, usableCacheDir } from './trust.js';

/** Where one operation unpacks wheels (a plain object: it is sent to the unpack worker threads). */
export interface WheelStore {
  /** The shared cache's entry directory (<cache>/wheels/v1); undefined when no cache is used. */
  root?: string;
  /** A private directory for unpacks when there is no usable cache (made on first use). */
  scratch: string;
}

export interface CachedWheel {
  /** Directory holding the archive's files at their archive paths. */
  filesDir: string;
  manifest: WheelManifest;
  /** true when this call unpacked it (a cache miss). */
  unpacked: boolean;
  /** The .whl it came from (unpacked again from there if the entry turns out damaged). */
  archive: string;
  /** true when this process wrote these files itself just now: no need to check them again. */
  verified: boolean;
  store: WheelStore;
  /** Set when the cache could not be written (why), and this wheel went to the scratch dir instead. */
  cacheFailed?: string;
}

/** The cache's entry directory (not checked: see openWheelStore). */
export function wheelCacheRoot(env: NodeJS.ProcessEnv = process.env): string {
  return join(cacheDir('wheels', env), 'v1');
}

/** Where this operation unpacks: the cache if it may be used (see cache/trust.ts), else scratch only. */
export function openWheelStore(env: NodeJS.ProcessEnv = process.env, options: { noCache?: boolean } = {}): WheelStore {
  const scratch = join(tmpdir(), `venvkit-unpack-${process.pid}-${randomBytes(8).toString('hex')}`);
  const bucket = options.noCache ? undefined : usableCacheDir('wheels', env);
  if (!bucket) return { scratch };
  const root = join(bucket, 'v1');
  try {
    mkdirSync(root, { recursive: true, mode: 0o700 });
  } catch (e) {
    if (errnoCode(e) !== 'EEXIST') {
      markCacheUnusable(bucket, `it cannot be written (${errnoCode(e) ?? (e as Error).message})`);
      return { scratch };
    }
  }
  return { root, scratch };
}

/** Remove the store's scratch directory (if it was made). */
export function closeWheelStore(store: WheelStore): void {
  rmSync(store.scratch, { recursive: true, force: true });
}

/** On the main thread, after a wheel came back: stop using a cache that could not be written (warns once). */
export function noteCacheFailure(store: WheelStore, wheel: CachedWheel): void {
  if (!wheel.cacheFailed || !store.root) return;
  markCacheUnusable(dirname(store.root), wheel.cacheFailed);
  store.root = undefined;
}

/** unpackedWheel for the thread that owns `store`: a cache found unwritable is given up (warned once). */
export function unpackedWheelHere(wheelPath: string, options: UnpackOptions): CachedWheel {
  const wheel = unpackedWheel(wheelPath, options);
  noteCacheFailure(options.store, wheel);
  return wheel.store === options.store ? wheel : { ...wheel, store: options.store };
}

/** sha256 (hex) of a file, read in 1 MiB chunks. */
export function sha256File(path: string): string {
  const h = createHash('sha256');
  const fd = openSync(path, 'r');
  try {
    const buf = Buffer.allocUnsafe(1 << 20);
    for (;;) {
      const n = readSync(fd, buf, 0, buf.length, null);
      if (n === 0) break;
      h.update(n === buf.length ? buf : buf.subarray(0, n));
    }
  } finally {
    closeSync(fd);
  }
  return h.digest('hex');
}

/**
 * sha256 of a wheel file, remembered by path and stat (size, mtime, inode, ctime) once the wheel
 * proved good (`remember`): the bundled wheels seeded into every new env are hashed once.
 */
function knownSha256(path: string, root: string | undefined): { sha256: string; remember: () => void } {
  const st = statSync(path);
  const stamp = `${st.size}:${st.mtimeMs}:${st.ino}:${st.ctimeMs}`;
  const memo = root && join(root, 'by-path', `${createHash('sha256').update(path).digest('hex').slice(0, 32)}.json`);
  if (memo) {
    try {
      const m = JSON.parse(readOwnText(memo) ?? '') as { path: string; stamp: string; sha256: string };
      if (m.path === path && m.stamp === stamp && /^[0-9a-f]{64}$/.test(m.sha256)) return { sha256: m.sha256, remember: () => {} };
    } catch {
      /* not remembered yet */
    }
  }
  const sha = sha256File(path);
  const remember = () => {
    try {
      if (memo) writeFileAtomic(memo, JSON.stringify({ path, stamp, sha256: sha }));
    } catch {
      /* a read-only cache only costs speed */
    }
  };
  return { sha256: sha, remember };
}

function readEntry(dir: string, sha: string, archive: string, store: WheelStore): CachedWheel | undefined {
  markUsed(dir); // before reading: `venvkit cache prune|clean` then leaves it alone
  try {
    const manifest = JSON.parse(readOwnText(join(dir, 'wheel.json')) ?? '') as WheelManifest;
    if (manifest.v !== 1 || manifest.sha256 !== sha || !Array.isArray(manifest.files)) return undefined;
    return { filesDir: join(dir, 'files'), manifest, unpacked: false, archive, verified: false, store };
  } catch {
    return undefined;
  }
}

export interface UnpackOptions {
  store: WheelStore;
  /** The wheel's sha256 if already known (hex). */
  sha256?: string;
  limits?: ZipLimits;
}

/** Errors that mean "this directory cannot take the unpacked files", not "this wheel is bad". */
export const WRITE_FAILURES = new Set(['EACCES', 'EPERM', 'EROFS', 'ENOSPC', 'EDQUOT', 'ENOTDIR', 'EEXIST', 'EIO', 'ELOOP']);

/** This host's tag in temp names: a dead pid is judged only for temp dirs of this host. */
const HOST = cacheKey(hostname()).slice(0, 8);
export const tmpName = (tag: string) => `.tmp-${tag}-${HOST}-${process.pid}-${randomBytes(4).toString('hex')}`;

/** The verified, unpacked wheel from the store, unpacking it first on a miss. */
export function unpackedWheel(wheelPath: string, options: UnpackOptions): CachedWheel {
  const { store } = options;
  let sha: string;
  let remember = () => {};
  try {
    if (options.sha256) sha = options.sha256;
    else ({ sha256: sha, remember } = knownSha256(wheelPath, store.root));
  } catch (e) {
    const code = errnoCode(e);
    throw new VenvkitError(code === 'ENOENT' ? 'BAD_PATH' : 'BAD_WHEEL', code === 'ENOENT' ? `No such wheel file: ${wheelPath}` : `Cannot read ${wheelPath}: ${(e as Error).message}`, { cause: e });
  }
  if (store.root) {
    const hit = readEntry(join(store.root, sha), sha, wheelPath, store);
    if (hit) {
      remember();
      return hit;
    }
    try {
      collectLeftovers(store.root);
      const got = unpackInto(store.root, wheelPath, sha, options);
      remember();
      return got;
    } catch (e) {
      const code = errnoCode(e);
      if (e instanceof VenvkitError || !code || !WRITE_FAILURES.has(code)) throw e;
      const fell = unpackedWheel(wheelPath, { ...options, sha256: sha, store: { scratch: store.scratch } });
      return { ...fell, store, cacheFailed: `it cannot be written (${code})` };
    }
  }
  // No cache: the private scratch directory (a wheel already unpacked there is this process's own).
  try {
    mkdirSync(store.scratch, { mode: 0o700 });
  } catch (e) {
    if (errnoCode(e) !== 'EEXIST') throw scratchError(store.scratch, wheelPath, e);
  }
  const st = lstatSync(store.scratch);
  if (!st.isDirectory() || untrustedReason(st) || (myUid !== undefined && (st.mode & 0o077) !== 0)) {
    throw new VenvkitError('INTERNAL', `The temporary directory ${store.scratch} is not venvkit's own`, { hint: 'Something else created it; run the command again.' });
  }
  const known = readEntry(join(store.scratch, sha), sha, wheelPath, store);
  if (known) return { ...known, verified: true };
  try {
    return unpackInto(store.scratch, wheelPath, sha, options);
  } catch (e) {
    if (e instanceof VenvkitError || !errnoCode(e)) throw e;
    throw scratchError(store.scratch, wheelPath, e);
  }
}

function scratchError(dir: string, wheel: string, e: unknown): VenvkitError {
  return new VenvkitError('TARGET_NOT_WRITABLE', `Cannot unpack ${wheel} into ${dir}: ${(e as Error).message}`, {
    hint: 'Free some space (or fix the permissions) in the temporary directory, or point TMPDIR elsewhere.',
    cause: e,
  });
}

function unpackInto(root: string, wheelPath: string, sha: string, options: UnpackOptions): CachedWheel {
  const final = join(root, sha);
  const tmp = join(root, tmpName(sha.slice(0, 16)));
  try {
    mkdirSync(tmp, { mode: 0o700 });
    const manifest = unpackWheel(wheelPath, join(tmp, 'files'), sha, options.limits);
    writeFileSync(join(tmp, 'wheel.json'), JSON.stringify(manifest), { mode: 0o444, flag: 'wx' });
    const mine: CachedWheel = { filesDir: join(final, 'files'), manifest, unpacked: true, archive: wheelPath, verified: true, store: options.store };
    try {
      renameSync(tmp, final);
    } catch (e) {
      const code = errnoCode(e);
      if (code !== 'ENOTEMPTY' && code !== 'EEXIST') throw e;
      // Another process finished first: use its copy (checked as it is placed), or ours if theirs is unreadable.
      const theirs = readEntry(final, sha, wheelPath, options.store);
      if (theirs) return { ...theirs, unpacked: true };
      evict(root, final);
      renameSync(tmp, final);
    }
    return mine;
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

/** Move an entry out of the way (atomically), then delete it. */
export function evict(root: string, entry: string): void {
  const away = join(root, tmpName('evict'));
  try {
    renameSync(entry, away);
  } catch (e) {
    if (errnoCode(e) === 'ENOENT') return;
    throw e;
  }
  rmSync(away, { recursive: true, force: true });
}

/**
 * The entry of `wheel` is damaged (`why`: which file, how): say so once, remove it, and unpack the
 * wheel again from its archive, which must still have the sha256 the entry was made from. `wheel`
 * is updated in place (every holder sees the new files).
 */
export function repairWheel(wheel: CachedWheel, why: string): void {
  const { manifest, store, archive } = wheel;
  cacheWarning(`damaged:${manifest.sha256}`, `the cached copy of ${manifest.filename} was damaged (${why}); unpacking it again`);
  const entry = dirname(wheel.filesDir);
  const root = dirname(entry);
  if (entry === join(root, manifest.sha256)) {
    try {
      evict(root, entry);
    } catch {
      /* unpackInto replaces it */
    }
  }
  let sha: string;
  try {
    sha = sha256File(archive);
  } catch (e) {
    throw new VenvkitError('BAD_WHEEL', `The cached copy of ${manifest.filename} was damaged, and ${archive} cannot be read to unpack it again: ${(e as Error).message}`, { hint: 'Run the command again (with the `noCache` option to download it again).', cause: e });
  }
  if (sha !== manifest.sha256) {
    throw new VenvkitError('HASH_MISMATCH', `The cached copy of ${manifest.filename} was damaged, and ${archive} no longer has sha256 ${manifest.sha256} (now ${sha})`, { hint: 'Run the command again with the `noCache` option to download it again.' });
  }
  const fresh = unpackedWheel(archive, { store: root === store.root ? store : { scratch: store.scratch }, sha256: sha });
  if (fresh.cacheFailed) noteCacheFailure(store, fresh);
  Object.assign(wheel, { filesDir: fresh.filesDir, manifest: fresh.manifest, verified: fresh.verified, unpacked: true });
}

/** The bytes of an archive file of `wheel`, checked against its manifest (repairing the entry if needed). */
export function readWheelFile(wheel: CachedWheel, path: string): Buffer {
  const expected = wheel.manifest.files.find((f) => f.path === path);
  for (let attempt = 0; ; attempt++) {
    let why: string;
    try {
      const data = readFileSync(join(wheel.filesDir, path));
      if (wheel.verified || !expected) return data;
      if (data.length === expected.size && `sha256=${createHash('sha256').update(data).digest('base64url')}` === expected.hash) return data;
      why = `${path} changed`;
    } catch (e) {
      if (errnoCode(e) !== 'ENOENT' || wheel.verified) throw e;
      why = `${path} is missing`;
    }
    if (attempt > 0) throw new VenvkitError('BAD_WHEEL', `The cached copy of ${wheel.manifest.filename} is damaged again right after unpacking it (${why})`, { hint: 'Something is changing the cache as venvkit uses it; try again with the `noCache` option.' });
    repairWheel(wheel, why);
  }
}

/** Roots whose interrupted unpacks this process has looked for. */
const collected = new Set<string>();
/** A temp dir of a dead pid on this host is left this long (a live unpack renames it far sooner). */
const DEAD_GRACE_MS = 60_000;
/** Any temp dir (another host's, or a reused pid's) this old is abandoned. */
const ABANDONED_MS = 24 * 3600_000;


/**
 * Remove what interrupted unpacks (a kill, a crash) left in the cache: `.tmp-*` directories owned
 * by you whose process is gone (same host, pid not running, untouched for a minute) or that are a
 * day old. A temp dir another live process is filling is never touched. Once per process and root.
 */
export function collectLeftovers(root: string): number {
  if (collected.has(root)) return 0;
  collected.add(root);
  let removed = 0;
  let names: string[];
  try {
    names = readdirSync(root);
  } catch {
    return 0;
  }
  const now = Date.now();
  for (const name of names) {
    const m = /^\.tmp-[^-]+-([0-9a-f]{8})-(\d+)-[0-9a-f]+$/.exec(name);
    if (!m || Number(m[2]) === process.pid) continue;
    const path = join(root, name);
    try {
      const st = lstatSync(path);
      if (!st.isDirectory() || (myUid !== undefined && st.uid !== myUid)) continue;
      const age = now - st.mtimeMs;
      const dead = m[1] === HOST && age > DEAD_GRACE_MS && !alive(Number(m[2]));
      if (!dead && age < ABANDONED_MS) continue;
      rmSync(path, { recursive: true, force: true });
      removed++;
    } catch {
      /* another process removed it first, or it cannot be removed: leave it */
    }
  }
  return removed;
}
