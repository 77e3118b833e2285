/**
 * The environments a lock is resolved for. Without --python-version, --platform or --environment:
 * the one interpreter given (this machine's). Otherwise concrete CPython targets:
 *   --platform P (repeatable) x --python-version V (repeatable); a missing list defaults to this
 *   machine's platform (its glibc on Linux) or this interpreter's X.Y;
 *   --environment MARKER (repeatable): every target of the grid (the --platform list, else
 *   linux-x86_64, linux-aarch64, macos-x86_64, macos-arm64, windows-amd64; the --python-version
 *   list, else CPython 3.8 to 3.14) that the marker holds for.
 * Each target is resolved on its own (resolve-targets.ts) and the results merged (merge.ts), whose
 * markers name the targets with `describeTargets` below.
 */
import { arch, platform as hostPlatform } from 'node:process';
import { VenvkitError } from '../errors.js';
import { evaluateMarker, markerEnvironment, markerToString, parseMarker, type MarkerEnvironment } from '../pep/markers.js';
import { compatibleTags } from '../pep/tags.js';
import { parsePlatform, parsePythonVersion, platformMarker, targetInterpreter, type TargetPlatform } from '../pep/target-env.js';
import type { InterpreterInfo } from '../python/types.js';

export interface LockTarget {
  /** "CPython 3.12 on macos-arm64-13.0" */
  name: string;
  info: InterpreterInfo;
  env: MarkerEnvironment;
  tags: string[];
  /** Key of its platform (targets of one platform differ only by Python version). */
  platformKey: string;
  /** Marker naming the platform: sys_platform and platform_machine. */
  platformMarker: string;
  /** [major, minor] */
  python: [number, number];
}

export interface TargetOptions {
  pythonVersions?: readonly string[];
  platforms?: readonly string[];
  environments?: readonly string[];
}

const GRID_PLATFORMS = ['linux-x86_64', 'linux-aarch64', 'macos-x86_64', 'macos-arm64', 'windows-amd64'];
const GRID_PYTHONS = ['3.8', '3.9', '3.10', '3.11', '3.12', '3.13', '3.14'];

/** Whether any option asks for targets other than the interpreter itself. */
export function wantsOtherTargets(o: TargetOptions): boolean {
  return !!(o.pythonVersions?.length || o.platforms?.length || o.environments?.length);
}

function makeTarget(info: InterpreterInfo, platformKey: string, pMarker: string, label: string): LockTarget {
  const impl = info.implementation === 'cpython' ? 'CPython' : info.implementation === 'pypy' ? 'PyPy' : info.implementation;
  return {
    name: `${impl} ${info.version[0]}.${info.version[1]} on ${label}`,
    info, env: markerEnvironment(info), tags: compatibleTags(info), platformKey, platformMarker: pMarker,
    python: [info.version[0], info.version[1]],
  };
}

/** The target of a real (probed) interpreter. */
export function interpreterTarget(info: InterpreterInfo): LockTarget {
  const key = `${info.platform}-${info.machine}`;
  return makeTarget(info, key, `sys_platform == "${info.platform}" and platform_machine == "${info.machine}"`, key);
}

/** This machine's platform as a spec (its glibc on Linux, so wheels that run here are used). */
function hostPlatformSpec(): string {
  if (hostPlatform === 'darwin') return `macos-${arch === 'arm64' ? 'arm64' : 'x86_64'}`;
  if (hostPlatform === 'win32') return `windows-${arch === 'arm64' ? 'arm64' : arch === 'ia32' ? 'x86' : 'amd64'}`;
  const a = arch === 'arm64' ? 'aarch64' : 'x86_64';
  const glibc = (process.report?.getReport() as { header?: { glibcVersionRuntime?: string } } | undefined)?.header?.glibcVersionRuntime;
  const m = /^2\.(\d+)/.exec(glibc ?? '');
  return m ? `linux-${a}-manylinux_2_${m[1]}` : `linux-${a}`;
}

function platformTarget(version: [number, number, number], p: TargetPlatform): LockTarget {
  return makeTarget(targetInterpreter(version, p), p.spec, platformMarker(p), p.spec);
}

/**
 * The targets for `options`; `host` gives this interpreter's version when --python-version is not
 * given. Throws LOCK_UNCOVERED for an --environment marker no target satisfies.
 */
export function lockTargets(options: TargetOptions, host?: InterpreterInfo): LockTarget[] {
  const platforms = (options.platforms ?? []).map(parsePlatform);
  const versions = (options.pythonVersions ?? []).map(parsePythonVersion);
  if (!options.environments?.length) {
    if (!platforms.length) platforms.push(parsePlatform(hostPlatformSpec()));
    if (!versions.length) {
      if (!host) throw new VenvkitError('USAGE', 'lock: the `platforms` option needs the `pythonVersions` option when no Python interpreter is given', { hint: 'Add a Python version such as 3.12 with the `pythonVersions` option (repeatable).' });
      versions.push([host.version[0], host.version[1], 0]);
    }
    return dedupe(platforms.flatMap((p) => versions.map((v) => platformTarget(v, p))));
  }
  const gridPlatforms = platforms.length ? platforms : GRID_PLATFORMS.map(parsePlatform);
  const gridVersions = versions.length ? versions : GRID_PYTHONS.map(parsePythonVersion);
  const grid = gridPlatforms.flatMap((p) => gridVersions.map((v) => platformTarget(v, p)));
  const out: LockTarget[] = [];
  for (const text of options.environments) {
    const marker = parseEnvironment(text);
    const matching = grid.filter((t) => evaluateMarker(marker, t.env));
    if (!matching.length) {
      throw new VenvkitError('LOCK_UNCOVERED', `--environment '${text}' matches none of the targets venvkit locks for (${gridPlatforms.map((p) => p.spec).join(', ')}; CPython ${gridVersions.map((v) => `${v[0]}.${v[1]}`).join(', ')})`, {
        hint: 'Name a platform (sys_platform, platform_machine) and a Python version (python_version) among those, or widen the grid with the `platforms` and `pythonVersions` options.',
      });
    }
    out.push(...matching);
  }
  return dedupe(out);
}

function dedupe(targets: LockTarget[]): LockTarget[] {
  const seen = new Set<string>();
  return targets.filter((t) => {
    const k = `${t.platformKey}|${t.python.join('.')}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

/** Parses an --environment marker (normalised text for the lock's `environments`). */
export function parseEnvironment(text: string) {
  return parseMarker(text);
}

export function normaliseEnvironment(text: string): string {
  return markerToString(parseMarker(text));
}

const pyClause = (op: string, minor: number, major = 3) => `python_version ${op} "${major}.${minor}"`;

/** A marker for a set of minor versions: contiguous runs become ranges. */
function versionClause(minors: number[]): { text: string; compound: boolean } {
  const sorted = [...new Set(minors)].sort((a, b) => a - b);
  const runs: [number, number][] = [];
  for (const m of sorted) {
    const last = runs[runs.length - 1];
    if (last && last[1] === m - 1) last[1] = m;
    else runs.push([m, m]);
  }
  const parts = runs.map(([a, b]) => (a === b ? pyClause('==', a) : `${pyClause('>=', a)} and ${pyClause('<', b + 1)}`));
  if (parts.length === 1) return { text: parts[0]!, compound: parts[0]!.includes(' and ') };
  return { text: parts.map((p) => (p.includes(' and ') ? `(${p})` : p)).join(' or '), compound: true };
}

/**
 * A marker that holds for the targets in `subset` (and, among `all`, for no other target); ""
 * when `subset` is every target. Targets of one platform are named by their platform marker,
 * with a python_version clause unless they are all of that platform's versions.
 */
export function describeTargets(subset: readonly LockTarget[], all: readonly LockTarget[]): string {
  const want = new Set(subset);
  if (all.every((t) => want.has(t))) return '';
  const platforms = [...new Set(all.map((t) => t.platformKey))];
  const minorsOf = (ts: readonly LockTarget[], key: string) => ts.filter((t) => t.platformKey === key).map((t) => t.python[1]);
  const clauses: string[] = [];
  // Every platform has the same versions in the subset, and all platforms take part: Python only.
  const sig = (ts: readonly LockTarget[], key: string) => minorsOf(ts, key).sort((a, b) => a - b).join(',');
  const samePerPlatform = platforms.every((k) => sig(subset, k) === sig(subset, platforms[0]!)) && platforms.every((k) => sig(all, k) === sig(all, platforms[0]!));
  if (samePerPlatform && sig(subset, platforms[0]!) !== '') return versionClause(minorsOf(subset, platforms[0]!)).text;
  for (const key of platforms) {
    const have = minorsOf(subset, key);
    if (!have.length) continue;
    const pm = all.find((t) => t.platformKey === key)!.platformMarker;
    if (have.length === minorsOf(all, key).length) clauses.push(pm);
    else {
      const v = versionClause(have);
      clauses.push(`${pm} and ${v.compound && v.text.includes(' or ') ? `(${v.text})` : v.text}`);
    }
  }
  if (clauses.length === 1) return clauses[0]!;
  return clauses.map((c) => (c.includes(' and ') ? `(${c})` : c)).join(' or ');
}

/** The lock's `environments`: the user's markers, else one per platform naming its Python versions and implementation. */
export function environmentsOf(targets: readonly LockTarget[], given: readonly string[] | undefined): string[] {
  if (given?.length) return given.map(normaliseEnvironment);
  const out: string[] = [];
  for (const key of [...new Set(targets.map((t) => t.platformKey))]) {
    const ts = targets.filter((t) => t.platformKey === key);
    const v = versionClause(ts.map((t) => t.python[1]));
    out.push(`${ts[0]!.platformMarker} and implementation_name == "${ts[0]!.env.implementation_name}" and ${v.text.includes(' or ') ? `(${v.text})` : v.text}`);
  }
  return out;
}

/** The lock's `requires-python`: the range of the targets' X.Y versions. */
export function requiresPythonOf(targets: readonly LockTarget[]): string {
  const minors = targets.map((t) => t.python[1]);
  const lo = Math.min(...minors);
  const hi = Math.max(...minors);
  return lo === hi ? `==3.${lo}.*` : `>=3.${lo},<3.${hi + 1}`;
}
