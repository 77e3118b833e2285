// Describe one directory as an environment or installation from its files alone (pyvenv.cfg,
// conda-meta, the directory's name, the probe cache): nothing here starts Python.
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { basename, dirname, join, sep } from 'node:path';
import { readCachedInfo } from '../python/probe.js';
import { cfgVersion, parsePyvenvCfg, unquotePrompt } from '../venv/pyvenv-cfg.js';
import type { PyvenvCfg } from '../venv/types.js';
import { type LocationContext, hatchDir, pipenvDirs, poetryDir, pyenvRootOf, uvPythonsDir, workonHome } from './locations.js';
import type { EnvironmentKind, FoundEnvironment } from './types.js';

export interface DescribeContext extends LocationContext {}

export function readCfg(dir: string): PyvenvCfg | undefined {
  try {
    return parsePyvenvCfg(readFileSync(join(dir, 'pyvenv.cfg'), 'utf8'));
  } catch {
    return undefined;
  }
}

const under = (path: string, dir: string) => path.startsWith(dir.endsWith(sep) ? dir : dir + sep);

/** The tool a virtual environment belongs to: by where it lives, then by what pyvenv.cfg says made it. */
export function venvKind(dir: string, cfg: PyvenvCfg, c: LocationContext): EnvironmentKind {
  const parent = dirname(dir);
  if (under(dir, join(pyenvRootOf(c), 'versions'))) return 'pyenv-virtualenv';
  if (parent === poetryDir(c)) return 'poetry';
  if (under(dir, hatchDir(c))) return 'hatch';
  if (isPipenv(dir, parent, c)) return 'pipenv';
  if (parent === workonHome(c)) return 'virtualenvwrapper';
  if (cfg.uv !== undefined) return 'uv';
  if (cfg.virtualenv !== undefined) return 'virtualenv';
  return 'venv';
}

/** pipenv's own directory, or a `.project` file naming a directory with a Pipfile (virtualenvwrapper writes .project too). */
function isPipenv(dir: string, parent: string, c: LocationContext): boolean {
  const dirs = pipenvDirs(c);
  if (parent === dirs[dirs.length - 1]) return true;
  try {
    const project = readFileSync(join(dir, '.project'), 'utf8').trim();
    return project !== '' && existsSync(join(project, 'Pipfile'));
  } catch {
    return false;
  }
}

/** The interpreter inside a prefix: bin/python3, bin/python, Scripts\python.exe, python.exe. */
export function interpreterIn(prefix: string, c: LocationContext): string | undefined {
  const names = c.platform === 'win32'
    ? [join(prefix, 'Scripts', 'python.exe'), join(prefix, 'python.exe')]
    : [join(prefix, 'bin', 'python3'), join(prefix, 'bin', 'python'), join(prefix, 'bin', 'pypy3')];
  return names.find((p) => existsSync(p));
}

/** conda records python as conda-meta/python-3.12.1-<build>.json. */
function condaPythonVersion(prefix: string): string | undefined {
  try {
    for (const n of readdirSync(join(prefix, 'conda-meta'))) {
      const m = /^python-(\d+\.\d+\.\d+[^-]*)-.*\.json$/.exec(n);
      if (m) return m[1];
    }
  } catch {
    // none
  }
  return undefined;
}

/** "cpython-3.12.1-linux-x86_64-gnu" (uv), "3.12.1", "pypy3.10-7.3.15" (pyenv): implementation and version. */
export function versionFromName(name: string): { version?: string; implementation?: string } {
  const uv = /^(cpython|pypy|graalpy)-(\d+\.\d+\.\d+[a-z0-9]*)/.exec(name);
  if (uv) return { implementation: uv[1], version: uv[2] };
  const pypy = /^pypy(\d+\.\d+)/.exec(name);
  if (pypy) return { implementation: 'pypy', version: pypy[1] };
  const plain = /^(\d+\.\d+(?:\.\d+)?[a-z0-9]*)$/.exec(name);
  if (plain) return { implementation: 'cpython', version: plain[1] };
  return {};
}

function fromCache(exe: string | undefined, env: NodeJS.ProcessEnv): { version?: string; implementation?: string } {
  const info = exe ? readCachedInfo(exe, env) : undefined;
  return info ? { version: info.versionString, implementation: info.implementation } : {};
}

/** A virtual environment (pyvenv.cfg) at `dir`. */
export function describeVenv(dir: string, cfg: PyvenvCfg, c: LocationContext): FoundEnvironment {
  const executable = interpreterIn(dir, c);
  const v = cfgVersion(cfg);
  const raw = cfg.version_info ?? cfg.version;
  let version = raw && /^\d+\.\d+\.\d+/.test(raw) ? /^\d+\.\d+\.\d+[a-z0-9]*/.exec(raw)![0] : v ? v.join('.') : undefined;
  // venv writes no implementation: PyPy's home or interpreter says pypy; else CPython once the version is known.
  let implementation = cfg.implementation ? cfg.implementation.toLowerCase() : /pypy/i.test(`${cfg.home ?? ''} ${executable ?? ''}`) || existsSync(join(dir, 'bin', 'pypy3')) ? 'pypy' : undefined;
  if (!version) {
    const cached = fromCache(executable, c.env);
    version ??= cached.version;
    implementation ??= cached.implementation;
  }
  return { kind: venvKind(dir, cfg, c), prefix: dir, executable, version, implementation: implementation ?? (version ? 'cpython' : undefined), name: cfg.prompt ? unquotePrompt(cfg.prompt) : basename(dir), isVirtual: true };
}

/** An installation (no pyvenv.cfg): conda, pyenv, uv-python or system, by its files and location. */
export function describeInstall(dir: string, c: LocationContext): FoundEnvironment | undefined {
  const executable = interpreterIn(dir, c);
  if (existsSync(join(dir, 'conda-meta'))) {
    const version = condaPythonVersion(dir) ?? fromCache(executable, c.env).version;
    // A conda base install has condabin/ (or conda-meta/history without being under envs/): not "virtual".
    const isVirtual = !existsSync(join(dir, 'condabin')) && basename(dirname(dir)) === 'envs';
    return { kind: 'conda', prefix: dir, executable, version, implementation: version ? 'cpython' : undefined, name: basename(dir), isVirtual };
  }
  if (!executable) return undefined;
  let kind: EnvironmentKind = 'system';
  let named: { version?: string; implementation?: string } = {};
  if (dirname(dir) === join(pyenvRootOf(c), 'versions')) {
    kind = 'pyenv';
    named = versionFromName(basename(dir));
  } else if (dirname(dir) === uvPythonsDir(c)) {
    kind = 'uv-python';
    named = versionFromName(basename(dir));
  }
  const cached = fromCache(executable, c.env);
  return { kind, prefix: dir, executable, version: cached.version ?? named.version, implementation: cached.implementation ?? named.implementation, name: basename(dir), isVirtual: false };
}

/** Describe whatever `dir` is: a venv, a conda env, an installation; undefined if none. */
export function describeDir(dir: string, c: LocationContext): FoundEnvironment | undefined {
  const cfg = readCfg(dir);
  return cfg ? describeVenv(dir, cfg, c) : describeInstall(dir, c);
}
