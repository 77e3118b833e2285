// A small, defensive zip reader on node:zlib: central directory (zip64 too), local headers,
// stored/deflate entries, CRC-32 checks, and limits against bombs and malformed archives.
// It reads through a file descriptor, so large archives are never loaded whole.
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { inflateRawSync } from 'node:zlib';
import { crc32 } from './crc32.js';

export class ZipError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ZipError';
  }
}

export interface ZipEntry {
  name: string;
  /** 0 stored, 8 deflate (others are refused when read). */
  method: number;
  flags: number;
  crc: number;
  compressedSize: number;
  size: number;
  localHeaderOffset: number;
  /** Unix mode from the external attributes (0 when the archive was not made on Unix). */
  unixMode: number;
  isDirectory: boolean;
  isSymlink: boolean;
}

export interface ZipLimits {
  /** Largest total of declared uncompressed sizes (default 8 GiB). */
  maxTotalSize?: number;
  /** Most entries (default 200_000). */
  maxEntries?: number;
  /** Largest uncompressed/compressed ratio accepted for one entry above 1 MiB (default 1100: beyond deflate's maximum). */
  maxRatio?: number;
}

const SIG_EOCD = 0x06054b50;
const SIG_EOCD64 = 0x06064b50;
const SIG_EOCD64_LOC = 0x07064b50;
const SIG_CDH = 0x02014b50;
const SIG_LFH = 0x04034b50;

const utf8 = new TextDecoder('utf-8', { fatal: true });

export class ZipReader {
  readonly entries: ZipEntry[];
  private fd: number;
  readonly fileSize: number;

  private constructor(fd: number, fileSize: number, entries: ZipEntry[]) {
    this.fd = fd;
    this.fileSize = fileSize;
    this.entries = entries;
  }

  /** Open `path` and read its central directory; throws ZipError on anything malformed. */
  static open(path: string, limits: ZipLimits = {}): ZipReader {
    const fd = openSync(path, 'r');
    try {
      const size = fstatSync(fd).size;
      const entries = readDirectory(fd, size, limits);
      return new ZipReader(fd, size, entries);
    } catch (e) {
      closeSync(fd);
      throw e;
    }
  }

  close(): void {
    if (this.fd >= 0) closeSync(this.fd);
    this.fd = -1;
  }

  /** The uncompressed bytes of `entry`, checked against its declared size and CRC-32. */
  read(entry: ZipEntry): Buffer {
    const lfh = readAt(this.fd, entry.localHeaderOffset, 30, this.fileSize);
    if (lfh.readUInt32LE(0) !== SIG_LFH) throw new ZipError(`${entry.name}: bad local header`);
    const nameLen = lfh.readUInt16LE(26);
    const extraLen = lfh.readUInt16LE(28);
    const localName = readAt(this.fd, entry.localHeaderOffset + 30, nameLen, this.fileSize);
    if (!localName.equals(Buffer.from(entry.name, 'utf8')) && localName.toString('latin1') !== entry.name) {
      throw new ZipError(`${entry.name}: local header names a different file (${localName.toString('utf8')})`);
    }
    const dataStart = entry.localHeaderOffset + 30 + nameLen + extraLen;
    const raw = readAt(this.fd, dataStart, entry.compressedSize, this.fileSize);
    let out: Buffer;
    if (entry.method === 0) {
      if (entry.compressedSize !== entry.size) throw new ZipError(`${entry.name}: stored entry with mismatched sizes`);
      out = raw;
    } else if (entry.method === 8) {
      try {
        // One byte of slack: an entry that inflates past its declared size is caught below, not buffered whole.
        out = inflateRawSync(raw, { maxOutputLength: Math.max(1, entry.size + 1) });
      } catch (e) {
        const msg = (e as Error).message;
        if (/larger than|maxOutputLength|buffer/i.test(msg) || (e as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') {
          throw new ZipError(`${entry.name}: inflates beyond its declared size of ${entry.size} bytes (zip bomb?)`);
        }
        throw new ZipError(`${entry.name}: corrupt deflate data (${msg})`);
      }
    } else {
      throw new ZipError(`${entry.name}: unsupported compression method ${entry.method}`);
    }
    if (out.length !== entry.size) {
      throw new ZipError(out.length > entry.size ? `${entry.name}: inflates beyond its declared size of ${entry.size} bytes (zip bomb?)` : `${entry.name}: ${out.length} bytes where the header declares ${entry.size}`);
    }
    if (crc32(out) !== entry.crc) throw new ZipError(`${entry.name}: CRC-32 mismatch (corrupt archive)`);
    return out;
  }
}

function readAt(fd: number, pos: number, len: number, fileSize: number): Buffer {
  if (pos < 0 || len < 0 || pos + len > fileSize) throw new ZipError('truncated archive (a record points past the end of the file)');
  const buf = Buffer.allocUnsafe(len);
  let got = 0;
  while (got < len) {
    const n = readSync(fd, buf, got, len - got, pos + got);
    if (n === 0) throw new ZipError('truncated archive');
    got += n;
  }
  return buf;
}

function findEocd(fd: number, size: number): { buf: Buffer; at: number } {
  if (size < 22) throw new ZipError('not a zip archive (too small)');
  const tailLen = Math.min(size, 22 + 0xffff);
  const tail = readAt(fd, size - tailLen, tailLen, size);
  for (let i = tail.length - 22; i >= 0; i--) {
    if (tail.readUInt32LE(i) === SIG_EOCD && i + 22 + tail.readUInt16LE(i + 20) === tail.length) {
      return { buf: tail.subarray(i, i + 22), at: size - tailLen + i };
    }
  }
  throw new ZipError('not a zip archive (no end of central directory record)');
}

function readDirectory(fd: number, size: number, limits: ZipLimits): ZipEntry[] {
  const maxEntries = limits.maxEntries ?? 200_000;
  const maxTotal = limits.maxTotalSize ?? 8 * 2 ** 30;
  const maxRatio = limits.maxRatio ?? 1100;
  const { buf: eocd, at: eocdAt } = findEocd(fd, size);
  if (eocd.readUInt16LE(4) !== 0 || eocd.readUInt16LE(6) !== 0) throw new ZipError('multi-disk archives are not supported');
  let count = eocd.readUInt16LE(10);
  let cdSize = eocd.readUInt32LE(12);
  let cdOffset = eocd.readUInt32LE(16);
  if (count === 0xffff || cdSize === 0xffffffff || cdOffset === 0xffffffff) {
    if (eocdAt < 20) throw new ZipError('zip64 locator missing');
    const loc = readAt(fd, eocdAt - 20, 20, size);
    if (loc.readUInt32LE(0) !== SIG_EOCD64_LOC) throw new ZipError('zip64 locator missing');
    const e64At = Number(loc.readBigUInt64LE(8));
    const e64 = readAt(fd, e64At, 56, size);
    if (e64.readUInt32LE(0) !== SIG_EOCD64) throw new ZipError('bad zip64 end of central directory record');
    count = Number(e64.readBigUInt64LE(32));
    cdSize = Number(e64.readBigUInt64LE(40));
    cdOffset = Number(e64.readBigUInt64LE(48));
  }
  if (count > maxEntries) throw new ZipError(`too many entries (${count} > ${maxEntries})`);
  if (cdOffset + cdSize > size) throw new ZipError('central directory points past the end of the file');
  const cd = readAt(fd, cdOffset, cdSize, size);
  const entries: ZipEntry[] = [];
  const names = new Set<string>();
  let p = 0;
  let total = 0;
  for (let i = 0; i < count; i++) {
    if (p + 46 > cd.length || cd.readUInt32LE(p) !== SIG_CDH) throw new ZipError('corrupt central directory');
    const madeBy = cd.readUInt16LE(p + 4) >> 8;
    const flags = cd.readUInt16LE(p + 8);
    const method = cd.readUInt16LE(p + 10);
    const crc = cd.readUInt32LE(p + 16);
    let compressedSize = cd.readUInt32LE(p + 20);
    let uncompressed = cd.readUInt32LE(p + 24);
    const nameLen = cd.readUInt16LE(p + 28);
    const extraLen = cd.readUInt16LE(p + 30);
    const commentLen = cd.readUInt16LE(p + 32);
    const disk = cd.readUInt16LE(p + 34);
    const external = cd.readUInt32LE(p + 38);
    let offset = cd.readUInt32LE(p + 42);
    const end = p + 46 + nameLen + extraLen + commentLen;
    if (end > cd.length) throw new ZipError('corrupt central directory');
    const nameBuf = cd.subarray(p + 46, p + 46 + nameLen);
    let name: string;
    try {
      name = utf8.decode(nameBuf);
    } catch {
      throw new ZipError('an entry name is not valid UTF-8');
    }
    // zip64 extended information: only the fields that are saturated appear, in this order.
    const extra = cd.subarray(p + 46 + nameLen, p + 46 + nameLen + extraLen);
    if (uncompressed === 0xffffffff || compressedSize === 0xffffffff || offset === 0xffffffff || disk === 0xffff) {
      let q = 0;
      let found = false;
      while (q + 4 <= extra.length) {
        const id = extra.readUInt16LE(q);
        const len = extra.readUInt16LE(q + 2);
        if (q + 4 + len > extra.length) break;
        if (id === 0x0001) {
          let r = q + 4;
          const take = () => {
            if (r + 8 > q + 4 + len) throw new ZipError(`${name}: short zip64 extra field`);
            const v = Number(extra.readBigUInt64LE(r));
            r += 8;
            return v;
          };
          if (uncompressed === 0xffffffff) uncompressed = take();
          if (compressedSize === 0xffffffff) compressedSize = take();
          if (offset === 0xffffffff) offset = take();
          found = true;
          break;
        }
        q += 4 + len;
      }
      if (!found) throw new ZipError(`${name}: zip64 sizes without a zip64 extra field`);
    }
    if (flags & 0x1) throw new ZipError(`${name}: encrypted entries are not supported`);
    if (names.has(name)) throw new ZipError(`duplicate entry ${name}`);
    names.add(name);
    if (uncompressed > 1 << 20 && uncompressed > compressedSize * maxRatio) {
      throw new ZipError(`${name}: claims ${uncompressed} bytes from ${compressedSize} compressed (ratio beyond ${maxRatio}: zip bomb?)`);
    }
    total += uncompressed;
    if (total > maxTotal) throw new ZipError(`archive expands to more than ${maxTotal} bytes (zip bomb?)`);
    if (offset + 30 + compressedSize > cdOffset) throw new ZipError(`${name}: data overlaps the central directory`);
    const unixMode = madeBy === 3 ? external >>> 16 : 0;
    const isDirectory = name.endsWith('/') || (madeBy === 3 ? (unixMode & 0o170000) === 0o040000 : (external & 0x10) !== 0);
    const isSymlink = (unixMode & 0o170000) === 0o120000;
    entries.push({ name, method, flags, crc, compressedSize, size: uncompressed, localHeaderOffset: offset, unixMode, isDirectory, isSymlink });
    p = end;
  }
  // Entries must not share bytes (overlapping entries are how non-recursive zip bombs multiply data).
  const sorted = [...entries].sort((a, b) => a.localHeaderOffset - b.localHeaderOffset);
  for (let i = 1; i < sorted.length; i++) {
    const prev = sorted[i - 1];
    if (prev.localHeaderOffset + 30 + prev.compressedSize > sorted[i].localHeaderOffset) {
      throw new ZipError(`entries ${prev.name} and ${sorted[i].name} overlap (zip bomb?)`);
    }
  }
  return entries;
}
