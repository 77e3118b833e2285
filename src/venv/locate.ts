// Which environment a command acts on: --env DIR, else $VIRTUAL_ENV, else the nearest .venv upwards.
import { existsSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { VenvkitError } from '../errors.js';
import { recoverInterrupted } from './inplace.js';

export interface LocateOptions {
  /** --env DIR (or a positional DIR), relative to cwd. */
  explicit?: string;
  env?: NodeJS.ProcessEnv;
  cwd?: string;
}

export interface LocatedVenv {
  /** The environment's absolute path. */
  root: string;
  /** How it was chosen. */
  source: 'explicit' | 'VIRTUAL_ENV' | 'dotvenv';
}

const isVenv = (dir: string) => existsSync(join(dir, 'pyvenv.cfg'));

export function locateVenv(options: LocateOptions = {}): LocatedVenv {
  const env = options.env ?? process.env;
  const cwd = options.cwd ?? process.cwd();
  if (options.explicit !== undefined && options.explicit !== '') {
    const root = resolve(cwd, options.explicit);
    if (!existsSync(root) && !recoverInterrupted(root)) {
      throw new VenvkitError('VENV_NOT_FOUND', `${root} does not exist`, { hint: `Create it with \`venvkit create ${options.explicit}\`.` });
    }
    if (!isVenv(root)) {
      throw new VenvkitError('NOT_A_VENV', `${root} is not a virtual environment (it has no pyvenv.cfg)`, { hint: 'Give the directory of an environment made by venvkit, venv or virtualenv.' });
    }
    return { root, source: 'explicit' };
  }
  const active = env.VIRTUAL_ENV;
  if (active) {
    const root = resolve(cwd, active);
    if (!isVenv(root)) {
      throw new VenvkitError('NOT_A_VENV', `VIRTUAL_ENV points to ${root}, which is not a virtual environment (no pyvenv.cfg)`, {
        hint: 'Run `deactivate`, or name the environment (the `explicit` option).',
      });
    }
    return { root, source: 'VIRTUAL_ENV' };
  }
  for (let dir = resolve(cwd); ; dir = dirname(dir)) {
    const candidate = join(dir, '.venv');
    try {
      if (statSync(candidate).isDirectory() && isVenv(candidate)) return { root: candidate, source: 'dotvenv' };
    } catch {
      // none here
    }
    if (dirname(dir) === dir) break;
  }
  throw new VenvkitError('VENV_NOT_FOUND', `no virtual environment found: none named, no $VIRTUAL_ENV, and no .venv in ${cwd} or above`, {
    hint: 'Create one (createVenv, or `venvkit create .venv`), or name the environment (the `explicit` option).',
  });
}

/** The environment's scripts directory: bin/, or Scripts\ in the Windows layout. */
export function scriptsDir(root: string): string {
  const win = join(root, 'Scripts');
  return !existsSync(join(root, 'bin')) && existsSync(win) ? win : join(root, 'bin');
}
