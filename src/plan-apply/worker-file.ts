// Where the unpack worker's file is (dist/venvkit-worker.cjs), found at run time in ways bundlers
// leave alone: bundlers rewrite `import.meta.url`, `__filename` and `require.resolve` (to `{}`, to
// the build machine's path, to a module id), so each place is only a candidate, checked on disk.
import { existsSync, readFileSync, realpathSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { VenvkitError } from '../errors.js';

export const WORKER_FILE = 'venvkit-worker.cjs';

/**
 * Unpack worker threads: `false` unpacks on the calling thread (the event loop is blocked while a
 * wheel is unpacked); `{ path }` names the worker file when the host ships it elsewhere (copy
 * `require.resolve('venvkit/worker')` next to your bundle). Default: found next to venvkit's own
 * module or the main script, or in the `venvkit` package found from either (as Node resolves it).
 */
export type WorkersOption = false | { path: string };

/** The package directory of `venvkit` seen from `start`: itself (its own checkout) or under node_modules. */
function packageFrom(start: string): string | undefined {
  for (let dir = resolve(start); ; dir = dirname(dir)) {
    for (const pkg of [dir, join(dir, 'node_modules', 'venvkit')]) {
      try {
        if ((JSON.parse(readFileSync(join(pkg, 'package.json'), 'utf8')) as { name?: string }).name === 'venvkit') return pkg;
      } catch {
        // no package.json here
      }
    }
    if (dirname(dir) === dir) return undefined;
  }
}

function ownDir(): string | undefined {
  try {
    // The CJS builds define this from __filename; an ESM bundle of a CJS build may have neither.
    const url: unknown = import.meta.url;
    return typeof url === 'string' && url.startsWith('file:') ? dirname(fileURLToPath(url)) : undefined;
  } catch {
    return undefined;
  }
}

/** The worker file to start, or undefined when workers are off or none is found (unpack on this thread). */
export function workerFile(option: WorkersOption | undefined): string | undefined {
  if (option === false) return undefined;
  if (option) {
    const path = resolve(option.path);
    if (!existsSync(path)) throw new VenvkitError('BAD_PATH', `No unpack worker file at ${path} (the workers option's path)`, { hint: `Copy venvkit's dist/${WORKER_FILE} (require.resolve('venvkit/worker')) there, or pass workers: false to unpack on the calling thread.` });
    return path;
  }
  if (found === undefined) found = search() ?? null;
  return found ?? undefined;
}

let found: string | null | undefined;

function search(): string | undefined {
  const own = ownDir();
  let main: string | undefined;
  try {
    main = process.argv[1] ? dirname(realpathSync(process.argv[1])) : undefined;
  } catch {
    main = undefined;
  }
  // Next to venvkit's module (dist/), or next to the host's bundle when the host put it there.
  for (const dir of [own, main]) if (dir && existsSync(join(dir, WORKER_FILE))) return join(dir, WORKER_FILE);
  // Not from the cwd: a worker file found there (a project's node_modules) would run code the host
  // never chose, in its own process.
  for (const start of [own, main]) {
    const pkg = start && packageFrom(start);
    const file = pkg && join(pkg, 'dist', WORKER_FILE);
    if (file && existsSync(file)) return file;
  }
  return undefined;
}
