// The build context: what the frontend needs from the layers above it (the resolver and the
// installer), handed down by the caller so that src/build/ never imports the installer, and the
// installer reaches the frontend only through a lazy import. `installRequirements` implements it
// (src/plan-apply/install.ts).
import type { LinkMode } from '../install/link.js';
import type { ProgressEvent } from '../progress.js';
import type { Venv } from '../venv/types.js';

/** The build frontend's own events; callers pass them on as ProgressEvents (buildProgress). */
export type BuildEvent =
  | { kind: 'started'; project: string; backend: string; build: 'wheel' | 'editable' | 'sdist' }
  | { kind: 'build-env'; requirements: string[]; reused: boolean }
  | { kind: 'building'; project: string; hook: string; backend?: string }
  | { kind: 'built'; project: string; file: string; ms: number; cached: boolean; backend?: string };

/** A build event as the progress event every long call reports (progress.ts). */
export function buildProgress(e: BuildEvent): ProgressEvent {
  switch (e.kind) {
    case 'started':
      return { phase: 'build', step: 'started', name: e.project, backend: e.backend, detail: e.build, done: 0, total: 1 };
    case 'build-env':
      return { phase: 'build', step: 'build-env', name: e.requirements.join(', '), done: e.reused ? 1 : 0, total: 1, detail: e.reused ? 'reused' : 'made' };
    case 'building':
      return { phase: 'build', step: 'hook', name: e.project, detail: e.hook, ...(e.backend ? { backend: e.backend } : {}), done: 0, total: 1 };
    case 'built':
      return { phase: 'build', step: 'built', name: e.project, detail: e.file, ms: e.ms, cached: e.cached, ...(e.backend ? { backend: e.backend } : {}), done: 1, total: 1 };
  }
}

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
  /** --build-constraint: a digest of the constraint files build envs are filled with (part of a build env's key). */
  constraintsKey?: string;
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
