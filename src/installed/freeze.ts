// pip freeze: one requirement line per installed distribution, `name==version`, or `name @ url`
// for what PEP 610 says came from a URL or local file, so the output installs the same set again.
// With requirement files, as pip 26.2: their lines first in their order (comments and the index
// options kept once each, each requirement replaced by what is installed), then what they do not
// name under pip's "## The following requirements were added by pip freeze:".
import { readFileSync } from 'node:fs';
import { resolve as resolvePath } from 'node:path';
import { canonicalizeName } from '../pep/names.js';
import { normalizeVersion, tryParseVersion } from '../pep/pep440.js';
import { VenvkitError } from '../errors.js';
import { type DistInfo, type DirectUrl } from './dists.js';
import { editableFreezeLines, editableLocation } from './editable-info.js';
import { nameOfEditable, nameOfLine, withoutComment } from './freeze-requirements.js';
import { filterDists, visibleDists } from './select.js';
import type { Venv } from '../venv/types.js';

export interface FreezeOptions {
  /** Also list pip, setuptools, wheel and distribute (pip's --all). */
  all?: boolean;
  /** Project names to leave out (compared normalised; a requirement file naming one still shows it, as pip). */
  exclude?: readonly string[];
  /** Leave editable installs out. */
  excludeEditable?: boolean;
  /** Requirement files whose order and comments the output follows (pip's freeze -r), read relative to `cwd`. */
  requirementFiles?: readonly string[];
  /** Only the env's own distributions, also where it sees the system site-packages. */
  local?: boolean;
  /** Only the user site's distributions (none where the env's interpreter sees no user site). */
  user?: boolean;
  /** Distributions in these directories instead of the env's (relative ones from `cwd`). */
  paths?: readonly string[];
  /** Where relative paths in requirement files and `requirementFiles` are taken from (default: the current directory). */
  cwd?: string;
  /** pip's warnings: a requirement file names what is not installed, or names a project twice. */
  onWarning?(message: string): void;
}

/** One piece of freeze's output, in order: a line of it, a note pip prints among them, or a warning. */
export type FreezeEntry = { line: string } | { note: string } | { warning: string };

/** pip's name==version: the version normalised, or `===raw` when it is not PEP 440. */
function nameVersion(d: DistInfo): string {
  return tryParseVersion(d.version) ? `${d.name}==${normalizeVersion(d.version)}` : `${d.name}===${d.version}`;
}

/** The PEP 440 direct reference pip writes for a direct URL install. */
export function directReference(name: string, d: DirectUrl): string {
  let out = `${name} @ `;
  const fragments: string[] = [];
  if (d.vcs_info) out += `${d.vcs_info.vcs}+${d.url}@${d.vcs_info.commit_id}`;
  else {
    out += d.url;
    if (d.archive_info?.hash) fragments.push(d.archive_info.hash);
  }
  if (d.subdirectory) fragments.push(`subdirectory=${d.subdirectory}`);
  return fragments.length ? `${out}#${fragments.join('&')}` : out;
}

/**
 * freeze's entry for one distribution. An editable gives pip 26's lines joined by newlines: its
 * `-e` line (a git requirement when the project is in a git checkout with a remote, else its
 * path), after a comment line saying why when it is a path.
 */
export function freezeLine(d: DistInfo): string {
  const editable = editableLocation(d);
  if (editable !== undefined) return editableFreezeLines(d.name, tryParseVersion(d.version) ? normalizeVersion(d.version) : d.version, editable).join('\n');
  if (d.directUrl) return directReference(d.name, d.directUrl);
  return nameVersion(d);
}

/** Names pip freeze leaves out unless --all: pip always, the build tools below Python 3.12 (as pip does). */
function skipped(pyVersion: [number, number] | undefined): Set<string> {
  const s = new Set(['pip']);
  if (!pyVersion || pyVersion[0] < 3 || (pyVersion[0] === 3 && pyVersion[1] < 12)) for (const n of ['setuptools', 'distribute', 'wheel']) s.add(n);
  return s;
}

/** freeze's lines for an env (sorted like pip: by lower-cased name); warnings go to `onWarning`. */
export function freeze(venv: Venv, options: FreezeOptions = {}): string[] {
  const lines: string[] = [];
  for (const e of freezeEntries(venv, options)) {
    if ('line' in e) lines.push(e.line);
    else if ('warning' in e) options.onWarning?.(e.warning);
  }
  return lines;
}

// Lines of a requirements file pip's freeze copies (once each) instead of reading a requirement from.
const COPIED = ['-r', '--requirement', '-f', '--find-links', '-i', '--index-url', '--pre', '--trusted-host', '--process-dependency-links', '--extra-index-url', '--use-feature'];

/**
 * freeze's output in pip's order, produced as it goes (a requirement file line pip cannot read
 * throws BAD_REQUIREMENT after the entries before it).
 */
export function* freezeEntries(venv: Venv, options: FreezeOptions = {}): Generator<FreezeEntry> {
  const cwd = options.cwd ?? process.cwd();
  // pip skips these only among the distributions no requirement file names.
  const skip = new Set(['python', 'wsgiref', 'argparse', ...(options.exclude ?? []).map(canonicalizeName)]);
  if (!options.all) for (const n of skipped(venv.base ? [venv.base.version[0], venv.base.version[1]] : undefined)) skip.add(n);
  const dists = filterDists(visibleDists(venv, { paths: options.paths?.map((p) => resolvePath(cwd, p)), user: options.user, local: options.local }), { withoutEditables: !!options.excludeEditable });
  const installed = new Map<string, DistInfo>();
  for (const d of dists) if (!installed.has(d.normalizedName)) installed.set(d.normalizedName, d);
  if (options.requirementFiles?.length) {
    const emitted = new Set<string>();
    // The files each name (as written) was found in, for pip's "included multiple times".
    const files = new Map<string, string[]>();
    for (const file of options.requirementFiles) {
      let text: string;
      try {
        text = readFileSync(resolvePath(cwd, file), 'utf8');
      } catch (e) {
        const missing = (e as NodeJS.ErrnoException).code === 'ENOENT';
        throw new VenvkitError(missing ? 'NOT_FOUND' : 'BAD_PATH', `cannot read the requirements file ${file}: ${(e as Error).message}`, { cause: e, hint: 'Give the path of a readable requirements file.' });
      }
      const lines = text.split(/\r\n|\r|\n/);
      if (lines[lines.length - 1] === '') lines.pop();
      for (let i = 0; i < lines.length; i++) {
        const raw = lines[i]!;
        const where = `${file} line ${i + 1}`;
        if (raw.trim() === '' || raw.trim().startsWith('#') || COPIED.some((p) => raw.startsWith(p))) {
          const line = raw.trimEnd();
          if (!emitted.has(line)) {
            emitted.add(line);
            yield { line };
          }
          continue;
        }
        // (pip's messages show the line after `-e` is taken off, the comment taken off or not as pip does.)
        const editable = raw.startsWith('-e') || raw.startsWith('--editable');
        const line = !editable ? raw : raw.startsWith('-e') ? raw.slice(2).trim() : raw.slice('--editable'.length).trim().replace(/^=+/, '');
        const got = editable ? nameOfEditable(line, cwd, where) : nameOfLine(withoutComment(line).trim(), cwd, where);
        if (got.warning) yield { warning: got.warning };
        if (got.name === undefined) {
          yield { note: `Skipping line in requirement file [${file}] because it's not clear what it would install: ${line.trim()}` };
          yield { note: '  (add #egg=PackageName to the URL to avoid this warning)' };
          continue;
        }
        const key = canonicalizeName(got.name);
        const seen = files.get(got.name) ?? [];
        files.set(got.name, seen);
        const d = installed.get(key);
        if (d) {
          yield* freezeLine(d).split('\n').map((line) => ({ line }));
          installed.delete(key);
          seen.push(file);
        } else if (seen.length) seen.push(file);
        else yield { warning: `Requirement file [${file}] contains ${withoutComment(line).trim()}, but package ${pyRepr(got.name)} is not installed` };
      }
    }
    for (const [name, where] of files) {
      if (where.length > 1) yield { warning: `Requirement ${name} included multiple times [${[...new Set(where)].sort().join(', ')}]` };
    }
    yield { line: '## The following requirements were added by pip freeze:' };
  }
  const rest = [...installed.values()].filter((d) => !skip.has(d.normalizedName))
    .sort((a, b) => (a.name.toLowerCase() < b.name.toLowerCase() ? -1 : a.name.toLowerCase() > b.name.toLowerCase() ? 1 : 0));
  for (const d of rest) yield* freezeLine(d).split('\n').map((line) => ({ line }));
}

/** Python's repr of a project name (pip quotes names so in its warnings). */
function pyRepr(s: string): string {
  return s.includes("'") && !s.includes('"') ? `"${s}"` : `'${s.replace(/'/g, "\\'")}'`;
}
