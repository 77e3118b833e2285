// Core metadata (METADATA, email-header format) of a candidate: from the index's PEP 658 file when
// advertised, else from the wheel itself (read in place for file://; for HTTP, the zip's central
// directory and METADATA member through Range requests, else the whole wheel via the cache).
// node:crypto and node:fs/promises (with readline) are loaded when first needed: a lock reading local
// wheels needs neither (loading them cost it ~10 ms).
import { fileURLToPath } from 'node:url';
import { VenvkitError } from '../errors.js';
import { normalizeName } from './dist-filename.js';
import type { HttpClient } from './http-client.js';
import { redact } from './http-errors.js';
import type { Candidate } from './types.js';
import { EOCD_SEARCH_BYTES, FIND_TAIL, RangeZipReader, ZipReader, type ReadAt, type ZipEntry } from '../zip/reader.js';

export interface CoreMetadata {
  name: string;
  version: string;
  requiresDist: string[];
  requiresPython?: string;
  providesExtra: string[];
  /** Every header, by lower-case name, in order. */
  headers: Map<string, string[]>;
  /** The METADATA text as read (the --report shows it as JSON, plan-apply/report.ts). */
  text?: string;
}

/** Parse METADATA / PKG-INFO text (RFC 822 headers; the body, if any, is the description). Pure. */
export function parseMetadata(text: string): CoreMetadata {
  const headers = new Map<string, string[]>();
  let last: { key: string; index: number } | undefined;
  // Only the headers are split into lines: they end at the first empty line (the description that
  // follows can be most of the text).
  const end = /\r?\n\r?\n/.exec(text);
  const head = /^\r?\n/.test(text) ? '' : end ? text.slice(0, end.index) : text;
  for (const line of head.split(/\r?\n/)) {
    if (line === '') break; // end of headers
    const first = line.charCodeAt(0);
    if ((first === 32 || first === 9) && last) {
      const vals = headers.get(last.key)!;
      vals[last.index] += `\n${line.replace(/^ {7,8}\|?/, '').trimStart()}`;
      continue;
    }
    const i = line.indexOf(':');
    if (i <= 0) continue;
    const key = line.slice(0, i).trim().toLowerCase();
    const value = line.slice(i + 1).trim();
    const vals = headers.get(key) ?? [];
    vals.push(value);
    headers.set(key, vals);
    last = { key, index: vals.length - 1 };
  }
  const one = (k: string) => headers.get(k)?.[0];
  const md: CoreMetadata = {
    name: one('name') ?? '',
    version: one('version') ?? '',
    requiresDist: headers.get('requires-dist') ?? [],
    providesExtra: headers.get('provides-extra') ?? [],
    headers,
    text,
  };
  const rp = one('requires-python');
  if (rp) md.requiresPython = rp;
  return md;
}

/** Largest METADATA accepted (a PEP 658 file or a wheel's member), after decompression: 64 MiB. */
export const MAX_METADATA_BYTES = 64 * 2 ** 20;

export interface MetadataDeps {
  http: () => Promise<HttpClient>;
  download: (c: Candidate) => Promise<{ path: string }>;
}

export async function fetchCandidateMetadata(c: Candidate, deps: MetadataDeps): Promise<CoreMetadata> {
  try {
    if (c.metadataUrl) {
      const text = await readMetadataFile(c, deps);
      if (text !== undefined) return checked(parseMetadata(text), c);
    }
    // A local wheel is read synchronously: a few system calls (open, stat, one read of its tail,
    // close) that take well under a millisecond, where four trips through fs.promises each cost
    // more of this thread's time than the read itself.
    if (/^file:/i.test(c.url)) return checked(parseMetadata(metadataFromFile(fileURLToPath(c.url), c)), c);
    const ranged = await deps.http().then((http) => viaRanges(c, http)).catch(() => undefined);
    if (ranged !== undefined) return checked(parseMetadata(ranged), c);
    const { path } = await deps.download(c);
    return checked(parseMetadata(await metadataFromFileAsync(path, c)), c);
  } catch (e) {
    if (e instanceof VenvkitError) throw e;
    throw new VenvkitError('BAD_WHEEL', `cannot read the metadata of ${c.filename} (${redact(c.url)}): ${(e as Error).message}`, { cause: e });
  }
}

function checked(md: CoreMetadata, c: Candidate): CoreMetadata {
  if (!md.name || !md.version) throw new VenvkitError('BAD_WHEEL', `${c.filename}: METADATA has no Name or Version`);
  return md;
}

/** The PEP 658 file, hash-checked; undefined when the index does not actually have it. */
async function readMetadataFile(c: Candidate, deps: MetadataDeps): Promise<string | undefined> {
  const url = c.metadataUrl!;
  let body: Buffer;
  if (/^file:/i.test(url)) {
    try {
      const { readFile } = await import('node:fs/promises');
      body = await readFile(fileURLToPath(url));
    } catch {
      return undefined;
    }
  } else {
    const res = await (await deps.http()).get(url, {}, { maxBytes: MAX_METADATA_BYTES });
    if (res.status === 404) return undefined;
    if (res.status < 200 || res.status >= 300) throw new VenvkitError('INDEX_ERROR', `GET ${redact(url)} failed: HTTP ${res.status}`);
    body = res.body;
  }
  const { createHash } = await import('node:crypto');
  for (const [algo, expected] of Object.entries(c.metadataHashes ?? {})) {
    let got: string;
    try {
      got = createHash(algo).update(body).digest('hex');
    } catch {
      continue; // an algorithm Node does not know
    }
    if (got !== expected) {
      throw new VenvkitError('HASH_MISMATCH', `hash mismatch for ${redact(url)}: expected ${algo}:${expected}, got ${algo}:${got}`);
    }
  }
  return body.toString('utf8');
}

/** METADATA of the wheel's own .dist-info directory, from a wheel on disk (a small read: the directory and one member). */
export function metadataFromFile(path: string, c: Pick<Candidate, 'name' | 'filename'>): string {
  // Every call reads into the same scratch memory (decoded to a string before it returns): fresh
  // 64 KiB per wheel costs more in allocation and page faults than the read itself.
  scratch ??= Buffer.allocUnsafeSlow(FIND_TAIL);
  const zip = ZipReader.find(path, METADATA_SUFFIX, {}, scratch);
  try {
    return zip.read(pickMetadata(zip.entries, c), MAX_METADATA_BYTES).toString('utf8');
  } finally {
    zip.close();
  }
}

let scratch: Buffer | undefined;

/** The members pickMetadata chooses from (only these are read from the zip's directory). */
const METADATA_SUFFIX = '.dist-info/METADATA';

/**
 * metadataFromFile through fs.promises: the reads (the zip's tail and directory, then the member)
 * do not hold the calling thread (a resolution reads a hundred wheels' directories this way).
 */
export async function metadataFromFileAsync(path: string, c: Pick<Candidate, 'name' | 'filename'>): Promise<string> {
  const { open } = await import('node:fs/promises');
  const file = await open(path, 'r');
  try {
    const { size } = await file.stat();
    const readAt: ReadAt = async (offset, length) => {
      const buf = Buffer.allocUnsafe(length);
      let got = 0;
      while (got < length) {
        const { bytesRead } = await file.read(buf, got, length - got, offset + got);
        if (bytesRead === 0) break; // truncated: the zip reader says so
        got += bytesRead;
      }
      return buf.subarray(0, got);
    };
    const zip = await RangeZipReader.find(readAt, size, METADATA_SUFFIX);
    return (await zip.read(pickMetadata(zip.entries, c))).toString('utf8');
  } finally {
    await file.close();
  }
}

function pickMetadata(entries: ZipEntry[], c: Pick<Candidate, 'name' | 'filename'>): ZipEntry {
  const found = entries.filter((m) => /^[^/]+\.dist-info\/METADATA$/.test(m.name));
  const want = normalizeName(c.name);
  const m = found.find((e) => normalizeName(e.name.split('-')[0]!) === want) ?? found[0];
  if (!m) throw new VenvkitError('BAD_WHEEL', `${c.filename} has no .dist-info/METADATA`);
  if (m.size > MAX_METADATA_BYTES || m.compressedSize > MAX_METADATA_BYTES) {
    throw new VenvkitError('BAD_WHEEL', `${c.filename}: ${m.name} declares ${m.size} bytes, more than the ${MAX_METADATA_BYTES} venvkit reads`, { hint: 'The wheel is malformed or hostile; do not trust its source.' });
  }
  return m;
}

/** Read METADATA with HTTP Range requests (tail, then the member); undefined when ranges are not served. */
async function viaRanges(c: Candidate, http: HttpClient): Promise<string | undefined> {
  const first = await rangeGet(http, c.url, `bytes=-${EOCD_SEARCH_BYTES}`);
  if (!first) return undefined;
  const m = /\/(\d+)\s*$/.exec(first.contentRange);
  if (!m) return undefined;
  const size = Number(m[1]);
  const tailStart = size - first.body.length;
  const readAt: ReadAt = async (offset, length) => {
    if (offset >= tailStart && offset + length <= size) return first.body.subarray(offset - tailStart, offset - tailStart + length);
    const res = await rangeGet(http, c.url, `bytes=${offset}-${offset + length - 1}`);
    if (!res || res.body.length !== length) throw new Error(`range request on ${redact(c.url)} was not honoured`);
    return res.body;
  };
  const zip = await RangeZipReader.find(readAt, size, METADATA_SUFFIX);
  return (await zip.read(pickMetadata(zip.entries, c))).toString('utf8');
}

/**
 * A Range GET; undefined (and the transfer abandoned) when the server answers with the whole file.
 * At most the requested number of bytes (or the tail's) is kept: a server that sends more is cut off.
 */
async function rangeGet(http: HttpClient, url: string, range: string): Promise<{ body: Buffer; contentRange: string } | undefined> {
  const res = await http.stream(url, { range, 'accept-encoding': 'identity' });
  if (res.status !== 206) {
    res.body.destroy();
    return undefined;
  }
  const m = /^bytes=(\d*)-(\d*)$/.exec(range)!;
  const max = m[1] === '' ? Number(m[2]) : Number(m[2]) - Number(m[1]) + 1;
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of res.body) {
    total += (chunk as Buffer).length;
    if (total > max) {
      res.body.destroy();
      throw new Error(`range request on ${redact(url)} answered with more than the ${max} bytes asked for`);
    }
    chunks.push(chunk as Buffer);
  }
  return { body: Buffer.concat(chunks), contentRange: String(res.headers['content-range'] ?? '') };
}
