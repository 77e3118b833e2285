// --require-hashes, as pip applies it to requirement files: every requirement pinned with == (or
// a direct file/URL) and carrying --hash values; those hashes are what downloads must match.
// Hashes on constraint lines count too, and where both give some, a file must satisfy both.
import { statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
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

const isDir = (path: string) => {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
};

/**
 * pip 26.2's refusal, in its words, of a line that hash-checking mode cannot check because there is
 * no single file to hash: an editable, a project directory, a VCS checkout. Undefined for any other
 * line. (pip writes a `git+file:///path` URL as `git+file:/path`; the URL is given here as written.)
 */
export function unhashableRefusal(line: RequirementLine): string | undefined {
  const from = `(from -r ${line.file} (line ${line.line}))`;
  const e = line.editable;
  if (e) return `The editable requirement ${e.vcs && e.name ? `${e.name} from ${e.url}` : e.url} ${from} cannot be installed when requiring hashes, because there is no single file to hash.`;
  // A bare path or URL (pip names it by its URL, or `name from URL` with an #egg=), or `name @ URL` (`name @ URL from URL`).
  let url: string;
  let what: string;
  if (line.location) {
    url = line.location.url;
    const egg = /#(?:.*&)?egg=([^&]+)/.exec(url)?.[1];
    what = egg ? `${decodeURIComponent(egg)} from ${url}` : url;
  } else {
    const named = /^\s*[A-Za-z0-9][A-Za-z0-9._-]*\s*(?:\[[^\]]*\])?\s*@\s*(\S+)/.exec(line.text);
    if (!named) return undefined;
    url = named[1]!;
    what = `${line.text.replace(/\s*;.*$/, '').trim()} from ${url}`;
  }
  if (/^(git|hg|svn|bzr)\+/i.test(url)) {
    return `Can't verify hashes for these requirements because we don't have a way to hash version control repositories:\n    ${what} ${from}`;
  }
  let dir = false;
  try {
    dir = /^file:/i.test(url) && isDir(fileURLToPath(url.split('#', 1)[0]!));
  } catch {
    // not a file URL that names a path
  }
  return dir ? `Can't verify hashes for these file:// requirements because they point to directories:\n    ${what} ${from}` : undefined;
}

/**
 * Throws BAD_REQUIREMENT (naming each file:line) when a requirement is not pinned to one version
 * or has no --hash, as pip refuses those in --require-hashes mode.
 */
export function checkRequireHashes(requirements: RequirementLine[], constraints: RequirementLine[] = []): void {
  const pins = hashPins(requirements, constraints);
  const unpinned: string[] = [];
  const unhashed: string[] = [];
  // pip 26.2 refuses an editable, a directory or a checkout before it looks at the hashes of any other line.
  for (const r of requirements) {
    const refusal = unhashableRefusal(r);
    if (refusal) {
      throw new VenvkitError('BAD_REQUIREMENT', refusal, {
        hint: 'Install it without hash-checking mode (no line with a --hash, or the `noRequireHashes` option; and the `requireHashes` option off), or give a built wheel or sdist of the project with its hash.',
      });
    }
  }
  for (const r of requirements) {
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
