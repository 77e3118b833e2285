import { homedir } from 'node:os';
import { join, parse, resolve } from 'node:path';

/** venvkit's cache root: $VENVKIT_CACHE_DIR, else $XDG_CACHE_HOME/venvkit, else ~/.cache/venvkit. */
export function cacheRoot(env: NodeJS.ProcessEnv = process.env): string {
  if (env.VENVKIT_CACHE_DIR) return env.VENVKIT_CACHE_DIR;
  if (env.XDG_CACHE_HOME) return join(env.XDG_CACHE_HOME, 'venvkit');
  return join(homedir(), '.cache', 'venvkit');
}

/**
 * Where venvkit keeps V8's code cache of its own program (src/cli/code-cache.ts):
 * $VENVKIT_CODE_CACHE_DIR, else a sibling of the cache root named for it, `<root>-code`
 * (~/.cache/venvkit-code). Outside the package cache: emptying it, `venvkit cache clean` or a
 * fresh VENVKIT_CACHE_DIR at the same path keep venvkit's compiled code, as pip's cache purge keeps
 * pip's .pyc files.
 */
export function codeCacheRoot(env: NodeJS.ProcessEnv = process.env): string {
  if (env.VENVKIT_CODE_CACHE_DIR) return env.VENVKIT_CODE_CACHE_DIR;
  const root = resolve(cacheRoot(env));
  return root === parse(root).root ? join(root, 'venvkit-code') : `${root}-code`;
}

/** A named bucket inside the cache root (interpreters, wheels, http...). */
export function cacheDir(bucket: string, env: NodeJS.ProcessEnv = process.env): string {
  return join(cacheRoot(env), bucket);
}
