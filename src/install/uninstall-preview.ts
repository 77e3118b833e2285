// What `uninstall` would remove, listed as pip's confirmation prompt lists it ("Would remove:"),
// for the question asked before an uninstall without -y. pip's compress_for_output_listing: a
// directory holding a package's __init__.py or a .dist-info is shown as DIR/*, files inside those
// that the RECORD does not name are "Would not remove (might be manually added)", bytecode is not
// shown, and a path under another one shown is left out.
import { existsSync, lstatSync, readdirSync } from 'node:fs';
import { dirname, join, sep } from 'node:path';
import type { Venv } from '../venv/types.js';
import { findInstalled, recordedFiles } from '../installed/dist-info.js';

export interface UninstallPreview {
  name: string;
  version: string;
  /** Files and DIR/* entries, sorted, as pip shows them. */
  wouldRemove: string[];
  /** Files in those directories that the RECORD does not list (they stay). */
  wouldNotRemove: string[];
}

/** pip's compact(): drop every path that lies under another one in the set (DIR/* covers DIR). */
function compact(paths: Iterable<string>): Set<string> {
  const short = new Set<string>();
  for (const path of [...paths].sort((a, b) => a.length - b.length)) {
    const covered = [...short].some((s) => {
      const prefix = s.replace(/\*+$/, '');
      const base = prefix.replace(new RegExp(`\\${sep}+$`), '');
      return path.startsWith(prefix) && path[base.length] === sep;
    });
    if (!covered) short.add(path);
  }
  return short;
}

function walkFiles(dir: string, out: string[]): void {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return;
  }
  for (const n of names) {
    const p = join(dir, n);
    const st = lstatSync(p, { throwIfNoEntry: false });
    if (st?.isDirectory()) walkFiles(p, out);
    else if (st?.isFile()) out.push(p);
  }
}

/** The installed distributions called `name` and what uninstalling each would remove (nothing is changed). */
export function previewUninstall(venv: Venv, name: string): UninstallPreview[] {
  return findInstalled(venv.paths, name).map((d) => {
    const recorded = recordedFiles(d, venv.root).files.filter((f) => f !== d.distInfoDir);
    const distInfo: string[] = [];
    walkFiles(d.distInfoDir, distInfo);
    const paths = [...recorded, ...distInfo].filter((p) => existsSync(p));
    const files = new Set<string>();
    const folders = new Set<string>();
    for (const p of paths) {
      if (p.endsWith('.pyc')) continue;
      if (p.endsWith('__init__.py') || p.includes('.dist-info')) folders.add(dirname(p));
      files.add(p);
    }
    const skipped: string[] = [];
    for (const folder of compact(folders)) {
      const inside: string[] = [];
      walkFiles(folder, inside);
      for (const f of inside) if (!f.endsWith('.pyc') && !files.has(f)) skipped.push(f);
    }
    const remove = [...files, ...[...compact(folders)].map((f) => join(f, '*'))];
    return { name: d.name, version: d.version, wouldRemove: [...compact(remove)].sort(), wouldNotRemove: [...compact(skipped)].sort() };
  });
}
