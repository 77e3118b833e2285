import type { LocationContext } from '../locations.js';
import type { EnvironmentKind } from '../types.js';

export interface LocatorContext extends LocationContext {
  cwd: string;
  workspace?: string;
  /** Directory levels searched below the workspace. */
  depth: number;
  signal?: AbortSignal;
}

export interface Located {
  /** Directories that may be environments or installations (described afterwards). */
  dirs: string[];
  /** Directories whose entries appearing or going would change the result (for watchEnvironments). */
  watch: string[];
  /** The kind this locator's own directories imply when their files say nothing more. */
  kind?: EnvironmentKind;
}
