// Carrying out a sync plan: find each file to install (the lock's URL or path; for a requirements
// file, the index file whose hash the lock pins, or for a pin without hashes the one an install would choose), build the sdists among them (src/build), then
// under the env's lock download + verify every hash + unpack, and install, replace and remove in
// ONE transaction (plan-apply/transaction.ts): a failure anywhere leaves the env as it was.
import { availableParallelism } from 'node:os';
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { buildProgress, type SdistBuilder } from '../build/context.js';
import type { LocalSource } from '../build/local-source.js';
import type { PreparedSource } from '../build/prepare-sources.js';
import { sourceState, STATE_FILE } from '../build/source-state.js';
import { canonicalizeName } from '../pep/names.js';
import { closeWheelStore, openWheelStore, type CachedWheel } from '../cache/wheels.js';
import { isVenvkitError, VenvkitError } from '../errors.js';
import { IndexClient } from '../index/index-client.js';
import { FormatControl } from '../index/format-control.js';
import { applyFileOptions, applyFlags, checkBooleans, loadPipConfig } from '../index/pip-config.js';
import type { Candidate } from '../index/types.js';
import { pickFile, requiresPythonFits } from '../index/pick-file.js';
import { throwIfInterrupted } from '../install/apply.js';
import { lockEnv } from '../install/env-lock.js';
import { recoverEnv } from '../install/journal.js';
import { sameVersion } from '../install/versions.js';
import { readDists, type DistInfo } from '../installed/dists.js';
import { markerEnvironment } from '../pep/markers.js';
import { compatibleTags } from '../pep/tags.js';
import { buildContext, lazyBuildWorkDir, pool } from '../plan-apply/install.js';
import { abortable } from '../install/interrupted.js';
import { applyTransaction } from '../plan-apply/transaction.js';
import { UnpackPool, unpackHere } from '../plan-apply/unpack-pool.js';
import { workerFile } from '../plan-apply/worker-file.js';
import { checkLockedSize } from '../lock/locked-size.js';
import { lockedDownloadError } from '../lock/pylock-install.js';
import type { ProgressListener } from '../progress.js';
import type { Venv } from '../venv/types.js';
import { planSync } from './plan.js';
import type { LockTarget, LockTargets } from './read-lock.js';
import { directKind, srcDirOf, type SyncOptions, type SyncReport } from './sync.js';

interface Located {
  target: LockTarget;
  /** source: a directory or VCS entry, built by src/build. */
  kind: 'wheel' | 'sdist' | 'source';
  candidate: Candidate;
  /** `algo:hex`: the file must match one. */
  required: string[];
}

/** PEP 751: a file whose entry gives its `size` must have that size (checked after its hashes). */
function checkSize(l: Located, path: string): void {
  checkLockedSize(`${l.target.where} (${l.target.name})`, l.target.file?.file.size, l.candidate.url, path);
}

const asRequired = (hashes: Record<string, string>) => Object.entries(hashes).map(([a, h]) => `${a}:${h}`);

/**
 * The file of a requirements-file pin, as pip 26.2 and `venvkit install name==version` choose it
 * (index/pick-file.ts): among the formats --no-binary / --only-binary (the file's, pip's
 * configuration's) allow, a file whose Requires-Python admits the interpreter, one with a pinned
 * hash (in hash-checking mode), not yanked, the most specific wheel... A pin without hashes is
 * checked against the hash the index gives for the file.
 */
async function fromIndex(t: LockTarget, client: IndexClient, tags: readonly string[], formats: FormatControl, python: string, onWarning?: (message: string) => void): Promise<Located> {
  const project = await client.project(t.name);
  const allowed = formats.allowedFormats(t.name);
  const wheels = project.candidates.filter((c) => sameVersion(c.version, t.version));
  const sdists = project.sdists.filter((c) => sameVersion(c.version, t.version));
  const pinned = t.hashes?.length ? t.hashes : undefined;
  const got = pickFile(wheels, sdists, { tags, python, formats: allowed, ...(pinned ? { allowedHashes: pinned } : {}) });
  // A file whose hashes the index gives must have a pinned one; others are checked when downloaded.
  const hashOk = (c: Candidate) => !pinned || Object.keys(c.hashes).length === 0 || Object.entries(c.hashes).some(([a, h]) => pinned.includes(`${a}:${h.toLowerCase()}`));
  if (got?.fitsPython && hashOk(got.file)) {
    const c = got.file;
    if (c.yanked) onWarning?.(`${t.where}: ${t.name} ${t.version} is yanked (${c.filename})${typeof c.yanked === 'string' && c.yanked ? `: ${c.yanked}` : ''}; installing it because the file pins it`);
    return { target: t, kind: got.kind, candidate: c, required: pinned ?? [] };
  }
  const looked = [...client.indexes(), ...client.settings.findLinks].join(', ') || 'no index';
  const files = [...wheels, ...sdists];
  const only = allowed.size < 2 ? `; only ${allowed.has('binary') ? 'wheels' : 'sdists'} are allowed` : '';
  if (got && !got.fitsPython) {
    const excluded = files.filter((c) => !requiresPythonFits(c.requiresPython, python)).map((c) => `${c.filename} (Requires-Python ${c.requiresPython})`);
    throw new VenvkitError('INDEX_ERROR', `${t.where}: no file of ${t.name} ${t.version} fits Python ${python}: ${excluded.join(', ')} (looked in ${looked})`, {
      hint: 'Lock again for this interpreter, or pin a version that has a file for it.',
    });
  }
  if (pinned) {
    const named = allowed.size < 2 ? ` (only ${allowed.has('binary') ? 'wheels: --only-binary names it' : 'sdists: --no-binary names it'})` : '';
    throw new VenvkitError('INDEX_ERROR', `${t.where}: no index serves a file of ${t.name} ${t.version} for this interpreter with one of the pinned hashes${named} (looked in ${looked})`, {
      hint: named ? 'Pin the hash of a file of the allowed format, or change --no-binary / --only-binary.' : 'Check the index settings (pip config list, the `indexUrl` option), or lock again against the indexes you use.',
    });
  }
  const why = files.length === 0 ? `no index serves ${t.name} ${t.version}` : `no file of ${t.name} ${t.version} can be installed here (${files.map((f) => f.filename).slice(0, 4).join(', ')}${only})`;
  throw new VenvkitError('INDEX_ERROR', `${t.where}: ${why} (looked in ${looked})`, {
    hint: files.length === 0
      ? 'Check the version and the index settings (pip config list, the `indexUrl` option), or lock again against the indexes you use.'
      : 'Lock again for this interpreter, or pin a version that has a file for it.',
  });
}

function fromLock(t: LockTarget): Located {
  if (t.source) return { target: t, kind: 'source', required: [], candidate: { name: t.name, version: t.version, filename: t.name, url: t.direct!.url, hashes: {}, yanked: false, source: t.where } };
  const f = t.file!;
  return {
    // An archive that is not a wheel is built as local source is (from its subdirectory, if it names one).
    target: t, kind: t.direct && f.kind === 'sdist' ? 'source' : f.kind, required: t.hashes?.length ? t.hashes : asRequired(f.file.hashes),
    candidate: { name: t.name, version: t.version, filename: f.file.name, url: f.url.split('#', 1)[0]!, hashes: f.file.hashes, yanked: false, source: t.where },
  };
}

/** Carries out the sync of `venv` to `lock` (see the module comment); fills and returns `report`. */
export async function applySync(venv: Venv, lock: LockTargets, report: SyncReport, options: SyncOptions): Promise<SyncReport> {
  const started = Date.now();
  const env = options.env ?? process.env;
  const progress: ProgressListener = options.onProgress ?? (() => {});
  const signal = options.signal;
  const tags = compatibleTags(venv.base!);
  const config = loadPipConfig({ env });
  checkBooleans(config);
  let settings = config.settings;
  if (lock.fileOptions) settings = applyFileOptions(settings, lock.fileOptions);
  settings = applyFlags(settings, options.index ?? {});
  const client = new IndexClient({ settings, env, onWarning: options.onWarning, ...(options.noCache ? { cacheDir: false as const } : {}) });
  const workDir = lazyBuildWorkDir(env);
  const ctx = buildContext({
    env, verbose: options.verbose, signal, index: options.index, noCache: options.noCache, linkMode: options.linkMode,
    onWarning: options.onWarning, onEvent: (event) => progress(buildProgress(event)),
  });
  // One builder per set of build settings: the sync's, or a requirements-file line's own `-C`.
  const sdistBuilders = new Map<string, Promise<SdistBuilder>>();
  const located = new Map<string, Located>();
  const sdists = (t: LockTarget) => {
    const configSettings = t.configSettings ?? options.configSettings;
    const key = JSON.stringify(configSettings ?? null);
    let b = sdistBuilders.get(key);
    if (!b) sdistBuilders.set(key, (b = newSdists(configSettings)));
    return b;
  };
  const newSdists = (configSettings: SyncOptions['configSettings']) => import('../build/prepare-sources.js').then(({ IndexSdists }) => new IndexSdists({
    ctx, interpreter: venv.base!, isolation: options.buildIsolation !== false, targetPython: venv.paths.python, configSettings, workDir: workDir.get(),
    download: async (file) => {
      const l = located.get(file.url);
      const got = await client.download(file as Candidate, { requiredHashes: l?.required ?? [] });
      if (l) checkSize(l, got.path);
      return { path: got.path, sha256: got.hashes.sha256! };
    },
  }));
  const formats = FormatControl.from(settings.formatControl ?? []);
  const python = markerEnvironment(venv.base!).python_full_version;
  const locate = (t: LockTarget) => (t.file || t.source ? Promise.resolve(fromLock(t)) : fromIndex(t, client, tags, formats, python, options.onWarning));
  // An archive entry's sdist: downloaded (hashes and size checked), then built as a local sdist.
  const archiveSource = async (t: LockTarget): Promise<LocalSource> => {
    const l = [...located.values()].find((x) => x.target === t) ?? fromLock(t);
    const got = await client.download(l.candidate, { requiredHashes: l.required }).catch((e: unknown) => {
      throw lockedDownloadError(e, `${t.where} (${t.name})`);
    });
    checkSize(l, got.path);
    const sub = t.direct!.subdirectory;
    return { kind: 'sdist', path: got.path, url: t.direct!.url, editable: false, extras: [], marker: '', text: `${t.where}: ${t.direct!.url}${sub ? `#subdirectory=${sub}` : ''}`, name: t.name, fromLock: true, ...(sub ? { subdirectory: sub } : {}), ...(t.configSettings ? { configSettings: t.configSettings } : {}) };
  };
  // Directory and VCS entries, built as install builds local source (a VCS checkout by its commit, cached).
  const prepared = new Map<LockTarget, PreparedSource>();
  const prepare = async (t: LockTarget): Promise<PreparedSource> => {
    let p = prepared.get(t);
    if (!p) {
      const { prepareLocalSources } = await import('../build/prepare-sources.js');
      [p] = await prepareLocalSources([t.source ? await t.source() : await archiveSource(t)], {
        ctx, interpreter: venv.base!, isolation: options.buildIsolation !== false, targetPython: venv.paths.python, configSettings: options.configSettings, workDir: workDir.get(), srcDir: srcDirOf(venv, options),
      });
      // The lock's requested revision, not the commit checked out, as pip records it.
      const info = (p!.directUrl as { vcs_info?: { requested_revision?: string } }).vcs_info;
      if (info) {
        if (t.direct?.requestedRevision !== undefined) info.requested_revision = t.direct.requestedRevision;
        else delete info.requested_revision;
      }
      // A line without a name (`-e file:///dir`) is the project built there.
      if (!t.key) {
        t.name = p!.name;
        t.key = canonicalizeName(p!.name);
      }
      // A directory's source state, recorded for a non-editable one too (the editable's is): sync rebuilds it when that changes (plan.ts).
      if (!p!.state && t.direct?.sourceDir) p = { ...p!, state: sourceState(t.direct.sourceDir, t.configSettings ?? options.configSettings) };
      prepared.set(t, p!);
    }
    return p!;
  };
  try {
    // Sdists are built before the env is locked (their build envs are locked on their own).
    const first = planSync(lock.targets, readDists(venv.paths, { light: true }), { exact: options.exact, configSettings: options.configSettings });
    const builtWheels = new Map<string, string>();
    for (const l of await Promise.all(first.install.map((i) => locate(i.wanted)))) located.set(l.candidate.url, l);
    const toBuild = [...located.values()].filter((l) => l.kind !== 'wheel');
    for (const [i, l] of toBuild.entries()) {
      throwIfInterrupted(signal);
      progress({ phase: 'build', step: 'sources', name: l.target.name, done: i, total: toBuild.length });
      if (l.kind === 'source') await prepare(l.target);
      else builtWheels.set(l.candidate.url, await (await sdists(l.target)).wheel(l.candidate));
    }
    throwIfInterrupted(signal);
    const envLock = await lockEnv(venv.root, { signal, onWait: (pid) => progress({ phase: 'wait', name: venv.root, pid, done: 0 }) });
    try {
      const recovered = recoverEnv(venv.root);
      if (recovered.length) report.recovered = [...(report.recovered ?? []), ...recovered];
      // What is installed may have changed while we waited for the lock: plan again.
      // What was built above is installed whatever the env now says (an editable checkout was moved to its commit by then).
      const plan = planSync(lock.targets, readDists(venv.paths), { exact: options.exact, configSettings: options.configSettings, reinstall: new Set(prepared.keys()) });
      report.kept = plan.keep.length;
      if (plan.install.length === 0 && plan.remove.length === 0) {
        report.alreadySynced = true; // another venvkit synced it meanwhile
        report.timings.totalMs += Date.now() - started;
        return report;
      }
      const todo: Located[] = [];
      for (const i of plan.install) {
        let l = [...located.values()].find((x) => x.target === i.wanted);
        if (!l) located.set((l = await locate(i.wanted)).candidate.url, l);
        todo.push(l);
      }
      const store = openWheelStore(env, { noCache: options.noCache });
      const workers = todo.length > 2 ? workerFile(options.workers) : undefined;
      const unpacker = new UnpackPool(workers, todo.length > 2 ? Math.min(4, availableParallelism() + 1) : 0, store);
      const t1 = Date.now();
      let done = 0;
      let fetched = 0;
      const received = new Map<string, number>();
      const allBytes = () => [...received.values()].reduce((a, b) => a + b, 0);
      const downloaded = (name: string, bytes: number, totalBytes: number | undefined) => {
        received.set(name, bytes);
        progress({ phase: 'download', name, bytes, totalBytes, allBytes: allBytes(), done: fetched, total: todo.length });
      };
      try {
        const wheels = await abortable(pool(todo, options.parallel ?? 8, async (l): Promise<CachedWheel> => {
          throwIfInterrupted(signal);
          let built = builtWheels.get(l.candidate.url);
          if (l.kind === 'sdist' && !built) built = await (await sdists(l.target)).wheel(l.candidate);
          if (l.kind === 'source') built = (await prepare(l.target)).wheelPath;
          const got = built
            ? { path: built, hashes: {} as Record<string, string> }
            : await client.download(l.candidate, { requiredHashes: l.required, onProgress: (n, total) => downloaded(l.target.name, n, total) }).catch((e) => {
              if (!isVenvkitError(e, 'INDEX_ERROR')) throw e;
              throw new VenvkitError('INDEX_ERROR', `${l.target.where} (${l.target.name} ${l.target.version}): ${e.message}`, {
                hint: e.hint ?? 'The lock names a file that cannot be read from here: check its URL or path (and the network), or lock again.',
                cause: e,
              });
            });
          if (!built) checkSize(l, got.path);
          // A file:// file is not streamed: one event with its size.
          if (!built && !received.has(l.target.name)) {
            const size = statSync(got.path).size;
            downloaded(l.target.name, size, size);
          }
          fetched++;
          const sha = got.hashes.sha256;
          const wheel = sha && store.root && existsSync(join(store.root, sha, 'wheel.json')) ? unpackHere(got.path, sha, store) : await unpacker.unpack(got.path, sha);
          if (wheel.manifest.normalizedName !== l.target.key || (l.target.version && !sameVersion(wheel.manifest.version, l.target.version))) {
            throw new VenvkitError('BAD_WHEEL', `${l.kind === 'source' ? l.candidate.url : l.candidate.filename} holds ${wheel.manifest.name} ${wheel.manifest.version}, not ${l.target.name} ${l.target.version} as ${l.target.where} says`, { hint: 'The lock names a file of another project or version: lock again.' });
          }
          progress({ phase: 'unpack', name: l.target.name, done: ++done, total: todo.length });
          return wheel;
        }), signal).finally(() => unpacker.close()); // workers gone before the commit: a process started then (the byte-compilers) forks a smaller process
        report.workerUnpacks = unpacker.workerJobs;
        report.timings.fetchMs = Date.now() - t1;
        const t2 = Date.now();
        const haveOf = new Map(plan.install.map((i) => [i.wanted, i.have]));
        const items = todo.map((l, i) => {
          const have = haveOf.get(l.target) as DistInfo | undefined;
          const local = l.kind === 'source' ? prepared.get(l.target) : undefined;
          // An archive wheel: the direct_url.json pip records (the file's URL and hash).
          const sha = wheels[i]!.manifest.sha256;
          const archive = !local && l.target.direct ? { directUrl: { url: l.target.direct.url, archive_info: { hash: `sha256=${sha}`, hashes: { sha256: sha } } } } : {};
          return {
            wheel: wheels[i]!, replaces: have ? [have] : [], requested: true, ...archive,
            ...(local ? { directUrl: local.directUrl, ...(local.state ? { extraMeta: { [STATE_FILE]: JSON.stringify({ state: local.state }) } } : {}) } : {}),
          };
        });
        const result = await applyTransaction(venv, items, { linkMode: options.linkMode, compile: options.compile, signal, remove: plan.remove, onProgress: options.onProgress });
        report.linkMode = result.linkMode;
        report.installed = todo.map((l, i) => {
          const have = haveOf.get(l.target);
          return { name: wheels[i]!.manifest.name, version: l.target.version || wheels[i]!.manifest.version, ...(have ? { previous: have.version } : {}), url: l.candidate.url, kind: directKind(l.target) ?? (l.kind === 'sdist' ? 'sdist' : l.target.file?.kind ?? 'wheel') };
        });
        report.removed = plan.remove.map((d) => ({ name: d.name, version: d.version }));
        report.kept = plan.keep.length;
        report.timings.installMs = Date.now() - t2;
      } finally {
        await unpacker.close();
        closeWheelStore(store);
      }
    } finally {
      envLock.release();
    }
  } finally {
    client.close();
    workDir.remove();
  }
  report.timings.totalMs += Date.now() - started;
  return report;
}
