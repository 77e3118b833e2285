// Installing outside an environment, as pip's --target, --prefix, --root and --user do: the
// interpreter chosen (an explicit one, else the active env's, else python3) tells the install scheme
// (sysconfig, asked of that interpreter); the install then runs against a stand-in Venv whose paths
// are that scheme's. --target stages a whole install in DIR/.venvkit-target-* and moves its top-level
// items into DIR by pip's rules (an existing item is replaced with upgrade, else kept with a warning).
import { execFile } from 'node:child_process';
import { existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { isAbsolute, join, parse as parsePath, resolve } from 'node:path';
import { VenvkitError } from '../errors.js';
import type { InterpreterInfo } from '../python/types.js';
import type { Venv, VenvPaths } from '../venv/types.js';
import { findPython } from '../python/find.js';
import { probeInterpreter } from '../python/probe.js';
import { locateVenv } from '../venv/locate.js';
import { openVenv } from '../venv/open.js';

export interface LayoutRequest {
  /** --target DIR: packages at DIR's top level, scripts in DIR/bin (DIR\Scripts on Windows). */
  target?: string;
  /** --prefix DIR: the interpreter's prefix scheme with DIR as its base. */
  prefix?: string;
  /** --root DIR: every path of the scheme moved under DIR (a staged root for packaging). */
  root?: string;
  /** --user: the interpreter's user scheme (site.USER_BASE, which $PYTHONUSERBASE moves). */
  user?: boolean;
}

/** The layout asked for, or undefined for an ordinary install into an env. */
export function wantsLayout(r: LayoutRequest): boolean {
  return r.target !== undefined || r.prefix !== undefined || r.root !== undefined || !!r.user;
}

/**
 * The interpreter a layout install is for: `python` (a spec or path), else the env named or active
 * (`envDir`, $VIRTUAL_ENV: its own interpreter, so its scheme is the env's), else python3.
 */
export async function layoutInterpreter(python: string | undefined, envDir: string | undefined, env: NodeJS.ProcessEnv = process.env): Promise<InterpreterInfo> {
  if (python !== undefined) return findPython(python, { env });
  if (envDir !== undefined || env.VIRTUAL_ENV) {
    const venv = await openVenv(locateVenv({ explicit: envDir, env }).root, { env });
    return probeInterpreter(venv.paths.python);
  }
  return findPython(undefined, { env });
}

/** The install scheme's paths and facts about the interpreter, from the interpreter itself. */
interface SchemeFacts {
  paths: { purelib: string; platlib: string; scripts: string; data: string; include: string };
  /** The interpreter runs in a venv that does not see the system (or user) site-packages. */
  venvNoGlobal: boolean;
}

// Python 3.6+: the scheme pip would use (pip's locations/_sysconfig.py: get_preferred_scheme when
// there is one, else posix_prefix/nt, posix_user/nt_user/osx_framework_user; no scheme: the default).
const SCHEME_SCRIPT = String.raw`
import json, os, re, site, sys, sysconfig
kind, base = sys.argv[1], sys.argv[2]
def preferred(key, fallback):
    try:
        return sysconfig.get_preferred_scheme(key)
    except AttributeError:
        return fallback
if kind == 'user':
    framework = sys.platform == 'darwin' and sysconfig.get_config_var('PYTHONFRAMEWORK')
    scheme = preferred('user', 'osx_framework_user' if framework else os.name + '_user')
    paths = sysconfig.get_paths(scheme, vars={'userbase': site.getuserbase()})
elif kind == 'prefix':
    scheme = preferred('prefix', 'posix_prefix' if os.name == 'posix' else 'nt')
    v = {'base': base, 'platbase': base, 'installed_base': base, 'installed_platbase': base}
    paths = sysconfig.get_paths(scheme, vars=v)
else:
    paths = sysconfig.get_paths()
in_venv = sys.prefix != getattr(sys, 'base_prefix', sys.prefix) or hasattr(sys, 'real_prefix')
no_global = False
if in_venv:
    try:
        with open(os.path.join(sys.prefix, 'pyvenv.cfg')) as f:
            m = re.search(r'^\s*include-system-site-packages\s*=\s*(true|false)\s*$', f.read(), re.M | re.I)
        no_global = bool(m) and m.group(1).lower() == 'false'
    except OSError:
        no_global = True
    if hasattr(sys, 'real_prefix'):
        no_global = os.path.exists(os.path.join(os.path.dirname(site.__file__), 'no-global-site-packages.txt'))
print(json.dumps({'paths': {k: paths[k] for k in ('purelib', 'platlib', 'scripts', 'data', 'include')}, 'venvNoGlobal': no_global}))
`;

function askScheme(python: string, kind: 'user' | 'prefix' | 'default', base: string, env: NodeJS.ProcessEnv): Promise<SchemeFacts> {
  return new Promise((done, fail) => {
    execFile(python, ['-c', SCHEME_SCRIPT, kind, base], { env: { ...env, PYTHONIOENCODING: 'utf-8' }, windowsHide: true }, (err, out, errOut) => {
      if (err) {
        fail(new VenvkitError('PYTHON_BROKEN', `${python} could not tell its install scheme: ${(errOut || err.message).trim().split('\n').pop()}`, { hint: 'Choose another interpreter.' }));
        return;
      }
      try {
        done(JSON.parse(out) as SchemeFacts);
      } catch (e) {
        fail(new VenvkitError('PYTHON_BROKEN', `${python} gave no install scheme (${(e as Error).message})`, { hint: 'Choose another interpreter.' }));
      }
    });
  });
}

/** pip's change_root: an absolute path moved under `root` (on Windows the drive is dropped). */
export function changeRoot(root: string, path: string): string {
  if (!isAbsolute(path)) return join(root, path);
  const p = parsePath(path);
  return join(root, path.slice(p.root.length));
}

export interface Layout {
  /** The stand-in env the installer works on. */
  venv: Venv;
  /** What the layout is, for messages ("--target build"). */
  describe: string;
  /** --target: move the staged install into DIR (pip's rules); others: nothing. Returns warnings. */
  finish(upgrade: boolean): string[];
  /** Remove what was staged (after finish, or after a failure). */
  cleanup(): void;
}

function standIn(root: string, paths: Omit<VenvPaths, 'root'>, info: InterpreterInfo): Venv {
  return { root, cfg: {}, paths: { root, ...paths }, prompt: '', base: info, windows: process.platform === 'win32' };
}

function mustBeDir(dir: string, what: string): void {
  if (existsSync(dir) && !statSync(dir).isDirectory()) {
    throw new VenvkitError('TARGET_IS_FILE', `${what} ${dir} exists but is not a directory`, { hint: 'Give a directory (it is made when missing).' });
  }
}

/**
 * The layout for `request`, installing for the interpreter `info` (its `path` is run for the scheme
 * and used in script shebangs). Checks pip's rules: --user with --target or --prefix, and --user
 * from a venv that does not see the user site, are refused.
 */
export async function openLayout(request: LayoutRequest, info: InterpreterInfo, options: { env?: NodeJS.ProcessEnv; cwd?: string } = {}): Promise<Layout> {
  const env = options.env ?? process.env;
  const cwd = options.cwd ?? process.cwd();
  const python = info.path;
  if (request.user && (request.target !== undefined || request.prefix !== undefined)) {
    throw new VenvkitError('USAGE', `install: a user install cannot also go to a ${request.target !== undefined ? 'target directory' : 'prefix'}`, { hint: 'Choose one place to install to.' });
  }
  if (request.target !== undefined) {
    if (request.prefix !== undefined || request.root !== undefined) throw new VenvkitError('USAGE', 'install: a target directory cannot be combined with a prefix or a root', { hint: 'Choose one place to install to.' });
    const dir = resolve(cwd, request.target);
    mustBeDir(dir, 'The target directory');
    mkdirSync(dir, { recursive: true });
    const stage = mkdtempSync(join(dir, '.venvkit-target-'));
    const windows = process.platform === 'win32';
    const scripts = join(stage, windows ? 'Scripts' : 'bin');
    const venv = standIn(stage, { scripts, purelib: stage, platlib: stage, include: join(stage, 'include'), data: stage, python }, info);
    return {
      venv,
      describe: dir,
      finish: (upgrade) => moveIntoTarget(stage, dir, upgrade),
      cleanup: () => rmSync(stage, { recursive: true, force: true }),
    };
  }
  const kind = request.user ? 'user' : request.prefix !== undefined ? 'prefix' : 'default';
  const prefix = request.prefix !== undefined ? resolve(cwd, request.prefix) : '';
  const facts = await askScheme(python, kind, prefix, env);
  if (request.user) {
    // (As pip: a disabled user site, PYTHONNOUSERSITE, does not stop the install.)
    if (facts.venvNoGlobal) throw new VenvkitError('USER_SITE_UNAVAILABLE', `install: ${python} runs in a virtual environment that does not see the user site-packages, so a user install would not be importable there`, { hint: 'Install into the environment itself, or choose another interpreter.' });
  }
  const root = request.root !== undefined ? resolve(cwd, request.root) : undefined;
  if (root) mustBeDir(root, 'The root directory');
  const place = (p: string) => (root ? changeRoot(root, p) : p);
  const paths = { purelib: place(facts.paths.purelib), platlib: place(facts.paths.platlib), scripts: place(facts.paths.scripts), data: place(facts.paths.data), include: place(join(facts.paths.data, 'include')), python };
  // Every path is under the scheme's data dir (prefix, user base, sys.prefix): the transaction's root.
  const top = paths.data;
  mkdirSync(top, { recursive: true });
  return { venv: standIn(top, paths, info), describe: top, finish: () => [], cleanup: () => {} };
}

/**
 * Where `venvkit uninstall --target/--prefix/--user` looks: the same places an install with that
 * layout wrote to (a stand-in env whose root bounds what RECORD may name), made without creating
 * anything. pip's uninstall has no --target or --prefix; its user-site uninstall is this --user.
 */
export async function removalLayout(request: LayoutRequest, info: InterpreterInfo, options: { env?: NodeJS.ProcessEnv; cwd?: string } = {}): Promise<Venv> {
  const env = options.env ?? process.env;
  const cwd = options.cwd ?? process.cwd();
  const given = [request.target !== undefined, request.prefix !== undefined, !!request.user].filter(Boolean).length;
  if (given > 1) throw new VenvkitError('USAGE', 'uninstall: give one of --target, --prefix and --user', { hint: 'Uninstall from one place at a time.' });
  if (request.target !== undefined) {
    const dir = resolve(cwd, request.target);
    if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new VenvkitError('BAD_PATH', `uninstall: the target directory ${dir} does not exist`, { hint: 'Give the directory the packages were installed into (the install\'s target).' });
    const scripts = join(dir, process.platform === 'win32' ? 'Scripts' : 'bin');
    return standIn(dir, { scripts, purelib: dir, platlib: dir, include: join(dir, 'include'), data: dir, python: info.path }, info);
  }
  const facts = await askScheme(info.path, request.user ? 'user' : 'prefix', request.prefix !== undefined ? resolve(cwd, request.prefix) : '', env);
  const p = facts.paths;
  return standIn(p.data, { purelib: p.purelib, platlib: p.platlib, scripts: p.scripts, data: p.data, include: join(p.data, 'include'), python: info.path }, info);
}

/**
 * pip's --target move: each top-level item of the staged install goes into `dir`; an item already
 * there is replaced with `upgrade` (unless it is a symlink), else kept, with a warning either way.
 */
export function moveIntoTarget(stage: string, dir: string, upgrade: boolean): string[] {
  const warnings: string[] = [];
  for (const item of readdirSync(stage).sort()) {
    if (item.startsWith('.venvkit-')) continue;
    const dest = join(dir, item);
    let there: ReturnType<typeof lstatSync> | undefined;
    try {
      there = lstatSync(dest);
    } catch {
      there = undefined;
    }
    if (there) {
      if (!upgrade) {
        warnings.push(`${dest} already exists and was left as it is (upgrade to replace it)`);
        continue;
      }
      if (there.isSymbolicLink()) {
        warnings.push(`${dest} already exists and is a link; links are not replaced (remove it to replace it)`);
        continue;
      }
      rmSync(dest, { recursive: true, force: true });
    }
    renameSync(join(stage, item), dest);
  }
  return warnings;
}
