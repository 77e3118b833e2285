// Putting a cached file into an environment.
//
// Link modes (as uv's `--link-mode`): `clone` reflinks (btrfs, XFS, APFS...) and copies where it
// cannot; `hardlink` shares the cache's inode with the env and copies where it cannot (another file
// system); `copy` always copies. The default (no mode given) reflinks where it can, else hard-links
// when the cache is on the env's file system, else copies: on ext4 a warm install of thousands of
// files is a link each, not a copy each. With a hard link, an in-place edit of an installed file
// (an editor writing over it, not replacing it) changes the cache and every env linked to it, until
// an install notices (the file's mtime or size changed) and unpacks that wheel again; cache files
// are read-only (0444) to make that less likely, and `--link-mode copy` avoids it.
//
// Every file placed from a cache entry this process did not just write is checked against the
// entry's manifest (recorded on unpack, matching the wheel's RECORD): a copy is hashed while copying
// (no extra read). A clone or hard link is checked through one stat: yours, not writable by others,
// the manifest's size and mtime; a file whose mtime differs (touched, or a cache made before mtimes
// were recorded) is hashed in full. A hard link that is not yours, or not read-only to others, is
// damaged. A mismatch, a missing file or a wrong size removes the placed file and unpacks the wheel
// again (cache/wheels.ts). What a stat cannot see, a same-size edit that also restores the mtime, is
// the owner's own doing (nobody else can write the cache).
import { chmodSync, closeSync, constants, copyFileSync, linkSync, openSync, readSync, rmSync, statSync, writeFileSync, writeSync, type Stats } from 'node:fs';
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

/** The sha256 of the file at `path` (RECORD form). */
function hashOf(path: string): string {
  const buffer = chunkBuffer();
  const fd = openSync(path, 'r');
  try {
    const h = createHash('sha256');
    for (;;) {
      const n = readSync(fd, buffer, 0, buffer.length, null);
      if (n === 0) break;
      h.update(n === buffer.length ? buffer : buffer.subarray(0, n));
    }
    return `sha256=${h.digest('base64url')}`;
  } finally {
    closeSync(fd);
  }
}

const sameHash = (h: Hash, file: WheelFile) => `sha256=${h.digest('base64url')}` === file.hash;

/** An archive path (always `/`-separated) from a path below an entry's files dir. */
const posixPath = (p: string) => (sep === '/' ? p : p.split(sep).join('/'));

interface Source { wheel: CachedWheel; files?: Map<string, WheelFile>; repairs: number }

/**
 * Places files from the cache, starting with `mode` (default: see above) and falling back the first
 * time a way is unsupported (clone on ext4, a hard link across file systems); the fallback then
 * sticks. Files of the wheels given (to the constructor or `add`) are checked as described above.
 */
export class Linker {
  mode: LinkMode;
  /** How many files went each way (for reports and tests). */
  counts: Record<LinkMode, number> = { clone: 0, hardlink: 0, copy: 0 };
  /** Files checked against their manifest while placing them, and how many of those were read and hashed. */
  checked = 0;
  hashed = 0;
  /** Whether a clone that is unsupported falls back to a hard link (the default) rather than a copy. */
  private readonly linkAfterClone: boolean;
  private readonly sources = new Map<string, Source>();
  private last: { dir: string; source: Source } | undefined;

  constructor(mode?: LinkMode, wheels: CachedWheel[] = []) {
    this.mode = mode ?? 'clone';
    // Not on Windows: there a read-only file (as every cache file is) cannot be deleted or replaced
    // by most tools without clearing the attribute first, so an env of hard links would be one of
    // read-only files; the default copies there (a reflink on ReFS), as `clone` does.
    this.linkAfterClone = mode === undefined && process.platform !== 'win32';
    for (const w of wheels) this.add(w);
  }

  /** Check the files placed from this wheel's entry (unless this process just unpacked it). */
  add(wheel: CachedWheel): void {
    this.sources.set(wheel.filesDir, { wheel, repairs: 0 });
  }

  private sourceOf(src: string): { source: Source; dir: string; rel: string } | undefined {
    if (this.last && src.startsWith(this.last.dir) && src[this.last.dir.length] === sep) return { source: this.last.source, dir: this.last.dir, rel: posixPath(src.slice(this.last.dir.length + 1)) };
    for (let i = src.lastIndexOf(sep); i > 0; i = src.lastIndexOf(sep, i - 1)) {
      const source = this.sources.get(src.slice(0, i));
      if (source) {
        this.last = { dir: src.slice(0, i), source };
        return { source, dir: this.last.dir, rel: posixPath(src.slice(i + 1)) };
      }
    }
    return undefined;
  }

  /** Place `src` at `dst` (which must not exist). A hard link shares its (read-only) mode with the cache file. */
  place(src: string, dst: string, exec: boolean): void {
    const found = this.sourceOf(src);
    if (!found) this.placeAs(src, dst, exec);
    else this.placeOf(found.source, found.rel, dst, exec, found.dir, src);
  }

  /** place() of the archive file `rel` (a manifest path) of the wheel unpacked at `filesDir`, without taking a joined path apart again. */
  placeFrom(filesDir: string, rel: string, dst: string, exec: boolean): void {
    const source = this.sources.get(filesDir);
    if (!source) this.placeAs(join(filesDir, rel), dst, exec);
    else this.placeOf(source, rel, dst, exec);
  }

  /** `src`, when given, is `rel` joined below `dir` by the caller: reused while the wheel's files are still there. */
  private placeOf(source: Source, rel: string, dst: string, exec: boolean, dir?: string, src?: string): void {
    for (;;) {
      // (From the wheel's files dir now: a repair may have moved it.)
      const from = src !== undefined && source.wheel.filesDir === dir ? src : join(source.wheel.filesDir, rel);
      if (source.wheel.verified) {
        this.placeAs(from, dst, exec);
        return;
      }
      const file = (source.files ??= new Map(source.wheel.manifest.files.map((f) => [f.path, f]))).get(rel);
      if (!file) throw new VenvkitError('INTERNAL', `${rel} is not in the manifest of ${source.wheel.manifest.filename}`);
      const why = this.placeChecked(from, dst, exec, file);
      if (!why) return;
      if (source.repairs++ > 0) {
        throw new VenvkitError('BAD_WHEEL', `The cached copy of ${source.wheel.manifest.filename} is damaged again right after unpacking it (${why})`, { hint: 'Something is changing the cache as venvkit uses it; try again with the `noCache` option.' });
      }
      repairWheel(source.wheel, why);
      source.files = undefined;
      this.sources.set(source.wheel.filesDir, source);
    }
  }

  /**
   * Place `src` at `dst` and check it against `file` (its manifest entry: path, size, hash and the
   * mtime recorded when it was written); the reason it is not `file` (the placed file then removed),
   * or undefined. For callers that handle damage themselves (cache/bytecode.ts).
   */
  placeChecked(src: string, dst: string, exec: boolean, file: WheelFile): string | undefined {
    this.checked++;
    let why: string | undefined;
    try {
      why = this.placeAndCheck(src, dst, exec, file);
    } catch (e) {
      if (errnoCode(e) !== 'ENOENT') throw e;
      why = `${file.path} is missing`;
    }
    if (why) rmSync(dst, { force: true });
    return why;
  }

  private placeAndCheck(src: string, dst: string, exec: boolean, file: WheelFile): string | undefined {
    if (this.mode === 'copy') {
      const h = createHash('sha256');
      const n = copyFile(src, dst, exec ? 0o755 : 0o644, h);
      this.counts.copy++;
      this.hashed++;
      return n !== file.size ? `${file.path} is ${n} bytes, not ${file.size}` : sameHash(h, file) ? undefined : `${file.path} changed`;
    }
    const how = this.placeAs(src, dst, exec); // (may fall back to a plain copy: checked the same way)
    // A hard link is the cache's inode: its stat is the placed file's. A clone's content is the source's.
    const st = statSync(how === 'clone' ? src : dst);
    const untrusted = untrustedReason(st);
    if (untrusted && how === 'hardlink') return `${file.path}: ${untrusted}`;
    if (st.size !== file.size) return `${file.path} is ${st.size} bytes, not ${file.size}`;
    if (how !== 'copy' && !untrusted && unchanged(st, file)) return undefined;
    this.hashed++;
    return hashOf(dst) === file.hash ? undefined : `${file.path} changed`;
  }

  /** Place without checking; the way it went. */
  private placeAs(src: string, dst: string, exec: boolean): LinkMode {
    for (;;) {
      const mode = this.mode;
      try {
        if (mode === 'clone') {
          copyFileSync(src, dst, constants.COPYFILE_FICLONE_FORCE | constants.COPYFILE_EXCL);
          chmodSync(dst, exec ? 0o755 : 0o644); // the cache's files are read-only
        } else if (mode === 'hardlink') linkSync(src, dst);
        else copyFile(src, dst, exec ? 0o755 : 0o644);
        this.counts[mode]++;
        return mode;
      } catch (e) {
        const code = errnoCode(e);
        if (mode === 'copy' || !code || !UNSUPPORTED.has(code)) throw e;
        rmSync(dst, { force: true });
        // No reflink here: a hard link if that is the default's next way and the cache is on this file system.
        this.mode = mode === 'clone' && this.linkAfterClone && code !== 'EXDEV' ? 'hardlink' : 'copy';
      }
    }
  }
}

/** The file's size and mtime are those recorded when it was written (unpacked or compiled). */
const unchanged = (st: Stats, file: WheelFile) => file.mtime !== undefined && st.mtimeMs === file.mtime;

/** Write generated content (launchers, rewritten scripts, INSTALLER...). */
export function writeGenerated(dst: string, data: Buffer, exec: boolean): void {
  writeFileSync(dst, data, { mode: exec ? 0o755 : 0o644, flag: 'wx' });
}
