/**
 * The pins of the lock being replaced, so that locking again changes only what must change: for
 * each target, the versions of the entries that apply to it (no marker, or a marker that holds
 * there; a marker venvkit cannot evaluate, such as `'x' in extras`, counts as holding). Reads
 * pylock.toml (its [[packages]] name, version, marker) and pip-compile style requirements.txt
 * (`name==version ; marker` lines). A file that does not parse is BAD_LOCK: nothing is overwritten.
 */
import { existsSync, readFileSync } from 'node:fs';
import { VenvkitError } from '../errors.js';
import { evaluateMarker, parseMarker, type Marker } from '../pep/markers.js';
import { canonicalizeName } from '../pep/names.js';
import type { LockTarget } from './targets.js';

export interface PreviousPin {
  name: string;
  version: string;
  marker: Marker | null;
}

function markerOf(text: string | undefined): Marker | null {
  if (!text) return null;
  try {
    return parseMarker(text);
  } catch {
    return null;
  }
}

function badLock(path: string, why: string, cause?: unknown): VenvkitError {
  return new VenvkitError('BAD_LOCK', `${path}: ${why}`, {
    hint: 'Fix or remove that file, or use the `upgrade` option to lock afresh (the file is then replaced).',
    ...(cause ? { cause } : {}),
  });
}

/** The pins in `path`, or [] when there is no such file. */
export async function readPreviousPins(path: string, format: 'pylock' | 'requirements'): Promise<PreviousPin[]> {
  if (!existsSync(path)) return [];
  const text = readFileSync(path, 'utf8');
  if (format === 'requirements') {
    const out: PreviousPin[] = [];
    for (const line of text.split(/\r?\n/)) {
      const m = /^([A-Za-z0-9][A-Za-z0-9._-]*)(?:\[[^\]]*\])?\s*===?\s*([^\s;\\]+)\s*(?:;\s*([^\\]*?))?\s*\\?\s*$/.exec(line);
      if (m) out.push({ name: canonicalizeName(m[1]!), version: m[2]!, marker: markerOf(m[3]) });
    }
    return out;
  }
  const { parse, TomlError } = await import('smol-toml');
  let doc: Record<string, unknown>;
  try {
    doc = parse(text) as Record<string, unknown>;
  } catch (e) {
    if (e instanceof TomlError) throw badLock(path, `line ${e.line}, column ${e.column}: ${e.message.split('\n')[0]}`, e);
    throw e;
  }
  const packages = doc.packages ?? [];
  if (!Array.isArray(packages)) throw badLock(path, '`packages` is not an array of tables');
  const out: PreviousPin[] = [];
  for (const p of packages as Record<string, unknown>[]) {
    if (typeof p?.name !== 'string' || typeof p.version !== 'string') continue;
    out.push({ name: canonicalizeName(p.name), version: p.version, marker: markerOf(typeof p.marker === 'string' ? p.marker : undefined) });
  }
  return out;
}

/** The versions to keep for `target`: the first pin of each name that applies there. */
export function pinsFor(pins: readonly PreviousPin[], target: LockTarget): Map<string, string> {
  const out = new Map<string, string>();
  for (const p of pins) {
    if (out.has(p.name)) continue;
    if (p.marker && !evaluateMarker(p.marker, target.env)) continue;
    out.set(p.name, p.version);
  }
  return out;
}
