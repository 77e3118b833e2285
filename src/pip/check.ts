// pip check: installed distributions whose dependencies are missing or conflict, as the flat list
// `venvkit check` prints in pip's words (checkDists, checkLines) and as the library's per-distribution
// summary (checkInstalled). Pure: both are views of brokenDependencies (installed-deps.ts).
import type { MarkerEnvironment } from '../pep/markers.js';
import { markerToString } from '../pep/markers.js';
import { canonicalizeName } from '../pep/names.js';
import { requirementToString, type Requirement } from '../pep/pep508.js';
import { InstalledSet, brokenDependencies, type InstalledMetadata } from './installed-deps.js';

export interface CheckProblem {
  kind: 'missing' | 'conflict';
  /** The distribution whose dependency is broken. */
  name: string;
  version: string;
  /** The dependency (its name as written, and the requirement text). */
  dependency: string;
  requirement: string;
  /** For conflicts: the version installed. */
  installedName?: string;
  installedVersion?: string;
}

/** pip check: every installed distribution's own dependencies (no extras), for the target env, in the order of `dists`. */
export function checkDists(dists: readonly InstalledMetadata[], env: MarkerEnvironment): CheckProblem[] {
  return brokenDependencies(new InstalledSet(dists), env).map(({ dist, requirement: req, installed }): CheckProblem => {
    const problem: CheckProblem = { kind: installed ? 'conflict' : 'missing', name: dist.name, version: dist.version, dependency: req.name, requirement: pipRequirementText(req) };
    return installed ? { ...problem, installedName: installed.name, installedVersion: installed.version } : problem;
  });
}

/** pip check's lines for `problems`. */
export function checkLines(problems: readonly CheckProblem[]): string[] {
  return problems.map((p) => p.kind === 'missing'
    ? `${p.name} ${p.version} requires ${p.dependency}, which is not installed.`
    : `${p.name} ${p.version} has requirement ${p.requirement}, but you have ${p.installedName} ${p.installedVersion}.`);
}

/** A requirement as pip (packaging) prints it: specifiers sorted, then the marker. */
export function pipRequirementText(r: Requirement): string {
  let out = r.name;
  if (r.extras.length) out += `[${r.extras.join(',')}]`;
  if (r.url) out += ` @ ${r.url}`;
  else out += r.specifier.specifiers.map(String).sort().join(',');
  if (r.marker) out += `${r.url ? ' ' : ''}; ${markerToString(r.marker)}`;
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

/** pip check, one entry per distribution with problems (sorted by normalised name; requirements shown without markers). */
export function checkInstalled(installed: readonly InstalledMetadata[], env: MarkerEnvironment): DependencyProblem[] {
  const sorted = [...installed].sort((a, b) => (canonicalizeName(a.name) < canonicalizeName(b.name) ? -1 : 1));
  const out: DependencyProblem[] = [];
  let last: InstalledMetadata | undefined;
  for (const { dist, requirement, installed: have } of brokenDependencies(new InstalledSet(sorted), env)) {
    if (dist !== last) out.push({ name: canonicalizeName(dist.name), version: dist.version, missing: [], conflicts: [] });
    last = dist;
    const shown = requirementToString({ ...requirement, marker: null });
    if (have) out.at(-1)!.conflicts.push({ requirement: shown, installed: have.version });
    else out.at(-1)!.missing.push(shown);
  }
  return out;
}
