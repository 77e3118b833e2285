// installWheel: one local .whl into one env, all or nothing.
import { pathToFileURL } from 'node:url';
import { relative, resolve } from 'node:path';
import { closeWheelStore, openWheelStore, readWheelFile, unpackedWheelHere, type CachedWheel, type WheelStore } from '../cache/wheels.js';
import { cacheableTag, stageBytecode } from '../cache/bytecode.js';
import { bestTagRank, compatibleTags } from '../pep/tags.js';
import { tryParseWheelFilename } from '../pep/wheel-name.js';
import { VenvkitError } from '../errors.js';
import type { Venv } from '../venv/types.js';
import { commitStaged, dropStage, newStage, stagedPaths, stagePlan, throwIfInterrupted, checkpoint } from './apply.js';
import { withEnvLock } from './recover.js';
import { fsFailure } from './fs-errors.js';
import type { Recovered } from './journal.js';
import { Turns } from './turns.js';
import type { ProgressListener } from '../progress.js';
import { findInstalled, recordedFiles } from '../installed/dist-info.js';
import { Linker, type LinkMode } from './link.js';
import { planInstallAsync, recordFor, type InstallPlan } from './plan.js';
import { installTarget, resolveVenv } from './target.js';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface InstallWheelOptions {
  /** How files come from the unpacked-wheel cache (default: reflink, else hard link, else copy; see link.ts). */
  linkMode?: LinkMode;
  /** Use no cache: unpack into a private temp dir. */
  noCache?: boolean;
  /**
   * Give the installed modules bytecode (default false): from the wheel cache, compiled there once
   * per interpreter by the env's (checked-hash .pyc), and placed as the sources are.
   */
  compile?: boolean;
  /** Write REQUESTED (default true: the user named this wheel). */
  requested?: boolean;
  /** INSTALLER content (default "venvkit"). */
  installer?: string;
  /** PEP 610 direct_url.json: default, a file:// URL with the archive's hash; false writes none. */
  directUrl?: object | false;
  /** Install even when the wheel's tags say it is not for this interpreter/platform. */
  ignoreTags?: boolean;
  env?: NodeJS.ProcessEnv;
  /** Cancels the install (before its commit; the env is then unchanged): INTERRUPTED. */
  signal?: AbortSignal;
  /** Called once when another process holds the env's lock and this install starts waiting. */
  onWait?: (pid: number) => void;
  /** 'wait' and 'install' (stage, then commit: file moves) events (progress.ts). */
  onProgress?: ProgressListener;
}

export interface InstallWheelResult {
  name: string;
  version: string;
  /** Versions of the same distribution that were removed first. */
  replaced: { name: string; version: string }[];
  files: number;
  linkMode: LinkMode;
  /** true when the wheel was already unpacked in the cache. */
  cached: boolean;
  /** Transactions a killed venvkit had left in the env, finished (forward or back) before this install. */
  recovered?: Recovered[];
}

/** Install the wheel file at `wheelPath` into an env (a Venv, or the path of one). */
export async function installWheel(venvOrPath: Venv | string, wheelPath: string, options: InstallWheelOptions = {}): Promise<InstallWheelResult> {
  const env = options.env ?? process.env;
  const venv = await resolveVenv(venvOrPath, env);
  const abs = resolve(wheelPath);
  if (!options.ignoreTags && venv.base) {
    const parsed = tryParseWheelFilename(abs);
    if (typeof parsed !== 'string' && bestTagRank(parsed.tags, compatibleTags(venv.base)) === null) {
      throw new VenvkitError('NO_WHEEL', `${parsed.filename} is not supported by this environment's Python (${venv.base.implementation} ${venv.base.versionString}, ${venv.base.platform} ${venv.base.machine})`, {
        hint: 'Use a wheel built for this interpreter and platform (pass ignoreTags to install it anyway).',
      });
    }
  }
  const store = openWheelStore(env, { noCache: options.noCache });
  try {
    return await installUnpacked(venv, abs, store, options);
  } finally {
    closeWheelStore(store);
  }
}

async function installUnpacked(venv: Venv, abs: string, store: WheelStore, options: InstallWheelOptions): Promise<InstallWheelResult> {
  const target = installTarget(venv);
  const cached = unpackedWheelHere(abs, { store });
  const { manifest } = cached;
  let plan: InstallPlan;
  const turns = new Turns(options.signal, `${manifest.name} was not installed`);
  try {
    plan = await planInstallAsync(
      manifest,
      target,
      {
        installer: options.installer,
        requested: options.requested ?? true,
        directUrl: options.directUrl === false ? undefined : (options.directUrl ?? { url: pathToFileURL(abs).href, archive_info: { hash: `sha256=${manifest.sha256}`, hashes: { sha256: manifest.sha256 } } }),
      },
      (p) => readWheelFile(cached, p),
      () => turns.give(),
    );
  } catch (e) {
    if (e instanceof VenvkitError) throw e;
    throw new VenvkitError('UNSAFE_WHEEL', `${manifest.filename}: ${(e as Error).message}`, { hint: 'Refusing to install it.' });
  }
  const linker = new Linker(options.linkMode, [cached]);
  const root = venv.root;
  throwIfInterrupted(options.signal, `${manifest.name} was not installed`);
  let recovered: Recovered[] | undefined;
  const onWait = (pid: number) => (options.onWait?.(pid), options.onProgress?.({ phase: 'wait', name: root, pid, done: 0 }));
  return withEnvLock(root, { signal: options.signal, onWait, onRecovered: (r) => (recovered = r) }, async () => {
    const old = findInstalled(venv.paths, manifest.name);
    const remove: string[] = [];
    for (const d of old) {
      try {
        remove.push(...recordedFiles(d, venv.root).files);
      } catch (e) {
        throw new VenvkitError('COMMAND_FAILED', `${d.name} ${d.version} is installed without a readable RECORD (${relative(venv.root, d.distInfoDir)}), so it cannot be replaced cleanly`, {
          hint: `Remove ${d.distInfoDir} and the package's files by hand, or recreate the environment.`,
          cause: e,
        });
      }
    }
    const stage = newStage(root);
    try {
      await stagePlan({ plan, filesDir: cached.filesDir }, undefined, stage, root, linker, turns);
      const pycs = options.compile ? await stageWheelBytecode(venv, plan, cached, stage, linker, options.signal) : [];
      throwIfInterrupted(options.signal, `${manifest.name} was not installed`);
      const record = recordFor(plan, pycs);
      const recPath = join(stage, 'new', relative(root, plan.recordDest));
      writeFileSync(recPath, record);
      // Synchronous from this check to the end of the commit (see applyTransaction).
      options.onProgress?.({ phase: 'install', step: 'stage', name: manifest.name, done: 1, total: 1 });
      await checkpoint(options.signal, `${manifest.name} was not installed`);
      const onMoves = options.onProgress && ((done: number, total: number) => options.onProgress!({ phase: 'install', step: 'commit', name: manifest.name, done, total }));
      await commitStaged(root, stage, stagedPaths(plan, root, pycs), remove, { keep: [root, venv.paths.scripts, venv.paths.purelib, venv.paths.platlib, venv.paths.include], op: `install of ${manifest.name}`, onMoves });
      return {
        name: manifest.name,
        version: manifest.version,
        replaced: old.map((d) => ({ name: d.name, version: d.version })),
        files: plan.files.length + pycs.length + 1,
        linkMode: linker.mode,
        cached: !cached.unpacked,
        ...(recovered ? { recovered } : {}),
      };
    } catch (e) {
      throw fsFailure(e, root, stage);
    } finally {
      await dropStage(stage);
    }
  });
}

/**
 * The wheel's modules' bytecode, staged beside them (final paths returned): from the wheel cache,
 * compiled there once per interpreter (cache/bytecode.ts); for Python 3.6 (no hash-based .pyc),
 * timestamp .pyc compiled in the stage.
 */
async function stageWheelBytecode(venv: Venv, plan: InstallPlan, cached: CachedWheel, stage: string, linker: Linker, signal?: AbortSignal): Promise<string[]> {
  const root = venv.root;
  const stagedOf = (p: string) => join(stage, 'new', relative(root, p));
  const tag = venv.base?.cacheTag;
  if (cacheableTag(venv.base?.version, tag)) {
    const py = new Set(plan.pyFiles);
    const sources = plan.files.filter((f) => f.source && py.has(f.dest)).map((f) => ({ archive: f.source!, staged: stagedOf(f.dest), dest: f.dest }));
    return (await stageBytecode(venv.paths.python, tag, [{ wheel: cached, sources }], linker, signal))[0]!;
  }
  if (!tag) return [];
  const { compileTimestamp, pycPath } = await import('./compile-pool.js');
  const work = plan.pyFiles.map((p) => ({ path: stagedOf(p), shown: p, out: stagedOf(pycPath(p, tag)), final: pycPath(p, tag) }));
  const written = new Set(await compileTimestamp(venv.paths.python, work, signal));
  return work.filter((w) => written.has(w.out)).map((w) => w.final);
}
