// The built-wheel cache: <cache>/built-wheels/v1/<key>, one wheel per directory, the key made of
// the source's identity (an sdist's sha256, a commit), the config settings, build isolation and the
// target interpreter's tags. A wheel is built into a temporary directory there and renamed into
// place, so a reader sees a complete entry or none.
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { cacheDirOrPrivate } from '../cache/trust.js';
import { markUsed } from '../cache/users.js';
import { errnoCode, VenvkitError } from '../errors.js';
import { compatibleTags } from '../pep/tags.js';
import { buildProject, type BuildOptions } from './frontend.js';

export function builtWheelKey(source: string, options: BuildOptions): string {
  return createHash('sha256')
    .update(JSON.stringify({ v: 1, source, config: options.configSettings ?? {}, isolation: options.isolation !== false, tags: compatibleTags(options.interpreter) }))
    .digest('hex')
    .slice(0, 40);
}

export function onlyWheel(dir: string): string | undefined {
  try {
    const w = readdirSync(dir).filter((f) => f.endsWith('.whl'));
    return w.length === 1 ? join(dir, w[0]!) : undefined;
  } catch {
    return undefined;
  }
}

/** The cached wheel for `key`, else the one `make` builds from the project it returns (then cached). */
export async function cachedWheel(key: string, label: string, options: BuildOptions, workDir: string, make: (tree: string) => Promise<string>): Promise<string> {
  const root = join(cacheDirOrPrivate('built-wheels', options.ctx.env), 'v1');
  const final = join(root, builtWheelKey(key, options));
  markUsed(final); // before reading: `venvkit cache prune|clean` then leaves it alone
  const hit = onlyWheel(final);
  if (hit) {
    options.ctx.onEvent?.({ kind: 'built', project: label, file: hit, ms: 0, cached: true });
    return hit;
  }
  const tree = mkdtempSync(join(workDir, 'src-'));
  const projectRoot = await make(tree);
  mkdirSync(root, { recursive: true });
  const tmp = mkdtempSync(join(root, '.tmp-'));
  try {
    await buildProject(projectRoot, 'wheel', tmp, { ...options, pyproject: undefined });
    try {
      renameSync(tmp, final);
    } catch (e) {
      // Another process built the same wheel first: use its copy.
      if (errnoCode(e) !== 'ENOTEMPTY' && errnoCode(e) !== 'EEXIST') throw e;
    }
    const wheel = onlyWheel(final);
    if (!wheel) throw new VenvkitError('BUILD_FAILED', `Building ${label} did not leave one wheel in ${final}`, { hint: `Remove ${final} and try again.` });
    return wheel;
  } finally {
    rmSync(tmp, { recursive: true, force: true });
    rmSync(tree, { recursive: true, force: true });
  }
}
