// Plan-and-apply's public surface (re-exported by src/index.ts): changing an env as one transaction.
export { installRequirements, type InstallOptions, type InstallReport, type InstallEvent, type ReportPackage, type Action } from './install.js';
export type { RequirementInputs } from './inputs.js';
export { lockEnv, type EnvLock } from '../install/env-lock.js';
