// Byte-compiling modules with an env's interpreter, in one process for all files.
import { statSync } from 'node:fs';
import type { Writable } from 'node:stream';
import { availableParallelism } from 'node:os';
import { interruptedError } from './interrupted.js';
import { Turns } from './turns.js';
import { spawnOffThread } from './spawn-off-thread.js';

// Reads one JSON [source, display path, .pyc path or ""] per line; writes the .pyc path of each
// file it compiled. argv[1]: the PEP 552 invalidation mode ("" = py_compile's default: timestamp).
const COMPILE_SCRIPT = String.raw`
import sys, json, py_compile, importlib.util
kw = {}
if len(sys.argv) > 1 and sys.argv[1]:
    kw["invalidation_mode"] = getattr(py_compile.PycInvalidationMode, sys.argv[1])
for line in sys.stdin:
    if not line.strip():
        continue
    src, shown, cfile = json.loads(line)
    try:
        cfile = cfile or importlib.util.cache_from_source(src)
        py_compile.compile(src, cfile=cfile, dfile=shown or src, doraise=True, **kw)
    except Exception:
        continue
    sys.stdout.write(json.dumps(cfile) + "\n")
`;

export interface CompileItem {
  /** Where the file is now (maybe staged)... */
  path: string;
  /** ...and the path tracebacks should show (its final place). */
  shown: string;
  /** Where the .pyc goes (default: beside the source, in __pycache__). */
  cfile?: string;
}

/**
 * PEP 552 invalidation modes: `timestamp` records the source's mtime and size; `checked-hash`
 * records a hash of the source, checked on every import (Python 3.7+).
 */
export type PycMode = 'timestamp' | 'checked-hash';

/** Files per process below which one more process is not worth its start-up. */
const MIN_PER_PROCESS = 64;

/**
 * Compile `items`; resolves with the .pyc files written (failures to compile are skipped, like pip).
 * Large sets are split over one process per CPU (at most 4), balanced by source size.
 */
export async function byteCompile(python: string, items: CompileItem[], signal?: AbortSignal): Promise<string[]> {
  return (await byteCompileAll(python, items, { signal })).written;
}

/** byteCompile, also telling whether every compiler process ran to its end (not killed, not crashed). */
export async function byteCompileAll(python: string, items: CompileItem[], options: { mode?: PycMode; signal?: AbortSignal } = {}): Promise<{ written: string[]; complete: boolean }> {
  const { mode = 'timestamp', signal } = options;
  const runs = await inGroups(items, signal, (group) => compileIn(python, group, mode, signal));
  return { written: runs.flatMap((r) => r.written), complete: runs.every((r) => r.complete) };
}

/**
 * Run `compile` over `items`: large sets are split over one process per CPU (at most 4),
 * balanced by source size.
 */
async function inGroups<T extends CompileItem, R>(items: T[], signal: AbortSignal | undefined, compile: (group: T[]) => Promise<R>): Promise<R[]> {
  if (items.length === 0) return [];
  if (signal?.aborted) throw interruptedError(signal);
  const n = Math.max(1, Math.min(availableParallelism(), 4, Math.floor(items.length / MIN_PER_PROCESS)));
  if (n === 1) return [await compile(items)];
  const size = (p: string) => {
    try {
      return statSync(p).size;
    } catch {
      return 0;
    }
  };
  // Thousands of stats, then a process start each (a fork of this process): the event loop gets a
  // turn every few ms and between the starts (turns.ts).
  const turns = new Turns();
  const sized: { item: T; bytes: number }[] = [];
  for (const item of items) {
    if ((sized.length & 63) === 0) await turns.give();
    sized.push({ item, bytes: size(item.path) });
  }
  const groups: { items: T[]; bytes: number }[] = Array.from({ length: n }, () => ({ items: [], bytes: 0 }));
  for (const { item, bytes } of sized.sort((a, b) => b.bytes - a.bytes)) {
    const g = groups.reduce((min, x) => (x.bytes < min.bytes ? x : min));
    g.items.push(item);
    g.bytes += bytes + 4096;
  }
  const started: Promise<R>[] = [];
  for (const g of groups) {
    await new Promise<void>((r) => setImmediate(r));
    if (signal?.aborted) break; // those started are killed by the abort
    const run = compile(g.items);
    run.catch(() => {}); // seen by Promise.all below, not unhandled meanwhile
    started.push(run);
  }
  const runs = await Promise.all(started);
  if (signal?.aborted) throw interruptedError(signal);
  return runs;
}

function compileIn(python: string, items: CompileItem[], mode: PycMode, signal?: AbortSignal): Promise<{ written: string[]; complete: boolean }> {
  let out = '';
  const lines = items.map((c) => JSON.stringify([c.path, c.shown, c.cfile ?? '']));
  return runCompiler(python, [COMPILE_SCRIPT, mode === 'checked-hash' ? 'CHECKED_HASH' : ''], lines, (d) => (out += d.toString('utf8')), signal).then((complete) => {
    // A line cut short by a kill is not a file written.
    const done = out.split('\n');
    if (!out.endsWith('\n')) done.pop();
    return { written: done.filter(Boolean).map((l) => JSON.parse(l) as string), complete };
  });
}

/** Run a compiler script over `lines` (its stdin); resolves whether it ran to its end (exit 0). */
function runCompiler(python: string, args: string[], lines: string[], onData: (d: Buffer) => void, signal?: AbortSignal): Promise<boolean> {
  return new Promise((resolve, reject) => {
    // Started from a worker thread: the fork of this (big) process does not hold the host's event loop.
    const child = spawnOffThread(python, ['-E', '-s', '-S', '-c', ...args], { env: { ...process.env, PYTHONIOENCODING: 'utf-8', PYTHONDONTWRITEBYTECODE: '' } });
    // Aborted: the compiler is killed, and the call rejects once it is gone.
    const onAbort = () => child.kill('SIGKILL');
    signal?.addEventListener('abort', onAbort, { once: true });
    let bad: unknown;
    child.stdout.on('data', (d: Buffer) => {
      if (bad) return;
      try {
        onData(d);
      } catch (e) {
        bad = e;
        child.kill('SIGKILL');
      }
    });
    child.on('error', (e) => (signal?.removeEventListener('abort', onAbort), reject(e)));
    child.on('close', (code) => {
      signal?.removeEventListener('abort', onAbort);
      if (signal?.aborted) return reject(interruptedError(signal));
      if (bad) return reject(bad);
      resolve(code === 0);
    });
    child.stdin.on('error', () => {});
    void feed(child.stdin, lines);
  });
}

/** Write the items to the compiler's stdin a slice at a time, with event-loop turns between (thousands of lines). */
async function feed(stdin: Writable, lines: string[]): Promise<void> {
  const turns = new Turns();
  for (let i = 0; i < lines.length; i += 256) {
    await turns.give();
    if (stdin.destroyed) return;
    stdin.write(lines.slice(i, i + 256).join('\n') + '\n');
  }
  stdin.end();
}
