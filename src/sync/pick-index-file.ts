// The file of a requirements-file pin without hashes (outside hash-checking mode), as pip 26.2 and
// `venvkit install name==version` choose it among the indexes' files of that version: files whose
// Requires-Python excludes the interpreter are left out; then a file that is not yanked beats one
// that is, a wheel beats the sdist, and among wheels the most specific tag wins (then the higher
// build tag). Only the formats --no-binary / --only-binary allow count. Pure: the caller downloads
// it, checked against the hash the index publishes for it (index/download.ts).
import { tryParseVersion } from '../pep/pep440.js';
import { SpecifierSet } from '../pep/pep440-specifiers.js';
import { bestTagRank } from '../pep/tags.js';
import { tryParseWheelFilename } from '../pep/wheel-name.js';
import { sameVersion } from '../install/versions.js';
import type { Candidate, ProjectCandidates } from '../index/types.js';

export interface PickedFile {
  kind: 'wheel' | 'sdist';
  candidate: Candidate;
}

/** Why no file was picked, for the caller's error. */
export interface NoFile {
  /** Files of the version there are (any format, any tag). */
  files: Candidate[];
  /** Those left out by their Requires-Python, with it. */
  requiresPython: string[];
}

function pythonFits(spec: string | undefined, python: string): boolean {
  if (!spec) return true;
  const v = tryParseVersion(python);
  if (!v) return true;
  try {
    return new SpecifierSet(spec).matches(v);
  } catch {
    return true; // an unreadable Requires-Python is ignored, as pip does
  }
}

/**
 * The best file of `version` in `project` for an interpreter of Python `python` with the
 * `tags` (most specific first), among the `formats` allowed; a NoFile when there is none.
 */
export function pickIndexFile(project: ProjectCandidates, version: string, tags: readonly string[], python: string, formats: ReadonlySet<string>): PickedFile | NoFile {
  const files = [...project.candidates, ...project.sdists].filter((c) => sameVersion(c.version, version));
  const requiresPython: string[] = [];
  const fits = (c: Candidate) => {
    if (pythonFits(c.requiresPython, python)) return true;
    requiresPython.push(`${c.filename} (Requires-Python ${c.requiresPython})`);
    return false;
  };
  // [yanked, kind (0 wheel, 1 sdist), tag rank, -build number]: the smallest wins.
  let best: { key: number[]; pick: PickedFile } | undefined;
  const consider = (key: number[], pick: PickedFile) => {
    const d = best ? key.findIndex((k, i) => k !== best!.key[i]) : -1;
    if (!best || (d !== -1 && key[d]! < best.key[d]!)) best = { key, pick };
  };
  if (formats.has('binary')) {
    for (const c of project.candidates) {
      if (!sameVersion(c.version, version)) continue;
      const parsed = tryParseWheelFilename(c.filename);
      if (typeof parsed === 'string') continue;
      const rank = bestTagRank(parsed.tags, tags);
      if (rank === null || !fits(c)) continue;
      consider([c.yanked ? 1 : 0, 0, rank, -(parsed.build?.[0] ?? -1)], { kind: 'wheel', candidate: c });
    }
  }
  if (formats.has('source')) {
    for (const c of project.sdists) {
      if (!sameVersion(c.version, version) || !fits(c)) continue;
      consider([c.yanked ? 1 : 0, 1, 0, 0], { kind: 'sdist', candidate: c });
    }
  }
  return best ? (best as { pick: PickedFile }).pick : { files, requiresPython };
}
