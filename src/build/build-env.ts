// Isolated build environments, made by venvkit itself (createVenv without pip, then the context's
// installer) in the cache: <cache>/build-envs/<hash of the interpreter and the sorted requirement
// set>. An env holds exactly one requirement set, installed in one go when it is made and never
// added to afterwards (a backend's get_requires_for_build_* asking for more gets the env of the
// larger set: frontend.ts); it is reused for the same set and interpreter. It is complete only
// once its marker file is written (atomically, last); a directory without the marker (an
// interrupted fill) is made again. Filling is done under the cache's lock, so two processes never
// fill the same env at once.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { writeFileAtomic } from '../cache/atomic.js';
import { join } from 'node:path';
import { cacheDirOrPrivate } from '../cache/trust.js';
import { markUsed } from '../cache/users.js';
import { VenvkitError } from '../errors.js';
import { lockEnv } from '../install/env-lock.js';
import type { InterpreterInfo } from '../python/types.js';
import { createVenv } from '../venv/create.js';
import { openVenv } from '../venv/open.js';
import type { Venv } from '../venv/types.js';
import type { BuildContext } from './context.js';

const MARKER = '.venvkit-build-env.json';

/** The build env's directory for `requirements` and `interpreter`. */
export function buildEnvDir(interpreter: InterpreterInfo, requirements: readonly string[], env: NodeJS.ProcessEnv, constraintsKey?: string): string {
  const set = [...new Set(requirements.map((r) => r.trim()))].sort();
  const facts = { v: 1, python: interpreter.path, version: interpreter.version, impl: interpreter.implementation, set, ...(constraintsKey ? { constraints: constraintsKey } : {}) };
  const key = createHash('sha256').update(JSON.stringify(facts)).digest('hex').slice(0, 32);
  return join(cacheDirOrPrivate('build-envs', env), key);
}

/** The build env for `requirements` when it is made already (else undefined: nothing is made). */
export async function madeBuildEnv(ctx: BuildContext, interpreter: InterpreterInfo, requirements: readonly string[]): Promise<Venv | undefined> {
  const dir = buildEnvDir(interpreter, requirements, ctx.env, ctx.constraintsKey);
  if (!existsSync(join(dir, MARKER))) return undefined;
  try {
    return await openVenv(dir, { env: ctx.env });
  } catch {
    return undefined;
  }
}

/** The isolated build env for `requirements` (made and filled on first use). */
export async function buildEnv(ctx: BuildContext, interpreter: InterpreterInfo, requirements: readonly string[], project: string, source = 'build-system.requires'): Promise<Venv> {
  requirements = [...new Set(requirements.map((r) => r.trim()))];
  const dir = buildEnvDir(interpreter, requirements, ctx.env, ctx.constraintsKey);
  markUsed(dir); // before reading: `venvkit cache prune|clean` then leaves it alone
  if (existsSync(join(dir, MARKER))) {
    ctx.onEvent?.({ kind: 'build-env', requirements: [...requirements], reused: true });
    return openVenv(dir, { env: ctx.env });
  }
  // An sdist whose build needs an sdist whose build needs the first (under --no-binary :all:, say)
  // would fill build environments forever: the same requirement set twice in the chain stops it.
  const set = [...requirements].sort().join(', ');
  if (ctx.chain?.includes(set)) {
    throw new VenvkitError('BUILD_FAILED', `Build requirements form a cycle: ${[...ctx.chain, set].map((c) => `[${c}]`).join(' -> ')}`, {
      hint: 'Each needs the other built first. Allow wheels for the build backends (in the `formatControl` option: drop no-binary :all:, or add only-binary for them).',
    });
  }
  // One lock per build env (not one for all): filling one may need another built first.
  const lockDir = `${dir}.lock`;
  mkdirSync(lockDir, { recursive: true });
  const lock = await lockEnv(lockDir);
  try {
    if (existsSync(join(dir, MARKER))) return openVenv(dir, { env: ctx.env });
    rmSync(dir, { recursive: true, force: true });
    ctx.onEvent?.({ kind: 'build-env', requirements: [...requirements], reused: false });
    let ok = false;
    try {
      const venv = await createVenv(dir, { interpreter, withoutPip: true, withoutScmIgnoreFiles: true, env: ctx.env, signal: ctx.signal });
      if (requirements.length) await installBuildRequirements(ctx, venv, [...requirements], project, source);
      writeFileAtomic(join(dir, MARKER), JSON.stringify({ python: interpreter.path, requirements }));
      ok = true;
      return venv;
    } finally {
      if (!ok) rmSync(dir, { recursive: true, force: true });
    }
  } finally {
    lock.release();
  }
}

/** Installs build requirements, naming the project and the requirements when that fails. */
export async function installBuildRequirements(ctx: BuildContext, venv: Venv, requirements: string[], project: string, source: string): Promise<void> {
  try {
    // Hard links from the wheel cache: nothing edits a build env, and copying every file of the
    // backend into each one costs more than the rest of filling it. Unpacked on this thread: a
    // backend's few small wheels take less time than starting worker threads for them.
    await ctx.install(venv, requirements, { signal: ctx.signal, linkMode: 'hardlink', workers: false });
  } catch (e) {
    if (e instanceof VenvkitError && e.code !== 'INTERRUPTED') {
      throw new VenvkitError(e.code, `Cannot install the build requirements of ${project} (${source}: ${requirements.join(', ')}):\n${e.message}`, {
        hint: e.hint ?? 'Check the build requirements in the project\'s pyproject.toml and your index settings.',
        cause: e,
      });
    }
    throw e;
  }
}
