// The zip format, parsed one way for every reader: end of central directory (zip64 too), central
// directory, local headers, stored/deflate data, CRC-32, and the limits against bombs and malformed
// archives. No I/O here: each parse is a generator that yields the byte ranges it needs and is
// resumed with exactly those bytes, so the same code runs over a file descriptor (synchronously,
// see reader.ts) and over HTTP Range requests (asynchronously).
import { inflateRawSync } from 'node:zlib';
import { crc32 } from './crc32.js';
import { inflateKept, RawInflater, rawInflaterSupported } from './inflate.js';

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

/** Bytes `length` at `offset` of the archive: what a parse yields. */
export interface ByteRange {
  offset: number;
  length: number;
}

/** A parse of part of an archive: resume it with the bytes of each range it yields; it returns T. */
export type ZipParse<T> = Generator<ByteRange, T, Buffer>;

/** The end of an archive that can hold its end of central directory record (22 bytes and a comment of up to 64 KiB). */
export const EOCD_SEARCH_BYTES = 22 + 0xffff;

const SIG_EOCD = 0x06054b50;
const SIG_EOCD64 = 0x06064b50;
const SIG_EOCD64_LOC = 0x07064b50;
// (The central directory header signature, PK\x01\x02 = 0x02014b50, is compared byte by byte: walkCentralDirectory.)
const SIG_LFH = 0x04034b50;

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** The range, refused when it does not lie inside an archive of `size` bytes. */
function within(offset: number, length: number, size: number): ByteRange {
  if (offset < 0 || length < 0 || offset + length > size) throw new ZipError('truncated archive (a record points past the end of the file)');
  return { offset, length };
}

/** Every entry of an archive of `size` bytes, from its central directory; throws ZipError on anything malformed. */
export function* parseDirectory(size: number, limits: ZipLimits = {}): ZipParse<ZipEntry[]> {
  const { cd, count, cdOffset } = yield* readDirectory(size, limits);
  return parseCentralDirectory(cd, count, cdOffset, limits);
}

/**
 * Only the entries whose names end with `suffix` (e.g. ".dist-info/METADATA"): the central
 * directory's records are walked by their lengths and names compared as bytes; only the entries
 * that match are decoded and checked (as parseDirectory checks every entry). For reading one member
 * (a wheel's METADATA) without the cost of the whole directory; an archive to unpack needs
 * parseDirectory's checks of every entry.
 */
export function* findEntries(size: number, suffix: string, limits: ZipLimits = {}): ZipParse<ZipEntry[]> {
  const { cd, count, cdOffset } = yield* readDirectory(size, limits);
  const want = Buffer.from(suffix, 'utf8');
  const last = want[want.length - 1];
  // (The last byte first: it rules out nearly every other name without a call.)
  return walkCentralDirectory(cd, count, cdOffset, limits, (nameStart, nameEnd) => cd[nameEnd - 1] === last && nameEnd - nameStart >= want.length && cd.compare(want, 0, want.length, nameEnd - want.length, nameEnd) === 0);
}

/**
 * The central directory's records, walked by their lengths; those whose name bytes `keep` accepts
 * (all, without it) decoded, checked and returned: names unique, sizes within the limits.
 */
function walkCentralDirectory(cd: Buffer, count: number, cdOffset: number, limits: ZipLimits, keep?: (nameStart: number, nameEnd: number) => boolean): ZipEntry[] {
  const entries: ZipEntry[] = [];
  const names = new Set<string>();
  let p = 0;
  let total = 0;
  for (let i = 0; i < count; i++) {
    // Bytes read one by one, not through readUInt16LE/32LE: this loop runs once per member (thousands
    // in some wheels), mostly before V8 has optimised anything, where each call costs.
    if (p + 46 > cd.length || cd[p] !== 0x50 || cd[p + 1] !== 0x4b || cd[p + 2] !== 0x01 || cd[p + 3] !== 0x02) throw new ZipError('corrupt central directory');
    const nameEnd = p + 46 + (cd[p + 28]! | (cd[p + 29]! << 8));
    const end = nameEnd + (cd[p + 30]! | (cd[p + 31]! << 8)) + (cd[p + 32]! | (cd[p + 33]! << 8));
    if (end > cd.length) throw new ZipError('corrupt central directory');
    if (!keep || keep(p + 46, nameEnd)) {
      const entry = centralEntry(cd, p, cdOffset, limits);
      if (names.has(entry.name)) throw new ZipError(`duplicate entry ${entry.name}`);
      names.add(entry.name);
      total = addSize(total, entry, limits);
      entries.push(entry);
    }
    p = end;
  }
  return entries;
}

/** The central directory's bytes (from the tail read first when it lies there, as it does in most wheels) and its entry count. */
function* readDirectory(size: number, limits: ZipLimits): ZipParse<{ cd: Buffer; count: number; cdOffset: number }> {
  if (size < 22) throw new ZipError('not a zip archive (too small)');
  // Most archives have no comment: their record ends the file, and a short tail holds it (and often
  // the whole directory). Only when it is not found there is the longest possible tail read.
  let tailLen = Math.min(size, SHORT_TAIL);
  let tail = yield within(size - tailLen, tailLen, size);
  let at = findEocd(tail);
  if (at < 0 && tailLen < Math.min(size, EOCD_SEARCH_BYTES)) {
    tailLen = Math.min(size, EOCD_SEARCH_BYTES);
    tail = yield within(size - tailLen, tailLen, size);
    at = findEocd(tail);
  }
  if (at < 0) throw new ZipError('not a zip archive (no end of central directory record)');
  const eocdAt = size - tailLen + at;
  const eocd = tail.subarray(at, at + 22);
  if (eocd.readUInt16LE(4) !== 0 || eocd.readUInt16LE(6) !== 0) throw new ZipError('multi-disk archives are not supported');
  let count = eocd.readUInt16LE(10);
  let cdSize = eocd.readUInt32LE(12);
  let cdOffset = eocd.readUInt32LE(16);
  if (count === 0xffff || cdSize === 0xffffffff || cdOffset === 0xffffffff) {
    if (eocdAt < 20) throw new ZipError('zip64 locator missing');
    // The locator sits just before the record: in the tail already, unless a long comment pushed it out.
    const loc = at >= 20 ? tail.subarray(at - 20, at) : yield within(eocdAt - 20, 20, size);
    if (loc.readUInt32LE(0) !== SIG_EOCD64_LOC) throw new ZipError('zip64 locator missing');
    const e64 = yield within(Number(loc.readBigUInt64LE(8)), 56, size);
    if (e64.readUInt32LE(0) !== SIG_EOCD64) throw new ZipError('bad zip64 end of central directory record');
    count = Number(e64.readBigUInt64LE(32));
    cdSize = Number(e64.readBigUInt64LE(40));
    cdOffset = Number(e64.readBigUInt64LE(48));
  }
  const maxEntries = limits.maxEntries ?? 200_000;
  if (count > maxEntries) throw new ZipError(`too many entries (${count} > ${maxEntries})`);
  if (cdOffset + cdSize > size) throw new ZipError('central directory points past the end of the file');
  const tailStart = size - tailLen;
  const cd = cdOffset >= tailStart ? tail.subarray(cdOffset - tailStart, cdOffset - tailStart + cdSize) : yield within(cdOffset, cdSize, size);
  return { cd, count, cdOffset };
}

/** The tail read first: enough for the end record of an archive without a long comment, and the whole directory of a small one. */
const SHORT_TAIL = 16 * 1024;

/** Where the end of central directory record starts in `tail` (the last signature whose comment ends the file), or -1. */
function findEocd(tail: Buffer): number {
  for (let i = tail.length - 22; i >= 0; i--) {
    if (tail.readUInt32LE(i) === SIG_EOCD && i + 22 + tail.readUInt16LE(i + 20) === tail.length) return i;
  }
  return -1;
}

/** The entry whose central directory record starts at `p`, checked on its own (flags, sizes, ratio, place). */
function centralEntry(cd: Buffer, p: number, cdOffset: number, limits: ZipLimits): ZipEntry {
  const maxRatio = limits.maxRatio ?? 1100;
  const madeBy = cd.readUInt16LE(p + 4) >> 8;
  const flags = cd.readUInt16LE(p + 8);
  const method = cd.readUInt16LE(p + 10);
  const crc = cd.readUInt32LE(p + 16);
  let compressedSize = cd.readUInt32LE(p + 20);
  let uncompressed = cd.readUInt32LE(p + 24);
  const nameLen = cd.readUInt16LE(p + 28);
  const extraLen = cd.readUInt16LE(p + 30);
  const disk = cd.readUInt16LE(p + 34);
  const external = cd.readUInt32LE(p + 38);
  let offset = cd.readUInt32LE(p + 42);
  let name: string;
  try {
    name = utf8.decode(cd.subarray(p + 46, p + 46 + nameLen));
  } catch {
    throw new ZipError('an entry name is not valid UTF-8');
  }
  if (uncompressed === 0xffffffff || compressedSize === 0xffffffff || offset === 0xffffffff || disk === 0xffff) {
    const z64 = zip64Extra(cd.subarray(p + 46 + nameLen, p + 46 + nameLen + extraLen), name);
    if (uncompressed === 0xffffffff) uncompressed = z64.take();
    if (compressedSize === 0xffffffff) compressedSize = z64.take();
    if (offset === 0xffffffff) offset = z64.take();
  }
  if (flags & 0x1) throw new ZipError(`${name}: encrypted entries are not supported`);
  if (uncompressed > 1 << 20 && uncompressed > compressedSize * maxRatio) {
    throw new ZipError(`${name}: claims ${uncompressed} bytes from ${compressedSize} compressed (ratio beyond ${maxRatio}: zip bomb?)`);
  }
  if (offset + 30 + compressedSize > cdOffset) throw new ZipError(`${name}: data overlaps the central directory`);
  const unixMode = madeBy === 3 ? external >>> 16 : 0;
  const isDirectory = name.endsWith('/') || (madeBy === 3 ? (unixMode & 0o170000) === 0o040000 : (external & 0x10) !== 0);
  const isSymlink = (unixMode & 0o170000) === 0o120000;
  return { name, method, flags, crc, compressedSize, size: uncompressed, localHeaderOffset: offset, unixMode, isDirectory, isSymlink };
}

/** `total` plus the entry's size, refused past the archive's limit. */
function addSize(total: number, entry: ZipEntry, limits: ZipLimits): number {
  const maxTotal = limits.maxTotalSize ?? 8 * 2 ** 30;
  total += entry.size;
  if (total > maxTotal) throw new ZipError(`archive expands to more than ${maxTotal} bytes (zip bomb?)`);
  return total;
}

function parseCentralDirectory(cd: Buffer, count: number, cdOffset: number, limits: ZipLimits): ZipEntry[] {
  const entries = walkCentralDirectory(cd, count, cdOffset, limits);
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

/** The zip64 extended information field of `extra`: 64-bit values for the saturated fields only, in order. */
function zip64Extra(extra: Buffer, name: string): { take(): number } {
  let q = 0;
  while (q + 4 <= extra.length) {
    const id = extra.readUInt16LE(q);
    const len = extra.readUInt16LE(q + 2);
    if (q + 4 + len > extra.length) break;
    if (id === 0x0001) {
      let r = q + 4;
      const end = r + len;
      return {
        take() {
          if (r + 8 > end) throw new ZipError(`${name}: short zip64 extra field`);
          const v = Number(extra.readBigUInt64LE(r));
          r += 8;
          return v;
        },
      };
    }
    q += 4 + len;
  }
  throw new ZipError(`${name}: zip64 sizes without a zip64 extra field`);
}

/** Where the compressed bytes of `entry` lie, after checking its local header against the central directory. */
export function* parseEntryRange(entry: ZipEntry, size: number): ZipParse<ByteRange> {
  // The local name nearly always has the central directory's length: read it with the header, in one go.
  const head = yield within(entry.localHeaderOffset, 30 + Buffer.byteLength(entry.name), size);
  const at = yield* checkLocalHeader(entry, head, size);
  return within(entry.localHeaderOffset + at, entry.compressedSize, size);
}

/** Bytes of local extra field read with an entry's header and data (wheels have none, or a short one). */
const EXTRA_GUESS = 64;

/**
 * The offset of `entry`'s data from its local header, once the header (at the start of `head`) is
 * checked against the central directory: signature, and the same name (read on its own when
 * `head` does not hold it).
 */
function* checkLocalHeader(entry: ZipEntry, head: Buffer, size: number): ZipParse<number> {
  if (head.length < 30 || head.readUInt32LE(0) !== SIG_LFH) throw new ZipError(`${entry.name}: bad local header`);
  const nameLen = head.readUInt16LE(26);
  const extraLen = head.readUInt16LE(28);
  const localName = 30 + nameLen <= head.length ? head.subarray(30, 30 + nameLen) : yield within(entry.localHeaderOffset + 30, nameLen, size);
  if (!localName.equals(Buffer.from(entry.name, 'utf8')) && localName.toString('latin1') !== entry.name) {
    throw new ZipError(`${entry.name}: local header names a different file (${localName.toString('utf8').slice(0, 200)})`);
  }
  return 30 + nameLen + extraLen;
}

/**
 * The uncompressed bytes of `entry` (from parseDirectory over the same archive), checked against its
 * local header, declared size and CRC-32. `kept`: inflate with the thread's kept inflater
 * (inflate.ts inflateKept), for many small members read one after another.
 */
export function* parseEntryData(entry: ZipEntry, size: number, kept = false): ZipParse<Buffer> {
  // Header, name and data in one read (a read per file is a syscall, or an HTTP request): the data
  // is read again on its own only when a long local extra field pushed it past what was read.
  const whole = 30 + Buffer.byteLength(entry.name) + EXTRA_GUESS + entry.compressedSize;
  const buf = yield within(entry.localHeaderOffset, Math.min(whole, size - entry.localHeaderOffset), size);
  const at = yield* checkLocalHeader(entry, buf, size);
  const raw = at + entry.compressedSize <= buf.length ? buf.subarray(at, at + entry.compressedSize) : yield within(entry.localHeaderOffset + at, entry.compressedSize, size);
  return decodeEntry(entry, raw, kept);
}

/**
 * An entry's data decoded piece by piece (`push` each piece of its compressed bytes in order, then
 * `finish`): never more than its declared size comes out. An entry that inflates past that size
 * is stopped there (ZipError: zip bomb?), and the CRC-32 is checked at the end. Memory stays
 * bounded by the piece size times deflate's maximum ratio (~1032), whatever the entry's size.
 */
export class EntryDecoder {
  private out = 0;
  private crc = 0;
  private readonly inflater: RawInflater | undefined;
  private done = false;

  constructor(private readonly entry: ZipEntry) {
    if (entry.method === 0) {
      if (entry.compressedSize !== entry.size) throw new ZipError(`${entry.name}: stored entry with mismatched sizes`);
    } else if (entry.method === 8) {
      this.inflater = new RawInflater();
    } else {
      throw new ZipError(`${entry.name}: unsupported compression method ${entry.method}`);
    }
  }

  /** The decoded bytes of the next piece of compressed data (`last`: this is the final piece). */
  push(raw: Buffer, last = false): Buffer {
    let data: Buffer;
    if (!this.inflater) data = raw;
    else {
      try {
        data = this.inflater.write(raw, last);
      } catch (e) {
        this.close();
        throw new ZipError(`${this.entry.name}: corrupt deflate data (${(e as Error).message})`);
      }
    }
    if (this.out + data.length > this.entry.size) {
      this.close();
      throw new ZipError(`${this.entry.name}: inflates beyond its declared size of ${this.entry.size} bytes (zip bomb?)`);
    }
    this.out += data.length;
    this.crc = crc32(data, this.crc);
    if (last) this.finish();
    return data;
  }

  private finish(): void {
    this.close();
    if (this.done) return;
    this.done = true;
    if (this.out !== this.entry.size) throw new ZipError(`${this.entry.name}: ${this.out} bytes where the header declares ${this.entry.size}`);
    if (this.crc !== this.entry.crc) throw new ZipError(`${this.entry.name}: CRC-32 mismatch (corrupt archive)`);
  }

  close(): void {
    this.inflater?.close();
  }
}

/** The largest output buffer decodeEntry asks zlib for (a bigger entry comes out in pieces of this size). */
const MAX_CHUNK = 4 * 2 ** 20;

function decodeEntry(entry: ZipEntry, raw: Buffer, kept: boolean): Buffer {
  let out: Buffer;
  if (entry.method === 0) {
    if (entry.compressedSize !== entry.size) throw new ZipError(`${entry.name}: stored entry with mismatched sizes`);
    out = raw;
  } else if (entry.method === 8) {
    try {
      // One byte of slack: an entry that inflates past its declared size is caught below, not buffered
      // whole. The output buffer holds the whole entry (and that byte): one allocation and no copy
      // (zlib's default 16 KiB pieces are joined by a copy).
      out = kept && rawInflaterSupported()
        ? inflateKept(raw, entry.size)
        : inflateRawSync(raw, { maxOutputLength: Math.max(1, entry.size + 1), chunkSize: Math.min(Math.max(64, entry.size + 1), MAX_CHUNK) });
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
