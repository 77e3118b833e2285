// `install -r pylock.toml`, as pip 26.2 does it: the lock's selection for this interpreter (PEP 751,
// pylock-select.ts), each package as `name==version` with the lock's hashes (so the install runs in
// hash-checking mode), and the chosen file as the project's only candidate (pip's "locked link",
// which overrides the indexes). The resolver still runs over them, as in pip. Directory and VCS
// entries come back as local source, built first (as `install DIR` builds it).
import { pathToFileURL } from 'node:url';
import { dirname, resolve } from 'node:path';
import type { Candidate, ProjectCandidates } from '../index/types.js';
import { markerEnvironment } from '../pep/markers.js';
import { compatibleTags } from '../pep/tags.js';
import type { InterpreterInfo } from '../python/types.js';
import { readPylock } from './pylock-read.js';
import type { LocalSource } from '../build/local-source.js';
import { lockedVersion, pickFile, selectPackages } from './pylock-select.js';
import { lockedSource } from './pylock-sources.js';

export async function lockedRequirements(paths: readonly string[], info: InterpreterInfo): Promise<{ pins: { text: string; hashes: string[] }[]; locked: Map<string, ProjectCandidates>; local: LocalSource[] }> {
  const pins: { text: string; hashes: string[] }[] = [];
  const locked = new Map<string, ProjectCandidates>();
  const local: LocalSource[] = [];
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
      const c: Candidate = { name: s.package.name, version, filename: f.name, url, hashes: f.hashes, yanked: false, source: path };
      locked.set(s.package.key, { name: s.package.key, candidates: s.kind === 'wheel' ? [c] : [], sdists: s.kind === 'sdist' ? [c] : [], failures: [] });
      pins.push({ text: `${s.package.name}==${version}`, hashes: Object.entries(f.hashes).map(([a, h]) => `${a}:${h}`) });
    }
  }
  return { pins, locked, local };
}
