/**
 * What a lock records of each file: its hashes (every file has a sha256: the index's, or computed
 * from the file when the index gave none, as for a find-links directory), its size (the index's
 * PEP 700 `size`, else the size on disk of a file:// URL) and its upload time (only the index's).
 * Nothing here depends on the cache's state, so the lock is the same with a cold or a warm cache.
 */
import { statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { IndexClient } from '../index/index-client.js';
import type { Candidate as IndexFile } from '../index/types.js';
import type { LockedPackage } from './merge.js';

export interface FileFacts {
  name: string;
  url: string;
  hashes: Record<string, string>;
  size?: number;
  uploadTime?: string;
}

async function factsOf(f: IndexFile, client: IndexClient): Promise<FileFacts> {
  let hashes = { ...f.hashes };
  if (!hashes.sha256) {
    const got = await client.download(f);
    hashes = { ...hashes, sha256: got.hashes.sha256! };
  }
  let size = f.size;
  if (size === undefined && /^file:/i.test(f.url)) size = statSync(fileURLToPath(f.url)).size;
  return { name: f.filename, url: f.url, hashes, ...(size !== undefined ? { size } : {}), ...(f.uploadTime ? { uploadTime: f.uploadTime } : {}) };
}

/** The facts of every file the entries use, by URL (at most 8 files read at once). */
export async function fileFacts(entries: readonly LockedPackage[], client: IndexClient): Promise<Map<string, FileFacts>> {
  const files = new Map<string, IndexFile>();
  for (const e of entries) for (const f of [...e.wheels, ...(e.sdist ? [e.sdist] : [])]) files.set(f.url, f);
  const list = [...files.values()];
  const out = new Map<string, FileFacts>();
  let next = 0;
  const worker = async () => {
    while (next < list.length) {
      const f = list[next++]!;
      out.set(f.url, await factsOf(f, client));
    }
  };
  await Promise.all(Array.from({ length: Math.min(8, list.length) }, worker));
  return out;
}
