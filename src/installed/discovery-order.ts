// The order pip finds installed distributions in, which is the order `pip check` reports projects
// in (pip 23.2, importlib.metadata backend, CPython 3.11/3.12). Each site-packages directory is
// listed as the OS returns it (os.listdir: getdents order, unsorted); importlib.metadata's Lookup
// groups the `*.dist-info` entries by a key taken from the directory's name, in the order each key
// first appears; pip's _DistributionFinder then keeps the first distribution of each project and
// iter_all_distributions drops names that are not valid. Pure: the listing comes in as data.
import { canonicalizeName } from '../pep/names.js';

/** importlib.metadata's Lookup key for a `*.dist-info` entry ("Zed_App-1.0.dist-info" -> "zed_app"). */
export function lookupKey(entry: string): string {
  const low = entry.toLowerCase();
  const name = low.slice(0, low.lastIndexOf('.')).split('-', 1)[0]!;
  return name.replace(/[-_.]+/g, '_');
}

/** `entries` of one directory (in listing order) grouped as importlib.metadata groups them. */
export function inLookupOrder<E>(entries: readonly E[], nameOf: (e: E) => string): E[] {
  const groups = new Map<string, E[]>();
  for (const e of entries) {
    const key = lookupKey(nameOf(e));
    const group = groups.get(key);
    if (group) group.push(e);
    else groups.set(key, [e]);
  }
  return [...groups.values()].flat();
}

// PEP 508's project name, which pip's iter_all_distributions requires of the normalised name.
const VALID_NAME = /^([A-Z0-9]|[A-Z0-9][A-Z0-9._-]*[A-Z0-9])$/i;

/** The first distribution found of each project, leaving out invalid names, as pip keeps them. */
export function firstOfEachProject<D extends { name: string }>(dists: readonly D[]): D[] {
  const seen = new Set<string>();
  return dists.filter((d) => {
    const key = canonicalizeName(d.name);
    if (seen.has(key)) return false;
    seen.add(key);
    return VALID_NAME.test(key);
  });
}
