// Which links of an index page are wheels and which are source distributions, with their project
// name and version. Wheel names are parsed by src/pep/wheel-name.ts; sdist names need the project
// name to split (names may contain dashes).
import { canonicalizeName } from '../pep/names.js';
import { tryParseWheelFilename } from '../pep/wheel-name.js';

/** PEP 503 normalisation (src/pep/names.ts). */
export const normalizeName = canonicalizeName;

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
    const w = tryParseWheelFilename(filename);
    return typeof w === 'string' ? undefined : { kind: 'wheel', name: w.name, version: w.version.replace(/_/g, '-') };
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
