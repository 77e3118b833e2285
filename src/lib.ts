// The part of the public API that does the work: loaded by src/index.ts on the first call that needs
// it (a separate file in dist/), so that importing venvkit stays fast. Not an entry point of its own.
export { probeInterpreter } from './python/probe.js';
export { findPython, listPythons } from './python/find.js';
export { openVenv } from './venv/open.js';
export { createVenv } from './venv/create.js';
export { removeVenv } from './venv/remove.js';
export { readRequirementFiles } from './index/requirements-file.js';
export { installWheel } from './install/install-wheel.js';
export { installWheels } from './install/install-wheels.js';
export { uninstall } from './install/uninstall.js';
export { installRequirements } from './plan-apply/install.js';
export { buildDistributions } from './plan-apply/build-dists.js';
export { readPyproject } from './project/pyproject.js';
export { resolveEnvironment, findEnvironments } from './environments/index.js';
export { listInstalled } from './installed/dist-info.js';
export { freeze } from './installed/freeze.js';
export { readDists } from './installed/dists.js';
export { checkInstalled } from './installed/check.js';
export { lock, writeLock } from './lock/api.js';
export { sync } from './sync/sync.js';
export { cacheInfo, cleanCache, listBuiltWheels, pruneCache, removeBuiltWheels } from './cache/api.js';
