// One logical line of a requirements file, as pip 26.2 reads it: continuations joined, comments
// dropped, ${VAR} expanded, split into the requirement and its options, each option checked against
// pip's set for requirement files (optparse: unique prefixes of long names accepted). Pure: includes
// are returned as option lines; requirements-file.ts follows them.
import { VenvkitError } from '../errors.js';
import { didYouMean } from '../did-you-mean.js';
import { ambiguousMessage, resolveLong } from '../option-prefix.js';

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

export function usage(where: string, message: string): VenvkitError {
  return new VenvkitError('BAD_REQUIREMENT', `${where}: ${message}`);
}
