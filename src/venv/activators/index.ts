// Writes every activation script of an environment, generated from one description of it.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { errnoCode } from '../../errors.js';
import type { Venv } from '../types.js';
import { renderActivateBat, renderDeactivateBat } from './batch.js';
import { renderCsh } from './csh.js';
import { activationData } from './data.js';
import { renderFish } from './fish.js';
import { renderNu } from './nu.js';
import { renderPosix } from './posix.js';
import { renderPowerShell } from './powershell.js';
import { renderActivateThis } from './python.js';

export interface ActivatorOptions {
  /** Where the environment is being built (files are written here)... */
  stageRoot: string;
  /** ...and what it will be once renamed into place (venv.root is the final absolute path). */
  venv: Venv;
}

/**
 * Every script's name and text, for an environment at venv.root. Throws VenvkitError BAD_PATH when
 * the path or prompt name cannot be written safely for some shell, before anything is written.
 */
export function renderActivators(venv: Venv): Map<string, string> {
  const d = activationData(venv);
  const files = new Map<string, string>([
    ['activate', renderPosix(d)],
    ['activate.fish', renderFish(d)],
    ['activate.csh', renderCsh(d)],
    ['activate.nu', renderNu(d)],
    ['Activate.ps1', renderPowerShell(d)],
    ['activate_this.py', renderActivateThis(d)],
  ]);
  if (venv.windows) {
    files.set('activate.bat', renderActivateBat(d));
    files.set('deactivate.bat', renderDeactivateBat());
  }
  return files;
}

/** Write every activation script into stageRoot's scripts dir; returns the files written (relative). */
export async function writeActivators(options: ActivatorOptions): Promise<string[]> {
  const { stageRoot, venv } = options;
  const files = renderActivators(venv);
  const binRel = venv.windows ? venv.paths.scripts.slice(venv.root.length).replace(/^[\\/]+/, '') : relative(venv.root, venv.paths.scripts);
  const binDir = join(stageRoot, binRel);
  // Synchronous on purpose: a handful of small files, and node:fs/promises costs start-up time.
  // (With encoding: Node's one-call C++ path.)
  const write = (name: string, text: string) => writeFileSync(join(binDir, name), text, { mode: 0o644, encoding: 'utf8' });
  const written: string[] = [];
  for (const [name, text] of files) {
    try {
      write(name, text);
    } catch (e) {
      // The env's plan has made the scripts directory already; it is made here only when it has not.
      if (written.length > 0 || errnoCode(e) !== 'ENOENT') throw e;
      mkdirSync(binDir, { recursive: true });
      write(name, text);
    }
    written.push(join(binRel, name));
  }
  return written;
}
