// The Python-looking names in a directory, remembered on disk per directory and reused while the
// directory's mtime and inode are unchanged (adding, removing or renaming an entry changes them).
// Listing /usr/bin costs over a millisecond; one stat and a shared small JSON file cost far less.
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from '../cache/atomic.js';
import { readOwnText, usableCacheDir } from '../cache/trust.js';

const VERSION = 1;
/** A listing taken within this long of the directory's last change may miss a same-tick change: not kept. */
const RACY_MS = 2000;

interface Entry { mtimeMs: number; ino: number; names: string[] }

export class DirCache {
  private entries: Record<string, Entry> | undefined;
  private dirty = false;
  /** undefined: the cache may not be used (cache/trust.ts); checked on first use. */
  private file: string | undefined | null = null;

  constructor(
    private readonly env: NodeJS.ProcessEnv,
    private readonly select: (names: string[]) => string[],
  ) {}

  private cacheFile(): string | undefined {
    if (this.file === null) {
      const dir = usableCacheDir('discovery', this.env);
      this.file = dir && join(dir, 'dirs.json');
    }
    return this.file;
  }

  private load(): Record<string, Entry> {
    if (!this.entries) {
      try {
        const file = this.cacheFile();
        const data = JSON.parse((file && readOwnText(file)) ?? '') as { v: number; dirs: Record<string, Entry> };
        this.entries = data.v === VERSION && data.dirs && typeof data.dirs === 'object' ? data.dirs : {};
      } catch {
        this.entries = {};
      }
    }
    return this.entries;
  }

  /** The selected names in `dir` ([] when it does not exist or cannot be read). */
  names(dir: string): string[] {
    let st;
    try {
      st = statSync(dir, { throwIfNoEntry: false });
    } catch {
      return [];
    }
    if (!st || !st.isDirectory()) return [];
    const entries = this.load();
    const known = entries[dir];
    if (known && known.mtimeMs === st.mtimeMs && known.ino === st.ino) return known.names;
    let names: string[];
    try {
      names = this.select(readdirSync(dir));
    } catch {
      return [];
    }
    if (Date.now() - st.mtimeMs > RACY_MS) {
      entries[dir] = { mtimeMs: st.mtimeMs, ino: st.ino, names };
      this.dirty = true;
    }
    return names;
  }

  /** Write what changed (a read-only cache only costs speed). */
  flush(): void {
    if (!this.dirty || !this.entries) return;
    this.dirty = false;
    const file = this.cacheFile();
    if (!file) return;
    try {
      writeFileAtomic(file, JSON.stringify({ v: VERSION, dirs: this.entries }));
    } catch {
      // ignore
    }
  }
}
