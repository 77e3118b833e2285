// An HTTP cache for index pages (cacheDir('http')): fresh pages (Cache-Control max-age) are used
// without a request; stale ones are revalidated with If-None-Match / If-Modified-Since, and a 304
// answer costs no body. Only successful pages are stored; `no-store` is honoured.
import { join } from 'node:path';
import { writeFileAtomic } from '../cache/atomic.js';
import { readOwnFileAsync } from '../cache/trust.js';
import type { HttpClient, HttpResponse } from './http-client.js';

interface Entry {
  url: string;
  finalUrl: string;
  contentType: string;
  etag?: string;
  lastModified?: string;
  storedAt: number;
  maxAgeMs: number;
  body: string;
}

export interface PageResult { status: number; url: string; contentType: string; body: string; fromCache: boolean }

/**
 * GET `url` through the cache in `dir` (undefined: no cache; the caller checked that it may be used).
 * `revalidate` (pip's --refresh-package): a fresh stored page is not used without asking the server
 * (a conditional request with Cache-Control: max-age=0, as pip sends).
 */
export async function getPage(http: HttpClient, url: string, accept: string, dir: string | undefined, revalidate = false): Promise<PageResult> {
  const file = dir ? join(dir, ...(await keyPath(url, accept))) : undefined;
  const cached = file ? await load(file) : undefined;
  if (cached && !revalidate && Date.now() - cached.storedAt < cached.maxAgeMs) {
    return { status: 200, url: cached.finalUrl, contentType: cached.contentType, body: cached.body, fromCache: true };
  }
  const headers: Record<string, string> = { accept };
  if (revalidate) headers['cache-control'] = 'max-age=0';
  if (cached?.etag) headers['if-none-match'] = cached.etag;
  if (cached?.lastModified) headers['if-modified-since'] = cached.lastModified;
  const res = await http.get(url, headers);
  if (res.status === 304 && cached) {
    const refreshed = { ...cached, storedAt: Date.now(), maxAgeMs: maxAge(res) ?? cached.maxAgeMs };
    if (file) store(file, refreshed);
    return { status: 200, url: cached.finalUrl, contentType: cached.contentType, body: cached.body, fromCache: true };
  }
  const result = { status: res.status, url: res.url, contentType: String(res.headers['content-type'] ?? ''), body: res.body.toString('utf8'), fromCache: false };
  const cc = String(res.headers['cache-control'] ?? '').toLowerCase();
  if (file && res.status === 200 && !cc.includes('no-store')) {
    const etag = res.headers.etag;
    const lastModified = res.headers['last-modified'];
    const age = maxAge(res) ?? 0;
    if (etag || lastModified || age > 0) {
      store(file, { url, finalUrl: res.url, contentType: result.contentType, etag, lastModified, storedAt: Date.now(), maxAgeMs: age, body: result.body });
    }
  }
  return result;
}

function maxAge(res: HttpResponse): number | undefined {
  const cc = String(res.headers['cache-control'] ?? '').toLowerCase();
  if (cc.includes('no-cache')) return 0;
  const m = /(?:^|,)\s*max-age=(\d+)/.exec(cc);
  return m ? Number(m[1]) * 1000 : undefined;
}

async function keyPath(url: string, accept: string): Promise<[string, string]> {
  // (node:crypto loaded here: only http(s) pages are cached, and file:// work need not load it.)
  const { createHash } = await import('node:crypto');
  const u = new URL(url);
  u.username = '';
  u.password = '';
  const h = createHash('sha256').update(`${u.href}\n${accept}`).digest('hex');
  return [h.slice(0, 2), `${h.slice(2, 40)}.json`];
}

async function load(file: string): Promise<Entry | undefined> {
  try {
    // Only a file of yours alone (cache/trust.ts): a page planted by someone else is not read.
    const e = JSON.parse((await readOwnFileAsync(file))?.toString('utf8') ?? '') as Entry;
    return typeof e.body === 'string' ? e : undefined;
  } catch {
    return undefined;
  }
}

function store(file: string, e: Entry): void {
  try {
    writeFileAtomic(file, JSON.stringify(e));
  } catch {
    // A cache that cannot be written is no cache, not an error.
  }
}
