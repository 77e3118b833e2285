// Calling one PEP 517/660 hook: the hook runner (hook-script.ts) started with the build
// environment's interpreter in the project directory, JSON in and out through files in a fresh
// control directory, the backend's output appended to a log file (and shown live when verbose).
// On POSIX the runner leads its own process group, so an abort (Ctrl-C) ends it and everything
// the backend started (compilers, cmake...).
import { spawn } from 'node:child_process';
import { appendFileSync, closeSync, existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, readSync, rmSync, fstatSync } from 'node:fs';
import { join } from 'node:path';
import { cacheDirOrPrivate } from '../cache/trust.js';
import { writeFileAtomic } from '../cache/atomic.js';
import { markUsed } from '../cache/users.js';
import { VenvkitError } from '../errors.js';
import { HOOK_SCRIPT, HOOK_SCRIPT_VERSION } from './hook-script.js';

export type HookName =
  | 'get_requires_for_build_wheel' | 'get_requires_for_build_editable' | 'get_requires_for_build_sdist'
  | 'prepare_metadata_for_build_wheel' | 'prepare_metadata_for_build_editable'
  | 'build_wheel' | 'build_editable' | 'build_sdist';

export type ConfigSettings = Record<string, string | string[]>;

export interface HookCall {
  /** The interpreter to run the hook with (the build env's, or the target env's without isolation). */
  python: string;
  /** The project directory (the hook's working directory). */
  projectDir: string;
  backend: string;
  backendPath: string[];
  hook: HookName;
  kwargs: Record<string, unknown>;
  /**
   * After a get_requires_* hook: run this hook too, in the same process, when what it asked for is
   * installed (or `always`; or, with `expect`, when `base` plus what it asked for is `set`).
   */
  then?: { hook: HookName; kwargs: Record<string, unknown>; always?: boolean; expect?: { base: readonly string[]; set: readonly string[] } };
  /** The isolated build env's root: modules imported from there get .pyc files even under PYTHONDONTWRITEBYTECODE (hook-script.ts). */
  bytecodeRoot?: string;
  /** The log file the backend's output is appended to. */
  logFile: string;
  /** Show the backend's output live on stderr. */
  verbose?: boolean;
  /** A name for messages ("demo (./pkg)"). */
  project: string;
  env?: NodeJS.ProcessEnv;
  signal?: AbortSignal;
}

/** The runner script's path in the cache, written once per version. */
export function hookRunnerPath(env: NodeJS.ProcessEnv = process.env): string {
  const path = join(cacheDirOrPrivate('build', env), `hook-runner-v${HOOK_SCRIPT_VERSION}.py`);
  let current = false;
  markUsed(path); // before reading: `venvkit cache prune|clean` then leaves it alone
  try {
    current = readFileSync(path, 'utf8') === HOOK_SCRIPT;
  } catch {
    /* not written yet */
  }
  if (!current) writeFileAtomic(path, HOOK_SCRIPT);
  return path;
}

/** The last `n` lines of a file (reads at most its last 64 KiB). */
export function tailLines(path: string, n = 20): string[] {
  try {
    const fd = openSync(path, 'r');
    try {
      const size = fstatSync(fd).size;
      const len = Math.min(size, 65536);
      const buf = Buffer.alloc(len);
      readSync(fd, buf, 0, len, size - len);
      return buf.toString('utf8').replace(/\s+$/, '').split('\n').slice(-n);
    } finally {
      closeSync(fd);
    }
  } catch {
    return [];
  }
}

function killGroup(pid: number | undefined, signal: NodeJS.Signals): void {
  if (pid === undefined) return;
  try {
    if (process.platform === 'win32') process.kill(pid, signal);
    else process.kill(-pid, signal);
  } catch {
    /* already gone */
  }
}

export interface HookResult {
  /** The hook's return value. */
  value: unknown;
  /** The `then` hook's return value, when it ran. */
  then?: unknown;
}

/** Runs one hook (and maybe its `then`) and returns what they returned (see the module comment). */
export async function runHook(call: HookCall): Promise<HookResult> {
  const env = call.env ?? process.env;
  if (call.signal?.aborted) throw interrupted(call);
  const runner = hookRunnerPath(env);
  const controlRoot = cacheDirOrPrivate('build', env);
  mkdirSync(controlRoot, { recursive: true });
  const control = mkdtempSync(join(controlRoot, 'hook-'));
  try {
    writeFileAtomic(join(control, 'input.json'), JSON.stringify({
      backend: call.backend, backend_path: call.backendPath, kwargs: call.kwargs,
      ...(call.then ? { then: { hook: call.then.hook, kwargs: call.then.kwargs }, skip_requires_check: !!call.then.always } : {}),
      ...(call.then?.expect ? { expect: call.then.expect } : {}),
      ...(call.bytecodeRoot ? { bytecode_root: call.bytecodeRoot } : {}),
    }));
    appendFileSync(call.logFile, `\n== venvkit: ${call.hook} (${call.backend}) in ${call.projectDir}\n`);
    const child = spawn(call.python, [runner, call.hook, control], {
      cwd: call.projectDir,
      env: call.env ?? process.env,
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: process.platform !== 'win32',
      windowsHide: true,
    });
    const log = openSync(call.logFile, 'a');
    const onData = (chunk: Buffer) => {
      appendFileSync(log, chunk);
      if (call.verbose) process.stderr.write(chunk);
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    let aborted = false;
    let force: NodeJS.Timeout | undefined;
    const onAbort = () => {
      aborted = true;
      killGroup(child.pid, 'SIGTERM');
      force = setTimeout(() => killGroup(child.pid, 'SIGKILL'), 2000);
      force.unref();
    };
    call.signal?.addEventListener('abort', onAbort, { once: true });
    let status: { code: number | null; sig: NodeJS.Signals | null };
    try {
      status = await new Promise((resolve, reject) => {
        child.once('error', reject);
        child.once('close', (code, sig) => resolve({ code, sig }));
      });
    } catch (e) {
      throw new VenvkitError('BUILD_FAILED', `Cannot run the build hook for ${call.project} with ${call.python}: ${(e as Error).message}`, { hint: 'Check that the build environment\'s interpreter exists and runs.', cause: e });
    } finally {
      call.signal?.removeEventListener('abort', onAbort);
      closeSync(log);
      // Whatever the backend left running in its group ends with it.
      if (aborted) killGroup(child.pid, 'SIGKILL');
      if (force) clearTimeout(force);
    }
    if (aborted) throw interrupted(call);
    const outPath = join(control, 'output.json');
    const out = existsSync(outPath) ? (JSON.parse(readFileSync(outPath, 'utf8')) as { return?: unknown; then?: unknown; error?: string; hook?: string; message?: string; traceback?: string }) : undefined;
    if (!out || out.error || status.code !== 0) {
      const why = out?.message ?? (status.sig ? `the hook process was killed by ${status.sig}` : `the hook process exited with status ${status.code}`);
      const tail = tailLines(call.logFile, 20).map((l) => `  ${l}`).join('\n');
      const unavailable = out?.error === 'backend_unavailable';
      throw new VenvkitError('BUILD_FAILED', `Building ${call.project} failed in ${out?.hook ?? call.hook}: ${why}\n${tail}\n(full log: ${call.logFile})`, {
        hint: unavailable
          ? `The build backend ${call.backend} could not be imported: check build-system.requires and build-backend in pyproject.toml.`
          : 'The error is the build backend\'s: see the output above and the full log. Nothing was installed.',
      });
    }
    return { value: out.return, ...('then' in out ? { then: out.then } : {}) };
  } finally {
    rmSync(control, { recursive: true, force: true });
  }
}

function interrupted(call: HookCall): VenvkitError {
  return new VenvkitError('INTERRUPTED', `Interrupted while building ${call.project}: the build was stopped and nothing was installed`, { exitCode: 130 });
}
