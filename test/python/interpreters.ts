// The real interpreters of this machine, for discovery tests: pyenv's versions and Debian's pypy3.
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';

export const PYENV_ROOT = process.env.PYENV_ROOT || join(homedir(), '.pyenv');

export interface RealPython { name: string; dir: string; exe: string; version: number[] }

/** pyenv's installed CPython versions (not virtualenvs), with their interpreter. */
export function pyenvPythons(): RealPython[] {
  const versions = join(PYENV_ROOT, 'versions');
  if (!existsSync(versions)) return [];
  return readdirSync(versions)
    .filter((n) => /^\d+\.\d+\.\d+$/.test(n) && !existsSync(join(versions, n, 'pyvenv.cfg')))
    .map((name) => {
      const dir = join(versions, name);
      const exe = ['python3', 'python'].map((x) => join(dir, 'bin', x)).find((p) => existsSync(p))!;
      return { name, dir, exe, version: name.split('.').map(Number) };
    })
    .filter((p) => p.exe);
}

export const PYPY = ['/usr/bin/pypy3'].find((p) => existsSync(p));

/** Skip (or, under CI where it is installed, fail) when pypy3 is missing. */
export function needPypy(t: { skip: (msg: string) => void }): string | undefined {
  if (PYPY) return PYPY;
  if (process.env.CI === 'true') throw new Error('pypy3 is missing, but CI installs it (Debian package pypy3)');
  t.skip('pypy3 is not installed');
  return undefined;
}

/** A temp dir removed at exit. */
export function tempDir(tag: string): string {
  const dir = mkdtempSync(join(tmpdir(), `venvkit-${tag}-`));
  process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** A small, predictable environment: no pyenv shims on PATH, HOME and the cache in `tmp`. */
export function baseEnv(tmp: string, extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return {
    PATH: '/usr/local/bin:/usr/bin:/bin',
    HOME: join(tmp, 'home'),
    PYENV_ROOT,
    VENVKIT_CACHE_DIR: join(tmp, 'cache'),
    ...extra,
  };
}
