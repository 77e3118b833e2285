/**
 * A cache of what the resolver reads from a distribution's METADATA (Requires-Dist, Requires-Python,
 * Provides-Extra), keyed by the file's sha256 as the index gives it: the same bytes always have the
 * same metadata, so a warm lock opens no wheel. Files without a sha256 are not cached.
 *
 * `<cache>/lock-metadata/` holds packs: each lock writes one file, `<key>.json`, with the entries it
 * read that no pack had (making a hundred files cost a cold lock of jupyter more than reading the
 * wheels). The first get() reads every pack; a lock that found MAX_PACKS or more writes them all,
 * with its own entries, as one pack and removes those it merged. Used only when the cache may be trusted
 * (cache/trust.ts) and not under --no-cache; a pack that does not parse is ignored (and merged away).
 */
import { readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cacheKey, stagingName } from '../cache/atomic.js';
import { usableCacheDir } from '../cache/trust.js';
import type { CandidateMetadata } from '../resolver/types.js';

interface Stored {
  requiresDist: string[];
  requiresPython: string | null;
  providesExtra: string[] | null;
}

interface Pack {
  v: 1;
  entries: Record<string, Stored>;
}

/** Packs on disk at which the next write merges them into one. */
const MAX_PACKS = 8;
const PACK_NAME = /^[0-9a-f]{16}\.json$/;
const SHA256 = /^[0-9a-f]{64}$/;

function valid(s: Stored | undefined): s is Stored {
  return !!s && Array.isArray(s.requiresDist) && s.requiresDist.every((r) => typeof r === 'string');
}

export class MetadataCache {
  private readonly dir: string | undefined;
  /** Entries of the packs on disk (read at the first get), and the names of those packs. */
  private known: Map<string, Stored> | undefined;
  private packs: string[] = [];
  /** Entries read this run that no pack has. */
  private readonly added = new Map<string, Stored>();

  constructor(env: NodeJS.ProcessEnv = process.env) {
    this.dir = usableCacheDir('lock-metadata', env, { quietIfUnusable: true });
  }

  private load(): Map<string, Stored> {
    if (this.known) return this.known;
    this.known = new Map();
    let names: string[] = [];
    try {
      names = readdirSync(this.dir!).filter((n) => PACK_NAME.test(n)).sort();
    } catch {
      // (no directory: nothing cached)
    }
    for (const name of names) {
      this.packs.push(name);
      try {
        const pack = JSON.parse(readFileSync(join(this.dir!, name), 'utf8')) as Pack;
        if (pack.v !== 1 || typeof pack.entries !== 'object' || pack.entries === null) continue;
        for (const [sha256, s] of Object.entries(pack.entries)) if (SHA256.test(sha256) && valid(s)) this.known.set(sha256, s);
      } catch {
        // A pack that cannot be read or parsed only costs speed (and is merged away).
      }
    }
    return this.known;
  }

  get(sha256: string | undefined): CandidateMetadata | undefined {
    if (!this.dir || !sha256) return undefined;
    const s = this.added.get(sha256) ?? this.load().get(sha256);
    if (!s) return undefined;
    return { requiresDist: s.requiresDist, requiresPython: typeof s.requiresPython === 'string' ? s.requiresPython : null, providesExtra: Array.isArray(s.providesExtra) ? s.providesExtra : null };
  }

  /** Kept in memory until flush(). */
  set(sha256: string | undefined, md: CandidateMetadata): void {
    if (!this.dir || !sha256 || !SHA256.test(sha256) || md.requiresDist.some((r) => typeof r !== 'string')) return;
    if (this.known?.has(sha256)) return;
    this.added.set(sha256, { requiresDist: md.requiresDist as string[], requiresPython: md.requiresPython ?? null, providesExtra: md.providesExtra ? [...md.providesExtra] : null });
  }

  /** Writes the entries set since the last flush as one pack (all of them, merged, when there are too many packs). */
  flush(): void {
    if (!this.dir || this.added.size === 0) return;
    const merge = this.packs.length >= MAX_PACKS;
    const entries: Record<string, Stored> = {};
    if (merge) for (const [k, v] of this.known!) entries[k] = v;
    for (const [k, v] of this.added) entries[k] = v;
    const text = JSON.stringify({ v: 1, entries } satisfies Pack);
    // (Named by its entries' hashes, which decide its content: the same pack written twice is one file.)
    const name = `${cacheKey(Object.keys(entries).sort().join())}.json`;
    const path = join(this.dir, name);
    // As writeFileAtomic (cache/atomic.ts) does, less its mkdir (the bucket exists: usableCacheDir made it).
    const tmp = stagingName(path);
    try {
      writeFileSync(tmp, text, { mode: 0o644, flag: 'wx' });
      renameSync(tmp, path);
    } catch {
      // A cache that cannot be written costs speed only.
      try {
        rmSync(tmp, { force: true });
      } catch {
        // (nor one whose staging file stays)
      }
      return;
    }
    for (const [k, v] of this.added) this.known?.set(k, v);
    this.added.clear();
    if (merge) {
      for (const old of this.packs) {
        try {
          if (old !== name) rmSync(join(this.dir, old), { force: true });
        } catch {
          // (merged again next time)
        }
      }
      this.packs = [name];
    } else {
      this.packs.push(name);
    }
  }
}
