// Several local wheels into one env (what `venvkit install a.whl b.whl` does): checked up front, then one by one.
import { resolve } from 'node:path';
import { statSync } from 'node:fs';
import { VenvkitError } from '../errors.js';
import { tryParseWheelFilename } from '../pep/wheel-name.js';
import type { Venv } from '../venv/types.js';
import { installWheel, type InstallWheelOptions, type InstallWheelResult } from './install-wheel.js';
import { resolveVenv } from './target.js';

/** Install each wheel file in order; stops at the first failure (those before it stay installed). */
export async function installWheels(venvOrPath: Venv | string, wheelPaths: string[], options: InstallWheelOptions & { onInstalled?: (r: InstallWheelResult) => void } = {}): Promise<InstallWheelResult[]> {
  for (const p of wheelPaths) {
    const parsed = tryParseWheelFilename(p);
    if (typeof parsed === 'string') throw new VenvkitError('USAGE', parsed, { hint: 'This version of `venvkit install` takes local .whl files.' });
    let isFile = false;
    try {
      isFile = statSync(p).isFile();
    } catch {
      /* reported below */
    }
    if (!isFile) throw new VenvkitError('BAD_PATH', `No such wheel file: ${p}`, { hint: 'Give the path of a .whl file.' });
  }
  const venv = await resolveVenv(venvOrPath, options.env ?? process.env);
  const out: InstallWheelResult[] = [];
  for (const p of wheelPaths) {
    const r = await installWheel(venv, resolve(p), options);
    options.onInstalled?.(r);
    out.push(r);
  }
  return out;
}
