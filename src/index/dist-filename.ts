// Just enough distribution-filename knowledge for the index layer: which links are wheels, which
// are source distributions, and their project name and version. (A local helper: the full wheel
// filename parser with tags is src/pep/wheel-name.ts; this file only needs name and version.)

/** PEP 503 normalisation: runs of `-`, `_`, `.` become one `-`, lower-cased. */
export function normalizeName(name: string): string {
  return name.replace(/[-_.]+/g, '-').toLowerCase();
}

export interface DistFile {
  kind: 'wheel' | 'sdist';
  /** Project name as the file spells it. */
  name: string;
  version: string;
}

const SDIST_EXTS = ['.tar.gz', '.zip', '.tar.bz2', '.tar.xz', '.tgz', '.tar', '.tbz', '.txz'];

/**
 * Name and version of a wheel or sdist filename, or undefined for anything else. `project` (a
 * normalised name), when known, splits sdist names whose project names contain dashes.
 */
export function parseDistFilename(filename: string, project?: string): DistFile | undefined {
  if (filename.endsWith('.whl')) {
    const parts = filename.slice(0, -4).split('-');
    if (parts.length !== 5 && parts.length !== 6) return undefined;
    if (!parts[0] || !parts[1]) return undefined;
    return { kind: 'wheel', name: parts[0], version: parts[1] };
  }
  const lower = filename.toLowerCase();
  const ext = SDIST_EXTS.find((e) => lower.endsWith(e));
  if (!ext) return undefined;
  const stem = filename.slice(0, -ext.length);
  if (project) {
    // The name part is the longest prefix that normalises to the project name.
    for (let i = stem.length; i > 0; i--) {
      if (stem[i] !== '-') continue;
      if (normalizeName(stem.slice(0, i)) === project) return { kind: 'sdist', name: stem.slice(0, i), version: stem.slice(i + 1) };
    }
    return undefined;
  }
  const m = /^(.+?)-(\d.*)$/.exec(stem);
  return m ? { kind: 'sdist', name: m[1]!, version: m[2]! } : undefined;
}
