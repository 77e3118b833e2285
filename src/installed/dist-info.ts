// Reading what an environment has installed: .dist-info directories and their RECORDs.
import { opendirSync, readdirSync, readFileSync } from 'node:fs';
import { basename, dirname, extname, isAbsolute, join, relative, resolve } from 'node:path';
import { canonicalizeName } from '../pep/names.js';
import type { VenvPaths } from '../venv/types.js';
import { parseHeaderFields, parseRecord } from '../install/wheel-meta.js';

export interface InstalledDist {
  name: string;
  version: string;
  normalizedName: string;
  /** Absolute path of the .dist-info directory. */
  distInfoDir: string;
}

/** The lib dirs of an env (purelib, platlib when different). */
export function libDirs(paths: VenvPaths): string[] {
  return paths.platlib === paths.purelib ? [paths.purelib] : [paths.purelib, paths.platlib];
}

/**
 * A directory's entry names in the order the OS lists them, as Python's os.listdir returns them.
 * (readdirSync sorts them: libuv's scandir does.)
 */
export function readdirUnsorted(dir: string): string[] {
  const d = opendirSync(dir);
  const names: string[] = [];
  try {
    for (let e = d.readSync(); e !== null; e = d.readSync()) names.push(e.name);
  } finally {
    d.closeSync();
  }
  return names;
}

/**
 * Every `*.dist-info` directory in the env's lib dirs, with the name and version its own name gives;
 * `unsorted`: in each lib dir's listing order (what pip sees), else by name.
 */
export function distInfoDirs(paths: VenvPaths, options: { unsorted?: boolean } = {}): { dir: string; lib: string; name: string; version: string }[] {
  const out: { dir: string; lib: string; name: string; version: string }[] = [];
  for (const lib of libDirs(paths)) {
    let names: string[];
    try {
      names = options.unsorted ? readdirUnsorted(lib) : readdirSync(lib);
    } catch {
      continue;
    }
    for (const n of names) {
      if (!n.endsWith('.dist-info')) continue;
      const stem = n.slice(0, -'.dist-info'.length);
      const dash = stem.lastIndexOf('-');
      out.push({ dir: join(lib, n), lib, name: dash > 0 ? stem.slice(0, dash) : stem, version: dash > 0 ? stem.slice(dash + 1) : '' });
    }
  }
  return out;
}

/** Every .dist-info in the env's lib dirs, with Name/Version from METADATA (dir name as fallback). */
export function listInstalled(paths: VenvPaths): InstalledDist[] {
  return distInfoDirs(paths).map(({ dir, name, version }) => {
    try {
      const meta = parseHeaderFields(readFileSync(join(dir, 'METADATA'), 'utf8'));
      name = meta.get('name')?.[0] ?? name;
      version = meta.get('version')?.[0] ?? version;
    } catch {
      /* keep the directory's name */
    }
    return { name, version, normalizedName: canonicalizeName(name), distInfoDir: dir };
  });
}

export function findInstalled(paths: VenvPaths, name: string): InstalledDist[] {
  const want = canonicalizeName(name);
  return listInstalled(paths).filter((d) => d.normalizedName === want);
}

/**
 * The absolute paths a distribution's RECORD lists (inside `root` only: anything pointing elsewhere
 * is left alone), with the __pycache__ files of its .py modules, and its .dist-info directory last.
 * Throws when there is no RECORD.
 */
export function recordedFiles(dist: InstalledDist, root: string): { files: string[]; outside: string[] } {
  const text = readFileSync(join(dist.distInfoDir, 'RECORD'), 'utf8');
  const base = dirname(dist.distInfoDir);
  const files = new Set<string>();
  const outside: string[] = [];
  const pycDirs = new Map<string, string[]>();
  for (const row of parseRecord(text)) {
    const abs = isAbsolute(row.path) ? resolve(row.path) : resolve(base, row.path);
    const rel = relative(root, abs);
    if (rel === '' || rel.startsWith('..') || isAbsolute(rel)) {
      outside.push(abs);
      continue;
    }
    if (abs.startsWith(dist.distInfoDir + '/')) continue;
    files.add(abs);
    if (extname(abs) === '.py') {
      const cache = join(dirname(abs), '__pycache__');
      let list = pycDirs.get(cache);
      if (!list) {
        try {
          list = readdirSync(cache);
        } catch {
          list = [];
        }
        pycDirs.set(cache, list);
      }
      const stem = basename(abs, '.py') + '.';
      for (const f of list) if (f.startsWith(stem) && /^[^.]+(\.opt-\d+)?\.pyc$/.test(f.slice(stem.length))) files.add(join(cache, f));
    }
  }
  return { files: [...files, dist.distInfoDir], outside };
}
