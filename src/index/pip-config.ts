// pip's configuration, read the way pip reads it, so a machine set up for pip works unchanged.
//
import type { ReleaseOp } from './release-control.js';
// Files, lowest priority first (pip's `override_order`): global ($XDG_CONFIG_DIRS/pip/pip.conf
// for each dir, default /etc/xdg, then /etc/pip.conf), user (~/.pip/pip.conf, then
// $XDG_CONFIG_HOME/pip/pip.conf; skipped when PIP_CONFIG_FILE names an existing file), site
// (<env prefix>/pip.conf), then the file PIP_CONFIG_FILE names (os.devnull: no files at all).
// In each, [global] then [install]. Environment variables PIP_<OPTION> win over every file.
import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { VenvkitError } from '../errors.js';
import type { IndexSettings } from './types.js';
import type { FormatControlOp } from './format-control.js';

export const DEFAULT_INDEX_URL = 'https://pypi.org/simple';
export const DEFAULT_TIMEOUT = 15;

export type ConfigVariant = 'global' | 'user' | 'site' | 'env';

export interface ConfigFile { variant: ConfigVariant; path: string; exists: boolean }

/** One effective setting: the key as pip spells it in `pip config list` and where it came from. */
export interface ConfigEntry { section: string; key: string; value: string; origin: string }

export interface PipConfig {
  files: ConfigFile[];
  /** Every key=value from files (later files override earlier, as pip does), then PIP_* vars as section ':env:'. */
  entries: ConfigEntry[];
  /** Settings for `pip install` ([global], then [install], then PIP_* environment variables). */
  settings: IndexSettings;
  /** Values of boolean options that pip's strtobool refuses, in reading order (checkBooleans). */
  badBooleans: ConfigEntry[];
}

export interface PipConfigOptions {
  env?: NodeJS.ProcessEnv;
  home?: string;
  /** The target environment's prefix: its pip.conf is pip's "site" file. Default $VIRTUAL_ENV. */
  sitePrefix?: string;
  /** For tests: how files are read (undefined = missing). */
  readFile?: (path: string) => string | undefined;
  /** pip's --isolated: no user config files and no PIP_* environment variables. */
  isolated?: boolean;
}

/** The config files pip would consult, in load order (later overrides earlier). */
export function pipConfigFiles(options: PipConfigOptions = {}): { variant: ConfigVariant; path: string }[] {
  const env = options.env ?? process.env;
  const home = options.home ?? homedir();
  const out: { variant: ConfigVariant; path: string }[] = [];
  const envFile = env.PIP_CONFIG_FILE;
  const xdgDirs = (env.XDG_CONFIG_DIRS || '/etc/xdg').split(':').filter(Boolean);
  for (const dir of xdgDirs) out.push({ variant: 'global', path: join(dir, 'pip', 'pip.conf') });
  out.push({ variant: 'global', path: '/etc/pip.conf' });
  const read = options.readFile ?? readText;
  const envFileExists = envFile !== undefined && envFile !== '' && read(envFile) !== undefined;
  if (!envFileExists && !options.isolated) {
    out.push({ variant: 'user', path: join(home, '.pip', 'pip.conf') });
    out.push({ variant: 'user', path: join(env.XDG_CONFIG_HOME || join(home, '.config'), 'pip', 'pip.conf') });
  }
  const site = options.sitePrefix ?? env.VIRTUAL_ENV;
  if (site) out.push({ variant: 'site', path: join(site, 'pip.conf') });
  if (envFile) out.push({ variant: 'env', path: envFile });
  return out;
}

/** Read pip's configuration for `install`. Never throws for a missing file; a malformed one is skipped like pip's parser would reject it. */
export function loadPipConfig(options: PipConfigOptions = {}): PipConfig {
  const env = options.env ?? process.env;
  const read = options.readFile ?? readText;
  const files: ConfigFile[] = [];
  const fileValues = new Map<string, ConfigEntry>();
  const skipFiles = env.PIP_CONFIG_FILE === '/dev/null';
  if (!skipFiles) {
    for (const f of pipConfigFiles(options)) {
      const text = read(f.path);
      files.push({ ...f, exists: text !== undefined });
      if (text === undefined) continue;
      for (const [section, values] of parseIni(text)) {
        for (const [rawKey, value] of values) {
          const key = normalizeKey(rawKey);
          fileValues.set(`${section}.${key}`, { section, key, value, origin: f.path });
        }
      }
    }
  }
  const envEntries: ConfigEntry[] = [];
  for (const [name, value] of Object.entries(options.isolated ? {} : env)) {
    if (!name.startsWith('PIP_') || value === undefined || name === 'PIP_CONFIG_FILE') continue;
    envEntries.push({ section: ':env:', key: normalizeKey(name.slice(4).toLowerCase()), value, origin: `env:${name}` });
  }
  const entries = [...fileValues.values(), ...envEntries].sort((a, b) => compareStrings(keyOf(a), keyOf(b)));
  // pip's precedence for one command: files ([global] < [install]) < environment variables.
  const ordered: ConfigEntry[] = [];
  for (const section of ['global', 'install']) {
    for (const e of fileValues.values()) if (e.section === section) ordered.push(e);
  }
  ordered.push(...envEntries);
  const badBooleans = ordered.filter((e) => BOOLEAN_KEYS.has(ALIASES[e.key] ?? e.key) && e.value !== '' && strToBool(e.value) === undefined);
  return { files, entries, settings: settingsFrom(ordered), badBooleans };
}

/** The boolean options venvkit reads from pip's configuration (all are `pip install`'s). */
const BOOLEAN_KEYS = new Set(['no-index', 'pre', 'require-hashes', 'no-require-hashes', 'no-proxy-env', 'prefer-binary']);
/** Those that `pip list` has too (the others are install's alone, and pip list ignores them). */
export const LIST_BOOLEAN_KEYS: readonly string[] = ['no-index', 'pre', 'no-proxy-env', 'prefer-binary'];

/**
 * pip refuses the whole command when a boolean option of that command has a value that is not one
 * of strtobool's words, in any section it reads, even a value overridden later: so does this (for
 * `keys`, default every boolean venvkit reads). Exit status 2, as pip's.
 */
export function checkBooleans(config: PipConfig, keys: Iterable<string> = BOOLEAN_KEYS): void {
  const wanted = new Set(keys);
  const bad = config.badBooleans.find((e) => wanted.has(ALIASES[e.key] ?? e.key));
  if (!bad) return;
  const where = bad.origin.startsWith('env:') ? `the environment variable ${bad.origin.slice(4)}` : `${bad.origin}, [${bad.section}]`;
  throw new VenvkitError('USAGE', `${bad.value} is not a valid value for ${bad.key} option (${where})`, {
    hint: "pip's configuration takes a boolean value like yes/no, true/false or 1/0 there: correct or remove it.",
  });
}

/** Code-unit order, as Python sorts strings (and without loading ICU, as localeCompare does). */
function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** `pip config list` lines (`global.cert='/x'`, `:env:.cert='/x'`), sorted as pip prints them. */
export function pipConfigListLines(config: PipConfig): string[] {
  return config.entries.map((e) => `${keyOf(e)}=${pyRepr(e.value)}`).sort();
}

/** Aliases pip accepts for the same option (any long flag name works in config). */
const ALIASES: Record<string, string> = {
  'default-timeout': 'timeout',
  'index': 'index-url',
  'find-link': 'find-links',
  'constraints': 'constraint',
};

function settingsFrom(ordered: ConfigEntry[]): IndexSettings {
  // pip skips empty values: one does not override a value read before it.
  const get = (key: string): string | undefined => {
    let found: string | undefined;
    for (const e of ordered) if ((e.key === key || ALIASES[e.key] === key) && e.value !== '') found = e.value;
    return found;
  };
  const list = (key: string) => (get(key) ?? '').split(/\s+/).filter(Boolean);
  const timeout = Number(get('timeout'));
  const retries = Number(get('retries'));
  return {
    indexUrl: get('index-url')?.trim() || DEFAULT_INDEX_URL,
    extraIndexUrls: list('extra-index-url'),
    findLinks: list('find-links'),
    noIndex: toBool(get('no-index')),
    pre: toBool(get('pre')),
    constraints: list('constraint'),
    requireHashes: toBool(get('require-hashes')),
    ...(toBool(get('no-require-hashes')) ? { noRequireHashes: true } : {}),
    timeout: Number.isFinite(timeout) && timeout > 0 ? timeout : DEFAULT_TIMEOUT,
    cert: get('cert')?.trim() || undefined,
    trustedHosts: list('trusted-host'),
    ...(get('client-cert')?.trim() ? { clientCert: get('client-cert')!.trim() } : {}),
    ...(get('proxy')?.trim() ? { proxy: get('proxy')!.trim() } : {}),
    ...(toBool(get('no-proxy-env')) ? { noProxyEnv: true } : {}),
    ...(get('retries') !== undefined && Number.isInteger(retries) && retries >= 0 ? { retries } : {}),
    ...configFormatControl(ordered, get),
  };
}

/**
 * `no-binary`, `only-binary` and `prefer-binary` from pip's config and PIP_* variables. pip hands
 * config values to the options' callbacks as defaults, so they apply before the command line's.
 */
function configFormatControl(ordered: ConfigEntry[], get: (key: string) => string | undefined): Pick<IndexSettings, 'formatControl' | 'preferBinary'> {
  const ops: FormatControlOp[] = [];
  // Each value in the order pip reads them (files in order, [global] before [install], PIP_* last).
  for (const e of ordered) {
    const option = e.key === 'no-binary' || e.key === 'only-binary' ? e.key : undefined;
    const value = e.value.trim();
    if (option && value) ops.push({ option, value, where: `${e.origin} (${option})`, fromConfig: true });
  }
  return { ...(ops.length ? { formatControl: ops } : {}), ...(toBool(get('prefer-binary')) ? { preferBinary: true } : {}) };
}

/** pip's strtobool: its words for true and false in any case (nothing trimmed); undefined for anything else. */
export function strToBool(v: string): boolean | undefined {
  const w = v.toLowerCase();
  if (['y', 'yes', 't', 'true', 'on', '1'].includes(w)) return true;
  if (['n', 'no', 'f', 'false', 'off', '0'].includes(w)) return false;
  return undefined;
}

/** A boolean setting: unset, or a value strtobool refuses (checkBooleans reports those), is false. */
function toBool(v: string | undefined): boolean {
  return v !== undefined && strToBool(v) === true;
}

function normalizeKey(key: string): string {
  return key.replace(/^--/, '').replace(/_/g, '-').toLowerCase();
}

const keyOf = (e: ConfigEntry) => `${e.section}.${e.key}`;

/** Python's repr() of a str, enough for `pip config list` comparisons. */
function pyRepr(s: string): string {
  const q = s.includes("'") && !s.includes('"') ? '"' : "'";
  const body = s.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/\t/g, '\\t').replace(new RegExp(q, 'g'), `\\${q}`);
  return q + body + q;
}

/**
 * Python configparser's INI dialect, as pip uses it: `key = value` or `key: value`, comment lines
 * starting with # or ;, indented lines continue the previous value (joined by newlines), keys
 * lower-cased. Returns sections in file order.
 */
export function parseIni(text: string): Map<string, Map<string, string>> {
  const out = new Map<string, Map<string, string>>();
  let section: Map<string, string> | undefined;
  let lastKey: string | undefined;
  for (const raw of text.split(/\r?\n/)) {
    if (/^\s*[#;]/.test(raw)) continue;
    if (raw.trim() === '') { lastKey = undefined; continue; }
    if (/^\s/.test(raw) && section && lastKey !== undefined) {
      const prev = section.get(lastKey) ?? '';
      section.set(lastKey, prev === '' ? raw.trim() : `${prev}\n${raw.trim()}`);
      continue;
    }
    const head = /^\[([^\]]+)\]\s*$/.exec(raw.trim());
    if (head) {
      const name = head[1]!.trim();
      section = out.get(name) ?? new Map();
      out.set(name, section);
      lastKey = undefined;
      continue;
    }
    const kv = /^([^=:]+?)\s*[=:]\s*(.*)$/.exec(raw.trim());
    if (kv && section) {
      lastKey = kv[1]!.toLowerCase();
      section.set(lastKey, kv[2]!.trim());
    }
  }
  return out;
}

function readText(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}

/** venvkit flags layered over pip's settings: any flag given replaces pip's value. */
export interface IndexFlags {
  indexUrl?: string;
  extraIndexUrls?: string[];
  findLinks?: string[];
  noIndex?: boolean;
  pre?: boolean;
  constraints?: string[];
  requireHashes?: boolean;
  timeout?: number;
  cert?: string;
  /** --no-binary / --only-binary values, in command-line order (applied before the requirement files'). */
  formatControl?: FormatControlOp[];
  /** --prefer-binary. */
  preferBinary?: boolean;
  /** --trusted-host (added to pip's). */
  trustedHosts?: string[];
  /** --client-cert, --proxy, --no-proxy-env, --retries: replace pip's. */
  clientCert?: string;
  proxy?: string;
  noProxyEnv?: boolean;
  retries?: number;
  /** --isolated: pip's user config files and PIP_* variables are not read. */
  isolated?: boolean;
  /** --no-require-hashes: a --hash in a requirements file does not switch on hash-checking mode. */
  noRequireHashes?: boolean;
  /** --all-releases / --only-final, in command-line order. */
  releaseControl?: ReleaseOp[];
  /** --refresh-package (normalised names or ':all:'). */
  refreshPackages?: string[];
  /** --uploaded-prior-to, ms since the epoch. */
  uploadedPriorTo?: number;
}

/**
 * Merge flags over config the way pip merges its command line over config: `--index-url` replaces,
 * while `--extra-index-url`, `--find-links` and `-c` add to the configured lists (pip's append
 * options start from the configured value, as `pip download -f X` shows: both locations are used).
 */
export function applyFlags(settings: IndexSettings, flags: IndexFlags): IndexSettings {
  const out = { ...settings };
  const add = (a: string[], b: string[] | undefined) => [...a, ...(b ?? []).filter((x) => !a.includes(x))];
  if (flags.indexUrl !== undefined) out.indexUrl = flags.indexUrl;
  out.extraIndexUrls = add(settings.extraIndexUrls, flags.extraIndexUrls);
  out.findLinks = add(settings.findLinks, flags.findLinks);
  out.constraints = add(settings.constraints, flags.constraints);
  if (flags.noIndex) out.noIndex = true;
  if (flags.pre) out.pre = true;
  if (flags.requireHashes) out.requireHashes = true;
  if (flags.timeout !== undefined) out.timeout = flags.timeout;
  if (flags.cert !== undefined) out.cert = flags.cert;
  out.trustedHosts = add(settings.trustedHosts, flags.trustedHosts);
  if (flags.clientCert !== undefined) out.clientCert = flags.clientCert;
  if (flags.proxy !== undefined) out.proxy = flags.proxy;
  if (flags.noProxyEnv) out.noProxyEnv = true;
  if (flags.retries !== undefined) out.retries = flags.retries;
  // pip applies the configuration's --no-binary/--only-binary, then the command line's, then each file's.
  if (flags.formatControl?.length) {
    const ops = settings.formatControl ?? [];
    out.formatControl = [...ops.filter((o) => o.fromConfig), ...flags.formatControl, ...ops.filter((o) => !o.fromConfig)];
  }
  if (flags.preferBinary) out.preferBinary = true;
  if (flags.releaseControl?.length) out.releaseControl = [...flags.releaseControl, ...(settings.releaseControl ?? [])];
  if (flags.refreshPackages?.length) out.refreshPackages = flags.refreshPackages;
  if (flags.uploadedPriorTo !== undefined) out.uploadedPriorTo = flags.uploadedPriorTo;
  return out;
}

/**
 * Options lines of requirement files, applied as pip applies them: `--index-url` replaces the
 * index, `--extra-index-url`, `--find-links` and `--trusted-host` add, `--no-index`, `--pre` and
 * `--require-hashes` switch on.
 */
export function applyFileOptions(settings: IndexSettings, o: {
  indexUrl?: string; extraIndexUrls: string[]; findLinks: string[]; noIndex: boolean; pre: boolean; requireHashes: boolean; trustedHosts: string[];
  formatControl?: FormatControlOp[]; preferBinary?: boolean; releaseControl?: ReleaseOp[];
}): IndexSettings {
  const add = (a: string[], b: string[]) => [...a, ...b.filter((x) => !a.includes(x))];
  return {
    ...settings,
    indexUrl: o.indexUrl ?? settings.indexUrl,
    extraIndexUrls: add(settings.extraIndexUrls, o.extraIndexUrls),
    findLinks: add(settings.findLinks, o.findLinks),
    trustedHosts: add(settings.trustedHosts, o.trustedHosts),
    noIndex: settings.noIndex || o.noIndex,
    pre: settings.pre || o.pre,
    requireHashes: settings.requireHashes || o.requireHashes,
    ...(o.formatControl?.length ? { formatControl: [...(settings.formatControl ?? []), ...o.formatControl] } : {}),
    ...(settings.preferBinary || o.preferBinary ? { preferBinary: true } : {}),
    ...(o.releaseControl?.length ? { releaseControl: [...(settings.releaseControl ?? []), ...o.releaseControl] } : {}),
  };
}
