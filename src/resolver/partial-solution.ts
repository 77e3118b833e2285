/**
 * PubGrub's partial solution: an ordered list of assignments (decisions and derivations), with
 * the intersection of each package's assignments kept up to date.
 */
import { type Incompatibility, type Term, NONE } from './incompatibility.js';

export interface Assignment {
  pkg: string;
  set: bigint;
  level: number;
  /** null for a decision. */
  cause: Incompatibility | null;
  index: number;
}

export type Relation = 'satisfied' | 'contradicted' | 'inconclusive';

export class PartialSolution {
  readonly assignments: Assignment[] = [];
  private readonly byPkg = new Map<string, Assignment[]>();
  private readonly acc = new Map<string, bigint>();
  /** Decided packages -> the decided version bit. */
  readonly decisions = new Map<string, bigint>();
  /** Packages that must be selected and have no decision yet, kept as assignments come and go. */
  private readonly open = new Set<string>();
  level = 0;

  constructor(private readonly full: (pkg: string) => bigint) {}

  /** The intersection of all assignments to `pkg` (everything when none). */
  accumulated(pkg: string): bigint {
    return this.acc.get(pkg) ?? this.full(pkg);
  }

  /** Whether `pkg` must be selected (its accumulated set excludes "not selected"). */
  isRequired(pkg: string): boolean {
    const a = this.acc.get(pkg);
    return a !== undefined && (a & NONE) === 0n;
  }

  /** Packages that must be selected but have no decision yet (kept up to date, not scanned for). */
  undecided(): ReadonlySet<string> {
    return this.open;
  }

  /** Keeps `pkg`'s membership of the undecided set in step with its assignments. */
  private track(pkg: string, a: bigint | undefined): void {
    if (a !== undefined && (a & NONE) === 0n && !this.decisions.has(pkg)) this.open.add(pkg);
    else this.open.delete(pkg);
  }

  decide(pkg: string, bit: bigint): void {
    this.level++;
    this.decisions.set(pkg, bit);
    this.push(pkg, bit, null);
  }

  derive(pkg: string, set: bigint, cause: Incompatibility): void {
    this.push(pkg, set, cause);
  }

  private push(pkg: string, set: bigint, cause: Incompatibility | null): void {
    const a: Assignment = { pkg, set, level: this.level, cause, index: this.assignments.length };
    this.assignments.push(a);
    let list = this.byPkg.get(pkg);
    if (!list) this.byPkg.set(pkg, (list = []));
    list.push(a);
    const acc = this.accumulated(pkg) & set;
    this.acc.set(pkg, acc);
    this.track(pkg, acc);
  }

  /** The decision level at which `pkg` was decided, or undefined when it is not decided. */
  decisionLevel(pkg: string): number | undefined {
    if (!this.decisions.has(pkg)) return undefined;
    return this.byPkg.get(pkg)?.find((a) => a.cause === null)?.level;
  }

  /** Undo every assignment made after decision level `level`. */
  backtrack(level: number): void {
    const touched = new Set<string>();
    while (this.assignments.length > 0 && this.assignments[this.assignments.length - 1]!.level > level) {
      const a = this.assignments.pop()!;
      this.byPkg.get(a.pkg)!.pop();
      if (a.cause === null) this.decisions.delete(a.pkg);
      touched.add(a.pkg);
    }
    for (const pkg of touched) {
      const list = this.byPkg.get(pkg)!;
      if (list.length === 0) {
        this.acc.delete(pkg);
        this.byPkg.delete(pkg);
        this.track(pkg, undefined);
      } else {
        let s = this.full(pkg);
        for (const a of list) s &= a.set;
        this.acc.set(pkg, s);
        this.track(pkg, s);
      }
    }
    this.level = level;
  }

  relation(t: Term): Relation {
    const a = this.accumulated(t.pkg);
    if ((a & ~t.set) === 0n) return 'satisfied';
    if ((a & t.set) === 0n) return 'contradicted';
    return 'inconclusive';
  }

  /** The earliest assignment after which the solution satisfies `t`. */
  satisfier(t: Term): Assignment {
    let s = this.full(t.pkg);
    for (const a of this.byPkg.get(t.pkg) ?? []) {
      s &= a.set;
      if ((s & ~t.set) === 0n) return a;
    }
    throw new Error(`internal: no satisfier for ${t.pkg}`);
  }
}
