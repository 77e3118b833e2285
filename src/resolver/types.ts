/**
 * The resolver's contract with the outside world.
 *
 * The solver (solver.ts) is generic: it knows nothing about indexes, wheels or HTTP. It asks a
 * `PackageProvider` two questions, both async so the provider can do I/O lazily and in parallel:
 *
 *   versions(name)          -> every candidate the provider knows for the project (any order;
 *                              the solver sorts by PEP 440). Called at most once per name.
 *   dependencies(name, c)   -> the candidate's metadata: its Requires-Dist lines and its
 *                              Requires-Python. Called at most once per (name, version), possibly
 *                              early (the solver prefetches the versions it is likely to pick),
 *                              and several calls may be in flight at once.
 *
 * Names passed in are PEP 503 normalised ("zope-interface"). Candidates carry whatever the
 * installer needs later in `C` (the index client's file: filename, URL, hashes...); the solver only
 * reads the fields of `Candidate`. What the provider should put there:
 *
 *   - version: the version string (from the wheel filename or the index).
 *   - requiresPython: the index's data-requires-python / PEP 691 `requires-python`, if any. A
 *     candidate whose Requires-Python excludes the target is never chosen, and explanations say so.
 *   - yanked: PEP 592. A yanked candidate is chosen only when a requirement pins it with == / ===.
 *   - unusable: a reason this candidate cannot be installed here although it exists (e.g.
 *     "has no wheel for this interpreter (only a source distribution)"). Such candidates are
 *     kept so explanations can say why they were not chosen. For a project whose files have
 *     several wheels, the provider picks the best wheel per version (see pep/tags.ts bestTagRank)
 *     and returns one candidate per version.
 *
 * Metadata (`dependencies`) should come from the PEP 658 `.metadata` file when the index offers
 * one, else from the wheel's `*.dist-info/METADATA` (range request or download, cached). Return
 * the raw `Requires-Dist` values; the solver parses them (PEP 508) and evaluates their markers
 * (with `extra`) for the target environment.
 */
import type { MarkerEnvironment } from '../pep/markers.js';
import type { Requirement } from '../pep/pep508.js';

export interface Candidate {
  version: string;
  requiresPython?: string | null;
  /** true, or the yank reason. */
  yanked?: boolean | string | null;
  /** Why this candidate cannot be used for the target, when it cannot. */
  unusable?: string | null;
  /** Tried only after every version that is not demoted (pip's --prefer-binary puts sdist-only versions last). */
  demoted?: boolean;
  /** Its metadata is costly (an sdist to build): fetched only when the solver tries it, never prefetched. */
  costly?: boolean;
}

export interface CandidateMetadata {
  /** Requires-Dist values (PEP 508 strings or already parsed). */
  requiresDist: readonly (string | Requirement)[];
  /** Requires-Python from the metadata (checked too: indexes do not always publish it). */
  requiresPython?: string | null;
  /** Provides-Extra values, when known (a requested extra missing from them is warned about, as pip does). */
  providesExtra?: readonly string[] | null;
}

export interface PackageProvider<C extends Candidate = Candidate> {
  versions(name: string): Promise<readonly C[]>;
  dependencies(name: string, candidate: C): Promise<CandidateMetadata>;
  /** Candidate for a `name @ url` requirement (only needed when such requirements are used). */
  fromUrl?(name: string, url: string): Promise<C>;
  /**
   * Where the provider looked for `name`, for the NOT_FOUND error of a project it has no version
   * of: the places asked (index URLs, find-links; credentials redacted) and those that could not be read.
   */
  sources?(name: string): Promise<{ asked: string[]; unreadable: string[] }>;
}

export interface ResolveOptions {
  /** The target interpreter's marker environment (pep/markers.ts markerEnvironment(info)). */
  env: MarkerEnvironment;
  /** Python version Requires-Python is checked against (default env.python_full_version). */
  pythonVersion?: string;
  /**
   * --pre: allow pre-releases everywhere. Otherwise only for a package when a specifier names one of its pre-releases, or when it has no final release.
   * A function (pip's --all-releases / --only-final): per package, true (allowed), false (final releases only) or undefined (that default).
   */
  prereleases?: boolean | ((name: string) => boolean | undefined);
  /** --ignore-requires-python: Requires-Python does not rule a candidate out. */
  ignoreRequiresPython?: boolean;
  /** Versions to keep when they still satisfy (the environment's installed distributions), by normalised name. */
  preferred?: ReadonlyMap<string, string>;
  /** -U: ignore `preferred` for every package (true) or for these normalised names. */
  upgrade?: boolean | ReadonlySet<string>;
  /** --no-deps: do not follow the dependencies of what is chosen. */
  noDeps?: boolean;
  /** -c: constraints (limit versions without requiring the package). */
  constraints?: readonly (string | Requirement)[];
  /** Non-fatal notices ("foo 1.0 does not provide the extra 'bar'"). */
  onWarning?: (message: string) => void;
  /** Stop after this many decisions (a safety net; default 200000). */
  maxSteps?: number;
}

export interface ResolvedPackage<C extends Candidate = Candidate> {
  /** Normalised name. */
  name: string;
  version: string;
  candidate: C;
  /** Extras that were requested for it (normalised, sorted). */
  extras: string[];
  /** Normalised names of the packages (or "" for the user's requirements) that asked for it. */
  requiredBy: string[];
}

export interface Resolution<C extends Candidate = Candidate> {
  /** Chosen packages, sorted by name. */
  packages: ResolvedPackage<C>[];
  /** How much work it took (decisions, conflicts, metadata fetches, packages re-prioritised after repeated conflicts). */
  stats: { decisions: number; conflicts: number; metadataFetches: number; reprioritised: number };
}
