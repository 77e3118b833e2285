// What `python -m venv` of a given interpreter writes, as data: directories, links, copies, files
// (POSIX). Pure: the executor in apply.ts turns the plan into files; windows.ts has the Windows rules.
import { posix } from 'node:path';
import { GITIGNORE, makesLib64, posixDirs, posixLinkPlan, type LayoutFacts } from './layout.js';
import { formatPyvenvCfg, pythonRepr } from './pyvenv-cfg.js';
import type { PyvenvCfg } from './types.js';

export type Op =
  | { kind: 'dir'; path: string }
  /** A symlink at `path` (relative to the env root) whose content is exactly `target`. */
  | { kind: 'symlink'; path: string; target: string }
  /** A copy of `source` (absolute, or relative to the env root when `fromEnv`), mode 0755. */
  | { kind: 'copy'; path: string; source: string; fromEnv?: boolean; optional?: boolean }
  /** A file venv owns (replaced on update) or, with keep, one written only when absent (.gitignore: never clobber the user's). */
  | { kind: 'file'; path: string; content: string; keep?: boolean };

/** The venv options that shape the environment (what `python -m venv` takes). */
export interface VenvFlags {
  systemSitePackages?: boolean;
  /** false: copies (--copies). Default true on POSIX. */
  symlinks?: boolean;
  clear?: boolean;
  upgrade?: boolean;
  withoutPip?: boolean;
  /** The prompt as given (`.` kept as is: it goes into `command`). */
  prompt?: string;
  /** The prompt to record (`.` already replaced by the current directory's name). */
  resolvedPrompt?: string;
  upgradeDeps?: boolean;
  withoutScmIgnoreFiles?: boolean;
}

/** Facts needed to write pyvenv.cfg: the layout facts plus the interpreter's paths. */
export type CfgFacts = LayoutFacts & { versionString?: string; realPath?: string };

const atLeast = (f: LayoutFacts, minor: number) => f.version[0] > 3 || (f.version[0] === 3 && f.version[1] >= minor);

/** The `command` line venv 3.11+ records: how to make this env again with `python -m venv`. */
export function venvCommand(facts: CfgFacts, flags: VenvFlags, root: string, windows = false): string {
  const args: string[] = [];
  const symlinks = flags.symlinks ?? !windows;
  if (windows && symlinks) args.push('--symlinks');
  if (!windows && !symlinks) args.push('--copies');
  if (flags.withoutPip) args.push('--without-pip');
  if (flags.systemSitePackages) args.push('--system-site-packages');
  if (flags.clear) args.push('--clear');
  if (flags.upgrade) args.push('--upgrade');
  if (flags.upgradeDeps) args.push('--upgrade-deps');
  if (flags.prompt !== undefined) args.push(`--prompt="${flags.prompt}"`);
  if (flags.withoutScmIgnoreFiles && atLeast(facts, 13)) args.push('--without-scm-ignore-files');
  args.push(root);
  return `${facts.executable ?? facts.path} -m venv ${args.join(' ')}`;
}

/** pyvenv.cfg as that version of venv writes it: keys and order per version. */
export function buildPyvenvCfg(facts: CfgFacts, flags: VenvFlags, root: string, home: string, windows = false): PyvenvCfg {
  const cfg: PyvenvCfg = {
    home,
    'include-system-site-packages': flags.systemSitePackages ? 'true' : 'false',
    version: facts.version.join('.'),
  };
  const prompt = flags.resolvedPrompt ?? flags.prompt;
  if (prompt !== undefined && atLeast(facts, 8)) cfg.prompt = pythonRepr(prompt);
  if (atLeast(facts, 11) && facts.implementation !== 'pypy') {
    cfg.executable = facts.realPath ?? facts.executable ?? '';
    cfg.command = venvCommand(facts, flags, root, windows);
  }
  return cfg;
}

/** The whole POSIX plan for an env at `root` (final path: it appears in pyvenv.cfg's command). */
export function posixPlan(facts: CfgFacts, flags: VenvFlags, root: string): { ops: Op[]; cfg: PyvenvCfg } {
  const ops: Op[] = posixDirs(facts).map((path) => ({ kind: 'dir' as const, path }));
  if (makesLib64(facts)) ops.push({ kind: 'symlink', path: 'lib64', target: 'lib' });
  const links = posixLinkPlan(facts);
  const scripts = facts.venvPaths?.scripts ?? 'bin';
  const exe = posix.join(scripts, links.exeName);
  if (flags.symlinks === false) {
    ops.push({ kind: 'copy', path: exe, source: links.executable });
    for (const a of links.aliases) ops.push({ kind: 'copy', path: posix.join(scripts, a), source: exe, fromEnv: true });
    // PyPy's venv also copies its shared library when it sits next to the executable (portable builds).
    if (facts.implementation === 'pypy') {
      const lib = `libpypy${facts.version[0]}.${facts.version[1]}-c.so`;
      ops.push({ kind: 'copy', path: posix.join(scripts, lib), source: posix.join(links.home, lib), optional: true });
    }
  } else {
    ops.push({ kind: 'symlink', path: exe, target: links.executable });
    for (const a of links.aliases) ops.push({ kind: 'symlink', path: posix.join(scripts, a), target: links.exeName });
  }
  if (!flags.withoutScmIgnoreFiles) ops.push({ kind: 'file', path: '.gitignore', content: GITIGNORE, keep: true });
  const cfg = buildPyvenvCfg(facts, flags, root, links.home);
  // pyvenv.cfg last: a directory becomes an environment only once everything else is in place.
  ops.push({ kind: 'file', path: 'pyvenv.cfg', content: formatPyvenvCfg(cfg) });
  return { ops, cfg };
}
