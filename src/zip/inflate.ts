// Raw deflate, inflated synchronously piece by piece: the installer unpacks synchronously (on worker
// threads), and a big entry must reach the disk in bounded memory instead of being inflated whole.
// node:zlib has no public incremental synchronous API, so this drives a zlib stream's synchronous
// path (_processChunk without a callback) and stops it from closing the native handle after each
// piece: the technique minizlib (npm's tar) uses on every Node release. When those internals are
// missing, `supported` is false and callers inflate an entry whole, with its size as the limit.
import * as zlib from 'node:zlib';

interface ZlibInternals {
  _handle: { close(): void } | null;
  _outBuffer?: Buffer;
  close(): void;
  _processChunk(chunk: Buffer, flushFlag: number): Buffer;
  removeAllListeners(event: string): void;
}

export class RawInflater {
  private z: ZlibInternals | undefined;

  constructor() {
    this.z = zlib.createInflateRaw({ chunkSize: 256 * 1024 }) as unknown as ZlibInternals;
  }

  /**
   * Inflate the next piece of compressed input; `last` marks the end of the input. Throws on corrupt
   * data. The result is the caller's to keep (zlib may return a view of its reused output buffer:
   * that one is copied).
   */
  write(chunk: Buffer, last = false): Buffer {
    const z = this.z;
    if (!z) throw new Error('inflater closed');
    const native = z._handle;
    if (!native) throw new Error('inflater closed');
    const nativeClose = native.close;
    const close = z.close;
    native.close = () => {};
    z.close = () => {};
    try {
      const out = z._processChunk(chunk, last ? zlib.constants.Z_FINISH : zlib.constants.Z_NO_FLUSH);
      return z._outBuffer && out.buffer === z._outBuffer.buffer ? Buffer.from(out) : out;
    } finally {
      z._handle = native;
      native.close = nativeClose;
      z.close = close;
      z.removeAllListeners('error');
    }
  }

  /** Ready for a new stream (after a whole one, or one abandoned). */
  reset(): void {
    (this.z as unknown as { reset(): void } | undefined)?.reset();
  }

  close(): void {
    const z = this.z;
    this.z = undefined;
    try {
      z?.close();
    } catch {
      // already closed by an error
    }
  }
}

let works: boolean | undefined;

/** Whether RawInflater works on this Node (checked once, on a stream split in two). */
export function rawInflaterSupported(): boolean {
  if (works !== undefined) return works;
  try {
    const data = Buffer.from('venvkit '.repeat(64));
    const packed = zlib.deflateRawSync(data);
    const inf = new RawInflater();
    const half = packed.length >> 1;
    const out = Buffer.concat([inf.write(packed.subarray(0, half)), inf.write(packed.subarray(half), true)]);
    inf.close();
    works = out.equals(data);
  } catch {
    works = false;
  }
  return works;
}

/** Compressed bytes inflated per step by inflateKept: with deflate's ~1032:1 maximum, at most ~16 MiB out. */
const KEPT_PIECE = 16 * 1024;
let kept: RawInflater | undefined;

/**
 * A whole raw-deflate stream inflated by one inflater kept for the thread (reset after each use),
 * stopped with an ERR_BUFFER_TOO_LARGE error once it yields more than `limit` bytes (checked after
 * each 16 KiB of input, so never much more is held). For reading many small members one after
 * another (a resolution reads ~100 wheels' METADATA): a new zlib stream per member costs several
 * times the inflating. Callers check rawInflaterSupported() first.
 */
export function inflateKept(raw: Buffer, limit: number): Buffer {
  const inflater = kept ?? new RawInflater();
  kept = undefined; // (not shared while in use; an error leaves it closed)
  const parts: Buffer[] = [];
  let total = 0;
  try {
    let at = 0;
    do {
      const end = Math.min(raw.length, at + KEPT_PIECE);
      const piece = inflater.write(raw.subarray(at, end), end === raw.length);
      total += piece.length;
      if (total > limit) throw Object.assign(new Error(`inflates to more than ${limit} bytes`), { code: 'ERR_BUFFER_TOO_LARGE' });
      if (piece.length) parts.push(piece);
      at = end;
    } while (at < raw.length);
    inflater.reset();
    kept = inflater;
  } catch (e) {
    inflater.close();
    throw e;
  }
  return parts.length === 1 ? parts[0]! : Buffer.concat(parts, total);
}
