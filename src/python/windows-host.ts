// The real WindowsHost: node:fs, and `reg.exe` / `py.exe` run asynchronously (only when discovery
// gets that far; each runs once per lookup), each with a timeout, and killed when the lookup's
// AbortSignal fires (the lookup then rejects with INTERRUPTED, named AbortError).
import { execFile } from 'node:child_process';
import { lstatSync, readdirSync, realpathSync, statSync } from 'node:fs';
import { interruptedError } from '../install/interrupted.js';
import type { WindowsHost } from './windows-candidates.js';

/** The longest a registry or launcher query may take before it is killed (and counted as absent). */
const TIMEOUT_MS = 10_000;

/**
 * `cmd args`'s standard output (found on this process's PATH, as before); undefined when it cannot
 * be run, fails, or times out. Rejects with INTERRUPTED once `signal` fires (the process killed).
 */
export function runQuery(cmd: string, args: string[], signal?: AbortSignal): Promise<string | undefined> {
  const stopped = () => interruptedError(signal, 'the search for interpreters was stopped', '');
  if (signal?.aborted) return Promise.reject(stopped());
  return new Promise((resolve, reject) => {
    execFile(cmd, args, { encoding: 'utf8', windowsHide: true, timeout: TIMEOUT_MS, killSignal: 'SIGKILL', signal, maxBuffer: 16 * 2 ** 20 }, (err, out) => {
      if (signal?.aborted) reject(stopped());
      else resolve(err ? undefined : out);
    });
  });
}

export function realWindowsHost(env: NodeJS.ProcessEnv, signal?: AbortSignal): WindowsHost {
  let launcher: Promise<string | undefined> | undefined;
  return {
    env,
    list: (dir) => {
      try {
        return readdirSync(dir);
      } catch {
        return [];
      }
    },
    isFile: (path) => {
      try {
        return statSync(path, { throwIfNoEntry: false })?.isFile() ?? false;
      } catch {
        // An app execution alias is a reparse point stat cannot follow: lstat sees it.
        return lstatSync(path, { throwIfNoEntry: false }) !== undefined;
      }
    },
    realpath: (path) => {
      try {
        return realpathSync(path);
      } catch {
        return undefined;
      }
    },
    regQuery: (key) => runQuery('reg', ['query', key, '/s'], signal),
    pyListPaths: () => (launcher ??= runQuery('py', ['--list-paths'], signal)),
  };
}
