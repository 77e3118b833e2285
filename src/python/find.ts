// Interpreter discovery: which Python a spec (or `.python-version`, or `python3` on PATH) means.
// Cheap candidates first; only those whose names could match are probed (the probe is cached on
// disk, so a known interpreter costs a file read), in PATH, pyenv, system, user order.
import { statSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { VenvkitError, isVenvkitError } from '../errors.js';
import { type Candidate, type DiscoveryContext, allCandidates, candidateAt, dirCacheFor, firstOnPath, isShim } from './candidates.js';
import { probeInterpreter, readCachedInfo } from './probe.js';
import { followSignal, throwIfInterrupted } from '../install/interrupted.js';
import type { ProgressListener } from '../progress.js';
import { executableSize, installedVersions, localVersionFile, pathDirs, pyenvRoot, readVersionFile, realpathOrUndefined, systemCommand, versionDir } from './pyenv.js';
import { type PythonRequest, type VersionRequest, hintMayMatch, parseSpec, requestMatches, supportsVenv } from './spec.js';
import type { PythonInstallation, PythonSource } from './types.js';

export interface FindOptions {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  /** Cancels the search: a running probe is killed, and the call rejects with INTERRUPTED (named AbortError). */
  signal?: AbortSignal;
  /** Progress: 'discover' (candidates found) and 'probe' (each interpreter's facts read) events. */
  onProgress?: ProgressListener;
}

export { parseSpec } from './spec.js';

type Ctx = DiscoveryContext;

function context(options: FindOptions): Ctx {
  const env = options.env ?? process.env;
  const cwd = resolve(options.cwd ?? process.cwd());
  return { env, cwd, pathDirs: pathDirs(env, cwd), dirs: dirCacheFor(env), signal: options.signal, onProgress: options.onProgress };
}

/** On Windows, discovery also asks the registry and the py launcher: that host is loaded only there. */
async function withWindowsHost(ctx: Ctx): Promise<Ctx> {
  if (process.platform === 'win32' && !ctx.windowsHost) ctx.windowsHost = (await import('./windows-host.js')).realWindowsHost(ctx.env, ctx.signal);
  return ctx;
}

async function probe(path: string, source: PythonSource, ctx: Ctx, realPath?: string, total?: number): Promise<PythonInstallation> {
  const onProbed = ctx.onProgress && ((cached: boolean) => ctx.onProgress!({ phase: 'probe', name: path, cached, done: (ctx.probed = (ctx.probed ?? 0) + 1), ...(total === undefined ? {} : { total }) }));
  return { ...(await probeInterpreter(path, { env: ctx.env, realPath, signal: ctx.signal, onProbed })), source };
}

function unsupported(inst: PythonInstallation): VenvkitError {
  return new VenvkitError('PYTHON_UNSUPPORTED', `${inst.path} is Python ${inst.versionString}: PEP 405 virtual environments need Python 3.3+`, {
    hint: 'Pick a Python 3 interpreter with the `python` option (listPythons(), or `venvkit python list`, shows the ones found).',
  });
}

function checked(inst: PythonInstallation): PythonInstallation {
  if (!supportsVenv(inst.version)) throw unsupported(inst);
  return inst;
}

/** "3.11.7 (cpython) /path" lines for the interpreters found, for error hints. */
async function foundSummary(ctx: Ctx): Promise<string> {
  const { found, broken } = await discover(ctx);
  const failed = broken.map((b) => `  ${b.path} (${b.error.message.split('\n')[0]})`);
  const failedText = failed.length ? `\nThese did not run:\n${failed.join('\n')}` : '';
  if (found.length === 0) return `No Python interpreter was found on PATH, in pyenv ($PYENV_ROOT/versions) or the usual locations.${failedText}`;
  const lines = found.map((p) => `  ${p.versionString} (${p.implementation}) ${p.path}`);
  return `Interpreters found:\n${lines.join('\n')}${failedText}\nPick one of these, or give a path with --python.`;
}

async function notFound(what: string, ctx: Ctx): Promise<VenvkitError> {
  return new VenvkitError('PYTHON_NOT_FOUND', `No Python interpreter matches ${what}`, { hint: await foundSummary(ctx) });
}

function expandHome(p: string, env: NodeJS.ProcessEnv): string {
  return p === '~' || p.startsWith('~/') ? join(env.HOME || homedir(), p.slice(1)) : p;
}

/** A path given by the user: an interpreter, or a directory holding bin/python3 (an install or env). */
async function findByPath(spec: string, ctx: Ctx): Promise<PythonInstallation> {
  const abs = resolve(ctx.cwd, expandHome(spec, ctx.env));
  let isDir = false;
  try {
    isDir = statSync(abs).isDirectory();
  } catch {
    throw new VenvkitError('PYTHON_NOT_FOUND', `No interpreter at ${abs}: the path does not exist`, { hint: await foundSummary(ctx) });
  }
  let target: Candidate | undefined;
  if (isDir) {
    for (const [dir, name] of [[join(abs, 'bin'), 'python3'], [join(abs, 'bin'), 'python'], [abs, 'python3'], [abs, 'python']] as const) {
      target = candidateAt(dir, name, 'explicit', ctx);
      if (target) break;
    }
    if (!target) throw new VenvkitError('PYTHON_NOT_FOUND', `${abs} is a directory without a Python interpreter (bin/python3)`, { hint: 'Give the path to the interpreter itself.' });
  } else {
    const slash = abs.lastIndexOf('/');
    const [dir, name] = [abs.slice(0, slash) || '/', abs.slice(slash + 1)];
    // A pyenv shim is replaced by what it would run (never run itself); anything else is probed as given.
    target = candidateAt(dir, name, 'explicit', ctx);
    if (!target && isShim(dir, name, ctx)) {
      throw new VenvkitError('PYTHON_NOT_FOUND', `${abs} is a pyenv shim, and no version pyenv selects here provides \`${name}\``, {
        hint: 'Check `pyenv version` (PYENV_VERSION, .python-version, $PYENV_ROOT/version), or give the real interpreter path.',
      });
    }
    if (!target) return checked(await probe(abs, 'explicit', ctx));
  }
  const inst = checked(await probe(target.path, 'explicit', ctx, target.realPath));
  if (!isDir && !target.shim && target.path === abs) plainFiles.add(plainKey(abs, ctx.env));
  return inst;
}

/**
 * Paths given earlier in this process that named an interpreter file itself (not a directory, not a
 * pyenv shim), with the pyenv root then in force. Given again, such a path needs no search for shims:
 * the facts probe.ts remembers serve while the path still resolves to the same, unchanged file (the
 * check every cached lookup makes). A program that creates many environments from one interpreter
 * path pays a realpath and a stat per create, not the whole lookup.
 */
const plainFiles = new Set<string>();
const plainKey = (abs: string, env: NodeJS.ProcessEnv) => `${abs}\0${pyenvRoot(env)}`;

/** `spec` parsed, or undefined where it does not parse (a fast path that then does not apply). */
function specOrUndefined(spec: string): PythonRequest | undefined {
  try {
    return parseSpec(spec);
  } catch {
    return undefined;
  }
}

function foundAgain(spec: string, options: FindOptions): PythonInstallation | undefined {
  if (plainFiles.size === 0) return undefined;
  const env = options.env ?? process.env;
  const req = specOrUndefined(spec);
  if (req?.kind !== 'path') return undefined;
  const abs = resolve(options.cwd ?? process.cwd(), expandHome(req.path, env));
  if (!plainFiles.has(plainKey(abs, env))) return undefined;
  throwIfInterrupted(options.signal, `${abs} was not probed`, '');
  const realPath = realpathOrUndefined(abs);
  const info = realPath === undefined ? undefined : readCachedInfo(abs, env, realPath);
  if (!info || !supportsVenv(info.version)) return undefined;
  options.onProgress?.({ phase: 'probe', name: abs, cached: true, done: 1 });
  return { ...info, source: 'explicit' };
}

async function findByName(name: string, ctx: Ctx): Promise<PythonInstallation> {
  const c = firstOnPath(name, ctx);
  if (!c) throw await notFound(`"${name}" (no such command on PATH)`, ctx);
  return checked(await probe(c.path, 'path', ctx, c.realPath));
}

/**
 * The first interpreter, in discovery order, that satisfies a version request. CPython is
 * preferred when the request names no implementation; interpreters older than 3.3 are passed over
 * (and reported as unsupported if they were the only match).
 */
async function findByVersion(req: VersionRequest, ctx: Ctx, source?: PythonSource): Promise<PythonInstallation | undefined> {
  const seen = new Set<string>();
  const deferred: Candidate[] = [];
  let fallback: PythonInstallation | undefined;
  let tooOld: PythonInstallation | undefined;
  let broken: unknown;
  const consider = async (c: Candidate): Promise<PythonInstallation | undefined> => {
    let inst: PythonInstallation;
    try {
      inst = await probe(c.path, source ?? c.source, ctx, c.realPath);
    } catch (e) {
      if (isVenvkitError(e, 'INTERRUPTED')) throw e;
      // Blame a broken interpreter only when its name says it is the version asked for (python3.12 for 3.12).
      if (c.hint.version.length >= 2) broken ??= e;
      return undefined;
    }
    if (!requestMatches(req, inst)) return undefined;
    if (!supportsVenv(inst.version)) {
      tooOld ??= inst;
      return undefined;
    }
    return inst;
  };
  for await (const c of allCandidates(ctx, (hint) => hintMayMatch(req, hint))) {
    if (seen.has(c.realPath)) continue;
    seen.add(c.realPath);
    if (!req.implementation && c.hint.implementation && c.hint.implementation !== 'cpython') {
      deferred.push(c);
      continue;
    }
    const inst = await consider(c);
    if (!inst) continue;
    if (req.implementation || inst.implementation === 'cpython') return inst;
    fallback ??= inst;
  }
  if (fallback) return fallback;
  for (const c of deferred) {
    const inst = await consider(c);
    if (inst) return inst;
  }
  if (tooOld) throw unsupported(tooOld);
  if (broken && isVenvkitError(broken, 'PYTHON_BROKEN')) throw broken;
  return undefined;
}

async function findRequest(req: PythonRequest, ctx: Ctx): Promise<PythonInstallation> {
  if (req.kind === 'path') return findByPath(req.path, ctx);
  if (req.kind === 'name') return findByName(req.name, ctx);
  const inst = await findByVersion(req, ctx);
  if (!inst) throw await notFound(`"${req.text}"`, ctx);
  return inst;
}

/** One entry of a `.python-version` file, resolved the way pyenv would, else as a spec. */
async function fromVersionEntry(entry: string, ctx: Ctx): Promise<PythonInstallation | undefined> {
  const root = pyenvRoot(ctx.env);
  if (entry === 'system') {
    const exe = systemCommand('python3', root, ctx) ?? systemCommand('python', root, ctx);
    return exe ? probe(exe, 'python-version', ctx) : undefined;
  }
  const dir = versionDir(root, entry, () => installedVersions(root));
  if (dir) {
    const exe = ['python3', 'python', 'pypy3', 'pypy'].map((n) => join(dir, 'bin', n)).find((p) => executableSize(p) !== undefined);
    return exe ? probe(exe, 'python-version', ctx) : undefined;
  }
  const req = specOrUndefined(entry);
  if (req?.kind !== 'version') return undefined;
  return findByVersion(req, ctx, 'python-version');
}

async function findDefault(ctx: Ctx): Promise<PythonInstallation> {
  const file = localVersionFile(ctx);
  const entries = file ? readVersionFile(file) : [];
  if (file && entries.length > 0) {
    let tooOld: PythonInstallation | undefined;
    for (const entry of entries) {
      const inst = await fromVersionEntry(entry, ctx);
      if (inst && supportsVenv(inst.version)) return inst;
      tooOld ??= inst;
    }
    if (tooOld) throw unsupported(tooOld);
    throw new VenvkitError('PYTHON_NOT_FOUND', `No installed Python matches ${file} (${entries.join(', ')})`, {
      hint: `${await foundSummary(ctx)}\nInstall that version (e.g. \`pyenv install ${entries[0]}\`), edit the file, or pass the \`python\` option.`,
    });
  }
  const c = firstOnPath('python3', ctx);
  if (c) return checked(await probe(c.path, 'path', ctx, c.realPath));
  const inst = await findByVersion(parseSpec('>=3.3') as VersionRequest, ctx);
  if (!inst) throw await notFound('(no python3 on PATH)', ctx);
  return inst;
}

/**
 * The interpreter a spec means (`3.12`, `>=3.9,<3.12`, `pypy@3.9`, `python3.10`, a path), or with
 * no spec the one `.python-version` names, else `python3` on PATH. pyenv shims are resolved to the
 * real interpreter. Throws BAD_SPEC, PYTHON_NOT_FOUND, PYTHON_UNSUPPORTED (< 3.3) or PYTHON_BROKEN.
 */
export async function findPython(spec?: string, options: FindOptions = {}): Promise<PythonInstallation> {
  const again = spec ? foundAgain(spec, options) : undefined;
  if (again) return again;
  const ctx = await withWindowsHost(context(options));
  try {
    if (spec === undefined || spec.trim() === '') return await findDefault(ctx);
    return await findRequest(parseSpec(spec), ctx);
  } finally {
    ctx.dirs?.flush();
  }
}

export interface Discovery {
  found: PythonInstallation[];
  /** Candidates whose probe failed, with the error. */
  broken: { path: string; source: PythonSource; error: VenvkitError }[];
}

/** Probe every candidate (in parallel), de-duplicated by real path, in discovery order. */
export async function discover(options: FindOptions | Ctx = {}): Promise<Discovery> {
  const ctx = await withWindowsHost('pathDirs' in options ? options : context(options));
  const seen = new Set<string>();
  const candidates: Candidate[] = [];
  for await (const c of allCandidates(ctx)) {
    if (seen.has(c.realPath)) continue;
    seen.add(c.realPath);
    candidates.push(c);
  }
  ctx.dirs?.flush();
  ctx.onProgress?.({ phase: 'discover', name: '', done: candidates.length, total: candidates.length });
  // The probes run at once, each child with a listener on the signal: one on the host's.
  const follow = followSignal(ctx.signal, candidates.length);
  let results: PromiseSettledResult<PythonInstallation>[];
  try {
    const probing = { ...ctx, signal: follow.signal };
    results = await Promise.allSettled(candidates.map((c) => probe(c.path, c.source, probing, c.realPath, candidates.length)));
    ctx.probed = probing.probed;
  } finally {
    follow.dispose();
  }
  // Aborted: every probe still running was killed (and has exited).
  throwIfInterrupted(ctx.signal, 'the search for interpreters was stopped', '');
  const out: Discovery = { found: [], broken: [] };
  results.forEach((r, i) => {
    const c = candidates[i]!;
    if (r.status === 'fulfilled') out.found.push(r.value);
    else out.broken.push({ path: c.path, source: c.source, error: isVenvkitError(r.reason) ? r.reason : new VenvkitError('PYTHON_BROKEN', String(r.reason), { cause: r.reason }) });
  });
  return out;
}

/** Every working interpreter found (Python 2 included: it is listed, but findPython refuses it). */
export async function listPythons(options: FindOptions = {}): Promise<PythonInstallation[]> {
  return (await discover(options)).found;
}
