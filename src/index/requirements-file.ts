// Requirement files (pip's format): comments, continuations, ${VAR} expansion, -r/-c includes,
// option lines, per-requirement --hash. Requirement strings are returned raw (PEP 508 parsing
// is src/pep/pep508.ts's job), each with its hashes and where it was written.
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { existsSync, readFileSync } from 'node:fs';
import { VenvkitError } from '../errors.js';
import { parseEditable, type EditableRequirement } from './editable-requirement.js';
import type { FormatControlOp } from './format-control.js';
import type { IndexSettings } from './types.js';
import { parseRequirementsText, PIP_FEATURES, usage } from './requirements-line.js';
import { checkReleaseOp, type ReleaseOp } from './release-control.js';

export { logicalLines, parseRequirementsText, PIP_FEATURES, type ParsedLine } from './requirements-line.js';

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
    // (Read synchronously, like the local index pages: a small file, where an asynchronous read is
    // four trips through the thread pool and loads node:fs/promises, ~3 ms of a cached lock.)
    if (loc.path) text = readFileSync(loc.path, 'utf8');
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
