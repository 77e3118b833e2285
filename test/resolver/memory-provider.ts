// An in-memory package index for solver tests (packse-style scenarios as plain data).
import type { Candidate, CandidateMetadata, PackageProvider } from '../../src/resolver/types.js';

export interface FakeRelease {
  deps?: string[];
  requiresPython?: string;
  /** Requires-Python found only in the metadata (not on the index page). */
  metadataRequiresPython?: string;
  yanked?: boolean;
  unusable?: string;
  providesExtra?: string[];
}
export type FakeIndex = Record<string, Record<string, string[] | FakeRelease>>;

export interface FakeCandidate extends Candidate {
  name: string;
}

export class MemoryProvider implements PackageProvider<FakeCandidate> {
  readonly versionCalls: string[] = [];
  readonly metadataCalls: string[] = [];
  /** Most metadata requests in flight at once (the solver should fetch in parallel). */
  peakInFlight = 0;
  private inFlight = 0;
  constructor(private readonly index: FakeIndex, private readonly delayMs = 0) {}

  private release(name: string, version: string): FakeRelease {
    const key = Object.keys(this.index).find((k) => k.replace(/[-_.]+/g, '-').toLowerCase() === name)!;
    const r = this.index[key]![version]!;
    return Array.isArray(r) ? { deps: r } : r;
  }

  async versions(name: string): Promise<FakeCandidate[]> {
    this.versionCalls.push(name);
    if (this.delayMs) await new Promise((r) => setTimeout(r, this.delayMs));
    const key = Object.keys(this.index).find((k) => k.replace(/[-_.]+/g, '-').toLowerCase() === name);
    if (!key) return [];
    return Object.keys(this.index[key]!).map((version) => {
      const r = this.release(name, version);
      return { name, version, requiresPython: r.requiresPython ?? null, yanked: r.yanked ?? false, unusable: r.unusable ?? null };
    });
  }

  async dependencies(name: string, c: FakeCandidate): Promise<CandidateMetadata> {
    this.metadataCalls.push(`${name}==${c.version}`);
    this.inFlight++;
    this.peakInFlight = Math.max(this.peakInFlight, this.inFlight);
    if (this.delayMs) await new Promise((r) => setTimeout(r, this.delayMs));
    this.inFlight--;
    const r = this.release(name, c.version);
    return { requiresDist: r.deps ?? [], requiresPython: r.metadataRequiresPython ?? r.requiresPython ?? null, providesExtra: r.providesExtra ?? null };
  }

  async fromUrl(name: string, url: string): Promise<FakeCandidate> {
    const version = /-([^-]+)-py3-none-any\.whl$/.exec(url)?.[1] ?? '0';
    return { name, version };
  }
}
