// Caches are a trust boundary: what venvkit reads from one it may link into an env or run. A cache
// directory is used only when the current user owns it and nobody else can write to it (the rule pip
// applies before using its cache); otherwise venvkit warns once and goes on without it.
//
// The check: one stat of the cache root and one of each bucket (wheels, http, v8...) this process
// uses, made once per process. Directories venvkit creates are made 0700. stat follows symbolic
// links, so a cache root that is a link (~/.cache -> /data/me/cache) is judged by the directory it
// leads to. Single-file entries are then read through readOwnFile (owner and mode checked on the
// open file itself, so a file swapped in after the directory check is refused too), and unpacked
// wheels are checked file by file against their manifest (cache/wheels.ts, install/link.ts).
//
// Not checked: the directories above the cache root. One that another user can write without the
// sticky bit lets that user swap the cache between the check and its use; the per-file checks still
// refuse what they planted, but such a location is not supported for VENVKIT_CACHE_DIR.
// Windows has no uid or mode bits: nothing is checked there (the per-user %LOCALAPPDATA% is
// protected by its ACLs; venvkit does not read ACLs).
import { closeSync, fstatSync, mkdirSync, openSync, readSync, statSync, type Stats } from 'node:fs';
import { dirname, join } from 'node:path';
import { tmpdir } from 'node:os';
import { errnoCode } from '../errors.js';
import { cacheRoot, codeCacheRoot } from './dirs.js';
import { registerCacheUser } from './users.js';

/** Buckets of multi-file entries a process uses for a while: using one registers it (cache/users.ts). */
const REGISTERING = new Set(['wheels', 'downloads', 'built-wheels', 'build-envs', 'build']);

/** The effective uid, or undefined where there is none (Windows): no ownership checks there. */
export const myUid: number | undefined = process.platform === 'win32' ? undefined : process.geteuid?.();

/** Why a directory or file with these stats must not be trusted (undefined: it may be). */
export function untrustedReason(st: Stats): string | undefined {
  if (myUid === undefined) return undefined;
  if (st.uid !== myUid) return `it is owned by uid ${st.uid}, not by you (uid ${myUid})`;
  const w = st.mode & 0o022;
  if (w) return `it is writable by ${w === 0o022 ? 'group and others' : w === 0o020 ? 'its group' : 'others'}`;
  return undefined;
}

type WarningHandler = (message: string) => void;

/**
 * This process's decisions and warnings, shared by every copy of this module (each CLI command is a
 * bundle of its own, and the dispatcher has another copy): a directory is checked, and a warning
 * given, once per process. (Worker threads have their own; they only report back, see wheels.ts.)
 */
interface State {
  handler: WarningHandler;
  warned: Set<string>;
  /** By directory: the reason it is refused, or '' when usable. */
  decided: Map<string, string>;
  /** Set by disableCaches (--no-cache): no cache is looked at. */
  disabled?: boolean;
}
const KEY = Symbol.for('venvkit.cacheTrust');
const state: State = ((globalThis as Record<symbol, unknown>)[KEY] ??= {
  handler: (m: string) => process.emitWarning(m, { code: 'VENVKIT_CACHE' }),
  warned: new Set<string>(),
  decided: new Map<string, string>(),
}) as State;

/** Where cache warnings go (the CLI prints them as `warning: ...`; the library default is process.emitWarning). */
export function setCacheWarningHandler(fn: WarningHandler): void {
  state.handler = fn;
}

/** One warning per `key` per process. */
export function cacheWarning(key: string, message: string): void {
  if (state.warned.has(key)) return;
  state.warned.add(key);
  state.handler(message);
}

function hintFor(dir: string, reason: string, variable: string): string {
  if (reason.startsWith('it is owned')) return `set ${variable} to a directory of your own; if \`sudo venvkit\` made it, \`sudo chown -R $(id -u) ${dir}\``;
  if (reason.startsWith('it is writable')) return `run \`chmod go-w ${dir}\` if nobody else wrote to it, or set ${variable} to a new directory`;
  return `fix it, or set ${variable} to a directory you can write`;
}

/** Warn (once for this directory) that the cache directory `dir` is not used, and why (`variable`: the one that moves it). */
export function warnCacheUnusable(dir: string, reason: string, variable = 'VENVKIT_CACHE_DIR'): void {
  cacheWarning(`dir:${dir}`, `not using the cache directory ${dir}: ${reason}; going on without it (${hintFor(dir, reason, variable)})`);
}

/** Check (creating it 0700 if missing) one directory; '' when usable, else the reason. */
function checkDir(dir: string): string {
  const known = state.decided.get(dir);
  if (known !== undefined) return known;
  let reason: string;
  try {
    let st: Stats | undefined = statSync(dir, { throwIfNoEntry: false });
    if (!st) {
      mkdirSync(dir, { recursive: true, mode: 0o700 });
      st = statSync(dir);
    }
    reason = st.isDirectory() ? (untrustedReason(st) ?? '') : 'it is not a directory';
  } catch (e) {
    reason = `it cannot be used (${errnoCode(e) ?? (e as Error).message})`;
  }
  state.decided.set(dir, reason);
  return reason;
}

/**
 * The cache bucket `bucket` (wheels, http, interpreters, ...) if it may be used: the cache root and
 * the bucket are directories (created 0700 when missing) owned by you and not writable by group or
 * others. Otherwise undefined, after one warning per process naming the directory and why
 * (`quietIfUnusable`: no warning for a directory that is merely unusable, e.g. a file in the way).
 */
export function usableCacheDir(bucket: string, env: NodeJS.ProcessEnv = process.env, options: { quietIfUnusable?: boolean } = {}): string | undefined {
  if (state.disabled) return undefined;
  const root = cacheRoot(env);
  for (let dir of [root, join(root, bucket)]) {
    let reason = checkDir(dir);
    if (!reason) continue;
    if (dir !== root && reason.startsWith('it cannot be used')) {
      // A bucket that cannot be made: the root cannot take any (one warning, about the root).
      state.decided.set(root, reason);
      dir = root;
      reason = state.decided.get(root)!;
    }
    // Another user's or a shared directory is always said; a broken one only where a cache matters.
    if (!options.quietIfUnusable || reason.startsWith('it is owned') || reason.startsWith('it is writable')) warnCacheUnusable(dir, reason);
    return undefined;
  }
  if (REGISTERING.has(bucket)) registerCacheUser(root);
  return join(root, bucket);
}

/**
 * The directory of V8's code cache of venvkit's program (cache/dirs.ts codeCacheRoot, outside the
 * package cache) if it may be used: the checks of a cache bucket (created 0700 when missing, yours,
 * not writable by group or others; once per process) and the same warning when it is another's or
 * shared (a directory that merely cannot be made is passed over in silence).
 */
export function usableCodeCacheDir(env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (state.disabled) return undefined;
  const dir = codeCacheRoot(env);
  // Root does not make it in another user's directory (`sudo venvkit` keeping that user's HOME):
  // the user would then find it not theirs on every run. (Once per process, as checkDir.)
  if (myUid === 0 && !state.decided.has(dir) && !statSync(dir, { throwIfNoEntry: false })) {
    const parent = statSync(dirname(dir), { throwIfNoEntry: false });
    if (parent && parent.uid !== 0) state.decided.set(dir, 'it would be made in a directory of another user');
  }
  const reason = checkDir(dir);
  if (!reason) return dir;
  if (reason.startsWith('it is owned') || reason.startsWith('it is writable')) warnCacheUnusable(dir, reason, 'VENVKIT_CODE_CACHE_DIR');
  return undefined;
}

/**
 * A cache bucket to write into and read back (build envs, the hook runner, built wheels): the
 * cache's when it may be used, else a private directory of this process (0700, in the temp dir).
 */
export function cacheDirOrPrivate(bucket: string, env: NodeJS.ProcessEnv = process.env): string {
  const dir = usableCacheDir(bucket, env);
  if (dir) return dir;
  const own = ((state as State & { own?: string }).own ??= join(tmpdir(), `venvkit-cache-${process.pid}-${Math.random().toString(36).slice(2, 10)}`));
  mkdirSync(own, { recursive: true, mode: 0o700 });
  const st = statSync(own);
  if (untrustedReason(st) || (myUid !== undefined && (st.mode & 0o077) !== 0)) throw new Error(`${own} is not venvkit's own`);
  return join(own, bucket);
}

/** Use no cache from now on in this process, without a word (the CLI's --no-cache). */
export function disableCaches(): void {
  state.disabled = true;
}

/** Stop using a cache directory found unusable while writing (read-only, full...): warns once. */
export function markCacheUnusable(dir: string, reason: string): void {
  state.decided.set(dir, reason);
  warnCacheUnusable(dir, reason);
}

/**
 * The content of a cache file, or undefined when it is missing, unreadable, or not yours alone
 * (owned by someone else, or writable by group/others): then it is treated as not cached. The
 * owner and mode are those of the open file, so a file swapped in after a check is caught too.
 */
export function readOwnFile(path: string): Buffer | undefined {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch {
    return undefined;
  }
  try {
    const st = fstatSync(fd);
    if (!st.isFile() || untrustedReason(st)) return undefined;
    const buf = Buffer.allocUnsafe(st.size);
    let got = 0;
    while (got < st.size) {
      const n = readSync(fd, buf, got, st.size - got, got);
      if (n === 0) break;
      got += n;
    }
    return got === st.size ? buf : undefined;
  } catch {
    return undefined;
  } finally {
    closeSync(fd);
  }
}

/** readOwnFile, without blocking the thread (index pages can be large). */
export async function readOwnFileAsync(path: string): Promise<Buffer | undefined> {
  const { open } = await import('node:fs/promises');
  let handle;
  try {
    handle = await open(path, 'r');
  } catch {
    return undefined;
  }
  try {
    const st = await handle.stat();
    if (!st.isFile() || untrustedReason(st)) return undefined;
    return await handle.readFile();
  } catch {
    return undefined;
  } finally {
    await handle.close();
  }
}

/** readOwnFile as UTF-8 text. */
export function readOwnText(path: string): string | undefined {
  return readOwnFile(path)?.toString('utf8');
}
