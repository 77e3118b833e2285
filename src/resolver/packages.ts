/**
 * The solver's view of packages: each package's sorted candidates (its version universe), why a
 * candidate cannot be used, and the dependencies of a chosen version turned into terms (markers
 * and extras evaluated for the target). Extras are virtual packages "name[extra]" that share the
 * base package's universe and depend on "name" at the same version, as pip and uv do.
 */
import { VenvkitError } from '../errors.js';
import { evaluateMarker, markerUsesExtra } from '../pep/markers.js';
import { type Version, parseVersion, compareVersions, tryParseVersion } from '../pep/pep440.js';
import { SpecifierSet } from '../pep/pep440-specifiers.js';
import { type Requirement, parseRequirement, requirementToString } from '../pep/pep508.js';
import { canonicalizeName } from '../pep/names.js';
import { NONE } from './incompatibility.js';
import type { Candidate, CandidateMetadata, PackageProvider, ResolveOptions } from './types.js';

export const ROOT = '<root>';

const requiresPythonSets = new Map<string, SpecifierSet | null>();

export interface Pkg<C extends Candidate> {
  id: string;
  base: string;
  extra: string | null;
  cands: C[];
  versions: Version[];
  /** Why candidate i cannot be used here (requires-python, no wheel...), or null. */
  unusable: (string | null)[];
  yanked: boolean[];
  /** All version bits plus NONE. */
  full: bigint;
  /** Order of first mention (for the decision heuristic). */
  order: number;
}

/** A dependency of one chosen version, ready to become an incompatibility. */
export interface Dep {
  id: string;
  /** Bits of the dependee's versions that satisfy it. */
  set: bigint;
  /** What to show: "bar[x]>=1". */
  text: string;
}

interface ParsedMetadata {
  requires: Requirement[];
  requiresPython: string | null;
  providesExtra: Set<string> | null;
}

export type DepsResult = { deps: Dep[] } | { unavailable: string };

export const bit = (i: number): bigint => 1n << BigInt(i + 1);

export function splitId(id: string): { base: string; extra: string | null } {
  const m = /^(.*)\[(.*)\]$/.exec(id);
  return m ? { base: m[1]!, extra: m[2]! } : { base: id, extra: null };
}

/** Versions parsed once per text (a lock for many targets lists the same versions for each). */
const parsedVersions = new Map<string, Version | null>();
function versionOf(text: string): Version | null {
  let v = parsedVersions.get(text);
  if (v === undefined) {
    v = tryParseVersion(text);
    if (parsedVersions.size < 65536) parsedVersions.set(text, v);
  }
  return v;
}

/** The texts of a requirement's deps without its marker: itself, then one per extra (once per parsed requirement). */
const depTextsOf = new WeakMap<Requirement, string[]>();
function depTexts(r: Requirement): string[] {
  let texts = depTextsOf.get(r);
  if (!texts) {
    texts = [requirementToString({ ...r, marker: null, extras: [] }), ...r.extras.map((e) => requirementToString({ ...r, marker: null, extras: [e] }))];
    depTextsOf.set(r, texts);
  }
  return texts;
}

export class Packages<C extends Candidate> {
  /** specifier -> package -> the bits of its versions the specifier matches. */
  private readonly matched = new WeakMap<object, Map<string, bigint>>();
  readonly pkgs = new Map<string, Pkg<C>>();
  private readonly loading = new Map<string, Promise<void>>();
  private readonly metadata = new Map<string, Promise<ParsedMetadata>>();
  private readonly warned = new Set<string>();
  /** Packages for which a specifier named a pre-release (so pre-releases are allowed there). */
  readonly preAllowed = new Set<string>();
  /** Versions pinned with == / === (yanked ones become choosable). */
  readonly pinned = new Map<string, bigint>();
  readonly urls = new Map<string, string>();
  private order = 0;
  /** Order of first mention, given when a package is first asked for (not when its versions arrive: deterministic). */
  private readonly orders = new Map<string, number>();
  private readonly python: Version | null;
  metadataFetches = 0;

  constructor(private readonly provider: PackageProvider<C>, private readonly options: ResolveOptions) {
    this.python = tryParseVersion(options.pythonVersion ?? options.env.python_full_version);
    this.pkgs.set(ROOT, { id: ROOT, base: ROOT, extra: null, cands: [], versions: [parseVersion('0')], unusable: [null], yanked: [false], full: NONE | bit(0), order: this.orderOf(ROOT) });
  }

  get(id: string): Pkg<C> {
    const p = this.pkgs.get(id);
    if (!p) throw new Error(`internal: package ${id} not loaded`);
    return p;
  }

  full = (id: string): bigint => this.get(id).full;

  private orderOf(id: string): number {
    let n = this.orders.get(id);
    if (n === undefined) this.orders.set(id, (n = this.order++));
    return n;
  }

  /** Loads the universe of `id` (and of its base package). */
  ensure(id: string): Promise<void> {
    if (this.pkgs.has(id)) return Promise.resolve();
    const { base, extra } = splitId(id);
    this.orderOf(base);
    this.orderOf(id);
    let p = this.loading.get(base);
    if (!p) {
      p = this.loadBase(base);
      this.loading.set(base, p);
    }
    if (extra === null) return p;
    return p.then(() => {
      if (this.pkgs.has(id)) return;
      const b = this.get(base);
      this.pkgs.set(id, { ...b, id, extra, order: this.orderOf(id) });
    });
  }

  private async loadBase(base: string): Promise<void> {
    const url = this.urls.get(base);
    let list: readonly C[];
    if (url !== undefined) {
      if (!this.provider.fromUrl) throw new VenvkitError('BAD_REQUIREMENT', `${base} @ ${url}: URL requirements are not supported here`);
      list = [await this.provider.fromUrl(base, url)];
    } else {
      list = await this.provider.versions(base);
    }
    const parsed: { c: C; v: Version }[] = [];
    for (const c of list) {
      const v = versionOf(c.version);
      if (v) parsed.push({ c, v }); // pip skips versions it cannot parse
    }
    parsed.sort((a, b) => compareVersions(a.v, b.v));
    const uniq = parsed.filter((x, i) => i === 0 || compareVersions(parsed[i - 1]!.v, x.v) !== 0);
    const unusable = uniq.map(({ c }) => c.unusable ?? this.pythonReason(c.requiresPython));
    const full = (1n << BigInt(uniq.length + 1)) - 1n;
    this.pkgs.set(base, {
      id: base, base, extra: null, cands: uniq.map((x) => x.c), versions: uniq.map((x) => x.v), unusable,
      yanked: uniq.map(({ c }) => !!c.yanked), full, order: this.orderOf(base),
    });
  }

  private pythonReason(requiresPython: string | null | undefined): string | null {
    if (!requiresPython || !this.python || this.options.ignoreRequiresPython) return null;
    let spec = requiresPythonSets.get(requiresPython);
    if (spec === undefined) {
      try {
        spec = new SpecifierSet(requiresPython);
      } catch {
        spec = null; // pip ignores an invalid Requires-Python
      }
      // (The same few texts on every candidate, for every target of a lock.)
      if (requiresPythonSets.size < 4096) requiresPythonSets.set(requiresPython, spec);
    }
    return !spec || spec.matches(this.python) ? null : `requires Python ${requiresPython}`;
  }

  /** Bits of `id`'s versions matching the requirement (and records pre-release / pin facts). */
  matching(id: string, r: Requirement): bigint {
    const p = this.get(id);
    if (r.url) return p.full & ~NONE;
    // (The same parsed requirement comes back with every decision that needs it: matched once per package.)
    let known = this.matched.get(r.specifier);
    if (!known) this.matched.set(r.specifier, (known = new Map()));
    let set = known.get(p.base);
    if (set === undefined) {
      set = 0n;
      const versions = p.versions;
      for (let i = 0; i < versions.length; i++) if (r.specifier.matches(versions[i]!)) set |= bit(i);
      known.set(p.base, set);
    }
    if (r.specifier.namesPrerelease) this.preAllowed.add(p.base);
    if (r.specifier.specifiers.some((s) => s.operator === '===' || (s.operator === '==' && !s.wildcard))) {
      this.pinned.set(p.base, (this.pinned.get(p.base) ?? 0n) | set);
    }
    return set;
  }

  /** Requires-Dist of the base package's candidate i, fetched once (also used to prefetch). */
  meta(base: string, i: number): Promise<ParsedMetadata> {
    const key = `${base}@${i}`;
    let m = this.metadata.get(key);
    if (!m) {
      const p = this.get(base);
      this.metadataFetches++;
      m = this.provider.dependencies(base, p.cands[i]!).then((md: CandidateMetadata) => ({
        requiresPython: md.requiresPython ?? null,
        providesExtra: md.providesExtra ? new Set(md.providesExtra.map(canonicalizeName)) : null,
        requires: md.requiresDist.map((r) => {
          if (typeof r !== 'string') return r;
          try {
            return parseRequirement(r);
          } catch (e) {
            throw new VenvkitError('BAD_REQUIREMENT', `The metadata of ${base} ${p.versions[i]} has an invalid dependency: ${e instanceof Error ? e.message : e}`, { cause: e });
          }
        }),
      }));
      this.metadata.set(key, m);
      m.catch(() => {}); // reported when awaited
    }
    return m;
  }

  /** Turns requirements into deps (loading the dependees' universes in parallel). */
  async depsOf(reqs: readonly Requirement[], selfBase: string | null): Promise<Dep[]> {
    const items: { id: string; r: Requirement; text: string }[] = [];
    for (const r of reqs) {
      if (r.url && !this.urls.has(r.key)) this.urls.set(r.key, r.url);
      const texts = depTexts(r);
      if (r.key !== selfBase) items.push({ id: r.key, r, text: texts[0]! });
      r.extras.forEach((e, k) => items.push({ id: `${r.key}[${e}]`, r, text: texts[k + 1]! }));
    }
    await Promise.all(items.map((x) => this.ensure(x.id)));
    return items.map((x) => ({ id: x.id, set: this.matching(x.id, x.r), text: x.text }));
  }

  /** The dependencies of package `id` at candidate i, for the target environment. */
  async dependencies(id: string, i: number, rootReqs: readonly Requirement[]): Promise<DepsResult> {
    const env = this.options.env;
    if (id === ROOT) return { deps: await this.depsOf(rootReqs.filter((r) => !r.marker || evaluateMarker(r.marker, env)), null) };
    const p = this.get(id);
    if (this.options.noDeps) {
      // --no-deps: nothing but the link from "name[extra]" to "name" at the same version.
      return { deps: p.extra === null ? [] : [{ id: p.base, set: bit(i), text: `${p.base}==${p.versions[i]}` }] };
    }
    const md = await this.meta(p.base, i);
    const reason = this.pythonReason(md.requiresPython);
    if (reason) return { unavailable: reason };
    if (p.extra === null) {
      return { deps: await this.depsOf(md.requires.filter((r) => !r.marker || evaluateMarker(r.marker, env, '')), p.base) };
    }
    const extra = p.extra;
    if (md.providesExtra && !md.providesExtra.has(extra) && !this.warned.has(`${id}@${i}`)) {
      this.warned.add(`${id}@${i}`);
      this.options.onWarning?.(`${p.base} ${p.versions[i]} does not provide the extra '${extra}'`);
    }
    const own = md.requires.filter((r) => r.marker && markerUsesExtra(r.marker) && evaluateMarker(r.marker, env, extra));
    const deps = await this.depsOf(own, null);
    deps.unshift({ id: p.base, set: bit(i), text: `${p.base}==${p.versions[i]}` });
    return { deps };
  }
}
