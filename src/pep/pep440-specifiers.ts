/**
 * PEP 440 version specifiers ("~=1.4", ">=2,!=2.3.*,<3"), with the rules pip applies through
 * `packaging`: local versions, exclusive ordered comparisons around pre/post releases, and the
 * "pre-releases only when a specifier names one" default. Pure; no I/O.
 */
import { VenvkitError } from '../errors.js';
import { Version, compareVersions, parseVersion, tryParseVersion } from './pep440.js';
import { clip } from './quote.js';

export type Operator = '===' | '==' | '!=' | '~=' | '<=' | '>=' | '<' | '>';

const SPEC_RE = /^\s*(===|==|!=|~=|<=|>=|<|>)\s*(\S+?)\s*$/;

export interface ContainsOptions {
  /** true: accept pre-releases; false: reject them; undefined: accept only if a specifier names one. */
  prereleases?: boolean;
}

export class Specifier {
  readonly operator: Operator;
  /** The version text after the operator as written (".*" included). */
  readonly versionText: string;
  readonly wildcard: boolean;
  /** The parsed version (without ".*"); null only for "===" with a non-PEP 440 string. */
  readonly version: Version | null;

  constructor(text: string) {
    const m = SPEC_RE.exec(text);
    if (!m) throw bad(text, 'expected an operator (==, !=, <=, >=, <, >, ~=, ===) followed by a version');
    this.operator = m[1] as Operator;
    this.versionText = m[2]!;
    this.wildcard = this.versionText.endsWith('.*');
    if (this.operator === '===') {
      this.version = tryParseVersion(this.versionText);
      return;
    }
    const vt = this.wildcard ? this.versionText.slice(0, -2) : this.versionText;
    const v = tryParseVersion(vt);
    if (!v) throw bad(text, `'${clip(vt)}' is not a valid version`);
    this.version = v;
    if (this.wildcard) {
      if (this.operator !== '==' && this.operator !== '!=') throw bad(text, `'.*' is only allowed with == and !=`);
      if (v.pre || v.post !== null || v.dev !== null || v.local) throw bad(text, `'.*' must follow a plain release number`);
    }
    if (v.local && this.operator !== '==' && this.operator !== '!=') throw bad(text, `a local version label is only allowed with == and !=`);
    if (this.operator === '~=' && v.release.length < 2) throw bad(text, `~= needs at least two release segments (e.g. ~=1.4)`);
  }

  toString(): string {
    return this.operator + this.versionText;
  }

  /** Whether this specifier names a pre-release (which then allows pre-releases by default). */
  get namesPrerelease(): boolean {
    if (this.operator === '!=' || this.operator === '<' || this.operator === '>') return false;
    return this.version?.isPrerelease ?? false;
  }

  /** The version match alone, with no pre-release policy. */
  matches(v: Version): boolean {
    const spec = this.version;
    switch (this.operator) {
      case '===':
        return v.toString().toLowerCase() === this.versionText.toLowerCase();
      case '==':
        return this.wildcard ? prefixMatch(v, spec!) : exactMatch(v, spec!);
      case '!=':
        return !(this.wildcard ? prefixMatch(v, spec!) : exactMatch(v, spec!));
      case '~=': {
        if (compareVersions(v.public, spec!) < 0) return false;
        const prefix = new Version({ epoch: spec!.epoch, release: spec!.release.slice(0, -1) });
        return prefixMatch(v, prefix);
      }
      case '<=':
        return compareVersions(v.public, spec!) <= 0;
      case '>=':
        return compareVersions(v.public, spec!) >= 0;
      case '<':
        if (compareVersions(v, spec!) >= 0) return false;
        // "<3.0" does not match 3.0a1 (unless the specifier itself is a pre-release).
        if (!spec!.isPrerelease && v.isPrerelease && compareVersions(v.base, spec!.base) === 0) return false;
        return true;
      case '>':
        if (compareVersions(v, spec!) <= 0) return false;
        // ">1.7" does not match 1.7.post1 (unless the specifier is a post-release), nor 1.7+local.
        if (!spec!.isPostrelease && v.isPostrelease && compareVersions(v.base, spec!.base) === 0) return false;
        if (v.local && compareVersions(v.base, spec!.base) === 0) return false;
        return true;
    }
  }

  contains(v: Version | string, options: ContainsOptions = {}): boolean {
    const version = typeof v === 'string' ? parseVersion(v) : v;
    const pre = options.prereleases ?? this.namesPrerelease;
    if (version.isPrerelease && !pre) return false;
    return this.matches(version);
  }
}

function bad(text: string, why: string): VenvkitError {
  return new VenvkitError('BAD_REQUIREMENT', `Invalid version specifier '${clip(text.trim())}': ${clip(why, 400)}`);
}

function exactMatch(v: Version, spec: Version): boolean {
  return compareVersions(spec.local ? v : v.public, spec) === 0;
}

/** Components as `packaging` splits them for prefix matching: epoch, release..., then "rc1", "post2", "dev3". */
function components(v: Version): { release: number[]; rest: string[] } {
  const rest: string[] = [];
  if (v.pre) rest.push(v.pre[0] + v.pre[1]);
  if (v.post !== null) rest.push(`post${v.post}`);
  if (v.dev !== null) rest.push(`dev${v.dev}`);
  return { release: [v.epoch, ...v.release], rest };
}

/**
 * "==1.2.*" as pip's `packaging` does it: cut the candidate's components (local label ignored) to
 * the prefix's length, zero-pad the numeric parts to the same length, compare.
 */
function prefixMatch(v: Version, prefix: Version): boolean {
  const p = components(prefix);
  const c = components(v.public);
  const plen = p.release.length + p.rest.length;
  const cut = [...c.release, ...c.rest].slice(0, plen);
  const cRelease = cut.filter((x) => typeof x === 'number') as number[];
  const cRest = cut.filter((x) => typeof x === 'string') as string[];
  const n = Math.max(p.release.length, cRelease.length);
  const pad = (xs: number[]) => [...xs, ...Array<number>(n - xs.length).fill(0)].map(String);
  const ps = [...pad(p.release), ...p.rest];
  const cs = [...pad(cRelease), ...cRest];
  return ps.length === cs.length && ps.every((x, i) => x === cs[i]);
}

export class SpecifierSet {
  readonly specifiers: readonly Specifier[];

  constructor(text: string | readonly Specifier[] = '') {
    if (typeof text !== 'string') {
      this.specifiers = text;
      return;
    }
    const parts = text.split(',').map((s) => s.trim());
    if (parts.length === 1 && parts[0] === '') this.specifiers = [];
    else this.specifiers = parts.map((p) => {
      if (p === '') throw bad(text, 'empty specifier between commas');
      return new Specifier(p);
    });
  }

  get isEmpty(): boolean {
    return this.specifiers.length === 0;
  }

  get namesPrerelease(): boolean {
    return this.specifiers.some((s) => s.namesPrerelease);
  }

  /** The version match alone: every specifier matches, no pre-release policy. */
  matches(v: Version): boolean {
    return this.specifiers.every((s) => s.matches(v));
  }

  /** packaging's SpecifierSet.contains: pre-releases only when allowed or named by a specifier. */
  contains(v: Version | string, options: ContainsOptions = {}): boolean {
    const version = typeof v === 'string' ? parseVersion(v) : v;
    const pre = options.prereleases ?? this.namesPrerelease;
    if (version.isPrerelease && !pre) return false;
    return this.matches(version);
  }

  /**
   * The matching versions, keeping their order. Pre-releases are dropped unless allowed (or named);
   * with `prereleases` undefined and no specifiers, they are kept when nothing else matches.
   */
  filter<T extends Version>(versions: readonly T[], options: ContainsOptions = {}): T[] {
    const pre = options.prereleases ?? (this.namesPrerelease ? true : undefined);
    const ok = versions.filter((v) => this.matches(v));
    if (pre === true) return ok;
    const finals = ok.filter((v) => !v.isPrerelease);
    if (finals.length > 0 || pre === false || !this.isEmpty) return finals;
    return ok;
  }

  toString(): string {
    return this.specifiers.map(String).join(',');
  }
}

export function parseSpecifiers(text: string): SpecifierSet {
  return new SpecifierSet(text);
}
