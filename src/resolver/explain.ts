/**
 * Turns the derivation tree of a failed resolution into numbered English sentences, in the manner
 * of PubGrub's reporter: "Because foo==1.0 depends on bar<1 and only bar 2.0 exists, foo==1.0
 * cannot be used. And because you require foo==1.0, the requirements are unsatisfiable."
 */
import { type Incompatibility, type Term, NONE, indices, isPositive } from './incompatibility.js';
import { ROOT, type Packages } from './packages.js';
import type { Candidate } from './types.js';

/** "bar 2.0", "bar>=1.0,<2.0", "bar" (any version)... for the versions in `set` (NONE ignored). */
export function describeSet<C extends Candidate>(packages: Packages<C>, pkg: string, set: bigint): string {
  const p = packages.get(pkg);
  const bits = set & ~NONE;
  const all = p.full & ~NONE;
  if (bits === all) return pkg;
  const idx = indices(bits);
  const n = p.versions.length;
  const v = (i: number) => p.versions[i]!.toString();
  if (idx.length === 1) return `${pkg}==${v(idx[0]!)}`;
  const runs: [number, number][] = [];
  for (const i of idx) {
    const last = runs[runs.length - 1];
    if (last && last[1] === i - 1) last[1] = i;
    else runs.push([i, i]);
  }
  const missing = indices(all & ~bits);
  if (runs.length > 1 && missing.length <= 2) return `${pkg}${missing.map((i) => `!=${v(i)}`).join(',')}`;
  const parts = runs.map(([lo, hi]) => {
    if (lo === hi) return `==${v(lo)}`;
    if (lo === 0) return hi + 1 < n ? `<${v(hi + 1)}` : `<=${v(hi)}`;
    if (hi === n - 1) return `>=${v(lo)}`;
    return `>=${v(lo)},<${v(hi + 1)}`;
  });
  return pkg + parts.join(' | ');
}

class Writer<C extends Candidate> {
  private readonly lines: [string, number | null][] = [];
  private readonly lineNumbers = new Map<Incompatibility, number>();
  private readonly derivations = new Map<Incompatibility, number>();

  constructor(private readonly root: Incompatibility, private readonly packages: Packages<C>) {
    this.count(root);
  }

  private count(inc: Incompatibility): void {
    const n = (this.derivations.get(inc) ?? 0) + 1;
    this.derivations.set(inc, n);
    if (n === 1 && inc.cause.kind === 'conflict') {
      this.count(inc.cause.conflict);
      this.count(inc.cause.other);
    }
  }

  private term(t: Term): string {
    const s = isPositive(t) ? t.set : this.packages.full(t.pkg) ^ t.set;
    return describeSet(this.packages, t.pkg, s);
  }

  /** The package's available versions, briefly ("bar 2.0", "bar 1.0, 1.1 and 2.0"). */
  private available(pkg: string): string {
    const p = this.packages.get(pkg);
    const vs = p.versions.map(String);
    if (vs.length === 0) return `there is no project named ${pkg} on the configured indexes`;
    if (vs.length > 4) return `no version of ${pkg} matches (${vs.length} versions exist, ${vs[0]} to ${vs[vs.length - 1]})`;
    return `only ${pkg} ${vs.length === 1 ? vs[0] : vs.slice(0, -1).join(', ') + ' and ' + vs[vs.length - 1]} ${vs.length === 1 ? 'exists' : 'exist'}`;
  }

  text(inc: Incompatibility): string {
    const c = inc.cause;
    switch (c.kind) {
      case 'root':
        return 'the requirements must be installable';
      case 'dependency': {
        const who = c.depender === ROOT ? 'you require' : `${this.term(inc.terms.find((t) => t.pkg === c.depender) ?? { pkg: c.depender, set: 0n })} depends on`;
        const texts = c.texts && c.texts.length > 1 ? `${c.texts[0]} ... ${c.texts[c.texts.length - 1]}` : c.text;
        return `${who} ${texts}${c.noMatch ? ` (but ${this.available(c.dependee)})` : ''}`;
      }
      case 'constraint':
        return `the constraints require ${c.text}`;
      case 'unavailable':
        return `${this.term(inc.terms[0]!)} ${c.reason}`;
      case 'noVersions':
        return this.packages.get(inc.terms[0]!.pkg).versions.length === 0
          ? `there is no project named ${inc.terms[0]!.pkg} on the configured indexes`
          : `there is no usable version of ${this.term(inc.terms[0]!)}`;
      case 'conflict':
        break;
    }
    const terms = inc.terms;
    if (terms.length === 0) return 'the requirements are unsatisfiable';
    if (terms.length === 1) {
      const t = terms[0]!;
      if (t.pkg === ROOT) return 'the requirements are unsatisfiable';
      return isPositive(t) ? `${this.term(t)} cannot be used` : `${this.term(t)} is required`;
    }
    const pos = terms.filter(isPositive).map((t) => this.term(t));
    const neg = terms.filter((t) => !isPositive(t)).map((t) => this.term(t));
    if (pos.length && neg.length) {
      return pos.length === 1 ? `${pos[0]} depends on ${neg.join(' or ')}` : `if ${pos.join(' and ')} then ${neg.join(' or ')} is required`;
    }
    if (pos.length) return `${pos.join(' and ')} are incompatible`;
    return `one of ${neg.join(' or ')} is required`;
  }

  private and(a: Incompatibility, b: Incompatibility, aLine?: number, bLine?: number): string {
    const noMatch = (x: Incompatibility) => x.cause.kind === 'dependency' && !!x.cause.noMatch;
    if (noMatch(a) && !noMatch(b) && !aLine && !bLine) [a, b] = [b, a];
    return `${this.text(a)}${aLine ? ` (${aLine})` : ''} and ${this.text(b)}${bLine ? ` (${bLine})` : ''}`;
  }

  private write(inc: Incompatibility, message: string, numbered: boolean): void {
    if (numbered) {
      const n = this.lineNumbers.size + 1;
      this.lineNumbers.set(inc, n);
      this.lines.push([message, n]);
    } else {
      this.lines.push([message, null]);
    }
  }

  private single(inc: Incompatibility): boolean {
    return inc.cause.kind === 'conflict' && !inc.cause.conflict.isDerived && !inc.cause.other.isDerived;
  }

  private collapsible(inc: Incompatibility): boolean {
    if ((this.derivations.get(inc) ?? 0) > 1 || inc.cause.kind !== 'conflict') return false;
    const { conflict, other } = inc.cause;
    if (conflict.isDerived === other.isDerived) return false;
    return !this.lineNumbers.has(conflict.isDerived ? conflict : other);
  }

  visit(inc: Incompatibility, conclusion = false): void {
    if (inc.cause.kind !== 'conflict') return;
    const numbered = conclusion || (this.derivations.get(inc) ?? 0) > 1;
    const conj = conclusion || inc === this.root ? 'So,' : 'And';
    const me = this.text(inc);
    const { conflict: a, other: b } = inc.cause;
    if (a.isDerived && b.isDerived) {
      const la = this.lineNumbers.get(a);
      const lb = this.lineNumbers.get(b);
      if (la !== undefined && lb !== undefined) {
        this.write(inc, `Because ${this.and(a, b, la, lb)}, ${me}.`, numbered);
      } else if (la !== undefined || lb !== undefined) {
        const [withLine, without, line] = la !== undefined ? [a, b, la] : [b, a, lb!];
        this.visit(without);
        this.write(inc, `${conj} because ${this.text(withLine)} (${line}), ${me}.`, numbered);
      } else if (this.single(a) || this.single(b)) {
        const [first, second] = this.single(b) ? [a, b] : [b, a];
        this.visit(first);
        this.visit(second);
        this.write(inc, `Thus, ${me}.`, numbered);
      } else {
        this.visit(a, true);
        this.lines.push(['', null]);
        this.visit(b);
        this.write(inc, `${conj} because ${this.text(a)} (${this.lineNumbers.get(a)}), ${me}.`, numbered);
      }
    } else if (a.isDerived || b.isDerived) {
      const derived = a.isDerived ? a : b;
      const ext = a.isDerived ? b : a;
      const line = this.lineNumbers.get(derived);
      if (line !== undefined) {
        this.write(inc, `Because ${this.and(ext, derived, undefined, line)}, ${me}.`, numbered);
      } else if (this.collapsible(derived) && derived.cause.kind === 'conflict') {
        const dc = derived.cause;
        const collapsedDerived = dc.conflict.isDerived ? dc.conflict : dc.other;
        const collapsedExt = dc.conflict.isDerived ? dc.other : dc.conflict;
        this.visit(collapsedDerived);
        this.write(inc, `${conj} because ${this.and(collapsedExt, ext)}, ${me}.`, numbered);
      } else {
        this.visit(derived);
        this.write(inc, `${conj} because ${this.text(ext)}, ${me}.`, numbered);
      }
    } else {
      this.write(inc, `Because ${this.and(a, b)}, ${me}.`, numbered);
    }
  }

  render(): string {
    if (this.root.cause.kind !== 'conflict') return `Because ${this.text(this.root)}, the requirements are unsatisfiable.`;
    this.visit(this.root);
    const width = String(this.lineNumbers.size).length + 2;
    const pad = this.lineNumbers.size > 0;
    return this.lines
      .map(([msg, n]) => (msg === '' ? '' : pad ? (n === null ? ' '.repeat(width + 1) : `(${n})`.padEnd(width + 1)) + msg : msg))
      .join('\n');
  }
}

/** The explanation of why `failure` (the incompatibility that proved there is no solution) holds. */
export function explain<C extends Candidate>(failure: Incompatibility, packages: Packages<C>): string {
  return new Writer(failure, packages).render();
}
