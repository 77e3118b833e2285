// The installer's public surface (re-exported from src/index.ts).
export { installWheel, type InstallWheelOptions, type InstallWheelResult } from './install-wheel.js';
export { installWheels } from './install-wheels.js';
export { uninstall, type UninstallOptions, type UninstallResult } from './uninstall.js';
export { seedPackages, type SeedOptions, type SeedResult } from './seed.js';
export type { LinkMode } from './link.js';
export { chooseEnvDir } from './target.js';
