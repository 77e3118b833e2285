// TEMPORARY STUB (owned by the activation work).
import type { Venv } from '../types.js';

export interface ActivatorOptions {
  /** Where the environment is being built (files are written here)... */
  stageRoot: string;
  /** ...and what it will be once renamed into place (venv.root is the final absolute path). */
  venv: Venv;
}

/** Write every activation script into stageRoot's scripts dir; returns the files written (relative). */
export async function writeActivators(_options: ActivatorOptions): Promise<string[]> {
  return [];
}
