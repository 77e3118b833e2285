// Where interpreters may be, in the order discovery looks: PATH, then pyenv's versions, then the
// usual system and user locations. Candidates are produced lazily and cheaply (directory listings,
// stats, shim resolution): nothing here runs Python.
import type { ProgressListener } from '../progress.js';
import { existsSync, readdirSync } from 'node:fs';
import { DirCache } from './dir-cache.js';
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { PythonSource } from './types.js';
import { type Hint, compareRelease, hintFromDir, hintFromName, mergeHints } from './spec.js';
import { type WindowsHost, windowsCandidates } from './windows-candidates.js';
import { type ShimContext, executableSize, isShimDir, realDir, pyenvRoot, realpathOrUndefined, resolveShim, shimRoot } from './pyenv.js';

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

export type HintFilter = (hint: Hint) => boolean;
const anyHint: HintFilter = () => true;

/** The context of one lookup: PATH, env, cwd, and memos (real paths, pyenv selection, directory listings). */
export interface DiscoveryContext extends ShimContext {
  dirs?: DirCache;
  /** On Windows: the file system, registry and launcher discovery reads (see windows-host.ts). */
  windowsHost?: WindowsHost;
  /** Stops discovery: a running probe is killed, and the call rejects with INTERRUPTED. */
  signal?: AbortSignal;
  /** Progress of discovery and probing (progress.ts). */
  onProgress?: ProgressListener;
  /** Probes finished so far (for onProgress). */
  probed?: number;
}

export function dirCacheFor(env: NodeJS.ProcessEnv): DirCache {
  return new DirCache(env, pythonNames);
}

/**
 * One candidate for `dir/name`, resolving pyenv shims; undefined if absent, an unresolvable shim,
 * or (cheaply, before any system call) when its name and directory say it cannot pass `filter`.
 */
export function candidateAt(dir: string, name: string, source: PythonSource, ctx: ShimContext, dirHint: Hint = { version: [] }, filter: HintFilter = anyHint): Candidate | undefined {
  const hint = hintFor(name, dirHint);
  if (!filter(hint)) return undefined;
  const path = join(dir, name);
  const size = executableSize(path);
  if (size === undefined) return undefined;
  const root = isShimDir(dir, ctx) ? pyenvRoot(ctx.env) : shimRoot(path, size, ctx.env);
  if (root !== undefined) {
    const target = resolveShim(name, root, ctx);
    if (!target) return undefined;
    const versions = join(root, 'versions') + '/';
    const versionDirName = target.startsWith(versions) ? target.slice(versions.length).split('/')[0]! : '';
    const resolvedHint = hintFor(name, hintFromDir(versionDirName));
    if (!filter(resolvedHint)) return undefined;
    const realPath = realpathOrUndefined(target);
    return realPath ? { path: target, realPath, source, hint: resolvedHint, shim: path } : undefined;
  }
  const realPath = realpathOrUndefined(path);
  return realPath ? { path, realPath, source, hint } : undefined;
}

function* dirCandidates(ctx: DiscoveryContext, dir: string, source: PythonSource, filter: HintFilter, visited: Set<string>, dirHint: Hint = { version: [] }): Generator<Candidate> {
  if (!filter(dirHint)) return;
  const names = ctx.dirs ? ctx.dirs.names(dir) : pythonNames(list(dir));
  if (names.length === 0) return;
  // /bin is often /usr/bin, and PATH already had /usr/bin: look at each real directory once.
  const real = realDir(dir, ctx);
  if (real === undefined || visited.has(real)) return;
  visited.add(real);
  for (const name of names) {
    const c = candidateAt(dir, name, source, ctx, dirHint, filter);
    if (c) yield c;
  }
}

/** pyenv's version directories, newest first (virtualenvs among them are skipped when listed). */
export function pyenvVersionDirs(env: NodeJS.ProcessEnv): string[] {
  const versions = join(pyenvRoot(env), 'versions');
  const tuple = (n: string) => (n.match(/\d+/g) ?? []).map(Number);
  return list(versions)
    .filter((n) => !n.startsWith('.'))
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

/**
 * Every candidate that may pass `filter`, in discovery order (PATH, pyenv, system, user), with
 * duplicates: the caller de-duplicates by realPath. On Windows asynchronous (the registry and the
 * py launcher are asked by running them).
 */
export function allCandidates(ctx: DiscoveryContext, filter: HintFilter = anyHint): Iterable<Candidate> | AsyncIterable<Candidate> {
  return ctx.windowsHost ? windowsCandidates(ctx.windowsHost, filter) : posixCandidates(ctx, filter);
}

function* posixCandidates(ctx: DiscoveryContext, filter: HintFilter): Generator<Candidate> {
  const seen = new Set<string>();
  for (const dir of ctx.pathDirs) yield* dirCandidates(ctx, dir, 'path', filter, seen);
  for (const dir of pyenvVersionDirs(ctx.env)) {
    const hint = hintFromDir(dir.slice(dir.lastIndexOf('/') + 1));
    if (!filter(hint) || existsSync(join(dir, 'pyvenv.cfg'))) continue;
    yield* dirCandidates(ctx, join(dir, 'bin'), 'pyenv', filter, seen, hint);
  }
  for (const dir of ['/usr/local/bin', '/usr/bin', '/bin']) yield* dirCandidates(ctx, dir, 'system', filter, seen);
  for (const root of installRoots('/opt', (n) => /^python\d/.test(n))) {
    yield* dirCandidates(ctx, join(root, 'bin'), 'system', filter, seen, hintFromDir(root.slice('/opt/'.length)));
  }
  for (const root of installRoots('/opt/python', () => true)) {
    yield* dirCandidates(ctx, join(root, 'bin'), 'system', filter, seen, hintFromDir(root.slice('/opt/python/'.length)));
  }
  yield* dirCandidates(ctx, join(home(ctx.env), '.local', 'bin'), 'user', filter, seen);
  const uv = uvPythonDir(ctx.env);
  for (const root of installRoots(uv, (n) => !n.startsWith('.'))) {
    yield* dirCandidates(ctx, join(root, 'bin'), 'user', filter, seen, hintFromDir(root.slice(uv.length + 1)));
  }
}

/** Is `dir/name` a pyenv shim (in a shims directory, or a script that execs pyenv)? */
export function isShim(dir: string, name: string, ctx: ShimContext): boolean {
  const size = executableSize(join(dir, name));
  return size !== undefined && (isShimDir(dir, ctx) || shimRoot(join(dir, name), size, ctx.env) !== undefined);
}

/** The first `name` on PATH (`command -v`), a shim replaced by what it runs. */
export function firstOnPath(name: string, ctx: ShimContext): Candidate | undefined {
  for (const dir of ctx.pathDirs) {
    const c = candidateAt(dir, name, 'path', ctx);
    if (c) return c;
  }
  return undefined;
}
