// Which requirements name local source — a project directory or an sdist file — and how pip reads
// them: `.`, `./path`, `/abs/path`, `.[extra1,extra2]`, `name @ file:///dir`, `-e DIR[extras]`,
// `x-1.0.tar.gz`, `x-1.0.zip`. Pure string and stat work: install's fast path loads it.
import { statSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { VenvkitError } from '../errors.js';
import type { EditableRequirement } from '../index/editable-requirement.js';
import { isVcsUrl, parseVcsUrl, type VcsSpec } from './vcs.js';
import type { ConfigSettings } from './hooks.js';

export interface LocalSource {
  /** vcs: a git+... URL, checked out before building (a VCS editable is checked out into <env>/src). */
  kind: 'dir' | 'sdist' | 'vcs';
  /** Absolute path of the directory or archive. */
  path: string;
  /** Its file:// URL (what direct_url.json records). */
  url: string;
  editable: boolean;
  /** Extras asked for, as written. */
  extras: string[];
  /** The name given in `name @ url`, if any. */
  name?: string;
  /** The environment marker, with its `;`, or "". */
  marker: string;
  /** What the user wrote. */
  text: string;
  /** The parsed VCS URL (kind vcs). */
  vcs?: VcsSpec;
  /** A pylock.toml's directory or VCS entry: exempt from hash-checking mode (PEP 751 gives them no hashes). */
  fromLock?: boolean;
  /** kind sdist: the project is this directory of the unpacked archive (a pylock.toml archive's `subdirectory`). */
  subdirectory?: string;
  /** kind sdist: a pylock.toml archive at a URL, not fetched yet (`path` is ""): downloaded, its hashes and size checked, before it is built (lock/pylock-install.ts). */
  fetch?: { hashes: Record<string, string>; size?: number; where: string };
  /** kind sdist: the `--hash` values of its requirements-file line (`algo:hex`): the archive must match one (pip checks the sdist, not the wheel built from it). */
  hashes?: string[];
  /** Its build's settings, as pip gives them: the command line's `-C` for a command-line requirement or `-e`, the `-C` after its line for a requirements-file line (none without one). */
  configSettings?: ConfigSettings;
}

/** The local source of a parsed `-e` value (command line or requirement file). */
export function editableSource(e: EditableRequirement): LocalSource {
  const marker = e.marker ? `; ${e.marker}` : '';
  if (e.vcs) return { kind: 'vcs', path: '', url: e.url, editable: true, extras: e.extras, marker, text: e.text, vcs: e.vcs, ...(e.name ? { name: e.name } : {}) };
  return { kind: 'dir', path: e.path!, url: e.url, editable: true, extras: e.extras, marker, text: e.text, ...(e.name ? { name: e.name } : {}) };
}

function vcsSource(url: string, text: string, extras: string[], marker: string, name?: string): LocalSource {
  const vcs = parseVcsUrl(url);
  const egg = vcs.egg?.replace(/\[.*$/, '');
  const given = name ?? egg;
  if (!given) throw new VenvkitError('BAD_REQUIREMENT', `${text}: cannot tell the project name`, { hint: `Name it: "NAME @ ${url}", or add #egg=NAME to the URL.` });
  return { kind: 'vcs', path: '', url, editable: false, extras, marker, text, vcs, name: given };
}

const SDIST = /\.(tar\.gz|tgz|tar\.bz2|tbz|tar\.xz|txz|tar|zip)$/i;
const NAMED_URL = /^\s*([A-Za-z0-9][A-Za-z0-9._-]*)\s*(?:\[([^\]]*)\])?\s*@\s*((?:file:|git\+)\S+)\s*(;.*)?$/;

function kindOf(path: string): 'dir' | 'file' | undefined {
  try {
    const st = statSync(path);
    return st.isDirectory() ? 'dir' : st.isFile() ? 'file' : undefined;
  } catch {
    return undefined;
  }
}

function splitExtras(s: string): { base: string; extras: string[] } {
  const m = /^(.*?)\[([^\]]*)\]$/.exec(s);
  if (!m) return { base: s, extras: [] };
  return { base: m[1]!, extras: m[2]!.split(',').map((e) => e.trim()).filter(Boolean) };
}

function make(path: string, editable: boolean, extras: string[], marker: string, text: string, name?: string): LocalSource {
  const kind = kindOf(path);
  if (editable && kind !== 'dir') {
    throw new VenvkitError('BAD_PATH', `${text} cannot be installed in editable mode: ${path} is ${kind === 'file' ? 'a file, not a directory' : 'not an existing directory'}`, {
      hint: 'Give -e the directory of a Python project (with pyproject.toml or setup.py).',
    });
  }
  if (kind === 'dir') return { kind: 'dir', path, url: pathToFileURL(path).href, editable, extras, marker, text, ...(name ? { name } : {}) };
  if (kind === 'file' && SDIST.test(path)) return { kind: 'sdist', path, url: pathToFileURL(path).href, editable: false, extras, marker, text, ...(name ? { name } : {}) };
  if (kind === 'file') throw new VenvkitError('BAD_REQUIREMENT', `${text}: ${path} is neither a wheel, an sdist archive nor a project directory`, { hint: 'Give a .whl, a .tar.gz/.zip sdist or a project directory.' });
  throw new VenvkitError('BAD_PATH', `${text}: no such file or directory: ${path}`, { hint: 'Check the path (a project directory, an sdist or a wheel).' });
}

function looksLikePath(s: string): boolean {
  return s.includes('/') || s.includes('\\') || s.startsWith('.') || s.startsWith('~');
}

/** The local source `text` names, or undefined when it is an ordinary requirement (or a wheel). */
export function localSource(text: string, cwd: string, editable = false): LocalSource | undefined {
  const named = NAMED_URL.exec(text);
  if (named) {
    const [, name, extras, url, marker] = named;
    const bare = url!.split('#', 1)[0]!;
    if (/\.whl$/i.test(bare)) return undefined;
    const extrasList = (extras ?? '').split(',').map((e) => e.trim()).filter(Boolean);
    if (isVcsUrl(url!)) {
      if (editable) throw new VenvkitError('BAD_REQUIREMENT', `-e ${text}: use the -e VCS form`, { hint: 'Write -e git+URL#egg=NAME.' });
      return vcsSource(url!, text, extrasList, marker ?? '', name);
    }
    return make(fileURLToPath(bare), editable, extrasList, marker ?? '', text, name);
  }
  if (/^\s*[A-Za-z0-9][A-Za-z0-9._-]*\s*(\[[^\]]*\])?\s*@/.test(text)) {
    if (editable) throw new VenvkitError('BAD_REQUIREMENT', `-e ${text}: only local directories can be installed in editable mode here`, { hint: 'Give -e a project directory.' });
    return undefined;
  }
  let body = text.trim();
  let marker = '';
  const semi = body.search(/\s;|;\s/);
  if (semi >= 0) {
    marker = body.slice(body.indexOf(';', semi)).trim();
    body = body.slice(0, semi).trim();
  }
  if (isVcsUrl(body)) {
    if (editable) throw new VenvkitError('BAD_REQUIREMENT', `-e ${text}: use the -e VCS form`, { hint: 'Write -e git+URL#egg=NAME.' });
    return vcsSource(body, text, [], marker);
  }
  if (/^file:/i.test(body)) {
    const { base, extras } = splitExtras(body);
    const bare = base.split('#', 1)[0]!;
    if (/\.whl$/i.test(bare)) return undefined;
    return make(fileURLToPath(bare), editable, extras, marker, text);
  }
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(body)) {
    if (editable) throw new VenvkitError('BAD_REQUIREMENT', `-e ${text}: only local directories can be installed in editable mode here`, { hint: 'Give -e a project directory.' });
    return undefined;
  }
  const { base, extras } = splitExtras(body);
  if (/\.whl$/i.test(base)) return undefined;
  const home = process.env.HOME ?? '';
  const path = resolve(cwd, base.startsWith('~/') && home ? home + base.slice(1) : base);
  if (editable) return make(path, true, extras, marker, text);
  // As pip: a path-looking string, or an existing directory or archive file, is local source.
  const kind = kindOf(path);
  if (kind === 'dir' && (looksLikePath(base) || /^[A-Za-z0-9._-]+$/.test(base))) {
    // A bare word naming a directory is a project name unless it holds a project (pip's rule).
    if (!looksLikePath(base) && kindOf(resolve(path, 'pyproject.toml')) !== 'file' && kindOf(resolve(path, 'setup.py')) !== 'file') return undefined;
    return make(path, false, extras, marker, text);
  }
  if (kind === 'file' && SDIST.test(base)) return make(path, false, extras, marker, text);
  if (looksLikePath(base) || SDIST.test(base)) return make(path, false, extras, marker, text);
  return undefined;
}
