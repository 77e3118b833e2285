// PEP 735 dependency groups, as pip 26 resolves them (its vendored packaging.dependency_groups):
// `[dependency-groups]` in pyproject.toml, group names normalised like project names, `{include-group
// = "..."}` followed (cycles refused), and `--group [path:]name` on the command line, the path's file
// name having to be pyproject.toml (default: ./pyproject.toml). Pure but for readGroupRequirements.
import { basename, isAbsolute, resolve } from 'node:path';
import { VenvkitError } from '../errors.js';
import { parseRequirement } from '../pep/pep508.js';

/** One `--group` argument: the pyproject.toml it names (absolute) and the group name as written. */
export interface GroupArg {
  path: string;
  group: string;
}

const normalize = (name: string) => name.replace(/[-_.]+/g, '-').toLowerCase();

function groupError(path: string, message: string, hint = 'Fix the [dependency-groups] table (PEP 735): each group is a list of requirement strings and {include-group = "NAME"} tables.'): VenvkitError {
  return new VenvkitError('BAD_DEPENDENCY_GROUP', `${path}: ${message}`, { hint });
}

/**
 * pip's `--group [path:]group`: split on the last ':'; with a path, its file name must be
 * pyproject.toml; without, ./pyproject.toml. The path is made absolute against `cwd`.
 */
export function parseGroupArg(arg: string, cwd: string = process.cwd()): GroupArg {
  const colon = arg.lastIndexOf(':');
  let path = 'pyproject.toml';
  const group = colon === -1 ? arg : arg.slice(colon + 1);
  if (colon !== -1) {
    path = arg.slice(0, colon);
    if (basename(path.replace(/[\\/]+$/, '')) !== 'pyproject.toml' || /[\\/]$/.test(path)) {
      throw new VenvkitError('USAGE', `--group ${arg}: group paths use 'pyproject.toml' filenames`, {
        hint: 'A dependency group is NAME (from ./pyproject.toml) or path/to/pyproject.toml:NAME (the `groups` option).',
      });
    }
  }
  return { path: isAbsolute(path) ? path : resolve(cwd, path), group };
}

/**
 * The requirement strings of `names` (in order, includes expanded in place, duplicates kept as pip
 * keeps them) from a parsed pyproject.toml. `path` names the file in errors (BAD_DEPENDENCY_GROUP):
 * a missing or malformed table, names equal after normalisation, an unknown group, a cycle, an
 * item that is neither a requirement nor an include, an invalid requirement.
 */
export function resolveDependencyGroups(pyprojectData: unknown, names: string[], path: string): string[] {
  const data = pyprojectData as Record<string, unknown> | undefined;
  if (!data || typeof data !== 'object' || !('dependency-groups' in data)) {
    throw groupError(path, "[dependency-groups] table was missing. Cannot resolve '--group' option.", 'Add a [dependency-groups] table to it, or name another pyproject.toml: --group path/to/pyproject.toml:NAME.');
  }
  const raw = data['dependency-groups'];
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) throw groupError(path, "[dependency-groups] table was malformed. Cannot resolve '--group' option.");
  const groups = new Map<string, unknown>();
  const spellings = new Map<string, string[]>();
  for (const [name, value] of Object.entries(raw as Record<string, unknown>)) {
    const n = normalize(name);
    spellings.set(n, [...(spellings.get(n) ?? []), name]);
    groups.set(n, value);
  }
  const dups = [...spellings].filter(([, s]) => s.length > 1).map(([n, s]) => `${n} (${s.join(', ')})`);
  if (dups.length) throw groupError(path, `[dependency-groups] data was invalid: Duplicate dependency group names: ${dups.join('; ')}`);

  const cache = new Map<string, string[]>();
  const resolveOne = (requested: string, group: string, stack: string[]): string[] => {
    const hit = cache.get(group);
    if (hit) return hit;
    if (!groups.has(group)) throw failure(requested, `Dependency group '${group}' not found`);
    const items = groups.get(group);
    if (typeof items === 'string') throw failure(requested, `Dependency group '${group}' contained a string rather than a list.`);
    if (!Array.isArray(items)) throw failure(requested, `Dependency group '${group}' is not a sequence type.`);
    const out: string[] = [];
    for (const item of items) {
      if (typeof item === 'string') {
        try {
          parseRequirement(item);
        } catch (e) {
          throw failure(requested, `Dependency group '${group}' has an invalid requirement '${item}': ${(e as Error).message}`);
        }
        out.push(item.trim());
      } else if (item && typeof item === 'object' && !Array.isArray(item)) {
        const keys = Object.keys(item);
        const inc = (item as Record<string, unknown>)['include-group'];
        if (keys.length !== 1 || typeof inc !== 'string') throw failure(requested, `Invalid dependency group item in '${group}': ${JSON.stringify(item)}`);
        const target = normalize(inc);
        if (target === group || stack.includes(target)) {
          const reason = target === group ? `${group} includes itself` : `${[...stack.slice(stack.indexOf(target)), group, target].join(' -> ')}`;
          throw failure(requested, `Cyclic dependency group include while resolving ${requested}: ${reason}`);
        }
        out.push(...resolveOne(requested, target, [...stack, group]));
      } else {
        throw failure(requested, `Invalid dependency group item in '${group}': ${JSON.stringify(item)}`);
      }
    }
    cache.set(group, out);
    return out;
  };
  const failure = (requested: string, why: string) => {
    const known = [...spellings.values()].map((s) => s[0]).join(', ');
    return groupError(path, `[dependency-groups] resolution failed for '${requested}': ${why}`, /not found/.test(why) ? `Groups defined there: ${known || '(none)'}.` : undefined);
  };
  return names.flatMap((name) => resolveOne(name, normalize(name), []));
}

/**
 * What pip's `--group` options add to an install: each file read once (`load` parses it; default
 * smol-toml), the groups resolved in the order given. BAD_DEPENDENCY_GROUP names the file that is
 * missing, unreadable or not valid TOML (with line and column).
 */
export async function readGroupRequirements(args: GroupArg[], load: (path: string) => Promise<unknown> = loadToml): Promise<{ requirement: string; path: string; group: string }[]> {
  const files = new Map<string, unknown>();
  const out: { requirement: string; path: string; group: string }[] = [];
  for (const a of args) {
    if (!files.has(a.path)) files.set(a.path, await load(a.path));
    for (const requirement of resolveDependencyGroups(files.get(a.path), [a.group], a.path)) out.push({ requirement, path: a.path, group: a.group });
  }
  return out;
}

async function loadToml(path: string): Promise<unknown> {
  const { readFile } = await import('node:fs/promises');
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new VenvkitError('BAD_DEPENDENCY_GROUP', code === 'ENOENT' ? `${path} not found. Cannot resolve '--group' option.` : `Error reading ${path}: ${(e as Error).message}`, {
      hint: code === 'ENOENT' ? 'Run it in the project directory, or give the file: path/to/pyproject.toml:NAME (the `groups` option).' : undefined, cause: e,
    });
  }
  const { parse, TomlError } = await import('smol-toml');
  try {
    return parse(text);
  } catch (e) {
    if (e instanceof TomlError) {
      throw new VenvkitError('BAD_DEPENDENCY_GROUP', `Error parsing ${path} at line ${e.line}, column ${e.column}: ${e.message.split('\n')[0]}`, { hint: 'Fix the TOML syntax there.', cause: e });
    }
    throw e;
  }
}
