// A requirements.txt used as a lock (pip-compile's style: `name==version --hash=...` for every
// package): each line pinned to one version with its hashes, markers evaluated for this env.
// Nothing is resolved: a line that is not pinned, or has no --hash, is an error. The files come
// from the indexes (pick-file.ts), the hashes say which.
import { VenvkitError } from '../errors.js';
import { evaluateMarker, type MarkerEnvironment } from '../pep/markers.js';
import { parseRequirement } from '../pep/pep508.js';
import { readRequirementFiles, type RequirementsFileOptions } from '../index/requirements-file.js';

export interface PinnedRequirement {
  name: string;
  key: string;
  version: string;
  /** `algo:hex`, lower case. */
  hashes: string[];
  /** Where it was read, `file:line`. */
  where: string;
}

export interface RequirementsLock {
  path: string;
  pins: PinnedRequirement[];
  /** The file's own options (--index-url, --find-links...): they apply to the sync. */
  options: RequirementsFileOptions;
}

function bad(where: string, what: string, hint: string): never {
  throw new VenvkitError('BAD_LOCK', `${where}: ${what}`, { hint });
}

/** Reads `path` and keeps the lines whose markers hold in `env`. */
export async function readRequirementsLock(path: string, env: MarkerEnvironment, options: { env?: NodeJS.ProcessEnv; cwd?: string } = {}): Promise<RequirementsLock> {
  const parsed = await readRequirementFiles([{ path, constraint: false }], { env: options.env ?? process.env, cwd: options.cwd ?? process.cwd() });
  const pins: PinnedRequirement[] = [];
  for (const line of parsed.requirements) {
    const where = `${line.file}:${line.line}`;
    if (line.editable || line.location) bad(where, `${line.text} is not a pinned index requirement`, 'A lock installs `name==version` lines with --hash; install local projects and URLs with `venvkit install`.');
    const req = parseRequirement(line.text);
    if (req.marker && !evaluateMarker(req.marker, env)) continue;
    const specs = req.specifier.specifiers;
    if (req.url || specs.length !== 1 || (specs[0]!.operator !== '==' && specs[0]!.operator !== '===') || specs[0]!.wildcard) {
      bad(where, `${line.text} is not pinned to one version`, 'sync resolves nothing: every line must be `name==version` (write the file with `venvkit lock` or pip-compile).');
    }
    if (line.hashes.length === 0) bad(where, `${req.name}==${specs[0]!.versionText} has no --hash`, 'sync verifies every file: add --hash=sha256:<hex> for each file of the package (pip-compile --generate-hashes writes them).');
    pins.push({ name: req.name, key: req.key, version: specs[0]!.versionText, hashes: line.hashes.map((h) => h.toLowerCase()), where });
  }
  return { path, pins, options: parsed.options };
}
