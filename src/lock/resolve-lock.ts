/**
 * The part of lock() that reads the index and resolves: what a lock whose resolution is not cached
 * (resolution-cache.ts), or whose cached remote pages must be read again, needs. lock() (api.ts)
 * loads it only then: a cache hit neither loads nor compiles the index client, the resolver or the
 * writers (the CLI builds it into a bundle of its own, scripts/build.mjs PARTS).
 */
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { IndexClient } from '../index/index-client.js';
import { prereleaseRule } from '../index/release-control.js';
import { canonicalizeName } from '../pep/names.js';
import type { Requirement } from '../pep/pep508.js';
import type { InterpreterInfo } from '../python/types.js';
import { fileFacts } from './file-facts.js';
import type { CollectedLockInputs } from './inputs.js';
import { directWheels, type BuiltLocalProjects, type DirectSource } from './local-projects.js';
import { mergeResolutions, type LockedPackage } from './merge.js';
import { pinsFor, readPreviousPins } from './previous-pins.js';
import { writePylock } from './pylock-write.js';
import { writeRequirements } from './requirements-write.js';
import { prefetchMetadata, resolveTargets, sharedMetadata, type SharedMetadata } from './resolve-targets.js';
import { linksStamp, type ResolutionCache, type Witness } from './resolution-cache.js';
import { environmentsOf, requiresPythonOf, type LockTarget } from './targets.js';
import type { LockFormat, LockOptions, LockResult, StoredLock } from './api.js';

/** The index client of one lock, the metadata read ahead, and the warnings given. */
export class LockSession {
  readonly client: IndexClient;
  readonly shared: SharedMetadata;
  readonly warnings: string[] = [];
  private stopPrefetch: (() => void) | undefined;

  constructor(readonly o: LockOptions, inputs: CollectedLockInputs, readonly witness: Witness | undefined) {
    const onWarning = (m: string) => {
      this.warnings.push(m);
      o.onWarning?.(m);
    };
    this.client = new IndexClient({ settings: inputs.settings, env: o.env, onWarning, ...(o.noCache ? { cacheDir: false as const } : {}), ...(witness ? { witness } : {}) });
    this.shared = sharedMetadata({ noCache: o.noCache, witness, env: o.env });
  }

  /** Reads ahead the pages and metadata the resolution will want (while the interpreter is being asked). */
  prefetch(requirements: readonly Requirement[]): void {
    this.stopPrefetch = prefetchMetadata(requirements, this.client, this.shared);
  }

  /** Whether the remote pages a cached resolution read still have the same links (read through the page cache, as any read). */
  async samePages(remote: readonly { index: string; project: string; links: string }[]): Promise<boolean> {
    const again = await Promise.all(remote.map(async (r) => {
      try {
        const got = await this.client.pageAgain(r.index, r.project);
        return got !== null && linksStamp(got.links) === r.links;
      } catch {
        return false;
      }
    }));
    return again.every(Boolean);
  }

  close(): void {
    this.stopPrefetch?.();
    this.client.close();
  }
}

export interface Unresolved {
  path: string;
  format: LockFormat;
  inputs: CollectedLockInputs;
  targets: LockTarget[];
  /** The interpreter, when it was asked (local projects are built for it). */
  host: InterpreterInfo | undefined;
  hostInterpreter: () => Promise<InterpreterInfo>;
  cache: ResolutionCache | undefined;
}

/** Resolves and renders the lock (api.ts lock(), when the resolution cache has no answer); closes the session. */
export async function resolveLock(session: LockSession, u: Unresolved): Promise<LockResult> {
  const { path, format, inputs, targets, cache } = u;
  const { o, client, witness, warnings } = session;
  const onWarning = (m: string) => {
    warnings.push(m);
    o.onWarning?.(m);
  };
  const upgrade = o.upgrade ? true : o.upgradePackages?.length ? new Set(o.upgradePackages.map(canonicalizeName)) : undefined;
  let local: BuiltLocalProjects | undefined;
  try {
    const previous = o.upgrade ? [] : await readPreviousPins(path, format);
    // Project directories, sdists and git requirements: built first (for the host), locked by where they come from.
    if (inputs.local.length) {
      const { buildLocalProjects } = await import('./local-projects.js');
      local = await buildLocalProjects(inputs.local, { interpreter: u.host ?? (await u.hostInterpreter()), lockPath: path, roots: inputs.roots, env: o.env ?? process.env, index: o.index, noCache: o.noCache, onWarning: o.onWarning });
    }
    const direct = new Map<string, DirectSource>(local?.direct);
    directWheels(inputs.requirements, direct);
    const { results } = await resolveTargets([...inputs.requirements, ...(local?.requirements ?? [])], targets, {
      client, constraints: inputs.constraints, prereleases: prereleaseRule(inputs.settings),
      ...(previous.length ? { preferred: (t: LockTarget) => pinsFor(previous, t) } : {}),
      ...(upgrade ? { upgrade } : {}),
      onWarning,
      ...(o.noCache ? { noCache: true } : {}),
      ...(witness ? { witness } : {}),
      shared: session.shared,
    });
    // requirements.txt has no extras or groups to choose from: what was asked for is installed.
    const packages = mergeResolutions(results, format === 'pylock' ? inputs.roots : { activations: new Map(), labels: inputs.roots.labels });
    const withFiles = packages.filter((p) => { const d = direct.get(p.name); return !d || d.kind === 'archive' && d.fileUrl !== undefined; });
    if (witness) witnessFiles(withFiles, witness);
    const files = await fileFacts(withFiles, client);
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
    const result: LockResult = { path, format, text, targets: results.map((r) => ({ name: r.target.name, resolution: r.resolution })), packages, changed, removed, resolutionCache: !cache?.usable ? 'off' : witness!.spoiled ? 'not-stored' : 'stored' };
    cache?.set<StoredLock>(witness!, { text, targets: result.targets, packages: packages.map((p) => ({ ...p, targets: p.targets.map((t) => t.name) })), changed, removed, warnings });
    return result;
  } finally {
    session.close();
    local?.remove();
  }
}

/** The lock's local files (their sizes, and hashes when the index gives none, come from them) go into the witness; a remote one without a sha256 cannot be checked again. */
function witnessFiles(packages: readonly LockedPackage[], witness: Witness): void {
  for (const p of packages) {
    for (const f of [...p.wheels, ...(p.sdist ? [p.sdist] : [])]) {
      if (/^file:/i.test(f.url)) witness.path(fileURLToPath(f.url));
      else if (!f.hashes.sha256) witness.spoil(`${f.filename} has no sha256`);
    }
  }
}
