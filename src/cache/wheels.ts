// The unpacked-wheel cache: <cache>/wheels/v1/<sha256 of the .whl>/{wheel.json, files/...}.
// An entry appears by renaming a fully written temp dir into place, so readers never see half of one
// and two processes filling the same entry at once both end up using a complete copy.
import { createHash, randomBytes } from 'node:crypto';
import { closeSync, mkdirSync, openSync, readFileSync, readSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { writeFileAtomic } from './atomic.js';
import { join } from 'node:path';
import { errnoCode, VenvkitError } from '../errors.js';
import { unpackWheel, type WheelManifest } from '../install/unpack.js';
import type { ZipLimits } from '../zip/reader.js';
import { cacheDir } from './dirs.js';

export interface CachedWheel {
  /** Directory holding the archive's files at their archive paths. */
  filesDir: string;
  manifest: WheelManifest;
  /** true when this call unpacked it (a cache miss). */
  unpacked: boolean;
}

export function wheelCacheRoot(env: NodeJS.ProcessEnv = process.env): string {
  return join(cacheDir('wheels', env), 'v1');
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
export function knownSha256(path: string, env: NodeJS.ProcessEnv = process.env): { sha256: string; remember: () => void } {
  const st = statSync(path);
  const stamp = `${st.size}:${st.mtimeMs}:${st.ino}:${st.ctimeMs}`;
  const memo = join(wheelCacheRoot(env), 'by-path', `${createHash('sha256').update(path).digest('hex').slice(0, 32)}.json`);
  try {
    const m = JSON.parse(readFileSync(memo, 'utf8')) as { path: string; stamp: string; sha256: string };
    if (m.path === path && m.stamp === stamp && /^[0-9a-f]{64}$/.test(m.sha256)) return { sha256: m.sha256, remember: () => {} };
  } catch {
    /* not remembered yet */
  }
  const sha = sha256File(path);
  const remember = () => {
    try {
      writeFileAtomic(memo, JSON.stringify({ path, stamp, sha256: sha }));
    } catch {
      /* a read-only cache only costs speed */
    }
  };
  return { sha256: sha, remember };
}

function readEntry(dir: string, sha: string): CachedWheel | undefined {
  try {
    const manifest = JSON.parse(readFileSync(join(dir, 'wheel.json'), 'utf8')) as WheelManifest;
    if (manifest.v !== 1 || manifest.sha256 !== sha) return undefined;
    return { filesDir: join(dir, 'files'), manifest, unpacked: false };
  } catch {
    return undefined;
  }
}

export interface UnpackOptions {
  env?: NodeJS.ProcessEnv;
  /** The wheel's sha256 if already known (hex). */
  sha256?: string;
  limits?: ZipLimits;
}

/** The verified, unpacked wheel from the cache, unpacking it first on a miss. */
export function unpackedWheel(wheelPath: string, options: UnpackOptions = {}): CachedWheel {
  let sha: string;
  let remember = () => {};
  try {
    if (options.sha256) sha = options.sha256;
    else ({ sha256: sha, remember } = knownSha256(wheelPath, options.env));
  } catch (e) {
    const code = errnoCode(e);
    throw new VenvkitError(code === 'ENOENT' ? 'BAD_PATH' : 'BAD_WHEEL', code === 'ENOENT' ? `No such wheel file: ${wheelPath}` : `Cannot read ${wheelPath}: ${(e as Error).message}`, { cause: e });
  }
  const root = wheelCacheRoot(options.env);
  const final = join(root, sha);
  const hit = readEntry(final, sha);
  if (hit) {
    remember();
    return hit;
  }
  mkdirSync(root, { recursive: true });
  const tmp = join(root, `.tmp-${sha.slice(0, 16)}-${process.pid}-${randomBytes(4).toString('hex')}`);
  try {
    const manifest = unpackWheel(wheelPath, join(tmp, 'files'), sha, options.limits);
    writeFileSync(join(tmp, 'wheel.json'), JSON.stringify(manifest));
    try {
      renameSync(tmp, final);
    } catch (e) {
      const code = errnoCode(e);
      if (code !== 'ENOTEMPTY' && code !== 'EEXIST') throw e;
      // Another process finished first: use its copy (or ours again if theirs is unreadable).
      const theirs = readEntry(final, sha);
      if (theirs) {
        remember();
        return { ...theirs, unpacked: true };
      }
      rmSync(final, { recursive: true, force: true });
      renameSync(tmp, final);
    }
    remember();
    return { filesDir: join(final, 'files'), manifest, unpacked: true };
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}
