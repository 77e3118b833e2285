// openVenv: read an existing environment (pyvenv.cfg, its base interpreter, its install paths).
import { readdirSync, readFileSync, readlinkSync, statSync } from 'node:fs';
import { envRootOfInterpreter } from '../environments/interpreter-root.js';
import { basename, isAbsolute, join, posix, resolve, win32 } from 'node:path';
import { VenvkitError, errnoCode } from '../errors.js';
import { probeInterpreter, readCachedInfo } from '../python/probe.js';
import type { InterpreterInfo } from '../python/types.js';
import { recoverInterrupted } from './inplace.js';
import { venvPaths } from './layout.js';
import { cfgVersion, parsePyvenvCfg, unquotePrompt } from './pyvenv-cfg.js';
import type { PyvenvCfg, Venv } from './types.js';

export interface OpenOptions {
  env?: NodeJS.ProcessEnv;
  /** Run the base interpreter when its facts are not cached (default true). false: cache only. */
  probe?: boolean;
}

/**
 * Read `<root>/pyvenv.cfg`, or throw VENV_NOT_FOUND / NOT_A_VENV. A create killed half-way (an env set
 * aside by --clear, or changed in place) is first finished or rolled back, as the next create would.
 */
export function readVenvCfg(root: string, recover = true): PyvenvCfg {
  try {
    return parsePyvenvCfg(readFileSync(join(root, 'pyvenv.cfg'), 'utf8'));
  } catch (e) {
    const code = errnoCode(e);
    if (recover && code === 'ENOENT' && recoverInterrupted(root)) return readVenvCfg(root, false);
    if (code === 'ENOENT' || code === 'ENOTDIR' || code === 'EISDIR') {
      let exists = true;
      try {
        readlinkSync(root);
      } catch (e2) {
        if (errnoCode(e2) === 'ENOENT') exists = false;
      }
      if (!exists) throw new VenvkitError('VENV_NOT_FOUND', `No environment at ${root}`, { hint: `Create one with \`venvkit create ${root}\`.`, cause: e });
      throw new VenvkitError('NOT_A_VENV', `${root} is not a virtual environment (it has no pyvenv.cfg)`, { hint: `Create one with \`venvkit create ${root}\`, or point at an environment's directory.`, cause: e });
    }
    throw new VenvkitError('NOT_A_VENV', `Cannot read ${join(root, 'pyvenv.cfg')}: ${(e as Error).message}`, { cause: e });
  }
}

const looksWindows = (cfg: PyvenvCfg) => /^[A-Za-z]:[\\/]|^\\\\/.test(cfg.home ?? '');

/** Follow the env's own interpreter links (bin/python -> python3 -> /abs/base) to the absolute path venv linked to. */
function linkedBase(scripts: string): string | undefined {
  for (const start of ['python', 'python3', 'pypy3']) {
    let name = join(scripts, start);
    for (let hop = 0; hop < 4; hop++) {
      let target: string;
      try {
        target = readlinkSync(name);
      } catch {
        break;
      }
      if (isAbsolute(target)) return target;
      name = join(scripts, target);
    }
  }
  return undefined;
}

/** Candidate paths of the base interpreter, most exact first. */
export function baseCandidates(root: string, cfg: PyvenvCfg, windows: boolean): string[] {
  const out: string[] = [];
  if (!windows) {
    const linked = linkedBase(join(root, 'bin'));
    if (linked) out.push(linked);
  }
  if (cfg.executable) out.push(cfg.executable);
  if (cfg.base_executable) out.push(cfg.base_executable);
  const home = cfg.home;
  if (home) {
    const p = windows ? win32 : posix;
    const v = cfgVersion(cfg);
    const names = windows ? ['python.exe', 'pypy3.exe', 'pypy.exe'] : ['python3', ...(v ? [`python${v[0]}.${v[1]}`, `pypy${v[0]}.${v[1]}`] : []), 'python', 'pypy3', 'pypy'];
    for (const n of names) out.push(p.join(home, n));
  }
  return [...new Set(out)];
}

/** Does this interpreter match what the env was made with (implementation unknown in cfg: version only)? */
export function sameMinor(info: InterpreterInfo, cfg: PyvenvCfg): boolean {
  const v = cfgVersion(cfg);
  return !v || (info.version[0] === v[0] && info.version[1] === v[1]);
}

/** The base interpreter's facts: cached if any candidate is, else one probe (unless probe: false). */
export async function findBase(root: string, cfg: PyvenvCfg, windows: boolean, options: OpenOptions = {}): Promise<InterpreterInfo | undefined> {
  const env = options.env ?? process.env;
  const candidates = baseCandidates(root, cfg, windows);
  for (const c of candidates) {
    const hit = readCachedInfo(c, env);
    if (hit) return hit;
  }
  if (options.probe === false) return undefined;
  for (const c of candidates) {
    try {
      return await probeInterpreter(c, { env });
    } catch (e) {
      if (!(e instanceof VenvkitError) || e.code !== 'PYTHON_NOT_FOUND') return undefined;
    }
  }
  return undefined;
}

/** Without a live base: PyPy if the cfg says so (virtualenv, uv write `implementation`) or the env has lib/pypyX.Y. */
function guessImplementation(root: string, cfg: PyvenvCfg, windows: boolean): string {
  if (/pypy/i.test(`${cfg.implementation ?? ''} ${cfg.home ?? ''}`)) return 'pypy';
  if (windows) return 'cpython';
  try {
    return readdirSync(join(root, 'lib')).some((n) => n.startsWith('pypy')) ? 'pypy' : 'cpython';
  } catch {
    return 'cpython';
  }
}

/** An environment's directory, or the one an interpreter path (bin/python, a link to it) belongs to. */
function envRoot(path: string): string {
  const abs = resolve(path);
  if (statSync(abs, { throwIfNoEntry: false })?.isFile() !== true) return abs;
  const found = envRootOfInterpreter(abs);
  if (!found) {
    throw new VenvkitError('NOT_A_VENV', `${abs} is not inside a virtual environment (no pyvenv.cfg next to it or one level up)`, {
      hint: 'Give an environment directory, or the interpreter of one (ENV/bin/python).',
    });
  }
  return found.root;
}

/** Describe the environment at `dir` (its directory, or its interpreter's path): pyvenv.cfg, base interpreter (when found), install paths. */
export async function openVenv(dir: string, options: OpenOptions = {}): Promise<Venv> {
  const root = envRoot(dir);
  const cfg = readVenvCfg(root);
  const windows = process.platform === 'win32' || looksWindows(cfg);
  const base = await findBase(root, cfg, windows, options);
  // Lay out by the base only when it is still the version the env was made for; else per-version defaults.
  const facts = base && sameMinor(base, cfg) ? base : undefined;
  const v = cfgVersion(cfg) ?? base?.version ?? [3, 12, 0];
  const impl = facts?.implementation ?? guessImplementation(root, cfg, windows);
  const paths = venvPaths(root, facts ?? { implementation: impl, version: v }, windows);
  return { root, cfg, paths, prompt: cfg.prompt ? unquotePrompt(cfg.prompt) : basename(root), base, windows };
}
