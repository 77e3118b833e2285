// What an environment holds, with what pip's list/freeze/check need: each distribution's metadata
// (Requires-Dist), INSTALLER, REQUESTED and PEP 610 direct_url.json. Reads files only; no Python runs.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { listInstalled, type InstalledDist } from '../install/installed.js';
import { parseMetadata } from '../index/metadata.js';
import type { VenvPaths } from '../venv/types.js';

export interface DistInfo extends InstalledDist {
  /** The site-packages directory holding it. */
  location: string;
  /** INSTALLER's first line ("pip", "venvkit", "uv"), or "" when absent. */
  installer: string;
  requested: boolean;
  requiresDist: string[];
  requiresPython?: string;
  /** PEP 610 direct_url.json, when it was installed from a URL or local file. */
  directUrl?: DirectUrl;
}

export interface DirectUrl {
  url: string;
  archive_info?: { hash?: string; hashes?: Record<string, string> };
  dir_info?: { editable?: boolean };
  vcs_info?: { vcs: string; commit_id: string; requested_revision?: string };
  subdirectory?: string;
}

function readText(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}

/** Every distribution in the env's lib dirs with its metadata (sorted by normalised name). */
export function readDists(paths: VenvPaths): DistInfo[] {
  const out: DistInfo[] = [];
  for (const d of listInstalled(paths)) {
    const text = readText(join(d.distInfoDir, 'METADATA'));
    const md = text === undefined ? undefined : parseMetadata(text);
    let directUrl: DirectUrl | undefined;
    const du = readText(join(d.distInfoDir, 'direct_url.json'));
    if (du) {
      try {
        const parsed = JSON.parse(du) as DirectUrl;
        if (typeof parsed.url === 'string') directUrl = parsed;
      } catch {
        /* ignore a broken file, as pip does */
      }
    }
    let requested = false;
    try {
      readFileSync(join(d.distInfoDir, 'REQUESTED'));
      requested = true;
    } catch {
      /* absent */
    }
    out.push({
      ...d,
      location: dirname(d.distInfoDir),
      installer: (readText(join(d.distInfoDir, 'INSTALLER')) ?? '').split('\n')[0]!.trim(),
      requested,
      requiresDist: md?.requiresDist ?? [],
      ...(md?.requiresPython ? { requiresPython: md.requiresPython } : {}),
      ...(directUrl ? { directUrl } : {}),
    });
  }
  return out.sort((a, b) => (a.normalizedName < b.normalizedName ? -1 : a.normalizedName > b.normalizedName ? 1 : 0));
}
