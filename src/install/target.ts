// Turning "a Venv or a path" into what the installer needs, and picking the env a command acts on.
import { existsSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { VenvkitError } from '../errors.js';
import { openVenv } from '../venv/open.js';
import { cfgVersion } from '../venv/pyvenv-cfg.js';
import type { Venv } from '../venv/types.js';
import type { InstallTarget } from './plan.js';

export async function resolveVenv(venvOrPath: Venv | string, env: NodeJS.ProcessEnv = process.env): Promise<Venv> {
  return typeof venvOrPath === 'string' ? openVenv(venvOrPath, { env }) : venvOrPath;
}

/** The env's Python major.minor: from the base interpreter's facts, else pyvenv.cfg. */
export function pythonVersionOf(venv: Venv): [number, number] {
  const v = venv.base?.version ?? cfgVersion(venv.cfg);
  if (!v) throw new VenvkitError('NOT_A_VENV', `Cannot tell which Python ${venv.root} is for (no version in pyvenv.cfg, base interpreter not found)`, { hint: 'Recreate the environment with `venvkit create`.' });
  return [v[0], v[1]];
}

export function installTarget(venv: Venv): InstallTarget {
  return { paths: venv.paths, pyVersion: pythonVersionOf(venv), python: venv.paths.python };
}

/**
 * The env a command acts on: `--env DIR`, else $VIRTUAL_ENV, else the nearest `.venv` from `cwd` upwards.
 * (A small local lookup; src/venv/locate.ts may replace it.)
 */
export function chooseEnvDir(explicit: string | undefined, env: NodeJS.ProcessEnv = process.env, cwd: string = process.cwd()): string {
  if (explicit) return resolve(cwd, explicit);
  if (env.VIRTUAL_ENV) return resolve(env.VIRTUAL_ENV);
  for (let d = resolve(cwd); ; d = dirname(d)) {
    const candidate = join(d, '.venv');
    try {
      if (existsSync(join(candidate, 'pyvenv.cfg')) && statSync(candidate).isDirectory()) return candidate;
    } catch {
      /* keep looking */
    }
    if (d === dirname(d)) break;
  }
  throw new VenvkitError('VENV_NOT_FOUND', 'No environment to act on: none named, no $VIRTUAL_ENV, and no .venv here or in a parent directory', {
    hint: 'Name the environment (the `explicit` option), activate one, or create one (createVenv, or `venvkit create .venv`).',
  });
}
