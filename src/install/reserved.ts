// The names venvkit itself uses inside an environment (its lock, transaction stages and journals,
// and anything else it may add): the one list. A wheel may not install anything there. Pure.

/** Every name venvkit uses at an env's top level starts with this (matched ignoring case). */
export const RESERVED_PREFIX = '.venvkit';
/** The env's lock file (src/install/env-lock.ts). */
export const LOCK_NAME = '.venvkit.lock';
/** Transaction stages: `<env>/.venvkit-txn-<pid>-<hex>/` (src/install/apply.ts). */
export const STAGE_PREFIX = '.venvkit-txn-';
/** The journal inside a stage (src/install/journal.ts). */
export const JOURNAL_NAME = 'journal.json';

/**
 * Whether `rel` (a path relative to the env root, `/`-separated) falls on a name venvkit reserves:
 * its first segment starts with `.venvkit`, ignoring case and the trailing dots and spaces Windows
 * drops (so `.VENVKIT.LOCK.` on a case-insensitive file system counts too).
 */
export function isReservedEnvPath(rel: string): boolean {
  if (rel.charCodeAt(0) !== 0x2e) return false; // not a '.': the usual case, decided without splitting
  const first = rel.split(/[/\\]/, 1)[0]!.replace(/[. ]+$/, '').toLowerCase();
  return first.startsWith(RESERVED_PREFIX);
}
