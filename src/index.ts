// The public library API. The CLI is a thin layer over these calls.
//
// This module is kept small so that importing venvkit is fast (bench: import): the calls that do the
// work are thin wrappers that load the rest of the library (src/lib.ts, its own file in dist/) on
// first use, with the same signatures. Internal helpers are not exported.
import type * as Lib from './lib.js';
import type { InterpreterInfo, PythonInstallation } from './python/types.js';
import type { FindOptions } from './python/find.js';
import type { ProbeOptions } from './python/probe.js';
import type { Venv, VenvPaths } from './venv/types.js';
import type { OpenOptions } from './venv/open.js';
import type { CreateVenvOptions, CreatedVenv } from './venv/create.js';
import type { RemoveVenvOptions, RemovedVenv } from './venv/remove.js';
import type { ReadRequirementsOptions, ParsedRequirements } from './index/requirements-file.js';
import type { InstallOptions, InstallReport } from './plan-apply/install.js';
import type { RequirementInputs } from './plan-apply/inputs.js';
import type { InstallWheelOptions, InstallWheelResult } from './install/install-wheel.js';
import type { UninstallOptions, UninstallResult } from './install/uninstall.js';
import type { BuildDistributionsOptions } from './plan-apply/build-dists.js';
import type { Pyproject } from './project/pyproject.js';
import type { InstalledDist } from './installed/dist-info.js';
import type { FreezeOptions } from './installed/freeze.js';
import type { DistInfo } from './installed/dists.js';
import type { DependencyProblem } from './installed/check.js';
import type { InstalledMetadata } from './installed/dependencies.js';
import type { MarkerEnvironment } from './pep/markers.js';
import type { LockOptions, LockResult } from './lock/api.js';
import type { SyncOptions, SyncReport } from './sync/sync.js';
import type { BuiltWheel, BuiltWheelsOptions, CacheOptions, CacheInfo, CleanCacheOptions, PruneCacheOptions, RemovalResult } from './cache/api.js';
import { cacheRoot } from './cache/dirs.js';
import type { ResolveEnvironmentOptions, ResolvedEnvironment, FindEnvironmentsOptions, FoundEnvironment } from './environments/index.js';

let loaded: Promise<typeof Lib> | undefined;
const lib = (): Promise<typeof Lib> => (loaded ??= import('./lib.js'));

// Errors
export { VenvkitError, isVenvkitError, type ErrorCode } from './errors.js';

// Interpreters
export type { InterpreterInfo, PythonInstallation, PythonSource } from './python/types.js';
export type { FindOptions } from './python/find.js';
export type { ProbeOptions } from './python/probe.js';
export { parseSpec, type PythonRequest } from './python/spec.js';
/**
 * The interpreter a spec picks (`3.12`, `>=3.10,<3.13`, `pypy3`, `cpython@3.12`, a path), as
 * `venvkit create -p SPEC` would; without a spec, `.python-version`, else `python3` on PATH.
 * Throws PYTHON_NOT_FOUND, PYTHON_UNSUPPORTED or BAD_SPEC.
 */
export async function findPython(spec?: string, options?: FindOptions): Promise<PythonInstallation> {
  return (await lib()).findPython(spec, options);
}
/** Every interpreter found on the machine (PATH, pyenv, system and user locations), each probed once (cached). */
export async function listPythons(options?: FindOptions): Promise<PythonInstallation[]> {
  return (await lib()).listPythons(options);
}
/** The facts about one interpreter (version, implementation, paths, tags), from one probe, cached on disk. */
export async function probeInterpreter(path: string, options?: ProbeOptions): Promise<InterpreterInfo> {
  return (await lib()).probeInterpreter(path, options);
}

// Virtual environments
export type { Venv, VenvPaths, PyvenvCfg } from './venv/types.js';
export type { OpenOptions } from './venv/open.js';
export type { CreateVenvOptions, CreatedVenv, CreateAction } from './venv/create.js';
export type { RemoveVenvOptions, RemovedVenv } from './venv/remove.js';
export { checkHealth, type VenvHealth, type HealthProblem, type HealthCode } from './venv/health.js';
export { locateVenv, type LocatedVenv, type LocateOptions } from './venv/locate.js';
/**
 * Create a virtual environment at `dir`, as `python -m venv` of the chosen interpreter makes it (pip
 * seeded unless `withoutPip`). It is built aside and renamed into place: an interruption leaves nothing,
 * or the previous environment.
 */
export async function createVenv(dir: string, options?: CreateVenvOptions): Promise<CreatedVenv> {
  return (await lib()).createVenv(dir, options);
}
/** Open an existing environment: its directory, or any interpreter path inside it. Throws VENV_NOT_FOUND or NOT_A_VENV. */
export async function openVenv(dir: string, options?: OpenOptions): Promise<Venv> {
  return (await lib()).openVenv(dir, options);
}
/**
 * Delete the virtual environment at `path`, and only an environment: a directory holding pyvenv.cfg,
 * not a link to one (NOT_A_VENV), nor a missing path (VENV_NOT_FOUND). It is renamed aside in one
 * step, then deleted; links inside it are removed, never followed.
 */
export async function removeVenv(path: string, options?: RemoveVenvOptions): Promise<RemovedVenv> {
  return (await lib()).removeVenv(path, options);
}

// Installing
export type { IndexFlags, PipConfig } from './index/pip-config.js';
export type { IndexSettings } from './index/types.js';
export type { RequirementLine, ParsedRequirements, ReadRequirementsOptions, RequirementsFileOptions } from './index/requirements-file.js';
export type { BuildDistributionsOptions } from './plan-apply/build-dists.js';
export { loadPipConfig } from './index/pip-config.js';
export type { InstallOptions, InstallReport, InstallEvent, ReportPackage, Action } from './plan-apply/install.js';
export type { RequirementInputs } from './plan-apply/inputs.js';
export type { WorkersOption } from './plan-apply/worker-file.js';
export type { InstallWheelOptions, InstallWheelResult } from './install/install-wheel.js';
export type { UninstallOptions, UninstallResult } from './install/uninstall.js';
export type { LinkMode } from './install/link.js';
export type { Recovered } from './install/journal.js';
/**
 * Install requirements (names, requirement files, wheels, project directories, editables, groups)
 * into an env, as `pip install` does, from the indexes in pip's configuration: all or nothing.
 * `options.signal` cancels it (before the commit, the env is unchanged); `options.onEvent` reports progress.
 */
export async function installRequirements(venv: Venv, inputs: RequirementInputs, options?: InstallOptions): Promise<InstallReport> {
  return (await lib()).installRequirements(venv, inputs, options);
}
/** Install one wheel file into an env (no dependencies), all or nothing. */
export async function installWheel(venvOrPath: Venv | string, wheelPath: string, options?: InstallWheelOptions): Promise<InstallWheelResult> {
  return (await lib()).installWheel(venvOrPath, wheelPath, options);
}
/** Install several wheel files into an env (no dependencies). */
export async function installWheels(venvOrPath: Venv | string, wheelPaths: string[], options?: InstallWheelOptions & { onInstalled?: (r: InstallWheelResult) => void }): Promise<InstallWheelResult[]> {
  return (await lib()).installWheels(venvOrPath, wheelPaths, options);
}
/**
 * Remove the distribution `name` by its RECORD, all or nothing. One that is not installed is skipped
 * with a warning in the result (`Skipping NAME as it is not installed.`), as pip does, unless `missingOk: false`.
 */
export async function uninstall(venvOrPath: Venv | string, name: string, options?: UninstallOptions): Promise<UninstallResult> {
  return (await lib()).uninstall(venvOrPath, name, options);
}
/** Read requirement files (`-r`) and constraint files (`-c`) with everything they include, as pip reads them. */
export async function readRequirementFiles(files: { path: string; constraint?: boolean }[], options?: ReadRequirementsOptions): Promise<ParsedRequirements> {
  return (await lib()).readRequirementFiles(files, options);
}
/** Build a project's sdist, then a wheel from it, as `python -m build` does; returns their paths. */
export async function buildDistributions(dir: string, options?: BuildDistributionsOptions): Promise<string[]> {
  return (await lib()).buildDistributions(dir, options);
}
/** Read and check a project's pyproject.toml (BAD_PYPROJECT with line and column when malformed). */
export async function readPyproject(dir: string): Promise<Pyproject> {
  return (await lib()).readPyproject(dir);
}
export type { Pyproject, BuildSystem } from './project/pyproject.js';

// What an environment holds (read from its files; async, so the reading code loads on first use)
export type { InstalledDist } from './installed/dist-info.js';
export type { FreezeOptions } from './installed/freeze.js';
export type { DistInfo, DirectUrl } from './installed/dists.js';
export type { DependencyProblem } from './installed/check.js';
export type { InstalledMetadata } from './installed/dependencies.js';
/** The distributions installed in an env's site-packages (name, version, dist-info directory). */
export async function listInstalled(paths: VenvPaths): Promise<InstalledDist[]> {
  return (await lib()).listInstalled(paths);
}
/** What `pip freeze` prints for the env, one line per distribution. */
export async function freeze(venv: Venv, options?: FreezeOptions): Promise<string[]> {
  return (await lib()).freeze(venv, options);
}
/** The installed distributions with their metadata, in name order or pip's lookup order (what `venvkit list` shows). */
export async function readDists(paths: VenvPaths, options?: { light?: boolean; order?: 'name' | 'pip' }): Promise<DistInfo[]> {
  return (await lib()).readDists(paths, options);
}
/** Missing or conflicting dependencies among installed distributions, as `pip check` reports them. */
export async function checkInstalled(installed: readonly InstalledMetadata[], env: MarkerEnvironment): Promise<DependencyProblem[]> {
  return (await lib()).checkInstalled(installed, env);
}

// Finding environments
export type { ResolveEnvironmentOptions, FindEnvironmentsOptions, WatchEnvironmentsOptions, EnvironmentWatcher, EnvironmentEvent, EnvironmentSource, EnvironmentKind, ActivationShell, FoundEnvironment, ResolvedEnvironment } from './environments/index.js';
/**
 * What an editor needs to know about an env directory or any interpreter path: kind, `sys.prefix`,
 * base prefix, version, implementation, activation commands per shell, the variables `venvkit run` sets.
 */
export async function resolveEnvironment(path: string, options?: ResolveEnvironmentOptions): Promise<ResolvedEnvironment> {
  return (await lib()).resolveEnvironment(path, options);
}
/** Every environment in a workspace and on the machine, each labelled with its kind; starts no Python. */
export async function findEnvironments(options?: FindEnvironmentsOptions): Promise<FoundEnvironment[]> {
  return (await lib()).findEnvironments(options);
}
export { watchEnvironments } from './environments/watch.js';

// Python packaging standards (PEP 440 versions, PEP 508 requirements and markers, wheel tags)
export { Version, parseVersion, compareVersions } from './pep/pep440.js';
export { Specifier, SpecifierSet } from './pep/pep440-specifiers.js';
export { parseRequirement, type Requirement } from './pep/pep508.js';
export { parseMarker, evaluateMarker, markerEnvironment, type Marker, type MarkerEnvironment } from './pep/markers.js';
export { compatibleTags } from './pep/tags.js';

// Locking
export type { LockOptions, LockResult, LockFormat } from './lock/api.js';
export type { LockedPackage } from './lock/merge.js';
/**
 * Resolve requirements (for this interpreter, or for other target environments) and render a lock:
 * pylock.toml (PEP 751) or requirements.txt with hashes, by `options.output`'s name. Nothing is written.
 */
export async function lock(options?: LockOptions): Promise<LockResult> {
  return (await lib()).lock(options);
}
/** Write a lock that `lock()` rendered to its path (a temporary file renamed into place). */
export async function writeLock(result: Pick<LockResult, 'path' | 'text'>): Promise<void> {
  (await lib()).writeLock(result);
}

// Progress: one event type for every long call (`onProgress`)
export type { ProgressEvent, ProgressPhase, ProgressListener } from './progress.js';

// Syncing
export type { SyncOptions, SyncReport, SyncedPackage } from './sync/sync.js';
/**
 * Make an env match a lock (pylock.toml, or a requirements.txt of hashed pins) exactly: install what is
 * missing, replace other versions, remove what the lock does not list (pip and setuptools are kept
 * unless `exact`); every hash checked, nothing resolved, one transaction.
 */
export async function sync(options: SyncOptions): Promise<SyncReport> {
  return (await lib()).sync(options);
}

// The cache (what `venvkit cache dir|info|clean|prune|list|remove` do)
export type { CacheOptions, CacheInfo, BucketInfo, BuiltWheel, BuiltWheelsOptions, CleanCacheOptions, PruneCacheOptions, RemovalResult } from './cache/api.js';
/** The cache directory: $VENVKIT_CACHE_DIR, else $XDG_CACHE_HOME/venvkit, else ~/.cache/venvkit (it may not exist yet). */
export async function cacheDir(options: CacheOptions = {}): Promise<string> {
  return cacheRoot(options.env ?? process.env);
}
/** What each part of the cache holds (entries, bytes) and how many venvkit processes use it now. Throws CACHE_UNTRUSTED for a cache that is not yours alone. */
export async function cacheInfo(options?: CacheOptions): Promise<CacheInfo> {
  return (await lib()).cacheInfo(options);
}
/** Remove the whole cache (or `parts`), keeping what a running venvkit may be using; what was removed and kept. */
export async function cleanCache(options?: CleanCacheOptions): Promise<RemovalResult> {
  return (await lib()).cleanCache(options);
}
/** Remove what no env has used for `olderThan` days (default 30), and what killed processes left. */
export async function pruneCache(options?: PruneCacheOptions): Promise<RemovalResult> {
  return (await lib()).pruneCache(options);
}
/** The wheels venvkit built from sources and keeps in its cache (what `pip cache list` lists), those `pattern` matches (a project name or a glob on the file name). */
export async function listBuiltWheels(options?: BuiltWheelsOptions): Promise<BuiltWheel[]> {
  return (await lib()).listBuiltWheels(options);
}
/** Remove the built wheels `pattern` matches, as `pip cache remove` (`*`: also the index pages), keeping what a running venvkit may be using. */
export async function removeBuiltWheels(options: BuiltWheelsOptions & { pattern: string }): Promise<RemovalResult> {
  return (await lib()).removeBuiltWheels(options);
}
