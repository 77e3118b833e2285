// The no-op fast path of `install`, kept apart from the resolver and index client so that checking
// "is everything already installed?" loads and reads as little as possible.
import { markerEnvironment } from '../pep/markers.js';
import type { IndexFlags } from '../index/pip-config.js';
import type { Venv } from '../venv/types.js';
import { readDists, type DistInfo } from '../installed/dists.js';
import { collectInputs, type CollectedInputs, type RequirementInputs } from './inputs.js';
import { InstalledSet } from '../installed/dependencies.js';
import { unsatisfiedReason } from '../installed/satisfied.js';
import { parseRequirement, type Requirement } from '../pep/pep508.js';
import { recordedState, sourceState } from '../build/source-state.js';
import type { LocalSource } from '../build/local-source.js';
import type { ConfigSettings } from '../build/hooks.js';

export interface FastPathResult {
  collected: CollectedInputs;
  dists: DistInfo[];
  /** True when what is installed satisfies every requirement, its dependencies and the constraints. */
  satisfied: boolean;
}

/** Reads the inputs and what is installed, and says whether installing would change nothing. */
export async function precheck(venv: Venv, inputs: RequirementInputs, flags: IndexFlags, options: { env?: NodeJS.ProcessEnv; cwd?: string; skip?: boolean; configSettings?: ConfigSettings } = {}): Promise<FastPathResult> {
  const collected = await collectInputs(inputs, flags, { ...options, ...(venv.base ? { interpreter: venv.base } : {}) });
  const dists = readDists(venv.paths, { light: true });
  if (options.skip || !venv.base || collected.requirements.length + collected.local.length === 0) return { collected, dists, satisfied: false };
  const current = currentEditables(collected.local, dists);
  if (!current) return { collected, dists, satisfied: false };
  const satisfied = unsatisfiedReason([...collected.requirements, ...current], new InstalledSet(dists), markerEnvironment(venv.base), collected.constraints) === undefined;
  return { collected, dists, satisfied };
}

/**
 * Local sources that need no build: editables installed from the same directory whose recorded
 * source state (src/build/source-state.ts) is current, as `name[extras] @ url` requirements so
 * their dependencies are checked too. Undefined when any local source must be built (a regular
 * directory or an sdist is always built and reinstalled, as pip does).
 */
function currentEditables(local: readonly LocalSource[], dists: readonly DistInfo[]): Requirement[] | undefined {
  const out: Requirement[] = [];
  for (const s of local) {
    if (!s.editable) return undefined;
    const dist = dists.find((d) => d.directUrl?.url === s.url && d.directUrl.dir_info?.editable === true);
    if (!dist || recordedState(dist.distInfoDir) !== sourceState(s.path, s.configSettings)) return undefined;
    out.push(parseRequirement(`${dist.name}${s.extras.length ? `[${s.extras.join(',')}]` : ''} @ ${s.url}${s.marker ? ` ${s.marker}` : ''}`));
  }
  return out;
}
