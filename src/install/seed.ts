// TEMPORARY STUB (owned by the wheel-installer work).
import type { Venv } from '../venv/types.js';

export interface SeedOptions {
  /** Where the environment is being built (files are written here)... */
  stageRoot: string;
  /** ...and what it will be (venv.root is the final absolute path: shebangs point there). */
  venv: Venv;
  /** Seed the newest pip (and setuptools where venv would) from the configured index. */
  upgradeDeps?: boolean;
}

export interface SeedResult {
  /** What was installed, e.g. [{ name: 'pip', version: '23.2.1' }]. */
  installed: { name: string; version: string }[];
  /** Set when seeding could not be done by this build: why (the caller tells the user). */
  skipped?: string;
}

export async function seedPackages(_options: SeedOptions): Promise<SeedResult> {
  return { installed: [], skipped: 'seeding pip is not implemented yet (the environment has no pip; use --without-pip to silence this)' };
}
