/**
 * Merging the per-target resolutions into the lock's package entries. The same name and version
 * chosen for every target is one entry without a marker; otherwise an entry's marker names the
 * targets it is for (targets.ts describeTargets). Its files are the union of the files the targets
 * chose (a wheel for each, or the sdist). A package that only an extra or a dependency group of the
 * project needs carries `'NAME' in extras` / `'NAME' in dependency_groups` (the pylock markers).
 * Pure: the output is sorted (name, version, marker; files by name), whatever order came in.
 */
import type { Candidate as IndexFile } from '../index/types.js';
import { compareVersions, tryParseVersion } from '../pep/pep440.js';
import type { ResolvedPackage } from '../resolver/types.js';
import type { IndexCandidate } from '../resolver/index-provider.js';
import { describeTargets, type LockTarget } from './targets.js';
import type { TargetResolution } from './resolve-targets.js';

/** Where a top-level requirement comes from: the base set, or an extra / dependency group of the project. */
export type Activation = { kind: 'base' } | { kind: 'extra' | 'group'; name: string };

export interface RootInfo {
  /** Activations per normalised requirement name. */
  activations: Map<string, Activation[]>;
  /** `# via` labels per normalised requirement name ("-r requirements.in", "pyproject.toml"). */
  labels: Map<string, string[]>;
}

export interface LockedPackage {
  name: string;
  version: string;
  /** "" when the entry is for every target and needs no extra or group. */
  marker: string;
  wheels: IndexFile[];
  sdist?: IndexFile;
  /** Normalised names of the packages that require it, and the labels of the user's inputs that do. */
  via: string[];
  /** The targets that use it. */
  targets: LockTarget[];
  /** A file's Requires-Python (the index's, for the file chosen first). */
  requiresPython?: string;
  /** The candidate chosen (the first target's), for callers that want more. */
  candidate: IndexCandidate;
}

function activationClause(acts: Activation[]): string {
  const parts = [...new Set(acts.filter((a) => a.kind !== 'base').map((a) => (a.kind === 'extra' ? `'${(a as { name: string }).name}' in extras` : `'${(a as { name: string }).name}' in dependency_groups`)))].sort();
  return parts.join(' or ');
}

/** For one resolution: the activations that reach each package ("" = always; else the clause). */
function reach(packages: readonly ResolvedPackage<IndexCandidate>[], roots: RootInfo): Map<string, string> {
  const children = new Map<string, string[]>();
  for (const p of packages) for (const parent of p.requiredBy) if (parent) (children.get(parent) ?? children.set(parent, []).get(parent)!).push(p.name);
  const byPackage = new Map<string, Activation[]>();
  const seenBase = new Set<string>();
  const walk = (start: string[], act: Activation, seen: Set<string>) => {
    const stack = [...start];
    while (stack.length) {
      const n = stack.pop()!;
      if (seen.has(n)) continue;
      seen.add(n);
      (byPackage.get(n) ?? byPackage.set(n, []).get(n)!).push(act);
      stack.push(...(children.get(n) ?? []));
    }
  };
  const userPkgs = packages.filter((p) => p.requiredBy.includes(''));
  const rootsOf = (pred: (a: Activation) => boolean) => userPkgs.filter((p) => (roots.activations.get(p.name) ?? [{ kind: 'base' }]).some(pred)).map((p) => p.name);
  walk(rootsOf((a) => a.kind === 'base'), { kind: 'base' }, seenBase);
  const others = new Map<string, Activation>();
  for (const acts of roots.activations.values()) for (const a of acts) if (a.kind !== 'base') others.set(`${a.kind}:${a.name}`, a);
  for (const a of [...others.values()] as { kind: 'extra' | 'group'; name: string }[]) {
    walk(rootsOf((b) => b.kind === a.kind && (b as { name: string }).name === a.name), a, new Set());
  }
  const out = new Map<string, string>();
  for (const p of packages) out.set(p.name, seenBase.has(p.name) ? '' : activationClause(byPackage.get(p.name) ?? []));
  return out;
}

const paren = (m: string) => (m.includes(' or ') ? `(${m})` : m);

/** The lock entries for `results` (see the module comment). */
export function mergeResolutions(results: readonly TargetResolution[], roots: RootInfo): LockedPackage[] {
  const all = results.map((r) => r.target);
  const entries = new Map<string, { name: string; version: string; uses: { target: LockTarget; when: string }[]; files: Map<string, IndexFile>; via: Set<string>; candidate: IndexCandidate; requiresPython?: string }>();
  for (const { target, resolution } of results) {
    const when = reach(resolution.packages, roots);
    for (const p of resolution.packages) {
      const key = `${p.name}\0${p.version}`;
      let e = entries.get(key);
      if (!e) entries.set(key, (e = { name: p.name, version: p.version, uses: [], files: new Map(), via: new Set(), candidate: p.candidate }));
      e.uses.push({ target, when: when.get(p.name) ?? '' });
      const f = p.candidate.file!;
      e.files.set(f.filename, f);
      if (!e.requiresPython && f.requiresPython) e.requiresPython = f.requiresPython;
      for (const parent of p.requiredBy) {
        if (parent) e.via.add(parent);
        else for (const label of roots.labels.get(p.name) ?? []) e.via.add(label);
      }
    }
  }
  const out: LockedPackage[] = [];
  for (const e of entries.values()) {
    const byWhen = new Map<string, LockTarget[]>();
    for (const u of e.uses) (byWhen.get(u.when) ?? byWhen.set(u.when, []).get(u.when)!).push(u.target);
    const parts: string[] = [];
    for (const [when, ts] of [...byWhen].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
      const where = describeTargets(ts, all);
      parts.push(where && when ? `${paren(where)} and ${paren(when)}` : where || when);
    }
    // One part that is "" means: always. Several: any of them.
    const marker = parts.includes('') ? '' : parts.length === 1 ? parts[0]! : parts.map((p) => (p.includes(' and ') || p.includes(' or ') ? `(${p})` : p)).join(' or ');
    const files = [...e.files.values()].sort((a, b) => (a.filename < b.filename ? -1 : a.filename > b.filename ? 1 : 0));
    const isSdist = (f: IndexFile) => !f.filename.endsWith('.whl');
    const sdist = files.find(isSdist);
    out.push({
      name: e.name, version: e.version, marker,
      wheels: files.filter((f) => !isSdist(f)),
      ...(sdist ? { sdist } : {}),
      via: [...e.via].sort(),
      targets: e.uses.map((u) => u.target),
      ...(e.requiresPython ? { requiresPython: e.requiresPython } : {}),
      candidate: e.candidate,
    });
  }
  return out.sort(compareEntries);
}

function compareEntries(a: LockedPackage, b: LockedPackage): number {
  if (a.name !== b.name) return a.name < b.name ? -1 : 1;
  const va = tryParseVersion(a.version);
  const vb = tryParseVersion(b.version);
  const c = va && vb ? compareVersions(va, vb) : 0;
  if (c !== 0) return c;
  return a.marker < b.marker ? -1 : a.marker > b.marker ? 1 : 0;
}
