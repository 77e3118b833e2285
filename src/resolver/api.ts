// The resolver's and the PEP modules' public surface (re-exported by src/index.ts).
export { resolve, NoSolutionError, ProjectNotFoundError } from './solver.js';
export { resolveRequirements, targetName, type ResolveRequirementsOptions } from './resolve-index.js';
export { IndexProvider, wheelRequirement, type IndexCandidate, type IndexProviderOptions } from './index-provider.js';
export type { Candidate as ResolverCandidate, CandidateMetadata, PackageProvider, ResolveOptions, Resolution, ResolvedPackage } from './types.js';
export { Version, parseVersion, tryParseVersion, compareVersions, normalizeVersion } from '../pep/pep440.js';
export { Specifier, SpecifierSet } from '../pep/pep440-specifiers.js';
export { parseRequirement, requirementToString, type Requirement } from '../pep/pep508.js';
export { parseMarker, evaluateMarker, markerEnvironment, type Marker, type MarkerEnvironment } from '../pep/markers.js';
export { compatibleTags, bestTagRank, expandTags, platformTags } from '../pep/tags.js';
