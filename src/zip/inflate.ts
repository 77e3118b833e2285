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
