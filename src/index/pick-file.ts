// The file of one version to install, among that version's wheels and sdists on the indexes, by
// pip 26.2's rules (PackageFinder: LinkEvaluator, filter_unallowed_hashes, CandidateEvaluator._sort_key,
// and the resolver taking the last of equal files). Used by `venvkit install` / `lock` (the
// resolver's provider) and by `venvkit sync` of a requirements file.
//
// Left out: wheels with no tag of the target, formats --no-binary / --only-binary exclude. Then,
// best first: Requires-Python admits the target (pip drops the others; they are kept last here so
// the caller can say why a version cannot be used; not ranked with ignoreRequiresPython), a hash the
// caller allows (when any file has one), not yanked, a wheel before the sdist and among wheels the
// most specific tag, then the higher build tag. Of files equal on all of these, the one listed last
// wins (pip sorts them stably and walks the list backwards; the index client lists them in pip's order). Pure.
import { tryParseVersion } from '../pep/pep440.js';
import { SpecifierSet } from '../pep/pep440-specifiers.js';
import { bestTagRank } from '../pep/tags.js';
import type { Candidate } from './types.js';

export interface PickFileOptions {
  /** The target's compatible tags, most specific first (compatibleTags). */
  tags: readonly string[];
  /** The target's Python version, checked against each file's Requires-Python. */
  python: string;
  /** The formats allowed ('binary', 'source': FormatControl.allowedFormats). */
  formats: ReadonlySet<string>;
  /** `algo:hex` (lower case): files with one of these hashes (as the index gives them) come first. */
  allowedHashes?: readonly string[];
  /** pip's --ignore-requires-python: Requires-Python does not rank. */
  ignoreRequiresPython?: boolean;
}

export interface PickedFile {
  file: Candidate;
  kind: 'wheel' | 'sdist';
  /** A wheel: the position of its best tag in `tags` (0 = most specific). */
  tagRank: number | null;
  /** False when no file of the version admits the target's Python (the best of those is picked). */
  fitsPython: boolean;
}

// A lock for many targets asks the same questions of the same files once per target: what does not
// depend on the target is kept (the files are the index client's and live as long as it does; the
// Requires-Python texts and Python versions are few).
const specifierSets = new Map<string, SpecifierSet | null>();
const pythons = new Map<string, ReturnType<typeof tryParseVersion>>();

/** Whether Requires-Python `spec` admits Python `python`; an unreadable one admits all, as pip ignores it. */
export function requiresPythonFits(spec: string | undefined, python: string): boolean {
  if (!spec) return true;
  let v = pythons.get(python);
  if (v === undefined && !pythons.has(python)) pythons.set(python, (v = tryParseVersion(python)));
  if (!v) return true;
  let set = specifierSets.get(spec);
  if (set === undefined) {
    try {
      set = new SpecifierSet(spec);
    } catch {
      set = null;
    }
    if (specifierSets.size < 4096) specifierSets.set(spec, set);
  }
  return !set || set.matches(v);
}

interface WheelFacts {
  /** The tag sets of the file name ("py2.py3-none-any"), as bestTagRank takes them. */
  tags: string[];
  /** The build tag: its number and the rest, or null without one. */
  build: [number, string] | null;
}

const wheelFacts = new WeakMap<Candidate, WheelFacts | null>();

/** name-version[-build]-py-abi-plat.whl, read once per file; null for a name that is not a wheel's. */
function factsOf(f: Candidate): WheelFacts | null {
  let facts = wheelFacts.get(f);
  if (facts === undefined) {
    const parts = f.filename.slice(0, -4).split('-');
    const build = parts.length === 6 ? /^(\d+)(.*)$/.exec(parts[2]!) : null;
    facts = parts.length === 5 || build ? { tags: [parts.slice(-3).join('-')], build: build ? [Number(build[1]), build[2]!] : null } : null;
    wheelFacts.set(f, facts);
  }
  return facts;
}

/** pip's order of build tags: none below any; then by number, then by the rest (code-unit order). */
function compareBuild(a: [number, string] | null, b: [number, string] | null): number {
  if (!a || !b) return (a ? 1 : 0) - (b ? 1 : 0);
  return a[0] - b[0] || (a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0);
}

/**
 * The file to install of one version (its `wheels` and `sdists`, in the order the indexes list
 * them) for the target of `options`, or null when none is of an allowed format (and, for wheels,
 * tagged for the target). See the module comment for the order.
 */
export function pickFile(wheels: readonly Candidate[], sdists: readonly Candidate[], options: PickFileOptions): PickedFile | null {
  const { tags, python, allowedHashes, ignoreRequiresPython } = options;
  const hashOk = (f: Candidate) => {
    if (!allowedHashes?.length) return 0;
    for (const algo in f.hashes) if (allowedHashes.includes(`${algo}:${f.hashes[algo]!.toLowerCase()}`)) return 1;
    return 0;
  };
  let best: PickedFile | null = null;
  // The best so far on each part of the order: larger is better (the sdist's tag rank is past every wheel's).
  let bFits = 0, bHash = 0, bLive = 0, bRank = 0;
  let bBuild: [number, string] | null = null;
  const consider = (f: Candidate, kind: 'wheel' | 'sdist', rank: number, build: [number, string] | null) => {
    const fits = ignoreRequiresPython || requiresPythonFits(f.requiresPython, python) ? 1 : 0;
    const hash = hashOk(f);
    const live = f.yanked ? 0 : 1;
    if (best) {
      const d = fits - bFits || hash - bHash || live - bLive || bRank - rank || compareBuild(build, bBuild);
      if (d < 0) return; // equal: the later file wins
    }
    best = { file: f, kind, tagRank: kind === 'wheel' ? rank : null, fitsPython: fits === 1 };
    bFits = fits; bHash = hash; bLive = live; bRank = rank; bBuild = build;
  };
  if (options.formats.has('binary')) {
    for (const f of wheels) {
      const facts = factsOf(f);
      const rank = facts ? bestTagRank(facts.tags, tags) : null;
      if (rank !== null) consider(f, 'wheel', rank, facts!.build);
    }
  }
  if (options.formats.has('source')) for (const f of sdists) consider(f, 'sdist', tags.length, null);
  return best;
}
