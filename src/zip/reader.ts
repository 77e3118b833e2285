// The two ways to read a zip, both on the one parser of parse.ts: ZipReader through a file
// descriptor (synchronous; large archives are never loaded whole), RangeZipReader through any
// asynchronous "read these bytes" function (HTTP Range requests, for a wheel's METADATA).
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { EntryDecoder, EOCD_SEARCH_BYTES, findEntries, parseDirectory, parseEntryData, parseEntryRange, ZipError, type ByteRange, type ZipEntry, type ZipLimits, type ZipParse } from './parse.js';
import { rawInflaterSupported } from './inflate.js';

export { EOCD_SEARCH_BYTES, ZipError, type ZipEntry, type ZipLimits } from './parse.js';

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
      return new ZipReader(fd, size, runSync(parseDirectory(size, limits), fd));
    } catch (e) {
      closeSync(fd);
      throw e;
    }
  }

  /**
   * Open `path` for reading its members named `*suffix` only (`entries` holds just those): the
   * directory's other records are skipped, not decoded or checked. Not for unpacking (open() is).
   * The archive's last 64 KiB are read at once and kept: they hold the end record, the directory
   * and a wheel's .dist-info members in nearly every wheel (93 of jupyter's 97), so reading
   * METADATA then costs one read instead of three or four. With `scratch` (at least FIND_TAIL
   * bytes) the tail is read into it, not into new memory: what read() returns may then be a view
   * of it, good until the scratch is used again.
   */
  static find(path: string, suffix: string, limits: ZipLimits = {}, scratch?: Buffer): ZipReader {
    const fd = openSync(path, 'r');
    try {
      const size = fstatSync(fd).size;
      const tailLength = Math.min(size, FIND_TAIL);
      const into = scratch && scratch.length >= tailLength ? scratch.subarray(0, tailLength) : undefined;
      const tail = { offset: size - tailLength, bytes: readFd(fd, { offset: size - tailLength, length: tailLength }, into) };
      const reader = new ZipReader(fd, size, runSync(findEntries(size, suffix, limits), fd, tail));
      reader.tail = tail;
      return reader;
    } catch (e) {
      closeSync(fd);
      throw e;
    }
  }

  /** The bytes find() read first (ranges inside them are not read again). */
  private tail: Tail | undefined;

  close(): void {
    if (this.fd >= 0) closeSync(this.fd);
    this.fd = -1;
  }

  /**
   * The uncompressed bytes of `entry` in memory, checked against its declared size and CRC-32.
   * For small members (metadata): an entry declaring more than `maxSize` bytes is refused.
   */
  read(entry: ZipEntry, maxSize = READ_LIMIT): Buffer {
    if (entry.size > maxSize) throw new ZipError(`${entry.name}: ${entry.size} bytes is too large to read into memory (the limit is ${maxSize})`);
    // (An archive opened by find() is read for a member or two: the thread's kept inflater serves.)
    return runSync(parseEntryData(entry, this.fileSize, this.tail !== undefined), this.fd, this.tail);
  }

  /**
   * Stream the uncompressed bytes of `entry` to `onData` in pieces, checked as they come (never past
   * its declared size; CRC-32 at the end): memory stays bounded whatever the entry's size. A ZipError
   * may come after some pieces were delivered; the caller discards what it wrote.
   */
  stream(entry: ZipEntry, onData: (piece: Buffer) => void, pieceSize = PIECE): void {
    if (entry.size <= WHOLE_LIMIT || (entry.method === 8 && !rawInflaterSupported())) {
      // Small entries (nearly all) in one go, bounded by their declared size; likewise every entry
      // on a Node without incremental inflate.
      onData(runSync(parseEntryData(entry, this.fileSize), this.fd));
      return;
    }
    const range = runSync(parseEntryRange(entry, this.fileSize), this.fd);
    const decoder = new EntryDecoder(entry);
    try {
      const end = range.offset + range.length;
      let at = range.offset;
      do {
        const n = Math.min(pieceSize, end - at);
        const piece = decoder.push(readFd(this.fd, { offset: at, length: n }), at + n === end);
        at += n;
        if (piece.length) onData(piece);
      } while (at < end);
    } finally {
      decoder.close();
    }
  }
}

/** Compressed bytes read per piece when streaming: with deflate's ~1032:1 maximum, at most ~16 MiB out. */
const PIECE = 16 * 1024;
/** Entries up to this size are decoded in one piece. */
const WHOLE_LIMIT = 1024 * 1024;
/** The most ZipReader.read holds in memory by default. */
export const READ_LIMIT = 64 * 2 ** 20;

/** Exactly `length` bytes at `offset` (the parser has checked the range against the archive's size). */
export type ReadAt = (offset: number, length: number) => Promise<Buffer>;

export class RangeZipReader {
  readonly entries: ZipEntry[];
  private readonly readAt: ReadAt;
  readonly size: number;

  private constructor(readAt: ReadAt, size: number, entries: ZipEntry[]) {
    this.readAt = readAt;
    this.size = size;
    this.entries = entries;
  }

  /** Read the central directory of the `size`-byte archive behind `readAt`; rejects with ZipError on anything malformed. */
  static async open(readAt: ReadAt, size: number, limits: ZipLimits = {}): Promise<RangeZipReader> {
    return new RangeZipReader(readAt, size, await runAsync(parseDirectory(size, limits), readAt));
  }

  /** As ZipReader.find: only the members named `*suffix`. */
  static async find(readAt: ReadAt, size: number, suffix: string, limits: ZipLimits = {}): Promise<RangeZipReader> {
    return new RangeZipReader(readAt, size, await runAsync(findEntries(size, suffix, limits), readAt));
  }

  /** The uncompressed bytes of `entry`, checked against its declared size and CRC-32. */
  read(entry: ZipEntry): Promise<Buffer> {
    return runAsync(parseEntryData(entry, this.size), this.readAt);
  }
}

/** Bytes of the archive already read, from `offset` on. */
interface Tail {
  offset: number;
  bytes: Buffer;
}

/** What find() reads first: the longest tail that can hold the end record (a 64 KiB comment at most). */
export const FIND_TAIL = EOCD_SEARCH_BYTES;

function runSync<T>(parse: ZipParse<T>, fd: number, tail?: Tail): T {
  let step = parse.next();
  while (!step.done) {
    const { offset, length } = step.value;
    const inTail = tail !== undefined && offset >= tail.offset && offset + length <= tail.offset + tail.bytes.length;
    step = parse.next(inTail ? tail.bytes.subarray(offset - tail.offset, offset - tail.offset + length) : readFd(fd, step.value));
  }
  return step.value;
}

async function runAsync<T>(parse: ZipParse<T>, readAt: ReadAt): Promise<T> {
  let step = parse.next();
  while (!step.done) {
    const { offset, length } = step.value;
    const buf = await readAt(offset, length);
    if (buf.length !== length) throw new ZipError('truncated archive');
    step = parse.next(buf);
  }
  return step.value;
}

function readFd(fd: number, { offset, length }: ByteRange, into?: Buffer): Buffer {
  const buf = into ?? Buffer.allocUnsafe(length);
  let got = 0;
  while (got < length) {
    const n = readSync(fd, buf, got, length - got, offset + got);
    if (n === 0) throw new ZipError('truncated archive');
    got += n;
  }
  return buf;
}
