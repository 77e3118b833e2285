// uninstall: remove a distribution by its RECORD, all or nothing.
import { relative } from 'node:path';
import { errnoCode, VenvkitError } from '../errors.js';
import type { Venv } from '../venv/types.js';
import { commitStaged, dropStage, newStage, pruneEmptyDirs, withEnvLock, withSignalsHeld } from './apply.js';
import { findInstalled, recordedFiles } from './installed.js';
import { resolveVenv } from './target.js';

export interface UninstallOptions {
  env?: NodeJS.ProcessEnv;
  /** Do not fail when the distribution is not installed (report it as not found). */
  missingOk?: boolean;
}

export interface UninstallResult {
  name: string;
  /** The versions removed (empty when it was not installed and missingOk was set). */
  removed: { name: string; version: string; files: number }[];
}

/** Remove the distribution `name` (any spelling PEP 503 considers the same) from an env. */
export async function uninstall(venvOrPath: Venv | string, name: string, options: UninstallOptions = {}): Promise<UninstallResult> {
  const venv = await resolveVenv(venvOrPath, options.env ?? process.env);
  const dists = findInstalled(venv.paths, name);
  if (dists.length === 0) {
    if (options.missingOk) return { name, removed: [] };
    throw new VenvkitError('NOT_INSTALLED', `${name} is not installed in ${venv.root}`, { hint: 'Run `venvkit list` to see what is installed.' });
  }
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
  return withEnvLock(venv.root, () => withSignalsHeld(async () => {
    const stage = newStage(venv.root);
    try {
      const { removedDirs } = commitStaged(venv.root, stage, [], remove);
      pruneEmptyDirs(removedDirs, [venv.root, venv.paths.scripts, venv.paths.purelib, venv.paths.platlib, venv.paths.include]);
      return { name, removed };
    } catch (e) {
      const code = errnoCode(e);
      if (code === 'EACCES' || code === 'EPERM') throw new VenvkitError('TARGET_NOT_WRITABLE', `Cannot remove files from ${venv.root}: ${(e as Error).message}`, { cause: e });
      throw e;
    } finally {
      dropStage(stage);
    }
  }));
}
