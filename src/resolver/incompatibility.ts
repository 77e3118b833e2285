/**
 * Terms and incompatibilities, PubGrub's vocabulary, over finite version sets.
 *
 * Every package's candidates are known before a term mentions it, so a set of versions is a
 * bitset (bigint) over the package's sorted candidates: bit i+1 = candidate i, and bit 0 stands for
 * "the package is not selected". A positive term "foo in S" is S without bit 0; a negative term
 * "foo not in S" is the complement, which includes bit 0. Intersection, union, negation,
 * satisfaction and contradiction are then plain bit operations.
 */

export const NONE = 1n;

export interface Term {
  pkg: string;
  set: bigint;
}

export type Cause =
  | { kind: 'root' }
  /** `depender` (at the versions of the first term) depends on `text`; `noMatch`: no candidate of `dependee` matches. */
  | { kind: 'dependency'; depender: string; dependee: string; text: string; noMatch?: boolean; texts?: string[] }
  /** The versions in the term exist but cannot be used, for `reason` ("requires Python >=3.12"). */
  | { kind: 'unavailable'; reason: string }
  /** No version of the package in the set. */
  | { kind: 'noVersions' }
  /** A constraint (-c) the user gave. */
  | { kind: 'constraint'; text: string }
  /** Learned from two others during conflict resolution. */
  | { kind: 'conflict'; conflict: Incompatibility; other: Incompatibility };

let nextId = 0;

export class Incompatibility {
  readonly id = nextId++;
  readonly terms: Term[];
  constructor(terms: Term[], readonly cause: Cause, full: (pkg: string) => bigint, rootPkg: string) {
    const merged = new Map<string, bigint>();
    for (const t of terms) merged.set(t.pkg, (merged.get(t.pkg) ?? full(t.pkg)) & t.set);
    let list = [...merged].map(([pkg, set]) => ({ pkg, set }));
    // A term every state satisfies adds nothing.
    list = list.filter((t) => t.set !== full(t.pkg));
    // The root package is always selected: drop it from learned clauses (clearer explanations).
    if (cause.kind === 'conflict' && list.length > 1) list = list.filter((t) => !(t.pkg === rootPkg && (t.set & NONE) === 0n));
    this.terms = list;
  }

  get isDerived(): boolean {
    return this.cause.kind === 'conflict';
  }
}

export function isPositive(t: Term): boolean {
  return (t.set & NONE) === 0n;
}

// Sets are bigints (one bit per version): every bigint operation makes a new one, so these walk
// them 32 bits at a time in plain numbers rather than bit by bit (the solver calls them on every
// decision, for every package still open: a bit-by-bit walk made most of a lock's garbage).

/** Bits set in the 32-bit unsigned integer `w`. */
function popcount32(w: number): number {
  w -= (w >>> 1) & 0x55555555;
  w = (w & 0x33333333) + ((w >>> 2) & 0x33333333);
  return Math.imul((w + (w >>> 4)) & 0x0f0f0f0f, 0x01010101) >>> 24;
}

/** Bits set in `x` (not negative). */
export function popcount(x: bigint): number {
  let n = 0;
  while (x) {
    n += popcount32(Number(BigInt.asUintN(32, x)));
    x >>= 32n;
  }
  return n;
}

/** Indices (0-based candidate positions) of the version bits in `set`. */
export function indices(set: bigint): number[] {
  const out: number[] = [];
  let x = set >> 1n;
  let base = 0;
  while (x) {
    let w = Number(BigInt.asUintN(32, x)) | 0;
    while (w !== 0) {
      const low = w & -w;
      out.push(base + 31 - Math.clz32(low));
      w ^= low;
    }
    x >>= 32n;
    base += 32;
  }
  return out;
}
