// The real WindowsHost: node:fs, and `reg.exe` / `py.exe` run synchronously (only when discovery
// gets that far; each runs once per lookup).
import { execFileSync } from 'node:child_process';
import { lstatSync, readdirSync, realpathSync, statSync } from 'node:fs';
import type { WindowsHost } from './windows-candidates.js';

function run(cmd: string, args: string[]): string | undefined {
  try {
    return execFileSync(cmd, args, { encoding: 'utf8', windowsHide: true, timeout: 10_000, stdio: ['ignore', 'pipe', 'ignore'] });
  } catch {
    return undefined;
  }
}

export function realWindowsHost(env: NodeJS.ProcessEnv): WindowsHost {
  let launcher: string | undefined | null = null;
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
    regQuery: (key) => run('reg', ['query', key, '/s']),
    pyListPaths: () => {
      if (launcher === null) launcher = run('py', ['--list-paths']);
      return launcher;
    },
  };
}
