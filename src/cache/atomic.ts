import { randomBytes } from 'node:crypto';
import { mkdirSync, renameSync, writeFileSync, rmSync } from 'node:fs';
import { dirname } from 'node:path';

/** A unique sibling name for staging `path` (same directory, so rename is atomic). */
export function stagingName(path: string, tag = 'tmp'): string {
  return `${path}.${tag}-${process.pid}-${randomBytes(4).toString('hex')}`;
}

/** Write a file so readers see the old content or the new, never a torn one. */
export function writeFileAtomic(path: string, data: string | Uint8Array, mode?: number): void {
  mkdirSync(dirname(path), { recursive: true });
  const tmp = stagingName(path);
  try {
    writeFileSync(tmp, data, mode === undefined ? undefined : { mode });
    renameSync(tmp, path);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw e;
  }
}
