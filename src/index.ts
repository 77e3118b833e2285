// The public library API. The CLI is a thin layer over these calls.
export { VenvkitError, type ErrorCode } from './errors.js';
export type { InterpreterInfo, PythonInstallation, PythonSource } from './python/types.js';
export type { Venv, VenvPaths, PyvenvCfg } from './venv/types.js';
export { probeInterpreter } from './python/probe.js';
export { openVenv } from './venv/open.js';
export { createVenv, type CreateVenvOptions, type CreatedVenv, type CreateAction } from './venv/create.js';
export { checkHealth, type VenvHealth, type HealthProblem } from './venv/health.js';
export { IndexClient, noWheelReason, loadPipConfig, applyFlags, readRequirementFiles, parseMetadata, type IndexSettings, type Candidate, type ProjectCandidates, type RequirementLine, type CoreMetadata } from './index/api.js';
export { findPython, listPythons, parseSpec, type FindOptions } from './python/find.js';
export { installWheel, installWheels, uninstall, seedPackages, type InstallWheelOptions, type InstallWheelResult, type UninstallOptions, type UninstallResult, type SeedOptions, type SeedResult, type LinkMode } from './install/api.js';
export { locateVenv, type LocatedVenv, type LocateOptions } from './venv/locate.js';
export { resolve, resolveRequirements, NoSolutionError, IndexProvider, wheelRequirement, parseVersion, SpecifierSet, parseRequirement, parseMarker, evaluateMarker, markerEnvironment, compatibleTags, bestTagRank, type PackageProvider, type ResolveOptions, type Resolution, type ResolvedPackage, type ResolveRequirementsOptions, type IndexCandidate, type Requirement, type MarkerEnvironment } from './resolver/api.js';
export { installRequirements, lockEnv, type InstallOptions, type InstallReport, type InstallEvent, type ReportPackage, type RequirementInputs, type EnvLock } from './plan-apply/api.js';
export { listInstalled, freeze, freezeLine, readDists, checkDists, checkLines, checkInstalled, unparsableDists, unmetRequirements, type InstalledDist, type FreezeOptions, type DistInfo, type DirectUrl, type CheckProblem, type DependencyProblem, type Unmet, type InstalledMetadata } from './installed/api.js';
export { buildDistributions, type BuildDistributionsOptions } from './plan-apply/build-dists.js';
export { readPyproject, type Pyproject, type BuildSystem } from './project/pyproject.js';
export { resolveEnvironment, findEnvironments, watchEnvironments, type ResolveEnvironmentOptions, type FindEnvironmentsOptions, type WatchEnvironmentsOptions, type EnvironmentWatcher, type EnvironmentEvent, type EnvironmentSource, type EnvironmentKind, type ActivationShell, type FoundEnvironment, type ResolvedEnvironment } from './environments/index.js';
export type { WorkersOption } from './plan-apply/worker-file.js';
