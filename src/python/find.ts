// TEMPORARY STUB (owned by the discovery work): only explicit interpreter paths.
import { VenvkitError } from '../errors.js';
import { probeInterpreter } from './probe.js';
import type { PythonInstallation } from './types.js';

export interface FindOptions { cwd?: string; env?: NodeJS.ProcessEnv }

export async function findPython(spec?: string, _options: FindOptions = {}): Promise<PythonInstallation> {
  if (!spec || !spec.includes('/')) throw new VenvkitError('NOT_IMPLEMENTED', 'interpreter discovery is not implemented yet; give a path', {});
  return { ...(await probeInterpreter(spec)), source: 'explicit' };
}

export async function listPythons(_options: FindOptions = {}): Promise<PythonInstallation[]> {
  return [];
}
