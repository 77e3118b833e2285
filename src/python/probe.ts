import { realpathSync, statSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import { readOwnText, usableCacheDir } from '../cache/trust.js';
import { cacheKey, writeFileAtomic } from '../cache/atomic.js';
import { VenvkitError, errnoCode } from '../errors.js';
import { PROBE_SCRIPT } from './probe-script.js';
import { interruptedError, throwIfInterrupted } from '../install/interrupted.js';
import type { InterpreterInfo } from './types.js';

// 4: prefix/execPrefix are the environment root for an interpreter inside a venv.
const CACHE_VERSION = 4;

export interface ProbeOptions {
  /** Skip the on-disk cache (always run the interpreter). */
  noCache?: boolean;
  /** Give up after this many ms (default 15000, or $VENVKIT_PROBE_TIMEOUT). */
  timeoutMs?: number;
  env?: NodeJS.ProcessEnv;
  /** The realpath of `path`, when the caller has just resolved it (saves walking it again). */
  realPath?: string;
  /** Stops the probe: the interpreter is killed, and the call rejects with INTERRUPTED. */
  signal?: AbortSignal;
  /** Told whether the facts came from the cache (no process started) or from running the interpreter. */
  onProbed?: (cached: boolean) => void;
}

function stampOf(realPath: string): InterpreterInfo['stamp'] {
  const st = statSync(realPath);
  return { mtimeMs: st.mtimeMs, size: st.size, ino: st.ino };
}

/** The cache file for `path`, or undefined when the cache may not be used (cache/trust.ts). */
function cacheFile(path: string, env: NodeJS.ProcessEnv): string | undefined {
  const dir = usableCacheDir('interpreters', env);
  return dir && join(dir, `${cacheKey(path)}.json`);
}

/**
 * Facts this process has read or probed, by cache file. They are valid under the same rule as the
 * disk cache (the interpreter file unchanged), so a program that creates many environments reads
 * and parses each interpreter's cache file once.
 */
const known = new Map<string, InterpreterInfo>();

function unchanged(info: InterpreterInfo, path: string, realPath: string): boolean {
  if (info.path !== path || info.realPath !== realPath) return false;
  const now = stampOf(realPath);
  const then = info.stamp;
  return now.mtimeMs === then.mtimeMs && now.size === then.size && now.ino === then.ino;
}

/** The cached facts for `path` if the interpreter file has not changed since they were taken. */
export function readCachedInfo(path: string, env: NodeJS.ProcessEnv = process.env, knownRealPath?: string): InterpreterInfo | undefined {
  let realPath: string;
  try {
    realPath = knownRealPath ?? realpathSync(path);
  } catch {
    return undefined;
  }
  const file = cacheFile(path, env);
  if (!file) return undefined;
  try {
    const remembered = known.get(file);
    if (remembered && unchanged(remembered, path, realPath)) return remembered;
    const data = JSON.parse(readOwnText(file) ?? '') as { v: number; info: InterpreterInfo };
    if (data.v !== CACHE_VERSION || !unchanged(data.info, path, realPath)) return undefined;
    known.set(file, data.info);
    return data.info;
  } catch {
    return undefined;
  }
}

async function run(path: string, timeoutMs: number, env: NodeJS.ProcessEnv, signal?: AbortSignal): Promise<string> {
  // Loaded here, not at the top: a cached lookup (the common case) never starts a process.
  const { execFile } = await import('node:child_process');
  // -E -s -S: ignore PYTHON* variables, user site and site.py (also parse on Python 2, unlike -I).
  const childEnv = { ...env, PYTHONIOENCODING: 'utf-8' };
  return new Promise((resolvePromise, reject) => {
    // With `signal`, Node kills the child (SIGKILL) when it aborts, and removes its listener when the child exits.
    execFile(path, ['-E', '-s', '-S', '-c', PROBE_SCRIPT], { timeout: timeoutMs, env: childEnv, maxBuffer: 4 << 20, killSignal: 'SIGKILL', ...(signal ? { signal } : {}) }, (err, stdout, stderr) => {
      if (err) {
        const e = err as NodeJS.ErrnoException & { killed?: boolean };
        if (signal?.aborted) {
          reject(interruptedError(signal, `the probe of ${path} was stopped`, ''));
        } else if (e.killed) {
          reject(new VenvkitError('PYTHON_BROKEN', `The interpreter ${path} did not answer within ${timeoutMs} ms`, { hint: 'Check that it runs: try `' + path + ' -c pass`, or pick another with the `python` option.' }));
        } else if (errnoCode(e) === 'ENOENT') {
          reject(new VenvkitError('PYTHON_NOT_FOUND', `No interpreter at ${path}`, { hint: 'Run `venvkit python list` to see the interpreters found.' }));
        } else if (errnoCode(e) === 'EACCES') {
          reject(new VenvkitError('PYTHON_BROKEN', `${path} is not executable`, { hint: 'Give a path to a Python interpreter, or pick one with `venvkit python list`.' }));
        } else {
          const detail = String(stderr).trim().split('\n').slice(-3).join('\n');
          reject(new VenvkitError('PYTHON_BROKEN', `The interpreter ${path} failed to run${detail ? `:\n${detail}` : ''}`, { hint: 'Check the installation, or pick another interpreter with the `python` option.', cause: err }));
        }
        return;
      }
      resolvePromise(stdout);
    });
  });
}

/**
 * Facts about the interpreter at `path`, from the disk cache when the file is unchanged, else from
 * one run of the interpreter. Throws PYTHON_BROKEN / PYTHON_NOT_FOUND. Does not judge the version.
 */
export async function probeInterpreter(path: string, options: ProbeOptions = {}): Promise<InterpreterInfo> {
  const env = options.env ?? process.env;
  const abs = isAbsolute(path) ? path : resolve(path);
  throwIfInterrupted(options.signal, `${abs} was not probed`, '');
  if (!options.noCache) {
    const cached = readCachedInfo(abs, env, options.realPath);
    if (cached) {
      options.onProbed?.(true);
      return cached;
    }
  }
  let realPath: string;
  try {
    realPath = realpathSync(abs);
  } catch (e) {
    throw new VenvkitError('PYTHON_NOT_FOUND', `No interpreter at ${abs}`, { hint: 'Run `venvkit python list` to see the interpreters found.', cause: e });
  }
  const stamp = stampOf(realPath);
  const timeoutMs = options.timeoutMs ?? (Number(env.VENVKIT_PROBE_TIMEOUT) || 15000);
  const stdout = await run(abs, timeoutMs, env, options.signal);
  options.onProbed?.(false);
  let raw: Omit<InterpreterInfo, 'path' | 'realPath' | 'stamp'>;
  try {
    raw = JSON.parse(stdout);
  } catch (e) {
    throw new VenvkitError('PYTHON_BROKEN', `The interpreter ${abs} answered with something that is not venvkit's probe output`, { hint: 'Is this really a Python interpreter? Pick another with the `python` option.', cause: e });
  }
  const info: InterpreterInfo = { ...raw, path: abs, realPath, stamp };
  const file = cacheFile(abs, env);
  if (file) {
    known.set(file, info);
    try {
      writeFileAtomic(file, JSON.stringify({ v: CACHE_VERSION, info }));
    } catch {
      // A read-only cache only costs speed.
    }
  }
  return info;
}
