// Shared set-up for the pip-operations tests: a scenario index of tiny wheels, isolated pip config,
// fresh envs, and a full listing (paths, modes, hashes) of an env to prove "unchanged".
import { createHash } from 'node:crypto';
import { existsSync, lstatSync, readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { join } from 'node:path';
import { mkdirSync, writeFileSync } from 'node:fs';
import { createVenv } from '../../src/venv/create.js';
import { metadataText } from '../helpers/index-server.js';
import { buildWheel } from '../helpers/wheels.js';
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

/** The scenario index's files (tiny wheels with real RECORDs, one sdist, one hostile wheel) in `files`. */
export function writeScenarioWheels(files: string): void {
  mkdirSync(files, { recursive: true });
  const w = (name: string, version: string, requires: string[] = [], more: { extras?: string[]; requiresPython?: string; tag?: string; console?: Record<string, string> } = {}) => {
    const mod = name.replace(/[-.]+/g, '_').toLowerCase();
    buildWheel(files, {
      name, version, tag: more.tag, console: more.console,
      metadata: metadataText({ name, version, requires, extras: more.extras, requiresPython: more.requiresPython }),
      files: { [`${mod}/__init__.py`]: `__version__ = ${JSON.stringify(version)}\n\ndef main():\n    print(__name__, __version__)\n` },
    });
  };
  // backtracking: app 2.0 cannot be used (lib>=2 needs util>=1, app 2.0 needs util<1)
  w('app', '1.0', ['lib>=1']);
  w('app', '2.0', ['lib>=2', 'util<1']);
  w('lib', '1.0');
  w('lib', '2.0', ['util>=1']);
  w('util', '0.9');
  w('util', '1.0');
  // extras, directly and from a dependency
  w('web', '1.0', ['speedup; extra == "fast"'], { extras: ['fast'] });
  w('speedup', '1.0');
  w('site', '1.0', ['web[fast]>=1']);
  // markers for the target interpreter
  w('mk', '1.0', ['onlyold; python_version < "3.0"', 'onlynew; python_version >= "3.0"']);
  w('onlynew', '1.0');
  // Requires-Python, yanked, pre-releases, epochs, local versions
  w('rp', '1.0');
  w('rp', '2.0', [], { requiresPython: '>=3.99' });
  w('yk', '1.0');
  w('yk', '2.0');
  w('pr', '1.0');
  w('pr', '2.0b1');
  w('ep', '5.0');
  w('ep', '1!1.0');
  w('loc', '1.0');
  w('loc', '1.0+local.1');
  // conflicts
  w('conflict-a', '1.0', ['shared<1']);
  w('conflict-b', '1.0', ['shared>=2']);
  w('shared', '0.5');
  w('shared', '2.0');
  // names
  w('Foo.Bar', '1.0');
  // kept vs upgraded
  w('keep', '1.0');
  w('keep', '2.0');
  w('usekeep', '1.0', ['keep']);
  // cycles
  w('cyc-a', '1.0', ['cyc-b']);
  w('cyc-b', '1.0', ['cyc-a']);
  // only a source distribution
  writeFileSync(join(files, 'srconly-1.0.tar.gz'), 'not a real sdist');
  // tag preference: a more specific wheel wins
  w('tagged', '1.0', [], { tag: 'py2.py3-none-any' });
  // a wheel that tries to write outside the env
  buildWheel(files, { name: 'evil', version: '1.0', extra: [{ name: '../../evil.py', data: 'x = 1\n' }] });
  w('tool', '1.0', [], { console: { 'vk-tool': 'tool:main' } });
  w('needsevil', '1.0', ['evil', 'keep==2.0']);
}
