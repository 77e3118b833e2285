/**
 * Which undecided package the solver decides next, and conflict-driven prioritisation.
 *
 * The base order is pip's and uv's: a package with at most one version left first, then the order
 * in which packages were first required (breadth first). That order alone can be a trap: when a
 * package decided early (say lib 2.1) keeps rejecting the versions of one decided later (sdk 30,
 * 29, ... each of which needs lib<2 through its pinned core), the solver walks sdk down to an
 * ancient release rather than revisit lib. So every conflict is counted: the package whose version
 * was rejected is "affected", the other packages of the clause that rejected it are "culprits".
 * When a culprit has caused CONFLICT_THRESHOLD rejections, the packages it rejected are decided
 * early from then on, it is decided late (after every other package), and the solver backtracks to
 * just before its decision, so it is chosen again within what the others leave. A package that has
 * been rejected CONFLICT_THRESHOLD times is decided early too. A package never moves back, so this
 * happens at most once per package and cannot loop. Everything here depends only on the order of
 * events, so resolutions stay deterministic. (After uv's conflict tracking in crates/uv-resolver
 * and resolvelib's preference for the causes of backtracking; written for this solver.)
 */
import { splitId, ROOT } from './packages.js';

/** Rejections (as affected or as culprit) after which a package is re-prioritised. */
export const CONFLICT_THRESHOLD = 5;

/** Tiers, decided in this order: one version left, early, the rest, late. */
const SINGLETON = 0;
const EARLY = 1;
const NORMAL = 2;
const LATE = 3;

export class Priorities {
  private readonly affected = new Map<string, number>();
  private readonly culprit = new Map<string, number>();
  /** culprit -> the packages it rejected (in the order first rejected). */
  private readonly victims = new Map<string, string[]>();
  private readonly early = new Set<string>();
  private readonly late = new Set<string>();
  /** Culprits newly marked late that the solver should backtrack before. */
  private readonly pending: string[] = [];
  /** How many packages were re-prioritised (for stats and tests). */
  reprioritised = 0;

  /** The sort key of an undecided package (`base`: its name without extras; `single`: at most one version left): lower is decided first. */
  score(base: string, single: boolean, order: number): number {
    const tier = single ? SINGLETON : this.early.has(base) ? EARLY : this.late.has(base) ? LATE : NORMAL;
    return tier * 1e9 + order;
  }

  /** `affected` (a package whose version was just rejected) was rejected by a clause naming `others`. */
  record(affected: string, others: readonly string[]): void {
    const a = splitId(affected).base;
    if (a === ROOT) return;
    let real = false;
    for (const id of others) {
      const c = splitId(id).base;
      // The root, and "name[extra]" against "name" (an extra copies its base's obligations), are no culprits.
      if (c === a || c === ROOT) continue;
      real = true;
      const list = this.victims.get(c) ?? [];
      if (!list.includes(a)) list.push(a);
      this.victims.set(c, list);
      const n = (this.culprit.get(c) ?? 0) + 1;
      this.culprit.set(c, n);
      if (n === CONFLICT_THRESHOLD && !this.early.has(c) && !this.late.has(c)) {
        this.late.add(c);
        this.reprioritised++;
        for (const v of list) this.markEarly(v);
        this.pending.push(c);
      }
    }
    if (!real) return;
    const n = (this.affected.get(a) ?? 0) + 1;
    this.affected.set(a, n);
    if (n === CONFLICT_THRESHOLD) this.markEarly(a);
  }

  private markEarly(base: string): void {
    if (this.early.has(base) || this.late.has(base)) return;
    this.early.add(base);
    this.reprioritised++;
  }

  /** The culprits newly decided late (the solver backtracks before the earliest decided one). */
  takePending(): string[] {
    return this.pending.splice(0);
  }
}
