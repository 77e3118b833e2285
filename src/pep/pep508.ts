/**
 * PEP 508 dependency specifications: `name[extra1,extra2] (>=1.0,<2) ; python_version >= "3.8"`
 * and `name @ https://host/file.whl ; marker`. Parsing only; markers are in markers.ts. Pure; no I/O.
 */
import { VenvkitError } from '../errors.js';
import { canonicalizeName } from './names.js';
import { SpecifierSet } from './pep440-specifiers.js';
import { type Marker, parseMarkerAt, markerToString } from './markers.js';
import { clip, pointAt } from './quote.js';

export interface Requirement {
  /** The name as written. */
  name: string;
  /** The PEP 503 normalised name ("Foo_Bar" -> "foo-bar"). */
  key: string;
  /** Requested extras, normalised, sorted, unique. */
  extras: string[];
  specifier: SpecifierSet;
  /** For `name @ url` requirements. */
  url: string | null;
  marker: Marker | null;
}

/** PEP 503 name normalisation. */
export const canonicalName = canonicalizeName;

const NAME_RE = /^[A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?/;

export class RequirementSyntaxError extends VenvkitError {
  constructor(text: string, why: string, column?: number) {
    // The text is untrusted (metadata, requirement files): quoted cut, once.
    const where = column === undefined ? '' : pointAt(text, column);
    super('BAD_REQUIREMENT', `Invalid requirement '${clip(text)}': ${clip(why, 400)}${where}`, {
      hint: 'Requirements follow PEP 508, e.g. requests>=2.28, uvicorn[standard]; python_version >= "3.8", pkg @ https://host/pkg-1.0-py3-none-any.whl',
    });
  }
}

/** Parses one PEP 508 requirement; throws BAD_REQUIREMENT pointing at the problem. */
export function parseRequirement(text: string): Requirement {
  let i = 0;
  const s = text;
  const ws = () => {
    while (i < s.length && (s[i] === ' ' || s[i] === '\t')) i++;
  };
  const fail = (why: string, at = i): never => {
    throw new RequirementSyntaxError(text.trim() === text ? text : text, why, at);
  };
  ws();
  const nm = NAME_RE.exec(s.slice(i));
  if (!nm) fail(s.slice(i).trim() === '' ? 'expected a package name' : 'a package name must start with a letter or digit');
  const name = nm![0];
  i += name.length;
  ws();
  const extras: string[] = [];
  if (s[i] === '[') {
    i++;
    ws();
    while (s[i] !== ']') {
      const em = NAME_RE.exec(s.slice(i));
      if (!em) fail(i >= s.length ? "missing ']' after the extras" : 'expected an extra name');
      extras.push(canonicalName(em![0]));
      i += em![0].length;
      ws();
      if (s[i] === ',') {
        i++;
        ws();
        if (s[i] === ']') fail('expected an extra name after the comma');
      } else if (s[i] !== ']') fail(i >= s.length ? "missing ']' after the extras" : "expected ',' or ']' in the extras");
    }
    i++;
    ws();
  }
  let url: string | null = null;
  let specText = '';
  if (s[i] === '@') {
    i++;
    ws();
    const start = i;
    while (i < s.length && !/\s/.test(s[i]!)) i++;
    url = s.slice(start, i);
    if (url === '') fail('expected a URL after @');
    if (!/^[A-Za-z][A-Za-z0-9+.-]*:/.test(url)) fail(`'${clip(url)}' is not a URL (expected a scheme like https:// or file://)`, start);
    ws();
    if (i < s.length && s[i] !== ';') fail('expected a space then ; before the markers after a URL');
  } else {
    const start = i;
    if (s[i] === '(') {
      const close = s.indexOf(')', i);
      if (close < 0) fail("missing ')' after the version specifier");
      specText = s.slice(i + 1, close);
      i = close + 1;
    } else {
      while (i < s.length && s[i] !== ';') i++;
      specText = s.slice(start, i);
    }
    ws();
    if (i < s.length && s[i] !== ';') fail("expected ';' before the markers");
    if (specText.trim() !== '' && !/^\s*(===|==|!=|~=|<=|>=|<|>)/.test(specText)) {
      fail(`expected a version specifier such as >=1.0 (or ';' before markers), found '${clip(specText.trim())}'`, start);
    }
  }
  let specifier: SpecifierSet;
  try {
    specifier = new SpecifierSet(specText);
  } catch (e) {
    throw new RequirementSyntaxError(text, e instanceof Error ? e.message.replace(/^Invalid version specifier /, 'bad version specifier ') : String(e));
  }
  let marker: Marker | null = null;
  if (s[i] === ';') {
    i++;
    const r = parseMarkerAt(s, i, (why, at) => fail(why, at));
    marker = r.marker;
    i = r.end;
    ws();
    if (i < s.length) fail('unexpected text after the markers');
  }
  return { name, key: canonicalName(name), extras: [...new Set(extras)].sort(), specifier, url, marker };
}

/** The requirement in canonical PEP 508 form. */
export function requirementToString(r: Requirement): string {
  let out = r.name;
  if (r.extras.length) out += `[${r.extras.join(',')}]`;
  if (r.url) out += ` @ ${r.url}`;
  else if (!r.specifier.isEmpty) out += r.specifier.toString();
  if (r.marker) out += `${r.url ? ' ' : ''}; ${markerToString(r.marker)}`;
  return out;
}
