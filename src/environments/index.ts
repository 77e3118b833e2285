// Finding and describing Python environments (the library's discovery API).
export type { EnvironmentKind, ActivationShell, FoundEnvironment, ResolvedEnvironment } from './types.js';
export { resolveEnvironment, type ResolveEnvironmentOptions } from './resolve.js';
export { findEnvironments, type FindEnvironmentsOptions, type EnvironmentSource } from './find.js';
export { watchEnvironments, type WatchEnvironmentsOptions, type EnvironmentWatcher, type EnvironmentEvent } from './watch.js';
