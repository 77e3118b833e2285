// The pip-compatible operations' public surface (re-exported by src/index.ts).
export { installRequirements, type InstallOptions, type InstallReport, type InstallEvent, type ReportPackage, type Action } from './install.js';
export type { RequirementInputs } from './inputs.js';
export { freeze, freezeLine, type FreezeOptions } from './freeze.js';
export { readDists, type DistInfo, type DirectUrl } from './dists.js';
export { checkDists, checkLines, checkInstalled, unparsableDists, type CheckProblem, type DependencyProblem } from './check.js';
export { unmetRequirements, type Unmet } from './satisfied.js';
export type { InstalledMetadata } from './installed-deps.js';
export { lockEnv, type EnvLock } from './lock.js';
