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
export { installRequirements } from './pip/install.js';
export { buildDistributions } from './pip/build-dists.js';
export { readPyproject } from './project/pyproject.js';
export { resolveEnvironment, findEnvironments } from './environments/index.js';
export { listInstalled } from './install/installed.js';
export { freeze } from './pip/freeze.js';
export { readDists } from './pip/dists.js';
export { checkInstalled } from './pip/check.js';
