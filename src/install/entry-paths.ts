// Rules for the paths inside a wheel: which are safe, and where each lands. Pure.
import { join, normalize, sep } from 'node:path';

/** Why `name` (a zip entry name) is unsafe to extract, or undefined when it is fine. */
export function unsafeEntryReason(name: string): string | undefined {
  if (name.includes('\0')) return 'contains a NUL byte';
  if (name.startsWith('/') || /^[A-Za-z]:/.test(name)) return 'is an absolute path';
  if (name.includes('\\')) return 'contains a backslash';
  const parts = name.replace(/\/$/, '').split('/');
  if (parts.some((p) => p === '..')) return 'climbs out of its directory (..)';
  if (parts.some((p) => p === '' || p === '.')) return 'has an empty or "." path segment';
  return undefined;
}

/** The `.data/` subdirectories the format defines. */
export const DATA_KEYS = ['purelib', 'platlib', 'headers', 'scripts', 'data'] as const;
export type DataKey = (typeof DATA_KEYS)[number];

export type Placement = { key: 'lib' | DataKey; rel: string };

/**
 * Where an archive file goes: `lib` (purelib or platlib per Root-Is-Purelib) for ordinary files,
 * the scheme key for `<name>-<ver>.data/<key>/<rel>`. Throws for unknown keys or bare `.data` files.
 */
export function placeEntry(path: string, dataDir: string): Placement {
  if (path.startsWith(dataDir + '/')) {
    const rest = path.slice(dataDir.length + 1);
    const slash = rest.indexOf('/');
    const key = slash < 0 ? rest : rest.slice(0, slash);
    if (slash < 0 || slash === rest.length - 1) throw new Error(`${path} is not inside a ${dataDir}/<scheme>/ directory`);
    if (!(DATA_KEYS as readonly string[]).includes(key)) throw new Error(`${path} uses an unknown scheme directory "${key}" (expected one of ${DATA_KEYS.join(', ')})`);
    return { key: key as DataKey, rel: rest.slice(slash + 1) };
  }
  return { key: 'lib', rel: path };
}

/** No empty, "." or ".." segment, no leading or trailing "/", no backslash or NUL: what unsafeEntryReason lets through. */
const UNCLEAN = /(?:^|\/)\.{0,2}(?:\/|$)|[\\\0]/;

/**
 * A function joining `dir` with paths below it, as path.join does: for a clean `/`-separated path
 * (an archive path of an unpacked wheel, which unpack checked) by plain concatenation where `dir` is
 * already normalized on a `/` system, so the thousand files of a seed do not each run join's
 * character-by-character normalization (slow in code that has not warmed up); any other path by join.
 */
export function joinerBelow(dir: string): (rel: string) => string {
  if (sep !== '/' || dir === '/' || normalize(dir) !== dir || dir.endsWith('/')) return (rel) => join(dir, rel);
  const prefix = dir + '/';
  return (rel) => (UNCLEAN.test(rel) ? join(dir, rel) : prefix + rel);
}
