// The Python-looking names in a directory, remembered on disk per directory and reused while the
// directory's mtime and inode are unchanged (adding, removing or renaming an entry changes them).
// Listing /usr/bin costs over a millisecond; one stat and a shared small JSON file cost far less.
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from '../cache/atomic.js';
import { cacheDir } from '../cache/dirs.js';

const VERSION = 1;
/** A listing taken within this long of the directory's last change may miss a same-tick change: not kept. */
const RACY_MS = 2000;

interface Entry { mtimeMs: number; ino: number; names: string[] }

export class DirCache {
  private entries: Record<string, Entry> | undefined;
  private dirty = false;
  private readonly file: string;

  constructor(
    env: NodeJS.ProcessEnv,
    private readonly select: (names: string[]) => string[],
  ) {
    this.file = join(cacheDir('discovery', env), 'dirs.json');
  }

  private load(): Record<string, Entry> {
    if (!this.entries) {
      try {
        const data = JSON.parse(readFileSync(this.file, 'utf8')) as { v: number; dirs: Record<string, Entry> };
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
    try {
      writeFileAtomic(this.file, JSON.stringify({ v: VERSION, dirs: this.entries }));
    } catch {
      // ignore
    }
  }
}
