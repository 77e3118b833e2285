/**
 * A PubGrub version solver (after Natalie Weizenbaum's description of the algorithm):
 * unit propagation over incompatibilities, decisions that prefer the newest usable version (or the
 * installed one), conflict resolution that learns new incompatibilities and backjumps, and a
 * derivation tree that explain.ts turns into a human explanation when there is no solution.
 */
import { VenvkitError } from '../errors.js';
import { compareVersions, tryParseVersion } from '../pep/pep440.js';
import { type Requirement, parseRequirement, requirementToString } from '../pep/pep508.js';
import { Incompatibility, type Cause, type Term, NONE, indices } from './incompatibility.js';
import { PartialSolution } from './partial-solution.js';
import { Packages, ROOT, bit, splitId, type Pkg } from './packages.js';
import { failureError, PRERELEASE_REASON } from './no-solution.js';
import { Priorities } from './priorities.js';
import { Turns } from '../install/turns.js';
import type { Candidate, PackageProvider, Resolution, ResolveOptions, ResolvedPackage } from './types.js';

export { NoSolutionError, ProjectNotFoundError } from './no-solution.js';

/** How many older versions to prefetch when a version of a package is rejected. */
const PREFETCH_ON_BACKTRACK = 6;

/** Thrown inside the solver when the root cause is proven; run() turns it into the user's error. */
class Unsolvable {
  constructor(readonly failure: Incompatibility) {}
}

function toRequirement(r: string | Requirement): Requirement {
  return typeof r === 'string' ? parseRequirement(r) : r;
}

/** Resolves `requirements` against `provider` for the target described by `options.env`. */
export async function resolve<C extends Candidate>(
  requirements: readonly (string | Requirement)[],
  provider: PackageProvider<C>,
  options: ResolveOptions,
): Promise<Resolution<C>> {
  return new Solver(provider, options).run(requirements.map(toRequirement));
}

class Solver<C extends Candidate> {
  private readonly packages: Packages<C>;
  private readonly ps: PartialSolution;
  private readonly incompats = new Map<string, Incompatibility[]>();
  /** For merging "foo 1.0 depends on bar<1" and "foo 1.1 depends on bar<1" into one. */
  private readonly lastDep = new Map<string, Incompatibility>();
  private readonly depsChosen = new Map<string, string[]>();
  private readonly priorities = new Priorities();
  private decisions = 0;
  private conflicts = 0;
  private rootReqs: Requirement[] = [];
  /**
   * Constraints (-c) by package, applied when the package first shows up as a dependency: a
   * constraint on a package nothing needs costs no index request (pip's config may name many).
   */
  private readonly pendingConstraints = new Map<string, Requirement[]>();

  constructor(private readonly provider: PackageProvider<C>, private readonly options: ResolveOptions) {
    this.packages = new Packages(provider, options);
    this.ps = new PartialSolution(this.packages.full);
  }

  private make(terms: Term[], cause: Cause): Incompatibility {
    return new Incompatibility(terms, cause, this.packages.full, ROOT);
  }

  private add(inc: Incompatibility): void {
    for (const t of inc.terms) {
      let list = this.incompats.get(t.pkg);
      if (!list) this.incompats.set(t.pkg, (list = []));
      list.push(inc);
    }
  }

  private remove(inc: Incompatibility): void {
    for (const t of inc.terms) {
      const list = this.incompats.get(t.pkg);
      const k = list ? list.lastIndexOf(inc) : -1;
      if (k >= 0) list!.splice(k, 1);
    }
  }

  async run(requirements: Requirement[]): Promise<Resolution<C>> {
    this.rootReqs = requirements;
    for (const r of requirements) if (r.url) this.packages.urls.set(r.key, r.url);
    this.add(this.make([{ pkg: ROOT, set: NONE }], { kind: 'root' }));
    for (const c of (this.options.constraints ?? []).map(toRequirement)) {
      this.pendingConstraints.set(c.key, [...(this.pendingConstraints.get(c.key) ?? []), c]);
    }
    const maxSteps = this.options.maxSteps ?? 200000;
    let next: string | null = ROOT;
    // With metadata cached, no step waits for I/O: give a host's event loop a turn every few ms.
    const turns = new Turns();
    try {
      while (next !== null) {
        await turns.give();
        this.propagate([next]);
        this.reprioritise();
        next = await this.decideNext();
        if (this.decisions + this.conflicts > maxSteps) {
          throw new VenvkitError('NO_SOLUTION', `Resolution gave up after ${maxSteps} steps`, { hint: 'Pin some versions to narrow the search.' });
        }
      }
    } catch (e) {
      if (!(e instanceof Unsolvable)) throw e;
      const pythonVersion = this.options.pythonVersion ?? this.options.env.python_full_version;
      throw await failureError(e.failure, { packages: this.packages, provider: this.provider, pythonVersion });
    }
    return this.result();
  }

  /** Unit propagation from the packages in `start`; true when it had to resolve a conflict. */
  private propagate(start: string[]): boolean {
    let hadConflict = false;
    const changed = [...start];
    while (changed.length > 0) {
      const pkg = changed.pop()!;
      const list = this.incompats.get(pkg) ?? [];
      for (let k = list.length - 1; k >= 0; k--) {
        const inc = list[k]!;
        const r = this.relate(inc);
        if (r === 'satisfied') {
          const rootCause = this.resolveConflict(inc);
          const t = this.relate(rootCause);
          if (t === 'satisfied' || t === null) throw new Error('internal: learned clause is not almost satisfied');
          this.priorities.record(t.pkg, rootCause.terms.map((x) => x.pkg));
          this.ps.derive(t.pkg, this.packages.full(t.pkg) ^ t.set, rootCause);
          hadConflict = true;
          changed.length = 0;
          changed.push(t.pkg);
          break;
        } else if (r !== null) {
          this.ps.derive(r.pkg, this.packages.full(r.pkg) ^ r.set, inc);
          changed.push(r.pkg);
        }
      }
    }
    return hadConflict;
  }

  /**
   * Culprits of repeated conflicts are decided late from now on (priorities.ts): undo their
   * decisions and everything after, then propagate every clause again (clauses learned since may
   * now derive something at the level backtracked to).
   */
  private reprioritise(): void {
    const levels = this.priorities.takePending().map((id) => this.ps.decisionLevel(id)).filter((l) => l !== undefined);
    if (levels.length === 0) return;
    this.ps.backtrack(Math.min(...levels) - 1);
    // A conflict stops a propagation early (it backjumps): go again until one pass is clean.
    while (this.propagate([...this.incompats.keys()].reverse()));
  }

  /** 'satisfied', the one term left undecided (almost satisfied), or null (nothing to learn). */
  private relate(inc: Incompatibility): 'satisfied' | Term | null {
    let unsatisfied: Term | null = null;
    for (const t of inc.terms) {
      const rel = this.ps.relation(t);
      if (rel === 'contradicted') return null;
      if (rel === 'inconclusive') {
        if (unsatisfied) return null;
        unsatisfied = t;
      }
    }
    return unsatisfied ?? 'satisfied';
  }

  private resolveConflict(start: Incompatibility): Incompatibility {
    let inc = start;
    let learned = false;
    for (;;) {
      const only = inc.terms[0];
      if (inc.terms.length === 0 || (inc.terms.length === 1 && only!.pkg === ROOT && (only!.set & NONE) === 0n)) {
        throw new Unsolvable(inc);
      }
      this.conflicts++;
      let recentTerm: Term | null = null;
      let recent: ReturnType<PartialSolution['satisfier']> | null = null;
      let difference: bigint | null = null;
      let previousLevel = 1;
      for (const t of inc.terms) {
        const sat = this.ps.satisfier(t);
        if (recent === null) {
          recentTerm = t;
          recent = sat;
        } else if (recent.index < sat.index) {
          previousLevel = Math.max(previousLevel, recent.level);
          recentTerm = t;
          recent = sat;
          difference = null;
        } else {
          previousLevel = Math.max(previousLevel, sat.level);
        }
        if (recentTerm === t) {
          const d = recent.set & ~t.set;
          difference = d === 0n ? null : d;
          if (difference !== null) {
            const full = this.packages.full(t.pkg);
            previousLevel = Math.max(previousLevel, this.ps.satisfier({ pkg: t.pkg, set: full ^ difference }).level);
          }
        }
      }
      if (previousLevel < recent!.level || recent!.cause === null) {
        this.ps.backtrack(previousLevel);
        if (learned) this.add(inc);
        return inc;
      }
      const cause = recent!.cause;
      const terms = [...inc.terms.filter((t) => t !== recentTerm), ...cause.terms.filter((t) => t.pkg !== recent!.pkg)];
      if (difference !== null) terms.push({ pkg: recent!.pkg, set: this.packages.full(recent!.pkg) ^ difference });
      inc = this.make(terms, { kind: 'conflict', conflict: inc, other: cause });
      learned = true;
    }
  }

  private upgrading(name: string): boolean {
    const u = this.options.upgrade;
    return u === true || (u instanceof Set && u.has(name));
  }

  /** Can candidate i of p be chosen (leaving pre-release policy aside)? */
  private usable(p: Pkg<C>, i: number): boolean {
    if (p.unusable[i]) return false;
    return !p.yanked[i] || ((this.packages.pinned.get(p.base) ?? 0n) & bit(i)) !== 0n;
  }

  /** The version to try for p within `set`, or null when none can be used. */
  private choose(p: Pkg<C>, set: bigint): number | null {
    if (p.id === ROOT) return 0;
    const decidedBase = p.extra !== null ? this.ps.decisions.get(p.base) : undefined;
    if (decidedBase !== undefined && (decidedBase & set) !== 0n) return indices(decidedBase)[0]!;
    const preferred = this.options.preferred?.get(p.base);
    const idx = indices(set).reverse();
    const want = preferred === undefined || this.upgrading(p.base) ? null : tryParseVersion(preferred);
    if (want) {
      const i = idx.find((k) => compareVersions(p.versions[k]!, want) === 0);
      if (i !== undefined && this.usable(p, i)) return i;
    }
    const allowPre = this.allowsPrereleases(p);
    for (const demoted of [false, true]) {
      for (const i of idx) if (!!p.cands[i]?.demoted === demoted && this.usable(p, i) && (allowPre || !p.versions[i]!.isPrerelease)) return i;
    }
    return null;
  }

  /** --pre, or a specifier names a pre-release of the package, or it has no final release at all (pip / uv). */
  private allowsPrereleases(p: Pkg<C>): boolean {
    const rule = this.options.prereleases;
    const own = typeof rule === 'function' ? rule(p.base) : rule === true ? true : undefined;
    if (own !== undefined) return own;
    return this.packages.preAllowed.has(p.base) || p.versions.every((v) => v.isPrerelease);
  }

  private async decideNext(): Promise<string | null> {
    // Pinned packages first, then in the order they were first required (breadth first, like
    // pip), except for packages re-prioritised after repeated conflicts (priorities.ts). (Scores
    // are distinct: each package has its own order.)
    let pick: string | undefined;
    let best = Infinity;
    for (const id of this.ps.undecided()) {
      const p = this.packages.get(id);
      const left = this.ps.accumulated(id) & ~NONE;
      const score = this.priorities.score(p.base, (left & (left - 1n)) === 0n, p.order);
      if (score < best) {
        best = score;
        pick = id;
      }
    }
    if (pick === undefined) return null;
    const p = this.packages.get(pick);
    const set = this.ps.accumulated(pick);
    const i = this.choose(p, set);
    if (i === null) {
      const byReason = new Map<string, bigint>();
      for (const k of indices(set)) {
        const yank = p.cands[k]?.yanked;
        const reason = p.unusable[k] ?? (p.yanked[k] ? `is yanked${typeof yank === 'string' && yank ? ` (${yank})` : ''}` : p.versions[k]!.isPrerelease ? PRERELEASE_REASON : 'cannot be used');
        byReason.set(reason, (byReason.get(reason) ?? 0n) | bit(k));
      }
      if (byReason.size === 0) this.add(this.make([{ pkg: pick, set: set & ~NONE }], { kind: 'noVersions' }));
      for (const [reason, bits] of byReason) this.add(this.make([{ pkg: pick, set: bits }], { kind: 'unavailable', reason }));
      return pick;
    }
    const result = await this.packages.dependencies(pick, i, this.rootReqs);
    if ('unavailable' in result) {
      this.packages.get(pick).unusable[i] = result.unavailable;
      this.add(this.make([{ pkg: pick, set: bit(i) }], { kind: 'unavailable', reason: result.unavailable }));
      return pick;
    }
    this.depsChosen.set(`${pick}@${i}`, result.deps.map((d) => d.id));
    let conflict = false;
    const culprits: string[] = [];
    for (const d of result.deps) {
      this.applyConstraints(d.id);
      const inc = this.dependencyIncompat(pick, i, d.id, d.set, d.text);
      this.add(inc);
      if (inc.terms.every((t) => t.pkg === pick || this.ps.relation(t) === 'satisfied')) {
        conflict = true;
        culprits.push(...inc.terms.map((t) => t.pkg));
      }
      this.prefetch(d.id, d.set);
    }
    if (!conflict) {
      this.ps.decide(pick, bit(i));
      this.decisions++;
    } else {
      this.priorities.record(pick, culprits);
      this.prefetchOlder(p, i, set);
    }
    return pick;
  }

  /**
   * Adds the constraints on `id`'s project the first time it is needed (its versions are loaded by
   * then). Nothing is assigned to it yet, so unit propagation from the dependency that brought it
   * in visits these before any version of it can be decided.
   */
  private applyConstraints(id: string): void {
    const base = splitId(id).base;
    const list = this.pendingConstraints.get(base);
    if (!list) return;
    this.pendingConstraints.delete(base);
    const p = this.packages.get(base);
    for (const c of list) {
      const bad = p.full & ~NONE & ~this.packages.matching(base, c);
      this.add(this.make([{ pkg: ROOT, set: bit(0) }, { pkg: base, set: bad }], { kind: 'constraint', text: requirementToString({ ...c, marker: null }) }));
    }
  }

  /** Backtracking through `p`'s versions: fetch the next few older ones' metadata at once. */
  private prefetchOlder(p: Pkg<C>, i: number, set: bigint): void {
    if (p.id === ROOT || (this.options.noDeps && p.extra === null)) return;
    let n = 0;
    for (let k = i - 1; k >= 0 && n < PREFETCH_ON_BACKTRACK; k--) {
      if ((set & bit(k)) === 0n || !this.usable(p, k) || p.cands[k]?.costly) continue;
      this.packages.meta(p.base, k).catch(() => {});
      n++;
    }
  }

  private dependencyIncompat(pkg: string, i: number, dep: string, set: bigint, text: string): Incompatibility {
    const full = this.packages.full(dep);
    const noMatch = set === 0n;
    // Versions whose dependency matches nothing merge whatever the specifier (one line, not one per version).
    const key = noMatch ? `${pkg}\0${dep}\0` : `${pkg}\0${dep}\0${set}\0${text}`;
    const prev = this.lastDep.get(key);
    const mine = prev && pkg !== ROOT ? (prev.terms.find((t) => t.pkg === pkg)?.set ?? 0n) | bit(i) : bit(i);
    const before = prev && pkg !== ROOT && prev.cause.kind === 'dependency' ? (prev.cause.texts ?? [prev.cause.text]) : [];
    const texts = before.includes(text) ? before : [...before, text];
    const inc = this.make([{ pkg, set: mine }, { pkg: dep, set: full ^ set }], {
      kind: 'dependency', depender: pkg, dependee: dep, text, ...(noMatch ? { noMatch, texts } : {}),
    });
    this.lastDep.set(key, inc);
    // The merged clause implies the one it extends: stop propagating the weaker one.
    if (prev && pkg !== ROOT) this.remove(prev);
    return inc;
  }

  /** Starts fetching the metadata of the version `dep` will most likely get. */
  private prefetch(dep: string, set: bigint): void {
    const p = this.packages.get(dep);
    if (p.id === ROOT || this.options.noDeps) return;
    const i = this.choose(p, set);
    if (i !== null && !p.cands[i]?.costly) this.packages.meta(p.base, i).catch(() => {});
  }

  private result(): Resolution<C> {
    const out = new Map<string, ResolvedPackage<C>>();
    for (const [id, b] of this.ps.decisions) {
      if (id === ROOT) continue;
      const p = this.packages.get(id);
      const i = indices(b)[0]!;
      let r = out.get(p.base);
      if (!r) out.set(p.base, (r = { name: p.base, version: p.cands[i]!.version, candidate: p.cands[i]!, extras: [], requiredBy: [] }));
      if (p.extra !== null) r.extras.push(p.extra);
    }
    for (const [id, b] of this.ps.decisions) {
      const from = id === ROOT ? '' : this.packages.get(id).base;
      for (const dep of this.depsChosen.get(`${id}@${indices(b)[0]}`) ?? []) {
        const r = out.get(this.packages.get(dep).base);
        if (r && from !== r.name && !r.requiredBy.includes(from)) r.requiredBy.push(from);
      }
    }
    const packages = [...out.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const p of packages) {
      p.extras.sort();
      p.requiredBy.sort();
    }
    return { packages, stats: { decisions: this.decisions, conflicts: this.conflicts, metadataFetches: this.packages.metadataFetches, reprioritised: this.priorities.reprioritised } };
  }
}
