// createVenv: what `python -m venv DIR` does, without running Python once the interpreter is known.
// find the interpreter -> check the target -> build the plan -> stage it in a hidden sibling ->
// activators (+ pip) inside the stage -> rename into place (or merge into an existing directory).
import { mkdirSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { VenvkitError, errnoCode } from '../errors.js';
import { findPython } from '../python/find.js';
import type { InterpreterInfo } from '../python/types.js';
import type { EnvLock } from '../install/env-lock.js';
import type { SeedOptions, SeedResult } from '../install/seed.js';
import { writeActivators } from './activators/index.js';
import { venvPaths } from './layout.js';
import { posixPlan, type VenvFlags } from './plan.js';
import { cfgVersion, unquotePrompt } from './pyvenv-cfg.js';
import { commitInPlace, planMerge, planRefill, recoverInner } from './inplace.js';
import { applyFresh, cleanSiblings, ENV, innerName, makeBuildDir, makeContainer, openBuildDir, removeContainer, renameIntoPlace, replaceDir, siblingName, type Leftovers } from './stage.js';
import { checkPath, ensureParent, inspectTarget, lstatTarget, physicalPath, writeError, type TargetState } from './target.js';
import type { Venv } from './types.js';
import { windowsPlan } from './windows.js';
import type { ProgressListener } from '../progress.js';

export interface CreateVenvOptions {
  /** Interpreter spec (`3.12`, `pypy3`, `>=3.9,<3.12`, a path...); default: .python-version, else python3 on PATH. */
  python?: string;
  /** An interpreter already probed (skips discovery). */
  interpreter?: InterpreterInfo;
  systemSitePackages?: boolean;
  /** Symlink the interpreter (default on POSIX) or copy it (`copies: true`, or `symlinks: false`). */
  symlinks?: boolean;
  copies?: boolean;
  /** Replace an existing environment (only an environment or an empty directory is ever emptied). */
  clear?: boolean;
  /** Move an existing environment to this interpreter in place (keeps its packages). */
  upgrade?: boolean;
  withoutPip?: boolean;
  /** The prompt activation shows; `.` means the current directory's name. */
  prompt?: string;
  /** Seed the newest pip (and setuptools where venv would) instead of the bundled ones. */
  upgradeDeps?: boolean;
  /**
   * Give the seeded pip (setuptools) bytecode, as `python -m venv` does (default true). It is
   * compiled once per interpreter into venvkit's cache and linked (or copied) from there, so only the
   * first create for an interpreter runs Python for it (Python 3.6: every create, as venv does).
   */
  compile?: boolean;
  /** Do not write `.gitignore` (venv 3.13's --without-scm-ignore-files; venvkit writes it for every version). */
  withoutScmIgnoreFiles?: boolean;
  /** Build inside an existing non-empty directory that is not an environment, keeping its files. */
  allowExisting?: boolean;
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  /** Abort (Ctrl-C): the staged env is removed and INTERRUPTED thrown; the target is left as it was. */
  signal?: AbortSignal;
  /** 'create' steps, and the 'discover'/'probe' and 'seed' events of finding the interpreter and seeding pip (progress.ts). */
  onProgress?: ProgressListener;
}

export type CreateAction = 'created' | 'replaced' | 'updated' | 'upgraded';

/** The environment made, and what was done. */
export interface CreatedVenv extends Venv {
  base: InterpreterInfo;
  /** created: new; replaced: --clear of an existing env; updated: made again over an existing env or inside an existing directory; upgraded: --upgrade. */
  action: CreateAction;
  /** null with --without-pip; else what seeding installed, or why it was skipped. */
  seed: SeedResult | null;
  /** Activation scripts written (relative to the env root). */
  activators: string[];
  /** Notes about leftovers of interrupted runs: cleaned up, restored, or left alone (see warnings). */
  notes: string[];
  /** The notes about directories named like venvkit's leftovers that it cannot prove are its own, and so left alone. */
  warnings: string[];
}

function checkOptions(o: CreateVenvOptions): void {
  if (o.copies && o.symlinks) throw new VenvkitError('USAGE', 'the `symlinks` option and the `copies` option contradict each other', { hint: 'Give one of them.' });
  if (o.upgradeDeps && o.withoutPip) throw new VenvkitError('USAGE', 'the `upgradeDeps` option upgrades pip, which the `withoutPip` option leaves out', { hint: 'Drop one of the two.' });
}

function checkInterpreter(info: InterpreterInfo): void {
  const [major, minor] = info.version;
  if (major < 3 || (major === 3 && minor < 3)) {
    throw new VenvkitError('PYTHON_UNSUPPORTED', `${info.path} is Python ${info.versionString}: PEP 405 virtual environments need Python 3.3+`, {
      hint: 'Pick a Python 3 interpreter with the `python` option (listPythons(), or `venvkit python list`, shows the ones found).',
    });
  }
}

/** Which way the env gets into place, from what is there and the flags. Throws for what must be refused. */
export function decideAction(root: string, state: TargetState, o: CreateVenvOptions, info: InterpreterInfo): { action: CreateAction; mode: 'rename' | 'replace' | 'refill' | 'merge' } {
  // A directory that is (or contains) the current directory is changed in place, never renamed away:
  // a shell sitting in it would be left in a deleted directory.
  const holdsCwd = process.cwd() === root || process.cwd().startsWith(root + '/');
  switch (state.kind) {
    case 'missing':
      if (o.upgrade) throw new VenvkitError('VENV_NOT_FOUND', `the \`upgrade\` option: there is no environment at ${root}`, { hint: 'Drop the `upgrade` option to create it.' });
      return { action: 'created', mode: 'rename' };
    case 'empty':
      // An empty directory that is (or contains) the current directory is filled in place, not replaced.
      return { action: 'created', mode: holdsCwd ? 'merge' : 'rename' };
    case 'venv': {
      if (o.clear) return { action: 'replaced', mode: holdsCwd ? 'refill' : 'replace' };
      if (o.upgrade) return { action: 'upgraded', mode: 'merge' };
      const v = cfgVersion(state.cfg);
      if (v && (v[0] !== info.version[0] || v[1] !== info.version[1])) {
        throw new VenvkitError('TARGET_EXISTS', `${root} is an environment for Python ${state.cfg.version ?? state.cfg.version_info}, not ${info.versionString}`, {
          hint: `Use the \`clear\` option to replace it, or the \`upgrade\` option to move it to Python ${info.versionString} in place.`,
        });
      }
      return { action: 'updated', mode: 'merge' };
    }
    case 'other':
      if (o.clear) {
        throw new VenvkitError('NOT_A_VENV', `the \`clear\` option refuses to empty ${root}: it is not a virtual environment (no pyvenv.cfg) and holds ${state.entries} entr${state.entries === 1 ? 'y' : 'ies'}`, {
          hint: 'venvkit only ever deletes environments. Choose another directory, or use the `allowExisting` option to add an environment next to the files.',
        });
      }
      if (o.upgrade) throw new VenvkitError('NOT_A_VENV', `the \`upgrade\` option: ${root} is not a virtual environment (no pyvenv.cfg)`, { hint: 'Drop the `upgrade` option to create one.' });
      if (!o.allowExisting) {
        throw new VenvkitError('TARGET_EXISTS', `${root} exists, is not empty, and is not a virtual environment`, {
          hint: 'Choose another directory, or pass the `allowExisting` option to create the environment inside it (its files are kept).',
        });
      }
      return { action: 'updated', mode: 'merge' };
  }
}

/** Test hook (VENVKIT_TEST_STAGED_HOOK=file): report the staging dir, then wait to be killed or aborted. */
async function stagedHook(env: NodeJS.ProcessEnv, stage: string, signal?: AbortSignal): Promise<void> {
  const file = env.VENVKIT_TEST_STAGED_HOOK;
  if (!file) return;
  // Written whole or not at all: a test polls for the file and reads it at once.
  writeFileSync(`${file}.tmp`, stage);
  renameSync(`${file}.tmp`, file);
  await new Promise<void>((done) => {
    const t = setTimeout(done, Number(env.VENVKIT_TEST_STAGED_WAIT_MS) || 30_000);
    signal?.addEventListener('abort', () => (clearTimeout(t), done()), { once: true });
  });
}

/** The env lock of the existing directory at `physical` (waited for, saying so); a directory gone meanwhile needs none. */
async function lockTarget(physical: string, root: string, options: CreateVenvOptions): Promise<EnvLock | undefined> {
  const { lockEnv } = await import('../install/env-lock.js');
  try {
    return await lockEnv(physical, { signal: options.signal, onWait: (pid) => options.onProgress?.({ phase: 'wait', name: root, pid, done: 0 }) });
  } catch (e) {
    // Replaced whole or removed by another run since it was looked at: the commit below meets what is there now.
    if (errnoCode(e) === 'ENOENT') return undefined;
    throw e;
  }
}

function checkAbort(signal?: AbortSignal): void {
  if (signal?.aborted) throw new VenvkitError('INTERRUPTED', 'Interrupted: the environment was not created', { hint: 'Nothing was changed; run the command again.', exitCode: 130 });
}

/** Create (or --clear / --upgrade) a virtual environment at `dir`. */
export async function createVenv(dir: string, options: CreateVenvOptions = {}): Promise<CreatedVenv> {
  checkOptions(options);
  const env = options.env ?? process.env;
  const cwd = options.cwd ?? process.cwd();
  const root = resolve(cwd, dir);
  checkPath(root);
  const info = options.interpreter ?? (await findPython(options.python, { cwd, env, signal: options.signal, onProgress: options.onProgress }));
  checkInterpreter(info);
  checkAbort(options.signal);
  const step = (s: 'interpreter' | 'staged' | 'seeded' | 'done', done: number) => options.onProgress?.({ phase: 'create', step: s, name: root, done, total: 4 });
  step('interpreter', 1);

  const looked = lstatTarget(root);
  const physical = physicalPath(root, looked);
  // Finish what killed runs left (only what is provably this user's), then look at the target (the
  // lstat above serves unless the target was reached through a link or tidying touched anything).
  const left: Leftovers = { notes: [], warnings: [] };
  const parentListed = cleanSiblings(physical, left);
  let state = inspectTarget(physical, physical === root && left.notes.length === 0 ? looked : undefined);
  if (state.kind !== 'missing') {
    const before = left.notes.length;
    recoverInner(physical, left);
    if (left.notes.length > before) state = inspectTarget(physical);
  }
  const decided = decideAction(root, state, options, info);
  const action = decided.action;
  let mode = decided.mode;

  const windows = info.osName === 'nt';
  // An env made again or upgraded in place keeps its recorded prompt unless a new one is given
  // (venv would drop it from pyvenv.cfg while its activators still show it).
  const keptPrompt = state.kind === 'venv' && options.prompt === undefined && !options.clear && state.cfg.prompt ? unquotePrompt(state.cfg.prompt) : undefined;
  const prompt = options.prompt === '.' ? basename(cwd) : (options.prompt ?? keptPrompt);
  const flags: VenvFlags = {
    systemSitePackages: options.systemSitePackages,
    symlinks: options.copies ? false : (options.symlinks ?? !windows),
    clear: options.clear,
    upgrade: options.upgrade,
    withoutPip: options.withoutPip,
    prompt: options.prompt,
    resolvedPrompt: prompt,
    upgradeDeps: options.upgradeDeps,
    withoutScmIgnoreFiles: options.withoutScmIgnoreFiles,
  };
  const { ops, cfg } = windows ? windowsPlan(info, flags, root, windowsHomeFiles(info)) : posixPlan(info, flags, root);
  const paths = venvPaths(root, info, windows);
  const venv: Venv = { root, cfg, paths, prompt: prompt ?? basename(root), base: info, windows };

  // (A directory just listed exists: no mkdir -p of it.)
  if (state.kind === 'missing' && !parentListed) ensureParent(physical);
  // A new env, or --clear from outside: built in a hidden sibling that is the env itself, renamed in
  // whole. Changed in place (made again, --upgrade, --allow-existing, --clear of the cwd): built in a
  // container inside the target, moved in entry by entry.
  let build = mode === 'rename' || mode === 'replace';
  let box = build ? siblingName(physical, 'build') : innerName(physical, 'stage');
  try {
    if (build) makeBuildDir(box);
    else makeContainer(box, 'stage', physical);
  } catch (e) {
    // The parent is not writable but the target is an existing directory: build inside it instead
    // (then the env can only be moved in entry by entry, not renamed in whole).
    if (state.kind === 'missing' || !['EACCES', 'EPERM', 'EROFS'].includes(errnoCode(e) ?? '') || dirname(box) === physical) writeError(e, root, dirname(box) === physical ? physical : `its directory ${dirname(physical)}`);
    build = false;
    box = innerName(physical, 'stage');
    try {
      makeContainer(box, 'stage', physical);
    } catch (e2) {
      writeError(e2, root, physical);
    }
    if (mode === 'rename') mode = 'merge';
    if (mode === 'replace') mode = 'refill';
  }
  const stage = build ? box : join(box, ENV);
  let seed: SeedResult | null = null;
  let activators: string[] = [];
  let placed = false;
  // An existing env changed in place or replaced whole is changed by one venvkit at a time: the lock
  // install, sync and remove take (two runs updating one env in place would move each other's files).
  let envLock: EnvLock | undefined;
  try {
    try {
      try {
        if (!build) mkdirSync(stage);
        applyFresh(ops, stage);
      } catch (e) {
        writeError(e, root, stage);
      }
      // venv leaves the activation scripts alone on --upgrade.
      if (action !== 'upgraded') activators = await writeActivators({ stageRoot: stage, venv });
      checkAbort(options.signal);
      step('staged', 2);
      if (!options.withoutPip && mode !== 'merge') seed = await seedPackages({ stageRoot: stage, venv, upgradeDeps: options.upgradeDeps, compile: options.compile, env, signal: options.signal, onProgress: options.onProgress });
      checkAbort(options.signal);
      step('seeded', 3);
      await stagedHook(env, stage, options.signal);
      checkAbort(options.signal);
      if (mode !== 'rename') envLock = await lockTarget(physical, root, options);
      try {
        if (build) openBuildDir(stage, join(stage, firstDir(ops)));
        if (mode === 'rename') {
          try {
            renameIntoPlace(stage, physical);
            placed = true;
          } catch (e) {
            if (options.clear && e instanceof VenvkitError && e.code === 'TARGET_EXISTS') {
              // --clear replaces what is there, also an env another run has put there since it was looked at.
              envLock = await lockTarget(physical, root, options);
              replaceDir(stage, physical);
              placed = true;
            } else {
              // An empty mount point cannot be renamed over: fill it instead.
              if (state.kind !== 'empty' || !['EBUSY', 'EXDEV', 'EPERM'].includes(errnoCode(e) ?? '')) throw e;
              commitInPlace(stage, physical, planMerge(stage, physical, false));
            }
          }
        } else if (mode === 'replace') {
          replaceDir(stage, physical);
          placed = true;
        }
        // --clear of the env the user stands in (it is an env: checked above): old entries set aside, new ones in.
        else if (mode === 'refill') commitInPlace(stage, physical, planRefill(stage, physical));
        // A directory that is not an env keeps every file: a clash refuses before anything is written.
        else commitInPlace(stage, physical, planMerge(stage, physical, state.kind === 'other'));
      } catch (e) {
        writeError(e, root, physical);
      }
    } finally {
      // Renamed in whole: nothing is left to remove (the build directory became the env).
      if (!placed) {
        if (build) rmSync(box, { recursive: true, force: true });
        else removeContainer(box);
      }
    }
    // The env is whole again: the seeding below is an install, which takes the lock itself.
    envLock?.release();
    // An env updated in place gets pip the way an install would: in the env itself, and (like
    // `ensurepip --upgrade`) not again when it has pip already, unless --upgrade-deps asks for the newest.
    if (!options.withoutPip && mode === 'merge') {
      // (Not stopped by `signal`: the env has been changed in place already; pip is put back whatever comes.)
      seed = !options.upgradeDeps && hasPip(venv.paths.purelib) ? { installed: [] } : await seedPackages({ stageRoot: physical, venv, upgradeDeps: options.upgradeDeps, compile: options.compile, env, onProgress: options.onProgress });
    }
  } finally {
    envLock?.release();
  }
  step('done', 4);
  return { ...venv, base: info, action, seed, activators, notes: left.notes, warnings: left.warnings };
}

/** The plan's first directory (made by a plain mkdir inside the env root): its mode is the root's to be. */
function firstDir(ops: { kind: string; path: string }[]): string {
  const d = ops.find((o) => o.kind === 'dir');
  if (!d) throw new Error('venvkit bug: an environment plan without directories');
  return d.path;
}

/** Seeding pulls in the wheel installer and the index client: load it only when pip is wanted. */
async function seedPackages(options: SeedOptions): Promise<SeedResult> {
  const seed = await import('../install/seed.js');
  return seed.seedPackages(options);
}

function hasPip(purelib: string): boolean {
  try {
    return readdirSync(purelib).some((n) => /^pip-.*\.dist-info$/.test(n));
  } catch {
    return false;
  }
}

/** Names in the base's directory, which Windows rules for old versions and --symlinks need. */
function windowsHomeFiles(info: InterpreterInfo): string[] {
  try {
    return readdirSync(resolve(info.baseExecutable, '..'));
  } catch {
    return [];
  }
}
