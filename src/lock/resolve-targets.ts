/**
 * One resolution per lock target, all against one index client: project pages are read once, and
 * a file's metadata is fetched once however many targets use it. The targets are resolved in turn,
 * in the order given (so the first one that fails is the one named). A target without a solution is
 * LOCK_UNCOVERED, naming it.
 */
import { VenvkitError } from '../errors.js';
import { FormatControl } from '../index/format-control.js';
import type { IndexClient } from '../index/index-client.js';
import { parseRequirement, type Requirement } from '../pep/pep508.js';
import { IndexProvider, type IndexCandidate } from '../resolver/index-provider.js';
import { resolve } from '../resolver/solver.js';
import type { CandidateMetadata, PackageProvider, Resolution } from '../resolver/types.js';
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

/** A provider for one target that shares `metadata` (by file URL) with the other targets' providers. */
class SharedMetadataProvider implements PackageProvider<IndexCandidate> {
  constructor(private readonly inner: IndexProvider, private readonly metadata: Map<string, Promise<CandidateMetadata>>, private readonly disk?: MetadataCache, private readonly witness?: Witness) {}

  versions(name: string): Promise<readonly IndexCandidate[]> {
    return this.inner.versions(name);
  }

  dependencies(name: string, c: IndexCandidate): Promise<CandidateMetadata> {
    const key = c.file?.url;
    if (!key) return this.inner.dependencies(name, c);
    let p = this.metadata.get(key);
    if (!p) {
      // What a cached resolution must check again: a local file's METADATA is its bytes' (an index
      // hash stands for them); a remote file without a hash or a build's metadata cannot be checked.
      if (this.witness && (c.sdist || !c.file?.hashes.sha256)) {
        if (c.sdist) this.witness.spoil(`the metadata of ${c.file!.filename} is built`);
        else if (/^file:/i.test(key)) this.witness.path(fileURLToPath(key));
        else this.witness.spoil(`${c.file!.filename} has no sha256`);
      }
      // Parsed once for every target (the solvers do not change requirements).
      const sha256 = c.file?.hashes.sha256;
      const stored = c.sdist ? undefined : this.disk?.get(sha256);
      const read = stored ? Promise.resolve(stored) : this.inner.dependencies(name, c).then((md) => {
        if (!c.sdist) this.disk?.set(sha256, md);
        return md;
      });
      p = read.then((md) => ({ ...md, requiresDist: md.requiresDist.map(parsedOnce) }));
      this.metadata.set(key, p);
      p.catch(() => this.metadata.delete(key));
    }
    return p;
  }

  fromUrl(name: string, url: string): Promise<IndexCandidate> {
    this.witness?.spoil(`${name} is a direct reference`);
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
  const metadata = new Map<string, Promise<CandidateMetadata>>();
  const disk = o.noCache ? undefined : new MetadataCache();
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
    }), metadata, disk, o.witness);
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
  for (const target of targets) results.push(await one(target));
  return { results, metadata };
}
