import { mkdirSync, renameSync, writeFileSync, rmSync } from 'node:fs';
import { dirname } from 'node:path';

let counter = 0;

/**
 * A suffix no other live process or call in this one will produce: pid, a per-process counter and
 * some randomness (node:crypto is not loaded for this: it costs milliseconds at start-up).
 */
export function uniqueSuffix(): string {
  return `${process.pid}-${(counter++).toString(36)}${Math.random().toString(36).slice(2, 8)}`;
}

/** A unique sibling name for staging `path` (same directory, so rename is atomic). */
export function stagingName(path: string, tag = 'tmp'): string {
  return `${path}.${tag}-${uniqueSuffix()}`;
}

/**
 * A short, stable file-name key for a string (64-bit FNV-1a, hex). Not cryptographic: cache entries
 * keyed by it store the full key and check it on read, so a collision only costs a cache miss.
 */
export function cacheKey(s: string): string {
  let h1 = 0x811c9dc5;
  let h2 = 0xcbf29ce4;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 0x01000193) >>> 0;
    h2 = Math.imul(h2 ^ c ^ (h1 >>> 7), 0x01000193) >>> 0;
  }
  return h1.toString(16).padStart(8, '0') + h2.toString(16).padStart(8, '0');
}

/**
 * Write a cache file so readers see the old content or the new, never a torn one. Directories it
 * makes are 0700 and the file 0644 (cache readers refuse group/other-writable files, whatever the
 * umask); the temp file is created exclusively, so a link planted at its name is not followed.
 */
export function writeFileAtomic(path: string, data: string | Uint8Array, mode = 0o644): void {
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  const tmp = stagingName(path);
  try {
    writeFileSync(tmp, data, { mode, flag: 'wx' });
    renameSync(tmp, path);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw e;
  }
}
