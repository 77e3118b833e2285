// resolveEnvironment: any path (an env directory, an interpreter inside one, a link to one, a base
// interpreter, a pyenv shim, a conda prefix) to what an editor needs. A known environment is read
// from its files (pyvenv.cfg, the probe cache): no Python is started.
import { existsSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { VenvkitError } from '../errors.js';
import { candidateAt } from '../python/candidates.js';
import { probeInterpreter, readCachedInfo } from '../python/probe.js';
import { pathDirs } from '../python/pyenv.js';
import { scriptsDir } from '../venv/locate.js';
import { abortError } from './abort.js';
import { condaActivation, runVariables, venvActivation } from './activation.js';
import { describeInstall, describeVenv, readCfg } from './describe.js';
import { envRootOfInterpreter } from './interpreter-root.js';
import type { LocationContext } from './locations.js';
import type { ResolvedEnvironment } from './types.js';

export interface ResolveEnvironmentOptions {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  /** Run an interpreter whose facts are not cached (a base interpreter, a venv whose pyvenv.cfg has no version). Default true. */
  probe?: boolean;
  signal?: AbortSignal;
}

function notFound(abs: string, why: string): VenvkitError {
  return new VenvkitError('VENV_NOT_FOUND', `No environment or interpreter at ${abs}: ${why}`, {
    hint: 'Give an environment directory, a conda prefix, or the path of a Python interpreter.',
  });
}

function fromVenv(root: string, c: LocationContext, via: string | undefined): ResolvedEnvironment {
  const cfg = readCfg(root)!;
  const found = describeVenv(root, cfg, c);
  const scripts = scriptsDir(root);
  const home = cfg.home;
  const windows = /^[A-Za-z]:[\\/]|^\\\\/.test(home ?? '');
  let basePrefix = home ? (windows ? home : dirname(home)) : undefined;
  // The base's own facts when cached (cfg.executable / base_executable, written by 3.11+ and uv).
  for (const exe of [cfg.base_executable, cfg.executable].filter(Boolean) as string[]) {
    const info = readCachedInfo(exe, c.env);
    if (info) {
      basePrefix = info.basePrefix;
      break;
    }
  }
  return {
    ...found, basePrefix, cfg, ...(via ? { via } : {}),
    activation: venvActivation(scripts),
    environmentVariables: runVariables(c.env, root, scripts),
  };
}

function fromConda(prefix: string, c: LocationContext, via: string | undefined): ResolvedEnvironment | undefined {
  const found = describeInstall(prefix, c);
  if (!found) return undefined;
  return { ...found, basePrefix: undefined, ...(via ? { via } : {}), activation: condaActivation(prefix), environmentVariables: {} };
}

/**
 * Describe the environment or installation at `path`. Throws VENV_NOT_FOUND when the path does not
 * exist, NOT_A_VENV for a directory that is neither an environment nor an installation, and what the
 * probe throws (PYTHON_BROKEN) for a file that is not a working interpreter.
 */
export async function resolveEnvironment(path: string, options: ResolveEnvironmentOptions = {}): Promise<ResolvedEnvironment> {
  if (options.signal?.aborted) throw abortError(options.signal);
  const env = options.env ?? process.env;
  const cwd = resolve(options.cwd ?? process.cwd());
  const c: LocationContext = { env, platform: process.platform };
  const expanded = path === '~' || path.startsWith('~/') ? join(env.HOME || homedir(), path.slice(1)) : path;
  const abs = resolve(cwd, expanded);
  const st = statSync(abs, { throwIfNoEntry: false });
  if (!st) throw notFound(abs, 'the path does not exist');
  if (st.isDirectory()) {
    if (existsSync(join(abs, 'pyvenv.cfg'))) return fromVenv(abs, c, undefined);
    if (existsSync(join(abs, 'conda-meta'))) return (await fromConda(abs, c, undefined))!;
    const inst = describeInstall(abs, c);
    if (!inst?.executable) {
      throw new VenvkitError('NOT_A_VENV', `${abs} is neither an environment (no pyvenv.cfg, no conda-meta) nor a Python installation (no bin/python3)`, {
        hint: 'Give an environment directory or the path of a Python interpreter.',
      });
    }
    // pyenv's and uv's installs say their version in their directory names: nothing to run.
    if (inst.kind !== 'system' && inst.version) return { ...inst, basePrefix: abs, activation: {}, environmentVariables: {} };
    return fromInterpreter(inst.executable, c, options, undefined);
  }
  return fromInterpreter(abs, c, options, undefined);
}

async function fromInterpreter(abs: string, c: LocationContext, options: ResolveEnvironmentOptions, via: string | undefined): Promise<ResolvedEnvironment> {
  const inEnv = envRootOfInterpreter(abs);
  if (inEnv) {
    const r = fromVenv(inEnv.root, c, via ?? (inEnv.interpreter !== abs ? abs : undefined));
    if (r.version === undefined && options.probe !== false) {
      const info = await probeInterpreter(inEnv.interpreter, { env: c.env });
      Object.assign(r, { version: info.versionString, implementation: info.implementation, basePrefix: info.basePrefix });
    }
    return r;
  }
  // A pyenv shim: what it would run here, never the shim itself.
  if (!via) {
    const cwd = resolve(options.cwd ?? process.cwd());
    const cand = candidateAt(dirname(abs), basename(abs), 'explicit', { env: c.env, cwd, pathDirs: pathDirs(c.env, cwd) });
    if (cand?.shim) return fromInterpreter(cand.path, c, options, abs);
  }
  const prefix = dirname(dirname(abs));
  if (existsSync(join(prefix, 'conda-meta'))) return (await fromConda(prefix, c, via))!;
  if (options.signal?.aborted) throw abortError(options.signal);
  const info = options.probe === false ? readCachedInfo(abs, c.env) : await probeInterpreter(abs, { env: c.env });
  if (!info) throw new VenvkitError('PYTHON_NOT_FOUND', `${abs} has not been probed, and probe: false was given`, { hint: 'Call without probe: false to run it once (its facts are then cached).' });
  const inst = describeInstall(info.prefix, c);
  return {
    kind: inst?.kind ?? 'system',
    prefix: info.prefix,
    basePrefix: info.basePrefix,
    executable: abs,
    version: info.versionString,
    implementation: info.implementation,
    name: basename(info.prefix),
    isVirtual: false,
    ...(via ? { via } : {}),
    activation: {},
    environmentVariables: {},
  };
}
