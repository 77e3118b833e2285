/**
 * The errors of a failed resolution, with hints that name the real cause. The derivation tree of
 * the failure (explain.ts words it) ends in external facts: dependencies, constraints, and versions
 * that exist but cannot be used. Those facts decide the error and its hint:
 *
 *   - a project no index has                -> NOT_FOUND "no project named X on the configured indexes"
 *   - versions excluded by Requires-Python  -> the target's Python and the newest version's requirement
 *   - only yanked versions fit              -> pin one with == (PEP 592)
 *   - only pre-releases fit                 -> the `pre` option (--pre)
 *   - no wheel / format control             -> which files exist
 *   - anything else (a real conflict)       -> relax the version constraints named above
 *
 * Hints name library options ("the `pre` option"); the CLI prints its flags instead.
 */
import { VenvkitError, type ErrorCode } from '../errors.js';
import { type Incompatibility, indices } from './incompatibility.js';
import { ROOT, splitId, type Packages, type Pkg } from './packages.js';
import { explain } from './explain.js';
import type { Candidate, PackageProvider } from './types.js';

/** The reason given for a pre-release the policy does not allow (the hint says how to allow it). */
export const PRERELEASE_REASON = 'is a pre-release (pre-releases are not allowed)';
const PYTHON_REASON = 'requires Python ';

export class NoSolutionError extends VenvkitError {
  constructor(readonly explanation: string, hint: string, code: ErrorCode = 'NO_SOLUTION', message?: string) {
    super(code, message ?? `No set of versions satisfies the requirements:\n${explanation}`, { hint });
  }
}

/** A project that no configured index (or find-links location) has: its own code, NOT_FOUND. */
export class ProjectNotFoundError extends NoSolutionError {
  constructor(readonly projects: string[], explanation: string, hint: string, transitive: boolean) {
    const names = projects.join(', ');
    const head = `no project named ${names} on the configured indexes`;
    super(explanation, hint, 'NOT_FOUND', transitive ? `${head}:\n${explanation}` : head);
  }
}

/** The external facts the failure rests on, by kind. */
interface Facts {
  missing: string[];
  /** Of those, the ones the user's requirements name (the others come from packages' metadata). */
  missingDirect: Set<string>;
  /** base -> version bits, per kind of unusable version. */
  python: Map<string, bigint>;
  yanked: Map<string, bigint>;
  pre: Map<string, bigint>;
  otherReasons: string[];
  /** A dependency of a package (not of the user's requirements) is among the facts. */
  transitive: boolean;
}

function collect<C extends Candidate>(failure: Incompatibility, packages: Packages<C>): Facts {
  const facts: Facts = { missing: [], missingDirect: new Set(), python: new Map(), yanked: new Map(), pre: new Map(), otherReasons: [], transitive: false };
  const seen = new Set<Incompatibility>();
  const add = (m: Map<string, bigint>, pkg: string, bits: bigint) => m.set(pkg, (m.get(pkg) ?? 0n) | bits);
  const stack = [failure];
  while (stack.length > 0) {
    const inc = stack.pop()!;
    if (seen.has(inc)) continue;
    seen.add(inc);
    const c = inc.cause;
    if (c.kind === 'conflict') {
      stack.push(c.other, c.conflict);
      continue;
    }
    if (c.kind === 'dependency') {
      if (c.depender !== ROOT) facts.transitive = true;
      const base = splitId(c.dependee).base;
      if (c.noMatch && packages.get(base).versions.length === 0) {
        if (!facts.missing.includes(base)) facts.missing.push(base);
        if (c.depender === ROOT) facts.missingDirect.add(base);
      }
    } else if (c.kind === 'noVersions' || c.kind === 'unavailable') {
      const t = inc.terms[0];
      if (!t) continue;
      const base = splitId(t.pkg).base;
      if (c.kind === 'noVersions') {
        if (packages.get(base).versions.length === 0 && !facts.missing.includes(base)) facts.missing.push(base);
      } else if (c.reason.startsWith(PYTHON_REASON)) add(facts.python, base, t.set);
      else if (c.reason.startsWith('is yanked')) add(facts.yanked, base, t.set);
      else if (c.reason === PRERELEASE_REASON) add(facts.pre, base, t.set);
      else facts.otherReasons.push(c.reason);
    }
  }
  return facts;
}

/** "1.0, 1.1 and 2.0" (at most four, newest first, then "..."). */
function versionList<C extends Candidate>(p: Pkg<C>, bits: bigint): string {
  const vs = indices(bits).reverse().map((i) => String(p.versions[i]));
  const shown = vs.length > 4 ? [...vs.slice(0, 4), '...'] : vs;
  return shown.length === 1 ? shown[0]! : `${shown.slice(0, -1).join(', ')} and ${shown[shown.length - 1]}`;
}

function pythonHint<C extends Candidate>(p: Pkg<C>, bits: bigint, target: string): string {
  const newest = indices(bits).pop()!;
  const spec = (p.unusable[newest] ?? '').slice(PYTHON_REASON.length);
  const all = p.versions.every((_, i) => p.unusable[i]?.startsWith(PYTHON_REASON));
  let older: string | undefined;
  for (let i = p.versions.length - 1; i >= 0 && older === undefined; i--) if (!p.unusable[i]?.startsWith(PYTHON_REASON)) older = String(p.versions[i]);
  const why = all ? `No release of ${p.base} supports Python ${target}` : `Every version of ${p.base} that fits requires another Python`;
  return `${why}: the newest, ${p.base} ${p.versions[newest]}, requires Python ${spec}, and the target is Python ${target}. ` +
    `Use an environment with a Python that satisfies ${spec}${older ? `, or a release of ${p.base} that supports Python ${target} (the newest is ${older})` : ''}.`;
}

function yankedHint<C extends Candidate>(p: Pkg<C>, bits: bigint): string {
  const idx = indices(bits);
  const newest = idx[idx.length - 1]!;
  const reasons = [...new Set(idx.map((i) => p.cands[i]?.yanked).filter((r): r is string => typeof r === 'string' && r !== ''))];
  return `The only versions of ${p.base} that fit are yanked (${versionList(p, bits)}${reasons.length ? `; reason: ${reasons.join('; ')}` : ''}). ` +
    `A yanked release is used only when a requirement pins it exactly (${p.base}==${p.versions[newest]}), as PEP 592 says.`;
}

function preHint<C extends Candidate>(p: Pkg<C>, bits: bigint): string {
  const idx = indices(bits);
  const newest = p.versions[idx[idx.length - 1]!];
  return `The only versions of ${p.base} that fit are pre-releases (${versionList(p, bits)}). ` +
    `Allow pre-releases with the \`pre\` option, or name one in the requirement (${p.base}>=${newest}).`;
}

export interface FailureContext<C extends Candidate> {
  packages: Packages<C>;
  provider: PackageProvider<C>;
  /** The Python version Requires-Python was checked against. */
  pythonVersion: string;
}

/** The error for a resolution that proved `failure` (the root cause): NOT_FOUND or NO_SOLUTION. */
export async function failureError<C extends Candidate>(failure: Incompatibility, ctx: FailureContext<C>): Promise<NoSolutionError> {
  const explanation = explain(failure, ctx.packages);
  const facts = collect(failure, ctx.packages);
  const hints: string[] = [];
  for (const [base, bits] of facts.python) hints.push(pythonHint(ctx.packages.get(base), bits, ctx.pythonVersion));
  for (const [base, bits] of facts.yanked) hints.push(yankedHint(ctx.packages.get(base), bits));
  for (const [base, bits] of facts.pre) hints.push(preHint(ctx.packages.get(base), bits));
  const other = facts.otherReasons.join('\n');
  if (other.includes('--only-binary') || other.includes('--no-binary')) hints.push('Check the `formatControl` option and the --only-binary / --no-binary lines of requirement files.');
  else if (other.includes('has no wheel')) hints.push('Pick a release that has a wheel for this interpreter or an sdist.');
  if (facts.missing.length > 0) {
    const where = await Promise.all(facts.missing.map((name) => ctx.provider.sources?.(name).catch(() => undefined)));
    const asked = [...new Set(where.flatMap((w) => w?.asked ?? []))];
    const unreadable = [...new Set(where.flatMap((w) => w?.unreadable ?? []))];
    const quote = (names: string[]) => names.map((n) => `'${n}'`).join(', ');
    const direct = facts.missing.filter((n) => facts.missingDirect.has(n));
    const indirect = facts.missing.filter((n) => !facts.missingDirect.has(n));
    const parts: string[] = [];
    if (direct.length) parts.push(`Check the spelling of ${quote(direct)}`);
    if (indirect.length) parts.push(`${quote(indirect)} ${indirect.length > 1 ? 'are' : 'is'} required by the packages named above, not by you: use an index that has ${indirect.length > 1 ? 'them' : 'it'}, or versions of those packages that do not need ${indirect.length > 1 ? 'them' : 'it'}`);
    let hint = parts.join('. ') + (asked.length ? `; looked in ${asked.join(', ')}.` : '.');
    if (unreadable.length) hint += ` ${unreadable.join(', ')} could not be read: the project may be there.`;
    return new ProjectNotFoundError(facts.missing, explanation, [hint, ...hints].join(' '), facts.transitive);
  }
  if (hints.length === 0) hints.push('Relax the version constraints named above.');
  return new NoSolutionError(explanation, hints.join(' '));
}
