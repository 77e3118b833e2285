/**
 * pylock.toml (the PEP 751 "pylock.toml specification", lock-version 1.0): keys in the
 * specification's order, packages sorted by name, version and marker, files by name, hashes by
 * algorithm; laid out as pip 26's `pip lock` writes it (toml-write.ts). Pure.
 */
import type { FileFacts } from './file-facts.js';
import type { DirectSource } from './local-projects.js';
import type { LockedPackage } from './merge.js';
import { stringifyToml, utcDateTime, type TomlTable } from './toml-write.js';

export interface PylockDocument {
  environments: string[];
  requiresPython?: string;
  extras: string[];
  dependencyGroups: string[];
  defaultGroups: string[];
  packages: readonly LockedPackage[];
  files: ReadonlyMap<string, FileFacts>;
  /** Index URLs (as configured) a package's `index` may name: the one its files came from. */
  indexes: readonly string[];
  /** Entries from a directory, an archive or a VCS checkout, by name (local-projects.ts). */
  direct?: ReadonlyMap<string, DirectSource>;
}

const sortedKeys = (o: Record<string, string>): Record<string, string> => Object.fromEntries(Object.entries(o).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));

function fileTable(f: FileFacts): TomlTable {
  const upload = f.uploadTime ? utcDateTime(f.uploadTime) : undefined;
  return {
    name: f.name,
    'upload-time': upload,
    url: f.url,
    size: f.size,
    hashes: sortedKeys(f.hashes),
  };
}

/** An entry from a directory, an archive or a VCS checkout: no version, as pip 26.2 writes it. */
function directTable(p: LockedPackage, d: DirectSource, facts: (url: string) => FileFacts): TomlTable {
  const head = { name: p.name, marker: p.marker || undefined };
  if (d.kind === 'directory') return { ...head, directory: { path: d.path, editable: d.editable || undefined, subdirectory: d.subdirectory } };
  if (d.kind === 'vcs') return { ...head, vcs: { type: d.type, url: d.url, 'requested-revision': d.requestedRevision, 'commit-id': d.commitId, subdirectory: d.subdirectory } };
  const f = d.fileUrl !== undefined ? facts(d.fileUrl) : undefined;
  return { ...head, archive: { url: d.url, size: f?.size ?? d.size, hashes: sortedKeys(f?.hashes ?? d.hashes ?? {}) } };
}

/** The pylock.toml text for `doc`. */
export function writePylock(doc: PylockDocument): string {
  const facts = (url: string) => {
    const f = doc.files.get(url);
    if (!f) throw new Error(`pylock: no facts for ${url} (this is a bug)`);
    return f;
  };
  const packages: TomlTable[] = doc.packages.map((p) => {
    const d = doc.direct?.get(p.name);
    if (d) return directTable(p, d, facts);
    const first = p.sdist ?? p.wheels[0];
    const index = first && doc.indexes.includes(first.source) ? first.source : undefined;
    return {
      name: p.name,
      version: p.version,
      marker: p.marker || undefined,
      'requires-python': p.requiresPython,
      index,
      sdist: p.sdist ? fileTable(facts(p.sdist.url)) : undefined,
      wheels: p.wheels.length ? p.wheels.map((w) => fileTable(facts(w.url))) : undefined,
    };
  });
  const top: TomlTable = {
    'lock-version': '1.0',
    environments: doc.environments.length ? doc.environments : undefined,
    'requires-python': doc.requiresPython,
    extras: doc.extras.length ? doc.extras : undefined,
    'dependency-groups': doc.dependencyGroups.length ? doc.dependencyGroups : undefined,
    'default-groups': doc.defaultGroups.length ? doc.defaultGroups : undefined,
    'created-by': 'venvkit',
    packages,
  };
  return stringifyToml(top);
}
