// A pylock.toml entry that is not a file from an index — a `[packages.directory]` (editable or
// not) or a `[packages.vcs]` checkout — as the local source install builds (src/build): its path
// relative to the lock's directory, its subdirectory, the commit to check out. Used by sync and by
// `install -r pylock.toml`; archives are files (pylock-select.ts picks them like wheels or sdists),
// installed with the direct_url.json pip records for them (`archive_info` with the file's hash).
import { dirname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { VenvkitError } from '../errors.js';
import type { LocalSource } from '../build/local-source.js';
import type { LockedPackage, Pylock } from './pylock-read.js';

/** What an installed distribution's direct_url.json says when it came from this entry. */
export interface DirectOrigin {
  url: string;
  editable: boolean;
  /** VCS entries: the commit installed, and the revision the lock says was asked for (recorded in direct_url.json). */
  commitId?: string;
  requestedRevision?: string;
  /** Archive entries: the lock's hashes of the file (direct_url.json's `archive_info` must agree). Archive and VCS entries: the project's subdirectory. */
  archiveHashes?: Record<string, string>;
  subdirectory?: string;
  /** Directory entries: the project directory (whose metadata files' state decides a rebuild, sync/plan.ts). */
  sourceDir?: string;
}

/** The direct_url.json an install of a directory or VCS entry records (what sync compares). */
export function directOrigin(lock: Pylock, pkg: LockedPackage): DirectOrigin | undefined {
  const base = dirname(lock.path);
  if (pkg.directory) {
    const dir = resolve(base, pkg.directory.path, pkg.directory.subdirectory ?? '');
    return { url: pathToFileURL(dir).href, editable: pkg.directory.editable, sourceDir: dir };
  }
  if (pkg.vcs) return { url: vcsUrl(lock, pkg), editable: false, commitId: pkg.vcs.commitId.toLowerCase(), ...(pkg.vcs.requestedRevision !== undefined ? { requestedRevision: pkg.vcs.requestedRevision } : {}), ...(pkg.vcs.subdirectory ? { subdirectory: pkg.vcs.subdirectory } : {}) };
  if (pkg.archive) {
    const a = pkg.archive;
    return { url: archiveUrl(lock.path, a), editable: false, archiveHashes: a.hashes, ...(a.subdirectory ? { subdirectory: a.subdirectory } : {}) };
  }
  return undefined;
}

/** An archive's URL as direct_url.json records it: a `path` (relative to the lock) as a file:// URL; no fragment. */
export function archiveUrl(lockPath: string, a: { url?: string; path?: string }): string {
  return a.path !== undefined ? pathToFileURL(resolve(dirname(lockPath), a.path)).href : a.url!.split('#', 1)[0]!;
}

function vcsUrl(lock: Pylock, pkg: LockedPackage): string {
  const v = pkg.vcs!;
  return v.url ?? pathToFileURL(resolve(dirname(lock.path), v.path!)).href;
}

/** The local source of a directory or VCS entry (undefined for files). */
export async function lockedSource(lock: Pylock, pkg: LockedPackage): Promise<LocalSource | undefined> {
  const where = `${lock.path} packages[${pkg.index}] (${pkg.name})`;
  if (pkg.directory) {
    const path = resolve(dirname(lock.path), pkg.directory.path, pkg.directory.subdirectory ?? '');
    const url = pathToFileURL(path).href;
    return { kind: 'dir', path, url, editable: pkg.directory.editable, extras: [], marker: '', text: `${where}: ${join(pkg.directory.path, pkg.directory.subdirectory ?? '')}`, name: pkg.name, fromLock: true };
  }
  if (pkg.vcs) {
    const v = pkg.vcs;
    if (v.type !== 'git') throw new VenvkitError('NOT_IMPLEMENTED', `${where} is a ${v.type} checkout; venvkit checks out git repositories only`, { hint: 'Lock that project from an index, an archive or a directory instead.' });
    if (!/^[0-9a-f]{40}$/i.test(v.commitId)) throw new VenvkitError('BAD_LOCK', `${where}: vcs.commit-id "${v.commitId}" is not a full git commit hash`, { hint: 'A lock pins the exact commit (40 hex digits): lock again.' });
    const url = vcsUrl(lock, pkg);
    const { parseVcsUrl } = await import('../build/vcs.js');
    const vcs = parseVcsUrl(`git+${url}@${v.commitId.toLowerCase()}${v.subdirectory ? `#subdirectory=${v.subdirectory}` : ''}`);
    return { kind: 'vcs', path: '', url: vcs.original, editable: false, extras: [], marker: '', text: `${where}: git+${url}@${v.commitId}`, name: pkg.name, vcs, fromLock: true };
  }
  return undefined;
}
