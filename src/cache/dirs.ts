import { homedir } from 'node:os';
import { join } from 'node:path';

/** venvkit's cache root: $VENVKIT_CACHE_DIR, else $XDG_CACHE_HOME/venvkit, else ~/.cache/venvkit. */
export function cacheRoot(env: NodeJS.ProcessEnv = process.env): string {
  if (env.VENVKIT_CACHE_DIR) return env.VENVKIT_CACHE_DIR;
  if (env.XDG_CACHE_HOME) return join(env.XDG_CACHE_HOME, 'venvkit');
  return join(homedir(), '.cache', 'venvkit');
}

/** A named bucket inside the cache root (interpreters, wheels, http...). */
export function cacheDir(bucket: string, env: NodeJS.ProcessEnv = process.env): string {
  return join(cacheRoot(env), bucket);
}
