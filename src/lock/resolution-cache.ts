/**
 * The resolution cache: a lock's result kept under `<cache>/lock-resolutions/`, keyed by everything
 * that decides it, and used again only when nothing it read has changed, so a warm re-lock skips
 * reading and parsing the index pages, the resolution and the file facts.
 *
 * The key (stored whole in the entry and compared on read; the file name is its 64-bit hash) holds
 * venvkit's version and build, the requirements, constraints, extras, groups and their labels as
 * read this run, the index settings that choose candidates (URLs without passwords, pre-releases,
 * binary rules, release control, uploaded-prior-to), each target (its marker environment and
 * tags), the output path and format, the command line shown, the upgrade options, and the bytes of
 * the previous lock (whose pins are kept).
 *
 * The witness is what the resolution read, checked again before an entry is used:
 *  - a local file or directory (a file:// project page, its directory when it has no index.html,
 *    the index's directory when it has no such project, a find-links directory or file, a file:// wheel whose size goes into the lock or whose
 *    METADATA was read without an index hash): size, mtime, ctime and inode, or that it was absent,
 *    taken before it was read (a change after that is seen by the next run);
 *  - an http(s) project page: its links, read again through the page cache (a fresh page without a
 *    request, a stale one revalidated as always) and compared.
 * A resolution that read anything else (a remote find-links page, a file without a sha256 from a
 * remote location, a directly referenced URL, a local project, an index that failed) is not stored.
 * Used only when the cache may be trusted (cache/trust.ts) and not under --no-cache or
 * --refresh-package.
 */
import { readFileSync, statSync, type Stats } from 'node:fs';
import { join } from 'node:path';
import { cacheKey, writeFileAtomic } from '../cache/atomic.js';
import { readOwnText, usableCacheDir } from '../cache/trust.js';
import { redact } from '../index/http-errors.js';
import type { IndexSettings, PageLink } from '../index/types.js';
import { VERSION } from '../cli/version.js';

/** One thing read: a local path's stat (null: absent), or a remote page's links hash. */
export type WitnessEntry = { path: string; stat: string | null } | { index: string; project: string; links: string };

/** The stat fields that change when a file or directory does (null: no such path). */
export function statStamp(st: Stats | undefined): string | null {
  return st ? `${st.isDirectory() ? 'd' : 'f'}:${st.size}:${st.mtimeMs}:${st.ctimeMs}:${st.ino}` : null;
}

/** statStamp of `path` now ('?' when it cannot be stat'ed: never equal to a stamp taken). */
function stampNow(path: string): string | null {
  try {
    return statStamp(statSync(path, { throwIfNoEntry: false }));
  } catch {
    return '?';
  }
}

/** The hash of a page's links, for comparing a remote page with the one read before. */
export function linksStamp(links: readonly PageLink[] | undefined): string {
  return links ? cacheKey(JSON.stringify(links)) : 'absent';
}

/** What one resolution read (see the module comment); `spoiled` says why it may not be stored. */
export class Witness {
  readonly entries: WitnessEntry[] = [];
  private readonly paths = new Set<string>();
  spoiled: string | undefined;

  /** A local path about to be read (its stat taken now, or given: the one the reader took). */
  path(path: string, st?: Stats | null): void {
    if (this.paths.has(path)) return;
    this.paths.add(path);
    this.entries.push({ path, stat: st === undefined ? stampNow(path) : statStamp(st ?? undefined) });
  }

  remotePage(index: string, project: string, links: readonly PageLink[] | undefined): void {
    this.entries.push({ index: redact(index), project, links: linksStamp(links) });
  }

  spoil(reason: string): void {
    this.spoiled ??= reason;
  }
}

/** The settings that choose candidates (not how they are fetched), URLs without passwords. */
export function settingsKey(s: IndexSettings): unknown {
  return {
    indexUrl: s.noIndex ? null : redact(s.indexUrl), extraIndexUrls: s.noIndex ? [] : s.extraIndexUrls.map(redact), findLinks: s.findLinks.map(redact),
    pre: s.pre, requireHashes: s.requireHashes, formatControl: s.formatControl ?? null, preferBinary: !!s.preferBinary,
    releaseControl: s.releaseControl ?? null, uploadedPriorTo: s.uploadedPriorTo ?? null,
  };
}

/** JSON with Maps and Sets written as arrays (the key's parts are plain data otherwise). */
export function keyText(parts: unknown): string {
  return JSON.stringify(parts, (_k, v: unknown) => (v instanceof Map ? [...v.entries()] : v instanceof Set ? [...v] : v));
}

/** This build of venvkit: its version, and its bundle's size and mtime when it runs from one (a rebuilt checkout is another build). */
function buildId(): string {
  let file = '';
  try {
    file = typeof __filename === 'string' ? statStamp(statSync(__filename)) ?? '' : '';
  } catch {
    // (no file to name: the version alone)
  }
  return `${VERSION} ${file}`;
}

interface Entry<T> {
  key: string;
  witness: WitnessEntry[];
  value: T;
}

export interface CachedResolution<T> {
  value: T;
  /** The remote pages to read again (through the page cache) and compare; the local ones were checked. */
  remote: { index: string; project: string; links: string }[];
}

export class ResolutionCache {
  private readonly dir: string | undefined;
  readonly key: string;
  private readonly name: string;

  /**
   * `parts` make the key; `naming` (a small part of them: what the request is) names the entry's
   * file, so that the whole key (tags and all) need not be hashed: it is compared on read instead.
   */
  constructor(parts: unknown, naming: unknown, env: NodeJS.ProcessEnv = process.env) {
    this.dir = usableCacheDir('lock-resolutions', env, { quietIfUnusable: true });
    this.key = keyText({ build: buildId(), parts });
    this.name = cacheKey(keyText(naming));
  }

  /** Whether the cache directory may be used (cache/trust.ts). */
  get usable(): boolean {
    return this.dir !== undefined;
  }

  private file(): string | undefined {
    return this.dir ? join(this.dir, `${this.name}.json`) : undefined;
  }

  /** The stored value when its key is this one and every local path it read is as it was (remote pages: the caller's to check). */
  get<T>(): CachedResolution<T> | undefined {
    const file = this.file();
    const text = file ? readOwnText(file) : undefined;
    if (!text) return undefined;
    let entry: Entry<T>;
    try {
      entry = JSON.parse(text) as Entry<T>;
    } catch {
      return undefined;
    }
    if (entry.key !== this.key || !Array.isArray(entry.witness)) return undefined;
    const remote: CachedResolution<T>['remote'] = [];
    for (const w of entry.witness) {
      if ('path' in w) {
        if (stampNow(w.path) !== w.stat) return undefined;
      } else remote.push(w);
    }
    return { value: entry.value, remote };
  }

  set<T>(witness: Witness, value: T): void {
    const file = this.file();
    if (!file || witness.spoiled) return;
    try {
      writeFileAtomic(file, JSON.stringify({ key: this.key, witness: witness.entries, value } satisfies Entry<T>));
    } catch {
      // A cache that cannot be written costs speed only.
    }
  }
}

/** The bytes of the previous lock as key text (its pins are kept), or null when there is none. */
export function previousLockText(path: string): string | null {
  try {
    return readFileSync(path, 'latin1');
  } catch {
    return null;
  }
}
