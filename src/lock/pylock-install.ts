// `install -r pylock.toml`, as pip 26.2 does it: the lock's selection for this interpreter (PEP 751,
// pylock-select.ts), each package as `name==version` with the lock's hashes (so the install runs in
// hash-checking mode), and the chosen file as the project's only candidate (pip's "locked link",
// which overrides the indexes), with its `size` (checked after the download: locked-size.ts). The
// resolver still runs over them, as in pip. Directory and VCS entries come back as local source,
// built first (as `install DIR` builds it); so does an archive with a `subdirectory` (a local one's
// hashes and size checked here, one at a URL downloaded and checked first: fetchLockedArchives),
// built from that directory of the unpacked archive. An archive is
// installed with the direct_url.json pip records for it: its URL and `archive_info` with its hash.
import { pathToFileURL } from 'node:url';
import { dirname, resolve } from 'node:path';
import type { Candidate, ProjectCandidates } from '../index/types.js';
import { markerEnvironment } from '../pep/markers.js';
import { compatibleTags } from '../pep/tags.js';
import type { InterpreterInfo } from '../python/types.js';
import { readPylock } from './pylock-read.js';
import type { LocalSource } from '../build/local-source.js';
import { lockedVersion, pickFile, selectPackages } from './pylock-select.js';
import { archiveUrl, lockedSource } from './pylock-sources.js';
import { checkLockedSize } from './locked-size.js';
import { VenvkitError } from '../errors.js';
import { existsSync, readFileSync } from 'node:fs';
import { createHash, getHashes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import type { LockedPackage } from './pylock-read.js';

export interface LockedRequirements {
  pins: { text: string; hashes: string[] }[];
  locked: Map<string, ProjectCandidates>;
  local: LocalSource[];
  /** Archive entries, by normalised name: the PEP 610 direct_url.json to record. */
  direct: Map<string, object>;
}

/** The direct_url.json pip 26.2 records for an archive entry (the hash is the file's, which the download verified). */
function archiveDirectUrl(url: string, hashes: Record<string, string>, subdirectory?: string): object {
  const [algo, hex] = hashes.sha256 ? ['sha256', hashes.sha256] : Object.entries(hashes)[0]!;
  return { url, archive_info: { hash: `${algo}=${hex}`, hashes: { [algo]: hex } }, ...(subdirectory ? { subdirectory } : {}) };
}

/** An archive with a subdirectory, as local source: a local file's hashes and size checked here; one at a URL fetched later (fetchLockedArchives). */
async function archiveWithSubdirectory(lockPath: string, pkg: LockedPackage, url: string): Promise<LocalSource> {
  const a = pkg.archive!;
  const where = `${lockPath} packages[${pkg.index}] (${pkg.name})`;
  // At a URL: fetched (hashes and size checked) by fetchLockedArchives, before the builds.
  if (!url.startsWith('file:')) return { kind: 'sdist', path: '', url, editable: false, extras: [], marker: '', text: `${where}: ${url}#subdirectory=${a.subdirectory}`, name: pkg.name, fromLock: true, subdirectory: a.subdirectory!, fetch: { hashes: a.hashes, ...(a.size !== undefined ? { size: a.size } : {}), where } };
  const path = fileURLToPath(url);
  if (!existsSync(path)) throw new VenvkitError('BAD_PATH', `${where}: no such archive: ${path}`, { hint: 'Check the entry\'s path or url, or lock again.' });
  const data = readFileSync(path);
  const got: Record<string, string> = {};
  for (const algo of Object.keys(a.hashes)) if (getHashes().includes(algo)) got[algo] = createHash(algo).update(data).digest('hex');
  const agrees = Object.entries(a.hashes).some(([algo, hex]) => got[algo] === hex);
  if (!agrees) throw new VenvkitError('HASH_MISMATCH', `hash mismatch for ${url} (${where}): expected ${Object.entries(a.hashes).map(([k, v]) => `${k}:${v}`).join(' or ')}, got ${Object.entries(got).map(([k, v]) => `${k}:${v}`).join(', ')}`, { hint: 'The file is not the one the lock names: lock again, or restore the file.' });
  checkLockedSize(where, a.size, url, path);
  return { kind: 'sdist', path, url, editable: false, extras: [], marker: '', text: `${where}: ${url}#subdirectory=${a.subdirectory}`, name: pkg.name, fromLock: true, subdirectory: a.subdirectory! };
}

export async function lockedRequirements(paths: readonly string[], info: InterpreterInfo): Promise<LockedRequirements> {
  const pins: { text: string; hashes: string[] }[] = [];
  const locked = new Map<string, ProjectCandidates>();
  const local: LocalSource[] = [];
  const direct = new Map<string, object>();
  const tags = compatibleTags(info);
  for (const path of paths) {
    const lock = await readPylock(path);
    for (const pkg of selectPackages(lock, { env: markerEnvironment(info) })) {
      // A directory or VCS entry is built as install builds local source; its wheel is pinned by the build.
      const source = await lockedSource(lock, pkg);
      if (source) {
        local.push(source);
        continue;
      }
      const s = pickFile(lock, pkg, tags);
      const version = lockedVersion(lock, pkg)!;
      const f = s.file;
      const url = f.path !== undefined ? pathToFileURL(resolve(dirname(path), f.path)).href : f.url!.split('#', 1)[0]!;
      if (pkg.archive) {
        if (pkg.archive.subdirectory && s.kind === 'sdist') {
          local.push(await archiveWithSubdirectory(path, pkg, url));
          continue;
        }
        direct.set(pkg.key, archiveDirectUrl(archiveUrl(path, pkg.archive), f.hashes));
      }
      const c: Candidate = { name: s.package.name, version, filename: f.name, url, hashes: f.hashes, yanked: false, source: path, ...(f.size !== undefined ? { size: f.size } : {}) };
      locked.set(s.package.key, { name: s.package.key, candidates: s.kind === 'wheel' ? [c] : [], sdists: s.kind === 'sdist' ? [c] : [], failures: [] });
      pins.push({ text: `${s.package.name}==${version}`, hashes: Object.entries(f.hashes).map(([a, h]) => `${a}:${h}`) });
    }
  }
  return { pins, locked, local, direct };
}

/** A download error of a locked file, naming the lock entry (a hash mismatch: the lock's hash, not an index's). */
export function lockedDownloadError(e: unknown, where: string): unknown {
  if (!(e instanceof VenvkitError)) return e;
  if (e.code === 'INDEX_ERROR') return new VenvkitError('INDEX_ERROR', `${where}: ${e.message}`, { hint: e.hint ?? 'The lock names a file that cannot be read from here: check its URL (and the network), or lock again.', cause: e });
  if (e.code === 'HASH_MISMATCH') return new VenvkitError('HASH_MISMATCH', `${where}: ${e.message}`, { hint: 'The file served is not the one the lock names (a corrupt download, or the file changed): the file was not used. Check where it is served from, or lock again.', cause: e });
  return e;
}

/** The archives of `local` at a URL (`fetch`), downloaded: the lock's hashes and size checked (else HASH_MISMATCH or BAD_LOCK, nothing built); the others as they are. */
export async function fetchLockedArchives(local: readonly LocalSource[], client: { download(c: Candidate, o: { requiredHashes: string[] }): Promise<{ path: string }> }): Promise<LocalSource[]> {
  return Promise.all(local.map(async (s) => {
    if (!s.fetch) return s;
    const filename = decodeURIComponent(new URL(s.url).pathname.split('/').pop() ?? s.url);
    const c: Candidate = { name: s.name ?? '', version: '', filename, url: s.url, hashes: s.fetch.hashes, yanked: false, source: s.fetch.where };
    const got = await client.download(c, { requiredHashes: Object.entries(s.fetch.hashes).map(([algo, hex]) => `${algo}:${hex}`) }).catch((e: unknown) => {
      throw lockedDownloadError(e, s.fetch!.where);
    });
    checkLockedSize(s.fetch.where, s.fetch.size, s.url, got.path);
    const { fetch: _, ...rest } = s;
    return { ...rest, path: got.path };
  }));
}
