// The index client: every configured index and find-links location, merged into one list of wheel
// candidates per project. One unreachable location is a warning (as in pip), not a failure, as long
// as another location answered; when none could be read, INDEX_ERROR names them.
import { mkdtempSync, rmSync, statSync, type Stats } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { VenvkitError } from '../errors.js';
import { usableCacheDir } from '../cache/trust.js';
import { indexDistFile, normalizeName } from './dist-filename.js';
import type { HttpClient, HttpOptions } from './http-client.js';
import { redact } from './http-errors.js';
import { readFindLinks, readProjectPage } from './sources.js';
// download.js and metadata.js (with node:crypto, streams, zlib, the zip reader) are loaded when first
// used: a lock whose metadata is all cached reads neither.
import type { DownloadOptions, DownloadResult } from './download.js';
import type { CoreMetadata } from './metadata.js';
import type { Candidate, IndexSettings, PageLink, ProjectCandidates, SourceFailure } from './types.js';
import { clip } from '../pep/quote.js';
import { uploadTimeVerdict } from './upload-time.js';
import { Turns } from '../install/turns.js';

/** pip's archive extensions other than .whl (its SUPPORTED_EXTENSIONS). */
const SDIST_NAME = /\.(tar\.gz|tgz|tar|zip|tar\.bz2|tbz|tar\.xz|txz|tlz|tar\.lz|tar\.lzma)$/;

export interface IndexClientOptions {
  settings: IndexSettings;
  /** Warnings for the user (an index that could not be reached, an ignored find-links location). */
  onWarning?: (message: string) => void;
  /** Notes for -v output (links ignored because their names are unsafe or not for the project). */
  onNote?: (message: string) => void;
  /** Extra HTTP tuning (retries, backoff, concurrency); timeout and cert come from settings. */
  http?: Omit<HttpOptions, 'timeout' | 'cert' | 'trustedHosts' | 'clientCert' | 'proxy' | 'noProxyEnv'>;
  /** Download cache directory; undefined: cacheDir('downloads'). false: no caches at all (--no-cache). */
  cacheDir?: string | false;
  /** Index page cache directory; undefined: cacheDir('http') (none when cacheDir is false). */
  pageCacheDir?: string | false;
  /** Projects whose files a lock names (pylock.toml): these are their only candidates, no index is read for them. */
  locked?: ReadonlyMap<string, ProjectCandidates>;
  /** Told of every page and location read (lock/resolution-cache.ts's Witness). */
  witness?: ReadRecorder;
  /** The environment variables that locate the default caches (VENVKIT_CACHE_DIR...); default process.env. */
  env?: NodeJS.ProcessEnv;
}

/** A link and the location (redacted) that listed it. */
type SourcedLink = { link: PageLink; source: string };

/** What a client tells of what it reads: local paths with their stat before reading, remote pages with their links, and reads that cannot be checked again. */
export interface ReadRecorder {
  path(path: string, st: Stats | null): void;
  remotePage(index: string, project: string, links: readonly PageLink[] | undefined): void;
  spoil(reason: string): void;
}

interface Source { kind: 'index' | 'find-links'; location: string }

export class IndexClient {
  readonly settings: IndexSettings;
  private readonly options: IndexClientOptions;
  private httpClient: Promise<HttpClient> | undefined;
  private httpOpen: HttpClient | undefined;
  private readonly projects = new Map<string, Promise<ProjectCandidates>>();
  private findLinksLinks: Promise<{ files: SourcedLink[]; pages: SourcedLink[]; failures: SourceFailure[] }> | undefined;
  private readonly warned = new Set<string>();
  /**
   * A local page or wheel is read synchronously (cheaper than fs.promises) and a resolution with
   * every page local waits for no I/O: each read first gives a host's event loop a turn when due.
   */
  private readonly turns = new Turns();

  constructor(options: IndexClientOptions) {
    this.options = options;
    this.settings = options.settings;
  }

  /**
   * The HTTP client, created (and its module, with node:http, https and tls, loaded) when the
   * first http(s) URL is met: work on file:// indexes and find-links never loads them.
   */
  http(): Promise<HttpClient> {
    if (!this.httpClient) {
      const made: Promise<HttpClient> = import('./http-client.js').then(({ HttpClient }) => {
        const s = this.settings;
        const client = new HttpClient({
          ...(s.retries !== undefined ? { retries: s.retries } : {}), ...this.options.http, timeout: s.timeout, cert: s.cert, trustedHosts: s.trustedHosts,
          clientCert: s.clientCert, proxy: s.proxy, noProxyEnv: s.noProxyEnv,
        });
        // close() came first: this client is closed once its requests are done, like any other.
        if (this.httpClient === made) this.httpOpen = client;
        else queueMicrotask(() => client.close());
        return client;
      });
      this.httpClient = made;
    }
    return this.httpClient;
  }

  /** Index URLs in the order pip lists them ("Looking in indexes: ..."), credentials redacted. */
  indexes(): string[] {
    return this.settings.noIndex ? [] : [this.settings.indexUrl, ...this.settings.extraIndexUrls];
  }

  /** Every candidate for `name` across all indexes and find-links (memoised per project). */
  project(name: string): Promise<ProjectCandidates> {
    const key = normalizeName(name);
    let p = this.projects.get(key);
    if (!p) {
      const locked = this.options.locked?.get(key);
      p = locked ? Promise.resolve(locked) : this.loadProject(key);
      this.projects.set(key, p);
    }
    return p;
  }

  /** Download (or, for file:// URLs, verify in place) a candidate; see downloadCandidate. */
  async download(candidate: Candidate, options: Omit<DownloadOptions, 'http' | 'cacheDir'> = {}): Promise<DownloadResult> {
    const { downloadCandidate } = await import('./download.js');
    const cacheDir = this.downloadCacheDir();
    // Without a download cache a file goes into this client's own directory (0700, removed by
    // close()), never to a name in the shared temp directory that another user could take first.
    const dest = options.dest ?? (cacheDir === false && !/^file:/i.test(candidate.url) ? this.scratchDir() : undefined);
    return downloadCandidate(candidate, { ...options, ...(dest ? { dest } : {}), http: () => this.http(), cacheDir });
  }

  /** One index's page of `project` (undefined: the index has none), through the page cache for http(s) indexes. */
  private readPage(location: string, project: string, refresh: boolean): Promise<PageLink[] | undefined> {
    const w = this.options.witness;
    return readProjectPage(location, project, () => this.http(), /^https?:/i.test(location) ? this.pageCacheDir() : undefined, refresh, w ? (path, st) => w.path(path, st ?? null) : undefined);
  }

  /**
   * The links of `project` on the index `index` (as configured, or redacted) read again, through
   * the page cache as any read: for checking a page a cached resolution read (resolution-cache.ts).
   * Undefined links: the index has no such page; null: no such index in the settings.
   */
  async pageAgain(index: string, project: string): Promise<{ links: PageLink[] | undefined } | null> {
    const s = this.indexes().find((l) => l === index || redact(l) === index);
    if (s === undefined) return null;
    const location = /^https?:/i.test(s) ? (await this.http()).addCredentialsFrom(s) : s;
    return { links: await readProjectPage(location, project, () => this.http(), /^https?:/i.test(location) ? this.pageCacheDir() : undefined, false) };
  }

  private scratch?: string;
  private scratchDir(): string {
    this.scratch ??= mkdtempSync(join(tmpdir(), 'venvkit-download-'));
    return this.scratch;
  }

  /** The wheel's core metadata: PEP 658 `.metadata` when advertised, else read from the wheel. */
  async fetchMetadata(candidate: Candidate): Promise<CoreMetadata> {
    // What a cached resolution must check again: a local wheel's METADATA is its bytes' (an index
    // hash stands for them); a remote file without a hash cannot be checked.
    const w = this.options.witness;
    if (w && !candidate.hashes.sha256) {
      if (/^file:/i.test(candidate.url)) {
        const path = fileURLToPath(candidate.url.replace(/#.*$/, ''));
        w.path(path, statSync(path, { throwIfNoEntry: false }) ?? null);
      }
      else w.spoil(`${candidate.filename} has no sha256`);
    }
    const { fetchCandidateMetadata } = await import('./metadata.js');
    await this.turns.give();
    return fetchCandidateMetadata(candidate, { http: () => this.http(), download: (c) => this.download(c) });
  }

  close(): void {
    this.httpOpen?.close();
    this.httpOpen = undefined;
    this.httpClient = undefined;
    if (this.scratch) rmSync(this.scratch, { recursive: true, force: true });
    this.scratch = undefined;
  }

  // The default caches are used only when they may be trusted (cache/trust.ts: yours, not writable by others).
  private pageCache: { dir: string | undefined } | undefined;
  private pageCacheDir(): string | undefined {
    const o = this.options;
    if (o.cacheDir === false || o.pageCacheDir === false) return undefined;
    this.pageCache ??= { dir: o.pageCacheDir ?? usableCacheDir('http', o.env) };
    return this.pageCache.dir;
  }

  private downloadCacheDir(): string | false {
    return this.options.cacheDir ?? usableCacheDir('downloads', this.options.env) ?? false;
  }

  private sources(): Source[] {
    // An index given twice (`--index-url URL` and the same URL among pip's extra-index-url) is read once.
    return [...new Set(this.indexes())].map((location) => ({ kind: 'index' as const, location }));
  }

  private async loadProject(project: string): Promise<ProjectCandidates> {
    await this.turns.give();
    const out: ProjectCandidates = { name: project, candidates: [], sdists: [], failures: [] };
    const indexSources = this.sources();
    let answered = 0;
    const errors: unknown[] = [];
    const pages = await Promise.all(indexSources.map(async (s) => {
      try {
        // Credentials in an index URL are the HTTP client's to keep (and to leave out of the URL).
        const location = /^https?:/i.test(s.location) ? (await this.http()).addCredentialsFrom(s.location) : s.location;
        const refresh = this.settings.refreshPackages?.some((n) => n === ':all:' || n === project) ?? false;
        const links = await this.readPage(location, project, refresh);
        const w = this.options.witness;
        if (w && /^https?:/i.test(location)) w.remotePage(s.location, project, links);
        answered++;
        return { source: s.location, links: links ?? [] };
      } catch (e) {
        const message = e instanceof Error ? e.message : String(e);
        errors.push(e);
        out.failures.push({ source: redact(s.location), url: redact(s.location), message });
        this.options.witness?.spoil(`index ${redact(s.location)} could not be read`);
        this.warnOnce(s.location, `index ${redact(s.location)} could not be read, continuing without it: ${message}`);
        return { source: s.location, links: [] };
      }
    }));
    const fl = await this.allFindLinks();
    out.failures.push(...fl.failures);
    // pip's order (PackageFinder.find_all_candidates), which decides between equal files (the last
    // wins: pick-file.ts): find-links' own files (directories' and single files'), by URL from the
    // highest; then the pages' links, the find-links pages' before the indexes'.
    const all: SourcedLink[] = [...fl.files, ...fl.pages];
    for (const p of pages) for (const link of p.links) all.push({ link, source: redact(p.source) });

    const seen = new Map<string, Candidate>();
    const before = this.settings.uploadedPriorTo;
    for (const entry of all) {
      const { source } = entry;
      let { link } = entry;
      const dist = indexDistFile(link.filename, project);
      if (before !== undefined) {
        // Too late: left out. Missing: kept aside; the provider asks for it once it knows whether the
        // file would be usable here (upload-time.ts, pip's order). pip asks an sdist for its
        // upload-time before reading its name, so an sdist of another project counts too.
        const verdict = uploadTimeVerdict(link, before);
        if (verdict === 'late') continue;
        const kind = typeof dist !== 'string' ? dist.kind : SDIST_NAME.test(link.filename) && !dist.startsWith('unsafe') ? 'sdist' : undefined;
        if (verdict === 'missing') {
          if (kind) (out.noUploadTime ??= []).push({ filename: link.filename, page: `${source.replace(/\/+$/, '')}/${project}/`, kind });
          continue;
        }
      }
      if (typeof dist === 'string') {
        // pip skips links whose names do not parse for the project; unsafe names are said so.
        if (dist.startsWith('unsafe')) this.options.onNote?.(`ignoring a link from ${source}: ${dist} (${JSON.stringify(clip(link.filename))})`);
        continue;
      }
      const prior = seen.get(link.filename);
      if (prior) {
        // The same file from two places: one candidate, the later place's (of equal files pip takes the
        // last), with a hash only the earlier gave.
        const list = dist.kind === 'sdist' ? out.sdists : out.candidates;
        list.splice(list.indexOf(prior), 1);
        if (!link.hashes.sha256 && prior.hashes.sha256) link = { ...link, hashes: { ...prior.hashes, ...link.hashes } };
      }
      const c: Candidate = { name: dist.name, version: dist.version, filename: link.filename, url: link.url, hashes: link.hashes, yanked: link.yanked, source };
      if (link.requiresPython) c.requiresPython = link.requiresPython;
      if (link.size !== undefined) c.size = link.size;
      if (link.uploadTime) c.uploadTime = link.uploadTime;
      if (link.coreMetadata) {
        c.metadataUrl = `${link.url}.metadata`;
        if (typeof link.coreMetadata === 'object') c.metadataHashes = link.coreMetadata;
      }
      seen.set(link.filename, c);
      (dist.kind === 'sdist' ? out.sdists : out.candidates).push(c);
    }
    if (indexSources.length > 0 && answered === 0 && out.candidates.length === 0 && out.sdists.length === 0) {
      if (errors.length === 1 && errors[0] instanceof VenvkitError) throw errors[0];
      const hint = errors.find((e): e is VenvkitError => e instanceof VenvkitError && !!e.hint)?.hint;
      throw new VenvkitError('INDEX_ERROR', `no index could be read for ${project}: ${out.failures.map((f) => f.message).join('; ')}`, {
        hint: hint ?? 'Check the index URLs (pip config list, PIP_INDEX_URL, the `indexUrl` option) and the network, or use the `noIndex` option with the `findLinks` option.',
      });
    }
    return out;
  }

  private allFindLinks() {
    this.findLinksLinks ??= (async () => {
      const byLocation: { links: SourcedLink[]; page: boolean }[] = [];
      const failures: SourceFailure[] = [];
      await Promise.all(this.settings.findLinks.map(async (loc, i) => {
        try {
          const w = this.options.witness;
          if (w && /^https?:/i.test(loc)) w.spoil(`find-links location ${redact(loc)} is a remote page`);
          const found = await readFindLinks(loc, () => this.http(), w ? (path, st) => w.path(path, st ?? null) : undefined);
          if (!found) {
            this.warnOnce(loc, `find-links location ${redact(loc)} is ignored: it does not exist`);
            return;
          }
          byLocation[i] = { links: found.links.map((link) => ({ link, source: redact(loc) })), page: found.page };
        } catch (e) {
          const message = e instanceof Error ? e.message : String(e);
          failures.push({ source: redact(loc), url: redact(loc), message });
          this.options.witness?.spoil(`find-links location ${redact(loc)} could not be read`);
          this.warnOnce(loc, `find-links location ${redact(loc)} could not be read: ${message}`);
        }
      }));
      const located = byLocation.filter(Boolean);
      const files = located.filter((l) => !l.page).flatMap((l) => l.links).sort((a, b) => (a.link.url < b.link.url ? 1 : a.link.url > b.link.url ? -1 : 0));
      return { files, pages: located.filter((l) => l.page).flatMap((l) => l.links), failures };
    })();
    return this.findLinksLinks;
  }

  private warnOnce(key: string, message: string): void {
    if (this.warned.has(key)) return;
    this.warned.add(key);
    this.options.onWarning?.(message);
  }
}


/** The user-facing reason a project has no installable wheel (undefined when it has some). */
export function noWheelReason(p: ProjectCandidates): string | undefined {
  if (p.candidates.length > 0) return undefined;
  if (p.sdists.length > 0) {
    return `only a source distribution is available for ${p.name} (${p.sdists[0]!.filename}); it is built when installed`;
  }
  if (p.failures.length > 0) {
    return `no distributions of ${p.name} were found, but ${p.failures.map((f) => f.source).join(', ')} could not be read`;
  }
  return undefined;
}
