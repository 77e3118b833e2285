// Unpacking wheels into the cache off the main thread: the installer's unpack is synchronous (tens
// of thousands of small file writes for a big set), so a few worker threads run it side by side
// while the main thread keeps downloading. Each worker runs the worker file (dist/venvkit-worker.cjs,
// src/plan-apply/unpack-worker.ts; found by worker-file.ts), which holds the unpacker and nothing else. Every job names the store (cache or scratch dir) the main thread
// chose; a worker that finds the cache unwritable unpacks into scratch and says so, and the main
// thread then stops using the cache (one warning).
import { Worker } from 'node:worker_threads';
import { noteCacheFailure, unpackedWheel, unpackedWheelHere, type CachedWheel, type WheelStore } from '../cache/wheels.js';
import { VenvkitError, type ErrorCode } from '../errors.js';

interface Job { path: string; sha256?: string; resolve: (w: CachedWheel) => void; reject: (e: unknown) => void }

type Reply = { id: number; wheel?: CachedWheel; error?: { code?: string; message: string; hint?: string } };

/** What a worker runs for one job (unpack-worker.ts). */
export function unpackJob(path: string, sha256: string | undefined, store: WheelStore): CachedWheel {
  return unpackedWheel(path, { store, sha256 });
}

/** unpackJob on the main thread: a cache found unwritable is given up for `store` (warned once). */
export function unpackHere(path: string, sha256: string | undefined, store: WheelStore): CachedWheel {
  return unpackedWheelHere(path, { store, sha256 });
}

export class UnpackPool {
  private readonly workers: { w: Worker; busy: boolean }[] = [];
  private readonly queue: (Job & { id: number })[] = [];
  private readonly pending = new Map<number, Job>();
  private nextId = 0;
  private failed = false;
  /** Jobs a worker thread finished (the rest ran on the main thread). */
  workerJobs = 0;

  /** `file`: the worker file; undefined runs every job on the main thread. */
  constructor(private readonly file: string | undefined, private readonly size: number, private readonly store: WheelStore) {}

  private spawn(): { w: Worker; busy: boolean } {
    const w = new Worker(this.file!);
    const slot = { w, busy: false };
    w.unref();
    w.on('message', (m: Reply & { ready?: boolean }) => {
      if (m.ready) return;
      const job = this.pending.get(m.id);
      this.pending.delete(m.id);
      slot.busy = false;
      if (job) {
        if (m.error) job.reject(m.error.code ? new VenvkitError(m.error.code as ErrorCode, m.error.message, { hint: m.error.hint }) : new Error(m.error.message));
        else {
          this.workerJobs++;
          noteCacheFailure(this.store, m.wheel!);
          job.resolve({ ...m.wheel!, store: this.store });
        }
      }
      this.pump();
    });
    w.on('error', (e) => this.fallback(String(e)));
    return slot;
  }

  /** Workers unusable: run whatever is left on the main thread. */
  private fallback(_why: string): void {
    if (this.failed) return;
    this.failed = true;
    const jobs = [...this.pending.values(), ...this.queue];
    this.pending.clear();
    this.queue.length = 0;
    for (const j of jobs) {
      try {
        j.resolve(unpackHere(j.path, j.sha256, this.store));
      } catch (e) {
        j.reject(e);
      }
    }
    void this.close();
  }

  private pump(): void {
    while (this.queue.length > 0) {
      let slot = this.workers.find((s) => !s.busy);
      if (!slot && this.workers.length < this.size) {
        slot = this.spawn();
        this.workers.push(slot);
      }
      if (!slot) return;
      const job = this.queue.shift()!;
      slot.busy = true;
      slot.w.ref();
      this.pending.set(job.id, job);
      slot.w.postMessage({ id: job.id, path: job.path, sha256: job.sha256, store: { ...this.store } });
    }
    for (const s of this.workers) if (!s.busy) s.w.unref();
  }

  unpack(path: string, sha256?: string): Promise<CachedWheel> {
    if (this.failed || this.size <= 0 || !this.file) return Promise.resolve().then(() => unpackHere(path, sha256, this.store));
    return new Promise((resolve, reject) => {
      this.queue.push({ id: this.nextId++, path, sha256, resolve, reject });
      this.pump();
    });
  }

  async close(): Promise<void> {
    const ws = this.workers.splice(0);
    await Promise.all(ws.map((s) => s.w.terminate()));
  }
}
