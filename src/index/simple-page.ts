// Project pages of the simple repository API, parsed into file links. Pure (no I/O).
// PEP 503 (HTML anchors), PEP 592 (data-yanked), PEP 658/714 (data-core-metadata,
// data-dist-info-metadata), PEP 691 (application/vnd.pypi.simple.v1+json).
import type { PageLink } from './types.js';

export const JSON_TYPE = 'application/vnd.pypi.simple.v1+json';
/** What we ask an index for: JSON preferred, HTML accepted. */
export const ACCEPT = `${JSON_TYPE}, application/vnd.pypi.simple.v1+html;q=0.2, text/html;q=0.01`;

/** Parse a page by its Content-Type (JSON when it says so, or when the body is clearly JSON). */
export function parseProjectPage(body: string, pageUrl: string, contentType = ''): PageLink[] {
  const ct = contentType.split(';')[0]!.trim().toLowerCase();
  if (ct === JSON_TYPE || ct === 'application/json' || (!ct && body.trimStart().startsWith('{'))) return parseJsonPage(body, pageUrl);
  return parseHtmlPage(body, pageUrl);
}

/** PEP 691 JSON project page. */
export function parseJsonPage(body: string, pageUrl: string): PageLink[] {
  let doc: { files?: unknown };
  try {
    doc = JSON.parse(body);
  } catch (e) {
    throw new Error(`malformed JSON project page: ${(e as Error).message}`);
  }
  if (!doc || !Array.isArray(doc.files)) throw new Error('malformed JSON project page: no "files" list');
  const out: PageLink[] = [];
  for (const f of doc.files as Record<string, unknown>[]) {
    if (typeof f?.url !== 'string' || typeof f.filename !== 'string') continue;
    const { url, hashes: fragHashes } = splitHash(new URL(f.url, pageUrl).href);
    const hashes = { ...fragHashes, ...lowerHashes(f.hashes) };
    const link: PageLink = { filename: f.filename, url, hashes, yanked: yankedOf(f.yanked) };
    if (typeof f['requires-python'] === 'string' && f['requires-python']) link.requiresPython = f['requires-python'];
    const meta = f['core-metadata'] ?? f['data-dist-info-metadata'] ?? f['dist-info-metadata'];
    if (meta === true) link.coreMetadata = true;
    else if (meta && typeof meta === 'object') link.coreMetadata = lowerHashes(meta);
    out.push(link);
  }
  return out;
}

function yankedOf(v: unknown): boolean | string {
  if (typeof v === 'string') return v === '' ? true : v;
  return v === true;
}

function lowerHashes(v: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (v && typeof v === 'object') {
    for (const [k, h] of Object.entries(v)) if (typeof h === 'string') out[k.toLowerCase()] = h.toLowerCase();
  }
  return out;
}

/** PEP 503 HTML project page (also find-links pages): every <a href>, honouring <base href>. */
export function parseHtmlPage(body: string, pageUrl: string): PageLink[] {
  let base = pageUrl;
  const baseTag = /<base\s([^>]*)>/i.exec(body);
  if (baseTag) {
    const href = attributes(baseTag[1]!).get('href');
    if (href) base = new URL(href, pageUrl).href;
  }
  const out: PageLink[] = [];
  const anchor = /<a\s([^>]*)>([\s\S]*?)<\/a\s*>/gi;
  for (let m; (m = anchor.exec(body)); ) {
    const attrs = attributes(m[1]!);
    const href = attrs.get('href');
    if (!href) continue;
    let abs: string;
    try {
      abs = new URL(href, base).href;
    } catch {
      continue;
    }
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

/** Attributes of a start tag (names lower-cased, values HTML-unescaped). */
export function attributes(s: string): Map<string, string> {
  const out = new Map<string, string>();
  const re = /([^\s"'=<>/]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'=<>`]+)))?/g;
  for (let m; (m = re.exec(s)); ) {
    const name = m[1]!.toLowerCase();
    if (out.has(name)) continue;
    out.set(name, unescapeHtml(m[2] ?? m[3] ?? m[4] ?? ''));
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
    return NAMED[ent.toLowerCase()] ?? m;
  });
}
