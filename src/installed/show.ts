// What `pip show` tells about installed distributions (pip 26.2's fields, in its order), and the
// dependency relations `show`, `list --not-required` and `tree` share: a distribution's direct
// dependencies (Requires-Dist without extras, markers evaluated for the env's interpreter, as
// pip's iter_dependencies()) and who requires it.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type MarkerEnvironment, evaluateMarker } from '../pep/markers.js';
import { canonicalizeName } from '../pep/names.js';
import { parseRequirement, type Requirement } from '../pep/pep508.js';
import type { DistInfo } from './dists.js';
import { editableLocation } from './editable-info.js';

/** `dist`'s dependencies without extras whose markers hold (throws on an unparsable one, as pip). */
export function directDependencies(dist: Pick<DistInfo, 'requiresDist'>, env: MarkerEnvironment): Requirement[] {
  const out: Requirement[] = [];
  for (const text of dist.requiresDist) {
    const req = parseRequirement(text);
    if (!req.marker || evaluateMarker(req.marker, env, '')) out.push(req);
  }
  return out;
}

/** Like directDependencies, but an unparsable line makes it undefined instead of throwing. */
export function tryDirectDependencies(dist: Pick<DistInfo, 'requiresDist'>, env: MarkerEnvironment): Requirement[] | undefined {
  try {
    return directDependencies(dist, env);
  } catch {
    return undefined;
  }
}

/** Headers of METADATA as Python's email parser gives them (folded lines kept, one list per key). */
export function metadataHeaders(text: string): Map<string, string[]> {
  const headers = new Map<string, string[]>();
  let last: { key: string; lines: string[] } | undefined;
  const flush = () => {
    if (!last) return;
    const list = headers.get(last.key) ?? [];
    list.push(last.lines.join('\n'));
    headers.set(last.key, list);
  };
  for (const line of text.split(/\r?\n/)) {
    if (line === '') break;
    if (/^[ \t]/.test(line) && last) {
      last.lines.push(line);
      continue;
    }
    flush();
    const colon = line.indexOf(':');
    if (colon <= 0) {
      last = undefined;
      continue;
    }
    last = { key: line.slice(0, colon).toLowerCase(), lines: [line.slice(colon + 1).replace(/^[ \t]+/, '')] };
  }
  flush();
  return headers;
}

export interface ShownDist {
  name: string;
  version: string;
  summary: string;
  homepage: string;
  author: string;
  authorEmail: string;
  /** "License-Expression" (metadata 2.4+ with one) or "License", and its value. */
  license: { field: 'License' | 'License-Expression'; value: string };
  location: string;
  editableProjectLocation?: string;
  requires: string[];
  requiredBy: string[];
  metadataVersion: string;
  installer: string;
  classifiers: string[];
  entryPoints: string[];
  projectUrls: string[];
  /** RECORD's entries, sorted (undefined: no RECORD). */
  files?: string[];
}

const read = (path: string) => {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
};
const byLower = (a: string, b: string) => (a.toLowerCase() < b.toLowerCase() ? -1 : a.toLowerCase() > b.toLowerCase() ? 1 : 0);

/**
 * pip show's facts about the distributions `names` names, in the order asked (each once), and the
 * names not installed. `installed` is everything in the env (readDists), for Required-by.
 */
export function showDists(installed: readonly DistInfo[], names: readonly string[], env: MarkerEnvironment): { shown: ShownDist[]; missing: string[] } {
  const byKey = new Map(installed.map((d) => [canonicalizeName(d.name), d]));
  const missing = names.filter((n) => !byKey.has(canonicalizeName(n))).sort();
  const shown: ShownDist[] = [];
  for (const key of names.map(canonicalizeName)) {
    const d = byKey.get(key);
    if (!d) continue;
    const deps = tryDirectDependencies(d, env);
    const requires = deps ? [...new Set(deps.map((r) => r.name))].sort(byLower) : [...d.requiresDist].sort(byLower);
    let requiredBy: string[] = [];
    const parents: string[] = [];
    let broken = false;
    for (const other of byKey.values()) {
      const od = tryDirectDependencies(other, env);
      if (!od) broken = true;
      else if (od.some((r) => canonicalizeName(r.name) === key)) parents.push(other.name);
    }
    requiredBy = broken ? ['#N/A'] : parents.sort(byLower);
    const h = metadataHeaders(read(join(d.distInfoDir, 'METADATA')) ?? '');
    const one = (k: string) => h.get(k.toLowerCase())?.[0] ?? '';
    const all = (k: string) => h.get(k.toLowerCase()) ?? [];
    const projectUrls = all('Project-URL');
    let homepage = one('Home-page');
    if (!homepage) {
      for (const u of projectUrls) {
        const comma = u.indexOf(',');
        if (comma >= 0 && u.slice(0, comma).replace(/[\s!"#$%&'()*+,\-./:;<=>?@[\\\]^_`{|}~]/g, '').toLowerCase() === 'homepage') {
          homepage = u.slice(comma + 1).trim();
          break;
        }
      }
    }
    const metadataVersion = one('Metadata-Version');
    const mv = metadataVersion.split('.').map(Number);
    const newer = mv[0]! > 2 || (mv[0] === 2 && (mv[1] ?? 0) >= 4);
    const expression = one('License-Expression');
    const record = read(join(d.distInfoDir, 'RECORD'));
    shown.push({
      name: d.name,
      version: d.version,
      summary: one('Summary'),
      homepage,
      author: one('Author'),
      authorEmail: one('Author-email'),
      license: newer && expression ? { field: 'License-Expression', value: expression } : { field: 'License', value: one('License') },
      location: d.location,
      ...(editableLocation(d) !== undefined ? { editableProjectLocation: editableLocation(d) } : {}),
      requires,
      requiredBy,
      metadataVersion,
      installer: d.installer,
      classifiers: all('Classifier'),
      entryPoints: (read(join(d.distInfoDir, 'entry_points.txt')) ?? '').split(/\r?\n/).filter((l, i, a) => i < a.length - 1 || l !== ''),
      projectUrls,
      ...(record !== undefined ? { files: recordPaths(record).sort() } : {}),
    });
  }
  return { shown, missing };
}

/** RECORD's paths, normalised as Python's str(pathlib.Path(path)) (pip show -f). */
function recordPaths(text: string): string[] {
  const out: string[] = [];
  for (const line of text.split(/\r?\n/)) {
    if (!line) continue;
    let path: string;
    if (line.startsWith('"')) {
      const m = /^"((?:[^"]|"")*)"/.exec(line);
      path = m ? m[1]!.replace(/""/g, '"') : line;
    } else path = line.split(',')[0]!;
    // pathlib drops "." segments, repeated and trailing slashes, but keeps "..".
    const parts = path.split('/').filter((p) => p !== '' && p !== '.');
    out.push(parts.length ? (path.startsWith('/') ? '/' : '') + parts.join('/') : '.');
  }
  return out;
}
