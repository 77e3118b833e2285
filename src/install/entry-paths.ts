// Rules for the paths inside a wheel: which are safe, and where each lands. Pure.

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
