// venvkit's PEP 517/660 build frontend: a project directory -> a wheel, an editable wheel or an
// sdist, or a wheel's metadata. With isolation (the default) the backend runs in a build env venvkit
// makes from build-system.requires (build-env.ts), or from those plus what get_requires_for_build_*
// asks for when that is more (another env, keyed by the whole set); without isolation,
// in the target env's interpreter as it is. Each hook runs in venvkit's hook runner (hooks.ts).
import { mkdirSync, mkdtempSync, existsSync } from 'node:fs';
import { basename, join, resolve, sep } from 'node:path';
import { cacheDirOrPrivate } from '../cache/trust.js';
import { VenvkitError } from '../errors.js';
import { readPyproject, type Pyproject } from '../project/pyproject.js';
import type { InterpreterInfo } from '../python/types.js';
import type { Venv } from '../venv/types.js';
import { buildEnv, madeBuildEnv } from './build-env.js';
import { RequiresHint } from './requires-hints.js';
import type { BuildContext } from './context.js';
import { runHook, type ConfigSettings, type HookCall, type HookName } from './hooks.js';

export type BuildKind = 'wheel' | 'editable' | 'sdist';

export interface BuildOptions {
  ctx: BuildContext;
  /** The interpreter the result is for (the target env's base interpreter). */
  interpreter: InterpreterInfo;
  /** false: --no-build-isolation, run the backend with `targetPython` as it is. */
  isolation?: boolean;
  /** The target env's interpreter (used without isolation). */
  targetPython?: string;
  configSettings?: ConfigSettings;
  /** The project read already (else read from the directory). */
  pyproject?: Pyproject;
}

export interface Built {
  /** The file made (absolute). */
  path: string;
  /** The backend's log. */
  logFile: string;
}

/** A short name for messages: the project's name and its directory. */
export function projectLabel(p: Pyproject): string {
  const project = p.data.project as { name?: unknown } | undefined;
  const name = typeof project?.name === 'string' ? project.name : basename(p.dir);
  return `${name} (${p.dir})`;
}

function hookEnv(base: NodeJS.ProcessEnv, isolated: boolean): NodeJS.ProcessEnv {
  const env = { ...base };
  // What pip's isolated builds also keep out: user site-packages and the caller's PYTHONPATH.
  if (isolated) {
    delete env.PYTHONPATH;
    env.PYTHONNOUSERSITE = '1';
  }
  delete env.PYTHONHOME;
  delete env.__PYVENV_LAUNCHER__;
  return env;
}

function newLog(project: string, env: NodeJS.ProcessEnv): string {
  const dir = join(cacheDirOrPrivate('build', env), 'logs');
  mkdirSync(dir, { recursive: true });
  const safe = project.replace(/[^A-Za-z0-9._-]+/g, '_').slice(0, 40);
  return join(mkdtempSync(join(dir, `${new Date().toISOString().replace(/[:.]/g, '-')}-${safe}-`)), 'build.log');
}

interface HookResult {
  value: unknown;
  logFile: string;
  project: string;
}

/**
 * Runs get_requires_for_build_<kind>, then `hook` with `kwargs`: in the same process when what
 * get_requires asked for is already there; else (isolated) in the build env of the full set,
 * build-system.requires plus those, so that each build env holds exactly one requirement set.
 * When get_requires asked this project for more last time (requires-hints.ts) and the env of that
 * full set is made, both run there in one process if get_requires answers the same again.
 */
async function runWithRequires(dir: string, kind: BuildKind, hook: HookName, kwargs: Record<string, unknown>, options: BuildOptions): Promise<HookResult> {
  const { ctx } = options;
  const pyproject = options.pyproject ?? (await readPyproject(dir));
  const project = projectLabel(pyproject);
  const { buildSystem } = pyproject;
  const isolated = options.isolation !== false;
  const getRequires = `get_requires_for_build_${kind}` as HookName;
  // No hints for venvkit's own temporary trees (unpacked sdists, VCS checkouts): never seen again.
  const temporary = resolve(dir).startsWith(cacheDirOrPrivate('build', ctx.env) + sep);
  const hint = isolated && !temporary ? new RequiresHint(options.interpreter, buildSystem.requires, kind, dir, ctx.env) : undefined;
  const guess = hint?.read();
  const guessed = guess ? await madeBuildEnv(ctx, options.interpreter, [...buildSystem.requires, ...guess]) : undefined;
  let python: string;
  let bytecodeRoot: string | undefined;
  const use = (v: Venv) => {
    python = v.paths.python;
    bytecodeRoot = v.root;
  };
  if (guessed) {
    use(guessed);
    ctx.onEvent?.({ kind: 'build-env', requirements: [...new Set([...buildSystem.requires, ...guess!].map((r) => r.trim()))], reused: true });
  } else if (isolated) {
    use(await buildEnv(ctx, options.interpreter, buildSystem.requires, project));
  } else {
    if (!options.targetPython) throw new TypeError('buildProject: --no-build-isolation needs targetPython');
    python = options.targetPython;
  }
  const logFile = newLog(basename(dir), ctx.env);
  const env = hookEnv(ctx.env, isolated);
  const config = options.configSettings && Object.keys(options.configSettings).length ? options.configSettings : undefined;
  const call = (name: HookName, kw: Record<string, unknown>, then?: HookCall['then']) => {
    ctx.onEvent?.({ kind: 'building', project, hook: name, backend: buildSystem.backend });
    return runHook({ python, projectDir: dir, backend: buildSystem.backend, backendPath: buildSystem.backendPath, hook: name, kwargs: { ...kw, config_settings: config }, then, logFile, verbose: ctx.verbose, project, env, signal: ctx.signal, ...(bytecodeRoot ? { bytecodeRoot } : {}) });
  };
  const hookKwargs = { ...kwargs, config_settings: config };
  // get_requires and the hook in one process when nothing more needs installing (hook-script.ts).
  const expect = guessed ? { base: buildSystem.requires, set: [...buildSystem.requires, ...guess!] } : undefined;
  const first = await call(getRequires, {}, { hook, kwargs: hookKwargs, always: !isolated, ...(expect ? { expect } : {}) });
  const extra = first.value;
  if (!Array.isArray(extra) || extra.some((r) => typeof r !== 'string')) {
    throw new VenvkitError('BUILD_FAILED', `The build backend of ${project} answered get_requires_for_build_${kind} with ${JSON.stringify(extra)}, not a list of requirements`, { hint: 'This is a bug in the build backend.' });
  }
  if ('then' in first) return { value: first.then, logFile, project };
  if (isolated) {
    hint?.write(extra as string[]);
    // The env of build-system.requires alone, when the guess was wrong and nothing more is asked for now.
    if (extra.length || guessed) use(await buildEnv(ctx, options.interpreter, [...buildSystem.requires, ...(extra as string[])], project, extra.length ? getRequires : 'build-system.requires'));
  }
  return { value: (await call(hook, hookKwargs)).value, logFile, project };
}

/** Builds `kind` from the project in `dir` into `outDir`; returns the file made. */
export async function buildProject(dir: string, kind: BuildKind, outDir: string, options: BuildOptions): Promise<Built> {
  const started = Date.now();
  mkdirSync(outDir, { recursive: true });
  const buildHook = `build_${kind}` as HookName;
  const pyproject = options.pyproject ?? (await readPyproject(dir));
  const backend = pyproject.buildSystem.backend;
  options.ctx.onEvent?.({ kind: 'started', project: projectLabel(pyproject), backend, build: kind });
  const { value: name, logFile, project } = await runWithRequires(dir, kind, buildHook, { [kind === 'sdist' ? 'sdist_directory' : 'wheel_directory']: outDir }, { ...options, pyproject });
  if (typeof name !== 'string' || name.includes('/') || name.includes('\\') || !existsSync(join(outDir, name))) {
    throw new VenvkitError('BUILD_FAILED', `The build backend of ${project} reported ${JSON.stringify(name)} from build_${kind}, which is not a file it made in ${outDir}`, { hint: `See the build log: ${logFile}` });
  }
  const path = join(outDir, name);
  options.ctx.onEvent?.({ kind: 'built', project, file: path, ms: Date.now() - started, cached: false, backend });
  return { path, logFile };
}

/**
 * prepare_metadata_for_build_wheel into `outDir`: the .dist-info directory's path, or undefined
 * when the backend does not have the hook (the caller then builds the wheel).
 */
export async function prepareWheelMetadata(dir: string, outDir: string, options: BuildOptions): Promise<string | undefined> {
  mkdirSync(outDir, { recursive: true });
  const { value, logFile, project } = await runWithRequires(dir, 'wheel', 'prepare_metadata_for_build_wheel', { metadata_directory: outDir }, options);
  if (value && typeof value === 'object' && (value as { hook_missing?: unknown }).hook_missing) return undefined;
  if (typeof value !== 'string' || value.includes('/') || value.includes('\\') || !existsSync(join(outDir, value, 'METADATA'))) {
    throw new VenvkitError('BUILD_FAILED', `The build backend of ${project} reported ${JSON.stringify(value)} from prepare_metadata_for_build_wheel, which is not a .dist-info directory it made in ${outDir}`, { hint: `See the build log: ${logFile}` });
  }
  return join(outDir, value);
}
