// Interpreter requests ("3.10", ">=3.9,<3.12", "pypy@3.9", "python3.10", "./bin/python"): parsing
// and matching. Pure: no I/O. Versions are compared as release tuples with PEP 440's rules for the
// operators (zero padding, `.*` prefixes, `~=`), which is all an interpreter's version needs.
import { VenvkitError } from '../errors.js';

export type Operator = '==' | '!=' | '>=' | '<=' | '>' | '<' | '===';

export interface Clause {
  op: Operator;
  release: number[];
  /** `==3.10.*` / `!=3.9.*` (and a bare `3.10`, which means 3.10.*). */
  wildcard: boolean;
  /** A pre-release in the clause (`3.13.0rc1`): [level rank, serial]. */
  pre?: [number, number];
  /** The text, for `===`. */
  text: string;
}

export interface VersionRequest {
  kind: 'version';
  /** "cpython" or "pypy" when the spec names one; undefined means any (CPython preferred). */
  implementation?: string;
  /** All must hold. Empty: any version. */
  clauses: Clause[];
  /** PyPy's own version, from pyenv names like `pypy3.9-7.3.11` (a prefix). */
  implementationVersion?: number[];
  text: string;
}
export interface PathRequest { kind: 'path'; path: string; text: string }
/** A bare executable name that is not a version spelling (`python3.12-dbg`): looked up on PATH. */
export interface NameRequest { kind: 'name'; name: string; text: string }
export type PythonRequest = VersionRequest | PathRequest | NameRequest;

/** What a candidate's file or directory name says about it before it is probed. */
export interface Hint { implementation?: string; version: number[] }

/** The facts a request is matched against (a subset of InterpreterInfo). */
export interface VersionFacts {
  implementation: string;
  version: [number, number, number];
  releaseLevel: string;
  serial: number;
  versionString: string;
  implementationVersion?: string;
}

const IMPLEMENTATIONS: Record<string, string | undefined> = { cpython: 'cpython', cp: 'cpython', pypy: 'pypy', pp: 'pypy', python: undefined, py: undefined };
const PRE_RANK: Record<string, number> = { a: 0, alpha: 0, b: 1, beta: 1, rc: 2, c: 2, candidate: 2 };

const bad = (text: string, why: string) =>
  new VenvkitError('BAD_SPEC', `Cannot understand the Python spec "${text}": ${why}`, {
    hint: 'Give a version (3, 3.12, 3.12.1), a range (>=3.9,<3.12), a name (python3.12, pypy3, cpython@3.12, pypy@3.9) or a path to an interpreter.',
  });

const BARE = /^(\d+(?:\.\d+){0,2})(?:(\.\*)|(a|b|rc)(\d+))?$/;
const CLAUSE = /^(===|~=|==|!=|>=|<=|>|<)\s*(\d+(?:\.\d+)*)(?:(\.\*)|(a|b|rc)(\d+))?$/;
const NAMED = /^(cpython|pypy|python|cp|pp|py)(?:-?(\d+(?:\.\d+){0,2})(?:-(\d+(?:\.\d+){0,2}))?)?$/i;

const nums = (s: string) => s.split('.').map(Number);

function bareClause(text: string, m: RegExpExecArray): Clause {
  const release = nums(m[1]!);
  if (m[3]) return { op: '==', release, wildcard: false, pre: [PRE_RANK[m[3]]!, Number(m[4])], text };
  // "3" and "3.10" mean any 3.x / 3.10.x; "3.10.13" means exactly that; "3.10.*" spells the prefix.
  return { op: '==', release, wildcard: Boolean(m[2]) || release.length < 3, text };
}

function parseRange(text: string, body: string): Clause[] {
  const clauses: Clause[] = [];
  for (const part of body.split(',')) {
    const p = part.trim();
    const m = CLAUSE.exec(p);
    if (!m) throw bad(text, `"${p || '(empty)'}" is not a version comparison like >=3.9`);
    const [, op, ver, star, preL, preN] = m;
    const release = nums(ver!);
    const pre: [number, number] | undefined = preL ? [PRE_RANK[preL]!, Number(preN)] : undefined;
    if (star && op !== '==' && op !== '!=') throw bad(text, `a ".*" suffix only goes with == or != (in "${p}")`);
    if (op === '~=') {
      if (release.length < 2) throw bad(text, `~= needs at least two version parts (in "${p}")`);
      clauses.push({ op: '>=', release, wildcard: false, pre, text: p });
      clauses.push({ op: '==', release: release.slice(0, -1), wildcard: true, text: p });
    } else {
      clauses.push({ op: op as Operator, release, wildcard: Boolean(star), pre, text: p });
    }
  }
  return clauses;
}

function parseVersionPart(text: string, body: string): Clause[] {
  if (body === '' || body === '*') return [];
  if (/^[<>=!~]/.test(body)) return parseRange(text, body);
  const m = BARE.exec(body);
  if (!m) throw bad(text, `"${body}" is not a version`);
  return [bareClause(body, m)];
}

/** Parse a `--python` value. Throws BAD_SPEC. */
export function parseSpec(spec: string): PythonRequest {
  const text = spec.trim();
  if (text === '') throw bad(spec, 'it is empty');
  if (text.includes('/') || text === '~' || text === '.' || text === '..') return { kind: 'path', path: text, text };
  const at = text.indexOf('@');
  if (at >= 0) {
    const name = text.slice(0, at).toLowerCase();
    if (!(name in IMPLEMENTATIONS)) throw bad(text, `"${text.slice(0, at)}" is not an implementation (cpython, pypy)`);
    const rest = text.slice(at + 1).trim();
    if (rest === '') throw bad(text, 'a version is missing after "@"');
    return { kind: 'version', implementation: IMPLEMENTATIONS[name], clauses: parseVersionPart(text, rest), text };
  }
  if (/^[<>=!~]/.test(text) || /^\d/.test(text)) return { kind: 'version', clauses: parseVersionPart(text, text), text };
  const named = NAMED.exec(text);
  if (named) {
    const [, name, ver, implVer] = named;
    const implementation = IMPLEMENTATIONS[name!.toLowerCase()];
    let clauses: Clause[] = [];
    if (ver) {
      // cp312 / pp39: the digits after the major are the minor.
      const short = /^(cp|pp)$/i.test(name!) && !ver.includes('.') && ver.length > 1;
      const release = short ? [Number(ver[0]), Number(ver.slice(1))] : nums(ver);
      clauses = [{ op: '==', release, wildcard: release.length < 3, text: ver }];
    } else if (/^(cp|pp|py)$/i.test(name!)) {
      return { kind: 'name', name: text, text };
    }
    const req: VersionRequest = { kind: 'version', implementation, clauses, text };
    if (implVer) {
      if (implementation !== 'pypy') throw bad(text, 'only PyPy names carry a second version (pypy3.9-7.3.11)');
      req.implementationVersion = nums(implVer);
    }
    return req;
  }
  if (/^[\w.+-]+$/.test(text)) return { kind: 'name', name: text, text };
  throw bad(text, 'it is neither a version, a name nor a path');
}

// ---- comparing -------------------------------------------------------------------------------

/** Compare release tuples with zero padding (PEP 440: 3.10 == 3.10.0). */
export function compareRelease(a: readonly number[], b: readonly number[]): number {
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const d = (a[i] ?? 0) - (b[i] ?? 0);
    if (d !== 0) return d < 0 ? -1 : 1;
  }
  return 0;
}

const isPrefix = (prefix: readonly number[], v: readonly number[]) => prefix.every((n, i) => (v[i] ?? 0) === n);

function preOf(f: VersionFacts): [number, number] | undefined {
  if (f.releaseLevel === 'final' || !f.releaseLevel) return undefined;
  return [PRE_RANK[f.releaseLevel === 'alpha' ? 'a' : f.releaseLevel === 'beta' ? 'b' : f.releaseLevel === 'candidate' ? 'rc' : f.releaseLevel] ?? 0, f.serial];
}

/** Compare a full version (release + pre-release) with a clause's version. Finals sort after pre-releases. */
function compareFull(release: readonly number[], pre: [number, number] | undefined, c: Clause): number {
  const r = compareRelease(release, c.release);
  if (r !== 0) return r;
  if (!pre && !c.pre) return 0;
  if (!pre) return 1;
  if (!c.pre) return -1;
  return pre[0] - c.pre[0] || pre[1] - c.pre[1];
}

export function clauseMatches(c: Clause, f: VersionFacts): boolean {
  const pre = preOf(f);
  switch (c.op) {
    case '===':
      return f.versionString === c.text.replace(/^===\s*/, '');
    case '==':
      return c.wildcard ? isPrefix(c.release, f.version) : compareFull(f.version, pre, c) === 0;
    case '!=':
      return c.wildcard ? !isPrefix(c.release, f.version) : compareFull(f.version, pre, c) !== 0;
    case '>=':
      return compareFull(f.version, pre, c) >= 0;
    case '<=':
      return compareFull(f.version, pre, c) <= 0;
    case '>':
      return compareFull(f.version, pre, c) > 0;
    case '<':
      // PEP 440: <3.13 does not admit 3.13's own pre-releases.
      return compareFull(f.version, pre, c) < 0 && !(pre && !c.pre && compareRelease(f.version, c.release) === 0);
  }
}

/** Does the interpreter satisfy the version request (implementation and every clause)? */
export function requestMatches(req: VersionRequest, f: VersionFacts): boolean {
  if (req.implementation && req.implementation !== f.implementation) return false;
  if (req.implementationVersion && !(f.implementationVersion && isPrefix(req.implementationVersion, nums(f.implementationVersion)))) return false;
  return req.clauses.every((c) => clauseMatches(c, f));
}

/**
 * Could an interpreter whose name or directory hints `hint` satisfy the request? An
 * over-approximation (true when unsure) used to avoid probing candidates that cannot match.
 * A hint version [3, 10] stands for every 3.10.x: the interval [3.10, 3.11).
 */
export function hintMayMatch(req: VersionRequest, hint: Hint): boolean {
  if (req.implementation && hint.implementation && req.implementation !== hint.implementation) return false;
  const p = hint.version;
  if (p.length === 0) return true;
  const lo = p;
  const hi = [...p.slice(0, -1), p[p.length - 1]! + 1];
  return req.clauses.every((c) => {
    switch (c.op) {
      case '>=':
      case '>':
        return compareRelease(c.release, hi) < 0;
      case '<=':
        return compareRelease(lo, c.release) <= 0;
      case '<':
        return compareRelease(lo, c.release) < 0;
      case '==':
        if (c.wildcard) return c.release.every((n, i) => i >= p.length || p[i] === n);
        return compareRelease(lo, c.release) <= 0 && compareRelease(c.release, hi) < 0;
      case '!=':
        return !(c.wildcard && c.release.length <= p.length && isPrefix(c.release, p));
      default:
        return true;
    }
  });
}

/** Version and implementation hinted by an executable name: python3.10 -> [3, 10]; pypy3 -> pypy [3]. */
export function hintFromName(name: string): Hint | undefined {
  const m = /^(python|pypy)(\d+(?:\.\d+)?)?$/.exec(name);
  if (!m) return undefined;
  return { implementation: m[1] === 'pypy' ? 'pypy' : undefined, version: m[2] ? nums(m[2]) : [] };
}

/**
 * Version and implementation hinted by an installation directory's name: pyenv's "3.10.13" and
 * "pypy3.9-7.3.11", uv's "cpython-3.12.1-linux-x86_64-gnu", "/opt/python3.11", manylinux's "cp311-cp311".
 */
export function hintFromDir(name: string): Hint {
  let m = /^(cpython|pypy|graalpy)-(\d+)\.(\d+)(?:\.(\d+))?(?:[-+.]|$)/.exec(name);
  if (m) return { implementation: m[1], version: [m[2], m[3], m[4]].filter((x) => x !== undefined).map(Number) };
  m = /^pypy(\d+)\.(\d+)(?:[-+]|$)/.exec(name);
  if (m) return { implementation: 'pypy', version: [Number(m[1]), Number(m[2])] };
  m = /^(\d+)\.(\d+)(?:\.(\d+))?(?:[-+]|$|(?:a|b|rc)\d+)/.exec(name);
  if (m) return { implementation: 'cpython', version: [m[1], m[2], m[3]].filter((x) => x !== undefined).map(Number) };
  m = /^cp(\d)(\d+)(?:-|$)/.exec(name);
  if (m) return { implementation: 'cpython', version: [Number(m[1]), Number(m[2])] };
  m = /^python-?(\d+)(?:\.(\d+))?$/.exec(name);
  if (m) return { version: [m[1], m[2]].filter((x) => x !== undefined).map(Number) };
  return { version: [] };
}

/** Merge a directory hint with a name hint: the longer version when they agree, else the name's. */
export function mergeHints(dir: Hint, name: Hint): Hint {
  const [short, long] = dir.version.length <= name.version.length ? [dir.version, name.version] : [name.version, dir.version];
  const agree = short.every((n, i) => long[i] === n);
  const implementation = name.implementation ?? dir.implementation;
  if (dir.implementation && name.implementation && dir.implementation !== name.implementation) return name;
  return { implementation, version: agree ? long : name.version };
}

/** Python 3.3+ (PEP 405) is what a virtual environment needs. */
export function supportsVenv(version: readonly number[]): boolean {
  return compareRelease(version, [3, 3]) >= 0;
}
