// The build context: what the frontend needs from the layers above it (the resolver and the
// installer), handed down by the caller so that src/build/ never imports the installer, and the
// installer reaches the frontend only through a lazy import. `installRequirements` implements it
// (src/pip/build-context.ts).
import type { Venv } from '../venv/types.js';

export type BuildEvent =
  | { kind: 'build-env'; requirements: string[]; reused: boolean }
  | { kind: 'building'; project: string; hook: string }
  | { kind: 'built'; project: string; file: string; ms: number; cached: boolean };

export interface BuildContext {
  /** Resolve and install `requirements` into `venv` with the user's index settings. */
  install(venv: Venv, requirements: string[], options: { signal?: AbortSignal }): Promise<void>;
  /** Environment variables (the cache location comes from them). */
  env: NodeJS.ProcessEnv;
  /** Show the backends' output live. */
  verbose?: boolean;
  signal?: AbortSignal;
  onEvent?: (e: BuildEvent) => void;
}
