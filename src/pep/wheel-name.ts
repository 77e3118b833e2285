// Wheel file names: {distribution}-{version}(-{build tag})?-{python tag}-{abi tag}-{platform tag}.whl. Pure.
import { VenvkitError } from '../errors.js';
import { canonicalizeName } from './names.js';

export interface WheelFilename {
  /** The file name as given (basename). */
  filename: string;
  /** The distribution part as written (escaped: `_` for separators). */
  name: string;
  /** canonicalizeName(name) */
  normalizedName: string;
  /** The version part as written (`_` for `-`). */
  version: string;
  /** Build tag: [number, rest] ("1abc" -> [1, "abc"]), or null. */
  build: [number, string] | null;
  pythonTags: string[];
  abiTags: string[];
  platformTags: string[];
  /** Every tag the compressed tag set expands to, "py3-none-any" form. */
  tags: string[];
}

const PART = /^[A-Za-z0-9_.+!]+$/;

/** Parse a wheel file name, or return an error message (string) saying what is wrong with it. */
export function tryParseWheelFilename(filename: string): WheelFilename | string {
  const base = filename.replace(/^.*[\\/]/, '');
  if (!base.endsWith('.whl')) return `${base} is not a wheel file name (it does not end in .whl)`;
  const parts = base.slice(0, -4).split('-');
  if (parts.length !== 5 && parts.length !== 6) return `${base} is not a valid wheel file name (expected name-version[-build]-python-abi-platform.whl)`;
  const [name, version] = parts;
  const [pyTag, abiTag, platTag] = parts.slice(-3);
  if (!/^[A-Za-z0-9](?:[A-Za-z0-9._]*[A-Za-z0-9])?$/.test(name)) return `${base}: invalid distribution name "${name}"`;
  if (!PART.test(version)) return `${base}: invalid version "${version}"`;
  let build: [number, string] | null = null;
  if (parts.length === 6) {
    const m = /^(\d+)([A-Za-z0-9_.]*)$/.exec(parts[2]);
    if (!m) return `${base}: invalid build tag "${parts[2]}" (it must start with a digit)`;
    build = [Number(m[1]), m[2]];
  }
  for (const t of [pyTag, abiTag, platTag]) if (!t || !/^[A-Za-z0-9_.]+$/.test(t)) return `${base}: invalid tag "${t}"`;
  const pythonTags = pyTag.split('.');
  const abiTags = abiTag.split('.');
  const platformTags = platTag.split('.');
  if ([...pythonTags, ...abiTags, ...platformTags].some((t) => t === '')) return `${base}: empty tag`;
  const tags: string[] = [];
  for (const py of pythonTags) for (const abi of abiTags) for (const plat of platformTags) tags.push(`${py}-${abi}-${plat}`);
  return { filename: base, name, normalizedName: canonicalizeName(name), version, build, pythonTags, abiTags, platformTags, tags };
}

/** Parse a wheel file name; throws VenvkitError BAD_WHEEL with a readable message when it is not one. */
export function parseWheelFilename(filename: string): WheelFilename {
  const r = tryParseWheelFilename(filename);
  if (typeof r === 'string') throw new VenvkitError('BAD_WHEEL', r, { hint: 'Wheel files are named name-version[-build]-python-abi-platform.whl; do not rename them.' });
  return r;
}
