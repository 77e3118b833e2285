// Builds wheels (and hostile archives) for tests: a small zip writer with knobs for lying headers,
// symlinks, odd names and exec bits, and a wheel builder that writes WHEEL/METADATA/RECORD.
import { createHash } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { constants, crc32, createDeflateRaw, deflateRawSync } from 'node:zlib';

export interface RawEntry {
  name: string;
  data: Buffer | string;
  /** Unix mode bits (default 0o100644); 0o120777 makes a symlink entry. */
  mode?: number;
  /** 0 stored, 8 deflate (default 8). */
  method?: number;
  /** Lie about the uncompressed size in both headers. */
  declaredSize?: number;
  /** Lie about the CRC. */
  crc?: number;
  /** Local header name differing from the central directory's. */
  localName?: string;
  /** Point this central entry at another entry's local header (overlap). */
  sameOffsetAs?: string;
  /** Already deflated data (method 8) with its real size and CRC: big entries without holding them whole. */
  packed?: { body: Buffer; size: number; crc: number };
  /** An extra field in the local header only (the central directory's has none). */
  localExtra?: Buffer;
}

/** Write a zip archive from raw entries (no zip64). */
export function writeZip(path: string, entries: RawEntry[]): void {
  const chunks: Buffer[] = [];
  const central: Buffer[] = [];
  const offsets = new Map<string, number>();
  let offset = 0;
  for (const e of entries) {
    const data = Buffer.isBuffer(e.data) ? e.data : Buffer.from(e.data, 'utf8');
    const method = e.packed ? 8 : e.method ?? 8;
    const body = e.packed ? e.packed.body : method === 8 ? deflateRawSync(data) : data;
    const crc = e.crc ?? (e.packed ? e.packed.crc : crc32(data));
    const size = e.declaredSize ?? (e.packed ? e.packed.size : data.length);
    const name = Buffer.from(e.name, 'utf8');
    const lname = Buffer.from(e.localName ?? e.name, 'utf8');
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(0x800, 6);
    local.writeUInt16LE(method, 8);
    local.writeUInt32LE(crc >>> 0, 14);
    local.writeUInt32LE(body.length, 18);
    local.writeUInt32LE(size, 22);
    local.writeUInt16LE(lname.length, 26);
    const extra = e.localExtra ?? Buffer.alloc(0);
    local.writeUInt16LE(extra.length, 28);
    const at = e.sameOffsetAs !== undefined ? offsets.get(e.sameOffsetAs)! : offset;
    if (e.sameOffsetAs === undefined) {
      offsets.set(e.name, offset);
      chunks.push(local, lname, extra, body);
      offset += local.length + lname.length + extra.length + body.length;
    }
    const c = Buffer.alloc(46);
    c.writeUInt32LE(0x02014b50, 0);
    c.writeUInt16LE((3 << 8) | 20, 4);
    c.writeUInt16LE(20, 6);
    c.writeUInt16LE(0x800, 8);
    c.writeUInt16LE(method, 10);
    c.writeUInt32LE(crc >>> 0, 16);
    c.writeUInt32LE(body.length, 20);
    c.writeUInt32LE(size, 24);
    c.writeUInt16LE(name.length, 28);
    c.writeUInt32LE(((e.mode ?? 0o100644) << 16) >>> 0, 38);
    c.writeUInt32LE(at, 42);
    central.push(c, name);
  }
  const cd = Buffer.concat(central);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(cd.length, 12);
  end.writeUInt32LE(offset, 16);
  writeFileSync(path, Buffer.concat([...chunks, cd, end]));
}

/**
 * `size` bytes of `fill` (a byte, or a block repeated), deflated as a stream (never held whole), with the RECORD hash and CRC-32
 * of the uncompressed data: a big entry for a small wheel.
 */
export function packedFill(size: number, fill: number | Buffer = 0): { body: Buffer; size: number; crc: number; record: string } {
  const chunk = typeof fill === 'number' ? Buffer.alloc(Math.min(size, 1 << 20), fill) : fill;
  const out: Buffer[] = [];
  const sha = createHash('sha256');
  let crc = 0;
  let left = size;
  // Synchronous streaming: deflate each piece with Z_SYNC_FLUSH through one raw deflate context.
  const z = createDeflateRaw();
  const zi = z as unknown as { _processChunk(b: Buffer, flag: number): Buffer; _handle: { close(): void } | null; close(): void };
  const write = (b: Buffer, flag: number) => {
    const native = zi._handle!;
    const nc = native.close;
    const c = zi.close;
    native.close = () => {};
    zi.close = () => {};
    try {
      out.push(Buffer.from(zi._processChunk(b, flag)));
    } finally {
      zi._handle = native;
      native.close = nc;
      zi.close = c;
      z.removeAllListeners('error');
    }
  };
  while (left > 0) {
    const piece = left >= chunk.length ? chunk : chunk.subarray(0, left);
    sha.update(piece);
    crc = crc32(piece, crc);
    left -= piece.length;
    write(piece, left > 0 ? constants.Z_NO_FLUSH : constants.Z_FINISH);
  }
  z.close();
  return { body: Buffer.concat(out), size, crc, record: `sha256=${sha.digest('base64url')}` };
}

export const recordHash = (data: Buffer | string) => `sha256=${createHash('sha256').update(data).digest('base64url')}`;

export interface WheelSpec {
  name: string;
  version: string;
  /** Tag part of the file name (default py3-none-any). */
  tag?: string;
  /** Override the file name entirely. */
  filename?: string;
  /** Archive files besides .dist-info: path -> content (or { data, mode }). */
  files?: Record<string, string | Buffer | { data: string | Buffer; mode?: number }>;
  console?: Record<string, string>;
  gui?: Record<string, string>;
  rootIsPurelib?: boolean;
  /** WHEEL text (default a valid one for `tag`); null leaves WHEEL out. */
  wheel?: string | null;
  /** METADATA text (default Name/Version); null leaves it out. */
  metadata?: string | null;
  /** Rewrite RECORD rows before writing (tamper); null leaves RECORD out. */
  record?: ((rows: string[]) => string[]) | null;
  /** Raw entries appended after everything (hostile additions), listed in RECORD unless unlisted is set. */
  extra?: (RawEntry & { unlisted?: boolean })[];
}

/** Build a wheel in `dir`; returns its path. */
export function buildWheel(dir: string, spec: WheelSpec): string {
  const tag = spec.tag ?? 'py3-none-any';
  const escaped = spec.name.replace(/[-_.]+/g, '_');
  const distInfo = `${escaped}-${spec.version}.dist-info`;
  const entries: RawEntry[] = [];
  for (const [path, v] of Object.entries(spec.files ?? {})) {
    if (typeof v === 'string' || Buffer.isBuffer(v)) entries.push({ name: path, data: v });
    else entries.push({ name: path, data: v.data, mode: v.mode });
  }
  const meta = spec.metadata === undefined ? `Metadata-Version: 2.1\nName: ${spec.name}\nVersion: ${spec.version}\n` : spec.metadata;
  if (meta !== null) entries.push({ name: `${distInfo}/METADATA`, data: meta });
  const wheel = spec.wheel === undefined ? `Wheel-Version: 1.0\nGenerator: venvkit-tests\nRoot-Is-Purelib: ${spec.rootIsPurelib ?? true}\n${tag.split('-')[0].split('.').flatMap((py) => tag.split('-')[1].split('.').flatMap((abi) => tag.split('-')[2].split('.').map((plat) => `Tag: ${py}-${abi}-${plat}\n`))).join('')}` : spec.wheel;
  if (wheel !== null) entries.push({ name: `${distInfo}/WHEEL`, data: wheel });
  if (spec.console || spec.gui) {
    let ep = '';
    if (spec.console) ep += '[console_scripts]\n' + Object.entries(spec.console).map(([k, v]) => `${k} = ${v}\n`).join('');
    if (spec.gui) ep += '[gui_scripts]\n' + Object.entries(spec.gui).map(([k, v]) => `${k} = ${v}\n`).join('');
    entries.push({ name: `${distInfo}/entry_points.txt`, data: ep });
  }
  const extra = spec.extra ?? [];
  let rows = [...entries, ...extra.filter((e) => !e.unlisted)].map((e) => `${e.name},${recordHash(e.data)},${Buffer.byteLength(e.data)}`);
  rows.push(`${distInfo}/RECORD,,`);
  if (spec.record !== null) {
    if (spec.record) rows = spec.record(rows);
    entries.push({ name: `${distInfo}/RECORD`, data: rows.join('\n') + '\n' });
  }
  const filename = spec.filename ?? `${escaped}-${spec.version}-${tag}.whl`;
  const path = join(dir, filename);
  writeZip(path, [...entries, ...extra]);
  return path;
}
