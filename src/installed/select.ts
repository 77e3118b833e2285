// Which installed distributions `venvkit list` shows, as pip 26.2's list chooses them: from the env,
// from given directories (--path: the first of each project in path order, as pip finds them), or
// from the user site of the env's interpreter (--user: nothing in a venv that does not see it);
// then editables only, without editables, and --exclude by normalised name.
import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { VenvkitError } from '../errors.js';
import { canonicalizeName } from '../pep/names.js';
import { readDists, type DistInfo } from './dists.js';
import { editableLocation } from './editable-info.js';
import type { Venv } from '../venv/types.js';

/** Every distribution in `dirs` (in that order, the first of each project), sorted by normalised name. */
export function readDistsIn(dirs: readonly string[]): DistInfo[] {
  const seen = new Set<string>();
  const out: DistInfo[] = [];
  for (const dir of dirs) {
    const lib = resolve(dir);
    const paths = { root: lib, scripts: lib, purelib: lib, platlib: lib, include: lib, data: lib, python: '' };
    for (const d of readDists(paths, { order: 'pip' })) {
      if (seen.has(d.normalizedName)) continue;
      seen.add(d.normalizedName);
      out.push(d);
    }
  }
  return out.sort((a, b) => (a.normalizedName < b.normalizedName ? -1 : a.normalizedName > b.normalizedName ? 1 : 0));
}

/**
 * The user site-packages directory the env's interpreter puts on sys.path, or undefined when it
 * puts none there (a venv without system site packages, `-s`, PYTHONNOUSERSITE). Asks the
 * interpreter (site.ENABLE_USER_SITE, site.getusersitepackages()) unless pyvenv.cfg already says no.
 */
export function userSite(venv: Venv, env: NodeJS.ProcessEnv = process.env): string | undefined {
  if ((venv.cfg['include-system-site-packages'] ?? 'false').trim().toLowerCase() !== 'true') return undefined;
  const r = spawnSync(venv.paths.python, ['-c', 'import site, sys; sys.stdout.write(site.getusersitepackages() if site.ENABLE_USER_SITE else "")'], { env, encoding: 'utf8', timeout: 60_000 });
  if (r.status !== 0) {
    throw new VenvkitError('PYTHON_BROKEN', `${venv.paths.python} could not tell its user site directory: ${(r.stderr || r.error?.message || '').trim()}`, { hint: 'Check that the environment\'s interpreter runs (`venvkit doctor`).' });
  }
  return r.stdout || undefined;
}

export interface ListFilter {
  /** Project names to leave out (compared normalised). */
  exclude?: readonly string[];
  /** Editable installs only (pip list -e). */
  editablesOnly?: boolean;
  /** No editable installs (pip list --exclude-editable; with editablesOnly: nothing, as pip). */
  withoutEditables?: boolean;
}

/** The distributions `filter` keeps (pip's editables_only / include_editables / --exclude). */
export function filterDists(dists: readonly DistInfo[], filter: ListFilter): DistInfo[] {
  const excluded = new Set((filter.exclude ?? []).map(canonicalizeName));
  return dists.filter((d) => {
    if (excluded.has(d.normalizedName)) return false;
    if (!filter.editablesOnly && !filter.withoutEditables) return true;
    const editable = editableLocation(d) !== undefined;
    return editable ? !filter.withoutEditables : !filter.editablesOnly;
  });
}
