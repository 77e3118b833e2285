// Requirement files (pip's format): comments, continuations, ${VAR} expansion, -r/-c includes,
// option lines, per-requirement --hash. Requirement strings are returned raw (PEP 508 parsing
// is src/pep/pep508.ts's job), each with its hashes and where it was written.
import { readFile } from 'node:fs/promises';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { existsSync } from 'node:fs';
import { VenvkitError } from '../errors.js';
import { parseEditable, type EditableRequirement } from './editable-requirement.js';
import type { FormatControlOp } from './format-control.js';
import type { IndexSettings } from './types.js';
import { didYouMean } from '../did-you-mean.js';
import { ambiguousMessage, resolveLong } from '../option-prefix.js';
import { checkReleaseOp, type ReleaseOp } from './release-control.js';

export interface RequirementLine {
  /** The requirement as written (after joining continuations and expanding ${VAR}). */
  text: string;
  /** --hash values as `algo:hex` (lower-case algorithm). */
  hashes: string[];
  /** True when it came from a constraints file (-c, or a file included from one). */
  constraint: boolean;
  /** The file it came from (absolute path or URL) and its 1-based line. */
  file: string;
  line: number;
  /** Set when the line is a local file or a bare URL rather than a `name...` requirement (vcs: a git+... URL). */
  location?: { url: string; path?: string; vcs?: boolean };
  /** Set for `-e`/`--editable` lines: the parsed editable (text is then the value after -e). */
  editable?: EditableRequirement;
  /** `-C KEY=VALUE` after the requirement: build settings for this requirement only (as pip). */
  configSettings?: string[];
}

export interface RequirementsFileOptions {
  indexUrl?: string;
  extraIndexUrls: string[];
  findLinks: string[];
  noIndex: boolean;
  pre: boolean;
  requireHashes: boolean;
  trustedHosts: string[];
  /** --no-binary/--only-binary values in the order read (apply after the command line's: FormatControl.from). */
  formatControl?: FormatControlOp[];
  /** --prefer-binary was given. */
  preferBinary?: boolean;
  /** --no-require-hashes was given: a --hash does not switch on hash-checking mode. */
  noRequireHashes?: boolean;
  /** --all-releases / --only-final values in the order read (release-control.ts). */
  releaseControl?: ReleaseOp[];
}

export interface ParsedRequirements {
  requirements: RequirementLine[];
  constraints: RequirementLine[];
  options: RequirementsFileOptions;
  /** Every file read, in order. */
  files: string[];
}

export interface ReadRequirementsOptions {
  env?: NodeJS.ProcessEnv;
  /** Where relative local wheel paths are resolved (pip: the current directory). */
  cwd?: string;
  /** Reads a requirement file given by an http(s) URL; default: a plain GET (proxies, netrc and retries apply). */
  fetchText?: (url: string) => Promise<string>;
}

/** Read requirement files (`-r`) and constraint files (`-c`) with everything they include. */
export async function readRequirementFiles(
  files: { path: string; constraint?: boolean }[],
  options: ReadRequirementsOptions = {},
): Promise<ParsedRequirements> {
  const out: ParsedRequirements = {
    requirements: [], constraints: [], files: [],
    options: { extraIndexUrls: [], findLinks: [], noIndex: false, pre: false, requireHashes: false, trustedHosts: [], formatControl: [], preferBinary: false },
  };
  const cwd = options.cwd ?? process.cwd();
  for (const f of files) await readOne(toLocation(f.path, cwd), !!f.constraint, out, options, [], undefined);
  return out;
}

/** Parse one file's text (no includes followed: they are returned as `includes`). Pure. */
export function parseRequirementsText(text: string, file: string, env: NodeJS.ProcessEnv = {}): ParsedLine[] {
  const out: ParsedLine[] = [];
  for (const { text: line, line: lineNo } of logicalLines(text)) {
    const expanded = line.replace(/\$\{([A-Z0-9_]+)\}/g, (m, name: string) => env[name] ?? m);
    const where = `${file}:${lineNo}`;
    const tokens = tokenize(expanded, where);
    if (tokens.length === 0) continue;
    const firstOpt = tokens.findIndex((t) => t.startsWith('-'));
    const reqPart = firstOpt === -1 ? tokens : tokens.slice(0, firstOpt);
    const optPart = firstOpt === -1 ? [] : tokens.slice(firstOpt);
    const opts = parseOptions(optPart, where);
    if (reqPart.length > 0) {
      const bad = opts.find((o) => o.name !== 'hash' && !PER_REQUIREMENT.has(o.name));
      if (bad) throw usage(where, `option --${bad.name} cannot follow a requirement on the same line`);
      const settings = opts.filter((o) => o.name === 'config-settings').map((o) => o.value!);
      out.push({
        kind: 'requirement', line: lineNo, text: reqPart.join(' '), hashes: opts.filter((o) => o.name === 'hash').map((o) => normalizeHash(o.value!, where)),
        ...(settings.length ? { configSettings: settings } : {}),
      });
    } else {
      for (const o of opts) {
        if (o.name === 'hash') throw usage(where, '--hash must follow a requirement on the same line');
        out.push({ kind: 'option', line: lineNo, name: o.name, value: o.value });
      }
    }
  }
  return out;
}

export type ParsedLine =
  | { kind: 'requirement'; line: number; text: string; hashes: string[]; configSettings?: string[] }
  | { kind: 'option'; line: number; name: string; value?: string };

/**
 * Options that take a value, exactly pip 26.2's set for requirement files (req_file.SUPPORTED_OPTIONS
 * and the per-requirement --hash and -C); short forms and aliases map to long names. Each means what
 * the same flag means on `venvkit install`'s command line.
 */
const VALUE_OPTIONS: Record<string, string> = {
  'r': 'requirement', 'requirement': 'requirement',
  'c': 'constraint', 'constraint': 'constraint',
  'i': 'index-url', 'index-url': 'index-url', 'pypi-url': 'index-url',
  'extra-index-url': 'extra-index-url',
  'f': 'find-links', 'find-links': 'find-links',
  'hash': 'hash', 'trusted-host': 'trusted-host',
  'e': 'editable', 'editable': 'editable',
  'only-binary': 'only-binary', 'no-binary': 'no-binary', 'use-feature': 'use-feature',
  'all-releases': 'all-releases', 'only-final': 'only-final',
  'C': 'config-settings', 'config-settings': 'config-settings',
};
const FLAG_OPTIONS = new Set(['no-index', 'pre', 'require-hashes', 'no-require-hashes', 'prefer-binary']);
/** Every long name a line may abbreviate (pip's parser for a line has exactly these). */
const LONG_NAMES = [...Object.keys(VALUE_OPTIONS), ...FLAG_OPTIONS].filter((k) => k.length > 1);
/** Options allowed after a requirement besides --hash: -C, which pip passes to that requirement's build only. */
const PER_REQUIREMENT = new Set(['config-settings']);
/** pip 26.2's --use-feature names (those always on included); each is either on already in venvkit or a pip internal. */
export const PIP_FEATURES = ['fast-deps', 'inprocess-build-deps', 'venv-isolation', 'truststore', 'no-binary-enable-wheel-cache', 'build-constraint'];

function parseOptions(tokens: string[], where: string): { name: string; value?: string }[] {
  const out: { name: string; value?: string }[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!;
    let name: string;
    let value: string | undefined;
    if (t.startsWith('--')) {
      const eq = t.indexOf('=');
      name = eq === -1 ? t.slice(2) : t.slice(2, eq);
      if (eq !== -1) value = t.slice(eq + 1);
      // optparse, as pip reads the line: a unique prefix of a long option stands for it.
      const whole = resolveLong(name, [LONG_NAMES]);
      if (Array.isArray(whole)) throw usage(where, ambiguousMessage(name, whole));
      if (whole) name = whole;
    } else if (t.startsWith('-') && t.length >= 2) {
      name = t[1]!;
      if (t.length > 2) value = t.slice(2).replace(/^=/, '');
    } else {
      throw usage(where, `unexpected '${t}' (a requirement must come before its options)`);
    }
    if (FLAG_OPTIONS.has(name)) {
      if (value !== undefined) throw usage(where, `option --${name} takes no value`);
      out.push({ name });
      continue;
    }
    const long = VALUE_OPTIONS[name];
    if (!long) {
      const guess = t.startsWith('--') ? didYouMean(`--${name}`, [...Object.keys(VALUE_OPTIONS), ...FLAG_OPTIONS].filter((k) => k.length > 1)) : undefined;
      throw usage(where, `unknown option '${t}'${guess ? ` (did you mean --${guess}?)` : ''}: a requirements file takes pip's file options (-r, -c, -e, -i, --extra-index-url, -f, --no-index, --no-binary, --only-binary, --prefer-binary, --pre, --all-releases, --only-final, --require-hashes, --no-require-hashes, --trusted-host, --use-feature; --hash and -C after a requirement)`);
    }
    if (value === undefined) {
      value = tokens[++i];
      if (value === undefined) throw usage(where, `option '${t}' needs a value`);
    }
    out.push({ name: long, value });
  }
  return out;
}

function normalizeHash(value: string, where: string): string {
  const m = /^([A-Za-z0-9]+):([0-9a-fA-F]+)$/.exec(value);
  if (!m || !['sha256', 'sha384', 'sha512'].includes(m[1]!.toLowerCase())) {
    throw usage(where, `bad --hash '${value}': expected sha256:<hex> (or sha384/sha512)`);
  }
  return `${m[1]!.toLowerCase()}:${m[2]!.toLowerCase()}`;
}

/** Join `\` continuations and drop comments; each logical line keeps its first physical line number. */
export function logicalLines(text: string): { text: string; line: number }[] {
  const out: { text: string; line: number }[] = [];
  const lines = text.split(/\r?\n/);
  let buf = '';
  let start = 0;
  for (let i = 0; i < lines.length; i++) {
    let l = lines[i]!;
    if (buf === '') start = i + 1;
    const comment = commentStart(l);
    if (comment !== -1) {
      // A comment ends the logical line (pip: a comment inside a continuation ends it too).
      l = l.slice(0, comment);
      buf += l;
      if (buf.trim()) out.push({ text: buf.trim(), line: start });
      buf = '';
      continue;
    }
    if (/\\$/.test(l)) {
      buf += l.slice(0, -1);
      continue;
    }
    buf += l;
    if (buf.trim()) out.push({ text: buf.trim(), line: start });
    buf = '';
  }
  if (buf.trim()) out.push({ text: buf.trim(), line: start });
  return out;
}

/** Where a comment starts in `line` (a `#` at the start or after whitespace), or -1. Linear. */
function commentStart(line: string): number {
  for (let i = line.indexOf('#'); i !== -1; i = line.indexOf('#', i + 1)) {
    if (i === 0 || /\s/.test(line[i - 1]!)) return i;
  }
  return -1;
}

/** Split on whitespace, honouring quotes (markers contain them: `; python_version < "3.8"`). */
function tokenize(line: string, where: string): string[] {
  const out: string[] = [];
  let cur = '';
  let quote = '';
  let has = false;
  for (const ch of line) {
    if (quote) {
      cur += ch;
      if (ch === quote) quote = '';
    } else if (ch === '"' || ch === "'") {
      cur += ch; quote = ch; has = true;
    } else if (/\s/.test(ch)) {
      if (has) out.push(cur);
      cur = ''; has = false;
    } else {
      cur += ch; has = true;
    }
  }
  if (quote) throw usage(where, `unterminated quote in '${line}'`);
  if (has) out.push(cur);
  // A requirement with a marker may contain spaces ("foo ; python_version < '3'"): tokens before the
  // first option are re-joined by the caller, so splitting here is harmless.
  return out;
}

interface Location { display: string; path?: string; url?: string }

function toLocation(p: string, base: string): Location {
  if (/^file:/i.test(p)) { const path = fileURLToPath(p); return { display: path, path }; }
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(p)) return { display: p, url: p };
  const path = isAbsolute(p) ? p : resolve(base, p);
  return { display: path, path };
}

function includeLocation(value: string, from: Location): Location {
  if (from.url && !/^[a-z][a-z0-9+.-]*:/i.test(value) && !isAbsolute(value)) {
    const url = new URL(value, from.url).href;
    return { display: url, url };
  }
  return toLocation(value, from.path ? dirname(from.path) : process.cwd());
}

async function readOne(
  loc: Location, constraint: boolean, out: ParsedRequirements, options: ReadRequirementsOptions,
  stack: string[], includedFrom: string | undefined,
): Promise<void> {
  if (stack.includes(loc.display)) {
    throw new VenvkitError('BAD_REQUIREMENT', `${includedFrom}: requirement files include each other in a loop: ${[...stack, loc.display].join(' -> ')}`);
  }
  let text: string;
  try {
    if (loc.path) text = await readFile(loc.path, 'utf8');
    else text = await (options.fetchText ?? ((u: string) => fetchOverHttp(u)))(loc.url!);
  } catch (e) {
    const what = constraint ? 'constraints file' : 'requirements file';
    const hint = e instanceof VenvkitError ? e.hint : undefined;
    throw new VenvkitError('BAD_REQUIREMENT', `${includedFrom ? includedFrom + ': ' : ''}cannot read ${what} ${loc.display}: ${(e as Error).message}`, { cause: e, hint });
  }
  out.files.push(loc.display);
  const env = options.env ?? process.env;
  const cwd = options.cwd ?? process.cwd();
  const fileDir = loc.path ? dirname(loc.path) : undefined;
  for (const item of parseRequirementsText(text, loc.display, env)) {
    const where = `${loc.display}:${item.line}`;
    if (item.kind === 'requirement') {
      const req: RequirementLine = { text: item.text, hashes: item.hashes, constraint, file: loc.display, line: item.line, ...(item.configSettings ? { configSettings: item.configSettings } : {}) };
      const location = vcsLocation(item.text) ?? localLocation(item.text, cwd);
      if (location) req.location = location;
      (constraint ? out.constraints : out.requirements).push(req);
      continue;
    }
    const v = item.value!;
    const o = out.options;
    switch (item.name) {
      case 'requirement': await readOne(includeLocation(v, loc), constraint, out, options, [...stack, loc.display], where); break;
      case 'constraint': await readOne(includeLocation(v, loc), true, out, options, [...stack, loc.display], where); break;
      case 'index-url': o.indexUrl = v; break;
      case 'extra-index-url': o.extraIndexUrls.push(v); break;
      case 'find-links': {
        // pip: a relative find-links path is taken relative to the requirements file when it exists there.
        const rel = fileDir && !/^[a-z][a-z0-9+.-]*:/i.test(v) && !isAbsolute(v) ? join(fileDir, v) : undefined;
        o.findLinks.push(rel && existsSync(rel) ? rel : v);
        break;
      }
      case 'trusted-host': o.trustedHosts.push(v); break;
      case 'no-index': o.noIndex = true; break;
      case 'pre': o.pre = true; break;
      case 'require-hashes': o.requireHashes = true; break;
      case 'editable': {
        if (constraint) throw usage(where, `editable requirements are not allowed as constraints (-e ${v})`);
        let editable: EditableRequirement;
        try {
          editable = parseEditable(unquote(v), cwd);
        } catch (e) {
          throw e instanceof VenvkitError ? new VenvkitError(e.code, `${where}: ${e.message}`, { hint: e.hint, cause: e }) : e;
        }
        out.requirements.push({ text: editable.text, hashes: [], constraint, file: loc.display, line: item.line, editable });
        break;
      }
      case 'no-binary': case 'only-binary':
        if (v.startsWith('-')) throw usage(where, `--${item.name} needs a value (:all:, :none: or project names)`);
        (o.formatControl ??= []).push({ option: item.name, value: v, where });
        break;
      case 'prefer-binary': o.preferBinary = true; break;
      case 'no-require-hashes': o.noRequireHashes = true; break;
      case 'all-releases': case 'only-final':
        (o.releaseControl ??= []).push(checkReleaseOp({ option: item.name, value: v }, where));
        break;
      case 'use-feature':
        if (!PIP_FEATURES.includes(v)) throw usage(where, `--use-feature: '${v}' is not one of pip's features (${PIP_FEATURES.join(', ')})`);
        break; // each is already how venvkit works, or a pip internal
      case 'config-settings':
        throw usage(where, `-C ${v} on a line of its own: pip takes -C in a requirements file only after a requirement`);
      default:
        throw usage(where, `option --${item.name} is not handled (this is a bug)`);
    }
  }
}

/**
 * A local wheel path or a bare URL (not `name @ url`): pip accepts these as requirements.
 * Relative paths are taken from the current directory, as pip does.
 */
export function localLocation(text: string, cwd: string): { url: string; path?: string } | undefined {
  // Plain string scans, not regexes: requirement lines are untrusted and may be megabytes long.
  const semi = text.indexOf(';');
  const t = withoutExtras((semi === -1 ? text : text.slice(0, semi)).trim());
  if (/^[A-Za-z0-9._-]/.test(text) && text.includes('@') && !/^file:/i.test(t)) return undefined; // name @ url
  if (/^file:/i.test(t)) {
    const url = new URL(t);
    return { url: url.href, path: fileURLToPath(url) };
  }
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(t)) return { url: t };
  const looksLikePath = t.includes('/') || t.startsWith('.') || /\.(whl|zip|tar\.gz|tgz|tar\.bz2)$/i.test(t);
  if (!looksLikePath) return undefined;
  const path = isAbsolute(t) ? t : resolve(cwd, t);
  return { url: pathToFileURL(path).href, path };
}

/** A bare VCS URL line (`git+https://...#egg=name`, with an optional `; marker`). */
function vcsLocation(text: string): { url: string; vcs: true } | undefined {
  const semi = text.indexOf('; ');
  const url = (semi === -1 ? text : text.slice(0, semi)).trim();
  return /^(git|hg|svn|bzr)\+/i.test(url) ? { url, vcs: true } : undefined;
}

/** A value quoted whole in the file ("-e 'name @ url'"), as pip's shlex split reads it. */
function unquote(v: string): string {
  return v.length >= 2 && (v[0] === '"' || v[0] === "'") && v.endsWith(v[0]) ? v.slice(1, -1) : v;
}

/** `t` without a trailing `[extras]` (from the first `[` after the last `]` before the end). */
function withoutExtras(t: string): string {
  if (!t.endsWith(']')) return t;
  const open = t.indexOf('[', t.lastIndexOf(']', t.length - 2) + 1);
  return open === -1 ? t : t.slice(0, open);
}

function usage(where: string, message: string): VenvkitError {
  return new VenvkitError('BAD_REQUIREMENT', `${where}: ${message}`);
}

/**
 * GET a requirements file over http(s) with the HTTP settings index requests use (pip's session:
 * --cert, --client-cert, --proxy, --no-proxy-env, --trusted-host, --timeout, --retries); none: defaults.
 */
export async function fetchOverHttp(url: string, settings?: Pick<IndexSettings, 'timeout' | 'cert' | 'trustedHosts' | 'clientCert' | 'proxy' | 'noProxyEnv' | 'retries'>): Promise<string> {
  if (!/^https?:/i.test(url)) throw new Error('only local files, file:// and http(s):// URLs can be read');
  const { HttpClient, statusError } = await import('./http-client.js');
  const s = settings;
  const http = new HttpClient(s ? {
    ...(s.retries !== undefined ? { retries: s.retries } : {}), timeout: s.timeout, cert: s.cert, trustedHosts: s.trustedHosts,
    clientCert: s.clientCert, proxy: s.proxy, noProxyEnv: s.noProxyEnv,
  } : {});
  try {
    const res = await http.get(url);
    if (res.status !== 200) throw statusError(res.url, res.status);
    return res.body.toString('utf8');
  } finally {
    http.close();
  }
}
