// Environments inside a workspace: any directory holding pyvenv.cfg (or conda-meta) down to a
// bounded depth. node_modules, .git and the like are never entered; directories the workspace's
// top-level .gitignore ignores are not entered either, but one that is itself an environment is
// still found (.venv is usually ignored). Links are checked, never followed into.
import { type Dirent, existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { gitignoreMatcher } from './gitignore.js';
import type { Located, LocatorContext } from './types.js';

const NEVER = new Set(['node_modules', '.git', '.hg', '.svn', '__pycache__', '.mypy_cache', '.pytest_cache', '.ruff_cache', 'site-packages']);

function list(dir: string): Dirent[] | undefined {
  try {
    return readdirSync(dir, { withFileTypes: true });
  } catch {
    return undefined;
  }
}

const isEnvListing = (entries: Dirent[]) => entries.some((e) => (e.name === 'pyvenv.cfg' && !e.isDirectory()) || (e.name === 'conda-meta' && e.isDirectory()));
const isEnvDir = (dir: string) => existsSync(join(dir, 'pyvenv.cfg')) || existsSync(join(dir, 'conda-meta'));

export function locateWorkspace(c: LocatorContext): Located {
  const root = c.workspace;
  if (!root) return { dirs: [], watch: [] };
  const ignored = gitignoreMatcher(root);
  const dirs: string[] = [];
  const watch: string[] = [];
  const rootEntries = list(root);
  if (!rootEntries) return { dirs, watch };
  if (isEnvListing(rootEntries)) return { dirs: [root], watch: [root] };
  let level: { dir: string; rel: string; entries: Dirent[] }[] = [{ dir: root, rel: '', entries: rootEntries }];
  for (let depth = 1; depth <= c.depth && level.length; depth++) {
    if (c.signal?.aborted) break;
    const next: typeof level = [];
    for (const { dir, rel, entries } of level) {
      watch.push(dir);
      for (const e of entries) {
        if (NEVER.has(e.name)) continue;
        const link = e.isSymbolicLink();
        if (!e.isDirectory() && !link) continue;
        const path = join(dir, e.name);
        const childRel = rel ? `${rel}/${e.name}` : e.name;
        if (link || depth === c.depth || ignored(childRel)) {
          if (isEnvDir(path)) dirs.push(path);
          continue;
        }
        const childEntries = list(path);
        if (!childEntries) continue;
        if (isEnvListing(childEntries)) dirs.push(path);
        else next.push({ dir: path, rel: childRel, entries: childEntries });
      }
    }
    level = next;
  }
  return { dirs, watch };
}
