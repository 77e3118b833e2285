// Putting a cached file into an environment.
//
// Link modes: `clone` (the default) reflinks where the file system can (btrfs, XFS, APFS...) and
// copies where it cannot; `copy` always copies; `hardlink` shares the cache's inode with the env, so
// an in-place edit of an installed file changes the cache and every env linked to it (until the
// next install notices and unpacks that wheel again): only by explicit choice.
//
// Every file placed from a cache entry this process did not just write is checked against the
// entry's manifest (the sha256 recorded on unpack, which matched the wheel's RECORD): copies are
// hashed while copying (no extra read), clones and hard links are hashed after placing, through the
// placed file (a hard link must also be yours and not writable by others). A mismatch, a missing
// file or a wrong size removes the placed file and unpacks the wheel again (cache/wheels.ts).
import { chmodSync, closeSync, constants, copyFileSync, fstatSync, linkSync, openSync, readSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { createHash, type Hash } from 'node:crypto';
import { join, sep } from 'node:path';
import { errnoCode, VenvkitError } from '../errors.js';
import { repairWheel, type CachedWheel } from '../cache/wheels.js';
import { untrustedReason } from '../cache/trust.js';
import type { WheelFile } from './unpack.js';

export type LinkMode = 'clone' | 'hardlink' | 'copy';
export const LINK_MODES: LinkMode[] = ['clone', 'hardlink', 'copy'];

/** Errors that mean "this way of linking does not work here", not "this file is broken". */
const UNSUPPORTED = new Set(['ENOTSUP', 'EOPNOTSUPP', 'EXDEV', 'EINVAL', 'ENOSYS', 'EPERM', 'EMLINK', 'ETXTBSY', 'EACCES']);

let shared: Buffer | undefined;
const chunkBuffer = () => (shared ??= Buffer.allocUnsafe(1 << 20));

/** Copy `src` to a new file `dst` (mode `mode`), hashing what is copied when `hash` is given; returns the bytes copied. */
function copyFile(src: string, dst: string, mode: number, hash?: Hash): number {
  const buffer = chunkBuffer();
  const from = openSync(src, 'r');
  let to: number | undefined;
  let total = 0;
  try {
    to = openSync(dst, 'wx', mode);
    for (;;) {
      const n = readSync(from, buffer, 0, buffer.length, null);
      if (n === 0) break;
      const chunk = n === buffer.length ? buffer : buffer.subarray(0, n);
      hash?.update(chunk);
      for (let done = 0; done < n; ) done += writeSync(to, chunk, done, n - done);
      total += n;
    }
  } finally {
    closeSync(from);
    if (to !== undefined) closeSync(to);
  }
  return total;
}

/** Hash the file at `path` through one open file; the reason it is not `file` (undefined when it is). */
function mismatch(path: string, file: WheelFile, mustBeOwn: boolean): string | undefined {
  const buffer = chunkBuffer();
  const fd = openSync(path, 'r');
  try {
    const st = fstatSync(fd);
    if (mustBeOwn) {
      const why = untrustedReason(st);
      if (why) return `${file.path}: ${why}`;
    }
    if (st.size !== file.size) return `${file.path} is ${st.size} bytes, not ${file.size}`;
    const h = createHash('sha256');
    for (;;) {
      const n = readSync(fd, buffer, 0, buffer.length, null);
      if (n === 0) break;
      h.update(n === buffer.length ? buffer : buffer.subarray(0, n));
    }
    return sameHash(h, file) ? undefined : `${file.path} changed`;
  } finally {
    closeSync(fd);
  }
}

const sameHash = (h: Hash, file: WheelFile) => `sha256=${h.digest('base64url')}` === file.hash;

/** An archive path (always `/`-separated) from a path below an entry's files dir. */
const posixPath = (p: string) => (sep === '/' ? p : p.split(sep).join('/'));

interface Source { wheel: CachedWheel; files?: Map<string, WheelFile>; repairs: number }

/**
 * Places files from the cache, starting with `mode` and falling back to a copy the first time a
 * way is unsupported (clone on ext4, a hard link across file systems); the fallback then sticks.
 * Files of the wheels given (to the constructor or `add`) are checked as described above.
 */
export class Linker {
  mode: LinkMode;
  /** How many files went each way (for reports and tests). */
  counts: Record<LinkMode, number> = { clone: 0, hardlink: 0, copy: 0 };
  /** Files checked against their manifest while placing them. */
  checked = 0;
  private readonly sources = new Map<string, Source>();
  private last: { dir: string; source: Source } | undefined;

  constructor(mode: LinkMode = 'clone', wheels: CachedWheel[] = []) {
    this.mode = mode;
    for (const w of wheels) this.add(w);
  }

  /** Check the files placed from this wheel's entry (unless this process just unpacked it). */
  add(wheel: CachedWheel): void {
    this.sources.set(wheel.filesDir, { wheel, repairs: 0 });
  }

  private sourceOf(src: string): { source: Source; rel: string } | undefined {
    if (this.last && src.startsWith(this.last.dir) && src[this.last.dir.length] === sep) return { source: this.last.source, rel: posixPath(src.slice(this.last.dir.length + 1)) };
    for (let i = src.lastIndexOf(sep); i > 0; i = src.lastIndexOf(sep, i - 1)) {
      const source = this.sources.get(src.slice(0, i));
      if (source) {
        this.last = { dir: src.slice(0, i), source };
        return { source, rel: posixPath(src.slice(i + 1)) };
      }
    }
    return undefined;
  }

  /** Place `src` at `dst` (which must not exist). A hard link shares its (read-only) mode with the cache file. */
  place(src: string, dst: string, exec: boolean): void {
    const found = this.sourceOf(src);
    if (!found) return this.placeAs(src, dst, exec);
    const { source, rel } = found;
    for (;;) {
      // (From the wheel's files dir now: a repair may have moved it.)
      if (source.wheel.verified) return this.placeAs(join(source.wheel.filesDir, rel), dst, exec);
      const file = (source.files ??= new Map(source.wheel.manifest.files.map((f) => [f.path, f]))).get(rel);
      if (!file) throw new VenvkitError('INTERNAL', `${rel} is not in the manifest of ${source.wheel.manifest.filename}`);
      let why: string | undefined;
      try {
        why = this.placeChecked(join(source.wheel.filesDir, rel), dst, exec, file);
      } catch (e) {
        if (errnoCode(e) !== 'ENOENT') throw e;
        why = `${rel} is missing`;
      }
      if (!why) return;
      rmSync(dst, { force: true });
      if (source.repairs++ > 0) {
        throw new VenvkitError('BAD_WHEEL', `The cached copy of ${source.wheel.manifest.filename} is damaged again right after unpacking it (${why})`, { hint: 'Something is changing the cache as venvkit uses it; try again with the `noCache` option.' });
      }
      repairWheel(source.wheel, why);
      source.files = undefined;
      this.sources.set(source.wheel.filesDir, source);
    }
  }

  /** Place and check; the reason the placed file is not `file`, or undefined. */
  private placeChecked(src: string, dst: string, exec: boolean, file: WheelFile): string | undefined {
    this.checked++;
    if (this.mode === 'copy') {
      const h = createHash('sha256');
      const n = copyFile(src, dst, exec ? 0o755 : 0o644, h);
      this.counts.copy++;
      return n !== file.size ? `${file.path} is ${n} bytes, not ${file.size}` : sameHash(h, file) ? undefined : `${file.path} changed`;
    }
    this.placeAs(src, dst, exec); // (may fall back to a plain copy: checked the same way)
    return mismatch(dst, file, this.mode === 'hardlink');
  }

  private placeAs(src: string, dst: string, exec: boolean): void {
    for (;;) {
      try {
        if (this.mode === 'clone') {
          copyFileSync(src, dst, constants.COPYFILE_FICLONE_FORCE | constants.COPYFILE_EXCL);
          chmodSync(dst, exec ? 0o755 : 0o644); // the cache's files are read-only
        } else if (this.mode === 'hardlink') linkSync(src, dst);
        else copyFile(src, dst, exec ? 0o755 : 0o644);
        this.counts[this.mode]++;
        return;
      } catch (e) {
        const code = errnoCode(e);
        if (this.mode === 'copy' || !code || !UNSUPPORTED.has(code)) throw e;
        rmSync(dst, { force: true });
        this.mode = 'copy';
      }
    }
  }
}

/** Write generated content (launchers, rewritten scripts, INSTALLER...). */
export function writeGenerated(dst: string, data: Buffer, exec: boolean): void {
  writeFileSync(dst, data, { mode: exec ? 0o755 : 0o644, flag: 'wx' });
}
