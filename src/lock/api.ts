/**
 * lock(options): resolve requirements for one or more target environments with the user's index
 * settings, and produce a pylock.toml (PEP 751) or a pip-compile style requirements.txt. The text
 * is deterministic: the same inputs and index give the same bytes (sorted entries and files, no
 * timestamps but the index's upload times, nothing taken from the cache's state). The previous lock
 * at `output`, when there is one, gives the versions to keep unless `upgrade` says otherwise.
 * lock() writes nothing; writeLock() puts the text in place atomically.
 */
import { basename, dirname, resolve as resolvePath } from 'node:path';
import { writeFileAtomic } from '../cache/atomic.js';
import { VenvkitError } from '../errors.js';
import { IndexClient } from '../index/index-client.js';
import { prereleaseRule } from '../index/release-control.js';
import type { IndexFlags } from '../index/pip-config.js';
import { canonicalizeName } from '../pep/names.js';
import type { InterpreterInfo } from '../python/types.js';
import type { IndexCandidate } from '../resolver/index-provider.js';
import type { Resolution } from '../resolver/types.js';
import { fileFacts } from './file-facts.js';
import { directWheels, type BuiltLocalProjects, type DirectSource } from './local-projects.js';
import { collectLockInputs, type LockInputs } from './inputs.js';
import { mergeResolutions, type LockedPackage } from './merge.js';
import { pinsFor, readPreviousPins } from './previous-pins.js';
import { writePylock } from './pylock-write.js';
import { writeRequirements } from './requirements-write.js';
import { resolveTargets } from './resolve-targets.js';
import { environmentsOf, interpreterTarget, lockTargets, requiresPythonOf, wantsOtherTargets, type LockTarget } from './targets.js';

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
  const host = await hostP;
  const targets: LockTarget[] = others ? lockTargets(o, host) : [interpreterTarget(host!)];

  const previous = o.upgrade ? [] : await readPreviousPins(path, format);
  const upgrade = o.upgrade ? true : o.upgradePackages?.length ? new Set(o.upgradePackages.map(canonicalizeName)) : undefined;
  const client = new IndexClient({ settings: inputs.settings, ...(o.onWarning ? { onWarning: o.onWarning } : {}), ...(o.noCache ? { cacheDir: false as const } : {}) });
  let local: BuiltLocalProjects | undefined;
  try {
    // Project directories, sdists and git requirements: built first (for the host), locked by where they come from.
    if (inputs.local.length) {
      const { buildLocalProjects } = await import('./local-projects.js');
      local = await buildLocalProjects(inputs.local, { interpreter: host ?? (await hostInterpreter(o)), lockPath: path, roots: inputs.roots, env: o.env ?? process.env, index: o.index, noCache: o.noCache, onWarning: o.onWarning });
    }
    const direct = new Map<string, DirectSource>(local?.direct);
    directWheels(inputs.requirements, direct);
    const { results } = await resolveTargets([...inputs.requirements, ...(local?.requirements ?? [])], targets, {
      client, constraints: inputs.constraints, prereleases: prereleaseRule(inputs.settings),
      ...(previous.length ? { preferred: (t: LockTarget) => pinsFor(previous, t) } : {}),
      ...(upgrade ? { upgrade } : {}),
      ...(o.onWarning ? { onWarning: o.onWarning } : {}),
      ...(o.noCache ? { noCache: true } : {}),
    });
    // requirements.txt has no extras or groups to choose from: what was asked for is installed.
    const packages = mergeResolutions(results, format === 'pylock' ? inputs.roots : { activations: new Map(), labels: inputs.roots.labels });
    const files = await fileFacts(packages.filter((p) => { const d = direct.get(p.name); return !d || d.kind === 'archive' && d.fileUrl !== undefined; }), client);
    const environments = environmentsOf(targets, o.environments);
    let text: string;
    if (format === 'pylock') {
      text = writePylock({
        environments, requiresPython: requiresPythonOf(targets),
        extras: inputs.extras, dependencyGroups: inputs.groups, defaultGroups: inputs.groups,
        packages, files, indexes: client.indexes(), direct,
      });
    } else {
      const single = targets.length === 1 ? `Python ${targets[0]!.python.join('.')}` : undefined;
      text = writeRequirements({ command: o.command ?? 'lock', ...(single ? { pythonLabel: single } : {}), environments, packages, files, direct, lockDir: dirname(path) });
    }
    const pinned = new Set(previous.map((p) => `${p.name}==${p.version}`));
    const names = new Set(packages.map((p) => p.name));
    const changed = [...new Set(packages.filter((p) => !pinned.has(`${p.name}==${p.version}`)).map((p) => p.name))];
    const removed = [...new Set(previous.map((p) => p.name))].filter((n) => !names.has(n));
    return { path, format, text, targets: results.map((r) => ({ name: r.target.name, resolution: r.resolution })), packages, changed, removed };
  } finally {
    client.close();
    local?.remove();
  }
}

/** Writes `result.text` to `result.path` (a temporary file renamed into place). */
export function writeLock(result: Pick<LockResult, 'path' | 'text'>): void {
  writeFileAtomic(result.path, result.text);
}
