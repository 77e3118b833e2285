// The library's `buildDistributions`: the build frontend (src/build/) with venvkit's resolver and
// installer as its build context, for the interpreter a spec picks (as `venvkit create -p` would).
import type { BuildEvent, BuildContext } from '../build/context.js';
import { buildDists, type DistsRequest } from '../build/dists.js';
import type { ConfigSettings } from '../build/hooks.js';
import type { IndexFlags } from '../index/pip-config.js';
import { findPython } from '../python/find.js';
import { installRequirements } from './install.js';

export interface BuildDistributionsOptions extends DistsRequest {
  /** Interpreter spec (default: .python-version, else python3 on PATH). */
  python?: string;
  index?: IndexFlags;
  /** false: --no-build-isolation (run the backend with that interpreter as it is). */
  isolation?: boolean;
  configSettings?: ConfigSettings;
  verbose?: boolean;
  signal?: AbortSignal;
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  onEvent?: (e: BuildEvent) => void;
  onWarning?: (message: string) => void;
}

/** Builds the project in `dir` as `python -m build` does; returns the files made. */
export async function buildDistributions(dir: string, options: BuildDistributionsOptions = {}): Promise<string[]> {
  const env = options.env ?? process.env;
  const interpreter = await findPython(options.python, { env, cwd: options.cwd ?? dir });
  const ctx: BuildContext = {
    env, verbose: options.verbose, signal: options.signal, onEvent: options.onEvent,
    install: async (venv, requirements) => {
      await installRequirements(venv, { requirements }, { index: options.index, env, onWarning: options.onWarning });
    },
  };
  return buildDists(dir, options, { ctx, interpreter, isolation: options.isolation, targetPython: interpreter.path, configSettings: options.configSettings });
}
