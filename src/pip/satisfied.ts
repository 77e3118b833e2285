// Does what is installed already satisfy a set of requirements, dependencies included? Pure: the
// installed distributions and the target's marker environment come in as data. This is the no-op
// fast path of `install` (no index is read when the answer is yes) and the core of `check`.
import { evaluateMarker, type MarkerEnvironment } from '../pep/markers.js';
import { tryParseVersion } from '../pep/pep440.js';
import { parseRequirement, type Requirement } from '../pep/pep508.js';
import { markerToString } from '../pep/markers.js';
import type { DistInfo } from './dists.js';

const stripFragment = (u: string) => u.split('#', 1)[0]!;

/** Why `dist` does not satisfy `req` (version, URL), or undefined when it does. */
export function mismatch(req: Requirement, dist: DistInfo): string | undefined {
  if (req.url) {
    const have = dist.directUrl?.url;
    if (!have || stripFragment(have) !== stripFragment(req.url)) return `${dist.name} ${dist.version} is installed, not from ${req.url}`;
    return undefined;
  }
  if (req.specifier.isEmpty) return undefined;
  const v = tryParseVersion(dist.version);
  if (!v || !req.specifier.contains(v, { prereleases: true })) return `${dist.name} ${dist.version} is installed, but ${req.name}${req.specifier} is wanted`;
  return undefined;
}

/** `; extra == "x"` joined only by `and`: never true without extra x, so not worth parsing then. */
const ONLY_FOR_EXTRA = /;[^|]*\bextra\s*==\s*['"]([^'"]+)['"]/;
const HAS_OR = /\bor\b/;

function extraOf(text: string): string | undefined {
  const m = ONLY_FOR_EXTRA.exec(text);
  if (!m || HAS_OR.test(text.slice(m.index))) return undefined;
  return m[1]!.replace(/[-_.]+/g, '-').toLowerCase();
}

function parseDeps(dist: DistInfo, cache: Map<string, Requirement[]>, extra?: string): Requirement[] {
  const key = extra === undefined ? dist.distInfoDir : `${dist.distInfoDir}[${extra}]`;
  let deps = cache.get(key);
  if (!deps) {
    deps = [];
    for (const text of dist.requiresDist) {
      if (extra !== undefined) {
        const only = extraOf(text);
        if (only !== undefined && only !== extra) continue;
      }
      try {
        deps.push(parseRequirement(text));
      } catch {
        /* an unparsable dependency is check's business, not a reason to reinstall */
      }
    }
    cache.set(key, deps);
  }
  return deps;
}

/**
 * The first reason the installed set does not satisfy `requirements` and everything they need
 * (extras included), or undefined when it does. `byName` maps normalised names to what is installed.
 */
export function unsatisfiedReason(requirements: readonly Requirement[], byName: ReadonlyMap<string, DistInfo>, env: MarkerEnvironment): string | undefined {
  const seen = new Set<string>();
  const cache = new Map<string, Requirement[]>();
  const queue: { req: Requirement; extra: string }[] = requirements.map((req) => ({ req, extra: '' }));
  while (queue.length > 0) {
    const { req, extra } = queue.shift()!;
    if (req.marker && !evaluateMarker(req.marker, env, extra)) continue;
    const dist = byName.get(req.key);
    if (!dist) return `${req.name} is not installed`;
    const why = mismatch(req, dist);
    if (why) return why;
    for (const e of ['', ...req.extras]) {
      const key = `${req.key}[${e}]`;
      if (seen.has(key)) continue;
      seen.add(key);
      for (const dep of parseDeps(dist, cache, e)) queue.push({ req: dep, extra: e });
    }
  }
  return undefined;
}

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

/** pip check: every installed distribution's own dependencies (no extras), for the target env. */
export function checkDists(dists: readonly DistInfo[], env: MarkerEnvironment): CheckProblem[] {
  const byName = new Map(dists.map((d) => [d.normalizedName, d]));
  const out: CheckProblem[] = [];
  const cache = new Map<string, Requirement[]>();
  for (const d of dists) {
    for (const req of parseDeps(d, cache, '')) {
      if (req.marker && !evaluateMarker(req.marker, env, '')) continue;
      const have = byName.get(req.key);
      const text = pipRequirementText(req);
      if (!have) {
        out.push({ kind: 'missing', name: d.name, version: d.version, dependency: req.name, requirement: text });
        continue;
      }
      if (req.url || req.specifier.isEmpty) continue;
      const v = tryParseVersion(have.version);
      if (!v || !req.specifier.contains(v, { prereleases: true })) {
        out.push({ kind: 'conflict', name: d.name, version: d.version, dependency: req.name, requirement: text, installedName: have.name, installedVersion: have.version });
      }
    }
  }
  return out;
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
