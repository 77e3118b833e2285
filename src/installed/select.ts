// Which installed distributions `venvkit list` shows, as pip 26.2's list chooses them: from the env,
// from given directories (--path: the first of each project in path order, as pip finds them), or
// from the user site of the env's interpreter (--user: nothing in a venv that does not see it),
// everything the interpreter sees (a venv made with system site packages) or only the env's own;
// then editables only, without editables, and --exclude by normalised name. freeze chooses alike.
import { spawnSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
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
  if (!seesGlobal(venv)) return undefined;
  const r = spawnSync(venv.paths.python, ['-c', 'import site, sys; sys.stdout.write(site.getusersitepackages() if site.ENABLE_USER_SITE else "")'], { env, encoding: 'utf8', timeout: 60_000 });
  if (r.status !== 0) {
    throw new VenvkitError('PYTHON_BROKEN', `${venv.paths.python} could not tell its user site directory: ${(r.stderr || r.error?.message || '').trim()}`, { hint: 'Check that the environment\'s interpreter runs (`venvkit doctor`).' });
  }
  return r.stdout || undefined;
}

/** The env was made with --system-site-packages (its interpreter also sees the base's site-packages and the user site). */
export function seesGlobal(venv: Venv): boolean {
  return (venv.cfg['include-system-site-packages'] ?? 'false').trim().toLowerCase() === 'true';
}

/** The directories on the env interpreter's sys.path (those that exist). */
function sysPathDirs(venv: Venv): string[] {
  const r = spawnSync(venv.paths.python, ['-c', 'import json, sys; sys.stdout.write(json.dumps(sys.path))'], { encoding: 'utf8', timeout: 60_000 });
  if (r.status !== 0) throw new VenvkitError('PYTHON_BROKEN', `${venv.paths.python} could not tell its sys.path: ${(r.stderr || r.error?.message || '').trim()}`, { hint: 'Check that the environment\'s interpreter runs (`venvkit doctor`), or ask for the environment\'s own distributions only.' });
  return (JSON.parse(r.stdout) as string[]).filter((p) => p && existsSync(p) && statSync(p).isDirectory());
}

export interface DistSource {
  /** These directories instead of the env (the first of each project, in this order). */
  paths?: readonly string[];
  /** Only the user site of the env's interpreter (nothing where it sees none). */
  user?: boolean;
  /** Only the env's own site-packages, also in an env that sees the system ones. */
  local?: boolean;
}

/**
 * The distributions pip's list and freeze start from, sorted by normalised name: those in `paths`;
 * or the user site's; or, in an env that sees the system site-packages, everything on its
 * interpreter's sys.path (the first of each project) unless `local`; else the env's own.
 */
export function visibleDists(venv: Venv, source: DistSource = {}): DistInfo[] {
  if (source.paths?.length) return readDistsIn(source.paths);
  if (source.user) {
    // (The user site is never inside the env: with `local` too, nothing, as pip.)
    const site = source.local ? undefined : userSite(venv);
    return site ? readDistsIn([site]) : [];
  }
  if (!source.local && seesGlobal(venv)) return readDistsIn(sysPathDirs(venv));
  return readDists(venv.paths);
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
