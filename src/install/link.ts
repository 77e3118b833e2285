// Putting a cached file into an environment: clone (reflink), else hard link, else copy.
import { chmodSync, constants, copyFileSync, linkSync, writeFileSync } from 'node:fs';
import { errnoCode } from '../errors.js';

export type LinkMode = 'clone' | 'hardlink' | 'copy';
export const LINK_MODES: LinkMode[] = ['clone', 'hardlink', 'copy'];

/** Errors that mean "this way of linking does not work here", not "this file is broken". */
const UNSUPPORTED = new Set(['ENOTSUP', 'EOPNOTSUPP', 'EXDEV', 'EINVAL', 'ENOSYS', 'EPERM', 'EMLINK', 'ETXTBSY', 'EACCES']);

/**
 * Links files from the cache, starting with `mode` and falling back (clone -> hardlink -> copy)
 * the first time a way is unsupported; the fallback then sticks for this Linker.
 */
export class Linker {
  mode: LinkMode;
  /** How many files went each way (for reports and tests). */
  counts: Record<LinkMode, number> = { clone: 0, hardlink: 0, copy: 0 };

  constructor(mode: LinkMode = 'clone') {
    this.mode = mode;
  }

  /** Place `src` at `dst` (which must not exist). A hard link shares its mode with the cache file. */
  place(src: string, dst: string, exec: boolean): void {
    for (;;) {
      try {
        if (this.mode === 'clone') copyFileSync(src, dst, constants.COPYFILE_FICLONE_FORCE | constants.COPYFILE_EXCL);
        else if (this.mode === 'hardlink') linkSync(src, dst);
        else copyFileSync(src, dst, constants.COPYFILE_EXCL);
        this.counts[this.mode]++;
        if (this.mode !== 'hardlink' && exec) chmodSync(dst, 0o755);
        return;
      } catch (e) {
        const code = errnoCode(e);
        if (this.mode === 'copy' || !code || !UNSUPPORTED.has(code)) throw e;
        this.mode = this.mode === 'clone' ? 'hardlink' : 'copy';
      }
    }
  }
}

/** Write generated content (launchers, rewritten scripts, INSTALLER...). */
export function writeGenerated(dst: string, data: Buffer, exec: boolean): void {
  writeFileSync(dst, data, { mode: exec ? 0o755 : 0o644, flag: 'wx' });
}
