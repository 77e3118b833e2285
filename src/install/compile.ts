// Byte-compiling installed modules with the env's interpreter, in one process for all files.
import { spawn } from 'node:child_process';

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
export function byteCompile(python: string, items: CompileItem[]): Promise<string[]> {
  if (items.length === 0) return Promise.resolve([]);
  return new Promise((resolve, reject) => {
    const child = spawn(python, ['-E', '-s', '-S', '-c', COMPILE_SCRIPT], { stdio: ['pipe', 'pipe', 'ignore'], env: { ...process.env, PYTHONIOENCODING: 'utf-8', PYTHONDONTWRITEBYTECODE: '' } });
    let out = '';
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (d: string) => (out += d));
    child.on('error', reject);
    child.on('close', () => resolve(out.split('\n').filter(Boolean)));
    child.stdin.on('error', () => {});
    child.stdin.end(items.map((i) => `${i.path}\t${i.shown}`).join('\n') + '\n');
  });
}
