// The installed set's public surface (re-exported by src/index.ts): what an env's site-packages
// holds, and the questions asked of it (freeze, check, is a set of requirements met).
export { listInstalled, type InstalledDist } from './dist-info.js';
export { freeze, freezeLine, type FreezeOptions } from './freeze.js';
export { readDists, type DistInfo, type DirectUrl } from './dists.js';
export { checkDists, checkLines, checkInstalled, unparsableDists, type CheckProblem, type DependencyProblem } from './check.js';
export { unmetRequirements, type Unmet } from './satisfied.js';
export type { InstalledMetadata } from './dependencies.js';
