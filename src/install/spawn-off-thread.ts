// Starting a process from a worker thread, so the calling (host's) thread is not held by the start.
// On Linux (and other systems where libuv forks) a process start is a fork() of the whole Node
// process on the thread that asks for it: with the big heap of an install (a resolution, a set of
// wheels) that copy is tens of ms of one thread's CPU. The worker is a few lines of inline code
// (no file to find, nothing of the host's bundle loaded); it starts the process, relays its stdout
// and stdin, and kills it when asked. The object returned looks, to its user, like the ChildProcess
// spawn() returns (the parts compile-pool.ts uses: stdin, stdout, kill, 'error', 'close').
// What a crash or kill of the host does is unchanged: the worker dies with the process, the child's
// stdin closes and it ends as it would have. Where a worker thread cannot be started, spawn() runs here.
import { spawn, type SpawnOptions } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { PassThrough, Writable, type Readable } from 'node:stream';
import { Worker } from 'node:worker_threads';

/** The parts of a ChildProcess that its users here need. */
export interface StartedProcess extends EventEmitter {
  readonly stdin: Writable;
  readonly stdout: Readable;
  kill(signal?: NodeJS.Signals): boolean;
}

const WORKER_CODE = `
const { spawn } = require('node:child_process');
const { parentPort } = require('node:worker_threads');
const kids = new Map();
const post = (m) => parentPort.postMessage(m);
parentPort.on('message', (m) => {
  if (m.spawn) {
    let c;
    try {
      c = spawn(m.spawn.file, m.spawn.args, { ...m.spawn.options, stdio: ['pipe', 'pipe', 'ignore'] });
    } catch (e) {
      post({ id: m.id, error: { message: String(e && e.message), code: e && e.code } });
      post({ id: m.id, close: [null, null] });
      return;
    }
    kids.set(m.id, c);
    c.on('error', (e) => post({ id: m.id, error: { message: String(e && e.message), code: e && e.code } }));
    c.stdout.on('data', (d) => post({ id: m.id, out: d }));
    c.stdin.on('error', () => {});
    c.on('close', (code, signal) => {
      kids.delete(m.id);
      post({ id: m.id, close: [code, signal] });
    });
    return;
  }
  const c = kids.get(m.id);
  if (!c) return;
  if (m.write !== undefined) c.stdin.write(m.write);
  else if (m.end) c.stdin.end();
  else if (m.kill) c.kill(m.kill);
});
`;

/** Milliseconds an idle worker is kept for the next start (the byte-compilers are started a few ms apart). */
const IDLE_MS = 2000;

interface Relay { proc: StartedProcess; stdout: PassThrough }

let worker: Worker | undefined;
let broken = false;
const relays = new Map<number, Relay>();
let nextId = 0;
let idleTimer: NodeJS.Timeout | undefined;

function theWorker(): Worker | undefined {
  if (broken) return undefined;
  if (worker) return worker;
  try {
    const w = new Worker(WORKER_CODE, { eval: true });
    w.on('message', (m: { id: number; out?: Uint8Array; error?: { message: string; code?: string }; close?: [number | null, NodeJS.Signals | null] }) => {
      const r = relays.get(m.id);
      if (!r) return;
      if (m.out) r.stdout.write(Buffer.from(m.out.buffer, m.out.byteOffset, m.out.byteLength));
      else if (m.error) r.proc.emit('error', Object.assign(new Error(m.error.message), { code: m.error.code }));
      else if (m.close) {
        relays.delete(m.id);
        r.stdout.end();
        // 'close' after stdout's data has been delivered, as a ChildProcess does.
        r.stdout.once('end', () => r.proc.emit('close', ...m.close!));
        r.stdout.resume();
        settle();
      }
    });
    // The worker itself failed (it never should): every process it started is treated as crashed.
    w.on('error', () => gone(w));
    w.on('exit', () => gone(w));
    worker = w;
    return w;
  } catch {
    broken = true;
    return undefined;
  }
}

function gone(w: Worker): void {
  if (worker !== w) return;
  worker = undefined;
  for (const [id, r] of relays) {
    relays.delete(id);
    r.stdout.end();
    r.proc.emit('close', null, 'SIGKILL');
  }
}

/** Keep the worker (referenced) while it has processes; end it once idle for a while. */
function settle(): void {
  if (idleTimer) clearTimeout(idleTimer);
  idleTimer = undefined;
  if (!worker) return;
  if (relays.size > 0) {
    worker.ref();
    return;
  }
  worker.unref();
  const w = worker;
  idleTimer = setTimeout(() => {
    if (worker === w && relays.size === 0) {
      worker = undefined;
      void w.terminate();
    }
  }, IDLE_MS);
  idleTimer.unref();
}

/**
 * spawn(file, args, options) with stdin and stdout piped (stderr ignored), the fork done on a worker
 * thread; on a system without worker threads, spawn() on this thread.
 */
export function spawnOffThread(file: string, args: string[], options: Pick<SpawnOptions, 'env' | 'cwd' | 'windowsHide'> = {}): StartedProcess {
  const w = theWorker();
  if (!w) return spawn(file, args, { ...options, stdio: ['pipe', 'pipe', 'ignore'] }) as unknown as StartedProcess;
  const id = nextId++;
  const stdout = new PassThrough();
  const stdin = new Writable({
    decodeStrings: false,
    write(chunk: Buffer | string, _enc, cb) {
      if (relays.has(id)) w.postMessage({ id, write: typeof chunk === 'string' ? chunk : chunk.toString('utf8') });
      cb();
    },
    final(cb) {
      if (relays.has(id)) w.postMessage({ id, end: true });
      cb();
    },
  });
  const proc = Object.assign(new EventEmitter(), {
    stdin,
    stdout,
    kill(signal: NodeJS.Signals = 'SIGTERM'): boolean {
      if (!relays.has(id)) return false;
      w.postMessage({ id, kill: signal });
      return true;
    },
  }) as StartedProcess;
  relays.set(id, { proc, stdout });
  settle();
  w.postMessage({ id, spawn: { file, args, options } });
  return proc;
}
