// Does what is installed already satisfy a set of requirements, dependencies and extras included?
// The no-op fast path of `install` (no index is read when the answer is yes) and the library's
// `unmetRequirements`. Pure: both are walks of findUnmet (dependencies.ts).
import { canonicalizeName } from '../pep/names.js';
import type { MarkerEnvironment } from '../pep/markers.js';
import { parseRequirement, requirementToString, type Requirement } from '../pep/pep508.js';
import { InstalledSet, findUnmet, mismatch, type InstalledMetadata } from './dependencies.js';

/**
 * The first reason the installed set does not satisfy `requirements`, everything they need and the
 * `constraints` on what is installed, or undefined when it does.
 */
export function unsatisfiedReason<D extends InstalledMetadata>(requirements: readonly Requirement[], set: InstalledSet<D>, env: MarkerEnvironment, constraints: readonly Requirement[] = []): string | undefined {
  for (const c of constraints) {
    // A constraint with a marker is left to the resolver, which evaluates it.
    const dist = c.marker ? undefined : set.get(c.key);
    const why = dist && mismatch(c, dist);
    if (why) return why;
  }
  let reason: string | undefined;
  findUnmet(requirements, set, env, (u) => {
    reason = u.reason;
    return true;
  });
  return reason;
}

export interface Unmet {
  /** The requirement (markers dropped). */
  requirement: string;
  /** Normalised name of the distribution that needs it, or null for the user's requirements. */
  requiredBy: string | null;
  /** The installed version that does not fit, or null when the project is not installed. */
  installed: string | null;
}

/**
 * What is not met if `requirements` were installed now into an environment holding `installed`:
 * following dependencies (and the extras asked for) through the installed metadata. Empty: nothing
 * to do. A URL requirement is met only by a distribution whose `directUrl` is that URL.
 */
export function unmetRequirements(requirements: readonly (string | Requirement)[], installed: readonly InstalledMetadata[], env: MarkerEnvironment): Unmet[] {
  const out: Unmet[] = [];
  const reqs = requirements.map((r) => (typeof r === 'string' ? parseRequirement(r) : r));
  findUnmet(reqs, new InstalledSet(installed), env, (u) => {
    out.push({
      requirement: requirementToString({ ...u.requirement, marker: null }),
      requiredBy: u.requiredBy ? canonicalizeName(u.requiredBy.name) : null,
      installed: u.installed?.version ?? null,
    });
  });
  return out;
}
