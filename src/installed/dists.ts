// What an environment holds, with what pip's list/freeze/check need: each distribution's metadata
// (Requires-Dist), INSTALLER, REQUESTED and PEP 610 direct_url.json. Reads files only; no Python runs.
import { existsSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { distInfoDirs, type InstalledDist } from './dist-info.js';
import { canonicalizeName } from '../pep/names.js';
import { firstOfEachProject, inLookupOrder } from './discovery-order.js';
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

function readDirectUrl(distInfoDir: string): DirectUrl | undefined {
  const du = readText(join(distInfoDir, 'direct_url.json'));
  if (!du) return undefined;
  try {
    const parsed = JSON.parse(du) as DirectUrl;
    return typeof parsed.url === 'string' ? parsed : undefined;
  } catch {
    return undefined; // a broken file is ignored, as pip does
  }
}

/**
 * Every distribution in the env's lib dirs with its metadata, sorted by normalised name. `light`
 * reads METADATA only (what the no-op check needs); directUrl is then read on first use. `order:
 * 'pip'`: the order pip finds them in instead (discovery-order.ts), one per project, as pip check
 * reports them; a METADATA without Name is then skipped, as pip skips it.
 */
export function readDists(paths: VenvPaths, options: { light?: boolean; order?: 'name' | 'pip' } = {}): DistInfo[] {
  const pipOrder = options.order === 'pip';
  let dirs = distInfoDirs(paths, { unsorted: pipOrder });
  if (pipOrder) dirs = [...new Set(dirs.map((d) => d.lib))].flatMap((lib) => inLookupOrder(dirs.filter((d) => d.lib === lib), (d) => basename(d.dir)));
  const out: DistInfo[] = [];
  for (const { dir: distInfoDir, lib, ...fromDirName } of dirs) {
    const text = readText(join(distInfoDir, 'METADATA'));
    const md = text === undefined ? { requiresDist: [] as string[] } : metadataDeps(text);
    if (pipOrder && md.name === undefined) continue;
    const name = md.name ?? fromDirName.name;
    const version = md.version ?? fromDirName.version;
    const d: DistInfo = {
      name, version, normalizedName: canonicalizeName(name), distInfoDir, location: lib,
      installer: '', requested: false, requiresDist: md.requiresDist,
      ...(md.requiresPython ? { requiresPython: md.requiresPython } : {}),
    };
    if (options.light) {
      let cached: DirectUrl | undefined | null = null;
      Object.defineProperty(d, 'directUrl', { enumerable: true, get: () => (cached === null ? (cached = readDirectUrl(distInfoDir)) : cached) });
    } else {
      d.installer = (readText(join(distInfoDir, 'INSTALLER')) ?? '').split('\n')[0]!.trim();
      d.requested = existsSync(join(distInfoDir, 'REQUESTED'));
      const du = readDirectUrl(distInfoDir);
      if (du) d.directUrl = du;
    }
    out.push(d);
  }
  if (pipOrder) return firstOfEachProject(out);
  return out.sort((a, b) => (a.normalizedName < b.normalizedName ? -1 : a.normalizedName > b.normalizedName ? 1 : 0));
}

/** Requires-Dist and Requires-Python of METADATA text (headers only; the body is not read). */
export function metadataDeps(text: string): { name?: string; version?: string; requiresDist: string[]; requiresPython?: string } {
  const requiresDist: string[] = [];
  let requiresPython: string | undefined;
  let name: string | undefined;
  let version: string | undefined;
  let start = 0;
  for (;;) {
    let end = text.indexOf('\n', start);
    if (end === -1) end = text.length;
    const line = text.charCodeAt(end - 1) === 13 ? text.slice(start, end - 1) : text.slice(start, end);
    if (line === '') break;
    const c = line.charCodeAt(0) | 32;
    if (c === 110 /* n */ && name === undefined && /^name:/i.test(line)) name = line.slice(5).trim();
    else if (c === 118 /* v */ && version === undefined && /^version:/i.test(line)) version = line.slice(8).trim();
    else if (c === 114 /* r */) {
      const colon = line.indexOf(':');
      const key = line.slice(0, colon).toLowerCase();
      if (key === 'requires-dist') requiresDist.push(line.slice(colon + 1).trim());
      else if (key === 'requires-python') requiresPython = line.slice(colon + 1).trim();
    }
    if (end >= text.length) break;
    start = end + 1;
  }
  return { requiresDist, ...(requiresPython ? { requiresPython } : {}), ...(name ? { name } : {}), ...(version ? { version } : {}) };
}
