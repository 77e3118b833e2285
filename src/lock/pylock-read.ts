// Reading a pylock.toml (PEP 751, lock-version 1.x) into checked data: the TOML is parsed with
// smol-toml (loaded only here), then every field venvkit uses is checked for its type, with the
// package it belongs to named in the error. Nothing is selected or installed here (pylock-select.ts).
import { readFileSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { VenvkitError } from '../errors.js';
import { canonicalizeName } from '../pep/names.js';

/** A file of a package: a wheel, the sdist, or an archive. */
export interface LockedFile {
  /** The file's name (given, or the last segment of its url/path). */
  name: string;
  url?: string;
  path?: string;
  size?: number;
  /** Lower-case algorithm -> lower-case hex; never empty. */
  hashes: Record<string, string>;
}

export interface LockedPackage {
  /** Position in [[packages]] (0-based), for messages. */
  index: number;
  name: string;
  /** Normalised name. */
  key: string;
  version?: string;
  marker?: string;
  requiresPython?: string;
  /** The index the files come from, when the lock names it. */
  indexUrl?: string;
  wheels: LockedFile[];
  sdist?: LockedFile;
  archive?: LockedFile & { subdirectory?: string };
  directory?: { path: string; editable: boolean; subdirectory?: string };
  /** PEP 751 `attestation-identities` (each with a `kind`), kept as written: read, not verified (pip 26.2 does not verify them either). */
  attestationIdentities?: Record<string, unknown>[];
  vcs?: { type: string; url?: string; path?: string; requestedRevision?: string; commitId: string; subdirectory?: string };
}

export interface Pylock {
  /** The file it was read from. */
  path: string;
  lockVersion: string;
  createdBy: string;
  requiresPython?: string;
  environments?: string[];
  extras: string[];
  dependencyGroups: string[];
  defaultGroups: string[];
  packages: LockedPackage[];
}

/** pylock.toml or pylock.NAME.toml (PEP 751's file names, as pip recognises them). */
export function isPylockName(file: string): boolean {
  const name = basename(file.split(/[?#]/, 1)[0]!);
  return name === 'pylock.toml' || /^pylock\.[^.]+\.toml$/.test(name);
}

function bad(path: string, what: string, hint = 'See the pylock.toml specification (PEP 751) for the fields of a lock file.'): never {
  throw new VenvkitError('BAD_LOCK', `${path}: ${what}`, { hint });
}

type Table = Record<string, unknown>;
const isTable = (v: unknown): v is Table => typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Date);

function str(t: Table, key: string, where: string, path: string, required = false): string | undefined {
  const v = t[key];
  if (v === undefined) return required ? bad(path, `${where}: ${key} is missing`) : undefined;
  if (typeof v !== 'string') bad(path, `${where}: ${key} must be a string`);
  return v;
}

function strList(t: Table, key: string, where: string, path: string): string[] | undefined {
  const v = t[key];
  if (v === undefined) return undefined;
  if (!Array.isArray(v) || v.some((x) => typeof x !== 'string')) bad(path, `${where}: ${key} must be an array of strings`);
  return v as string[];
}

function lockedFile(v: unknown, where: string, path: string, pkg: string): LockedFile {
  if (!isTable(v)) bad(path, `${where} must be a table`);
  const url = str(v, 'url', where, path);
  const filePath = str(v, 'path', where, path);
  if (url === undefined && filePath === undefined) bad(path, `${where}: neither url nor path is given`);
  const hashes = v.hashes;
  if (hashes === undefined || (isTable(hashes) && Object.keys(hashes).length === 0)) {
    bad(path, `${where} (${pkg}) has no hashes`, 'Every file in a lock must carry its hashes (PEP 751); write the lock again with a locker that records them.');
  }
  if (!isTable(hashes) || Object.values(hashes).some((h) => typeof h !== 'string')) bad(path, `${where}: hashes must be a table of strings`);
  const size = v.size;
  if (size !== undefined && (typeof size !== 'number' && typeof size !== 'bigint')) bad(path, `${where}: size must be an integer`);
  const name = str(v, 'name', where, path) ?? decodeURIComponent(basename((url ?? filePath)!.split(/[?#]/, 1)[0]!));
  return {
    name, hashes: Object.fromEntries(Object.entries(hashes as Record<string, string>).map(([a, h]) => [a.toLowerCase(), h.toLowerCase()])),
    ...(url !== undefined ? { url } : {}), ...(filePath !== undefined ? { path: filePath } : {}), ...(size !== undefined ? { size: Number(size) } : {}),
  };
}

function lockedPackage(v: unknown, index: number, path: string): LockedPackage {
  const where = `packages[${index}]`;
  if (!isTable(v)) bad(path, `${where} must be a table`);
  const name = str(v, 'name', where, path, true)!;
  const named = `${where} (${name})`;
  const pkg: LockedPackage = { index, name, key: canonicalizeName(name), wheels: [] };
  const version = str(v, 'version', named, path);
  if (version !== undefined) pkg.version = version;
  const marker = str(v, 'marker', named, path);
  if (marker !== undefined) pkg.marker = marker;
  const requiresPython = str(v, 'requires-python', named, path);
  if (requiresPython !== undefined) pkg.requiresPython = requiresPython;
  const indexUrl = str(v, 'index', named, path);
  if (indexUrl !== undefined) pkg.indexUrl = indexUrl;
  const ids = v['attestation-identities'];
  if (ids !== undefined) {
    if (!Array.isArray(ids) || !ids.every((x) => isTable(x) && typeof x.kind === 'string')) bad(path, `${named}: attestation-identities must be an array of tables, each with a kind`);
    pkg.attestationIdentities = ids as Record<string, unknown>[];
  }
  if (v.wheels !== undefined) {
    if (!Array.isArray(v.wheels)) bad(path, `${named}: wheels must be an array of tables`);
    pkg.wheels = v.wheels.map((w, i) => lockedFile(w, `${where}.wheels[${i}]`, path, name));
  }
  if (v.sdist !== undefined) pkg.sdist = lockedFile(v.sdist, `${where}.sdist`, path, name);
  if (v.archive !== undefined) {
    pkg.archive = lockedFile(v.archive, `${where}.archive`, path, name);
    const sub = str(v.archive as Table, 'subdirectory', `${where}.archive`, path);
    // A directory inside the archive: one that climbs out of it (or is absolute) is refused before anything is fetched.
    if (sub !== undefined && (/^[\\/]/.test(sub) || /^[A-Za-z]:/.test(sub) || sub.split(/[\\/]/).includes('..'))) {
      bad(path, `${where}.archive: subdirectory "${sub}" is not a directory inside the archive`, "The subdirectory is relative to the archive's top-level directory and stays inside it: fix it, or lock again.");
    }
    if (sub !== undefined) pkg.archive.subdirectory = sub;
  }
  if (v.directory !== undefined) {
    const d = v.directory;
    if (!isTable(d)) bad(path, `${where}.directory must be a table`);
    const editable = d.editable;
    if (editable !== undefined && typeof editable !== 'boolean') bad(path, `${where}.directory: editable must be a boolean`);
    const sub = str(d, 'subdirectory', `${where}.directory`, path);
    pkg.directory = { path: str(d, 'path', `${where}.directory`, path, true)!, editable: editable === true, ...(sub !== undefined ? { subdirectory: sub } : {}) };
  }
  if (v.vcs !== undefined) {
    const d = v.vcs;
    if (!isTable(d)) bad(path, `${where}.vcs must be a table`);
    const url = str(d, 'url', `${where}.vcs`, path);
    const p = str(d, 'path', `${where}.vcs`, path);
    const sub = str(d, 'subdirectory', `${where}.vcs`, path);
    const rev = str(d, 'requested-revision', `${where}.vcs`, path);
    if (url === undefined && p === undefined) bad(path, `${where}.vcs: neither url nor path is given`);
    pkg.vcs = {
      type: str(d, 'type', `${where}.vcs`, path, true)!, commitId: str(d, 'commit-id', `${where}.vcs`, path, true)!,
      ...(url !== undefined ? { url } : {}), ...(p !== undefined ? { path: p } : {}), ...(rev !== undefined ? { requestedRevision: rev } : {}), ...(sub !== undefined ? { subdirectory: sub } : {}),
    };
  }
  // PEP 751: one source kind per entry (wheels and an sdist go together).
  const kinds = [pkg.vcs && 'vcs', pkg.directory && 'directory', pkg.archive && 'archive', (pkg.wheels.length || pkg.sdist) && 'wheels/sdist'].filter(Boolean);
  if (kinds.length === 0) bad(path, `${named} has no source: give wheels, an sdist, an archive, a directory or a vcs table`);
  if (kinds.length > 1) bad(path, `${named} has more than one kind of source (${kinds.join(', ')})`);
  if ((pkg.wheels.length || pkg.sdist) && version === undefined) bad(path, `${named}: version is required for a package from wheels or an sdist`);
  return pkg;
}

/** Checks parsed TOML as a pylock.toml. BAD_LOCK names the field (and the package) that is wrong. */
export function pylockFromToml(data: Table, path: string, onWarning?: (message: string) => void): Pylock {
  const lockVersion = str(data, 'lock-version', 'the lock', path, true)!;
  const m = /^(\d+)(?:\.(\d+))?$/.exec(lockVersion.trim());
  if (!m) bad(path, `lock-version "${lockVersion}" is not a version (expected "1.0")`);
  if (m[1] !== '1') {
    throw new VenvkitError('BAD_LOCK', `${path}: lock-version ${lockVersion} is not supported (venvkit reads lock-version 1.x)`, {
      hint: 'Install it with a tool that reads this lock version, or write the lock again with lock-version 1.0.',
    });
  }
  if (m[2] !== undefined && m[2] !== '0') onWarning?.(`${path}: lock-version ${lockVersion} is newer than 1.0; fields venvkit does not know are ignored`);
  const createdBy = str(data, 'created-by', 'the lock', path, true)!;
  if (!Array.isArray(data.packages)) bad(path, data.packages === undefined ? 'the [[packages]] array is missing' : 'packages must be an array of tables');
  const lock: Pylock = {
    path, lockVersion, createdBy,
    extras: strList(data, 'extras', 'the lock', path) ?? [],
    dependencyGroups: strList(data, 'dependency-groups', 'the lock', path) ?? [],
    defaultGroups: strList(data, 'default-groups', 'the lock', path) ?? [],
    packages: (data.packages as unknown[]).map((p, i) => lockedPackage(p, i, path)),
  };
  const requiresPython = str(data, 'requires-python', 'the lock', path);
  if (requiresPython !== undefined) lock.requiresPython = requiresPython;
  const environments = strList(data, 'environments', 'the lock', path);
  if (environments !== undefined) lock.environments = environments;
  return lock;
}

/** Parses TOML text with smol-toml; a syntax error is BAD_LOCK with the line and column. */
export async function parseLockToml(text: string, path: string): Promise<Table> {
  const { parse, TomlError } = await import('smol-toml');
  try {
    return parse(text) as Table;
  } catch (e) {
    if (e instanceof TomlError) {
      const first = e.message.split('\n')[0]!.replace(/^Invalid TOML document:\s*/, '');
      throw new VenvkitError('BAD_LOCK', `${path}:${e.line}:${e.column}: ${first}`, { hint: 'Fix the TOML syntax there (TOML 1.0), or write the lock again.', cause: e });
    }
    throw e;
  }
}

// Locks read in this process, by path, with the file's identity when read (size, mtime, ctime,
// inode): a host that syncs again with the lock unchanged (an editor) does not parse it again.
const memo = new Map<string, { id: string; lock: Pylock }>();

/** Bumped when the checked form (Pylock) changes: older cached forms are then not read. */
const FORM = 1;

/**
 * The checked form of a lock's text, cached as JSON under <cache>/locks/<sha256 of the text>: TOML
 * parsing (and loading the parser) is most of what a no-op sync costs in a new process, and the
 * same text always gives the same form. Warnings are kept with it and said again on a hit.
 */
async function checkedForm(text: string, path: string, options: ReadOptions): Promise<Pylock> {
  const { createHash } = await import('node:crypto');
  const key = createHash('sha256').update(`${FORM}\0${text}`).digest('hex');
  let file: string | undefined;
  if (!options.noCache) {
    const { usableCacheDir } = await import('../cache/trust.js');
    const dir = usableCacheDir('locks', options.env ?? process.env, { quietIfUnusable: true });
    file = dir && join(dir, `${key}.json`);
  }
  if (file) {
    try {
      const hit = JSON.parse(readFileSync(file, 'utf8')) as { lock: Omit<Pylock, 'path'>; warnings: string[] };
      for (const w of hit.warnings) options.onWarning?.(w.replaceAll('\0PATH\0', path));
      return { ...hit.lock, path };
    } catch {
      // missing or unreadable: parse
    }
  }
  const warnings: string[] = [];
  const lock = pylockFromToml(await parseLockToml(text, path), path, (w) => {
    warnings.push(w.replaceAll(path, '\0PATH\0'));
    options.onWarning?.(w);
  });
  if (file) {
    try {
      const { writeFileAtomic } = await import('../cache/atomic.js');
      const { path: _, ...rest } = lock;
      // Messages name the lock's path: stored without it (the same text may be at another path).
      writeFileAtomic(file, JSON.stringify({ lock: rest, warnings }));
    } catch {
      // a cache that cannot be written costs the next read a parse, nothing more
    }
  }
  return lock;
}

interface ReadOptions {
  onWarning?: (message: string) => void;
  /** Where the cache is ($VENVKIT_CACHE_DIR...). */
  env?: NodeJS.ProcessEnv;
  noCache?: boolean;
}

/** Reads and checks the pylock.toml at `path`. */
export async function readPylock(path: string, options: ReadOptions = {}): Promise<Pylock> {
  let text: string;
  let id: string;
  try {
    const st = statSync(path, { bigint: true });
    id = `${st.size}:${st.mtimeNs}:${st.ctimeNs}:${st.ino}:${st.dev}`;
    const hit = memo.get(path);
    if (hit && hit.id === id) return hit.lock;
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new VenvkitError('BAD_PATH', `No such lock file: ${path}`, { hint: 'Give the path of a pylock.toml (or a requirements.txt).', cause: e });
  }
  const lock = await checkedForm(text, path, options);
  memo.set(path, { id, lock });
  return lock;
}
