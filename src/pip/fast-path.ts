// The no-op fast path of `install`, kept apart from the resolver and index client so that checking
// "is everything already installed?" loads and reads as little as possible.
import { markerEnvironment } from '../pep/markers.js';
import type { IndexFlags } from '../index/pip-config.js';
import type { Venv } from '../venv/types.js';
import { readDists, type DistInfo } from './dists.js';
import { collectInputs, type CollectedInputs, type RequirementInputs } from './inputs.js';
import { InstalledSet } from './installed-deps.js';
import { unsatisfiedReason } from './satisfied.js';

export interface FastPathResult {
  collected: CollectedInputs;
  dists: DistInfo[];
  /** True when what is installed satisfies every requirement, its dependencies and the constraints. */
  satisfied: boolean;
}

/** Reads the inputs and what is installed, and says whether installing would change nothing. */
export async function precheck(venv: Venv, inputs: RequirementInputs, flags: IndexFlags, options: { env?: NodeJS.ProcessEnv; cwd?: string; skip?: boolean } = {}): Promise<FastPathResult> {
  const collected = await collectInputs(inputs, flags, options);
  const dists = readDists(venv.paths, { light: true });
  if (options.skip || !venv.base || collected.requirements.length === 0) return { collected, dists, satisfied: false };
  const satisfied = unsatisfiedReason(collected.requirements, new InstalledSet(dists), markerEnvironment(venv.base), collected.constraints) === undefined;
  return { collected, dists, satisfied };
}
