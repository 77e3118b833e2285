/**
 * PEP 508 environment markers: parse, evaluate against a target environment, print.
 * The environment comes from the target interpreter's probe (markerEnvironment), never from Node.
 * Pure; no I/O.
 */
import { VenvkitError } from '../errors.js';
import type { InterpreterInfo } from '../python/types.js';
import { tryParseVersion, compareVersions } from './pep440.js';
import { Specifier } from './pep440-specifiers.js';
import { canonicalizeName } from './names.js';
import { clip, pointAt } from './quote.js';

export type MarkerOp = '<' | '<=' | '==' | '!=' | '>=' | '>' | '~=' | '===' | 'in' | 'not in';
export type MarkerValue = { variable: MarkerVariable } | { literal: string };
/** `and` / `or` hold all their operands in one list, so a long chain is flat (no deep recursion). */
export type Marker =
  | { kind: 'and' | 'or'; items: Marker[] }
  | { kind: 'compare'; lhs: MarkerValue; op: MarkerOp; rhs: MarkerValue };

/** Deepest nesting of parentheses accepted in markers (pip's parser stops near 300, at Python's recursion limit). */
export const MAX_MARKER_DEPTH = 100;

export interface MarkerEnvironment {
  python_version: string;
  python_full_version: string;
  implementation_name: string;
  implementation_version: string;
  platform_python_implementation: string;
  sys_platform: string;
  os_name: string;
  platform_machine: string;
  platform_system: string;
  platform_release: string;
  platform_version: string;
}
/** `extras` and `dependency_groups` (sets of names) exist only in a lock file's markers (PEP 751). */
export type MarkerVariable = keyof MarkerEnvironment | 'extra' | 'extras' | 'dependency_groups';

/** The selected extras and dependency groups a lock file's markers test (`'name' in extras`). */
export interface LockSelection {
  extras: readonly string[];
  dependency_groups: readonly string[];
}

const VARIABLES: Record<string, MarkerVariable> = {
  python_version: 'python_version', python_full_version: 'python_full_version', implementation_name: 'implementation_name',
  implementation_version: 'implementation_version', platform_python_implementation: 'platform_python_implementation',
  sys_platform: 'sys_platform', os_name: 'os_name', platform_machine: 'platform_machine', platform_system: 'platform_system',
  platform_release: 'platform_release', platform_version: 'platform_version', extra: 'extra',
  // Spellings from PEP 345 that pip still accepts.
  'os.name': 'os_name', 'sys.platform': 'sys_platform', 'platform.version': 'platform_version', 'platform.machine': 'platform_machine',
  'platform.python_implementation': 'platform_python_implementation', python_implementation: 'platform_python_implementation',
};

const SYSTEM_BY_PLATFORM: Record<string, string> = { linux: 'Linux', darwin: 'Darwin', win32: 'Windows', cygwin: 'CYGWIN_NT', aix: 'AIX' };
const IMPLEMENTATION_DISPLAY: Record<string, string> = { cpython: 'CPython', pypy: 'PyPy', ironpython: 'IronPython', jython: 'Jython', graalpy: 'GraalVM' };

/** The marker environment of the interpreter described by `info` (what packaging's default_environment() reports there). */
export function markerEnvironment(info: InterpreterInfo): MarkerEnvironment {
  const [major, minor] = info.version;
  const impl = info.implementation;
  return {
    python_version: `${major}.${minor}`,
    python_full_version: info.versionString,
    implementation_name: impl,
    implementation_version: impl === 'cpython' || !info.implementationVersion ? info.versionString : info.implementationVersion,
    platform_python_implementation: IMPLEMENTATION_DISPLAY[impl] ?? impl,
    sys_platform: info.platform,
    os_name: info.osName,
    platform_machine: info.machine,
    platform_system: info.platformSystem ?? SYSTEM_BY_PLATFORM[info.platform.replace(/\d+$/, '')] ?? info.platform,
    platform_release: info.platformRelease ?? '',
    platform_version: info.platformVersion ?? '',
  };
}

type Token = { t: 'str' | 'var' | 'op' | '(' | ')' | 'and' | 'or'; v: string; at: number };

const OP_RE = /===|==|!=|~=|<=|>=|<|>/y;
const WORD_RE = /[A-Za-z_][A-Za-z0-9_.]*/y;
const NOT_IN_RE = /not\s+in\b/y;

/** Linear: sticky regexes at the current position, no copies of the rest of the string. */
function tokenize(s: string, start: number, fail: (why: string, at: number) => never, lockFile = false): Token[] {
  const out: Token[] = [];
  let i = start;
  const at = (re: RegExp): string | undefined => {
    re.lastIndex = i;
    return re.exec(s)?.[0];
  };
  while (i < s.length) {
    const c = s[i]!;
    if (c === ' ' || c === '\t' || c === '\n' || c === '\r') {
      i++;
    } else if (c === '(' || c === ')') {
      out.push({ t: c, v: c, at: i++ });
    } else if (c === '"' || c === "'") {
      const end = s.indexOf(c, i + 1);
      if (end < 0) fail(`unterminated string (missing ${c})`, i);
      out.push({ t: 'str', v: s.slice(i + 1, end), at: i });
      i = end + 1;
    } else {
      const op = at(OP_RE);
      if (op) {
        out.push({ t: 'op', v: op, at: i });
        i += op.length;
        continue;
      }
      const w = at(WORD_RE);
      if (!w) fail(`unexpected character '${c}' in markers`, i);
      if (w === 'and' || w === 'or') out.push({ t: w, v: w, at: i });
      else if (w === 'in') out.push({ t: 'op', v: 'in', at: i });
      else if (w === 'not') {
        const m = at(NOT_IN_RE);
        if (!m) fail("expected 'not in'", i);
        out.push({ t: 'op', v: 'not in', at: i });
        i += m!.length;
        continue;
      } else if (Object.hasOwn(VARIABLES, w!)) out.push({ t: 'var', v: VARIABLES[w!]!, at: i });
      else if (lockFile && (w === 'extras' || w === 'dependency_groups')) out.push({ t: 'var', v: w, at: i });
      else fail(`unknown marker variable '${clip(w!, 60)}' (expected one of python_version, sys_platform, platform_machine, extra, ...)`, i);
      i += w!.length;
    }
  }
  return out;
}

/**
 * Parses markers starting at `start` in `s` to the end of the string. Recursion only follows
 * parentheses, which may nest MAX_MARKER_DEPTH deep; `and`/`or` chains of any length are loops.
 */
export function parseMarkerAt(s: string, start: number, fail: (why: string, at: number) => never, lockFile = false): { marker: Marker; end: number } {
  const toks = tokenize(s, start, fail, lockFile);
  let k = 0;
  let depth = 0;
  const peek = () => toks[k];
  const atEnd = () => (k < toks.length ? toks[k]!.at : s.length);
  const value = (): MarkerValue => {
    const t = toks[k];
    if (!t || (t.t !== 'str' && t.t !== 'var')) fail('expected a marker variable or a quoted string', atEnd());
    k++;
    return t!.t === 'str' ? { literal: t!.v } : { variable: t!.v as MarkerVariable };
  };
  const atom = (): Marker => {
    if (peek()?.t === '(') {
      if (++depth > MAX_MARKER_DEPTH) fail(`markers nested more than ${MAX_MARKER_DEPTH} parentheses deep`, toks[k]!.at);
      k++;
      const m = or();
      if (peek()?.t !== ')') fail("expected ')'", atEnd());
      k++;
      depth--;
      return m;
    }
    const lhs = value();
    const op = toks[k];
    if (!op || op.t !== 'op') fail('expected a comparison operator (==, !=, <, >=, in, not in, ...)', atEnd());
    k++;
    const rhs = value();
    return { kind: 'compare', lhs, op: op!.v as MarkerOp, rhs };
  };
  const chain = (kind: 'and' | 'or', next: () => Marker): Marker => {
    const first = next();
    if (peek()?.t !== kind) return first;
    const items = [first];
    while (peek()?.t === kind) {
      k++;
      items.push(next());
    }
    return { kind, items };
  };
  const and = (): Marker => chain('and', atom);
  const or = (): Marker => chain('or', and);
  if (toks.length === 0) fail('expected markers after ;', s.length);
  const marker = or();
  if (k < toks.length) fail(`unexpected '${clip(toks[k]!.v, 60)}' in markers`, toks[k]!.at);
  return { marker, end: s.length };
}

/** Parses a standalone marker expression (`python_version >= "3.8" and os_name == "posix"`). */
export function parseMarker(text: string, options: { lockFile?: boolean } = {}): Marker {
  return parseMarkerAt(text, 0, (why, at) => {
    throw new VenvkitError('BAD_REQUIREMENT', `Invalid marker '${clip(text)}': ${why}${pointAt(text, at)}`);
  }, options.lockFile).marker;
}


function compare(lhs: string, op: MarkerOp, rhs: string): boolean {
  if (op === 'in') return rhs.includes(lhs);
  if (op === 'not in') return !rhs.includes(lhs);
  // Like packaging: when `op rhs` is a valid version specifier and lhs a version, compare as versions.
  const lv = tryParseVersion(lhs);
  if (lv) {
    let spec: Specifier | null = null;
    try {
      spec = new Specifier(op + rhs);
    } catch {
      spec = null;
    }
    if (spec) return spec.matches(lv);
  }
  switch (op) {
    case '==':
    case '===':
      return lhs === rhs;
    case '!=':
      return lhs !== rhs;
    case '<':
      return lhs < rhs;
    case '<=':
      return lhs <= rhs;
    case '>':
      return lhs > rhs;
    case '>=':
      return lhs >= rhs;
    case '~=': {
      const a = tryParseVersion(lhs);
      const b = tryParseVersion(rhs);
      return a !== null && b !== null && compareVersions(a, b) >= 0;
    }
  }
}

/**
 * Evaluates markers for `env`; `extra` is the extra being evaluated ("" for none); `selection`: the
 * extras and dependency groups a lock file's markers test (none when not given).
 */
export function evaluateMarker(m: Marker, env: MarkerEnvironment, extra = '', selection?: LockSelection): boolean {
  if (m.kind === 'and') return m.items.every((x) => evaluateMarker(x, env, extra, selection));
  if (m.kind === 'or') return m.items.some((x) => evaluateMarker(x, env, extra, selection));
  if (m.kind !== 'compare') return false;
  const set = 'variable' in m.rhs && (m.rhs.variable === 'extras' || m.rhs.variable === 'dependency_groups') ? m.rhs.variable : undefined;
  if (set || ('variable' in m.lhs && (m.lhs.variable === 'extras' || m.lhs.variable === 'dependency_groups'))) {
    // Only `"name" in extras` / `not in` mean something: a set is compared with nothing else.
    const lhs = m.lhs;
    if (!set || !('literal' in lhs) || (m.op !== 'in' && m.op !== 'not in')) return false;
    const has = (selection?.[set] ?? []).some((n) => canonicalizeName(n) === canonicalizeName(lhs.literal));
    return m.op === 'in' ? has : !has;
  }
  const isExtra = ('variable' in m.lhs && m.lhs.variable === 'extra') || ('variable' in m.rhs && m.rhs.variable === 'extra');
  const get = (v: MarkerValue) => ('literal' in v ? v.literal : v.variable === 'extra' ? extra : env[v.variable as keyof MarkerEnvironment]);
  let l = get(m.lhs);
  let r = get(m.rhs);
  if (isExtra) {
    l = canonicalizeName(l);
    r = canonicalizeName(r);
  }
  return compare(l, m.op, r);
}

/** Whether the marker mentions `extra` anywhere. */
export function markerUsesExtra(m: Marker): boolean {
  if (m.kind !== 'compare') return m.items.some(markerUsesExtra);
  return ('variable' in m.lhs && m.lhs.variable === 'extra') || ('variable' in m.rhs && m.rhs.variable === 'extra');
}

export function markerToString(m: Marker, parent?: 'and' | 'or'): string {
  if (m.kind === 'compare') {
    const v = (x: MarkerValue) => ('literal' in x ? (x.literal.includes('"') ? `'${x.literal}'` : `"${x.literal}"`) : x.variable);
    return `${v(m.lhs)} ${m.op} ${v(m.rhs)}`;
  }
  const s = m.items.map((x) => markerToString(x, m.kind)).join(` ${m.kind} `);
  return parent === 'and' && m.kind === 'or' ? `(${s})` : s;
}
