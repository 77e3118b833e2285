// pip check: installed distributions whose dependencies are missing or conflict, as the flat list
// `venvkit check` prints in pip's words and order (checkDists, checkLines) and as the library's
// per-distribution summary (checkInstalled). Pure: both are views of brokenDependencies
// (dependencies.ts). What pip prints is pip 23.2's commands/check.py over operations/check.py.
import type { MarkerEnvironment } from '../pep/markers.js';
import { markerToString } from '../pep/markers.js';
import { canonicalizeName } from '../pep/names.js';
import { normalizeVersion, tryParseVersion } from '../pep/pep440.js';
import { requirementToString, type Requirement } from '../pep/pep508.js';
import { brokenDependencies, unparsableRequirement, type InstalledMetadata } from './dependencies.js';

export interface CheckProblem {
  kind: 'missing' | 'conflict';
  /** The distribution whose dependency is broken: its normalised name and version, as pip prints them. */
  name: string;
  version: string;
  /** The dependency's normalised name, and the requirement as written (pip's spelling). */
  dependency: string;
  requirement: string;
  /** For conflicts: what is installed (normalised name and version). */
  installedName?: string;
  installedVersion?: string;
}

/**
 * pip check: every installed distribution's own dependencies (no extras), for the target env, in
 * pip's order: all missing ones, then all conflicts; each in the order of `dists` (readDists with
 * order 'pip' gives pip's), sorted within one distribution as pip sorts them. Distributions whose
 * metadata does not parse are left out (see unparsableDists).
 */
export function checkDists(dists: readonly InstalledMetadata[], env: MarkerEnvironment): CheckProblem[] {
  const position = new Map(dists.map((d, i) => [d, i]));
  const keyed = brokenDependencies(dists, env).broken.map(({ dist, requirement: req, installed }) => {
    const requirement = pipRequirementText(req);
    const problem: CheckProblem = { kind: installed ? 'conflict' : 'missing', name: canonicalizeName(dist.name), version: pipVersion(dist.version), dependency: req.key, requirement };
    if (installed) Object.assign(problem, { installedName: canonicalizeName(installed.name), installedVersion: pipVersion(installed.version) });
    return { problem, at: position.get(dist)!, key: pipSortKey(problem) };
  });
  const inPipOrder = (kind: CheckProblem['kind']) => keyed.filter((k) => k.problem.kind === kind)
    .sort((a, b) => a.at - b.at || comparePython(a.key, b.key)).map((k) => k.problem);
  return [...inPipOrder('missing'), ...inPipOrder('conflict')];
}

/** Distributions with a Requires-Dist line that does not parse: pip check leaves them out and fails. */
export function unparsableDists(dists: readonly InstalledMetadata[]): { name: string; version: string; requirement: string; error: string }[] {
  return dists.flatMap((d) => {
    const bad = unparsableRequirement(d);
    return bad ? [{ name: canonicalizeName(d.name), version: pipVersion(d.version), requirement: bad.line, error: bad.error }] : [];
  });
}

/** pip check's lines for `problems`. */
export function checkLines(problems: readonly CheckProblem[]): string[] {
  return problems.map((p) => p.kind === 'missing'
    ? `${p.name} ${p.version} requires ${p.dependency}, which is not installed.`
    : `${p.name} ${p.version} has requirement ${p.requirement}, but you have ${p.installedName} ${p.installedVersion}.`);
}

/** A version as pip prints it: str() of packaging's Version (normalised) or LegacyVersion (as is). */
const pipVersion = (v: string): string => normalizeVersion(v);

/**
 * pip sorts one distribution's problems by str() of its tuples, (name, Requirement) and (name,
 * Version, Requirement), whose reprs are these: the requirement text breaks ties between
 * requirements on one project, followed by "')" (so `x!=1` sorts before `x`, and `x` before `x@ url`).
 */
function pipSortKey(p: CheckProblem): string {
  const req = `<Requirement('${p.requirement}')>`;
  if (p.kind === 'missing') return `('${p.dependency}', ${req})`;
  const version = `<${tryParseVersion(p.installedVersion!) ? 'Version' : 'LegacyVersion'}('${p.installedVersion}')>`;
  return `('${p.dependency}', ${version}, ${req})`;
}

/** Python's string order: by code point (JavaScript's < compares UTF-16 units). */
function comparePython(a: string, b: string): number {
  const x = [...a];
  const y = [...b];
  for (let i = 0; i < x.length && i < y.length; i++) {
    if (x[i] !== y[i]) return x[i]!.codePointAt(0)! - y[i]!.codePointAt(0)!;
  }
  return x.length - y.length;
}

/**
 * A requirement as pip 23.2 (packaging 21.3) prints it: extras sorted, specifiers sorted, then
 * `@ url` with no space before it, then the marker (after a space when there is a URL).
 */
export function pipRequirementText(r: Requirement): string {
  let out = r.name;
  if (r.extras.length) out += `[${r.extras.join(',')}]`;
  if (r.url) out += `@ ${r.url}`;
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

/** pip check's facts, one entry per distribution with problems (sorted by normalised name; requirements shown without markers; metadata that does not parse left out, as in checkDists). */
export function checkInstalled(installed: readonly InstalledMetadata[], env: MarkerEnvironment): DependencyProblem[] {
  const sorted = [...installed].sort((a, b) => (canonicalizeName(a.name) < canonicalizeName(b.name) ? -1 : 1));
  const out: DependencyProblem[] = [];
  let last: InstalledMetadata | undefined;
  for (const { dist, requirement, installed: have } of brokenDependencies(sorted, env).broken) {
    if (dist !== last) out.push({ name: canonicalizeName(dist.name), version: dist.version, missing: [], conflicts: [] });
    last = dist;
    const shown = requirementToString({ ...requirement, marker: null });
    if (have) out.at(-1)!.conflicts.push({ requirement: shown, installed: have.version });
    else out.at(-1)!.missing.push(shown);
  }
  return out;
}
