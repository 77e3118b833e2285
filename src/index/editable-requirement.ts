// `-e` / `--editable` values, as pip 26 reads them (its parse_editable): a local project directory
// (a path, or a file:// URL) with optional [extras], a VCS URL naming its project with #egg=, or
// `name[extras] @ URL ; marker`. Used for requirement files and the command line alike.
import { statSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { VenvkitError } from '../errors.js';
import { parseRequirement } from '../pep/pep508.js';
import { isVcsUrl, parseVcsUrl, type VcsSpec } from '../build/vcs.js';

export interface EditableRequirement {
  /** As written after -e. */
  text: string;
  /** The project: file:// URL of its directory, or the VCS URL (git+...). */
  url: string;
  /** The project directory, for a local project. */
  path?: string;
  /** Requested extras, as written. */
  extras: string[];
  /** The project name when given (#egg=, or `name @ URL`); a local project's comes from its metadata. */
  name?: string;
  /** The marker of a `name @ URL ; marker` form. */
  marker?: string;
  /** The parsed VCS URL, for a VCS editable. */
  vcs?: VcsSpec;
}

const isDir = (p: string) => {
  try {
    return statSync(p).isDirectory();
  } catch {
    return false;
  }
};

function notEditable(text: string, why: string, hint: string): VenvkitError {
  return new VenvkitError('BAD_REQUIREMENT', `-e ${text}: ${why}`, { hint });
}

/** Parse an editable requirement; relative paths are taken from `cwd` (pip: the current directory, also in requirement files). */
export function parseEditable(text: string, cwd: string = process.cwd()): EditableRequirement {
  const value = text.trim();
  // `name[extras] @ URL ; marker`
  if (/^[A-Za-z0-9][A-Za-z0-9._-]*\s*(\[[^\]]*\])?\s*@/.test(value)) {
    const req = parseRequirement(value);
    if (req.url) {
      const base = fromUrl(value, req.url);
      return { ...base, extras: req.extras, name: req.name, ...(req.marker ? { marker: value.slice(value.indexOf(';') + 1).trim() } : {}) };
    }
  }
  // pip syntax: path[extras], file:// URL[extras], or a VCS URL with #egg=
  const m = /^(.+)(\[[^\]]+\])$/.exec(value);
  const noExtras = m ? m[1]! : value;
  const extras = m ? m[2]!.slice(1, -1).split(',').map((e) => e.trim()).filter(Boolean) : [];
  if (/^file:/i.test(noExtras) || !/^[a-z][a-z0-9+.-]*:/i.test(noExtras) || /^[A-Za-z]:[\\/]/.test(noExtras)) {
    if (!/^file:/i.test(noExtras)) {
      const path = isAbsolute(noExtras) ? noExtras : resolve(cwd, noExtras);
      if (!isDir(path)) {
        throw notEditable(text, `${path} is not a directory`, 'An editable install needs a project directory (holding pyproject.toml or setup.py), or a VCS URL such as git+https://host/repo.git#egg=name.');
      }
      return { text: value, url: pathToFileURL(path).href, path, extras };
    }
    return { ...fromUrl(value, noExtras), extras };
  }
  const url = /^(git|hg|svn|bzr):/i.test(value) ? `${value.split(':')[0]}+${value}` : value;
  const base = fromUrl(value, url);
  if (!base.name) {
    throw notEditable(text, 'cannot tell the project name', `Name it: -e "NAME @ ${url}", or add #egg=NAME to the URL.`);
  }
  return { ...base, extras: [] };
}

function fromUrl(text: string, url: string): Omit<EditableRequirement, 'extras'> {
  if (/^file:/i.test(url)) {
    const hash = url.indexOf('#');
    const bare = hash === -1 ? url : url.slice(0, hash);
    let path: string;
    try {
      path = fileURLToPath(bare);
    } catch (e) {
      throw notEditable(text, `${bare} is not a usable file URL (${(e as Error).message})`, 'Write file:///absolute/path/to/project.');
    }
    if (!isDir(path)) throw notEditable(text, `${path} is not a directory`, 'An editable install needs a project directory (holding pyproject.toml or setup.py).');
    const egg = /[#&]egg=([^&]*)/.exec(url)?.[1];
    return { text, url: pathToFileURL(path).href, path, ...(egg ? { name: egg.replace(/\[.*$/, '') } : {}) };
  }
  if (!isVcsUrl(url)) {
    throw notEditable(text, 'is not a valid editable requirement', 'It should be a path to a local project or a VCS URL (git+https://, git+ssh://, git+file://...).');
  }
  const vcs = parseVcsUrl(url);
  return { text, url, vcs, ...(vcs.egg ? { name: vcs.egg.replace(/\[.*$/, '') } : {}) };
}
