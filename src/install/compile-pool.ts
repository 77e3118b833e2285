// Byte-compilers kept alive for a whole install: up to one Python process per core, each fed a file
// at a time (a few queued ahead), so that every wheel is compiled as soon as its files are unpacked
// and both cores stay busy to the last file (no process sits idle while another still has a long
// list). Each .pyc is checked-hash (PEP 552), byte for byte what
// py_compile.compile(invalidation_mode=CHECKED_HASH) writes: written by the compiler at the place its
// caller names (cache/bytecode.ts: the wheel's bytecode dir being made), only its size, hash and
// mtime coming back, or streamed back into memory. In timestamp mode (Python 3.6, which has no
// hash-based .pyc: compileTimestamp) py_compile.compile itself writes each .pyc where it is asked to,
// as `python -m venv`'s pip would (the env's own bytecode, never cached).
// An abort kills the processes; a process that crashes is replaced, and the sets it was compiling
// are marked incomplete (their bytecode is used, never cached).
import { availableParallelism } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { interruptedError } from './interrupted.js';
import { spawnOffThread, type StartedProcess } from './spawn-off-thread.js';

// Reads one JSON [n, source, display path, .pyc path or ""] per line. With a .pyc path it writes the
// .pyc there (a new read-only file; its directories made as needed) and answers "n size sec nsec
// sha256hex" (the file's size, mtime and hash: nothing more to read or hash for the caller);
// without one, or when the file cannot be written, it answers "n size\n" and the .pyc's bytes.
// "n -1\n": the source does not compile (as pip, such a file is skipped). Answers are flushed every
// 10 ms and when what one read of stdin brought is done (the pool sends the next files as answers
// come back, so the compiler never waits for work: a message each way per batch, not per file,
// through spawn-off-thread's relay). With argv[1] "timestamp" (Python 3.6 too) each .pyc is what
// py_compile.compile writes at the .pyc path (required), answered as a written one.
export const TO_MEMORY_SCRIPT = String.raw`
# What py_compile.compile(invalidation_mode=CHECKED_HASH) writes, to a new file or streamed back.
import sys, os, json, time, hashlib, importlib.util, py_compile
TIMESTAMP = len(sys.argv) > 1 and sys.argv[1] == "timestamp"
if not TIMESTAMP:
    from importlib._bootstrap_external import _code_to_hash_pyc
out = sys.stdout.buffer
made = set()
NEW = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)
def write(dest, pyc):
    d = os.path.dirname(dest)
    if d not in made:
        os.makedirs(d, mode=0o700, exist_ok=True)
        made.add(d)
    fd = os.open(dest, NEW, 0o444)
    try:
        view = memoryview(pyc)
        while view:
            view = view[os.write(fd, view):]
        return os.fstat(fd).st_mtime_ns
    finally:
        os.close(fd)
def written(n, dest):
    st = os.stat(dest)
    with open(dest, "rb") as f:
        digest = hashlib.sha256(f.read()).hexdigest().encode()
    out.write(b"%d %d %d %d %s\n" % (n, st.st_size, st.st_mtime_ns // 1000000000, st.st_mtime_ns % 1000000000, digest))
def one_timestamp(n, src, shown, dest):
    # What py_compile.compile writes (its default mode, as pip's compileall): the file made by it.
    try:
        py_compile.compile(src, cfile=dest, dfile=shown or src, doraise=True)
        written(n, dest)
    except Exception:
        out.write(b"%d -1\n" % n)
def one(line):
    n, src, shown, *rest = json.loads(line)
    dest = rest[0] if rest else ""
    if TIMESTAMP:
        return one_timestamp(n, src, shown, dest)
    try:
        with open(src, "rb") as f:
            data = f.read()
        code = compile(data, shown or src, "exec", dont_inherit=True)
        pyc = _code_to_hash_pyc(code, importlib.util.source_hash(data), True)
    except Exception:
        out.write(b"%d -1\n" % n)
        return
    mtime = None
    if dest:
        try:
            mtime = write(dest, pyc)
        except OSError:
            try:
                os.unlink(dest)
            except OSError:
                pass
    if mtime is None:
        out.write(b"%d %d\n" % (n, len(pyc)))
        out.write(pyc)
    else:
        out.write(b"%d %d %d %d %s\n" % (n, len(pyc), mtime // 1000000000, mtime % 1000000000, hashlib.sha256(pyc).hexdigest().encode()))
inp = sys.stdin.buffer
left = b""
while True:
    got = inp.read1(65536)
    if not got:
        break
    *lines, left = (left + got).split(b"\n")
    last = time.monotonic()
    for line in lines:
        if line.strip():
            one(line)
        # Answers go back every few ms as well: the pool sends more files when they arrive, before this batch runs out.
        if time.monotonic() - last > 0.01:
            out.flush()
            last = time.monotonic()
    out.flush()
`;

/**
 * PEP 552 invalidation modes: `checked-hash` records a hash of the source, checked on every import
 * (Python 3.7+); `timestamp` records the source's mtime and size (all Python 3.6 has).
 */
export type PycMode = 'checked-hash' | 'timestamp';

export interface PoolFile {
  /** The source to read. */
  path: string;
  /** The path tracebacks show (co_filename). */
  shown: string;
  /**
   * Where the compiler writes the .pyc (a new file; its directories are made as needed, 0700), so
   * its bytes never travel back: the answer is `written`. Without it (or when the file cannot be
   * written) the .pyc comes back in `pycs`.
   */
  out?: string;
}

/** A .pyc the compiler wrote at its file's `out`: size, sha256 (RECORD form) and mtime (ms, as Node's stat gives it). */
export interface WrittenPyc {
  size: number;
  hash: string;
  mtime: number;
}

/** One set's outcome: each file's .pyc (undefined: it did not compile), and whether every file got an answer. */
export interface CompiledSet {
  /** The .pyc in memory (files without `out`, or whose `out` could not be written). */
  pycs: (Buffer | undefined)[];
  /** The .pyc written at `out`. */
  written: (WrittenPyc | undefined)[];
  complete: boolean;
}

interface SetState { files: PoolFile[]; pycs: (Buffer | undefined)[]; written: (WrittenPyc | undefined)[]; left: number; complete: boolean; resolve: (r: CompiledSet) => void; reject: (e: unknown) => void }
interface Entry { set: SetState; index: number }
interface Proc { child: StartedProcess; outstanding: Map<number, Entry>; ended: boolean }

/**
 * Files sent to a process ahead of its answers: enough to keep it busy while the calling thread is
 * in a long step of its own (it refills only between steps, and a loaded machine stretches those;
 * 6 left the compilers idle half the time), few enough to balance the end (~0.1 s of work).
 */
const AHEAD = 48;
/** Queued files per process below which one more process is not worth its start-up. */
const MIN_PER_PROCESS = 32;
/** Processes that may be started after crashes, on top of `size`. */
const RESTARTS = 3;

export class CompilerPool {
  private readonly size: number;
  private readonly queue: Entry[] = [];
  private readonly procs = new Set<Proc>();
  private readonly sets = new Set<SetState>();
  private nextId = 0;
  private starts = 0;
  private closed = false;
  private stopped: { error: unknown } | undefined;
  private readonly onAbort = () => this.stop(interruptedError(this.signal));

  /**
   * `python`: the interpreter (3.7+ for checked-hash); `size`: processes at most (default: one per
   * core, at most 4); `mode` `timestamp`: py_compile's own .pyc at each file's `out` (required).
   */
  constructor(private readonly python: string, private readonly signal?: AbortSignal, size?: number, private readonly mode: PycMode = 'checked-hash') {
    this.size = Math.max(1, size ?? Math.min(availableParallelism(), 4));
    signal?.addEventListener('abort', this.onAbort, { once: true });
  }

  /** Compile `files` (queued behind what is already queued); rejects only when aborted or stopped. */
  compile(files: PoolFile[]): Promise<CompiledSet> {
    if (this.signal?.aborted) return Promise.reject(interruptedError(this.signal));
    if (this.stopped) return Promise.reject(this.stopped.error);
    if (this.closed) return Promise.reject(new Error('the compiler pool is closed'));
    return new Promise((resolve, reject) => {
      const set: SetState = { files, pycs: new Array(files.length).fill(undefined), written: new Array(files.length).fill(undefined), left: files.length, complete: true, resolve, reject };
      if (files.length === 0) return resolve({ pycs: [], written: [], complete: true });
      this.sets.add(set);
      for (let i = 0; i < files.length; i++) this.queue.push({ set, index: i });
      this.pump();
    });
  }

  /** No more sets: idle processes end now, busy ones once their work is done. */
  close(): void {
    this.closed = true;
    for (const p of this.procs) this.endIfIdle(p);
    if (this.procs.size === 0) this.signal?.removeEventListener('abort', this.onAbort);
  }

  /** The user is done: close() when nothing is left to compile, else stop() (the processes are killed). */
  shutdown(): void {
    if (this.sets.size === 0) this.close();
    else this.stop(new Error('the compiler pool was shut down'));
  }

  /** Kill every process; every set not finished rejects with `error` once they are all gone. */
  stop(error: unknown): void {
    if (this.stopped) return;
    this.stopped = { error };
    this.closed = true;
    this.signal?.removeEventListener('abort', this.onAbort);
    this.queue.length = 0;
    for (const p of this.procs) p.child.kill('SIGKILL');
    this.settleStopped();
  }

  private settleStopped(): void {
    if (!this.stopped || this.procs.size > 0) return;
    for (const s of this.sets) s.reject(this.stopped.error);
    this.sets.clear();
  }

  private pump(): void {
    // Each process's new lines in one write (a write is a message to the relay thread, and a read for the compiler).
    const batches = new Map<Proc, string[]>();
    while (this.queue.length > 0 && !this.stopped) {
      const live = [...this.procs].filter((p) => !p.ended);
      let best: Proc | undefined;
      for (const p of live) if (p.outstanding.size < AHEAD && (!best || p.outstanding.size < best.outstanding.size)) best = p;
      // One more process when none runs, or when every one has work and enough is queued to share.
      const canStart = live.length < this.size && this.starts < this.size + RESTARTS;
      if (canStart && (live.length === 0 || (this.queue.length >= MIN_PER_PROCESS && (!best || best.outstanding.size > 0)))) best = this.start();
      if (!best) {
        // Nothing runs and nothing more may start (processes kept crashing): the rest gets no .pyc.
        if (live.length === 0) for (const entry of this.queue.splice(0)) this.answer(entry, undefined, false);
        break;
      }
      const entry = this.queue.shift()!;
      const id = this.nextId++;
      best.outstanding.set(id, entry);
      const f = entry.set.files[entry.index]!;
      const lines = batches.get(best) ?? [];
      lines.push(JSON.stringify(f.out ? [id, f.path, f.shown, f.out] : [id, f.path, f.shown]) + '\n');
      batches.set(best, lines);
    }
    for (const [p, lines] of batches) if (!this.stopped) p.child.stdin.write(lines.join(''));
    if (this.closed) for (const p of this.procs) this.endIfIdle(p);
  }

  private endIfIdle(p: Proc): void {
    if (p.ended || p.outstanding.size > 0 || this.queue.length > 0) return;
    p.ended = true;
    p.child.stdin.end();
  }

  private start(): Proc {
    this.starts++;
    // Started from a worker thread: the fork of this (big) process does not hold the host's event loop.
    const child = spawnOffThread(this.python, ['-E', '-s', '-S', '-c', TO_MEMORY_SCRIPT, this.mode], { env: { ...process.env, PYTHONIOENCODING: 'utf-8', PYTHONDONTWRITEBYTECODE: '' } });
    const proc: Proc = { child, outstanding: new Map(), ended: false };
    this.procs.add(proc);
    // The stream: "n size\n" then size bytes, "n size sec nsec sha256hex\n" (written), or "n -1\n", again and again.
    let pending: Buffer = Buffer.alloc(0);
    let bad = false;
    child.stdout.on('data', (chunk: Buffer) => {
      if (bad || this.stopped) return;
      pending = pending.length ? Buffer.concat([pending, chunk]) : chunk;
      for (;;) {
        const eol = pending.indexOf(10);
        if (eol < 0) break;
        const m = /^(\d+) (-1|\d+)(?: (\d+) (\d+) ([0-9a-f]{64}))?$/.exec(pending.toString('latin1', 0, eol));
        if (!m) {
          bad = true; // not our script's output: the process is treated as crashed
          child.kill('SIGKILL');
          return;
        }
        const size = Number(m[2]);
        const end = m[3] !== undefined ? eol + 1 : eol + 1 + Math.max(0, size);
        if (pending.length < end) break;
        const entry = proc.outstanding.get(Number(m[1]));
        proc.outstanding.delete(Number(m[1]));
        if (entry) {
          // The mtime as Node's stat computes it from the file's (sec, nsec): the same number.
          if (m[3] !== undefined) this.answer(entry, { size, hash: `sha256=${Buffer.from(m[5]!, 'hex').toString('base64url')}`, mtime: Number(m[3]) * 1000 + Number(m[4]) / 1e6 }, true);
          else this.answer(entry, size < 0 ? undefined : Buffer.from(pending.subarray(eol + 1, end)), true);
        }
        pending = pending.subarray(end);
      }
      this.pump();
    });
    const gone = () => {
      if (!this.procs.delete(proc)) return;
      if (this.closed && this.procs.size === 0) this.signal?.removeEventListener('abort', this.onAbort);
      if (this.stopped) return this.settleStopped();
      // Files it had not answered: no .pyc, and their sets are not cached (a crash, or a kill by someone else).
      for (const entry of proc.outstanding.values()) this.answer(entry, undefined, false);
      proc.outstanding.clear();
      this.pump();
    };
    child.on('error', gone);
    child.on('close', gone);
    child.stdin.on('error', () => {});
    return proc;
  }

  private answer(entry: Entry, pyc: Buffer | WrittenPyc | undefined, ok: boolean): void {
    const s = entry.set;
    if (!this.sets.has(s)) return;
    if (Buffer.isBuffer(pyc)) s.pycs[entry.index] = pyc;
    else s.written[entry.index] = pyc;
    if (!ok) s.complete = false;
    if (--s.left === 0) {
      this.sets.delete(s);
      s.resolve({ pycs: s.pycs, written: s.written, complete: s.complete });
    }
  }
}

/** Compile `files` with a pool of its own (closed when done). */
export async function compileSet(python: string, files: PoolFile[], signal?: AbortSignal): Promise<CompiledSet> {
  const pool = new CompilerPool(python, signal);
  try {
    return await pool.compile(files);
  } finally {
    pool.close();
  }
}

/** Where Python looks for the .pyc of source `py` (a .py file), as importlib.util.cache_from_source: <dir>/__pycache__/<name>.<tag>.pyc. */
export function pycPath(py: string, tag: string): string {
  return join(dirname(py), '__pycache__', `${basename(py, '.py')}.${tag}.pyc`);
}

/**
 * Timestamp .pyc (Python 3.6, which has no hash-based .pyc), each written by py_compile at its
 * file's `out` (its directories made as needed), for one env; the paths written (a source that
 * does not compile is skipped, as pip does).
 */
export async function compileTimestamp(python: string, files: (PoolFile & { out: string })[], signal?: AbortSignal): Promise<string[]> {
  const pool = new CompilerPool(python, signal, undefined, 'timestamp');
  try {
    const { written } = await pool.compile(files);
    return files.flatMap((f, i) => (written[i] ? [f.out] : []));
  } finally {
    pool.close();
  }
}
