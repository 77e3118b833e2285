// Pure quoting: turn a string (an environment path, a prompt name) into a literal that one shell
// reads back as exactly that string, never running any part of it. A string a shell cannot carry
// safely is refused with BAD_PATH naming the character and the shell (CVE-2024-9287 is the class
// of bug this rules out). No I/O here.
import { VenvkitError } from '../../errors.js';

/** Describe a character for an error message: the character itself and its code point. */
function describe(ch: string): string {
  const cp = ch.codePointAt(0)!;
  const hex = 'U+' + cp.toString(16).toUpperCase().padStart(4, '0');
  return cp < 0x20 || (cp >= 0x7f && cp <= 0x9f) ? hex : `'${ch}' (${hex})`;
}

export function refuse(what: string, ch: string, shell: string, hint?: string): never {
  const which = shell === 'any shell' ? 'which no shell\'s activation script can carry safely' : `which ${shell} activation scripts cannot carry safely`;
  throw new VenvkitError('BAD_PATH', `${what} contains ${describe(ch)}, ${which}`, {
    hint: hint ?? (what.includes('prompt') ? 'Choose the `prompt` option without that character.' : 'Choose a directory name without that character.'),
  });
}

/**
 * Control characters (newline, tab, ESC...) break every shell's scripts and prompts: refuse them
 * everywhere. That includes the C1 range (U+0080–U+009F), which some terminals obey as escape
 * sequences (U+009B is a one-character CSI) when a prompt prints it.
 */
export function checkNoControl(value: string, what: string, shell: string): void {
  for (const ch of value) {
    const cp = ch.codePointAt(0)!;
    if (cp < 0x20 || (cp >= 0x7f && cp <= 0x9f)) refuse(what, ch, shell);
  }
}

/** POSIX sh (bash, zsh, ksh, mksh, dash...): single quotes, a quote written as '\''. */
export function quotePosix(value: string, what = 'the environment path'): string {
  checkNoControl(value, what, 'POSIX sh');
  return singleQuoteSh(value);
}

/** Single-quote any text (code included, newlines allowed) for sh. */
export function singleQuoteSh(text: string): string {
  return `'${text.replace(/'/g, `'\\''`)}'`;
}

/** fish: single quotes, where only \' and \\ are escapes. */
export function quoteFish(value: string, what = 'the environment path'): string {
  checkNoControl(value, what, 'fish');
  return `'${value.replace(/[\\']/g, (c) => '\\' + c)}'`;
}

/**
 * csh and tcsh: single quotes keep $ and ` literal, but history substitution (!) happens even inside
 * them (also in sourced files), and tcsh's `backslash_quote` makes \ special inside them. So !, ' and
 * \ are written outside the quotes, each escaped with a backslash, which both shells read as the
 * literal character whatever their options.
 */
export function quoteCsh(value: string, what = 'the environment path'): string {
  checkNoControl(value, what, 'csh');
  if (value === '') return "''";
  let out = '';
  let open = false;
  for (const ch of value) {
    if (ch === '!' || ch === "'" || ch === '\\') {
      if (open) out += "'";
      open = false;
      out += '\\' + ch;
    } else {
      if (!open) out += "'";
      open = true;
      out += ch;
    }
  }
  return open ? out + "'" : out;
}

/** nushell: a double-quoted string (no interpolation without a leading $); \ and " escaped. */
export function quoteNu(value: string, what = 'the environment path'): string {
  checkNoControl(value, what, 'nushell');
  return `"${value.replace(/[\\"]/g, (c) => '\\' + c)}"`;
}

/**
 * PowerShell: a single-quoted (verbatim) string. PowerShell also takes the typographic quotes
 * U+2018-U+201B as single quotes, so every one of them is doubled too.
 */
export function quotePowerShell(value: string, what = 'the environment path'): string {
  checkNoControl(value, what, 'PowerShell');
  return `'${value.replace(/['\u2018\u2019\u201a\u201b]/g, (c) => c + c)}'`;
}

/**
 * cmd.exe: the value of `set "NAME=value"` in a batch file. Inside the quotes & | < > ^ are literal;
 * % is written %%. A double quote cannot appear, and ! is refused because a user may run cmd with
 * delayed expansion on, where it would expand variables.
 */
export function quoteBatch(value: string, what = 'the environment path'): string {
  checkNoControl(value, what, 'cmd.exe');
  for (const ch of value) if (ch === '"' || ch === '!') refuse(what, ch, 'cmd.exe (activate.bat)');
  return value.replace(/%/g, '%%');
}

/** A Python string literal that is pure ASCII (works in Python 2.7 and 3.x source without a coding line). */
export function quotePython(value: string): string {
  let out = "u'";
  for (const ch of value) {
    const cp = ch.codePointAt(0)!;
    if (ch === '\\' || ch === "'") out += '\\' + ch;
    else if (cp >= 0x20 && cp < 0x7f) out += ch;
    else if (cp <= 0xffff) out += '\\u' + cp.toString(16).padStart(4, '0');
    else out += '\\U' + cp.toString(16).padStart(8, '0');
  }
  return out + "'";
}

/** The PATH separator cannot be in a directory put on PATH (venv refuses it too). */
export function checkPathSeparator(path: string, windows: boolean): void {
  const sep = windows ? ';' : ':';
  if (path.includes(sep)) {
    throw new VenvkitError('BAD_PATH', `the environment path contains '${sep}', the PATH separator, so its scripts directory cannot be put on PATH`, {
      hint: 'Choose a directory without that character.',
    });
  }
}
