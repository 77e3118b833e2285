// Reading single members of a zip (a wheel) without unpacking it: the central directory is read
// from the end of the file, then only the wanted member. Zip64 is understood. Works on a file
// handle or on any "read these bytes" function (an HTTP Range reader, for instance).
import { open } from 'node:fs/promises';
import { inflateRawSync } from 'node:zlib';

export type ReadAt = (offset: number, length: number) => Promise<Buffer>;

export interface ZipMember { name: string; method: number; compressedSize: number; size: number; localHeaderOffset: number }

/** The central directory of a zip of `size` bytes. */
export async function listZip(readAt: ReadAt, size: number): Promise<ZipMember[]> {
  const tailLen = Math.min(size, 65536 + 22);
  const tail = await readAt(size - tailLen, tailLen);
  let eocd = -1;
  for (let i = tail.length - 22; i >= 0; i--) {
    if (tail.readUInt32LE(i) === 0x06054b50) { eocd = i; break; }
  }
  if (eocd < 0) throw new Error('not a zip file (no end of central directory)');
  let count = tail.readUInt16LE(eocd + 10);
  let cdSize = tail.readUInt32LE(eocd + 12);
  let cdOffset = tail.readUInt32LE(eocd + 16);
  if (cdOffset === 0xffffffff || cdSize === 0xffffffff || count === 0xffff) {
    const loc = eocd - 20;
    if (loc < 0 || tail.readUInt32LE(loc) !== 0x07064b50) throw new Error('zip64 locator missing');
    const z64Offset = Number(tail.readBigUInt64LE(loc + 8));
    const z64 = await readAt(z64Offset, 56);
    if (z64.readUInt32LE(0) !== 0x06064b50) throw new Error('bad zip64 end of central directory');
    count = Number(z64.readBigUInt64LE(32));
    cdSize = Number(z64.readBigUInt64LE(40));
    cdOffset = Number(z64.readBigUInt64LE(48));
  }
  const cd = await readAt(cdOffset, cdSize);
  const out: ZipMember[] = [];
  let p = 0;
  for (let n = 0; n < count && p + 46 <= cd.length; n++) {
    if (cd.readUInt32LE(p) !== 0x02014b50) throw new Error('bad central directory entry');
    const method = cd.readUInt16LE(p + 10);
    let compressedSize = cd.readUInt32LE(p + 20);
    let sizeU = cd.readUInt32LE(p + 24);
    const nameLen = cd.readUInt16LE(p + 28);
    const extraLen = cd.readUInt16LE(p + 30);
    const commentLen = cd.readUInt16LE(p + 32);
    let localHeaderOffset = cd.readUInt32LE(p + 42);
    const name = cd.subarray(p + 46, p + 46 + nameLen).toString('utf8');
    // Zip64 extended information: 64-bit values for the fields that were saturated, in order.
    let e = p + 46 + nameLen;
    const end = e + extraLen;
    while (e + 4 <= end) {
      const id = cd.readUInt16LE(e);
      const len = cd.readUInt16LE(e + 2);
      if (id === 0x0001) {
        let q = e + 4;
        if (sizeU === 0xffffffff) { sizeU = Number(cd.readBigUInt64LE(q)); q += 8; }
        if (compressedSize === 0xffffffff) { compressedSize = Number(cd.readBigUInt64LE(q)); q += 8; }
        if (localHeaderOffset === 0xffffffff) { localHeaderOffset = Number(cd.readBigUInt64LE(q)); }
      }
      e += 4 + len;
    }
    out.push({ name, method, compressedSize, size: sizeU, localHeaderOffset });
    p = end + commentLen;
  }
  return out;
}

/** The uncompressed bytes of one member. */
export async function readMember(readAt: ReadAt, m: ZipMember): Promise<Buffer> {
  const header = await readAt(m.localHeaderOffset, 30);
  if (header.readUInt32LE(0) !== 0x04034b50) throw new Error(`bad local header for ${m.name}`);
  const start = m.localHeaderOffset + 30 + header.readUInt16LE(26) + header.readUInt16LE(28);
  const raw = await readAt(start, m.compressedSize);
  if (m.method === 0) return raw;
  if (m.method === 8) return inflateRawSync(raw);
  throw new Error(`${m.name}: unsupported zip compression method ${m.method}`);
}

/** Run `fn` with a ReadAt over a local file. */
export async function withZipFile<T>(path: string, fn: (readAt: ReadAt, size: number) => Promise<T>): Promise<T> {
  const fh = await open(path, 'r');
  try {
    const { size } = await fh.stat();
    const readAt: ReadAt = async (offset, length) => {
      const buf = Buffer.alloc(length);
      let got = 0;
      while (got < length) {
        const { bytesRead } = await fh.read(buf, got, length - got, offset + got);
        if (bytesRead === 0) throw new Error('unexpected end of zip file');
        got += bytesRead;
      }
      return buf;
    };
    return await fn(readAt, size);
  } finally {
    await fh.close();
  }
}
