// CRC-32 (IEEE), from node:zlib where available (Node >= 20.15), else a table implementation.
import * as zlib from 'node:zlib';

let table: Uint32Array | undefined;

function crc32Table(data: Uint8Array, prev: number): number {
  if (!table) {
    table = new Uint32Array(256);
    for (let n = 0; n < 256; n++) {
      let c = n;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      table[n] = c >>> 0;
    }
  }
  let crc = (prev ^ 0xffffffff) >>> 0;
  for (let i = 0; i < data.length; i++) crc = table[(crc ^ data[i]) & 0xff] ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

const native = (zlib as unknown as { crc32?: (data: Uint8Array, value?: number) => number }).crc32;

/** CRC-32 of `data`, continuing from `prev` (the CRC of the bytes before it; 0 to start). */
export function crc32(data: Uint8Array, prev = 0): number {
  return native ? native(data, prev) >>> 0 : crc32Table(data, prev);
}
