import { readdirSync } from 'node:fs';
import { join } from 'node:path';

/** The subdirectories (and links, which may point at directories) of `dir`; [] when unreadable. */
export function subdirs(dir: string): string[] {
  try {
    return readdirSync(dir, { withFileTypes: true })
      .filter((d) => (d.isDirectory() || d.isSymbolicLink()) && !d.name.startsWith('.'))
      .map((d) => join(dir, d.name));
  } catch {
    return [];
  }
}
