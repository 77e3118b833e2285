/**
 * PEP 440 versions: parsing, normalisation and ordering. Pure; no I/O.
 * Specifiers (==, ~=, <, ...) live in pep440-specifiers.ts.
 */
import { VenvkitError } from '../errors.js';
import { clip } from './quote.js';

export type PreKind = 'a' | 'b' | 'rc';
export type LocalPart = number | string;

export class Version {
  readonly epoch: number;
  readonly release: readonly number[];
  readonly pre: readonly [PreKind, number] | null;
  readonly post: number | null;
  readonly dev: number | null;
  readonly local: readonly LocalPart[] | null;
  private text?: string;

  constructor(parts: {
    epoch?: number;
    release: readonly number[];
    pre?: readonly [PreKind, number] | null;
    post?: number | null;
    dev?: number | null;
    local?: readonly LocalPart[] | null;
  }) {
    this.epoch = parts.epoch ?? 0;
    this.release = parts.release;
    this.pre = parts.pre ?? null;
    this.post = parts.post ?? null;
    this.dev = parts.dev ?? null;
    this.local = parts.local && parts.local.length > 0 ? parts.local : null;
  }

  /** A pre-release or a development release (PEP 440 treats both as pre-releases). */
  get isPrerelease(): boolean {
    return this.pre !== null || this.dev !== null;
  }
  get isPostrelease(): boolean {
    return this.post !== null;
  }
  get isDevrelease(): boolean {
    return this.dev !== null;
  }

  /** The version without its local label ("1.0+abc" -> "1.0"). */
  get public(): Version {
    return this.local === null ? this : new Version({ ...this, local: null });
  }

  /** Epoch and release only ("1!2.0rc1.post3" -> "1!2.0"). */
  get base(): Version {
    return new Version({ epoch: this.epoch, release: this.release });
  }

  /** The normalised form ("1.0-RC1" -> "1.0rc1"). */
  toString(): string {
    if (this.text !== undefined) return this.text;
    let s = this.epoch !== 0 ? `${this.epoch}!` : '';
    s += this.release.join('.');
    if (this.pre) s += this.pre[0] + this.pre[1];
    if (this.post !== null) s += `.post${this.post}`;
    if (this.dev !== null) s += `.dev${this.dev}`;
    if (this.local) s += '+' + this.local.join('.');
    this.text = s;
    return s;
  }

  compare(other: Version): number {
    return compareVersions(this, other);
  }
  equals(other: Version): boolean {
    return compareVersions(this, other) === 0;
  }
}

// Written from PEP 440's "Appendix B" grammar (permissive forms included).
const VERSION_RE = new RegExp(
  '^\\s*v?' +
    '(?:(\\d+)!)?' + // epoch
    '(\\d+(?:\\.\\d+)*)' + // release
    '(?:[-_.]?(alpha|beta|preview|pre|rc|a|b|c)[-_.]?(\\d+)?)?' + // pre
    '(?:-(\\d+)|[-_.]?(post|rev|r)[-_.]?(\\d+)?)?' + // post
    '(?:[-_.]?(dev)[-_.]?(\\d+)?)?' + // dev
    '(?:\\+([a-z0-9]+(?:[-_.][a-z0-9]+)*))?' + // local
    '\\s*$',
  'i',
);

const PRE_KIND: Record<string, PreKind> = { a: 'a', alpha: 'a', b: 'b', beta: 'b', c: 'rc', rc: 'rc', pre: 'rc', preview: 'rc' };

/** Parses a version, or returns null when it is not valid PEP 440. */
export function tryParseVersion(text: string): Version | null {
  const m = VERSION_RE.exec(text);
  if (!m) return null;
  const [, epoch, release, preL, preN, postImplicit, postL, postN, devL, devN, local] = m;
  return new Version({
    epoch: epoch ? Number(epoch) : 0,
    release: release!.split('.').map(Number),
    pre: preL ? [PRE_KIND[preL.toLowerCase()]!, preN ? Number(preN) : 0] : null,
    post: postImplicit !== undefined ? Number(postImplicit) : postL ? (postN ? Number(postN) : 0) : null,
    dev: devL ? (devN ? Number(devN) : 0) : null,
    local: local ? local.toLowerCase().split(/[-_.]/).map((p) => (/^\d+$/.test(p) ? Number(p) : p)) : null,
  });
}

const cache = new Map<string, Version>();

/** Parses a version; throws BAD_REQUIREMENT naming the text when it is not valid PEP 440. */
export function parseVersion(text: string): Version {
  const hit = cache.get(text);
  if (hit) return hit;
  const v = tryParseVersion(text);
  if (!v) throw new VenvkitError('BAD_REQUIREMENT', `Invalid version: '${clip(text)}'`, { hint: 'Versions follow PEP 440, e.g. 1.0, 2.1rc1, 1!3.0.post1+local.' });
  if (cache.size > 50000) cache.clear();
  cache.set(text, v);
  return v;
}

/** The normalised spelling of a version string, or the input unchanged when it is not valid PEP 440. */
export function normalizeVersion(text: string): string {
  return tryParseVersion(text)?.toString() ?? text;
}

function cmp(a: number, b: number): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

const PRE_ORDER: Record<PreKind, number> = { a: 0, b: 1, rc: 2 };

/** -1 / 0 / 1 by PEP 440 ordering (trailing zeros of the release are not significant). */
export function compareVersions(a: Version, b: Version): number {
  if (a.epoch !== b.epoch) return cmp(a.epoch, b.epoch);
  const n = Math.max(a.release.length, b.release.length);
  for (let i = 0; i < n; i++) {
    const c = cmp(a.release[i] ?? 0, b.release[i] ?? 0);
    if (c !== 0) return c;
  }
  // Pre-release slot: a dev release of a final sorts before its pre-releases; a final after them.
  const c = cmpSlot(preKey(a), preKey(b));
  if (c !== 0) return c;
  const p = cmp(a.post ?? -1, b.post ?? -1);
  if (p !== 0) return p;
  const d = cmp(a.dev ?? Infinity, b.dev ?? Infinity);
  if (d !== 0) return d;
  return compareLocal(a.local, b.local);
}

function preKey(v: Version): [number, number] {
  if (v.pre) return [PRE_ORDER[v.pre[0]], v.pre[1]];
  if (v.post === null && v.dev !== null) return [-1, 0];
  return [3, 0];
}

function cmpSlot(a: [number, number], b: [number, number]): number {
  return cmp(a[0], b[0]) || cmp(a[1], b[1]);
}

function compareLocal(a: readonly LocalPart[] | null, b: readonly LocalPart[] | null): number {
  if (a === null || b === null) return a === b ? 0 : a === null ? -1 : 1;
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a[i]!;
    const y = b[i]!;
    if (typeof x === typeof y) {
      const c = typeof x === 'number' ? cmp(x, y as number) : x < (y as string) ? -1 : x > (y as string) ? 1 : 0;
      if (c !== 0) return c;
    } else {
      return typeof x === 'number' ? 1 : -1; // numeric segments sort after alphanumeric ones
    }
  }
  return cmp(a.length, b.length);
}
