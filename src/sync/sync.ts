// sync: make an environment match a lock file exactly (pylock.toml, or a requirements.txt of
// pinned lines, hashed or not, and direct references: lock/requirements-read.ts). Nothing is resolved: the lock's packages for this env are installed,
// other versions replaced, distributions the lock does not list removed (pip and setuptools stay
// unless `exact`), every file's hash checked, all in one transaction. When the env already matches,
// only the lock and the installed metadata are read (apply.ts is not even loaded).
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { ConfigSettings } from '../build/hooks.js';
import { distInfoDirs, libDirs } from '../installed/dist-info.js';
import { canonicalizeName } from '../pep/names.js';
import { VenvkitError } from '../errors.js';
import type { IndexFlags } from '../index/pip-config.js';
import { throwIfInterrupted } from '../install/apply.js';
import type { Recovered } from '../install/journal.js';
import type { LinkMode } from '../install/link.js';
import { repairEnv } from '../install/recover.js';
import { readDists } from '../installed/dists.js';
import type { WorkersOption } from '../plan-apply/worker-file.js';
import type { ProgressListener } from '../progress.js';
import { openVenv } from '../venv/open.js';
import type { Venv } from '../venv/types.js';
import { planSync, type Have, type SyncPlan } from './plan.js';
import { readLockTargets, type LockTarget } from './read-lock.js';

export interface SyncOptions {
  /** The environment (a Venv, or its directory). */
  venv: Venv | string;
  /** The lock file: pylock.toml / pylock.NAME.toml, or a requirements .txt. */
  lock: string;
  /** Also remove pip and setuptools when the lock does not list them. */
  exact?: boolean;
  /** pylock.toml: extras and dependency groups to install (default: none, and the lock's default-groups). */
  extras?: string[];
  groups?: string[];
  /** Say what would change, change nothing. */
  dryRun?: boolean;
  /** Index flags over pip's configuration: where a requirements file's pins are found, TLS/proxy settings, and its hash-checking mode (`requireHashes`, `noRequireHashes`: lock/requirements-read.ts). */
  index?: IndexFlags;
  noCache?: boolean;
  linkMode?: LinkMode;
  compile?: boolean;
  /** How many downloads run at once (default 8). */
  parallel?: number;
  /** false: build sdists with the target env as it is (--no-build-isolation). */
  buildIsolation?: boolean;
  configSettings?: ConfigSettings;
  /** Constraint files a requirements file's pins must satisfy (a pin one excludes is BAD_LOCK; the file's `-c` lines and pip's configuration's count too). */
  constraints?: string[];
  /** Where a requirements file's editable checkouts (`-e git+URL@COMMIT#egg=name`) go: `<srcDir>/<name>` (default `<env>/src`, as pip's --src). */
  srcDir?: string;
  verbose?: boolean;
  workers?: WorkersOption;
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /** Progress as every long call reports it (progress.ts): waiting for the env's lock, builds, downloads with their bytes (file:// too), unpacking, installing. */
  onProgress?: ProgressListener;
  onWarning?: (message: string) => void;
  /** Cancels the sync: before its commit the env is left unchanged (INTERRUPTED). */
  signal?: AbortSignal;
}

export interface SyncedPackage {
  name: string;
  version: string;
  /** The version it replaced. */
  previous?: string;
  url: string;
  /** A wheel installed as it is, an sdist built first, or a directory / VCS checkout built (pylock.toml). */
  kind: 'wheel' | 'sdist' | 'directory' | 'vcs';
}

export interface SyncReport {
  env: string;
  /** The lock file (absolute). */
  lock: string;
  dryRun: boolean;
  /** True when the env already matched the lock: nothing was read from an index. */
  alreadySynced: boolean;
  /** What was (with dryRun: would be) installed; `url` is empty in a dry run of a requirements file. */
  installed: SyncedPackage[];
  /** What was removed (not in the lock; replaced versions are in `installed[].previous`). */
  removed: { name: string; version: string }[];
  /** How many locked packages were already installed at the locked version. */
  kept: number;
  linkMode?: LinkMode;
  /** After a sync that changed the env: what pip check would say of it (a lock that leaves out a dependency of its packages), as a warning too. */
  dependencyProblems?: string[];
  recovered?: Recovered[];
  workerUnpacks: number;
  timings: { fetchMs: number; installMs: number; totalMs: number };
}

/** The direct_url.json of a distribution installed from a URL (rare: read only when there is one). */
function directUrlIn(dir: string): Have['directUrl'] | undefined {
  const file = join(dir, 'direct_url.json');
  if (!existsSync(file)) return undefined;
  try {
    const du = JSON.parse(readFileSync(file, 'utf8')) as Have['directUrl'];
    return du && typeof du.url === 'string' ? du : { url: '' };
  } catch {
    return { url: '' }; // unreadable: matches no lock entry, so it is replaced
  }
}

// The last answer of namesOnly for each env, with its lib dirs' identity (inode, mtime, ctime): an
// install or uninstall adds or removes a .dist-info directory, which changes the lib dir's mtime.
// Kept only when that mtime is over a second old, so a change in the same clock tick as the read
// cannot go unseen. A host that syncs again (an editor) then reads one stat per lib dir.
const namesMemo = new Map<string, { id: string; have: Have[] }>();

function libIdentity(venv: Venv): string | undefined {
  const parts: string[] = [];
  const now = BigInt(Date.now()) * 1_000_000n;
  for (const lib of libDirs(venv.paths)) {
    try {
      const st = statSync(lib, { bigint: true });
      if (now - st.mtimeNs < 1_000_000_000n) return undefined;
      parts.push(`${st.dev}:${st.ino}:${st.mtimeNs}:${st.ctimeNs}`);
    } catch {
      parts.push('-');
    }
  }
  return parts.join('|');
}

/** What is installed as the .dist-info directory names say (`name-version.dist-info`), and where it came from when not an index. */
function namesOnly(venv: Venv): Have[] {
  const id = libIdentity(venv);
  const hit = namesMemo.get(venv.root);
  if (id !== undefined && hit?.id === id) return hit.have;
  const have = distInfoDirs(venv.paths).map((d) => {
    const directUrl = directUrlIn(d.dir);
    return { name: d.name, normalizedName: canonicalizeName(d.name), version: d.version, distInfoDir: d.dir, ...(directUrl ? { directUrl } : {}) };
  });
  if (id !== undefined) namesMemo.set(venv.root, { id, have });
  else namesMemo.delete(venv.root);
  return have;
}

/** A directory or VCS entry's kind, for the report (an archive is reported as the wheel or sdist it is). */
export const directKind = (t: LockTarget): 'directory' | 'vcs' | undefined => (t.direct && !t.direct.archiveHashes ? (t.direct.commitId ? 'vcs' : 'directory') : undefined);

/** Where editable checkouts go (pip's --src, default `<env>/src`). */
export const srcDirOf = (venv: Venv, options: SyncOptions): string => resolve(options.cwd ?? process.cwd(), options.srcDir ?? join(venv.root, 'src'));

/**
 * A dry run: a directory line without a name (`./pkg`, `-e file:///dir`) not installed yet, named
 * from its pyproject.toml's [project] name (PEP 621 never lets a name be dynamic), so that it
 * replaces an installed project of that name as the real sync, which learns the name from its
 * build, does. A directory without that table (setup.py only) stays unnamed: nothing is built in
 * a dry run.
 */
async function namedStatically(targets: LockTarget[]): Promise<LockTarget[]> {
  if (!targets.some((t) => !t.key && t.direct?.sourceDir)) return targets;
  const { parseToml } = await import('../project/pyproject.js');
  return Promise.all(targets.map(async (t) => {
    const file = !t.key && t.direct?.sourceDir ? join(t.direct.sourceDir, 'pyproject.toml') : undefined;
    if (!file || !existsSync(file)) return t;
    const project = (await parseToml(readFileSync(file, 'utf8'), file)).project as { name?: unknown } | undefined;
    const name = typeof project?.name === 'string' ? project.name.trim() : '';
    return name ? { ...t, name, key: canonicalizeName(name) } : t;
  }));
}

/** Syncs an environment to a lock file (see the module comment). */
export async function sync(options: SyncOptions): Promise<SyncReport> {
  const started = Date.now();
  throwIfInterrupted(options.signal);
  const venv = typeof options.venv === 'string' ? await openVenv(options.venv) : options.venv;
  if (!venv.base) throw new VenvkitError('PYTHON_NOT_FOUND', `The base interpreter of ${venv.root} cannot be found, so which packages of the lock it needs is unknown`, { hint: 'Recreate the environment with `venvkit create`.' });
  const recovered = await repairEnv(venv.root, { signal: options.signal, onWait: (pid) => options.onProgress?.({ phase: 'wait', name: venv.root, pid, done: 0 }) });
  const lock = await readLockTargets(options.lock, venv.base, { extras: options.extras, groups: options.groups, env: options.env, cwd: options.cwd, onWarning: options.onWarning, noCache: options.noCache, requireHashes: options.index?.requireHashes, noRequireHashes: options.index?.noRequireHashes, srcDir: srcDirOf(venv, options), constraintFiles: options.constraints });
  // First from the .dist-info directories' names alone (no file read per distribution): when the
  // env matches, that is all; else again from their METADATA, for the report and the transaction.
  // A dry run names a directory line without a name as the real sync's build will (see namedStatically).
  const targets = options.dryRun ? await namedStatically(lock.targets) : lock.targets;
  let plan: SyncPlan<LockTarget, Have> = planSync(targets, namesOnly(venv), { exact: options.exact, configSettings: options.configSettings });
  if (plan.install.length || plan.remove.length) plan = planSync(targets, readDists(venv.paths, { light: true }), { exact: options.exact, configSettings: options.configSettings });
  const report: SyncReport = {
    env: venv.root, lock: lock.path, dryRun: !!options.dryRun, alreadySynced: plan.install.length === 0 && plan.remove.length === 0,
    installed: [], removed: [], kept: plan.keep.length, workerUnpacks: 0,
    ...(recovered.length ? { recovered } : {}),
    timings: { fetchMs: 0, installMs: 0, totalMs: 0 },
  };
  if (report.alreadySynced || options.dryRun) {
    report.installed = plan.install.map((i) => ({ name: i.wanted.name || i.wanted.direct?.url || '', version: i.wanted.version, ...(i.have ? { previous: i.have.version } : {}), url: i.wanted.direct?.url ?? i.wanted.file?.url ?? '', kind: directKind(i.wanted) ?? i.wanted.file?.kind ?? 'wheel' }));
    report.removed = plan.remove.map((d) => ({ name: d.name, version: d.version }));
    report.timings.totalMs = Date.now() - started;
    return report;
  }
  const { applySync } = await import('./apply.js');
  report.timings.totalMs = Date.now() - started;
  const done = await applySync(venv, lock, report, options);
  if (!done.alreadySynced) await checkDependencies(venv, done, options);
  return done;
}

/**
 * After a sync that changed the env: the installed distributions whose dependencies are missing or
 * conflict (pip check's lines), in the report and as one warning. Nothing is resolved, so a lock
 * without a pin's dependencies leaves them out (as `uv pip sync`, which warns the same way); the
 * sync itself still succeeds.
 */
async function checkDependencies(venv: Venv, report: SyncReport, options: SyncOptions): Promise<void> {
  const [{ checkDists, checkLines }, { markerEnvironment }] = await Promise.all([import('../installed/check.js'), import('../pep/markers.js')]);
  const lines = checkLines(checkDists(readDists(venv.paths, { order: 'pip' }), markerEnvironment(venv.base!)));
  if (!lines.length) return;
  report.dependencyProblems = lines;
  options.onWarning?.(`sync installs the lock's packages only, and some of their dependencies are not satisfied:\n  ${lines.join('\n  ')}\nAdd them to ${report.lock} (or lock it again) to have them installed.`);
}
