// Shared set-up for the pip-operations tests: a scenario index of tiny wheels, isolated pip config,
// fresh envs, and a full listing (paths, modes, hashes) of an env to prove "unchanged".
import { createHash } from 'node:crypto';
import { existsSync, lstatSync, readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { join } from 'node:path';
import { createVenv } from '../../src/venv/create.js';
import type { Venv } from '../../src/venv/types.js';

/** CPython 3.11 (else 3.12) from $PYENV_ROOT, never a shim. */
export function python3x(): string | undefined {
  const root = process.env.PYENV_ROOT || join(process.env.HOME ?? '/root', '.pyenv');
  const versions = join(root, 'versions');
  if (!existsSync(versions)) return undefined;
  for (const minor of ['3.11', '3.12']) {
    const v = readdirSync(versions).find((n) => n.startsWith(`${minor}.`));
    if (v && existsSync(join(versions, v, 'bin', 'python3'))) return join(versions, v, 'bin', 'python3');
  }
  return undefined;
}

/** The environment with pip's own settings removed (no config files, no PIP_* variables). */
export function isolatedEnv(cacheDir: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('PIP_') && k !== 'VIRTUAL_ENV') env[k] = v;
  return { ...env, PIP_CONFIG_FILE: '/dev/null', VENVKIT_CACHE_DIR: cacheDir };
}

let n = 0;
export async function freshEnv(dir: string, python: string, env: NodeJS.ProcessEnv): Promise<Venv> {
  const v = await createVenv(join(dir, `env${n++}`), { python, env, withoutPip: true });
  return v;
}

/** Every path under `root` with its kind, mode and content hash (symlinks: their target). */
export function snapshot(root: string): string[] {
  const out: string[] = [];
  const walk = (rel: string) => {
    for (const name of readdirSync(join(root, rel)).sort()) {
      const r = rel ? `${rel}/${name}` : name;
      const st = lstatSync(join(root, r));
      if (st.isSymbolicLink()) out.push(`l ${r} -> ${readlinkSync(join(root, r))}`);
      else if (st.isDirectory()) {
        out.push(`d ${r} ${(st.mode & 0o777).toString(8)}`);
        walk(r);
      } else out.push(`f ${r} ${(st.mode & 0o777).toString(8)} ${createHash('sha256').update(readFileSync(join(root, r))).digest('hex').slice(0, 16)}`);
    }
  };
  walk('');
  return out;
}

/** name==version of what an env's site-packages holds (from .dist-info names). */
export function installedSet(v: Venv): string[] {
  return readdirSync(v.paths.purelib)
    .filter((f) => f.endsWith('.dist-info'))
    .map((f) => {
      const m = /^(.+)-([^-]+)\.dist-info$/.exec(f)!;
      return `${m[1]!.replace(/[-_.]+/g, '-').toLowerCase()}==${m[2]}`;
    })
    .sort();
}
