// The one description of an environment that every activation script is generated from.
import { isAbsolute, relative } from 'node:path';
import { VenvkitError } from '../../errors.js';
import type { Venv } from '../types.js';
import { checkNoControl, checkPathSeparator } from './quote.js';

export interface ActivationData {
  /** The environment's final absolute path (what VIRTUAL_ENV is set to). */
  root: string;
  /** The prompt name shown as "(name) " and put in VIRTUAL_ENV_PROMPT. */
  prompt: string;
  /** The scripts directory relative to root: "bin", or "Scripts" in the Windows layout. */
  binName: string;
  /** Site-packages directories relative to root (for activate_this.py). */
  sitePackages: string[];
  windows: boolean;
}

export function activationData(venv: Venv): ActivationData {
  const root = venv.root;
  if (!isAbsolute(root) && !/^[A-Za-z]:[\\/]/.test(root)) {
    throw new VenvkitError('INTERNAL', `activation needs the environment's absolute path, got ${JSON.stringify(root)}`);
  }
  checkNoControl(root, 'the environment path', 'any shell');
  checkNoControl(venv.prompt, 'the prompt name', 'any shell');
  checkPathSeparator(root, venv.windows);
  const rel = (p: string) => (venv.windows ? p.slice(root.length).replace(/^[\\/]+/, '') : relative(root, p));
  const binName = rel(venv.paths.scripts) || (venv.windows ? 'Scripts' : 'bin');
  const sitePackages = [...new Set([venv.paths.purelib, venv.paths.platlib].map(rel))];
  return { root, prompt: venv.prompt, binName, sitePackages, windows: venv.windows };
}
