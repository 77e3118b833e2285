// pip freeze: one requirement line per installed distribution, `name==version`, or `name @ url`
// for what PEP 610 says came from a URL or local file, so the output installs the same set again.
import { readDists, type DistInfo, type DirectUrl } from './dists.js';
import { editableFreezeLines, editableLocation } from './editable-info.js';
import type { Venv } from '../venv/types.js';

export interface FreezeOptions {
  /** Also list pip, setuptools, wheel and distribute (pip's --all). */
  all?: boolean;
}

/** The PEP 440 direct reference pip writes for a direct URL install. */
export function directReference(name: string, d: DirectUrl): string {
  let out = `${name} @ `;
  const fragments: string[] = [];
  if (d.vcs_info) out += `${d.vcs_info.vcs}+${d.url}@${d.vcs_info.commit_id}`;
  else {
    out += d.url;
    if (d.archive_info?.hash) fragments.push(d.archive_info.hash);
  }
  if (d.subdirectory) fragments.push(`subdirectory=${d.subdirectory}`);
  return fragments.length ? `${out}#${fragments.join('&')}` : out;
}

/**
 * freeze's entry for one distribution. An editable gives pip 26's lines joined by newlines: its
 * `-e` line (a git requirement when the project is in a git checkout with a remote, else its
 * path), after a comment line saying why when it is a path.
 */
export function freezeLine(d: DistInfo): string {
  const editable = editableLocation(d);
  if (editable !== undefined) return editableFreezeLines(d.name, d.version, editable).join('\n');
  if (d.directUrl) return directReference(d.name, d.directUrl);
  return `${d.name}==${d.version}`;
}

/** Names pip freeze leaves out unless --all: pip always, the build tools below Python 3.12 (as pip does). */
function skipped(pyVersion: [number, number] | undefined): Set<string> {
  const s = new Set(['pip']);
  if (!pyVersion || pyVersion[0] < 3 || (pyVersion[0] === 3 && pyVersion[1] < 12)) for (const n of ['setuptools', 'distribute', 'wheel']) s.add(n);
  return s;
}

/** freeze's lines for an env (sorted like pip: by lower-cased name). */
export function freeze(venv: Venv, options: FreezeOptions = {}): string[] {
  const skip = options.all ? new Set<string>() : skipped(venv.base ? [venv.base.version[0], venv.base.version[1]] : undefined);
  return readDists(venv.paths)
    .filter((d) => !skip.has(d.normalizedName))
    .sort((a, b) => (a.name.toLowerCase() < b.name.toLowerCase() ? -1 : a.name.toLowerCase() > b.name.toLowerCase() ? 1 : 0))
    .flatMap((d) => freezeLine(d).split('\n'));
}
