// `install -r pylock.toml`, as pip 26.2 does it: the lock's selection for this interpreter (PEP 751,
// pylock-select.ts), each package as `name==version` with the lock's hashes (so the install runs in
// hash-checking mode), and the chosen file as the project's only candidate (pip's "locked link",
// which overrides the indexes), with its `size` (checked after the download: locked-size.ts). The
// resolver still runs over them, as in pip. Directory and VCS entries come back as local source,
// built first (as `install DIR` builds it); so does a local archive with a `subdirectory` (its hashes
// and size checked here), built from that directory of the unpacked archive. An archive is
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

/** A local archive with a subdirectory, as local source: its hashes and size checked first (it is not downloaded). */
async function archiveWithSubdirectory(lockPath: string, pkg: LockedPackage, url: string): Promise<LocalSource> {
  const a = pkg.archive!;
  const where = `${lockPath} packages[${pkg.index}] (${pkg.name})`;
  if (!url.startsWith('file:')) {
    throw new VenvkitError('NOT_IMPLEMENTED', `${where}: install -r builds an archive's subdirectory from a local file only (${url})`, { hint: `Use \`venvkit sync ${lockPath}\`, which downloads it first.` });
  }
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
