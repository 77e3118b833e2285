// Where interpreters may be, in the order discovery looks: PATH, then pyenv's versions, then the
// usual system and user locations. Candidates are produced lazily and cheaply (directory listings,
// stats, shim resolution): nothing here runs Python.
import { existsSync, readdirSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { PythonSource } from './types.js';
import { type Hint, compareRelease, hintFromDir, hintFromName, mergeHints } from './spec.js';
import { type ShimContext, executableSize, isShimDir, pyenvRoot, realpathOrUndefined, resolveShim, shimRoot } from './pyenv.js';

export interface Candidate {
  /** The path to probe (a shim already replaced by what it would run). */
  path: string;
  realPath: string;
  source: PythonSource;
  hint: Hint;
  /** The pyenv shim this was found through, if any. */
  shim?: string;
}

const NAME = /^(python|pypy)(\d+(?:\.\d+)?)?$/;

/** Order of names inside one directory: python3, python, python3.N (newest first), python2*, then PyPy's. */
function nameRank(name: string): [number, number] {
  const m = NAME.exec(name)!;
  const pypy = m[1] === 'pypy' ? 10 : 0;
  const v = m[2] ? m[2].split('.').map(Number) : [];
  if (v.length === 0) return [pypy + 1, 0];
  if (v[0] === 3 && v.length === 1) return [pypy, 0];
  if (v[0]! >= 3) return [pypy + 2, -(v[0]! * 1000 + (v[1] ?? 0))];
  return [pypy + 3, -(v[0]! * 1000 + (v[1] ?? 0))];
}

export function pythonNames(entries: readonly string[]): string[] {
  return entries.filter((n) => NAME.test(n)).sort((a, b) => {
    const [x1, y1] = nameRank(a);
    const [x2, y2] = nameRank(b);
    return x1 - x2 || y1 - y2 || (a < b ? -1 : 1);
  });
}

function list(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}

/** The hint for a file `name` inside `<install>/bin`. */
function hintFor(name: string, dirHint: Hint): Hint {
  return mergeHints(dirHint, hintFromName(name) ?? { version: [] });
}

/** One candidate for `dir/name`, resolving pyenv shims; undefined if absent or an unresolvable shim. */
export function candidateAt(dir: string, name: string, source: PythonSource, ctx: ShimContext, dirHint: Hint = { version: [] }, inShimDir = false): Candidate | undefined {
  const path = join(dir, name);
  const size = executableSize(path);
  if (size === undefined) return undefined;
  const root = inShimDir ? pyenvRoot(ctx.env) : shimRoot(path, size, ctx.env);
  if (root !== undefined) {
    const target = resolveShim(name, root, ctx);
    if (!target) return undefined;
    const realPath = realpathOrUndefined(target);
    if (!realPath) return undefined;
    const versionDirName = target.startsWith(join(root, 'versions') + '/') ? target.slice(join(root, 'versions').length + 1).split('/')[0]! : '';
    return { path: target, realPath, source, hint: hintFor(name, hintFromDir(versionDirName)), shim: path };
  }
  const realPath = realpathOrUndefined(path);
  if (!realPath) return undefined;
  return { path, realPath, source, hint: hintFor(name, dirHint) };
}

function* dirCandidates(dir: string, source: PythonSource, ctx: ShimContext, dirHint: Hint = { version: [] }): Generator<Candidate> {
  const shims = source === 'path' && isShimDir(dir, ctx.env);
  for (const name of pythonNames(list(dir))) {
    const c = candidateAt(dir, name, source, ctx, dirHint, shims);
    if (c) yield c;
  }
}

/** pyenv's installations (not its virtualenvs), newest first. */
export function pyenvVersionDirs(env: NodeJS.ProcessEnv): string[] {
  const versions = join(pyenvRoot(env), 'versions');
  const tuple = (n: string) => (n.match(/\d+/g) ?? []).map(Number);
  return list(versions)
    .filter((n) => !n.startsWith('.') && !existsSync(join(versions, n, 'pyvenv.cfg')))
    .sort((a, b) => compareRelease(tuple(b), tuple(a)) || (a < b ? -1 : 1))
    .map((n) => join(versions, n));
}

function home(env: NodeJS.ProcessEnv): string {
  return env.HOME || homedir();
}

/** Install roots under a directory whose names carry versions (/opt/python3.11, uv's cpython-3.12.1-...). */
function installRoots(parent: string, filter: (name: string) => boolean): string[] {
  return list(parent).filter(filter).sort().reverse().map((n) => join(parent, n));
}

export function uvPythonDir(env: NodeJS.ProcessEnv): string {
  if (env.UV_PYTHON_INSTALL_DIR) return env.UV_PYTHON_INSTALL_DIR;
  const data = env.XDG_DATA_HOME || join(home(env), '.local', 'share');
  return join(data, 'uv', 'python');
}

/** Every candidate, in discovery order (duplicates included: the caller de-duplicates by realPath). */
export function* allCandidates(ctx: ShimContext): Generator<Candidate> {
  for (const dir of ctx.pathDirs) yield* dirCandidates(dir, 'path', ctx);
  for (const dir of pyenvVersionDirs(ctx.env)) {
    yield* dirCandidates(join(dir, 'bin'), 'pyenv', ctx, hintFromDir(dir.slice(dir.lastIndexOf('/') + 1)));
  }
  for (const dir of ['/usr/local/bin', '/usr/bin', '/bin']) yield* dirCandidates(dir, 'system', ctx);
  for (const root of installRoots('/opt', (n) => /^python\d/.test(n))) {
    yield* dirCandidates(join(root, 'bin'), 'system', ctx, hintFromDir(root.slice(5)));
  }
  for (const root of installRoots('/opt/python', () => true)) {
    yield* dirCandidates(join(root, 'bin'), 'system', ctx, hintFromDir(root.slice('/opt/python/'.length)));
  }
  yield* dirCandidates(join(home(ctx.env), '.local', 'bin'), 'user', ctx);
  const uv = uvPythonDir(ctx.env);
  for (const root of installRoots(uv, (n) => !n.startsWith('.'))) {
    yield* dirCandidates(join(root, 'bin'), 'user', ctx, hintFromDir(root.slice(uv.length + 1)));
  }
}

/** The first `name` on PATH (`command -v`), a shim replaced by what it runs. */
export function firstOnPath(name: string, ctx: ShimContext): Candidate | undefined {
  for (const dir of ctx.pathDirs) {
    const c = candidateAt(dir, name, 'path', ctx, { version: [] }, isShimDir(dir, ctx.env));
    if (c) return c;
  }
  return undefined;
}
