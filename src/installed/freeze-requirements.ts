// The project a line of a requirements file names, as pip 26.2's freeze reads it when it follows a
// file's order (pip's install_req_from_line / install_req_from_editable on the line itself: no
// continuation lines, no per-line options, paths relative to the current directory): a PEP 508
// requirement's name, a wheel's (file or URL), an #egg= fragment's, or none (a plain directory,
// an archive or URL without #egg=). A line pip cannot read is a BAD_REQUIREMENT error.
import { existsSync, statSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { VenvkitError } from '../errors.js';
import { parseRequirement } from '../pep/pep508.js';
import { tryParseWheelFilename } from '../pep/wheel-name.js';

/** pip's COMMENT_RE: a `#` at the start or after whitespace starts a comment. */
export function withoutComment(line: string): string {
  return line.replace(/(^|\s+)#.*$/, '');
}

const VCS = ['bzr', 'git', 'hg', 'svn'];
const VCS_SCHEMES = [
  'bzr+http', 'bzr+https', 'bzr+ssh', 'bzr+sftp', 'bzr+ftp', 'bzr+lp', 'bzr+file', 'git+http', 'git+https', 'git+ssh', 'git+git', 'git+file',
  'hg+file', 'hg+http', 'hg+https', 'hg+ssh', 'hg+static-http', 'svn+ssh', 'svn+http', 'svn+https', 'svn+svn', 'svn+file',
];
const ARCHIVES = ['.zip', '.whl', '.tar.bz2', '.tbz', '.tar.gz', '.tgz', '.tar', '.tar.xz', '.txz', '.tlz', '.tar.lz', '.tar.lzma'];
const PROJECT_NAME = /^([A-Z0-9]|[A-Z0-9][A-Z0-9._-]*[A-Z0-9])$/i;

/** urllib.parse.urlsplit's scheme (lower-cased), or "" when the text has none. */
function scheme(text: string): string {
  const m = /^([A-Za-z][A-Za-z0-9+.-]*):/.exec(text);
  return m ? m[1]!.toLowerCase() : '';
}

function isUrl(text: string): boolean {
  const s = scheme(text);
  return s !== '' && (['http', 'https', 'file', 'ftp'].includes(s) || VCS_SCHEMES.includes(s));
}

const isDir = (p: string) => existsSync(p) && statSync(p).isDirectory();
const isFile = (p: string) => existsSync(p) && statSync(p).isFile();
const looksLikePath = (name: string) => name.includes('/') || name.startsWith('.');

/** pip's strip_extras: `path[extra]` -> `path`. */
function stripExtras(path: string): string {
  const m = /^(.+)(\[[^\]]+\])$/.exec(path);
  return m ? m[1]!.trimEnd() : path;
}

function bad(where: string, message: string, hint = 'Fix or remove the line; a requirement follows PEP 508 (name, name>=1.0, name @ URL).'): VenvkitError {
  return new VenvkitError('BAD_REQUIREMENT', `${where}: ${message}`, { hint });
}

/** A URL's #egg= project name, or undefined (pip's Link.egg_fragment). */
function eggFragment(url: string, where: string): string | undefined {
  const m = /[#&]egg=([^&]*)/.exec(url);
  if (!m) return undefined;
  if (!PROJECT_NAME.test(m[1]!)) throw bad(where, `#egg=${m[1]} is not a project name`, 'Write #egg=NAME with the project\'s name, or name it: NAME @ URL.');
  return m[1];
}

/** The last path segment of a URL, %-decoded (pip's Link.filename). */
function urlFilename(url: string): string {
  const path = url.replace(/[?#].*$/, '').replace(/^[A-Za-z][A-Za-z0-9+.-]*:(\/\/[^/]*)?/, '').replace(/\/+$/, '');
  const name = path.slice(path.lastIndexOf('/') + 1);
  try {
    return decodeURIComponent(name);
  } catch {
    return name;
  }
}

/** A link's project: a wheel's name (normalised, as pip's Wheel gives it), else its #egg=. */
function nameOfLink(url: string, where: string): string | undefined {
  const file = urlFilename(url);
  if (file.toLowerCase().endsWith('.whl')) {
    const w = tryParseWheelFilename(file);
    if (typeof w === 'string') throw bad(where, `${file} is not a valid wheel file name: ${w}`);
    return w.normalizedName;
  }
  return eggFragment(url, where);
}

function requirementName(text: string, where: string): string {
  try {
    return parseRequirement(text).name;
  } catch (e) {
    if (e instanceof VenvkitError) throw bad(where, e.message, e.hint);
    throw e;
  }
}

export interface LineName {
  /** The project's name as the line writes it (a wheel's normalised), or undefined when the line names none. */
  name?: string;
  /** What pip warns about the line (a path that looks like an archive but does not exist). */
  warning?: string;
}

/** The project a requirement line (comment removed, trimmed) names, as pip's freeze reads it. */
export function nameOfLine(text: string, cwd: string, where: string): LineName {
  const url = isUrl(text);
  const sep = url ? '; ' : ';';
  let name = text.includes(sep) ? text.slice(0, text.indexOf(sep)) : text;
  name = name.trim();
  if (url) return { name: nameOfLink(name, where) };
  const path = stripExtras(resolve(cwd, name));
  if (looksLikePath(name) && isDir(path)) {
    if (!existsSync(join(path, 'pyproject.toml')) && !existsSync(join(path, 'setup.py'))) {
      throw bad(where, `directory '${name}' is not installable: neither setup.py nor pyproject.toml is there`, 'Give the directory of a Python project.');
    }
    return {};
  }
  const lower = path.toLowerCase();
  if (ARCHIVES.some((ext) => lower.endsWith(ext))) {
    if (isFile(path)) return { name: nameOfLink(pathToFileURL(path).href, where) };
    const at = name.indexOf('@');
    if (at === -1 || looksLikePath(name.slice(0, at))) {
      return { name: nameOfLink(basename(path), where), warning: `Requirement '${name}' looks like a filename, but the file does not exist` };
    }
  }
  return { name: requirementName(name, where) };
}

/** The project an editable line (`-e` taken off) names, as pip's freeze reads it. */
export function nameOfEditable(text: string, cwd: string, where: string): LineName {
  // `name @ URL` first, then pip's own forms: a directory, a file: URL, a VCS URL.
  try {
    const r = parseRequirement(text);
    if (r.url) return { name: r.name };
  } catch {
    // not PEP 508: one of pip's forms
  }
  let url = text;
  let name: string | undefined;
  const noExtras = stripExtras(text);
  const dir = resolve(cwd, noExtras);
  const local = noExtras !== '' && isDir(dir) ? pathToFileURL(dir).href : noExtras;
  if (local.toLowerCase().startsWith('file:')) {
    url = local;
    name = eggFragment(url, where);
  } else {
    const vcs = VCS.find((v) => text.toLowerCase().startsWith(`${v}:`));
    if (vcs) url = `${vcs}+${text}`;
    name = eggFragment(url, where);
  }
  const isFileUrl = url.startsWith('file:');
  if (!VCS_SCHEMES.includes(scheme(url)) && !isFileUrl) {
    throw bad(where, `'${text}' is not a valid editable requirement`, `An editable requirement is the path of a local project or a VCS URL (beginning with ${VCS_SCHEMES.join(', ')}).`);
  }
  if (!name && !isFileUrl) throw bad(where, `cannot tell the project name of '${text}'`, 'Name it: NAME @ URL, or add #egg=NAME to the URL.');
  return name ? { name: requirementName(name, where) } : {};
}
