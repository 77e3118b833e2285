// installRequirements: pip install for one environment. Resolve against the configured indexes
// for the env's interpreter, compare with what is installed, fetch + verify + unpack in parallel,
// then install everything as one transaction under the env's lock. Nothing is read from an index
// when what is installed already satisfies the requirements.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createHash } from 'node:crypto';
import type { ProgressEvent, ProgressListener } from '../progress.js';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { buildProgress, type BuildContext, type BuildEvent, type SdistBuilder } from '../build/context.js';
import { canonicalizeName } from '../pep/names.js';
import { checkLockedSize } from '../lock/locked-size.js';
import type { Candidate as IndexFile } from '../index/types.js';
import type { ConfigSettings } from '../build/hooks.js';
import type { PreparedSource } from '../build/prepare-sources.js';
import { STATE_FILE } from '../build/source-state.js';
import { cacheDirOrPrivate } from '../cache/trust.js';
import { parseRequirement } from '../pep/pep508.js';
import { availableParallelism } from 'node:os';
import { closeWheelStore, openWheelStore, type CachedWheel, type WheelStore } from '../cache/wheels.js';
import { UnpackPool, unpackHere } from './unpack-pool.js';
import { CompileAhead } from './compile-ahead.js';
import { cacheableTag } from '../cache/bytecode.js';
import { workerFile, type WorkersOption } from './worker-file.js';
import { VenvkitError } from '../errors.js';
import { abortable, throwIfInterrupted } from '../install/interrupted.js';
import type { Recovered } from '../install/journal.js';
import { repairEnv } from '../install/recover.js';
import { recoverEnv } from '../install/journal.js';
import type { LinkMode } from '../install/link.js';
import type { IndexFlags } from '../index/pip-config.js';
import { IndexClient } from '../index/index-client.js';
import { compareVersions, tryParseVersion } from '../pep/pep440.js';
import type { IndexCandidate } from '../resolver/index-provider.js';
import { resolveRequirements } from '../resolver/resolve-index.js';
import type { Resolution, ResolvedPackage } from '../resolver/types.js';
import type { Venv } from '../venv/types.js';
import type { InterpreterInfo } from '../python/types.js';
import type { ResolvedForReport } from './report.js';
import { readDists, type DistInfo } from '../installed/dists.js';
import type { RequirementInputs } from './inputs.js';
import { precheck, type FastPathResult } from './fast-path.js';
import { installedFrom } from '../installed/dependencies.js';
import { lockEnv } from '../install/env-lock.js';
import { sameVersion } from '../install/versions.js';
import { applyTransaction } from './transaction.js';
import { ResolutionReuse } from './resolution-reuse.js';

export interface InstallOptions {
  /** Index flags over pip's configuration (--index-url, --extra-index-url, --find-links, --no-index, --pre, --require-hashes). */
  index?: IndexFlags;
  noDeps?: boolean;
  /** -U: upgrade the named requirements to the newest allowed versions (their dependencies only if needed, as pip). */
  upgrade?: boolean;
  /** With `upgrade`: 'eager' upgrades every dependency too (pip's --upgrade-strategy eager); default 'only-if-needed'. */
  upgradeStrategy?: 'only-if-needed' | 'eager';
  forceReinstall?: boolean;
  dryRun?: boolean;
  /** Use no cache (downloads, index pages, unpacked wheels): wheels are unpacked into a private temp dir. */
  noCache?: boolean;
  linkMode?: LinkMode;
  /** Byte-compile the installed modules (default true: bytecode from the wheel cache, see cache/bytecode.ts); false: none. */
  compile?: boolean;
  /** How many downloads run at once (default 8). */
  parallel?: number;
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /** Progress of every phase (resolve, download with bytes, unpack, build, install), as every long call reports it (progress.ts). */
  onProgress?: ProgressListener;
  /** @deprecated The events before onProgress; kept for hosts that use them. */
  onEvent?: (e: InstallEvent) => void;
  onWarning?: (message: string) => void;
  /** Notes worth showing with -v (index links that were ignored, and why). */
  onNote?: (message: string) => void;
  /** Unpack worker threads: `false` (unpack on the calling thread) or `{ path }` of the worker file; see WorkersOption. */
  workers?: WorkersOption;
  /** The fast path's answer when the caller already ran precheck (the CLI does, to load less). */
  prechecked?: FastPathResult;
  /** @internal The build environments being filled above this install (to stop build-requirement cycles). */
  buildChain?: readonly string[];
  /** false: --no-build-isolation (build local projects with the target env as it is). */
  buildIsolation?: boolean;
  /**
   * -C/--config-settings for the build backends, as pip applies them: to the builds of `requirements`
   * and `editables` only. A requirements-file line is built with its own `-C` (none without one);
   * groups and dependencies with none.
   */
  configSettings?: ConfigSettings;
  /** Where editable VCS checkouts go: `<srcDir>/<name>` (pip's --src; default `<env>/src`). */
  srcDir?: string;
  /** Show the build backends' output live. */
  verbose?: boolean;
  /**
   * Cancels the install: before its commit the env is left unchanged (INTERRUPTED, exit code 130);
   * once the commit has started it completes. The library adds no signal handlers of its own: the
   * host wires Ctrl-C to this (the CLI does).
   */
  signal?: AbortSignal;
  /** -I/--ignore-installed: resolve and install as if nothing were installed (files already there are overwritten). */
  ignoreInstalled?: boolean;
  /** Resolve for another interpreter than the env's (install/target-python.ts): its facts and wheel tags. */
  targetPython?: { info: InterpreterInfo; tags: string[] };
  /** --only-deps: install what the requirements depend on, not the requirements themselves (nor any of them another needs), as pip. */
  onlyDeps?: boolean;
  /** --ignore-requires-python: candidates are chosen whatever their Requires-Python says. */
  ignoreRequiresPython?: boolean;
  /** --build-constraint: constraints files applied when filling build environments only (not to this install). */
  buildConstraints?: string[];
  /** Called with the resolution before anything is installed (also with dryRun): --report (plan-apply/report.ts) reads it. */
  onResolved?: (resolved: ResolvedForReport) => Promise<void>;
}

export type InstallEvent =
  | { kind: 'resolving' }
  | { kind: 'resolved'; packages: number; ms: number }
  | { kind: 'download'; name: string; received: number; total?: number }
  | { kind: 'fetched'; name: string; done: number; count: number; bytes: number }
  | { kind: 'installing'; count: number }
  | { kind: 'waiting-for-lock'; pid: number }
  | { kind: 'building-sources'; count: number }
  | { kind: 'build'; event: BuildEvent };

export type Action = 'keep' | 'install' | 'upgrade' | 'downgrade' | 'reinstall';

export interface ReportPackage {
  name: string;
  version: string;
  action: Action;
  /** The version it replaces, if any. */
  previous?: string;
  /** The wheel it comes from. */
  url?: string;
  requested: boolean;
  requiredBy: string[];
  extras: string[];
}

export interface InstallReport {
  env: string;
  dryRun: boolean;
  /** True when the installed set already satisfied everything and no index was read. */
  alreadySatisfied: boolean;
  /** Everything the resolution chose (empty when alreadySatisfied). */
  resolved: ReportPackage[];
  /** What was (or, with dryRun, would be) installed. */
  installed: ReportPackage[];
  /** What was removed because it was replaced. */
  removed: { name: string; version: string }[];
  linkMode?: LinkMode;
  /** Transactions a killed venvkit had left in the env, finished (forward or back) first. */
  recovered?: Recovered[];
  timings: { resolveMs: number; fetchMs: number; installMs: number; totalMs: number };
  /** How many wheels worker threads unpacked (the others came from the cache or were unpacked on the calling thread). */
  workerUnpacks: number;
  /**
   * The resolution cache (resolution-reuse.ts), when the resolver was asked: 'hit' (the resolution of an
   * earlier install with the same inputs, nothing it read changed), 'stored', 'not-stored' (it read
   * something that cannot be checked again), 'off' (not used for this install).
   */
  resolutionCache?: 'hit' | 'stored' | 'not-stored' | 'off';
}

function actionFor(p: ResolvedPackage<IndexCandidate>, have: DistInfo | undefined, force: boolean, directUrl: string | undefined): Action {
  if (!have) return 'install';
  const a = tryParseVersion(have.version);
  const b = tryParseVersion(p.version);
  const cmp = a && b ? compareVersions(a, b) : have.version === p.version ? 0 : -1;
  if (cmp === 0) {
    const otherSource = directUrl !== undefined && !installedFrom(have, directUrl);
    return force || otherSource ? 'reinstall' : 'keep';
  }
  return cmp < 0 ? 'upgrade' : 'downgrade';
}

function describeFailure(p: ResolvedPackage<IndexCandidate>): string {
  return p.candidate.unusable ? `${p.name} ${p.version} ${p.candidate.unusable}` : `${p.name} ${p.version} has no file to install`;
}

/** Run `tasks` with at most `limit` at once; the first failure rejects (others finish in the background). */
export async function pool<T, R>(items: T[], limit: number, run: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await run(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}


/** A PEP 610 direct_url of an editable install (never byte-compiled). */
const isEditable = (u: object | undefined) => (u as { dir_info?: { editable?: boolean } } | undefined)?.dir_info?.editable === true;

/** A file's size before it is fetched: the index's (PEP 700), a local file's, or 0 when unknown. */
function sizeOf(file: IndexFile, built: string | undefined): number {
  if (file.size !== undefined) return file.size;
  if (built) return fileSize(built);
  if (!file.url.startsWith('file:')) return 0;
  try {
    return fileSize(fileURLToPath(file.url.replace(/#.*$/, '')));
  } catch {
    return 0;
  }
}

function fileSize(path: string): number {
  try {
    return statSync(path).size;
  } catch {
    return 0;
  }
}

/** Install requirements into `venv` (see the module comment). */
export async function installRequirements(venv: Venv, inputs: RequirementInputs, options: InstallOptions = {}): Promise<InstallReport> {
  const started = Date.now();
  const env = options.env ?? process.env;
  const emit = options.onEvent ?? (() => {});
  const progress: ProgressListener = options.onProgress ?? (() => {});
  const report: InstallReport = {
    env: venv.root, dryRun: !!options.dryRun, alreadySatisfied: false, resolved: [], installed: [], removed: [],
    timings: { resolveMs: 0, fetchMs: 0, installMs: 0, totalMs: 0 },
    workerUnpacks: 0,
  };
  const signal = options.signal;
  throwIfInterrupted(signal);
  const lockOptions = { signal, onWait: (pid: number) => (emit({ kind: 'waiting-for-lock', pid }), progress({ phase: 'wait', name: venv.root, pid, done: 0 })) };
  // What a killed venvkit left is finished first: what is installed is read after that.
  if (!options.prechecked) {
    const recovered = await repairEnv(venv.root, lockOptions);
    if (recovered.length) report.recovered = recovered;
  }
  const fast = options.prechecked ?? (await precheck(venv, inputs, options.index ?? {}, { env, cwd: options.cwd, skip: options.upgrade || options.forceReinstall || options.ignoreInstalled || options.onlyDeps, configSettings: options.configSettings }));
  const collected = fast.collected;
  if (collected.requirements.length + collected.local.length === 0) throw new VenvkitError('USAGE', 'install: nothing to install (give requirements, wheel files, or -r FILE)');
  if (!venv.base) throw new VenvkitError('PYTHON_NOT_FOUND', `The base interpreter of ${venv.root} cannot be found, so what to install for it is unknown`, { hint: 'Recreate the environment with `venvkit create`.' });
  let dists = options.ignoreInstalled ? [] : fast.dists;
  let byName = new Map(dists.map((d) => [d.normalizedName, d]));
  if (fast.satisfied && !options.ignoreInstalled && !options.onlyDeps) {
    report.alreadySatisfied = true;
    report.timings.totalMs = Date.now() - started;
    return report;
  }

  const warned = new Set<string>();
  const warnOnce = (m: string) => {
    // "index URL could not be read, continuing without it: <why, naming the project>": once per index.
    const key = /^index \S+ could not be read/.exec(m)?.[0] ?? m;
    if (!warned.has(key)) options.onWarning?.(m);
    warned.add(key);
    reuse?.warned(m);
  };
  const preferred = new Map(dists.map((d) => [d.normalizedName, d.version]));
  // A warm install of the same requirements against unchanged pages uses its resolution again (resolution-reuse.ts).
  const reuse = ResolutionReuse.for({
    collected, interpreter: options.targetPython?.info ?? venv.base, ...(options.targetPython ? { tags: options.targetPython.tags } : {}), preferred,
    upgrade: options.upgrade, upgradeStrategy: options.upgradeStrategy, noDeps: options.noDeps, ignoreRequiresPython: options.ignoreRequiresPython, noCache: options.noCache, env,
  });
  const client = new IndexClient({ settings: collected.settings, env, onWarning: warnOnce, onNote: options.onNote, ...(options.noCache ? { cacheDir: false as const } : {}), ...(collected.locked ? { locked: collected.locked } : {}), ...(reuse ? { witness: reuse.witness } : {}) });
  // Local projects and sdists are built first; their wheels then go through the resolver with the rest.
  const built = new Map<string, PreparedSource>();
  // The hashes a file must match. Hash-checking mode: its requirement line's --hash values. Outside
  // it (--no-require-hashes, or a --hash only on a constraint), as pip (trust_internet): those of a
  // line that has some, or the one the index gives for the file.
  const lineHashes = (name: string, file: IndexFile): string[] | undefined => {
    // A wheel built here from a local sdist: the sdist was checked against its line's hashes.
    if (built.get(file.url)?.source.hashes?.length) return undefined;
    const pinned = collected.pins.get(name) ?? collected.pins.get(file.url);
    if (collected.hashMode || !pinned?.length) return collected.hashMode ? pinned : undefined;
    return [...pinned, ...Object.entries(file.hashes ?? {}).map(([algo, hex]) => `${algo}:${hex.toLowerCase()}`)];
  };
  const workDir = lazyBuildWorkDir(env);
  // Build envs are filled with the same index settings (and format control): say each index warning once.
  const ctx = buildContext({
    env, verbose: options.verbose, signal: options.signal, index: options.index, noCache: options.noCache, linkMode: options.linkMode,
    workers: options.workers, buildChain: options.buildChain, onWarning: warnOnce, buildConstraints: options.buildConstraints,
    onEvent: (event) => (emit({ kind: 'build', event }), progress(buildProgress(event))),
  });
  // Settings come with each source and name (collectInputs: pip's rules), never for everything.
  const buildOptions = (configSettings?: ConfigSettings) => ({ ctx, interpreter: venv.base!, isolation: options.buildIsolation !== false, targetPython: venv.paths.python, configSettings, workDir: workDir.get() });
  // sdists from the indexes: the frontend is loaded only when the resolver meets one. A project
  // with settings (named on the command line with -C, or a requirements-file line's -C) gets a
  // builder with those (pip: that build only); a dependency gets none.
  const sdistBuilders = new Map<string, Promise<SdistBuilder>>();
  const builder = (name: string) => {
    const own = collected.configByName?.get(canonicalizeName(name));
    const key = own ? canonicalizeName(name) : '';
    let b = sdistBuilders.get(key);
    if (!b) sdistBuilders.set(key, (b = import('../build/prepare-sources.js').then(({ IndexSdists }) => new IndexSdists({
    ...buildOptions(own),
    download: async (file) => {
      const required = lineHashes(canonicalizeName(file.name), file as IndexFile);
      const got = await client.download(file as IndexFile, { requiredHashes: required });
      if (collected.locked?.has(canonicalizeName(file.name))) checkLockedSize(`${(file as IndexFile).source} (${file.name})`, (file as IndexFile).size, file.url, got.path);
      return { path: got.path, sha256: got.hashes.sha256! };
    },
  }))));
    return b;
  };
  const sdists: SdistBuilder = {
    metadata: async (f) => {
      reuse?.witness.spoil(`the metadata of ${f.filename} is built`);
      return (await builder(f.name)).metadata(f);
    },
    wheel: async (f) => (await builder(f.name)).wheel(f),
  };
  try {
    if (collected.local.length) {
      emit({ kind: 'building-sources', count: collected.local.length });
      progress({ phase: 'build', step: 'sources', name: '', done: 0, total: collected.local.length });
      const { prepareLocalSources } = await import('../build/prepare-sources.js');
      // A pylock.toml archive at a URL with a subdirectory: downloaded and checked first.
      if (collected.local.some((s) => s.fetch)) collected.local = await (await import('../lock/pylock-install.js')).fetchLockedArchives(collected.local, client);
      const prepared = await prepareLocalSources(collected.local, { ...buildOptions(), srcDir: options.srcDir ?? join(venv.root, 'src') });
      for (const p of prepared) {
        const url = pathToFileURL(p.wheelPath).href;
        built.set(url, p);
        const extras = p.source.extras.length ? `[${p.source.extras.join(',')}]` : '';
        collected.requirements.push(parseRequirement(`${p.name}${extras} @ ${url}${p.source.marker ? ` ${p.source.marker}` : ''}`));
      }
    }
    emit({ kind: 'resolving' });
    progress({ phase: 'resolve', name: '', done: 0 });
    const t0 = Date.now();
    const resolution: Resolution<IndexCandidate> = (await reuse?.get(client, warnOnce)) ?? await abortable(resolveRequirements(collected.requirements, {
      index: client,
      venv,
      ...(options.targetPython ? { interpreter: options.targetPython.info, tags: options.targetPython.tags } : {}),
      constraints: collected.constraints,
      preferred,
      upgrade: options.upgrade ? (options.upgradeStrategy === 'eager' || new Set(collected.requirements.map((r) => r.key))) : undefined,
      noDeps: options.noDeps,
      sdists,
      ...(collected.hashMode ? { allowedHashes: collected.pins } : {}),
      ...(options.ignoreRequiresPython ? { ignoreRequiresPython: true } : {}),
    }).then((r) => {
      reuse?.set(r);
      return r;
    }), signal);
    // --only-deps: the user's requirements are left out, even where another of them depends on one (pip's resolver does the same).
    if (options.onlyDeps) resolution.packages = resolution.packages.filter((p) => !p.requiredBy.includes(''));
    report.timings.resolveMs = Date.now() - t0;
    report.resolutionCache = reuse?.status ?? 'off';
    emit({ kind: 'resolved', packages: resolution.packages.length, ms: report.timings.resolveMs });
    progress({ phase: 'resolve', name: '', done: resolution.packages.length, total: resolution.packages.length, ms: report.timings.resolveMs });

    const unusable = resolution.packages.filter((p) => !p.candidate.file || p.candidate.unusable);
    if (unusable.length) {
      throw new VenvkitError('NO_WHEEL', unusable.map(describeFailure).join('\n'), { hint: 'Use a version with a file for this interpreter, or check the `formatControl` option.' });
    }
    if (collected.hashMode) {
      const unpinned = resolution.packages.filter((p) => !built.get(p.candidate.file!.url)?.source.fromLock && !built.get(p.candidate.file!.url)?.source.hashes?.length && !(collected.pins.get(p.name)?.length || collected.pins.get(p.candidate.file!.url)?.length));
      if (unpinned.length) {
        throw new VenvkitError('BAD_REQUIREMENT', `in hash-checking mode every package needs a --hash, and these dependencies have none: ${unpinned.map((p) => `${p.name}==${p.version}`).join(', ')}`, {
          hint: 'Add them, pinned with --hash, to the requirements file (or use the `noDeps` option).',
        });
      }
    }
    const directReqs = new Map(collected.requirements.filter((r) => r.url).map((r) => [r.key, r.url!]));
    for (const p of resolution.packages) {
      const have = byName.get(p.name);
      const action = actionFor(p, have, !!options.forceReinstall, directReqs.get(p.name));
      const entry: ReportPackage = {
        name: p.name, version: p.version, action,
        ...(have && action !== 'keep' ? { previous: have.version } : {}),
        url: p.candidate.file!.url, requested: p.requiredBy.includes(''), requiredBy: p.requiredBy.filter((r) => r !== ''), extras: p.extras,
      };
      report.resolved.push(entry);
      if (action !== 'keep') report.installed.push(entry);
    }
    if (options.onResolved) {
      await options.onResolved({
        packages: resolution.packages.filter((p) => report.installed.some((i) => i.url === p.candidate.file!.url)),
        requirements: collected.requirements,
        directUrlOf: (url) => built.get(url)?.directUrl,
        metadataText: async (p) => (p.candidate.sdist ? ((await sdists.metadata(p.candidate.file!)) as { text?: string }).text : (await client.fetchMetadata(p.candidate.file!)).text) ?? '',
      });
    }
    if (options.dryRun || report.installed.length === 0) {
      report.timings.totalMs = Date.now() - started;
      return report;
    }
    // Wheels of the sdists chosen, built (or taken from the built-wheel cache) before the env is locked.
    const fromSdists = new Map<string, string>();
    for (const p of resolution.packages) {
      if (p.candidate.sdist && report.installed.some((i) => i.url === p.candidate.file!.url)) fromSdists.set(p.candidate.file!.url, await sdists.wheel(p.candidate.file!));
    }

    throwIfInterrupted(signal);
    const lock = await lockEnv(venv.root, lockOptions);
    try {
      {
        const recovered = recoverEnv(venv.root);
        if (recovered.length) report.recovered = [...(report.recovered ?? []), ...recovered];
        // What is installed may have changed while we waited for the lock.
        dists = options.ignoreInstalled ? [] : readDists(venv.paths);
        byName = new Map(dists.map((d) => [d.normalizedName, d]));
        const todo = resolution.packages.filter((p) => report.installed.some((i) => i.url === p.candidate.file!.url));
        const t1 = Date.now();
        let done = 0;
        const store = openWheelStore(env, { noCache: options.noCache });
        const workers = todo.length > 2 ? workerFile(options.workers) : undefined;
        if (todo.length > 2 && !workers && options.workers !== false) options.onWarning?.('venvkit: the unpack worker file (venvkit-worker.cjs) was not found; unpacking on the calling thread (pass workers: { path } to name it, or workers: false)');
        // Bytecode: each wheel compiled as soon as it is unpacked (compile-ahead.ts).
        const tag = venv.base.cacheTag;
        const ahead = options.compile !== false && cacheableTag(venv.base.version, tag) ? new CompileAhead(venv.paths.python, tag, signal) : undefined;
        const unpacker = new UnpackPool(workers, todo.length > 2 ? Math.min(4, availableParallelism() + 1) : 0, store);
        try {
          const received = new Map<string, number>();
          let fetched = 0;
          const bytes = () => [...received.values()].reduce((a, b) => a + b, 0);
          // The biggest wheels first: their unpacking and compiling is the longest, and must not be what is left at the end.
          const sizes = todo.map((p) => sizeOf(p.candidate.file!, fromSdists.get(p.candidate.file!.url)));
          const bySize = todo.map((p, i) => ({ p, i })).sort((a, b) => sizes[b.i]! - sizes[a.i]!);
          const wheels: CachedWheel[] = new Array(todo.length);
          await abortable(pool(bySize, options.parallel ?? 8, async ({ p, i }): Promise<void> => {
            throwIfInterrupted(signal);
            const file = p.candidate.file!;
            const required = lineHashes(p.name, file);
            const builtWheel = fromSdists.get(file.url);
            const got = builtWheel
              ? { path: builtWheel, hashes: {} as Record<string, string> }
              : await client.download(file, { requiredHashes: required, onProgress: (n, total) => {
                received.set(p.name, n);
                emit({ kind: 'download', name: p.name, received: n, total });
                progress({ phase: 'download', name: p.name, bytes: n, totalBytes: total, allBytes: bytes(), done: fetched, total: todo.length });
              } });
            if (!builtWheel && collected.locked?.has(p.name)) checkLockedSize(`${file.source} (${p.name})`, file.size, file.url, got.path);
            // A file:// or find-links file is not streamed: one event with its size.
            if (!received.has(p.name) && !builtWheel) {
              const size = fileSize(got.path);
              received.set(p.name, size);
              progress({ phase: 'download', name: p.name, bytes: size, totalBytes: size, allBytes: bytes(), done: fetched, total: todo.length });
            }
            fetched++;
            const sha = got.hashes.sha256;
            // A cache hit costs one small read: no worker needed (its files are checked as they are placed).
            const wheel = sha && store.root && existsSync(join(store.root, sha, 'wheel.json')) ? unpackHere(got.path, sha, store) : await unpacker.unpack(got.path, sha);
            if (wheel.manifest.normalizedName !== p.name || wheel.manifest.version !== p.version && !sameVersion(wheel.manifest.version, p.version)) {
              throw new VenvkitError('BAD_WHEEL', `${file.filename} holds ${wheel.manifest.name} ${wheel.manifest.version}, not ${p.name} ${p.version}`, { hint: 'The index serves a wheel whose metadata does not match its name.' });
            }
            if (ahead && !isEditable(built.get(file.url)?.directUrl)) ahead.add(wheel);
            done++;
            emit({ kind: 'fetched', name: p.name, done, count: todo.length, bytes: bytes() });
            progress({ phase: 'unpack', name: p.name, done, total: todo.length });
            wheels[i] = wheel;
          }), signal).finally(() => unpacker.close()); // workers gone before the commit: a process started then (the byte-compilers) forks a smaller process
          todo.forEach((p, i) => {
            const e = report.installed.find((x) => x.url === p.candidate.file!.url);
            if (e) e.name = wheels[i]!.manifest.name;
          });
          report.workerUnpacks = unpacker.workerJobs;
          report.timings.fetchMs = Date.now() - t1;
          const t2 = Date.now();
          emit({ kind: 'installing', count: todo.length });
          const items = todo.map((p, i) => {
            const have = byName.get(p.name);
            const file = p.candidate.file!;
            const isDirect = directReqs.has(p.name);
            const local = built.get(file.url);
            return {
              wheel: wheels[i]!,
              replaces: have ? [have] : [],
              requested: p.requiredBy.includes('') || !!have?.requested,
              ...(local
                ? { directUrl: local.directUrl, ...(local.state ? { extraMeta: { [STATE_FILE]: JSON.stringify({ state: local.state }) } } : {}) }
                : collected.lockedDirect?.has(p.name) ? { directUrl: collected.lockedDirect.get(p.name) }
                : isDirect ? { directUrl: { url: file.url, archive_info: { hash: `sha256=${wheels[i]!.manifest.sha256}`, hashes: { sha256: wheels[i]!.manifest.sha256 } } } } : {}),
            };
          });
          const result = await applyTransaction(venv, items, { linkMode: options.linkMode, compile: options.compile, signal, onProgress: options.onProgress, ...(ahead ? { compiledAhead: ahead.ready } : {}) });
          for (const item of items) for (const d of item.replaces) report.removed.push({ name: d.name, version: d.version });
          report.linkMode = result.linkMode;
          report.timings.installMs = Date.now() - t2;
          report.timings.totalMs = Date.now() - started;
          return report;
        } finally {
          ahead?.close();
          await unpacker.close();
          closeWheelStore(store);
        }
      }
    } finally {
      lock.release();
    }
  } finally {
    client.close();
    workDir.remove();
  }
}

/** What a call that builds passes on to the build envs it fills (the caller's own settings). */
export interface BuildEnvSettings {
  env: NodeJS.ProcessEnv;
  verbose?: boolean;
  signal?: AbortSignal;
  index?: IndexFlags;
  noCache?: boolean;
  linkMode?: LinkMode;
  workers?: WorkersOption;
  /** The build requirement sets above this call (cycle guard). */
  buildChain?: readonly string[];
  onWarning?: (message: string) => void;
  onEvent?: (e: BuildEvent) => void;
  /** --build-constraint files: every build env is filled under them. */
  buildConstraints?: string[];
}

/**
 * The build frontend's context for install, sync and build: build envs are filled by
 * installRequirements with the caller's index settings; build-env.ts may ask for its own link mode
 * and no workers; each level adds its requirement set to the chain, so a cycle is stopped.
 */
export function buildContext(o: BuildEnvSettings): BuildContext {
  return {
    env: o.env, verbose: o.verbose, signal: o.signal, onEvent: o.onEvent, chain: o.buildChain,
    ...(o.buildConstraints?.length ? { constraintsKey: constraintsKey(o.buildConstraints) } : {}),
    install: async (target, requirements, how) => {
      const chain = [...(o.buildChain ?? []), [...requirements].sort().join(', ')];
      await installRequirements(target, { requirements, constraintFiles: o.buildConstraints ?? [] }, {
        index: o.index, env: o.env, noCache: o.noCache, onWarning: o.onWarning, linkMode: how.linkMode ?? o.linkMode, workers: how.workers ?? o.workers, buildChain: chain, signal: o.signal,
        ...(o.buildConstraints?.length ? { buildConstraints: o.buildConstraints } : {}),
      });
    },
  };
}

/** A build work directory under the cache, made on first use; `remove()` deletes it if it was made. */
export function lazyBuildWorkDir(env: NodeJS.ProcessEnv): { get(): string; remove(): void } {
  let dir: string | undefined;
  return {
    get() {
      if (!dir) {
        mkdirSync(cacheDirOrPrivate('build', env), { recursive: true });
        dir = mkdtempSync(join(cacheDirOrPrivate('build', env), 'work-'));
      }
      return dir;
    },
    remove() {
      if (dir) rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** What the --build-constraint files say (paths and contents), as a build env key. */
function constraintsKey(files: readonly string[]): string {
  const h = createHash('sha256');
  for (const f of files) {
    h.update(`${f}\0`);
    try {
      h.update(readFileSync(f));
    } catch {
      h.update('(unreadable)'); // the install that fills the build env reports it
    }
    h.update('\0');
  }
  return h.digest('hex').slice(0, 16);
}
