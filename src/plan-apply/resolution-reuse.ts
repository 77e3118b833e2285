// A warm install's resolution used again: the resolution cache `lock` keeps (lock/resolution-cache.ts:
// the same store, the same witness rules) holds install's resolutions too, under their own key, so a
// warm `install` of the same requirement set against unchanged index pages skips reading and parsing
// the pages and the wheels' METADATA and the resolution itself.
//
// The key holds everything the resolution read besides the pages: the requirements and constraints
// (as read this run), the index settings that choose candidates, the constraint files of pip's
// configuration (paths; their contents are witnessed by stat), the target interpreter's facts and
// wheel tags, what is installed (its versions are preferred), the upgrade options, --no-deps,
// --ignore-requires-python and the hash pins. What the witness holds is checked before a hit is used:
// every local page, directory, find-links location and file:// wheel whose METADATA was read without an
// index hash as it was, and every remote page with the same links (read through the page cache).
// Not used (nothing stored) for local projects, direct references, pylock.toml installs, sdists
// built for their metadata, --no-cache, --refresh-package, or a resolution during which an index could
// not be read.
import { fileURLToPath } from 'node:url';
import { linksStamp, ResolutionCache, settingsKey, Witness } from '../lock/resolution-cache.js';
import type { IndexClient } from '../index/index-client.js';
import { requirementToString } from '../pep/pep508.js';
import type { IndexCandidate } from '../resolver/index-provider.js';
import type { Resolution } from '../resolver/types.js';
import type { InterpreterInfo } from '../python/types.js';
import type { CollectedInputs } from './inputs.js';

/** What decides an install's resolution besides the pages it reads. */
export interface ReuseInputs {
  collected: CollectedInputs;
  interpreter: InterpreterInfo;
  /** The wheel tags given instead of the interpreter's own (another target's). */
  tags?: readonly string[];
  preferred: ReadonlyMap<string, string>;
  upgrade?: boolean;
  upgradeStrategy?: string;
  noDeps?: boolean;
  ignoreRequiresPython?: boolean;
  noCache?: boolean;
  env: NodeJS.ProcessEnv;
}

interface Stored {
  resolution: Resolution<IndexCandidate>;
  warnings: string[];
}

/** The resolution cache of one install: `witness` goes to the index client; undefined when this install's resolution may not be reused. */
export class ResolutionReuse {
  readonly witness = new Witness();
  private readonly cache: ResolutionCache;
  private readonly warnings: string[] = [];
  private recording = false;
  /** What became of this install's resolution: used again, stored, or not storable (something it read cannot be checked again). */
  status: 'hit' | 'stored' | 'not-stored' | undefined;

  private constructor(cache: ResolutionCache) {
    this.cache = cache;
  }

  static for(i: ReuseInputs): ResolutionReuse | undefined {
    const c = i.collected;
    if (i.noCache || c.local.length || c.locked || c.settings.refreshPackages?.length || c.requirements.some((r) => r.url)) return undefined;
    const cache = new ResolutionCache({
      command: 'install',
      requirements: c.requirements.map(requirementToString), constraints: c.constraints.map(requirementToString),
      settings: settingsKey(c.settings), constraintFiles: c.settings.constraints,
      interpreter: i.interpreter, tags: i.tags ?? null,
      preferred: [...i.preferred].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
      upgrade: i.upgrade ? i.upgradeStrategy ?? 'only-if-needed' : null, noDeps: !!i.noDeps, ignoreRequiresPython: !!i.ignoreRequiresPython,
      hashMode: c.hashMode, pins: [...c.pins].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
    }, { command: 'install', requirements: c.requirements.map((r) => r.name), python: i.interpreter.executable ?? null }, i.env);
    if (!cache.usable) return undefined;
    const reuse = new ResolutionReuse(cache);
    for (const f of c.settings.constraints) {
      if (/^https?:/i.test(f)) reuse.witness.spoil(`the constraints file ${f} is remote`);
      else reuse.witness.path(/^file:/i.test(f) ? fileURLToPath(f) : f);
    }
    return reuse;
  }

  /** A warning given while resolving (replayed when the resolution is used again). */
  warned(message: string): void {
    if (this.recording) this.warnings.push(message);
  }

  /** The stored resolution when nothing it read has changed (its warnings given again through `onWarning`); else undefined, and what follows is recorded. */
  async get(client: IndexClient, onWarning: (m: string) => void): Promise<Resolution<IndexCandidate> | undefined> {
    const hit = this.cache.get<Stored>();
    if (hit && Array.isArray(hit.value?.resolution?.packages) && (await samePages(hit.remote, client))) {
      for (const m of hit.value.warnings ?? []) onWarning(m);
      this.status = 'hit';
      return hit.value.resolution;
    }
    this.recording = true;
    return undefined;
  }

  /** Keep `resolution` (unless something it read cannot be checked again). */
  set(resolution: Resolution<IndexCandidate>): void {
    this.recording = false;
    this.cache.set<Stored>(this.witness, { resolution, warnings: this.warnings });
    this.status = this.witness.spoiled ? 'not-stored' : 'stored';
  }
}

/** Whether the remote pages a cached resolution read still have the same links (as lock/api.ts checks them). */
async function samePages(remote: readonly { index: string; project: string; links: string }[], client: IndexClient): Promise<boolean> {
  const again = await Promise.all(remote.map(async (r) => {
    try {
      const got = await client.pageAgain(r.index, r.project);
      return got !== null && linksStamp(got.links) === r.links;
    } catch {
      return false;
    }
  }));
  return again.every(Boolean);
}
