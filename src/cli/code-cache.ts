// Loading a command bundle with V8's code cache: with the bytecode V8 produced on an earlier run,
// a ~100 KB bundle loads without being compiled (measured: ~4-6 ms of a ~90 ms `venvkit create`).
// The cache lives next to the package cache, not in it (cache/dirs.ts codeCacheRoot:
// ~/.cache/venvkit-code, or VENVKIT_CACHE_DIR's path with -code): `venvkit cache clean` or an
// emptied cache directory leave it, and a cold package cache still runs compiled venvkit, as pip's .pyc files outlive its cache
// (measured: ~40-50 ms of CPU of a cold `venvkit lock jupyter`). One file per bundle, named by the bundle's
// size and mtime and Node's version, and is written once after a command has run (so it holds the
// functions that ran, not only the top level): on the second run of a build, the first only marks
// it seen (a one-off run does not pay for a cache it will not read). V8 checks the source (by length) and its own version
// and flags, and rejects a cache that does not fit; a rejected or unreadable cache is only a slower
// start, never an error. VENVKIT_NO_CODE_CACHE=1 turns this off.
// Trust (src/cache/trust.ts): the directory is used only when it is yours and not writable by
// others (one stat, once per process), and a cache file only when the open file is
// yours alone (checked on the fstat that reading it needs anyway): bytecode someone else planted is
// never loaded.
import { readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import Module from 'node:module';
import { basename, dirname, join } from 'node:path';
import { Script } from 'node:vm';
import { readOwnFile, usableCodeCacheDir } from '../cache/trust.js';

declare const require: NodeJS.Require;

/** Writers of the caches that V8 did not have (or rejected), for saveCodeCaches(). */
const pending: Array<() => void> = [];

/** Writes the code caches of the bundles loaded without one; call once the command has run. */
export function saveCodeCaches(): void {
  for (const save of pending.splice(0)) save();
}

/** V8 flags set before a bundle is first compiled, by its file name (see setBundleFlags). */
const bundleFlags = new Map<string, string>();

/**
 * V8 flags for a bundle (a part most runs of its command do not load: the flags cost a run that
 * does not need them ~5 ms, node:v8 and what it loads): set when it is first loaded, before it is
 * compiled (its code cache holds the flags). Only the CLI's own process: the library never touches them.
 */
export function setBundleFlags(name: string, flags: string): void {
  bundleFlags.set(name, flags);
}

/**
 * Loads a self-contained CommonJS bundle, through V8's code cache when possible. The bundle's
 * require() of `./parts/NAME.cjs` (code only some runs need, see scripts/build.mjs; from a part,
 * `../parts/NAME.cjs`) loads that part the same way.
 */
/** The V8 code cache file name of a bundle: a new build or Node version gets a new one. */
export function codeCacheName(file: string, st: { size: number; mtimeMs: number }): string {
  return `${basename(file)}-${process.version}-${process.arch}-${st.size}-${Math.trunc(st.mtimeMs)}.bin`;
}

/** True when `mark` did not exist (and now does); false when it did, or cannot be made (then the cache is written as before). */
function firstSight(mark: string): boolean {
  try {
    writeFileSync(mark, '', { mode: 0o644, flag: 'wx' });
    return true;
  } catch {
    return false;
  }
}

export function loadBundle<T>(file: string): T {
  const known = require.cache[file];
  if (known) return known.exports as T;
  const flags = bundleFlags.get(basename(file));
  if (flags !== undefined) {
    // A cache records V8's flags, and V8 rejects it under others: the caches of the bundles
    // compiled so far (the command's, which loads this part) are written now, under the flags they
    // were compiled with, which are those of their next load.
    saveCodeCaches();
    (require('node:v8') as typeof import('node:v8')).setFlagsFromString(flags);
    bundleFlags.delete(basename(file));
  }
  const st = statSync(file);
  // Bundles are ASCII (scripts/build.mjs checks): Latin-1 decoding is a copy, without UTF-8's checks.
  const source = readFileSync(file, 'latin1');
  const dir = process.env.VENVKIT_NO_CODE_CACHE ? undefined : usableCodeCacheDir(process.env);
  const cacheFile = dir ? join(dir, codeCacheName(file, st)) : undefined;
  const cached = cacheFile ? readOwnFile(cacheFile) : undefined;
  const script = new Script(Module.wrap(source), { filename: file, cachedData: cached });
  const mod = new Module(file, require.main);
  mod.filename = file;
  mod.paths = (Module as unknown as { _nodeModulePaths(dir: string): string[] })._nodeModulePaths(dirname(file));
  const wrapper = script.runInThisContext({ displayErrors: true }) as (...args: unknown[]) => void;
  const plain = Module.createRequire(file);
  const req = Object.assign((id: string) => (id.startsWith('./parts/') || id.startsWith('../parts/') ? loadBundle(join(dirname(file), id)) : plain(id)), plain);
  require.cache[file] = mod;
  try {
    wrapper.call(mod.exports, mod.exports, req, mod, file, dirname(file));
  } catch (e) {
    delete require.cache[file];
    throw e;
  }
  mod.loaded = true;
  if (cacheFile && (cached === undefined || script.cachedDataRejected === true)) {
    // A bundle's first run in this cache only leaves a mark (`.bin.seen`): a one-off run (a fresh
    // CI cache, a cold lock) does not spend ~20-60 ms at exit serialising bytecode it will never
    // read; the second run writes the cache. A rejected cache is replaced at once.
    if (cached === undefined && firstSight(`${cacheFile}.seen`)) return mod.exports as T;
    pending.push(() => {
      const tmp = `${cacheFile}.${process.pid}.tmp`;
      try {
        const data = script.createCachedData();
        writeFileSync(tmp, data, { mode: 0o644, flag: 'wx' });
        renameSync(tmp, cacheFile);
        rmSync(`${cacheFile}.seen`, { force: true });
        // Caches of other builds of this bundle (or other Node versions) not written for a week are
        // of builds no longer run. (Two installs of venvkit sharing the cache keep theirs.)
        const prefix = `${basename(file)}-`;
        const weekAgo = Date.now() - 7 * 24 * 3600 * 1000;
        for (const f of readdirSync(dirname(cacheFile))) {
          if (!f.startsWith(prefix) || f === basename(cacheFile)) continue;
          const other = join(dirname(cacheFile), f);
          if ((statSync(other, { throwIfNoEntry: false })?.mtimeMs ?? Infinity) < weekAgo) rmSync(other, { force: true });
        }
      } catch {
        // A cache we cannot write only means the next start compiles again.
        try {
          rmSync(tmp, { force: true });
        } catch {
          // nothing was written there either
        }
      }
    });
  }
  return mod.exports as T;
}
