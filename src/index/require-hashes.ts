// --require-hashes, as pip applies it to requirement files: every requirement pinned with == (or
// a direct file/URL) and carrying --hash values; those hashes are what downloads must match.
// Hashes on constraint lines count too, and where both give some, a file must satisfy both.
import { VenvkitError } from '../errors.js';
import { parseRequirement } from '../pep/pep508.js';
import type { RequirementLine } from './requirements-file.js';

/** Hash pins by normalised project name (or by URL for local files and bare URLs), as `algo:hex`. */
export type HashPins = Map<string, string[]>;

/** The key a requirement line's hashes are filed under. */
export function pinKey(line: RequirementLine): string {
  return line.location ? line.location.url : parseRequirement(line.text).key;
}

/** Collect --hash pins from requirements and constraints (intersected when both give hashes). */
export function hashPins(requirements: RequirementLine[], constraints: RequirementLine[] = []): HashPins {
  const out: HashPins = new Map();
  const add = (l: RequirementLine, intersect: boolean) => {
    if (l.hashes.length === 0) return;
    const key = pinKey(l);
    const prior = out.get(key);
    if (!prior) out.set(key, [...l.hashes]);
    else out.set(key, intersect ? prior.filter((h) => l.hashes.includes(h)) : [...new Set([...prior, ...l.hashes])]);
  };
  for (const r of requirements) add(r, false);
  for (const c of constraints) add(c, true);
  return out;
}

/**
 * Throws BAD_REQUIREMENT (naming each file:line) when a requirement is not pinned to one version
 * or has no --hash, as pip refuses those in --require-hashes mode.
 */
export function checkRequireHashes(requirements: RequirementLine[], constraints: RequirementLine[] = []): void {
  const pins = hashPins(requirements, constraints);
  const unpinned: string[] = [];
  const unhashed: string[] = [];
  for (const r of requirements) {
    // pip 26.2's refusal, in its words: an editable has no single file to hash.
    if (r.editable) {
      throw new VenvkitError('BAD_REQUIREMENT', `The editable requirement ${r.editable.url} (from -r ${r.file} (line ${r.line})) cannot be installed when requiring hashes, because there is no single file to hash.`, {
        hint: 'Install it without hash-checking mode (no file line with a hash, and the `requireHashes` option off), or give a built wheel or sdist of the project with its hash.',
      });
    }
    const where = `${r.text} (${r.file}:${r.line})`;
    if (!r.location) {
      const req = parseRequirement(r.text);
      const specs = req.specifier.specifiers;
      const pinned = req.url !== null || (specs.length === 1 && (specs[0]!.operator === '===' || (specs[0]!.operator === '==' && !specs[0]!.wildcard)));
      if (!pinned) unpinned.push(where);
    }
    if (!(pins.get(pinKey(r))?.length)) unhashed.push(where);
  }
  if (unpinned.length) {
    throw new VenvkitError('BAD_REQUIREMENT', `in --require-hashes mode every requirement must be pinned with ==; these are not:\n  ${unpinned.join('\n  ')}`, {
      hint: 'Pin them (name==version), e.g. with `venvkit freeze`.',
    });
  }
  if (unhashed.length) {
    throw new VenvkitError('BAD_REQUIREMENT', `in --require-hashes mode every requirement needs --hash; these have none:\n  ${unhashed.join('\n  ')}`, {
      hint: 'Add --hash=sha256:<hex> to each line (or drop the `requireHashes` option).',
    });
  }
}
