/**
 * Checks against what an environment already has, without any index: are these requirements met
 * (the fast path of a no-op `install`), and is every installed distribution's dependency met
 * (`pip check`)? Markers are evaluated for the environment's interpreter. Pure.
 */
import { canonicalizeName } from '../pep/names.js';
import { type MarkerEnvironment, evaluateMarker, markerUsesExtra } from '../pep/markers.js';
import { tryParseVersion } from '../pep/pep440.js';
import { type Requirement, parseRequirement, requirementToString } from '../pep/pep508.js';

export interface InstalledMetadata {
  name: string;
  version: string;
  /** Requires-Dist values from the installed METADATA. */
  requiresDist: readonly string[];
}

export interface Unmet {
  /** The requirement (markers dropped). */
  requirement: string;
  /** Normalised name of the distribution that needs it, or null for the user's requirements. */
  requiredBy: string | null;
  /** The installed version that does not fit, or null when the project is not installed. */
  installed: string | null;
}

function parseSafe(text: string): Requirement | null {
  try {
    return parseRequirement(text);
  } catch {
    return null;
  }
}

function fits(r: Requirement, version: string): boolean {
  const v = tryParseVersion(version);
  return v !== null && r.specifier.matches(v);
}

/**
 * What is not met if `requirements` were installed now into an environment holding `installed`:
 * following dependencies (and the extras asked for) through the installed metadata. Empty: nothing
 * to do. URL requirements always count as unmet (what is installed cannot be compared to a URL).
 */
export function unmetRequirements(
  requirements: readonly (string | Requirement)[],
  installed: readonly InstalledMetadata[],
  env: MarkerEnvironment,
): Unmet[] {
  const byName = new Map(installed.map((d) => [canonicalizeName(d.name), d]));
  const parsed = new Map<string, Requirement[]>();
  const depsOf = (key: string) => {
    let list = parsed.get(key);
    if (!list) parsed.set(key, (list = byName.get(key)!.requiresDist.map(parseSafe).filter((r): r is Requirement => r !== null)));
    return list;
  };
  const out: Unmet[] = [];
  const visited = new Set<string>();
  const queue: { r: Requirement; by: string | null; extra: string }[] = requirements.map((r) => ({ r: typeof r === 'string' ? parseRequirement(r) : r, by: null, extra: '' }));
  while (queue.length > 0) {
    const { r, by, extra } = queue.shift()!;
    if (r.marker && !evaluateMarker(r.marker, env, extra)) continue;
    const dist = byName.get(r.key);
    if (!dist || r.url || !fits(r, dist.version)) {
      out.push({ requirement: requirementToString({ ...r, marker: null }), requiredBy: by, installed: dist?.version ?? null });
      continue;
    }
    for (const e of ['', ...r.extras]) {
      const key = `${r.key}[${e}]`;
      if (visited.has(key)) continue;
      visited.add(key);
      for (const dep of depsOf(r.key)) {
        if (e !== '' && !(dep.marker && markerUsesExtra(dep.marker))) continue;
        queue.push({ r: dep, by: r.key, extra: e });
      }
    }
  }
  return out;
}

export interface DependencyProblem {
  name: string;
  version: string;
  /** Requirements whose project is not installed. */
  missing: string[];
  /** Requirements whose project is installed at a version that does not fit. */
  conflicts: { requirement: string; installed: string }[];
}

/** `pip check`: every installed distribution's (non-extra) dependencies, for the environment's interpreter. */
export function checkInstalled(installed: readonly InstalledMetadata[], env: MarkerEnvironment): DependencyProblem[] {
  const byName = new Map(installed.map((d) => [canonicalizeName(d.name), d]));
  const out: DependencyProblem[] = [];
  for (const d of [...installed].sort((a, b) => (canonicalizeName(a.name) < canonicalizeName(b.name) ? -1 : 1))) {
    const problem: DependencyProblem = { name: canonicalizeName(d.name), version: d.version, missing: [], conflicts: [] };
    for (const text of d.requiresDist) {
      const r = parseSafe(text);
      if (!r || (r.marker && !evaluateMarker(r.marker, env, ''))) continue;
      const dep = byName.get(r.key);
      const shown = requirementToString({ ...r, marker: null });
      if (!dep) problem.missing.push(shown);
      else if (!r.url && !fits(r, dep.version)) problem.conflicts.push({ requirement: shown, installed: dep.version });
    }
    if (problem.missing.length || problem.conflicts.length) out.push(problem);
  }
  return out;
}

