// The index layer's public surface (re-exported by src/index.ts).
export { IndexClient, noWheelReason, type IndexClientOptions } from './index-client.js';
export { loadPipConfig, applyFlags, pipConfigFiles, type PipConfig, type IndexFlags } from './pip-config.js';
export { readRequirementFiles, type RequirementLine, type ParsedRequirements } from './requirements-file.js';
export { checkRequireHashes, hashPins, pinKey, type HashPins } from './require-hashes.js';
export { applyFileOptions } from './pip-config.js';
export { parseMetadata, type CoreMetadata } from './metadata.js';
export type { IndexSettings, Candidate, ProjectCandidates, SourceFailure } from './types.js';
