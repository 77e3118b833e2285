/**
 * lock(options): resolve requirements for one or more target environments with the user's index
 * settings, and produce a pylock.toml (PEP 751) or a pip-compile style requirements.txt. The text
 * is deterministic: the same inputs and index give the same bytes (sorted entries and files, no
 * timestamps but the index's upload times, nothing taken from the cache's state). The previous lock
 * at `output`, when there is one, gives the versions to keep unless `upgrade` says otherwise.
 * lock() writes nothing; writeLock() puts the text in place atomically.
 */
import { basename, resolve as resolvePath } from 'node:path';
import { writeFileAtomic } from '../cache/atomic.js';
import { VenvkitError } from '../errors.js';
import type { IndexFlags } from '../index/pip-config.js';
import { requirementToString } from '../pep/pep508.js';
import type { InterpreterInfo } from '../python/types.js';
import type { IndexCandidate } from '../resolver/index-provider.js';
import type { Resolution } from '../resolver/types.js';
import { collectLockInputs, type LockInputs } from './inputs.js';
import type { LockedPackage } from './merge.js';
import { previousLockText, ResolutionCache, settingsKey, Witness } from './resolution-cache.js';
import type { LockSession } from './resolve-lock.js';
import { interpreterTarget, lockTargets, wantsOtherTargets, type LockTarget } from './targets.js';

export type LockFormat = 'pylock' | 'requirements';

export interface LockOptions extends LockInputs {
  /** The lock file (default ./pylock.toml): a name ending in .txt is a requirements.txt. */
  output?: string;
  /** Other targets than the interpreter: see src/lock/targets.ts. */
  pythonVersions?: string[];
  platforms?: string[];
  environments?: string[];
  /** The interpreter to lock for (and whose X.Y --platform uses); found like `create` finds one when not given. */
  interpreter?: InterpreterInfo;
  /** An interpreter spec (`-p 3.12`) to find it with. */
  python?: string;
  /** Ignore the previous lock's pins: all (true) or for these names. */
  upgrade?: boolean;
  upgradePackages?: string[];
  /** Index flags over pip's configuration. */
  index?: IndexFlags;
  noCache?: boolean;
  /** The command line shown in a requirements.txt header (after `venvkit`). */
  command?: string;
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  onWarning?: (message: string) => void;
}

export interface LockResult {
  /** Absolute path the lock is meant for. */
  path: string;
  format: LockFormat;
  text: string;
  /** The targets resolved, in order, each with its resolution. */
  targets: { name: string; resolution: Resolution<IndexCandidate> }[];
  packages: LockedPackage[];
  /** Names whose version differs from the previous lock's (added, changed), and those dropped. */
  changed: string[];
  removed: string[];
  /**
   * The resolution cache (`lock-resolutions/` in venvkit's cache): `hit` (nothing was resolved:
   * an earlier result whose inputs and pages are unchanged), `stored` (resolved and kept),
   * `not-stored` (resolved; it read something that cannot be checked again), `off` (the `noCache`
   * option, a cache that may not be trusted, local projects, `refreshPackages` in the settings).
   */
  resolutionCache: 'hit' | 'stored' | 'not-stored' | 'off';
}

/** A LockResult as the resolution cache keeps it: targets by name. */
export interface StoredLock {
  text: string;
  targets: { name: string; resolution: Resolution<IndexCandidate> }[];
  packages: (Omit<LockedPackage, 'targets'> & { targets: string[] })[];
  changed: string[];
  removed: string[];
  warnings: string[];
}

const PYLOCK_NAME = /^pylock\.([^.]+\.)?toml$/;

export function lockFormat(path: string): LockFormat {
  return path.toLowerCase().endsWith('.txt') ? 'requirements' : 'pylock';
}

async function hostInterpreter(o: LockOptions): Promise<InterpreterInfo> {
  if (o.interpreter) return o.interpreter;
  const { findPython } = await import('../python/find.js');
  return findPython(o.python, { env: o.env ?? process.env, cwd: o.cwd });
}

/** Resolves and renders the lock (see the module comment). */
export async function lock(o: LockOptions = {}): Promise<LockResult> {
  const cwd = o.cwd ?? process.cwd();
  const path = resolvePath(cwd, o.output ?? 'pylock.toml');
  const format = lockFormat(path);
  if (format === 'pylock' && !PYLOCK_NAME.test(basename(path))) {
    throw new VenvkitError('USAGE', `lock: ${basename(path)} is not a pylock file name`, { hint: 'Name it pylock.toml or pylock.NAME.toml (PEP 751), or give a name ending in .txt for a requirements.txt.' });
  }
  const others = wantsOtherTargets(o);
  // An interpreter is needed for itself, or for its X.Y when only --platform is given. Asking it
  // (a process started when its facts are not cached) runs while the inputs are read; an error in
  // the inputs is still the one reported.
  const needHost = !others || o.python !== undefined || o.interpreter !== undefined || (!o.environments?.length && !o.pythonVersions?.length);
  const hostP = needHost ? hostInterpreter(o) : undefined;
  hostP?.catch(() => {});
  const inputs = await collectLockInputs(o, o.index ?? {}, { env: o.env, cwd });
  const cached = !(o.noCache || inputs.local.length || inputs.settings.refreshPackages?.length);
  const witness = cached ? new Witness() : undefined;
  if (inputs.requirements.some((r) => r.url)) witness?.spoil('a requirement is a direct reference');
  // The index client and the resolver (resolve-lock.ts) are loaded when needed: not for a cache hit.
  let session: LockSession | undefined;
  const openSession = async (): Promise<LockSession> => {
    if (!session) {
      const { LockSession } = await import('./resolve-lock.js');
      session = new LockSession(o, inputs, witness);
    }
    return session;
  };
  // While the interpreter is still being asked (its facts not cached), the pages and metadata the
  // resolution will want are read ahead (prefetchMetadata).
  if (hostP && !(await settledSoon(hostP)) && !inputs.local.length) (await openSession()).prefetch(inputs.requirements);
  let host: InterpreterInfo | undefined;
  try {
    host = await hostP;
  } catch (e) {
    session?.close();
    throw e;
  }
  let done = false;
  try {
    const targets: LockTarget[] = others ? lockTargets(o, host) : [interpreterTarget(host!)];
    const cache = !cached ? undefined : new ResolutionCache({
      requirements: inputs.requirements.map(requirementToString), constraints: inputs.constraints.map(requirementToString), settings: settingsKey(inputs.settings), roots: inputs.roots, extras: inputs.extras, groups: inputs.groups,
      targets: targets.map((t) => ({ name: t.name, env: t.env, tags: t.tags, platform: t.platformMarker })),
      options: { pythonVersions: o.pythonVersions ?? [], platforms: o.platforms ?? [], environments: o.environments ?? [] },
      path, format, command: o.command ?? 'lock', upgrade: o.upgrade ? true : o.upgradePackages ?? [],
      previous: o.upgrade ? null : previousLockText(path),
    }, { path, requirements: inputs.requirements.map((r) => r.name), targets: targets.map((t) => t.name) }, o.env ?? process.env);
    const hit = cache?.get<StoredLock>();
    if (hit && (!hit.remote.length || await (await openSession()).samePages(hit.remote))) {
      const v = hit.value;
      for (const m of v.warnings) o.onWarning?.(m);
      const byName = new Map(targets.map((t) => [t.name, t]));
      return {
        path, format, text: v.text, targets: v.targets, changed: v.changed, removed: v.removed, resolutionCache: 'hit',
        packages: v.packages.map((p) => ({ ...p, targets: p.targets.map((n) => byName.get(n)!) })),
      };
    }
    const { resolveLock } = await import('./resolve-lock.js');
    done = true; // (resolveLock closes the session)
    return await resolveLock(await openSession(), { path, format, inputs, targets, host, hostInterpreter: () => hostInterpreter(o), cache });
  } finally {
    if (!done) session?.close();
  }
}

/** Whether `p` settles within this turn of the event loop (a cached answer), without waiting for it. */
function settledSoon(p: Promise<unknown>): Promise<boolean> {
  return Promise.race([p.then(() => true, () => true), new Promise<boolean>((r) => setImmediate(() => r(false)))]);
}

/** Writes `result.text` to `result.path` (a temporary file renamed into place). */
export function writeLock(result: Pick<LockResult, 'path' | 'text'>): void {
  writeFileAtomic(result.path, result.text);
}
