// uninstall: remove a distribution by its RECORD, all or nothing.
import { relative } from 'node:path';
import { VenvkitError } from '../errors.js';
import type { Venv } from '../venv/types.js';
import { commitStaged, dropStage, newStage, throwIfInterrupted, checkpoint } from './apply.js';
import { withEnvLock } from './recover.js';
import { fsFailure } from './fs-errors.js';
import { hasJournal, type Recovered } from './journal.js';
import { findInstalled, recordedFiles } from '../installed/dist-info.js';
import { resolveVenv } from './target.js';
import type { ProgressListener } from '../progress.js';

export interface UninstallOptions {
  env?: NodeJS.ProcessEnv;
  /**
   * What to do when the distribution is not installed. Default (true): skip it with a warning in the
   * result, as `pip uninstall` does. false: throw NOT_INSTALLED.
   */
  missingOk?: boolean;
  /** Cancels the uninstall (before its commit; the env is then unchanged): INTERRUPTED. */
  signal?: AbortSignal;
  /** Called once when another process holds the env's lock and this starts waiting. */
  onWait?: (pid: number) => void;
  /** 'wait' and 'uninstall' (file moves) events (progress.ts). */
  onProgress?: ProgressListener;
}

export interface UninstallResult {
  name: string;
  /** The versions removed (empty when it was not installed). */
  removed: { name: string; version: string; files: number }[];
  /** pip's words when it was not installed and skipped: `Skipping NAME as it is not installed.` */
  warnings?: string[];
  /** Transactions a killed venvkit had left in the env, finished (forward or back) first. */
  recovered?: Recovered[];
}

/** Remove the distribution `name` (any spelling PEP 503 considers the same) from an env. */
export async function uninstall(venvOrPath: Venv | string, name: string, options: UninstallOptions = {}): Promise<UninstallResult> {
  const venv = await resolveVenv(venvOrPath, options.env ?? process.env);
  const notInstalled = () => {
    if (options.missingOk !== false) return { name, removed: [], warnings: [`Skipping ${name} as it is not installed.`] };
    throw new VenvkitError('NOT_INSTALLED', `${name} is not installed in ${venv.root}`, { hint: 'listInstalled(), or `venvkit list`, shows what is installed.' });
  };
  // Nothing to do (and no interrupted transaction that could be hiding it): no lock needed.
  if (findInstalled(venv.paths, name).length === 0 && !hasJournal(venv.root)) return notInstalled();
  throwIfInterrupted(options.signal, 'nothing was uninstalled');
  let recovered: Recovered[] | undefined;
  const onWait = (pid: number) => (options.onWait?.(pid), options.onProgress?.({ phase: 'wait', name: venv.root, pid, done: 0 }));
  return withEnvLock(venv.root, { signal: options.signal, onWait, onRecovered: (r) => (recovered = r) }, async () => {
    // Read under the lock, after recovery: what is installed now.
    const dists = findInstalled(venv.paths, name);
    if (dists.length === 0) return notInstalled();
    const remove: string[] = [];
    const removed: UninstallResult['removed'] = [];
    for (const d of dists) {
      let files: string[];
      try {
        files = recordedFiles(d, venv.root).files;
      } catch (e) {
        throw new VenvkitError('COMMAND_FAILED', `Cannot uninstall ${d.name} ${d.version}: ${relative(venv.root, d.distInfoDir)} has no readable RECORD`, {
          hint: 'It was not installed from a wheel by a standard installer; remove its files by hand or recreate the environment.',
          cause: e,
        });
      }
      remove.push(...files);
      removed.push({ name: d.name, version: d.version, files: files.length });
    }
    await checkpoint(options.signal, 'nothing was uninstalled');
    const stage = newStage(venv.root);
    try {
      await commitStaged(venv.root, stage, [], remove, { keep: [venv.root, venv.paths.scripts, venv.paths.purelib, venv.paths.platlib, venv.paths.include], op: `uninstall of ${name}`, onMoves: options.onProgress && ((done, total) => options.onProgress!({ phase: 'uninstall', name, done, total })) });
      return { name, removed, ...(recovered ? { recovered } : {}) };
    } catch (e) {
      throw fsFailure(e, venv.root, stage, 'uninstall from');
    } finally {
      await dropStage(stage);
    }
  });
}
