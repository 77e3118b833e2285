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
 * Why a file name from an index cannot be used as a local file name, or undefined when it can:
 * it must be one plain path segment (no `/`, `\\`, `..`, NUL or control characters), at most
 * 255 bytes. Index pages are untrusted input; their names must never steer where files go.
 */
export function unsafeFilenameReason(filename: string): string | undefined {
  if (filename === '') return 'it is empty';
  if (/[/\\]/.test(filename)) return 'it contains a path separator';
  if (filename.includes('..')) return "it contains '..'";
  // eslint-disable-next-line no-control-regex
  if (/[\x00-\x1f\x7f]/.test(filename)) return 'it contains NUL or control characters';
  if (Buffer.byteLength(filename) > 255) return 'it is longer than 255 bytes';
  return undefined;
}

/**
 * A distribution file name from an index, checked for `project` (normalised): the file if it is
 * a safe plain name that parses as a wheel or sdist of that project, else why it is ignored.
 */
export function indexDistFile(filename: string, project: string): DistFile | string {
  const unsafe = unsafeFilenameReason(filename);
  if (unsafe) return `unsafe file name: ${unsafe}`;
  const dist = parseDistFilename(filename, project);
  if (!dist) return 'not a wheel or source distribution file name';
  if (normalizeName(dist.name) !== project) return `a file of another project (${dist.name})`;
  return dist;
}

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
