// conda: prefixes holding conda-meta: the ones ~/.conda/environments.txt lists, $CONDA_PREFIX,
// $CONDA_ENVS_PATH entries, the usual install roots (~/miniconda3, ~/anaconda3, ~/miniforge3,
// /opt/conda, ...) and each one's envs/.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { condaEnvironmentsTxt, condaEnvsPaths, condaRoots } from '../locations.js';
import { subdirs } from './list.js';
import type { Located, LocatorContext } from './types.js';

export function locateConda(c: LocatorContext): Located {
  const dirs: string[] = [];
  try {
    for (const line of readFileSync(condaEnvironmentsTxt(c), 'utf8').split(/\r?\n/)) {
      if (line.trim() && !line.startsWith('#')) dirs.push(line.trim());
    }
  } catch {
    // no registry
  }
  if (c.env.CONDA_PREFIX) dirs.push(c.env.CONDA_PREFIX);
  const roots = condaRoots(c);
  const envDirs = [...condaEnvsPaths(c), ...roots.map((r) => join(r, 'envs'))];
  dirs.push(...roots, ...envDirs.flatMap(subdirs));
  return { dirs, watch: envDirs };
}
