// The build context: what the frontend needs from the layers above it (the resolver and the
// installer), handed down by the caller so that src/build/ never imports the installer, and the
// installer reaches the frontend only through a lazy import. `installRequirements` implements it
// (src/plan-apply/install.ts).
import type { LinkMode } from '../install/link.js';
import type { Venv } from '../venv/types.js';

export type BuildEvent =
  | { kind: 'build-env'; requirements: string[]; reused: boolean }
  | { kind: 'building'; project: string; hook: string }
  | { kind: 'built'; project: string; file: string; ms: number; cached: boolean };

export interface BuildContext {
  /**
   * Resolve and install `requirements` into `venv` with the user's index settings; `linkMode` and
   * `workers` (false: unpack on the calling thread) override the user's choice: build-env.ts.
   */
  install(venv: Venv, requirements: string[], options: { signal?: AbortSignal; linkMode?: LinkMode; workers?: false }): Promise<void>;
  /** Environment variables (the cache location comes from them). */
  env: NodeJS.ProcessEnv;
  /** Show the backends' output live. */
  verbose?: boolean;
  signal?: AbortSignal;
  onEvent?: (e: BuildEvent) => void;
  /** The build requirement sets being installed above this build (each sorted and joined), to stop cycles. */
  chain?: readonly string[];
}

/** An sdist offered by an index or find-links location (the index layer's Candidate, in part). */
export interface SdistFile {
  name: string;
  version: string;
  filename: string;
  url: string;
  hashes: Record<string, string>;
}

/** What the resolver needs from the frontend for sdist candidates (src/build/index-sdists.ts). */
export interface SdistBuilder {
  /** The sdist's core metadata: prepare_metadata_for_build_wheel, else from the wheel it builds (cached). */
  metadata(file: SdistFile): Promise<{ name: string; version: string; requiresDist: string[]; requiresPython?: string; providesExtra: string[] }>;
  /** The wheel built from the sdist (from the built-wheel cache when it was built before). */
  wheel(file: SdistFile): Promise<string>;
}
