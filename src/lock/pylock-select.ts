// PEP 751's installation rules: which packages of a pylock.toml this environment installs, and
// which file of each. Checks requires-python and environments (naming the markers that failed and
// the values they saw), evaluates each package's marker with the selected extras and dependency
// groups, refuses two entries of one project, and picks the best wheel by this interpreter's tags,
// else the sdist. Pure: the lock, the marker environment and the tags come in as data.
import { VenvkitError } from '../errors.js';
import { evaluateMarker, parseMarker, type Marker, type MarkerEnvironment, type LockSelection } from '../pep/markers.js';
import { parseSpecifiers } from '../pep/pep440-specifiers.js';
import { tryParseVersion } from '../pep/pep440.js';
import { bestTagRank } from '../pep/tags.js';
import { tryParseWheelFilename } from '../pep/wheel-name.js';
import type { LockedFile, LockedPackage, Pylock } from './pylock-read.js';

export interface SelectedPackage {
  package: LockedPackage;
  /** What is installed from: a wheel as it is, an sdist built first; a directory or a VCS checkout is built (pylock-sources.ts). */
  kind: 'wheel' | 'sdist' | 'directory' | 'vcs';
  /** The file (wheel or sdist kinds). */
  file?: LockedFile;
}

export interface SelectOptions {
  env: MarkerEnvironment;
  /** Extras to install (must be among the lock's `extras`). */
  extras?: readonly string[];
  /** Dependency groups to install; default: the lock's default-groups. */
  groups?: readonly string[];
}

/** The variables a marker reads, with the values this environment has, e.g. `sys_platform is "linux"`. */
export function markerValues(m: Marker, env: MarkerEnvironment, out = new Map<string, string>()): Map<string, string> {
  if (m.kind !== 'compare') {
    for (const x of m.items) markerValues(x, env, out);
    return out;
  }
  for (const v of [m.lhs, m.rhs]) {
    if ('variable' in v && v.variable in env) out.set(v.variable, JSON.stringify(env[v.variable as keyof MarkerEnvironment]));
  }
  return out;
}

function parseLockMarker(text: string, where: string, lock: Pylock): Marker {
  try {
    return parseMarker(text, { lockFile: true });
  } catch (e) {
    throw new VenvkitError('BAD_LOCK', `${lock.path}: ${where}: ${(e as Error).message}`, { hint: 'Markers are PEP 508 markers; a lock file may also test `"name" in extras` and `"name" in dependency_groups`.' });
  }
}

function fitsPython(spec: string, version: string, where: string, lock: Pylock): boolean {
  let set;
  try {
    set = parseSpecifiers(spec);
  } catch (e) {
    throw new VenvkitError('BAD_LOCK', `${lock.path}: ${where}: requires-python "${spec}" is not a version specifier (${(e as Error).message})`);
  }
  const v = tryParseVersion(version);
  return v !== null && set.contains(v, { prereleases: true });
}

/** The file to install for `pkg`: the best wheel for `tags`, else the sdist; undefined when neither fits. */
function bestFile(pkg: LockedPackage, tags: readonly string[]): { kind: 'wheel' | 'sdist'; file: LockedFile } | undefined {
  let best: { rank: number; file: LockedFile } | undefined;
  for (const w of pkg.wheels) {
    const parsed = tryParseWheelFilename(w.name);
    if (typeof parsed === 'string') continue;
    const rank = bestTagRank(parsed.tags, tags);
    if (rank !== null && (!best || rank < best.rank)) best = { rank, file: w };
  }
  if (best) return { kind: 'wheel', file: best.file };
  if (pkg.sdist) return { kind: 'sdist', file: pkg.sdist };
  if (pkg.archive) return { kind: /\.whl$/i.test(pkg.archive.name) ? 'wheel' : 'sdist', file: pkg.archive };
  return undefined;
}

/**
 * The packages this environment installs from `lock` (PEP 751's installation steps, in order), the
 * file of each not chosen yet (pickFile: a sync that finds them installed needs no tags).
 */
export function selectPackages(lock: Pylock, options: SelectOptions): LockedPackage[] {
  const { env } = options;
  const full = env.python_full_version;
  if (lock.requiresPython !== undefined && !fitsPython(lock.requiresPython, full, 'requires-python', lock)) {
    throw new VenvkitError('LOCK_ENVIRONMENT', `${lock.path} requires Python ${lock.requiresPython}, and this environment's Python is ${full}`, {
      hint: 'Sync into an environment of a Python version the lock allows, or lock again for this one.',
    });
  }
  if (lock.environments !== undefined && lock.environments.length > 0) {
    const markers = lock.environments.map((text, i) => ({ text, m: parseLockMarker(text, `environments[${i}]`, lock) }));
    if (!markers.some(({ m }) => evaluateMarker(m, env))) {
      const failed = markers.map(({ text, m }) => `  ${text}   (here ${[...markerValues(m, env)].map(([k, v]) => `${k} is ${v}`).join(', ')})`);
      throw new VenvkitError('LOCK_ENVIRONMENT', `${lock.path} is not for this environment: none of its environments matches\n${failed.join('\n')}`, {
        hint: 'Sync into an environment one of these markers describes, or lock again with this environment included.',
      });
    }
  }
  const extras = options.extras ?? [];
  const groups = options.groups ?? lock.defaultGroups;
  for (const x of extras) if (!lock.extras.includes(x)) throw new VenvkitError('USAGE', `${lock.path} has no extra "${x}" (it has: ${lock.extras.join(', ') || 'none'})`);
  for (const g of groups) if (!lock.dependencyGroups.includes(g)) throw new VenvkitError('USAGE', `${lock.path} has no dependency group "${g}" (it has: ${lock.dependencyGroups.join(', ') || 'none'})`);
  const selection: LockSelection = { extras, dependency_groups: groups };
  const chosen = new Map<string, LockedPackage>();
  for (const pkg of lock.packages) {
    const where = `packages[${pkg.index}] (${pkg.name})`;
    if (pkg.marker !== undefined && !evaluateMarker(parseLockMarker(pkg.marker, where, lock), env, '', selection)) continue;
    if (pkg.requiresPython !== undefined && !fitsPython(pkg.requiresPython, full, where, lock)) {
      throw new VenvkitError('LOCK_ENVIRONMENT', `${lock.path}: ${where} requires Python ${pkg.requiresPython}, and this environment's Python is ${full}`, {
        hint: 'Sync into an environment of a Python version the lock allows, or lock again for this one.',
      });
    }
    const other = chosen.get(pkg.key);
    if (other) throw new VenvkitError('BAD_LOCK', `${lock.path}: ${pkg.name} is selected twice for this environment, at packages[${other.index}] and packages[${pkg.index}]`, { hint: "Each project may be installed once: the entries' markers must exclude each other." });
    chosen.set(pkg.key, pkg);
  }
  return [...chosen.values()];
}

const ARCHIVE = /^(.+?)-(\d[^-]*?)\.(?:tar\.gz|tgz|tar\.bz2|tar\.xz|tar|zip)$/i;

/**
 * The version of a package: the lock's, else (pip 26.2 writes none for an archive) the one its
 * archive's file name gives; undefined for a directory or a VCS checkout (known once built).
 */
export function lockedVersion(lock: Pylock, pkg: LockedPackage): string | undefined {
  if (pkg.version !== undefined || !pkg.archive) return pkg.version;
  const wheel = tryParseWheelFilename(pkg.archive.name);
  if (typeof wheel !== 'string') return wheel.version;
  const m = ARCHIVE.exec(pkg.archive.name);
  if (m) return m[2]!;
  throw new VenvkitError('BAD_LOCK', `${lock.path}: packages[${pkg.index}] (${pkg.name}): the archive ${pkg.archive.name} gives no version, and the entry has none`, { hint: 'Add `version = "..."` to the entry, or lock again.' });
}

/** The file of a selected package for an interpreter's `tags` (best first): the best wheel, else the sdist. */
export function pickFile(lock: Pylock, pkg: LockedPackage, tags: readonly string[]): SelectedPackage & { kind: 'wheel' | 'sdist'; file: LockedFile } {
  const pick = bestFile(pkg, tags);
  if (!pick) {
    throw new VenvkitError('NO_WHEEL', `${lock.path}: packages[${pkg.index}] (${pkg.name} ${pkg.version ?? ''}) has no wheel for this interpreter (${tags[0] ?? 'no tags'}) and no sdist`, {
      hint: 'Lock again including a wheel for this platform, or an sdist.',
    });
  }
  return { package: pkg, ...pick };
}

/** selectPackages and the file of each (none for a directory or a VCS entry). */
export function selectFromLock(lock: Pylock, options: SelectOptions & { tags: readonly string[] }): SelectedPackage[] {
  return selectPackages(lock, options).map((pkg) => (pkg.directory ? { package: pkg, kind: 'directory' } : pkg.vcs ? { package: pkg, kind: 'vcs' } : pickFile(lock, pkg, options.tags)));
}
