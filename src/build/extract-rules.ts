// The rules an sdist's members are held to when unpacked (PEP 706's tarfile "data" filter as the
// floor): the mode a regular file gets, and whether a symlink ends inside the destination once
// every symlink already on disk is followed.
import { lstatSync, readlinkSync } from 'node:fs';
import { dirname, join, sep } from 'node:path';

/** PEP 706's data filter for a regular file: owner read/write on, group/other write off, no setuid/setgid/sticky, exec for group/other only with the owner's. */
export function fileMode(mode: number): number {
  let m = (mode & 0o777 & ~0o022) | 0o600;
  if (!(m & 0o100)) m &= ~0o011;
  return m;
}

/**
 * Whether `linkpath`, read as a symlink in `fromDir`, ends inside `root` when resolved against the
 * file system as it stands (symlinks already made are followed, a chain too; missing parts are
 * taken lexically). A loop counts as outside.
 */
export function insideAfterResolving(root: string, fromDir: string, linkpath: string): boolean {
  let hops = 0;
  const walk = (start: string, rel: string): string | undefined => {
    let cur = start;
    for (const comp of rel.split(/[\\/]/)) {
      if (comp === '' || comp === '.') continue;
      if (comp === '..') {
        cur = dirname(cur);
        continue;
      }
      const next = join(cur, comp);
      let st;
      try {
        st = lstatSync(next);
      } catch {
        cur = next;
        continue;
      }
      if (st.isSymbolicLink()) {
        if (++hops > 40) return undefined;
        const t = readlinkSync(next);
        if (t.startsWith('/') || /^[A-Za-z]:/.test(t)) return undefined;
        const r = walk(cur, t);
        if (r === undefined) return undefined;
        cur = r;
      } else cur = next;
    }
    return cur;
  };
  const end = walk(fromDir, linkpath);
  return end !== undefined && (end === root || end.startsWith(root.endsWith(sep) ? root : root + sep));
}

export function lstatOrUndefined(p: string) {
  try {
    return lstatSync(p);
  } catch {
    return undefined;
  }
}
