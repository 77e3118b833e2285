// What `python -m build` does: an sdist, then a wheel built from that sdist (so the sdist is known
// to be complete), or only what was asked for (--sdist, --wheel: both from the source tree).
import { mkdtempSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { cacheDirOrPrivate } from '../cache/trust.js';
import { readPyproject } from '../project/pyproject.js';
import { buildProject, type BuildOptions } from './frontend.js';

export interface DistsRequest {
  sdist?: boolean;
  wheel?: boolean;
  /** Where the files go (default <dir>/dist). */
  outDir?: string;
}

/** Builds the distributions of the project in `dir`; returns their paths (sdist first). */
export async function buildDists(dir: string, request: DistsRequest, options: BuildOptions): Promise<string[]> {
  const outDir = resolve(dir, request.outDir ?? 'dist');
  const pyproject = await readPyproject(dir);
  const made: string[] = [];
  if (!request.sdist && !request.wheel) {
    const sdist = (await buildProject(dir, 'sdist', outDir, { ...options, pyproject })).path;
    made.push(sdist);
    const { unpackSdist } = await import('./sdist-unpack.js');
    const tree = mkdtempSync(join(cacheDirOrPrivate('build', options.ctx.env), 'sdist-'));
    try {
      const root = await unpackSdist(sdist, tree, { signal: options.ctx.signal });
      made.push((await buildProject(root, 'wheel', outDir, { ...options, pyproject: undefined })).path);
    } finally {
      rmSync(tree, { recursive: true, force: true });
    }
    return made;
  }
  if (request.sdist) made.push((await buildProject(dir, 'sdist', outDir, { ...options, pyproject })).path);
  if (request.wheel) made.push((await buildProject(dir, 'wheel', outDir, { ...options, pyproject })).path);
  return made;
}
