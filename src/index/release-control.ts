// pip's release control (--all-releases / --only-final, pip 26): which projects may resolve to a
// pre-release. The options' values are applied in order, exactly as pip's ReleaseControl does:
// `:all:` empties both sets and puts itself in the option's, `:none:` empties the option's, a
// comma list of names moves each name into the option's set (out of the other's).
import { VenvkitError } from '../errors.js';
import { canonicalizeName } from '../pep/names.js';
import { foldNames } from './mutual-excludes.js';

export interface ReleaseOp { option: 'all-releases' | 'only-final'; value: string }

export interface ReleaseControl {
  /** True: pre-releases allowed for `name`; false: final releases only; undefined: the default. */
  allows(name: string): boolean | undefined;
  /** Both sets empty (pip then allows --pre beside the options). */
  empty: boolean;
}

/** Check each value as pip does (a value starting with '-' is a missing argument). */
export function checkReleaseOp(op: ReleaseOp, where: string): ReleaseOp {
  if (op.value === '' || op.value.startsWith('-')) {
    throw new VenvkitError('USAGE', `${where}: --${op.option} needs a value: :all:, :none: or project names with commas between them`, { hint: 'For example :all: (every project), :none:, or name1,name2.' });
  }
  return op;
}

/** The release control of `ops` (undefined when there are none). */
export function releaseControl(ops: readonly ReleaseOp[] | undefined): ReleaseControl | undefined {
  if (!ops?.length) return undefined;
  const sets = { 'all-releases': new Set<string>(), 'only-final': new Set<string>() };
  for (const { option, value } of ops) {
    foldNames(value, sets[option], sets[option === 'all-releases' ? 'only-final' : 'all-releases']);
  }
  const all = sets['all-releases'];
  const fin = sets['only-final'];
  return {
    empty: all.size === 0 && fin.size === 0,
    allows(name) {
      const n = canonicalizeName(name);
      if (all.has(n)) return true;
      if (fin.has(n)) return false;
      if (all.has(':all:')) return true;
      if (fin.has(':all:')) return false;
      return undefined;
    },
  };
}

/**
 * The resolver's `prereleases` for these settings: --pre (true), or, when release control is given,
 * per project what it says (undefined: --pre, else the default rule). Install and lock use it.
 */
export function prereleaseRule(settings: { pre: boolean; releaseControl?: readonly ReleaseOp[] }): boolean | ((name: string) => boolean | undefined) {
  const rc = releaseControl(settings.releaseControl);
  if (!rc) return settings.pre;
  return (name) => rc.allows(name) ?? (settings.pre ? true : undefined);
}
