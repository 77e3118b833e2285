// Reading the places packages are listed: an index's project page (file:// or http(s)://) and
// find-links locations (local directories, HTML pages, single files).
import { readdirSync, readFileSync, statSync, type Stats } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { errnoCode, VenvkitError } from '../errors.js';
import type { HttpClient } from './http-client.js';
import { redact, statusError } from './http-errors.js';
import { ACCEPT, parseHtmlPage, parseProjectPage, splitHash, filenameOf } from './simple-page.js';
import type { PageLink } from './types.js';
import { getPage } from './page-cache.js';

/** Told of each local path about to be read, with the stat taken before reading it (undefined: absent); see lock/resolution-cache.ts. */
export type ReadWitness = (path: string, st: Stats | undefined) => void;

const SCHEME = /^[a-z][a-z0-9+.-]*:\/\//i;

/** The project page URL of `project` (normalised name) on index `indexUrl`. */
export function projectUrl(indexUrl: string, project: string): string {
  return `${indexUrl.replace(/\/+$/, '')}/${encodeURIComponent(project)}/`;
}

/**
 * The links of one project on one index; `undefined` when the index does not have the project
 * (HTTP 404/410, or no such directory). Throws INDEX_ERROR when the index cannot be read.
 */
export async function readProjectPage(indexUrl: string, project: string, http: () => Promise<HttpClient>, cacheDir?: string, revalidate = false, witness?: ReadWitness): Promise<PageLink[] | undefined> {
  const url = projectUrl(indexUrl, project);
  if (/^file:/i.test(url)) return readLocalPage(url, witness);
  if (!/^https?:/i.test(url)) throw new VenvkitError('INDEX_ERROR', `unsupported index URL ${redact(indexUrl)} (use http://, https:// or file://)`);
  const res = await getPage(await http(), url, ACCEPT, cacheDir, revalidate);
  if (res.status === 404 || res.status === 410) return undefined;
  if (res.status < 200 || res.status >= 300) throw statusError(res.url, res.status);
  try {
    return parseProjectPage(res.body, res.url, res.contentType);
  } catch (e) {
    throw new VenvkitError('INDEX_ERROR', `${redact(res.url)}: ${(e as Error).message}`, { cause: e });
  }
}

/**
 * A file:// project page: the directory's index.html, else its files as links. Read synchronously:
 * these are small local files, and one lock reads a few hundred of them (one per project and
 * index), where each asynchronous read is four trips through the thread pool. A project an index
 * does not have is found by stat() without an exception (most projects are on one index of several).
 */
function readLocalPage(url: string, witness?: ReadWitness): PageLink[] | undefined {
  const dir = fileURLToPath(url);
  const base = localBase(dir);
  try {
    const page = join(dir, 'index.html');
    const pageStat = statSync(page, { throwIfNoEntry: false });
    if (pageStat) {
      witness?.(page, pageStat);
      return parseHtmlPage(readFileSync(page, 'utf8'), base);
    }
    // A project this index does not have (most projects are on one index of several) is witnessed
    // by the index directory, whose stat (the first one taken counts) comes before the project
    // directory is found absent: making that directory changes it. One stat for all such projects.
    const root = witness ? dirname(dir) : undefined;
    if (root !== undefined) witness!(root, statSync(root, { throwIfNoEntry: false }));
    const dirStat = statSync(dir, { throwIfNoEntry: false });
    if (!dirStat) return undefined;
    witness?.(page, undefined);
    witness?.(dir, dirStat);
    if (!dirStat.isDirectory()) return undefined;
    return listDirectory(dir);
  } catch (e) {
    const code = errnoCode(e);
    if (code === 'ENOENT' || code === 'ENOTDIR') return undefined;
    throw indexReadError(url, e);
  }
}

const localBases = new Map<string, string>();

/** pathToFileURL(dir) with a trailing slash; for DIR/NAME/ with a plain NAME, the parent's (memoised) and NAME/. */
function localBase(dir: string): string {
  const m = /^(.*?)[\\/]([a-z0-9-]+)[\\/]?$/.exec(dir);
  if (!m?.[1]) return pathToFileURL(dir).href.replace(/\/?$/, '/');
  let parent = localBases.get(m[1]!);
  if (parent === undefined) {
    parent = pathToFileURL(m[1]!).href.replace(/\/?$/, '/');
    if (localBases.size < 64) localBases.set(m[1]!, parent);
  }
  return `${parent}${m[2]}/`;
}

function listDirectory(dir: string): PageLink[] {
  const names = readdirSync(dir, { withFileTypes: true });
  const base = pathToFileURL(dir).href.replace(/\/?$/, '/');
  return names
    .filter((d) => d.isFile() || d.isSymbolicLink())
    .map((d) => ({ filename: d.name, url: new URL(encodeURIComponent(d.name), base).href, hashes: {}, yanked: false }));
}

function indexReadError(url: string, e: unknown): VenvkitError {
  return new VenvkitError('INDEX_ERROR', `cannot read ${url}: ${(e as Error).message}`, { cause: e });
}

/**
 * All links of one find-links location: a local directory (its files), a local or remote HTML
 * page (its anchors), or a single distribution file; `page` says whether they are a page's (pip
 * orders the two kinds apart: index-client.ts). Returns undefined for a location that does not
 * exist (pip ignores those with a warning).
 */
export async function readFindLinks(location: string, http: () => Promise<HttpClient>, witness?: ReadWitness): Promise<{ links: PageLink[]; page: boolean } | undefined> {
  const isUrl = SCHEME.test(location);
  if (!isUrl || /^file:/i.test(location)) {
    const path = isUrl ? fileURLToPath(location) : location;
    // (Synchronous, like the project pages: one local location, and node:fs/promises is not loaded for it.)
    let st;
    try {
      st = statSync(path);
    } catch {
      witness?.(path, undefined);
      return undefined;
    }
    witness?.(path, st);
    if (st.isDirectory()) return { links: listDirectory(path), page: false };
    const url = pathToFileURL(path).href;
    if (/\.html?$/i.test(path)) return { links: parseHtmlPage(readFileSync(path, 'utf8'), url), page: true };
    return { links: [{ filename: filenameOf(url), url, hashes: {}, yanked: false }], page: false };
  }
  const { url, hashes } = splitHash(location);
  const name = filenameOf(url);
  if (/\.(whl|tar\.gz|zip|tar\.bz2|tgz)$/i.test(name)) return { links: [{ filename: name, url, hashes, yanked: false }], page: false };
  const res = await (await http()).get(url, { accept: 'text/html' });
  if (res.status === 404) return undefined;
  if (res.status < 200 || res.status >= 300) throw statusError(res.url, res.status);
  return { links: parseHtmlPage(res.body.toString('utf8'), res.url), page: true };
}
