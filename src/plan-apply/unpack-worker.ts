// The unpack worker threads' entry: built on its own as dist/venvkit-worker.cjs (scripts/build.mjs),
// so a worker loads only the unpacker, never the host's bundle or the CLI. See unpack-pool.ts.
import { parentPort } from 'node:worker_threads';
import type { WheelStore } from '../cache/wheels.js';
import { unpackJob } from './unpack-pool.js';

parentPort?.on('message', (job: { id: number; path: string; sha256?: string; store: WheelStore }) => {
  try {
    parentPort!.postMessage({ id: job.id, wheel: unpackJob(job.path, job.sha256, job.store) });
  } catch (e) {
    const err = e as { code?: string; message?: string; hint?: string } | undefined;
    parentPort!.postMessage({ id: job.id, error: { code: err?.code, message: String(err?.message ?? e), hint: err?.hint } });
  }
});
parentPort?.postMessage({ ready: true });
