// The cache's public surface (re-exported lazily by src/index.ts): what `venvkit cache info|clean|
// prune` do, as library calls. The rules (what is kept while a venvkit uses it, whose cache is
// touched at all) are in cache/maintenance.ts.
import { VenvkitError } from '../errors.js';
import { builtWheels, cacheInfo as info, cleanCache as clean, pruneCache as prune, removeBuiltWheels as removeBuilt, type BuiltWheel, type CacheInfo, type RemovalResult } from './maintenance.js';

export type { BucketInfo, BuiltWheel, CacheInfo, RemovalResult } from './maintenance.js';

export interface CacheOptions {
  /** The environment variables that locate the cache (VENVKIT_CACHE_DIR, XDG_CACHE_HOME, HOME); default process.env. */
  env?: NodeJS.ProcessEnv;
}

export interface CleanCacheOptions extends CacheOptions {
  /** Only these parts of the cache (`cacheInfo().buckets[].name`: wheels, http, ...); default all. */
  parts?: string[];
}

export interface PruneCacheOptions extends CacheOptions {
  /** Remove what has not been used for this many days (default 30; 0: everything not in use). */
  olderThan?: number;
}

/** What each part of the cache holds (entries, bytes) and how many venvkit processes use it now. */
export function cacheInfo(options: CacheOptions = {}): CacheInfo {
  return info(options.env ?? process.env);
}

/** Remove the whole cache (or the parts named), keeping what a running venvkit may be using. */
export function cleanCache(options: CleanCacheOptions = {}): RemovalResult {
  return clean({ env: options.env, buckets: options.parts });
}

/** Remove what no env has used for `olderThan` days, and what killed processes left. */
export function pruneCache(options: PruneCacheOptions = {}): RemovalResult {
  const days = options.olderThan;
  if (days !== undefined && !(typeof days === 'number' && days >= 0)) {
    throw new VenvkitError('USAGE', `pruneCache: olderThan must be a number of days, 0 or more (got ${String(days)})`, { hint: 'For example `pruneCache({ olderThan: 7 })`.' });
  }
  return prune({ env: options.env, maxAgeDays: days });
}

export interface BuiltWheelsOptions extends CacheOptions {
  /**
   * Which wheels, as pip's `cache list|remove` pattern: a glob (`*`, `?`, `[...]`) on the wheel's file
   * name, followed by `-*.whl` when it has no `-` (a project name), else by `*.whl`. Default (list) `*`.
   */
  pattern?: string;
}

/** The wheels venvkit built from sources and keeps in its cache (pip's `cache list`), sorted by path. */
export function listBuiltWheels(options: BuiltWheelsOptions = {}): BuiltWheel[] {
  return builtWheels({ env: options.env, pattern: options.pattern });
}

/** Remove the built wheels `pattern` matches (pip's `cache remove`; `*` also the index pages), keeping what a running venvkit may be using. */
export function removeBuiltWheels(options: BuiltWheelsOptions & { pattern: string }): RemovalResult {
  if (typeof options?.pattern !== 'string' || options.pattern === '') {
    throw new VenvkitError('USAGE', 'removeBuiltWheels: the `pattern` option must name the wheels to remove (a project name or a glob)', { hint: 'For example `removeBuiltWheels({ pattern: \'numpy\' })`; `*` removes them all.' });
  }
  return removeBuilt({ env: options.env, pattern: options.pattern });
}
