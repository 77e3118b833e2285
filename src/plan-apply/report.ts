// pip's installation report (`pip install --report FILE`, schema version "1"): one entry per
// distribution to install, with its PEP 610 download info, whether it was requested, and its core
// metadata as PEP 566 JSON; and the marker environment of the target interpreter.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { markerEnvironment } from '../pep/markers.js';
import type { InterpreterInfo } from '../python/types.js';
import type { IndexCandidate } from '../resolver/index-provider.js';
import type { ResolvedPackage } from '../resolver/types.js';

/** What onResolved gets: the chosen packages and how to read their metadata. */
export interface ResolvedForReport {
  packages: ResolvedPackage<IndexCandidate>[];
  /** The requirements given (direct URL ones carry `url`). */
  requirements: { key: string; url?: string | null; extras: string[] }[];
  /** The PEP 610 direct_url of a package built from a local project (by its wheel's URL). */
  directUrlOf(url: string): object | undefined;
  /** The METADATA text of a chosen package (from the index, the wheel, or its build). */
  metadataText(p: ResolvedPackage<IndexCandidate>): Promise<string>;
}

export interface PipReportEntry {
  download_info: { url: string; archive_info?: { hash?: string; hashes?: Record<string, string> }; dir_info?: { editable?: boolean } };
  is_direct: boolean;
  is_yanked: boolean;
  requested: boolean;
  requested_extras?: string[];
  metadata: Record<string, string | string[]>;
}

export interface PipReport {
  version: '1';
  pip_version: string;
  install: PipReportEntry[];
  environment: Record<string, string>;
}

// Core metadata fields and whether each may be repeated, in pip's order (pip/_internal/metadata/_json.py).
const FIELDS: [string, boolean][] = [
  ['Metadata-Version', false], ['Name', false], ['Version', false], ['Dynamic', true], ['Platform', true],
  ['Supported-Platform', true], ['Summary', false], ['Description', false], ['Description-Content-Type', false],
  ['Keywords', false], ['Home-page', false], ['Download-URL', false], ['Author', false], ['Author-email', false],
  ['Maintainer', false], ['Maintainer-email', false], ['License', false], ['License-Expression', false],
  ['License-File', true], ['Classifier', true], ['Requires-Dist', true], ['Requires-Python', false],
  ['Requires-External', true], ['Project-URL', true], ['Provides-Extra', true], ['Provides-Dist', true],
  ['Obsoletes-Dist', true],
];

/**
 * METADATA text as PEP 566 JSON, the way pip does it (Python's email parser, compat32: a folded
 * value keeps its line breaks and indentation; the body is `description`).
 */
export function metadataJson(text: string): Record<string, string | string[]> {
  const headers = new Map<string, string[]>();
  const lines = text.split(/\r?\n/);
  let i = 0;
  let last: { key: string; index: number } | undefined;
  for (; i < lines.length; i++) {
    const line = lines[i]!;
    if (line === '') {
      i++;
      break;
    }
    if (/^[ \t]/.test(line) && last) {
      headers.get(last.key)![last.index] += `\n${line}`;
      continue;
    }
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    const key = line.slice(0, colon).trim().toLowerCase();
    const vals = headers.get(key) ?? [];
    vals.push(line.slice(colon + 1).replace(/^[ \t]+/, ''));
    headers.set(key, vals);
    last = { key, index: vals.length - 1 };
  }
  const out: Record<string, string | string[]> = {};
  for (const [field, multi] of FIELDS) {
    const vals = headers.get(field.toLowerCase());
    if (!vals) continue;
    const key = field.toLowerCase().replace(/-/g, '_');
    if (multi) out[key] = vals;
    else if (key === 'keywords') out[key] = vals[0]!.includes(',') ? vals[0]!.split(',').map((v) => v.trim()) : vals[0]!.split(/\s+/).filter(Boolean);
    else out[key] = vals[0]!;
  }
  const body = lines.slice(i).join('\n');
  if (i < lines.length && body) out.description = body;
  return out;
}

function sha256Of(url: string): string | undefined {
  if (!/^file:/i.test(url)) return undefined;
  try {
    return createHash('sha256').update(readFileSync(fileURLToPath(url))).digest('hex');
  } catch {
    return undefined;
  }
}

/** The report for what `resolved` is about to install, for the interpreter `info`. */
export async function pipReport(resolved: ResolvedForReport, info: InterpreterInfo, version: string): Promise<PipReport> {
  const requested = new Map(resolved.requirements.map((r) => [r.key, r]));
  const install: PipReportEntry[] = [];
  for (const p of resolved.packages) {
    const file = p.candidate.file!;
    const req = requested.get(p.name);
    const local = resolved.directUrlOf(file.url);
    let download: PipReportEntry['download_info'];
    if (local) download = local as PipReportEntry['download_info'];
    else {
      const [algo, value] = Object.entries(file.hashes)[0] ?? ['sha256', sha256Of(file.url)];
      download = { url: file.url, archive_info: value ? { hash: `${algo}=${value}`, hashes: { [algo]: value } } : {} };
    }
    const entry: PipReportEntry = {
      download_info: download,
      is_direct: !!local || !!req?.url,
      is_yanked: file.yanked !== false,
      requested: p.requiredBy.includes(''),
      metadata: metadataJson(await resolved.metadataText(p)),
    };
    if (entry.requested && req?.extras.length) entry.requested_extras = [...req.extras].sort();
    install.push(entry);
  }
  return { version: '1', pip_version: version, install, environment: { ...markerEnvironment(info) } };
}
