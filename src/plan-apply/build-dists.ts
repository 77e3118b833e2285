// The library's `buildDistributions`: the build frontend (src/build/) with venvkit's resolver and
// installer as its build context, for the interpreter a spec picks (as `venvkit create -p` would);
// without a spec, the interpreter of the env the user works in (as `python -m build` run there:
// $VIRTUAL_ENV, else the nearest .venv; --no-isolation then uses that env's packages), else
// .python-version, else python3.
import { buildProgress, type BuildEvent } from '../build/context.js';
import { buildDists, type DistsRequest } from '../build/dists.js';
import type { ConfigSettings } from '../build/hooks.js';
import type { IndexFlags } from '../index/pip-config.js';
import type { ProgressListener } from '../progress.js';
import { VenvkitError } from '../errors.js';
import { findPython } from '../python/find.js';
import { locateVenv } from '../venv/locate.js';
import { openVenv } from '../venv/open.js';
import type { Venv } from '../venv/types.js';
import { buildContext } from './install.js';

export interface BuildDistributionsOptions extends DistsRequest {
  /** Interpreter spec (default: $VIRTUAL_ENV's or the nearest .venv's interpreter, else .python-version, else python3 on PATH). */
  python?: string;
  index?: IndexFlags;
  /** false: --no-build-isolation (run the backend with that interpreter as it is). */
  isolation?: boolean;
  configSettings?: ConfigSettings;
  verbose?: boolean;
  signal?: AbortSignal;
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /** Progress as every long call reports it (progress.ts): per distribution `build` `started` (with its backend) and `built`, its build env and hooks. */
  onProgress?: ProgressListener;
  /** @deprecated The build's own events; onProgress carries the same. */
  onEvent?: (e: BuildEvent) => void;
  onWarning?: (message: string) => void;
}

/** Builds the project in `dir` as `python -m build` does; returns the files made. */
export async function buildDistributions(dir: string, options: BuildDistributionsOptions = {}): Promise<string[]> {
  const env = options.env ?? process.env;
  const cwd = options.cwd ?? dir;
  // Without -p, the env `python -m build` would run in: the active one, else the nearest .venv.
  const venv = options.python === undefined ? await userVenv(env, cwd) : undefined;
  const interpreter = venv?.base ?? (await findPython(options.python, { env, cwd }));
  const ctx = buildContext({ env, verbose: options.verbose, signal: options.signal, index: options.index, onWarning: options.onWarning, onEvent: (e) => {
    options.onEvent?.(e);
    options.onProgress?.(buildProgress(e));
  } });
  return buildDists(dir, options, { ctx, interpreter, isolation: options.isolation, targetPython: venv?.base ? venv.paths.python : interpreter.path, configSettings: options.configSettings });
}

/** $VIRTUAL_ENV's env, else the nearest .venv above `cwd`; undefined when there is none. */
async function userVenv(env: NodeJS.ProcessEnv, cwd: string): Promise<Venv | undefined> {
  let root: string;
  try {
    root = locateVenv({ env, cwd }).root;
  } catch (e) {
    if (e instanceof VenvkitError && e.code === 'VENV_NOT_FOUND') return undefined;
    throw e;
  }
  return openVenv(root, { env });
}
