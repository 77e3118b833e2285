/**
 * What `venvkit lock` locks: requirement strings, -r files (pip's format, with their index
 * options), -c files, a pyproject.toml's [project] dependencies with the --extra's
 * optional-dependencies, and PEP 735 --group's. Each top-level requirement remembers where it came
 * from: for the pylock markers of extras and groups, and the `# via` comments of requirements.txt.
 * Local projects, sdists, editables and VCS requirements come back as `local`: they are built first
 * (local-projects.ts).
 */
import { existsSync, readFileSync } from 'node:fs';
import { basename, relative, resolve } from 'node:path';
import { VenvkitError } from '../errors.js';
import type { IndexFlags } from '../index/pip-config.js';
import { readRequirementFiles } from '../index/requirements-file.js';
import type { IndexSettings } from '../index/types.js';
import { canonicalizeName } from '../pep/names.js';
import { parseRequirement, type Requirement } from '../pep/pep508.js';
import { collectInputs } from '../plan-apply/inputs.js';
import type { Activation, RootInfo } from './merge.js';
import type { LocalSource } from '../build/local-source.js';

export interface LockInputs {
  /** PEP 508 strings, and at most one path to a pyproject.toml. */
  requirements?: string[];
  requirementFiles?: string[];
  /** Project directories to lock as editable directory entries (`-e DIR`). */
  editables?: string[];
  constraintFiles?: string[];
  /** Extras of the pyproject.toml's project to lock too. */
  extras?: string[];
  /** PEP 735 groups, `[path:]name` (default path: the pyproject.toml given, else ./pyproject.toml). */
  groups?: string[];
}

export interface CollectedLockInputs {
  requirements: Requirement[];
  constraints: Requirement[];
  settings: IndexSettings;
  roots: RootInfo;
  extras: string[];
  groups: string[];
  /** Project directories, sdists, editables and VCS requirements (built before resolving). */
  local: LocalSource[];
}

const isPyproject = (text: string) => basename(text) === 'pyproject.toml' && !/[<>=!~;@\s[]/.test(text);

function bad(path: string, message: string, hint: string): VenvkitError {
  return new VenvkitError('BAD_PYPROJECT', `${path}: ${message}`, { hint });
}

async function projectTable(path: string): Promise<{ data: Record<string, unknown>; project: Record<string, unknown> }> {
  if (!existsSync(path)) throw new VenvkitError('BAD_PATH', `No such file: ${path}`, { hint: 'Give the path of a pyproject.toml.' });
  const { parseToml } = await import('../project/pyproject.js');
  const data = await parseToml(readFileSync(path, 'utf8'), path);
  const project = data.project;
  if (project === undefined) return { data, project: {} };
  if (typeof project !== 'object' || project === null || Array.isArray(project)) throw bad(path, '[project] must be a table', 'See the pyproject.toml specification ([project] table).');
  return { data, project: project as Record<string, unknown> };
}

function stringList(v: unknown, path: string, key: string): string[] {
  if (v === undefined) return [];
  if (!Array.isArray(v) || v.some((x) => typeof x !== 'string')) throw bad(path, `${key} must be a list of strings`, 'Write it as a list of PEP 508 requirement strings.');
  return v as string[];
}

/** Reads everything the user gave (see the module comment), with pip's configuration and `flags`. */
export async function collectLockInputs(inputs: LockInputs, flags: IndexFlags, options: { env?: NodeJS.ProcessEnv; cwd?: string } = {}): Promise<CollectedLockInputs> {
  const cwd = options.cwd ?? process.cwd();
  const given = inputs.requirements ?? [];
  const pyprojects = given.filter(isPyproject).map((p) => resolve(cwd, p));
  if (pyprojects.length > 1) throw new VenvkitError('USAGE', `lock: one pyproject.toml at a time (got ${pyprojects.length})`, { hint: 'Lock each project on its own, or list the others with -r.' });
  const texts = given.filter((t) => !isPyproject(t));
  const extras = [...new Set((inputs.extras ?? []).map(canonicalizeName))].sort();
  if (extras.length && !pyprojects.length) throw new VenvkitError('USAGE', 'lock: the `extras` option needs a pyproject.toml to take the extra from', { hint: 'Give the project\'s pyproject.toml as an input as well (`venvkit lock pyproject.toml --extra NAME`; lock({ requirements: [\'pyproject.toml\'], extras }) in the library).' });

  const collected = await collectInputs({ requirements: texts, editables: inputs.editables ?? [], requirementFiles: inputs.requirementFiles ?? [], constraintFiles: inputs.constraintFiles ?? [] }, flags, options);
  const requirements: Requirement[] = [...collected.requirements];
  const activations = new Map<string, Activation[]>();
  const labels = new Map<string, string[]>();
  const label = (r: Requirement, text: string) => {
    const l = labels.get(r.key) ?? labels.set(r.key, []).get(r.key)!;
    if (!l.includes(text)) l.push(text);
  };
  const note = (r: Requirement, act: Activation, text?: string) => {
    (activations.get(r.key) ?? activations.set(r.key, []).get(r.key)!).push(act);
    if (text) label(r, text);
  };
  for (const r of collected.requirements) note(r, { kind: 'base' });
  // `# via -r FILE` for what the -r files asked for (read again for the file of each line).
  if (inputs.requirementFiles?.length) {
    const files = await readRequirementFiles(inputs.requirementFiles.map((path) => ({ path, constraint: false })), { env: options.env ?? process.env, cwd });
    for (const line of files.requirements) {
      if (line.location || line.editable) continue;
      const r = parseRequirement(line.text);
      const shown = /^[a-z][a-z0-9+.-]*:\/\//i.test(line.file) ? line.file : relative(cwd, line.file) || line.file;
      label(r, `-r ${shown}`);
    }
  }
  const groupArgs = [...(inputs.groups ?? [])];
  const groups: string[] = [];
  if (pyprojects.length) {
    const path = pyprojects[0]!;
    const shown = relative(cwd, path) || 'pyproject.toml';
    const { project } = await projectTable(path);
    const dynamic = stringList(project.dynamic, path, 'project.dynamic');
    if (dynamic.includes('dependencies') || (extras.length && dynamic.includes('optional-dependencies'))) {
      throw bad(path, 'its dependencies are dynamic (computed by the build backend)', 'venvkit lock reads static [project] dependencies only: list them in pyproject.toml, or lock a requirements file.');
    }
    const name = typeof project.name === 'string' ? project.name : undefined;
    const via = name ? `${canonicalizeName(name)} (${shown})` : shown;
    for (const text of stringList(project.dependencies, path, 'project.dependencies')) {
      const r = parseRequirement(text);
      requirements.push(r);
      note(r, { kind: 'base' }, via);
    }
    const optional = (project['optional-dependencies'] ?? {}) as Record<string, unknown>;
    const known = new Map(Object.keys(optional).map((k) => [canonicalizeName(k), k]));
    for (const extra of extras) {
      const key = known.get(extra);
      if (!key) throw bad(path, `the project has no extra '${extra}'`, `Its extras: ${[...known.keys()].join(', ') || '(none)'}.`);
      for (const text of stringList(optional[key], path, `project.optional-dependencies.${key}`)) {
        const r = parseRequirement(text);
        requirements.push(r);
        note(r, { kind: 'extra', name: extra }, via);
      }
    }
  }
  if (groupArgs.length) {
    const { parseGroupArg, resolveDependencyGroups } = await import('../project/dependency-groups.js');
    const { parseToml } = await import('../project/pyproject.js');
    for (const arg of groupArgs) {
      const g = arg.includes(':') || !pyprojects.length ? parseGroupArg(arg, cwd) : { path: pyprojects[0]!, group: arg };
      if (!existsSync(g.path)) throw new VenvkitError('BAD_PATH', `No such file: ${g.path} (for the group ${arg})`, { hint: 'Name the group as path/to/pyproject.toml:NAME, or run in the project directory.' });
      const data = await parseToml(readFileSync(g.path, 'utf8'), g.path);
      const group = canonicalizeName(g.group);
      if (!groups.includes(group)) groups.push(group);
      const shown = relative(cwd, g.path) || basename(g.path);
      for (const text of resolveDependencyGroups(data, [g.group], g.path)) {
        const r = parseRequirement(text);
        requirements.push(r);
        note(r, { kind: 'group', name: group }, shown === 'pyproject.toml' ? `--group ${group}` : `--group ${shown}:${group}`);
      }
    }
  }
  if (!requirements.length && !collected.local.length) throw new VenvkitError('USAGE', 'lock: nothing to lock (give requirements, -r FILE, or a pyproject.toml with dependencies)', { hint: 'Run `venvkit lock --help`.' });
  // Constraint files from pip's configuration (`constraint` in pip.conf, PIP_CONSTRAINT) apply to a
  // lock as they do to an install and to `pip lock`.
  const constraints = [...collected.constraints];
  if (collected.settings.constraints.length) {
    const files = await readRequirementFiles(collected.settings.constraints.map((path) => ({ path, constraint: true })), { env: options.env ?? process.env, cwd });
    for (const line of files.constraints) if (!line.location) constraints.push(parseRequirement(line.text));
  }
  return { requirements, constraints, settings: collected.settings, roots: { activations, labels }, extras, groups: groups.sort(), local: collected.local };
}
