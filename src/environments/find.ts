// findEnvironments: every environment in a workspace and in the places tools keep theirs, each
// labelled with its kind, from files alone (pyvenv.cfg, conda-meta, names, the probe cache).
import { realpathSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { abortError } from './abort.js';
import { describeDir } from './describe.js';
import { locateConda } from './locators/conda.js';
import { locateHatch } from './locators/hatch.js';
import { locatePipenv } from './locators/pipenv.js';
import { locatePoetry } from './locators/poetry.js';
import { locatePyenv } from './locators/pyenv.js';
import type { Located, LocatorContext } from './locators/types.js';
import { locateUvPythons } from './locators/uv.js';
import { locateVirtualenvwrapper } from './locators/virtualenvwrapper.js';
import { locateWorkspace } from './locators/workspace.js';
import type { ProgressListener } from '../progress.js';
import type { FoundEnvironment } from './types.js';

export type EnvironmentSource = 'workspace' | 'active' | 'virtualenvwrapper' | 'pipenv' | 'poetry' | 'hatch' | 'pyenv' | 'conda' | 'uv';

export interface FindEnvironmentsOptions {
  /** Where the user is: $VIRTUAL_ENV and the nearest .venv upwards from here are included (default process.cwd()). */
  cwd?: string;
  /** The project folder to search (default: cwd). `false`: no workspace search. */
  workspace?: string | false;
  /** Directory levels searched below the workspace (default 4: workspace/a/b/c/.venv). */
  depth?: number;
  /** Which machine-wide places to look in (default: all). */
  sources?: EnvironmentSource[];
  env?: NodeJS.ProcessEnv;
  signal?: AbortSignal;
  /** Progress (progress.ts): a `discover` event per place searched (`name` its source, `found` the environments so far). */
  onProgress?: ProgressListener;
}

export interface Scan {
  environments: FoundEnvironment[];
  /** Directories whose change may change the result. */
  watch: string[];
}

const LOCATORS: [EnvironmentSource, (c: LocatorContext) => Located][] = [
  ['workspace', locateWorkspace],
  ['virtualenvwrapper', locateVirtualenvwrapper],
  ['pipenv', locatePipenv],
  ['poetry', locatePoetry],
  ['hatch', locateHatch],
  ['pyenv', locatePyenv],
  ['conda', locateConda],
  ['uv', locateUvPythons],
];

function active(c: LocatorContext): Located {
  const dirs: string[] = [];
  if (c.env.VIRTUAL_ENV) dirs.push(resolve(c.cwd, c.env.VIRTUAL_ENV));
  for (let dir = c.cwd; ; dir = dirname(dir)) {
    dirs.push(join(dir, '.venv'));
    if (dirname(dir) === dir) break;
  }
  return { dirs, watch: [] };
}

export function locatorContext(options: FindEnvironmentsOptions): LocatorContext {
  const cwd = resolve(options.cwd ?? process.cwd());
  const workspace = options.workspace === false ? undefined : resolve(cwd, options.workspace ?? cwd);
  return { env: options.env ?? process.env, platform: process.platform, cwd, workspace, depth: options.depth ?? 4, signal: options.signal };
}

/** The synchronous core of findEnvironments (also what watchEnvironments re-runs). */
export function scanEnvironments(options: FindEnvironmentsOptions = {}): Scan {
  const c = locatorContext(options);
  const wanted = new Set(options.sources ?? LOCATORS.map(([s]) => s).concat('active'));
  const seen = new Set<string>();
  const environments: FoundEnvironment[] = [];
  const watch: string[] = [];
  const all = ([['active', active], ...LOCATORS] as [EnvironmentSource, (c: LocatorContext) => Located][]).filter(([source]) => wanted.has(source));
  for (const [i, [source, locate]] of all.entries()) {
    if (c.signal?.aborted) throw abortError(c.signal);
    const found = locate(c);
    watch.push(...found.watch);
    for (const dir of found.dirs) {
      let real: string;
      try {
        real = realpathSync(dir);
      } catch {
        continue;
      }
      if (seen.has(real)) continue;
      const described = describeDir(dir, c);
      if (!described) continue;
      seen.add(real);
      environments.push(described);
    }
    options.onProgress?.({ phase: 'discover', name: source, done: i + 1, total: all.length, found: environments.length });
  }
  return { environments, watch: [...new Set(watch)] };
}

/**
 * Every environment found: in the workspace (to `depth` levels), the active one and the nearest
 * .venv, virtualenvwrapper's $WORKON_HOME, pipenv, poetry and hatch env directories, pyenv versions
 * and pyenv-virtualenv envs, conda envs and uv's managed Pythons. Starts no Python: versions come
 * from pyvenv.cfg, conda-meta, directory names or the probe cache (undefined when none says).
 */
export async function findEnvironments(options: FindEnvironmentsOptions = {}): Promise<FoundEnvironment[]> {
  if (options.signal?.aborted) throw abortError(options.signal);
  return scanEnvironments(options).environments;
}
