// The public library API. The CLI is a thin layer over these calls.
//
// This module is kept small so that importing venvkit is fast (bench: import): the calls that do the
// work are thin wrappers that load the rest of the library (src/lib.ts, its own file in dist/) on
// first use. Their types are those of the functions they call. Internal helpers are not exported.
import type * as Lib from './lib.js';

let loaded: Promise<typeof Lib> | undefined;
const lib = (): Promise<typeof Lib> => (loaded ??= import('./lib.js'));

// Errors
export { VenvkitError, isVenvkitError, type ErrorCode } from './errors.js';

// Interpreters
export type { InterpreterInfo, PythonInstallation, PythonSource } from './python/types.js';
export type { FindOptions } from './python/find.js';
export type { ProbeOptions } from './python/probe.js';
export { parseSpec, type PythonRequest } from './python/spec.js';
/** Find the interpreter a spec (`3.12`, `>=3.10`, `pypy3`, a path) picks, as `venvkit create -p SPEC` would. */
export const findPython: typeof Lib.findPython = async (...a) => (await lib()).findPython(...a);
/** Every interpreter found on the machine (PATH, pyenv, system and user locations). */
export const listPythons: typeof Lib.listPythons = async (...a) => (await lib()).listPythons(...a);
/** The facts about one interpreter (version, implementation, paths, tags), from one probe, cached. */
export const probeInterpreter: typeof Lib.probeInterpreter = async (...a) => (await lib()).probeInterpreter(...a);

// Virtual environments
export type { Venv, VenvPaths, PyvenvCfg } from './venv/types.js';
export type { OpenOptions } from './venv/open.js';
export type { CreateVenvOptions, CreatedVenv, CreateAction } from './venv/create.js';
export type { RemoveVenvOptions, RemovedVenv } from './venv/remove.js';
export { checkHealth, type VenvHealth, type HealthProblem, type HealthCode } from './venv/health.js';
export { locateVenv, type LocatedVenv, type LocateOptions } from './venv/locate.js';
/** Create a virtual environment, as `python -m venv` of the chosen interpreter does (staged, then renamed into place). */
export const createVenv: typeof Lib.createVenv = async (...a) => (await lib()).createVenv(...a);
/** Open an existing environment: its directory or any interpreter path inside it. */
export const openVenv: typeof Lib.openVenv = async (...a) => (await lib()).openVenv(...a);
/** Delete a virtual environment, and only one (a directory holding pyvenv.cfg, not a link). */
export const removeVenv: typeof Lib.removeVenv = async (...a) => (await lib()).removeVenv(...a);

// Installing
export type { IndexFlags, PipConfig } from './index/pip-config.js';
export type { IndexSettings } from './index/types.js';
export type { RequirementLine, ParsedRequirements } from './index/requirements-file.js';
export { loadPipConfig } from './index/pip-config.js';
export type { InstallOptions, InstallReport, InstallEvent, ReportPackage, Action } from './pip/install.js';
export type { RequirementInputs } from './pip/inputs.js';
export type { WorkersOption } from './pip/worker-file.js';
export type { InstallWheelOptions, InstallWheelResult } from './install/install-wheel.js';
export type { UninstallOptions, UninstallResult } from './install/uninstall.js';
export type { LinkMode } from './install/link.js';
export type { Recovered } from './install/journal.js';
export type { ResolveRequirementsOptions } from './resolver/resolve-index.js';
export type { Resolution, ResolvedPackage } from './resolver/types.js';
/** Install requirements (names, files, wheels, projects, editables) into an env, as `pip install` does: all or nothing. */
export const installRequirements: typeof Lib.installRequirements = async (...a) => (await lib()).installRequirements(...a);
/** Install one wheel file into an env (no dependencies). */
export const installWheel: typeof Lib.installWheel = async (...a) => (await lib()).installWheel(...a);
/** Install several wheel files into an env (no dependencies). */
export const installWheels: typeof Lib.installWheels = async (...a) => (await lib()).installWheels(...a);
/** Remove a distribution by its RECORD; one that is not installed is skipped with a warning, as pip does. */
export const uninstall: typeof Lib.uninstall = async (...a) => (await lib()).uninstall(...a);
/** Resolve requirements against the configured indexes without installing anything. */
export const resolveRequirements: typeof Lib.resolveRequirements = async (...a) => (await lib()).resolveRequirements(...a);
/** Read pip requirement files (`-r`, `-c`, options, markers, hashes), as pip reads them. */
export const readRequirementFiles: typeof Lib.readRequirementFiles = async (...a) => (await lib()).readRequirementFiles(...a);
/** Build a project's sdist and wheel, as `python -m build` does. */
export const buildDistributions: typeof Lib.buildDistributions = async (...a) => (await lib()).buildDistributions(...a);
/** Read a project's pyproject.toml. */
export const readPyproject: typeof Lib.readPyproject = async (...a) => (await lib()).readPyproject(...a);
export type { Pyproject, BuildSystem } from './project/pyproject.js';

// What an environment holds (read from its files; async, so the reading code loads on first use)
export type { InstalledDist } from './install/installed.js';
export type { FreezeOptions } from './pip/freeze.js';
export type { DistInfo, DirectUrl } from './pip/dists.js';
export type { DependencyProblem } from './pip/check.js';
export type { InstalledMetadata } from './pip/installed-deps.js';
/** The distributions installed in an env's site-packages (name, version, dist-info directory). */
export const listInstalled = async (...a: Parameters<typeof Lib.listInstalled>): Promise<ReturnType<typeof Lib.listInstalled>> => (await lib()).listInstalled(...a);
/** What `pip freeze` prints for the env, one line per distribution. */
export const freeze = async (...a: Parameters<typeof Lib.freeze>): Promise<ReturnType<typeof Lib.freeze>> => (await lib()).freeze(...a);
/** The installed distributions with their metadata (what `venvkit list` shows). */
export const readDists = async (...a: Parameters<typeof Lib.readDists>): Promise<ReturnType<typeof Lib.readDists>> => (await lib()).readDists(...a);
/** Missing or conflicting dependencies among installed distributions, as `pip check` reports them. */
export const checkInstalled = async (...a: Parameters<typeof Lib.checkInstalled>): Promise<ReturnType<typeof Lib.checkInstalled>> => (await lib()).checkInstalled(...a);

// Finding environments
export type { ResolveEnvironmentOptions, FindEnvironmentsOptions, WatchEnvironmentsOptions, EnvironmentWatcher, EnvironmentEvent, EnvironmentSource, EnvironmentKind, ActivationShell, FoundEnvironment, ResolvedEnvironment } from './environments/index.js';
/** What an editor needs to know about an env or interpreter path: kind, prefixes, version, activation. */
export const resolveEnvironment: typeof Lib.resolveEnvironment = async (...a) => (await lib()).resolveEnvironment(...a);
/** Every environment in a workspace and on the machine, each labelled with its kind; starts no Python. */
export const findEnvironments: typeof Lib.findEnvironments = async (...a) => (await lib()).findEnvironments(...a);
export { watchEnvironments } from './environments/watch.js';

// Python packaging standards (PEP 440 versions, PEP 508 requirements and markers, wheel tags)
export { Version, parseVersion, compareVersions } from './pep/pep440.js';
export { Specifier, SpecifierSet } from './pep/pep440-specifiers.js';
export { parseRequirement, type Requirement } from './pep/pep508.js';
export { parseMarker, evaluateMarker, markerEnvironment, type Marker, type MarkerEnvironment } from './pep/markers.js';
export { compatibleTags } from './pep/tags.js';
