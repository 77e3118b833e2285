// Project pages of the simple repository API, parsed into file links. Pure (no I/O).
// PEP 503 (HTML anchors), PEP 592 (data-yanked), PEP 658/714 (data-core-metadata,
// data-dist-info-metadata), PEP 691 (application/vnd.pypi.simple.v1+json).
import type { PageLink } from './types.js';
import { clip } from '../pep/quote.js';

export const JSON_TYPE = 'application/vnd.pypi.simple.v1+json';
/** What we ask an index for: JSON preferred, HTML accepted. */
export const ACCEPT = `${JSON_TYPE}, application/vnd.pypi.simple.v1+html;q=0.2, text/html;q=0.01`;

/** Parse a page by its Content-Type (JSON when it says so, or when the body is clearly JSON). */
export function parseProjectPage(body: string, pageUrl: string, contentType = ''): PageLink[] {
  const ct = contentType.split(';')[0]!.trim().toLowerCase();
  if (ct === JSON_TYPE || ct === 'application/json' || (!ct && body.trimStart().startsWith('{'))) return parseJsonPage(body, pageUrl);
  return parseHtmlPage(body, pageUrl);
}

/** PEP 691 JSON project page. Throws on a malformed page (a hash that is not a string, too). */
export function parseJsonPage(body: string, pageUrl: string): PageLink[] {
  let doc: { files?: unknown };
  try {
    doc = JSON.parse(body);
  } catch (e) {
    throw new Error(`malformed JSON project page: ${clip((e as Error).message)}`);
  }
  if (!doc || !Array.isArray(doc.files)) throw new Error('malformed JSON project page: no "files" list');
  const out: PageLink[] = [];
  for (const f of doc.files as Record<string, unknown>[]) {
    if (typeof f?.url !== 'string' || typeof f.filename !== 'string') continue;
    const abs = fetchableUrl(f.url, pageUrl);
    if (!abs) continue;
    const { url, hashes: fragHashes } = splitHash(abs);
    const hashes = { ...fragHashes, ...hashesOf(f.hashes, f.filename, 'hashes') };
    const link: PageLink = { filename: f.filename, url, hashes, yanked: yankedOf(f.yanked) };
    if (typeof f['requires-python'] === 'string' && f['requires-python']) link.requiresPython = f['requires-python'];
    if (typeof f.size === 'number' && Number.isSafeInteger(f.size) && f.size >= 0) link.size = f.size;
    if (typeof f['upload-time'] === 'string' && RFC3339.test(f['upload-time'])) link.uploadTime = f['upload-time'];
    const meta = f['core-metadata'] ?? f['data-dist-info-metadata'] ?? f['dist-info-metadata'];
    if (meta === true) link.coreMetadata = true;
    else if (meta && typeof meta === 'object') link.coreMetadata = hashesOf(meta, f.filename, 'core-metadata');
    out.push(link);
  }
  return out;
}

/** PEP 700 upload-time: an RFC 3339 UTC date-time ("2024-01-02T03:04:05.123456Z"). */
const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?Z$/;

function yankedOf(v: unknown): boolean | string {
  if (typeof v === 'string') return v === '' ? true : v;
  return v === true;
}

/** A PEP 691 hash map: every value must be a string (anything else is a malformed page, not "no hash"). */
function hashesOf(v: unknown, filename: string, field: string): Record<string, string> {
  if (v === undefined || v === null) return {};
  if (typeof v !== 'object' || Array.isArray(v)) throw new Error(`malformed JSON project page: "${field}" of ${JSON.stringify(clip(filename))} is not an object`);
  const out: Record<string, string> = {};
  for (const [k, h] of Object.entries(v)) {
    if (typeof h !== 'string') {
      throw new Error(`malformed JSON project page: the ${JSON.stringify(clip(k))} hash in "${field}" of ${JSON.stringify(clip(filename))} is ${h === null ? 'null' : `a ${typeof h}`}, not a string`);
    }
    const algo = k.toLowerCase();
    if (algo === '__proto__') continue;
    out[algo] = h.toLowerCase();
  }
  return out;
}

/** Schemes venvkit fetches. A link with any other (javascript:, data:, ftp:...) is ignored. */
const FETCHED = new Set(['http:', 'https:', 'file:']);

/**
 * `href` resolved against the page, or undefined when it is not to be fetched: a scheme other than
 * http, https and file, or a file: link on a page that was not itself read from a file: (a remote
 * index must not make venvkit read local files, as a redirect to file: is refused too).
 */
export function fetchableUrl(href: string, base: string): string | undefined {
  let u: URL;
  try {
    u = new URL(href, base);
  } catch {
    return undefined;
  }
  if (!FETCHED.has(u.protocol)) return undefined;
  if (u.protocol === 'file:' && !/^file:/i.test(base)) return undefined;
  return u.href;
}


/** PEP 503 HTML project page (also find-links pages): every <a href>, honouring <base href>. Linear in the page's size. */
export function parseHtmlPage(body: string, pageUrl: string): PageLink[] {
  let base = pageUrl;
  const baseTag = startTags(body, 'base').next();
  if (!baseTag.done) {
    const href = attributes(baseTag.value).get('href');
    if (href) {
      try {
        base = new URL(href, pageUrl).href;
      } catch {
        // an unusable <base href> is ignored
      }
    }
  }
  const out: PageLink[] = [];
  for (const inner of startTags(body, 'a')) {
    const attrs = attributes(inner);
    const href = attrs.get('href');
    if (!href) continue;
    const abs = fetchableUrl(href, base);
    if (!abs) continue;
    const { url, hashes } = splitHash(abs);
    const filename = filenameOf(url);
    if (!filename) continue;
    const link: PageLink = { filename, url, hashes, yanked: false };
    const rp = attrs.get('data-requires-python');
    if (rp) link.requiresPython = rp;
    if (attrs.has('data-yanked')) link.yanked = attrs.get('data-yanked') || true;
    const meta = attrs.get('data-core-metadata') ?? attrs.get('data-dist-info-metadata');
    if (meta !== undefined && meta !== 'false') {
      const hm = /^([A-Za-z0-9]+)=([0-9a-fA-F]+)$/.exec(meta);
      link.coreMetadata = hm ? { [hm[1]!.toLowerCase()]: hm[2]!.toLowerCase() } : true;
    }
    out.push(link);
  }
  return out;
}

/**
 * The attribute text of every `<tag ...>` start tag (case-insensitive), scanning forward only:
 * a page without a closing `>` ends the scan instead of being searched again from each `<tag`.
 */
function* startTags(body: string, tag: string): Generator<string> {
  const open = new RegExp(`<${tag}[\\s/>]`, 'gi');
  for (let m; (m = open.exec(body)); ) {
    const start = m.index + tag.length + 1;
    const end = body.indexOf('>', start - 1);
    if (end === -1) return;
    yield body.slice(start, end).replace(/\/$/, '');
    open.lastIndex = end + 1;
  }
}

/** The last path segment of a URL, percent-decoded. */
export function filenameOf(url: string): string {
  const path = new URL(url).pathname;
  const last = path.slice(path.lastIndexOf('/') + 1);
  try {
    return decodeURIComponent(last);
  } catch {
    return last;
  }
}

/** Split `...#sha256=abc` into the URL and its hash (fragments that are not hashes are dropped). */
export function splitHash(url: string): { url: string; hashes: Record<string, string> } {
  const i = url.indexOf('#');
  if (i === -1) return { url, hashes: {} };
  const frag = url.slice(i + 1);
  const m = /^(sha1|sha224|sha256|sha384|sha512|md5)=([0-9a-fA-F]+)$/.exec(frag);
  return { url: url.slice(0, i), hashes: m ? { [m[1]!]: m[2]!.toLowerCase() } : {} };
}

/** Attributes of a start tag (names lower-cased, values HTML-unescaped). One pass, no backtracking. */
export function attributes(s: string): Map<string, string> {
  const out = new Map<string, string>();
  const n = s.length;
  const space = (c: string) => c === ' ' || c === '\t' || c === '\n' || c === '\r' || c === '\f';
  let i = 0;
  while (i < n) {
    while (i < n && (space(s[i]!) || s[i] === '/')) i++;
    if (i >= n) break;
    const nameStart = i;
    while (i < n && !space(s[i]!) && !'"\'=<>/'.includes(s[i]!)) i++;
    if (i === nameStart) {
      i++; // a stray quote, = or < is skipped
      continue;
    }
    const name = s.slice(nameStart, i).toLowerCase();
    let j = i;
    while (j < n && space(s[j]!)) j++;
    let value = '';
    if (s[j] === '=') {
      j++;
      while (j < n && space(s[j]!)) j++;
      const q = s[j];
      if (q === '"' || q === "'") {
        const close = s.indexOf(q, j + 1);
        const end = close === -1 ? n : close;
        value = s.slice(j + 1, end);
        i = end + 1;
      } else {
        const vStart = j;
        while (j < n && !space(s[j]!) && !'"\'=<>`'.includes(s[j]!)) j++;
        value = s.slice(vStart, j);
        i = j;
      }
    }
    if (!out.has(name)) out.set(name, unescapeHtml(value));
  }
  return out;
}

const NAMED: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: '\u00a0' };

export function unescapeHtml(s: string): string {
  if (!s.includes('&')) return s;
  return s.replace(/&(#[0-9]+|#[xX][0-9a-fA-F]+|[a-zA-Z]+);?/g, (m, ent: string) => {
    if (ent[0] === '#') {
      const code = ent[1] === 'x' || ent[1] === 'X' ? parseInt(ent.slice(2), 16) : parseInt(ent.slice(1), 10);
      return Number.isFinite(code) && code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : m;
    }
    const name = ent.toLowerCase();
    return Object.hasOwn(NAMED, name) ? NAMED[name]! : m;
  });
}
