/**
 * A cache of what the resolver reads from a distribution's METADATA (Requires-Dist, Requires-Python,
 * Provides-Extra), keyed by the file's sha256 as the index gives it: the same bytes always have the
 * same metadata, so a warm lock opens no wheel. `<cache>/lock-metadata/<sha256>.json`, all in one
 * directory (a cold lock makes none), used only when the cache may be trusted (cache/trust.ts) and
 * not under --no-cache; a file that does not parse is ignored (and rewritten). Files without a
 * sha256 are not cached.
 */
import { readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stagingName } from '../cache/atomic.js';
import { usableCacheDir } from '../cache/trust.js';
import type { CandidateMetadata } from '../resolver/types.js';

interface Stored {
  requiresDist: string[];
  requiresPython: string | null;
  providesExtra: string[] | null;
}

export class MetadataCache {
  private readonly dir: string | undefined;

  constructor(env: NodeJS.ProcessEnv = process.env) {
    this.dir = usableCacheDir('lock-metadata', env, { quietIfUnusable: true });
  }

  private path(sha256: string): string | undefined {
    return this.dir && /^[0-9a-f]{64}$/.test(sha256) ? join(this.dir, `${sha256}.json`) : undefined;
  }

  get(sha256: string | undefined): CandidateMetadata | undefined {
    const path = sha256 ? this.path(sha256) : undefined;
    if (!path) return undefined;
    try {
      const s = JSON.parse(readFileSync(path, 'utf8')) as Stored;
      if (!Array.isArray(s.requiresDist) || s.requiresDist.some((r) => typeof r !== 'string')) return undefined;
      return { requiresDist: s.requiresDist, requiresPython: typeof s.requiresPython === 'string' ? s.requiresPython : null, providesExtra: Array.isArray(s.providesExtra) ? s.providesExtra : null };
    } catch {
      return undefined;
    }
  }

  set(sha256: string | undefined, md: CandidateMetadata): void {
    const path = sha256 ? this.path(sha256) : undefined;
    if (!path || md.requiresDist.some((r) => typeof r !== 'string')) return;
    const stored: Stored = { requiresDist: md.requiresDist as string[], requiresPython: md.requiresPython ?? null, providesExtra: md.providesExtra ? [...md.providesExtra] : null };
    // As writeFileAtomic (cache/atomic.ts) does, less its mkdir (the bucket exists: usableCacheDir made it).
    const tmp = stagingName(path);
    try {
      writeFileSync(tmp, JSON.stringify(stored), { mode: 0o644, flag: 'wx' });
      renameSync(tmp, path);
    } catch {
      // A cache that cannot be written costs speed only.
      try {
        rmSync(tmp, { force: true });
      } catch {
        // (nor one whose staging file stays)
      }
    }
  }
}
