// Fetch + verify. Every file is hashed while it streams; the index's hash (and, in
// --require-hashes mode, the caller's) must match, or the file is removed and HASH_MISMATCH
// names the URL, the expected and the actual hash. file:// files are verified where they lie.
// HTTP downloads land in a cache keyed by URL + advertised hash, beside a record of their hashes.
import { createHash, type Hash } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, mkdtemp, readFile, rename, rm, writeFile, copyFile, link, stat } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { Transform, type Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { cacheDir as cacheBucket } from '../cache/dirs.js';
import { stagingName, writeFileAtomic } from '../cache/atomic.js';
import { markUsed } from '../cache/users.js';
import { VenvkitError, errnoCode } from '../errors.js';
import type { HttpClient } from './http-client.js';
import { redact } from './http-errors.js';
import type { Candidate } from './types.js';
import { normalizeName, parseDistFilename, unsafeFilenameReason } from './dist-filename.js';
import { clip } from '../pep/quote.js';

export interface DownloadOptions {
  /** --require-hashes: the file must match one of these (`algo:hex`). */
  requiredHashes?: string[];
  /** Put (a link to) the file in this directory instead of only in the cache. */
  dest?: string;
  http: () => Promise<HttpClient>;
  /** Cache directory; undefined: cacheDir('downloads'); false: no cache (download to dest or a temp dir). */
  cacheDir?: string | false;
  /** Progress: bytes received so far, and the total when known. */
  onProgress?: (received: number, total?: number) => void;
}

export interface DownloadResult {
  /** Where the verified file is (the original for file:// URLs). */
  path: string;
  /** Hex digests computed while reading, by algorithm (always sha256). */
  hashes: Record<string, string>;
  /** true when no bytes were transferred (cache hit or a local file). */
  cached: boolean;
}

const ALGOS = new Set(['sha256', 'sha384', 'sha512', 'sha224', 'sha1', 'md5']);

export async function downloadCandidate(c: Candidate, options: DownloadOptions): Promise<DownloadResult> {
  const filename = localName(c);
  const wanted = algorithmsFor(c, options.requiredHashes);
  if (/^file:/i.test(c.url)) {
    const path = fileURLToPath(c.url);
    const memoDir = options.cacheDir === false ? undefined : join(options.cacheDir ?? cacheBucket('downloads'), 'local-hashes');
    const hashes = await localHashes(path, wanted, memoDir);
    verify(c, hashes, options.requiredHashes);
    if (options.dest) return { path: await placeInto(path, options.dest, filename), hashes, cached: true };
    return { path, hashes, cached: true };
  }
  const dir = options.cacheDir === false ? undefined : join(options.cacheDir ?? cacheBucket('downloads'), cacheKey(c));
  if (dir) {
    const hit = await cachedFile(dir, filename, c, options.requiredHashes);
    if (hit) return { path: options.dest ? await placeInto(hit.path, options.dest, filename) : hit.path, hashes: hit.hashes, cached: true };
  }
  // Last resort (no cache, no dest): a fresh private directory, never a predictable name in /tmp.
  const targetDir = dir ?? options.dest ?? (await mkdtemp(join((await import('node:os')).tmpdir(), 'venvkit-download-')));
  await mkdir(targetDir, { recursive: true });
  const final = inside(targetDir, filename);
  const tmp = stagingName(final, 'part');
  let hashes: Record<string, string>;
  for (let attempt = 0; ; attempt++) {
    try {
      hashes = await fetchTo(c.url, tmp, wanted, options);
      break;
    } catch (e) {
      await rm(tmp, { force: true });
      const code = errnoCode(e);
      if (attempt < 2 && (code === 'ECONNRESET' || code === 'ETIMEDOUT' || code === 'ERR_STREAM_PREMATURE_CLOSE')) continue;
      if (e instanceof VenvkitError) throw e;
      throw new VenvkitError('INDEX_ERROR', `download of ${redact(c.url)} failed: ${(e as Error).message}`, { cause: e });
    }
  }
  try {
    verify(c, hashes, options.requiredHashes);
  } catch (e) {
    await rm(tmp, { force: true });
    throw e;
  }
  await rename(tmp, final);
  if (dir) await writeFile(join(dir, 'hashes.json'), JSON.stringify(hashes));
  return { path: dir && options.dest ? await placeInto(final, options.dest, filename) : final, hashes, cached: false };
}

/**
 * Hashes of a local file, remembered by path + size + mtime + inode so a warm run does not read
 * big wheels again (the same rule uv and pip's wheel cache use for local files).
 */
async function localHashes(path: string, wanted: Set<string>, memoDir: string | undefined): Promise<Record<string, string>> {
  let st;
  try {
    st = await stat(path);
  } catch (e) {
    throw new VenvkitError('INDEX_ERROR', `file not found: ${path}`, { cause: e });
  }
  const stamp = `${st.size}:${st.mtimeMs}:${st.ino}`;
  const memo = memoDir ? join(memoDir, `${createHash('sha256').update(path).digest('hex').slice(0, 32)}.json`) : undefined;
  let known: Record<string, string> = {};
  if (memo) {
    try {
      const m = JSON.parse(await readFile(memo, 'utf8')) as { path: string; stamp: string; hashes: Record<string, string> };
      if (m.path === path && m.stamp === stamp) known = m.hashes;
    } catch {
      // no memo yet
    }
  }
  const missing = [...wanted].filter((a) => !known[a]);
  if (missing.length === 0) return known;
  // A small file (most wheels of a big set) in one read: a stream costs more than the hashing.
  const hashes = { ...known, ...(st.size < 1 << 16 ? await hashFile(path, missing) : await hashStream(createReadStream(path), new Set(missing))) };
  if (memo && st.size >= 1 << 16) {
    // Only files big enough to be worth it (a tiny file hashes faster than the memo is read). A
    // warm install from a file:// index or find-links dir of jupyter's ~90 wheels, most under 1 MiB,
    // read and hashed every one of them again with a 1 MiB threshold.
    await mkdir(memoDir!, { recursive: true });
    await writeFileAtomic(memo, JSON.stringify({ path, stamp, hashes }));
  }
  return hashes;
}

/** Cache key: the URL (without credentials) plus the hash the index promised for it. */
export function cacheKey(c: Candidate): string {
  const u = new URL(c.url);
  u.username = '';
  u.password = '';
  const h = createHash('sha256').update(`${u.href}#${c.hashes.sha256 ?? ''}`).digest('hex');
  return join(h.slice(0, 2), h.slice(2, 32));
}

async function cachedFile(dir: string, filename: string, c: Candidate, required?: string[]): Promise<{ path: string; hashes: Record<string, string> } | undefined> {
  let hashes: Record<string, string>;
  const path = inside(dir, filename);
  markUsed(dir); // before reading: `venvkit cache prune|clean` then leaves it alone
  try {
    hashes = JSON.parse(await readFile(join(dir, 'hashes.json'), 'utf8'));
    await stat(path);
  } catch {
    return undefined;
  }
  const need = [...algorithmsFor(c, required)].filter((a) => !hashes[a]);
  if (need.length) hashes = { ...hashes, ...(await hashStream(createReadStream(path), new Set(need))) };
  verify(c, hashes, required);
  return { path, hashes };
}

function algorithmsFor(c: Candidate, required?: string[]): Set<string> {
  const out = new Set(['sha256']);
  for (const a of Object.keys(c.hashes)) if (ALGOS.has(a)) out.add(a);
  for (const r of required ?? []) {
    const a = r.split(':')[0]!;
    if (ALGOS.has(a)) out.add(a);
  }
  return out;
}

/** Throws HASH_MISMATCH unless the computed hashes match the index's and one of the required. */
export function verify(c: Candidate, got: Record<string, string>, required?: string[]): void {
  for (const [algo, expected] of Object.entries(c.hashes)) {
    if (!got[algo] || got[algo] === expected.toLowerCase()) continue;
    throw new VenvkitError('HASH_MISMATCH', `hash mismatch for ${redact(c.url)}: expected ${algo}:${expected}, got ${algo}:${got[algo]}`, {
      hint: 'The file differs from what the index promised: a corrupt download or a changed file. The file was not used.',
    });
  }
  if (required && required.length > 0) {
    const ok = required.some((r) => {
      const [algo, hex] = r.split(':');
      return got[algo!] !== undefined && got[algo!] === hex!.toLowerCase();
    });
    if (!ok) {
      throw new VenvkitError('HASH_MISMATCH', `hash mismatch for ${redact(c.url)}: expected ${required.join(' or ')}, got sha256:${got.sha256}`, {
        hint: 'The requirements file pins other hashes (--hash): update them if this file is the one you want.',
      });
    }
  }
}

async function hashFile(path: string, algos: readonly string[]): Promise<Record<string, string>> {
  let bytes: Buffer;
  try {
    bytes = await readFile(path);
  } catch (e) {
    if (errnoCode(e) === 'ENOENT') throw new VenvkitError('INDEX_ERROR', `file not found: ${path}`, { cause: e });
    throw e;
  }
  return Object.fromEntries(algos.map((a) => [a, createHash(a).update(bytes).digest('hex')]));
}

async function hashStream(stream: Readable, algos: Set<string>): Promise<Record<string, string>> {
  const hashers = new Map<string, Hash>([...algos].map((a) => [a, createHash(a)]));
  try {
    for await (const chunk of stream) for (const h of hashers.values()) h.update(chunk as Buffer);
  } catch (e) {
    if (errnoCode(e) === 'ENOENT') throw new VenvkitError('INDEX_ERROR', `file not found: ${(stream as { path?: string }).path ?? ''}`, { cause: e });
    throw e;
  }
  return Object.fromEntries([...hashers].map(([a, h]) => [a, h.digest('hex')]));
}

async function fetchTo(url: string, file: string, algos: Set<string>, options: DownloadOptions): Promise<Record<string, string>> {
  const { body, headers } = await (await options.http()).stream(url);
  const total = Number(headers['content-length']) || undefined;
  const hashers = new Map<string, Hash>([...algos].map((a) => [a, createHash(a)]));
  let received = 0;
  const tap = new Transform({
    transform(chunk: Buffer, _enc, cb) {
      for (const h of hashers.values()) h.update(chunk);
      received += chunk.length;
      options.onProgress?.(received, total);
      cb(null, chunk);
    },
  });
  await pipeline(body, tap, createWriteStream(file));
  if (total !== undefined && received !== total) {
    throw Object.assign(new Error(`connection closed after ${received} of ${total} bytes`), { code: 'ECONNRESET' });
  }
  return Object.fromEntries([...hashers].map(([a, h]) => [a, h.digest('hex')]));
}

/**
 * The local name of a candidate's file: its name from the index, only when that is one plain path
 * segment naming a wheel or sdist of the candidate's project. The index's string never reaches a
 * path otherwise (INDEX_ERROR: the file is not downloaded).
 */
export function localName(c: Pick<Candidate, 'filename' | 'name' | 'url'>): string {
  const f = c.filename;
  let why = unsafeFilenameReason(f);
  if (!why) {
    const dist = parseDistFilename(f, normalizeName(c.name));
    if (!dist || normalizeName(dist.name) !== normalizeName(c.name)) why = `it is not a wheel or source distribution of ${c.name}`;
  }
  if (why) {
    throw new VenvkitError('INDEX_ERROR', `refusing to download ${clip(redact(c.url), 300)}: the index names the file ${JSON.stringify(clip(f))}, and ${why}`, {
      hint: 'The index gave a file name that could write outside venvkit\'s directories or is not a distribution file; it was not downloaded. Do not trust this index.',
    });
  }
  return f;
}

/** dir/name, checked to be directly inside dir (a second guard behind localName). */
function inside(dir: string, name: string): string {
  const path = join(dir, name);
  if (dirname(resolve(path)) !== resolve(dir) || basename(path) !== name) {
    throw new VenvkitError('INDEX_ERROR', `refusing to write ${JSON.stringify(name)} outside ${dir}`, { hint: 'The file name came from an index; do not trust this index.' });
  }
  return path;
}

/** A hard link (or copy) of `path` as dest/filename. */
async function placeInto(path: string, dest: string, filename: string): Promise<string> {
  await mkdir(dest, { recursive: true });
  const target = inside(dest, filename);
  if (target === path) return path;
  await rm(target, { force: true });
  try {
    await link(path, target);
  } catch {
    await copyFile(path, target);
  }
  return target;
}
