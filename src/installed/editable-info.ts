// What pip 26's freeze and list say about an editable install: its project location (PEP 610
// direct_url.json with dir_info.editable), and freeze's lines for it. A project in a git checkout
// freezes as `-e git+<remote>@<commit>#egg=<name>[&subdirectory=...]`; otherwise as `-e <path>`
// under a comment saying why (no version control, no remote, a remote pip cannot use), exactly as
// pip writes them. git runs only for editables, and a missing git means "no version control".
import { spawnSync } from 'node:child_process';
import { existsSync, realpathSync } from 'node:fs';
import { dirname, isAbsolute, join, relative, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { DistInfo } from './dists.js';

/** The project directory of an editable install, or undefined (pip's editable_project_location). */
export function editableLocation(d: Pick<DistInfo, 'directUrl'>): string | undefined {
  const du = d.directUrl;
  if (!du?.dir_info?.editable || !/^file:/i.test(du.url)) return undefined;
  try {
    return fileURLToPath(du.url);
  } catch {
    return undefined; // a non-local file URL: pip cannot use it either
  }
}

/** freeze's lines for an editable at `location` (comment lines first, then the `-e` line). */
export function editableFreezeLines(name: string, version: string, location: string, env: NodeJS.ProcessEnv = process.env): string[] {
  const loc = resolve(location);
  const display = `${name}==${version}`;
  const git = (args: string[]) => {
    const r = spawnSync('git', args, { cwd: loc, env: { ...env, GIT_TERMINAL_PROMPT: '0' }, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
    return r.error ? undefined : { code: r.status, out: r.stdout };
  };
  const root = existsSync(join(loc, '.git')) ? loc : gitTopLevel(git);
  if (!root) return [`# Editable install with no version control (${display})`, `-e ${loc}`];
  const remotes = git(['config', '--get-regexp', 'remote\\..*\\.url']);
  if (!remotes) return [`-e ${loc}`]; // git vanished between calls: pip's BadCommand case
  const lines = remotes.out.split('\n').filter((l) => l !== '');
  if (lines.length === 0) return [`# Editable Git install with no remote (${display})`, `-e ${loc}`];
  const found = lines.find((l) => l.startsWith('remote.origin.url ')) ?? lines[0]!;
  const rawUrl = (found.split(' ')[1] ?? '').trim();
  const url = remoteToPipUrl(rawUrl);
  if (url === undefined) {
    return [`# Editable Git install (${display}) with either a deleted local remote or invalid URI:`, `# '${rawUrl}'`, `-e ${loc}`];
  }
  const head = git(['rev-parse', 'HEAD']);
  const gitDir = git(['rev-parse', '--git-dir']);
  if (!head || head.code !== 0 || !gitDir || gitDir.code !== 0) return ['## !! Could not determine repository location', `-e ${loc}`];
  const repoUrl = url.toLowerCase().startsWith('git:') ? url : `git+${url}`;
  const rev = encodeURIComponent(head.out.trim()).replace(/%2F/gi, '/');
  let req = `${repoUrl}@${rev}#egg=${name.replace(/-/g, '_')}`;
  const g = gitDir.out.trim();
  const subdir = projectSubdirectory(loc, resolve(isAbsolute(g) ? g : join(loc, g), '..'));
  if (subdir) req += `&subdirectory=${subdir}`;
  return [`-e ${req}`];
}

function gitTopLevel(git: (args: string[]) => { code: number | null; out: string } | undefined): string | undefined {
  const r = git(['rev-parse', '--show-toplevel']);
  if (!r || r.code !== 0) return undefined;
  return r.out.replace(/[\r\n]+$/, '') || undefined;
}

/** pip's _git_remote_to_pip_url: a URL as is, an existing path as file://, scp-like as ssh://; else undefined. */
function remoteToPipUrl(url: string): string | undefined {
  if (/^\w+:\/\//.test(url)) return url;
  if (url && existsSync(url)) return pathToFileURL(resolve(url)).href.replace(/\/$/, '');
  const scp = /^(\w+@)?([^/:]+):(\w[^:]*)$/.exec(url);
  if (scp) return `ssh://${scp[1] ?? ''}${scp[2]}/${scp[3]}`;
  return undefined;
}

/** The project root (nearest directory upwards holding pyproject.toml or setup.py) relative to the repository root; undefined when they are the same. */
function projectSubdirectory(location: string, repoRoot: string): string | undefined {
  let dir = location;
  while (!existsSync(join(dir, 'pyproject.toml')) && !existsSync(join(dir, 'setup.py'))) {
    const up = dirname(dir);
    if (up === dir) return undefined;
    dir = up;
  }
  if (same(dir, repoRoot)) return undefined;
  return relative(repoRoot, dir);
}

function same(a: string, b: string): boolean {
  try {
    return realpathSync(a) === realpathSync(b);
  } catch {
    return resolve(a) === resolve(b);
  }
}
