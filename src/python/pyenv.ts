// pyenv, without running pyenv: which version it would select (PYENV_VERSION, `.python-version`
// upwards, `$PYENV_ROOT/version`) and what a shim would exec. Running a shim costs ~0.3 s; this
// costs a few file reads.
import { closeSync, openSync, readFileSync, readSync, readdirSync, realpathSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, dirname, isAbsolute, join, resolve } from 'node:path';
import { compareRelease } from './spec.js';

export function pyenvRoot(env: NodeJS.ProcessEnv): string {
  return env.PYENV_ROOT || join(env.HOME || homedir(), '.pyenv');
}

/** An executable regular file (following links)? Returns its size, or undefined. */
export function executableSize(path: string): number | undefined {
  try {
    const st = statSync(path, { throwIfNoEntry: false });
    return st && st.isFile() && (st.mode & 0o111) !== 0 ? st.size : undefined;
  } catch {
    return undefined;
  }
}

export function realpathOrUndefined(path: string): string | undefined {
  try {
    return realpathSync.native(path);
  } catch {
    return undefined;
  }
}

/** The entries of a version file: the first word of each line, skipping blanks, comments and unsafe names. Pure. */
export function parseVersionFile(text: string): string[] {
  const out: string[] = [];
  for (const line of text.split(/\r?\n|\r/)) {
    const word = line.trim().split(/\s+/)[0] ?? '';
    if (word === '' || word.startsWith('#')) continue;
    if (word === '..' || word.startsWith('/') || word.split('/').includes('..')) continue;
    out.push(word);
  }
  return out;
}

/** The nearest `.python-version` at or above `dir`. */
export function findVersionFile(dir: string): string | undefined {
  let d = resolve(dir);
  for (;;) {
    const f = join(d, '.python-version');
    try {
      if (statSync(f, { throwIfNoEntry: false })?.isFile()) return f;
    } catch {
      // unreadable: keep going up
    }
    const up = dirname(d);
    if (up === d) return undefined;
    d = up;
  }
}

export function readVersionFile(file: string): string[] {
  try {
    return parseVersionFile(readFileSync(file, 'utf8').slice(0, 64 * 1024));
  } catch {
    return [];
  }
}

const versionTuple = (name: string) => (name.match(/\d+/g) ?? []).map(Number);

/**
 * pyenv's `latest` among installed version names: the exact name, else the newest final release
 * whose name starts with `prefix` followed by "." or "-" (3.11 -> 3.11.7; pypy3.9 -> pypy3.9-7.3.11). Pure.
 */
export function latestInstalled(prefix: string, installed: readonly string[]): string | undefined {
  if (installed.includes(prefix)) return prefix;
  let wantT = false;
  let p = prefix;
  if (/\dt$/.test(p)) {
    wantT = true;
    p = p.slice(0, -1);
  }
  const matches = installed.filter((v) => {
    if (!(v.startsWith(p + '.') || v.startsWith(p + '-'))) return false;
    if (/-(dev|src|latest)$/.test(v) || /(a|b|rc)\d+$/.test(v)) return false;
    return wantT ? v.endsWith('t') : !/\dt$/.test(v);
  });
  matches.sort((a, b) => compareRelease(versionTuple(b), versionTuple(a)));
  return matches[0];
}

export function installedVersions(root: string): string[] {
  try {
    return readdirSync(join(root, 'versions')).filter((n) => !n.startsWith('.'));
  } catch {
    return [];
  }
}

/** Map one selected version name to its directory under versions/ the way pyenv does (python- prefix, latest prefix). */
export function versionDir(root: string, name: string, installed: () => readonly string[]): string | undefined {
  const exists = (n: string) => {
    try {
      return statSync(join(root, 'versions', n), { throwIfNoEntry: false })?.isDirectory() === true;
    } catch {
      return false;
    }
  };
  if (exists(name)) return join(root, 'versions', name);
  const bare = name.replace(/^python-/, '');
  if (exists(bare)) return join(root, 'versions', bare);
  const all = installed();
  const latest = latestInstalled(name, all) ?? latestInstalled(bare, all);
  return latest ? join(root, 'versions', latest) : undefined;
}

export interface PyenvSelection {
  /** Version names in order (may include "system"). */
  versions: string[];
  /** Where they came from: "PYENV_VERSION", a .python-version path, or $PYENV_ROOT/version. */
  origin: string;
}

/** What pyenv would select in `cwd` (pyenv version-name). */
export function pyenvSelection(root: string, ctx: ShimContext): PyenvSelection {
  const env = ctx.env;
  if (env.PYENV_VERSION) return { versions: env.PYENV_VERSION.split(':').filter(Boolean), origin: 'PYENV_VERSION' };
  const local = (env.PYENV_DIR && findVersionFile(env.PYENV_DIR)) || localVersionFile(ctx);
  const file = local ?? join(root, 'version');
  const versions = readVersionFile(file);
  return { versions: versions.length ? versions : ['system'], origin: versions.length ? file : 'default' };
}

const SHIM_HEAD = 1024;

/** If `path` is a pyenv shim (a small script that execs pyenv), the PYENV_ROOT it belongs to. */
export function shimRoot(path: string, size: number, env: NodeJS.ProcessEnv): string | undefined {
  if (size > 8192) return undefined;
  let head = '';
  try {
    const fd = openSync(path, 'r');
    try {
      const buf = Buffer.alloc(SHIM_HEAD);
      head = buf.subarray(0, readSync(fd, buf, 0, SHIM_HEAD, 0)).toString('utf8');
    } finally {
      closeSync(fd);
    }
  } catch {
    return undefined;
  }
  if (!head.startsWith('#!') || !/\bpyenv["']?\s+exec\b/.test(head)) return undefined;
  const m = /^export PYENV_ROOT="([^"]+)"/m.exec(head);
  return m ? m[1] : pyenvRoot(env);
}

export interface ShimContext {
  env: NodeJS.ProcessEnv;
  cwd: string;
  /** PATH directories in order (absolute). */
  pathDirs: string[];
  /** Per pyenv root: its selection and installed versions, read once per lookup. */
  memo?: Map<string, { selection: PyenvSelection; installed: () => string[] }>;
  /** Real paths of directories, looked up once per lookup. */
  reals?: Map<string, string | undefined>;
  /** Directories' identities (device and inode), remembered in the context. */
  ids?: Map<string, string | undefined>;
  local?: { file: string | undefined };
}

/** The nearest `.python-version` at or above the context's cwd, looked for once. */
export function localVersionFile(ctx: ShimContext): string | undefined {
  ctx.local ??= { file: findVersionFile(ctx.cwd) };
  return ctx.local.file;
}

/** realpath of a directory, remembered in the context. */
export function realDir(dir: string, ctx: ShimContext): string | undefined {
  ctx.reals ??= new Map();
  if (!ctx.reals.has(dir)) ctx.reals.set(dir, realpathOrUndefined(dir));
  return ctx.reals.get(dir);
}

function dirId(dir: string, ctx: ShimContext): string | undefined {
  ctx.ids ??= new Map();
  if (!ctx.ids.has(dir)) {
    let id: string | undefined;
    try {
      const st = statSync(dir, { bigint: true });
      if (st.isDirectory()) id = `${st.dev}:${st.ino}`;
    } catch {
      // missing or not searchable: not a directory we can take for the shims
    }
    ctx.ids.set(dir, id);
  }
  return ctx.ids.get(dir);
}

/** Is this directory pyenv's shims directory (by name, or the same directory through links)? */
export function isShimDir(dir: string, ctx: ShimContext): boolean {
  const shims = join(pyenvRoot(ctx.env), 'shims');
  if (dir === shims) return true;
  // One stat each instead of two realpath walks: the same device and inode is the same directory.
  const id = dirId(dir, ctx);
  return id !== undefined && id === dirId(shims, ctx);
}

/**
 * What the pyenv shim `name` (of pyenv root `root`) would exec: the first selected version whose
 * bin/ has `name`, else ("system") the first `name` on PATH outside the shims. undefined when
 * pyenv would say "command not found". Never returns a shim.
 */
export function resolveShim(name: string, root: string, ctx: ShimContext): string | undefined {
  ctx.memo ??= new Map();
  let known = ctx.memo.get(root);
  if (!known) {
    let list: string[] | undefined;
    known = { selection: pyenvSelection(root, ctx), installed: () => (list ??= installedVersions(root)) };
    ctx.memo.set(root, known);
  }
  const { selection, installed } = known;
  for (const v of selection.versions) {
    if (v === 'system') {
      const exe = systemCommand(name, root, ctx);
      if (exe) return exe;
      continue;
    }
    const dir = versionDir(root, v, installed);
    if (!dir) continue;
    const exe = join(dir, 'bin', name);
    if (executableSize(exe) !== undefined) return exe;
  }
  return systemCommand(name, root, ctx);
}

/** `command -v name` on PATH without pyenv's shims (pyenv's "system" version). */
export function systemCommand(name: string, root: string, ctx: ShimContext): string | undefined {
  const shims = realDir(join(root, 'shims'), ctx) ?? join(root, 'shims');
  for (const dir of ctx.pathDirs) {
    if (dir === join(root, 'shims') || realDir(dir, ctx) === shims) continue;
    const exe = join(dir, name);
    const size = executableSize(exe);
    if (size !== undefined && shimRoot(exe, size, ctx.env) === undefined) return exe;
  }
  return undefined;
}

/** PATH as absolute directories, in order, without duplicates or empty entries. */
export function pathDirs(env: NodeJS.ProcessEnv, cwd: string): string[] {
  const seen = new Set<string>();
  const out: string[] = [];
  for (const entry of (env.PATH ?? '').split(delimiter)) {
    if (!entry) continue;
    const dir = isAbsolute(entry) ? entry : resolve(cwd, entry);
    if (seen.has(dir)) continue;
    seen.add(dir);
    out.push(dir);
  }
  return out;
}
