// Where interpreters may be on Windows, in the order discovery looks: PATH, the `py` launcher's list,
// the registry (PEP 514), python.org's default locations, the Microsoft Store's app execution
// aliases, pyenv-win, uv's managed Pythons. Everything the rules read comes through a WindowsHost,
// so the rules are unit-tested with a faked file system, environment and registry on any OS.
import { win32 } from 'node:path';
import type { Candidate, HintFilter } from './candidates.js';
import { parsePyListPaths } from './py-launcher.js';
import { type Hint, hintFromDir, hintFromName, mergeHints } from './spec.js';
import type { PythonSource } from './types.js';
import { PEP514_ROOTS, parseRegQuery, registeredPythons } from './windows-registry.js';

export interface WindowsHost {
  env: NodeJS.ProcessEnv;
  /** Entry names of a directory ([] when it cannot be read). */
  list(dir: string): string[];
  /** Is there a file (an app execution alias counts) at this path? */
  isFile(path: string): boolean;
  /** The final path of a file, or undefined (app execution aliases are reparse points that do not resolve). */
  realpath(path: string): string | undefined;
  /** The output of `reg query KEY /s`, or undefined when the key does not exist (runs a process: async, cancellable). */
  regQuery(key: string): Promise<string | undefined>;
  /** The output of `py --list-paths`, or undefined when there is no launcher (likewise). */
  pyListPaths(): Promise<string | undefined>;
}

const p = win32;
const NAME = /^(python|pypy)(\d+(?:\.\d+)?)?$/i;

/** A variable by its name in any case (Windows environment names are case-insensitive). */
export function envVar(env: NodeJS.ProcessEnv, name: string): string | undefined {
  const key = Object.keys(env).find((k) => k.toUpperCase() === name.toUpperCase());
  return key === undefined ? undefined : env[key];
}

/** The extensions that make a name a command (PATHEXT), of which only .exe is started directly (.bat/.cmd need cmd.exe). */
function commandExtensions(env: NodeJS.ProcessEnv): Set<string> {
  const exts = (envVar(env, 'PATHEXT') || '.COM;.EXE;.BAT;.CMD').split(';').map((e) => e.toLowerCase()).filter(Boolean);
  return new Set(exts.filter((e) => e === '.exe'));
}

const rank = (stem: string): number[] => {
  const m = NAME.exec(stem)!;
  const v = m[2] ? m[2].split('.').map(Number) : [];
  const pypy = m[1]!.toLowerCase() === 'pypy' ? 10 : 0;
  if (v.length === 0) return [pypy + 1, 0];
  if (v.length === 1) return [pypy, 0];
  return [pypy + 2, -(v[0]! * 1000 + v[1]!)];
};

/** Python-looking executables in a listing, python.exe and python3.exe first, then python3.X.exe newest first. */
export function windowsPythonNames(entries: readonly string[], exts: Set<string>): string[] {
  return entries
    .filter((n) => exts.has(p.extname(n).toLowerCase()) && NAME.test(n.slice(0, -p.extname(n).length)))
    .sort((a, b) => {
      const [x, y] = [rank(a.slice(0, -4)), rank(b.slice(0, -4))];
      return x[0]! - y[0]! || x[1]! - y[1]! || (a < b ? -1 : 1);
    });
}

/** "Python312" -> 3.12, "Python27-32" -> 2.7 (python.org's directory names). */
export function hintFromPythonOrgDir(name: string): Hint | undefined {
  const m = /^Python(\d)(\d+)(?:-(?:32|64|arm64))?$/i.exec(name);
  return m ? { implementation: 'cpython', version: [Number(m[1]), Number(m[2])] } : undefined;
}

function hintFromTag(tag: string): Hint {
  const m = /^(\d+)\.(\d+)/.exec(tag);
  return m ? { implementation: 'cpython', version: [Number(m[1]), Number(m[2])] } : { version: [] };
}

const isWindowsApps = (dir: string) => /\\Microsoft\\WindowsApps\\?$/i.test(dir);
const isPyenvWinShims = (dir: string) => /\\pyenv-win\\shims\\?$/i.test(dir);

function stemHint(file: string): Hint {
  return hintFromName(p.basename(file, p.extname(file)).toLowerCase()) ?? { version: [] };
}

/** Every Windows candidate that may pass `filter`, in discovery order, de-duplicated by path (case-insensitively). */
export async function* windowsCandidates(host: WindowsHost, filter: HintFilter = () => true): AsyncGenerator<Candidate> {
  const seen = new Set<string>();
  const env = host.env;
  const make = (path: string, source: PythonSource, hint: Hint, alias = false): Candidate | undefined => {
    const key = path.toLowerCase();
    if (seen.has(key) || !filter(hint)) return undefined;
    if (!host.isFile(path)) return undefined;
    // An app execution alias is a reparse point that does not resolve: it is run (and cached) by its own path.
    const realPath = alias ? path : host.realpath(path);
    if (!realPath) return undefined;
    seen.add(key);
    seen.add(realPath.toLowerCase());
    return { path, realPath, source, hint };
  };
  const exts = commandExtensions(env);

  // 1. PATH. In WindowsApps, python.exe and python3.exe may be the stub that opens the Store, so only
  //    the versioned aliases (python3.12.exe, present only when a Store Python is installed) count;
  //    pyenv-win's shims are batch files, found below as the versions they point to.
  for (const dir of (envVar(env, 'PATH') ?? '').split(';').filter(Boolean)) {
    if (isPyenvWinShims(dir)) continue;
    const store = isWindowsApps(dir);
    for (const name of windowsPythonNames(host.list(dir), exts)) {
      if (store && !/\d\.\d+\.exe$/i.test(name)) continue;
      const c = make(p.join(dir, name), store ? 'store' : 'path', stemHint(name), store);
      if (c) yield c;
    }
  }

  // 2. The py launcher's list.
  const listed = await host.pyListPaths();
  if (listed !== undefined) {
    for (const e of parsePyListPaths(listed)) {
      const c = make(e.path, 'py-launcher', hintFromTag(e.tag), isWindowsApps(p.dirname(e.path)));
      if (c) yield c;
    }
  }

  // 3. The registry (PEP 514): per-user, machine-wide, 32-bit machine-wide.
  for (const root of PEP514_ROOTS) {
    const out = await host.regQuery(root);
    if (out === undefined) continue;
    for (const r of registeredPythons(parseRegQuery(out))) {
      const hint = r.company === 'PythonCore' ? hintFromTag(r.version ?? r.tag) : r.version ? { version: hintFromTag(r.version).version } : { version: [] };
      const c = make(r.executable, 'registry', hint, isWindowsApps(p.dirname(r.executable)));
      if (c) yield c;
    }
  }

  // 4. python.org's installers' default locations.
  const local = envVar(env, 'LOCALAPPDATA') || p.join(envVar(env, 'USERPROFILE') || 'C:\\Users\\Default', 'AppData', 'Local');
  const roots = [p.join(local, 'Programs', 'Python'), envVar(env, 'ProgramFiles'), envVar(env, 'ProgramFiles(x86)'), envVar(env, 'SystemDrive') ? envVar(env, 'SystemDrive') + '\\' : 'C:\\'];
  for (const root of roots) {
    if (!root) continue;
    const dirs = host.list(root).map((n) => [n, hintFromPythonOrgDir(n)] as const).filter((x): x is readonly [string, Hint] => x[1] !== undefined);
    dirs.sort((a, b) => b[1].version[0]! - a[1].version[0]! || b[1].version[1]! - a[1].version[1]!);
    for (const [name, hint] of dirs) {
      const c = make(p.join(root, name, 'python.exe'), 'system', hint);
      if (c) yield c;
    }
  }

  // 5. The Microsoft Store's aliases (when WindowsApps was not on PATH): python3.X.exe only.
  const apps = p.join(local, 'Microsoft', 'WindowsApps');
  for (const name of windowsPythonNames(host.list(apps), exts)) {
    if (!/\d\.\d+\.exe$/i.test(name)) continue;
    const c = make(p.join(apps, name), 'store', stemHint(name), true);
    if (c) yield c;
  }

  // 6. pyenv-win: %PYENV_ROOT% / %PYENV% (…\pyenv-win), else %USERPROFILE%\.pyenv\pyenv-win; versions\<v>\python.exe.
  const pyenv = envVar(env, 'PYENV_ROOT') || envVar(env, 'PYENV') || p.join(envVar(env, 'USERPROFILE') || '', '.pyenv', 'pyenv-win');
  const versions = p.join(pyenv, 'versions');
  const vdirs = host.list(versions).map((n) => [n, hintFromDir(n)] as const).sort((a, b) => compareVersions(b[1].version, a[1].version));
  for (const [name, hint] of vdirs) {
    const c = make(p.join(versions, name, 'python.exe'), 'pyenv', hint);
    if (c) yield c;
  }

  // 7. uv's managed Pythons: %UV_PYTHON_INSTALL_DIR%, else %APPDATA%\uv\python\cpython-3.12.1-windows-x86_64-none\python.exe.
  const uv = envVar(env, 'UV_PYTHON_INSTALL_DIR') || p.join(envVar(env, 'APPDATA') || p.join(envVar(env, 'USERPROFILE') || '', 'AppData', 'Roaming'), 'uv', 'python');
  for (const name of host.list(uv).filter((n) => !n.startsWith('.')).sort().reverse()) {
    const hint = hintFromDir(name);
    const exe = hint.implementation === 'pypy' ? 'pypy3.exe' : 'python.exe';
    const c = make(p.join(uv, name, exe), 'user', mergeHints(hint, { version: [] }));
    if (c) yield c;
  }
}

function compareVersions(a: number[], b: number[]): number {
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const d = (a[i] ?? -1) - (b[i] ?? -1);
    if (d) return d;
  }
  return 0;
}
