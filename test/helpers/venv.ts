// Shared set-up for the environment tests: the real interpreters on this machine, temp dirs, a
// private probe cache, and a normalised description of an env's tree (for comparing with `python -m venv`).
import { existsSync, lstatSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface Interp { name: string; path: string; version: string }

/** CPython 3.6+ from $PYENV_ROOT/versions and /usr/bin/pypy3 (never the pyenv shims). */
export function interpreters(): Interp[] {
  const out: Interp[] = [];
  const root = process.env.PYENV_ROOT || join(process.env.HOME ?? '/root', '.pyenv');
  const versions = join(root, 'versions');
  if (existsSync(versions)) {
    for (const v of readdirSync(versions)) {
      const m = /^3\.(\d+)\.\d+$/.exec(v);
      const path = join(versions, v, 'bin', 'python3');
      if (m && Number(m[1]) >= 6 && existsSync(path)) out.push({ name: `cpython-${v}`, path, version: v });
    }
  }
  out.sort((a, b) => Number(a.version.split('.')[1]) - Number(b.version.split('.')[1]));
  if (existsSync('/usr/bin/pypy3')) out.push({ name: 'pypy3', path: '/usr/bin/pypy3', version: 'pypy' });
  else if (process.env.CI === 'true') throw new Error('/usr/bin/pypy3 is missing, and CI installs it (apt-get install pypy3)');
  else console.log('# skip: /usr/bin/pypy3 not installed: PyPy is not covered');
  return out;
}

/** The Python 2 interpreter, if there is one. */
export function python2(): string | undefined {
  const root = process.env.PYENV_ROOT || join(process.env.HOME ?? '/root', '.pyenv');
  const versions = join(root, 'versions');
  if (!existsSync(versions)) return undefined;
  const v = readdirSync(versions).find((n) => /^2\.\d+\.\d+$/.test(n));
  return v ? join(versions, v, 'bin', 'python') : undefined;
}

export function tempDir(tag: string): string {
  return mkdtempSync(join(tmpdir(), `venvkit-${tag}-`));
}

export function removeDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}

/** The env vars tests run venvkit with: a private cache dir. */
export function testEnv(cacheDir: string): NodeJS.ProcessEnv {
  return { ...process.env, VENVKIT_CACHE_DIR: cacheDir };
}

const EXCLUDED = /^(bin|Scripts)\/(activate.*|Activate\.ps1|deactivate\.bat|pydoc\.bat)$|^lib\/[^/]+\/site-packages\/.|^bin\/(pip.*|easy_install.*)$/;

/**
 * The env's tree, one line a path: `d path`, `f path [x]`, `l path -> target`; `root` replaced by
 * <ENV>, pyvenv.cfg and .gitignore contents appended. Activators and seeded packages are left out.
 */
export function describeTree(root: string): string[] {
  const lines: string[] = [];
  const walk = (rel: string) => {
    const abs = rel ? join(root, rel) : root;
    for (const name of readdirSync(abs).sort()) {
      const r = rel ? `${rel}/${name}` : name;
      if (EXCLUDED.test(r)) continue;
      const st = lstatSync(join(root, r));
      if (st.isSymbolicLink()) lines.push(`l ${r} -> ${readlinkSync(join(root, r)).split(root).join('<ENV>')}`);
      else if (st.isDirectory()) {
        lines.push(`d ${r}`);
        walk(r);
      } else lines.push(`f ${r}${st.mode & 0o111 ? ' x' : ''}`);
    }
  };
  walk('');
  for (const f of ['pyvenv.cfg', '.gitignore']) {
    if (existsSync(join(root, f))) for (const line of readFileSync(join(root, f), 'utf8').split('\n')) lines.push(`${f}: ${line.split(root).join('<ENV>')}`);
  }
  return lines;
}
