// The facts both checks of an environment are built from: which installed distribution a
// requirement names, whether it meets the requirement (version or URL), and each distribution's
// dependencies for an extra. The no-op fast path of `install` (satisfied.ts) and `pip check`
// (check.ts) are walks over these. Pure: the installed metadata comes in as data.
import { type MarkerEnvironment, evaluateMarker, markerUsesExtra } from '../pep/markers.js';
import { canonicalizeName } from '../pep/names.js';
import { tryParseVersion } from '../pep/pep440.js';
import { parseRequirement, type Requirement } from '../pep/pep508.js';

/** What the checks need of an installed distribution (a `DistInfo` from readDists is one). */
export interface InstalledMetadata {
  name: string;
  version: string;
  /** Requires-Dist values from the installed METADATA. */
  requiresDist: readonly string[];
  /** PEP 610 direct_url.json, when known: a `name @ url` requirement is met only by the same URL. */
  directUrl?: { url: string };
}

const withoutFragment = (u: string) => u.split('#', 1)[0]!;

/** Whether `dist` was installed from `url` (hash fragments aside). */
export function installedFrom(dist: InstalledMetadata, url: string): boolean {
  const have = dist.directUrl?.url;
  return have !== undefined && withoutFragment(have) === withoutFragment(url);
}

/** Whether an installed `version` fits `req`'s specifiers (pre-releases count, as in pip check). */
export function versionFits(req: Requirement, version: string): boolean {
  if (req.specifier.isEmpty) return true;
  const v = tryParseVersion(version);
  return v !== null && req.specifier.matches(v);
}

/** Why `dist` does not satisfy `req` (version, URL), or undefined when it does. */
export function mismatch(req: Requirement, dist: InstalledMetadata): string | undefined {
  if (req.url) return installedFrom(dist, req.url) ? undefined : `${dist.name} ${dist.version} is installed, not from ${req.url}`;
  return versionFits(req, dist.version) ? undefined : `${dist.name} ${dist.version} is installed, but ${req.name}${req.specifier} is wanted`;
}

/** `; extra == "x"` joined only by `and`: never true without extra x, so not worth parsing then. */
const ONLY_FOR_EXTRA = /;[^|]*\bextra\s*==\s*['"]([^'"]+)['"]/;
const HAS_OR = /\bor\b/;

function onlyForExtra(text: string): string | undefined {
  const m = ONLY_FOR_EXTRA.exec(text);
  if (!m || HAS_OR.test(text.slice(m.index))) return undefined;
  return canonicalizeName(m[1]!);
}

/** The installed distributions by normalised name, with their dependencies parsed on first use. */
export class InstalledSet<D extends InstalledMetadata = InstalledMetadata> {
  private readonly byName: Map<string, D>;
  private readonly deps = new Map<D, Map<string, Requirement[]>>();

  constructor(readonly dists: readonly D[]) {
    this.byName = new Map(dists.map((d) => [canonicalizeName(d.name), d]));
  }

  /** The distribution installed under normalised name `key`. */
  get(key: string): D | undefined {
    return this.byName.get(key);
  }

  /**
   * `dist`'s dependencies that `extra` adds ("": those it has without extras), markers not yet
   * evaluated (evaluate them with `extra`). Unparsable lines are skipped: a broken dependency of an
   * installed distribution is no reason to reinstall it (pip check leaves out the whole
   * distribution instead: brokenDependencies does that before asking for these).
   */
  dependencies(dist: D, extra = ''): Requirement[] {
    let perExtra = this.deps.get(dist);
    if (!perExtra) this.deps.set(dist, (perExtra = new Map()));
    let out = perExtra.get(extra);
    if (out) return out;
    out = [];
    for (const text of dist.requiresDist) {
      const only = onlyForExtra(text);
      if (only !== undefined && only !== extra) continue;
      let req: Requirement;
      try {
        req = parseRequirement(text);
      } catch {
        continue;
      }
      // With an extra, only what the extra adds: the rest was followed without it.
      if (extra !== '' && !(req.marker && markerUsesExtra(req.marker))) continue;
      out.push(req);
    }
    perExtra.set(extra, out);
    return out;
  }
}

export interface UnmetRequirement<D extends InstalledMetadata> {
  requirement: Requirement;
  /** The distribution whose dependency it is, or null for the requirements asked for. */
  requiredBy: D | null;
  /** What is installed under its name, if anything. */
  installed: D | undefined;
  /** Why it is not met, for messages. */
  reason: string;
}

/**
 * Each requirement (and, through the installed metadata, each dependency and extra they need) that
 * what is installed does not meet, in breadth-first order. `found` returns true to stop early.
 */
export function findUnmet<D extends InstalledMetadata>(requirements: readonly Requirement[], set: InstalledSet<D>, env: MarkerEnvironment, found: (u: UnmetRequirement<D>) => boolean | void): void {
  const followed = new Set<string>();
  const queue: { req: Requirement; by: D | null; extra: string }[] = requirements.map((req) => ({ req, by: null, extra: '' }));
  for (let i = 0; i < queue.length; i++) {
    const { req, by, extra } = queue[i]!;
    if (req.marker && !evaluateMarker(req.marker, env, extra)) continue;
    const dist = set.get(req.key);
    const reason = dist ? mismatch(req, dist) : `${req.name} is not installed`;
    if (reason !== undefined) {
      if (found({ requirement: req, requiredBy: by, installed: dist, reason })) return;
      continue;
    }
    for (const e of ['', ...req.extras]) {
      const key = `${req.key}[${e}]`;
      if (followed.has(key)) continue;
      followed.add(key);
      for (const dep of set.dependencies(dist!, e)) queue.push({ req: dep, by: dist!, extra: e });
    }
  }
}

export interface BrokenDependency<D extends InstalledMetadata> {
  /** The distribution whose dependency is broken. */
  dist: D;
  requirement: Requirement;
  /** undefined: not installed (missing); else installed at a version that does not fit (conflict). */
  installed: D | undefined;
}

export interface UnparsableMetadata<D extends InstalledMetadata> {
  dist: D;
  /** The first Requires-Dist line that does not parse, and why. */
  line: string;
  error: string;
}

/** `dist`'s first Requires-Dist line that does not parse, extras' lines included (pip parses them all). */
export function unparsableRequirement(dist: InstalledMetadata): { line: string; error: string } | undefined {
  for (const line of dist.requiresDist) {
    try {
      parseRequirement(line);
    } catch (e) {
      return { line, error: e instanceof Error ? e.message : String(e) };
    }
  }
  return undefined;
}

/**
 * pip check: every installed distribution's own dependencies (no extras; markers evaluated for
 * `env`), in the order of `dists`. A URL requirement is met by any installed version, as in pip. A
 * distribution with a Requires-Dist line that does not parse is left out, as if it were not
 * installed: pip does the same (and then fails).
 */
export function brokenDependencies<D extends InstalledMetadata>(dists: readonly D[], env: MarkerEnvironment): { broken: BrokenDependency<D>[]; unparsable: UnparsableMetadata<D>[] } {
  const unparsable: UnparsableMetadata<D>[] = [];
  const set = new InstalledSet(dists.filter((dist) => {
    const bad = unparsableRequirement(dist);
    if (bad) unparsable.push({ dist, ...bad });
    return !bad;
  }));
  const broken: BrokenDependency<D>[] = [];
  for (const dist of set.dists) {
    for (const req of set.dependencies(dist)) {
      if (req.marker && !evaluateMarker(req.marker, env, '')) continue;
      const installed = set.get(req.key);
      if (!installed || (!req.url && !versionFits(req, installed.version))) broken.push({ dist, requirement: req, installed });
    }
  }
  return { broken, unparsable };
}
