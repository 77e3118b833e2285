// A project's pyproject.toml: parsed with smol-toml (TOML 1.0, loaded only when a project is read),
// and its [build-system] table with pip's defaults. A project without pyproject.toml, or without
// [build-system], is built with setuptools' legacy backend, as pip does.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve, isAbsolute } from 'node:path';
import { VenvkitError } from '../errors.js';

export interface BuildSystem {
  /** PEP 508 requirements of the build environment. */
  requires: string[];
  /** `module:object` of the backend. */
  backend: string;
  /** In-tree backend directories (absolute), from backend-path. */
  backendPath: string[];
  /** True when [build-system] (or its build-backend) was missing and pip's default was used. */
  defaulted: boolean;
}

export interface Pyproject {
  /** The project directory. */
  dir: string;
  /** pyproject.toml's path, when there is one. */
  path?: string;
  /** Its parsed contents ({} without the file). */
  data: Record<string, unknown>;
  buildSystem: BuildSystem;
}

/** pip's choice for a project that does not name a backend. */
export const LEGACY_BACKEND = 'setuptools.build_meta:__legacy__';
export const LEGACY_REQUIRES = ['setuptools>=40.8.0'];

/** Parses TOML text, turning syntax errors into BAD_PYPROJECT errors with line and column. */
export async function parseToml(text: string, path: string): Promise<Record<string, unknown>> {
  const { parse, TomlError } = await import('smol-toml');
  try {
    return parse(text) as Record<string, unknown>;
  } catch (e) {
    if (e instanceof TomlError) {
      const first = e.message.split('\n')[0]!.replace(/^Invalid TOML document:\s*/, '');
      throw new VenvkitError('BAD_PYPROJECT', `${path}:${e.line}:${e.column}: ${first}`, { hint: 'Fix the TOML syntax there (TOML 1.0: https://toml.io).', cause: e });
    }
    throw e;
  }
}

function bad(path: string, what: string): never {
  throw new VenvkitError('BAD_PYPROJECT', `${path}: ${what}`, { hint: 'See PEP 518 and PEP 517 for the [build-system] table: requires = [...], build-backend = "module:object", backend-path = [...].' });
}

function stringList(value: unknown, path: string, key: string): string[] {
  if (!Array.isArray(value) || value.some((v) => typeof v !== 'string')) bad(path, `build-system.${key} must be a list of strings`);
  return value as string[];
}

/** Whether `dir` looks like a Python project (pyproject.toml or setup.py). */
export function isProjectDir(dir: string): boolean {
  return existsSync(join(dir, 'pyproject.toml')) || existsSync(join(dir, 'setup.py'));
}

/** Reads `dir`'s pyproject.toml and [build-system] (see the module comment). */
export async function readPyproject(dir: string): Promise<Pyproject> {
  let st;
  try {
    st = statSync(dir);
  } catch {
    throw new VenvkitError('BAD_PATH', `No such directory: ${dir}`, { hint: 'Give the path of a Python project (a directory with pyproject.toml or setup.py).' });
  }
  if (!st.isDirectory()) throw new VenvkitError('NOT_A_PROJECT', `${dir} is not a directory`, { hint: 'Give the path of a Python project (a directory with pyproject.toml or setup.py).' });
  const path = join(dir, 'pyproject.toml');
  if (!existsSync(path)) {
    if (!existsSync(join(dir, 'setup.py'))) {
      throw new VenvkitError('NOT_A_PROJECT', `${dir} is not a Python project: it has neither pyproject.toml nor setup.py`, {
        hint: 'Run this in the project directory, or give its path; a project needs a pyproject.toml (or a setup.py).',
      });
    }
    return { dir, data: {}, buildSystem: { requires: [...LEGACY_REQUIRES], backend: LEGACY_BACKEND, backendPath: [], defaulted: true } };
  }
  const data = await parseToml(readFileSync(path, 'utf8'), path);
  const bs = data['build-system'];
  if (bs === undefined) return { dir, path, data, buildSystem: { requires: [...LEGACY_REQUIRES], backend: LEGACY_BACKEND, backendPath: [], defaulted: true } };
  if (typeof bs !== 'object' || bs === null || Array.isArray(bs)) bad(path, '[build-system] must be a table');
  const table = bs as Record<string, unknown>;
  // PEP 518: [build-system] without `requires` is an error (pip refuses it too).
  if (table.requires === undefined) bad(path, '[build-system] has no `requires` key');
  const requires = stringList(table.requires, path, 'requires');
  const backend = table['build-backend'];
  if (backend !== undefined && (typeof backend !== 'string' || !/^[A-Za-z_][\w.]*(:[A-Za-z_][\w.]*)?$/.test(backend))) bad(path, `build-system.build-backend must be "module" or "module:object" (got ${JSON.stringify(backend)})`);
  const backendPath = table['backend-path'] === undefined ? [] : stringList(table['backend-path'], path, 'backend-path').map((p) => {
    const abs = resolve(dir, p);
    const rel = relative(resolve(dir), abs);
    if (isAbsolute(p) || rel.startsWith('..') || isAbsolute(rel)) bad(path, `build-system.backend-path entry ${JSON.stringify(p)} leaves the project directory`);
    return abs;
  });
  if (backend === undefined) {
    // pip: no build-backend means setuptools' legacy backend, with the project's own requires.
    return { dir, path, data, buildSystem: { requires, backend: LEGACY_BACKEND, backendPath: [], defaulted: true } };
  }
  return { dir, path, data, buildSystem: { requires, backend, backendPath, defaulted: false } };
}
