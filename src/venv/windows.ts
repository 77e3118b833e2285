// The Windows layout rules of `python -m venv`, as pure functions (nothing here runs Windows; the
// unit tests check them on paper). Paths inside the env are relative with backslashes; sources absolute.
import { win32 } from 'node:path';
import type { LayoutFacts } from './layout.js';
import { buildPyvenvCfg, type CfgFacts, type Op, type VenvFlags } from './plan.js';
import { formatPyvenvCfg } from './pyvenv-cfg.js';
import type { PyvenvCfg } from './types.js';

type WinFacts = CfgFacts & { basePrefix?: string };

const atLeast = (f: LayoutFacts, minor: number, micro = 0) =>
  f.version[0] > 3 || (f.version[0] === 3 && (f.version[1] > minor || (f.version[1] === minor && f.version[2] >= micro)));

/** Scripts\, Include\, Lib\site-packages (PyPy before 3.8: site-packages at the root). */
export function windowsDirs(facts: LayoutFacts): string[] {
  const lib = facts.implementation === 'pypy' && !atLeast(facts, 8) ? 'site-packages' : 'Lib\\site-packages';
  return ['Include', lib, 'Scripts'];
}

/** `home` in pyvenv.cfg: the directory of the base python.exe. */
export function windowsHome(facts: LayoutFacts): string {
  return win32.dirname(facts.baseExecutable || facts.executable || facts.path || '');
}

/** Is the base a debug build (python_d.exe)? venv then makes python_d.exe / pythonw_d.exe. */
const debugSuffix = (facts: LayoutFacts) => (/_d$/i.test(win32.basename(facts.baseExecutable || facts.executable || '', '.exe')) ? '_d' : '');

/**
 * The executables venv puts in Scripts\ on Windows.
 * CPython 3.7.2+ without --symlinks: copies of the venv launcher (it reads pyvenv.cfg `home` and starts
 * the base python.exe): 3.13+ ships it as Lib\venv\scripts\nt\venvlauncher.exe / venvwlauncher.exe,
 * earlier as ...\nt\python.exe / pythonw.exe. Older CPython copies python.exe, pythonw.exe and the DLLs.
 * With --symlinks: links to the base's python.exe / pythonw.exe (and before 3.13 its other .exe/.dll).
 */
export function windowsExecutables(facts: WinFacts, symlinks: boolean, homeFiles: string[] = []): Op[] {
  const home = windowsHome(facts);
  const d = debugSuffix(facts);
  const ops: Op[] = [];
  if (facts.implementation === 'pypy') {
    // PyPy has no launcher: it copies (or links) its executables and its DLL.
    const names = ['python.exe', 'pythonw.exe', 'pypy3.exe', 'pypy3w.exe', `libpypy${facts.version[0]}.${facts.version[1]}-c.dll`];
    for (const n of names) ops.push(symlinks ? { kind: 'symlink', path: `Scripts\\${n}`, target: win32.join(home, n) } : { kind: 'copy', path: `Scripts\\${n}`, source: win32.join(home, n), optional: true });
    return ops;
  }
  if (symlinks) {
    const names = new Set([`python${d}.exe`, `pythonw${d}.exe`]);
    if (!atLeast(facts, 13)) for (const f of homeFiles) if (/\.(exe|dll)$/i.test(f)) names.add(f);
    for (const n of [...names].sort()) ops.push({ kind: 'symlink', path: `Scripts\\${n}`, target: win32.join(home, n) });
    return ops;
  }
  if (atLeast(facts, 7, 2)) {
    const nt = win32.join(facts.basePrefix ?? win32.dirname(home), 'Lib', 'venv', 'scripts', 'nt');
    const [launcher, wlauncher] = atLeast(facts, 13) ? [`venvlauncher${d}.exe`, `venvwlauncher${d}.exe`] : [`python${d}.exe`, `pythonw${d}.exe`];
    ops.push({ kind: 'copy', path: `Scripts\\python${d}.exe`, source: win32.join(nt, launcher) });
    ops.push({ kind: 'copy', path: `Scripts\\pythonw${d}.exe`, source: win32.join(nt, wlauncher), optional: true });
    return ops;
  }
  // 3.6 / 3.7.0-1: real copies of the interpreter and the DLLs next to it (python3X.dll, vcruntime).
  const names = new Set([`python${d}.exe`, `pythonw${d}.exe`]);
  for (const f of homeFiles) if (/\.dll$/i.test(f) || /^python.*\.exe$/i.test(f)) names.add(f);
  for (const n of [...names].sort()) ops.push({ kind: 'copy', path: `Scripts\\${n}`, source: win32.join(home, n), optional: !/^python\.exe$/i.test(n) });
  return ops;
}

/** The whole Windows plan for an env at `root`. `homeFiles`: the names in the base's directory (needed by old versions and --symlinks). */
export function windowsPlan(facts: WinFacts, flags: VenvFlags, root: string, homeFiles: string[] = []): { ops: Op[]; cfg: PyvenvCfg } {
  const symlinks = flags.symlinks ?? false;
  const ops: Op[] = windowsDirs(facts).map((path) => ({ kind: 'dir' as const, path }));
  ops.push(...windowsExecutables(facts, symlinks, homeFiles));
  if (!flags.withoutScmIgnoreFiles) ops.push({ kind: 'file', path: '.gitignore', content: '# Created by venv; see https://docs.python.org/3/library/venv.html\n*\n', keep: true });
  const cfg = buildPyvenvCfg(facts, { ...flags, symlinks }, root, windowsHome(facts), true);
  ops.push({ kind: 'file', path: 'pyvenv.cfg', content: formatPyvenvCfg(cfg) });
  return { ops, cfg };
}
