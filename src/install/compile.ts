// Byte-compiling installed modules with the env's interpreter, in one process for all files.
import { spawn } from 'node:child_process';
import { interruptedError } from './interrupted.js';

// Reads "source<TAB>display-path" lines; writes the .pyc path of each file it compiled.
const COMPILE_SCRIPT = String.raw`
import sys, py_compile, importlib.util
for line in sys.stdin:
    line = line.rstrip("\n")
    if not line:
        continue
    src, _, shown = line.partition("\t")
    try:
        cfile = importlib.util.cache_from_source(src)
        py_compile.compile(src, cfile=cfile, dfile=shown or src, doraise=True)
    except Exception:
        continue
    sys.stdout.write(cfile + "\n")
`;

export interface CompileItem {
  /** Where the file is now (maybe staged)... */
  path: string;
  /** ...and the path tracebacks should show (its final place). */
  shown: string;
}

/** Compile `items`; resolves with the .pyc files written (failures to compile are skipped, like pip). */
export function byteCompile(python: string, items: CompileItem[], signal?: AbortSignal): Promise<string[]> {
  if (items.length === 0) return Promise.resolve([]);
  if (signal?.aborted) return Promise.reject(interruptedError(signal));
  return new Promise((resolve, reject) => {
    const child = spawn(python, ['-E', '-s', '-S', '-c', COMPILE_SCRIPT], { stdio: ['pipe', 'pipe', 'ignore'], env: { ...process.env, PYTHONIOENCODING: 'utf-8', PYTHONDONTWRITEBYTECODE: '' } });
    // Aborted: the compiler is killed, and the call rejects once it is gone.
    const onAbort = () => child.kill('SIGKILL');
    signal?.addEventListener('abort', onAbort, { once: true });
    let out = '';
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (d: string) => (out += d));
    child.on('error', (e) => (signal?.removeEventListener('abort', onAbort), reject(e)));
    child.on('close', () => {
      signal?.removeEventListener('abort', onAbort);
      if (signal?.aborted) reject(interruptedError(signal));
      else resolve(out.split('\n').filter(Boolean));
    });
    child.stdin.on('error', () => {});
    child.stdin.end(items.map((i) => `${i.path}\t${i.shown}`).join('\n') + '\n');
  });
}
