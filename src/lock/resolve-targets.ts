/**
 * One resolution per lock target, all against one index client: project pages are read once, and
 * a file's metadata is fetched once however many targets use it. The targets are resolved in turn,
 * in the order given (so the first one that fails is the one named). A target without a solution is
 * LOCK_UNCOVERED, naming it.
 */
import { VenvkitError } from '../errors.js';
import { FormatControl } from '../index/format-control.js';
import type { IndexClient } from '../index/index-client.js';
import type { Candidate as IndexFile } from '../index/types.js';
import { compareVersions, tryParseVersion, type Version } from '../pep/pep440.js';
import { parseRequirement, type Requirement } from '../pep/pep508.js';
import { IndexProvider, type IndexCandidate } from '../resolver/index-provider.js';
import { resolve } from '../resolver/solver.js';
import type { CandidateMetadata, PackageProvider, Resolution } from '../resolver/types.js';
import { TURN_MS } from '../install/turns.js';
import { MetadataCache } from './metadata-cache.js';
import type { Witness } from './resolution-cache.js';
import { fileURLToPath } from 'node:url';
import type { LockTarget } from './targets.js';

/** A requirement parsed (an invalid one stays a string: the solver reports it, naming the package). */
function parsedOnce(r: string | Requirement): string | Requirement {
  if (typeof r !== 'string') return r;
  try {
    return parseRequirement(r);
  } catch {
    return r;
  }
}

const now = (): number => Number(process.hrtime.bigint()) / 1e6;

/**
 * A turn of the event loop for a host after every TURN_MS of work, shared by many chains of
 * promises that never wait on I/O (the prefetch's): a chain woken after the others have used up
 * the turn waits for the next one, so no turn holds the thread much longer than TURN_MS.
 */
class SharedTurns {
  private last = now();
  private next: Promise<void> | undefined;

  async give(): Promise<void> {
    while (now() - this.last >= TURN_MS) {
      await (this.next ??= new Promise<void>((resolve) => setImmediate(() => {
        this.next = undefined;
        this.last = now();
        resolve();
      })));
    }
  }
}

/** Metadata shared by every target's provider and the prefetch, by file URL; the disk cache; the resolution cache's witness. */
export interface SharedMetadata {
  metadata: Map<string, Promise<CandidateMetadata>>;
  disk?: MetadataCache;
  witness?: Witness;
  /**
   * A local wheel's METADATA is read synchronously (index/metadata.ts), and the prefetch chains
   * one read to the next without waiting on anything: a host's event loop gets a turn every few
   * milliseconds of reading.
   */
  turns: SharedTurns;
}

export function sharedMetadata(o: { noCache?: boolean; witness?: Witness; env?: NodeJS.ProcessEnv }): SharedMetadata {
  return { metadata: new Map(), turns: new SharedTurns(), ...(o.noCache ? {} : { disk: new MetadataCache(o.env) }), ...(o.witness ? { witness: o.witness } : {}) };
}

/** The metadata of `file` (a wheel, or an sdist's build), read once for every target: from the disk cache by sha256, else by `read`. */
function metadataOf(shared: SharedMetadata, file: IndexFile, sdist: boolean, read: () => Promise<CandidateMetadata>): Promise<CandidateMetadata> {
  const key = file.url;
  let p = shared.metadata.get(key);
  if (!p) {
    // What a cached resolution must check again: a local file's METADATA is its bytes' (an index
    // hash stands for them); a remote file without a hash or a build's metadata cannot be checked.
    const witness = shared.witness;
    if (witness && (sdist || !file.hashes.sha256)) {
      if (sdist) witness.spoil(`the metadata of ${file.filename} is built`);
      else if (/^file:/i.test(key)) witness.path(fileURLToPath(key));
      else witness.spoil(`${file.filename} has no sha256`);
    }
    // Parsed once for every target (the solvers do not change requirements).
    const sha256 = file.hashes.sha256;
    const stored = sdist ? undefined : shared.disk?.get(sha256);
    const got = stored ? Promise.resolve(stored) : shared.turns.give().then(read).then((md) => {
      if (!sdist) shared.disk?.set(sha256, md);
      return md;
    });
    p = got.then((md) => ({ ...md, requiresDist: md.requiresDist.map(parsedOnce) }));
    shared.metadata.set(key, p);
    p.catch(() => shared.metadata.delete(key));
  }
  return p;
}

/**
 * Reads ahead, before the targets are known (while the interpreter is asked): from the
 * requirements without markers, each project's page, and the METADATA of its newest final release
 * that the specifier allows when that release has one pure-Python wheel (the one any target would
 * take), then the same for its unmarked requirements. What the solvers then ask for is mostly read.
 * Only work that the resolution would do anyway, or a little more: nothing is decided here.
 * Returns a function that stops it (a lock served from the resolution cache needs none of it).
 */
export function prefetchMetadata(requirements: readonly Requirement[], client: IndexClient, shared: SharedMetadata, budget = 200): () => void {
  const seen = new Set<string>();
  let stopped = false;
  const visit = (r: Requirement | string): void => {
    if (stopped || typeof r === 'string' || r.url || r.marker || seen.has(r.key) || seen.size >= budget) return;
    seen.add(r.key);
    // (A turn for a host first: the prefetch runs many such chains at once, none waiting on I/O.)
    void shared.turns.give().then(() => client.project(r.key)).then((page) => {
      let best: { v: Version; files: IndexFile[] } | undefined;
      for (const f of page.candidates) {
        const v = tryParseVersion(f.version);
        if (!v || v.isPrerelease || f.yanked || !r.specifier.contains(v)) continue;
        const c = best ? compareVersions(v, best.v) : 1;
        if (c > 0) best = { v, files: [f] };
        else if (c === 0) best!.files.push(f);
      }
      const wheel = best?.files.length === 1 ? best.files[0]! : undefined;
      if (!wheel || !/-none-any\.whl$/i.test(wheel.filename) || !(wheel.hashes.sha256 || /^file:/i.test(wheel.url))) return;
      // As IndexProvider.dependencies reads a wheel's metadata.
      return metadataOf(shared, wheel, false, () => client.fetchMetadata(wheel).then((md) => ({ requiresDist: md.requiresDist, requiresPython: md.requiresPython ?? null, providesExtra: md.providesExtra })))
        .then((md) => { for (const d of md.requiresDist) visit(d); });
    }).catch(() => {
      // (the resolution reads it again and reports what it must)
    });
  };
  for (const r of requirements) visit(r);
  return () => {
    stopped = true;
  };
}

/** A provider for one target that shares metadata (by file URL) with the other targets' providers. */
class SharedMetadataProvider implements PackageProvider<IndexCandidate> {
  constructor(private readonly inner: IndexProvider, private readonly shared: SharedMetadata) {}

  versions(name: string): Promise<readonly IndexCandidate[]> {
    return this.inner.versions(name);
  }

  dependencies(name: string, c: IndexCandidate): Promise<CandidateMetadata> {
    if (!c.file) return this.inner.dependencies(name, c);
    return metadataOf(this.shared, c.file, !!c.sdist, () => this.inner.dependencies(name, c));
  }

  fromUrl(name: string, url: string): Promise<IndexCandidate> {
    this.shared.witness?.spoil(`${name} is a direct reference`);
    return this.inner.fromUrl(name, url);
  }
}

export interface ResolveTargetsOptions {
  client: IndexClient;
  constraints: readonly Requirement[];
  prereleases: boolean | ((name: string) => boolean | undefined);
  /** Versions to keep (from the previous lock), per target. */
  preferred?: (t: LockTarget) => ReadonlyMap<string, string> | undefined;
  upgrade?: boolean | ReadonlySet<string>;
  onWarning?: (message: string) => void;
  /** Do not read or write the metadata cache (metadata-cache.ts). */
  noCache?: boolean;
  /** Told of the metadata read that a cached resolution must check again (resolution-cache.ts). */
  witness?: Witness;
  /** The metadata already read or being read (prefetchMetadata); default: a new one. */
  shared?: SharedMetadata;
}

export interface TargetResolution {
  target: LockTarget;
  resolution: Resolution<IndexCandidate>;
}

export interface ResolvedTargets {
  results: TargetResolution[];
  /** Metadata of every candidate chosen, by file URL. */
  metadata: Map<string, Promise<CandidateMetadata>>;
}

/** Resolves `requirements` for every target (see the module comment). */
export async function resolveTargets(requirements: readonly Requirement[], targets: readonly LockTarget[], o: ResolveTargetsOptions): Promise<ResolvedTargets> {
  const shared = o.shared ?? sharedMetadata(o);
  const settings = o.client.settings;
  const formatControl = settings.formatControl?.length ? FormatControl.from(settings.formatControl) : undefined;
  const warned = new Set<string>();
  const onWarning = (m: string) => {
    if (warned.has(m)) return;
    warned.add(m);
    o.onWarning?.(m);
  };
  const one = async (target: LockTarget): Promise<TargetResolution> => {
    const provider = new SharedMetadataProvider(new IndexProvider(o.client, {
      tags: target.tags, pythonVersion: target.env.python_full_version, targetName: target.name,
      ...(formatControl ? { formatControl } : {}),
      preferBinary: !!settings.preferBinary,
    }), shared);
    try {
      const preferred = o.preferred?.(target);
      const resolution = await resolve(requirements, provider, {
        env: target.env,
        constraints: o.constraints,
        prereleases: o.prereleases,
        ...(preferred ? { preferred } : {}),
        ...(o.upgrade !== undefined ? { upgrade: o.upgrade } : {}),
        onWarning,
      });
      for (const p of resolution.packages) {
        if (!p.candidate.file) {
          throw new VenvkitError('LOCK_UNCOVERED', `${p.name} ${p.version} ${p.candidate.unusable ?? 'has no file to install'}`, { hint: 'Pick another version or environment.' });
        }
      }
      return { target, resolution };
    } catch (e) {
      const many = targets.length > 1;
      // A project no index has (NOT_FOUND) keeps its code for one target; among several, the target is named.
      if (e instanceof VenvkitError && (e.code === 'NO_SOLUTION' || e.code === 'LOCK_UNCOVERED' || (many && e.code === 'NOT_FOUND'))) {
        throw new VenvkitError('LOCK_UNCOVERED', `cannot lock for ${target.name}: ${e.message}`, {
          hint: `${e.hint ? `${e.hint} ` : ''}${many ? 'Or leave this environment out of the lock (the `environments`, `platforms` and `pythonVersions` options).' : ''}`.trim(),
          cause: e,
        });
      }
      throw e;
    }
  };
  // The first target reads the index pages and metadata the others mostly share; the rest then run
  // in turn: they are CPU work, and fifteen solvers alive at once only make the heap (and GC) larger.
  const results: TargetResolution[] = [];
  try {
    for (const target of targets) results.push(await one(target));
  } finally {
    // What was read from wheels, kept for the next lock (one file: metadata-cache.ts).
    shared.disk?.flush();
  }
  return { results, metadata: shared.metadata };
}
