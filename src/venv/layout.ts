// Where things go inside an environment, per interpreter: pure rules, no I/O.
// The facts come from the interpreter's probe (sysconfig's venv/posix_prefix scheme, made relative);
// when the base interpreter is gone, per-version defaults stand in.
import { posix, win32 } from 'node:path';
import type { InterpreterInfo } from '../python/types.js';
import type { VenvPaths } from './types.js';

/** The probe facts the layout depends on (an InterpreterInfo has them all). */
export type LayoutFacts = Pick<InterpreterInfo, 'implementation' | 'version'> &
  Partial<Pick<InterpreterInfo, 'venvPaths' | 'configVars' | 'pointerBits' | 'platform' | 'osName' | 'baseExecutable' | 'executable' | 'path'>>;

const isPypy = (f: LayoutFacts) => f.implementation === 'pypy';

/** Install-scheme paths relative to the env root when no probe says otherwise. */
export function defaultRelPaths(facts: LayoutFacts, windows: boolean): { scripts: string; purelib: string; platlib: string; include: string } {
  const [major, minor] = facts.version;
  if (windows) {
    const lib = isPypy(facts) && (major < 3 || (major === 3 && minor < 8)) ? 'site-packages' : 'Lib\\site-packages';
    return { scripts: 'Scripts', purelib: lib, platlib: lib, include: 'Include' };
  }
  let lib: string;
  if (isPypy(facts)) lib = major === 3 && minor < 8 ? 'site-packages' : `lib/pypy${major}.${minor}/site-packages`;
  else lib = `lib/python${major}.${minor}${facts.configVars?.Py_GIL_DISABLED ? 't' : ''}/site-packages`;
  return { scripts: 'bin', purelib: lib, platlib: lib, include: 'include' };
}

/**
 * Absolute install locations of the env at `root` (absolute) for an interpreter with these facts.
 * `include` is the env's include/ dir (wheel headers go to <include>/site/pythonX.Y/<dist>), `data` the root.
 */
export function venvPaths(root: string, info: LayoutFacts | undefined, windows: boolean, fallbackVersion: [number, number, number] = [3, 12, 0]): VenvPaths {
  const p = windows ? win32 : posix;
  const facts: LayoutFacts = info ?? { implementation: 'cpython', version: fallbackVersion };
  const d = defaultRelPaths(facts, windows);
  const rel = facts.venvPaths ?? {};
  const pick = (k: 'scripts' | 'purelib' | 'platlib') => (rel[k] ? (windows ? rel[k].replace(/\//g, '\\') : rel[k]) : d[k]);
  const scripts = p.join(root, pick('scripts'));
  return {
    root,
    scripts,
    purelib: p.join(root, pick('purelib')),
    platlib: p.join(root, pick('platlib')),
    include: p.join(root, d.include),
    data: root,
    python: p.join(scripts, windows ? 'python.exe' : 'python'),
  };
}

/** Directories venv makes (relative, in creation order); lib64 is separate. */
export function posixDirs(facts: LayoutFacts): string[] {
  const d = defaultRelPaths(facts, false);
  const rel = facts.venvPaths ?? {};
  const [major, minor] = facts.version;
  // From 3.11 venv makes the scheme's include dir (include/pythonX.Y); before, just include/.
  const include = major === 3 && minor >= 11 && rel.include ? rel.include : 'include';
  return [include, rel.purelib ?? d.purelib, rel.scripts ?? d.scripts];
}

/** venv links lib64 -> lib on 64-bit POSIX except macOS (every version here). */
export function makesLib64(facts: LayoutFacts): boolean {
  return (facts.pointerBits ?? 64) === 64 && (facts.platform ?? 'linux') !== 'darwin';
}

/** venv writes .gitignore (`*`) from 3.13; venvkit writes it for every version unless told not to (see README). */
export function venvWritesGitignore(facts: LayoutFacts): boolean {
  return facts.version[0] > 3 || (facts.version[0] === 3 && facts.version[1] >= 13);
}
export const GITIGNORE = '# Created by venv; see https://docs.python.org/3/library/venv.html\n*\n';

export interface LinkPlan {
  /** The executable venv links to (the path the interpreter was started as, not resolved) and its dir (`home`). */
  executable: string;
  home: string;
  /** The name inside bin/ that points at `executable` (its basename). */
  exeName: string;
  /** Other names in bin/, each a relative link to exeName (or a copy of it with --copies), in venv's order. */
  aliases: string[];
}

/** The interpreter links venv makes in bin/ on POSIX, for this interpreter. */
export function posixLinkPlan(facts: LayoutFacts): LinkPlan {
  const executable = facts.baseExecutable || facts.executable || facts.path || '';
  const home = posix.dirname(executable);
  const exeName = posix.basename(executable);
  const [, minor] = facts.version;
  const names = ['python', 'python3'];
  if (minor >= 9) names.push(`python3.${minor}`);
  if (isPypy(facts)) names.push('pypy3', 'pypy');
  return { executable, home, exeName, aliases: names.filter((n) => n !== exeName) };
}
