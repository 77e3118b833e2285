// Real pip 26.2 (and build tools) in a throw-away venv, installed from the machine's local index
// (found through pip's own configuration, never by path), for tests that compare with pip.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, existsSync, lstatSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { TestContext } from 'node:test';
import { loadPipConfig } from '../../src/index/pip-config.js';
import { python3x } from '../pip/helpers.js';
import { madeOnce } from './made-once.js';

/** The env pip runs with: no version check, no prompts, no VIRTUAL_ENV. */
export function pipRunEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, PIP_DISABLE_PIP_VERSION_CHECK: '1', PIP_NO_INPUT: '1', ...extra };
  delete env.VIRTUAL_ENV;
  return env;
}

/** The first file:// index pip is configured with (pypi.org itself is not reachable here). */
export function localIndex(): string | undefined {
  const s = loadPipConfig({ env: process.env }).settings;
  return [s.indexUrl, ...s.extraIndexUrls].find((u) => u.startsWith('file:'));
}

export interface RealPip {
  /** The venv's python. */
  python: string;
  /** The venv's root. */
  dir: string;
  /** The --index-url that reaches the local index. */
  index: string;
  /** Run the venv's python synchronously; asserts nothing. */
  run(args: string[], options?: { cwd?: string; env?: NodeJS.ProcessEnv }): { status: number | null; stdout: string; stderr: string };
  /**
   * Run pip once per argument list (what follows `python -m pip`), all in one python process: pip's
   * own main() is called in turn with stdout and stderr captured per call, so each result is what a
   * separate `python -m pip ARGS` prints, without a python start-up and pip import per call. Not for
   * options that start another process (`--python`).
   */
  pipMany(argLists: string[][], options?: { cwd?: string; env?: NodeJS.ProcessEnv }): { status: number; stdout: string; stderr: string }[];
  /** pipMany without blocking the event loop (for tests that serve an index from their own process). */
  pipManyAsync(argLists: string[][], options?: { cwd?: string; env?: NodeJS.ProcessEnv }): Promise<{ status: number; stdout: string; stderr: string }[]>;
}

// Reads a JSON list of pip argument lists on stdin, runs pip's main() on each with fresh
// StringIO streams (pip configures logging per call, reading sys.stdout/sys.stderr then), and
// writes the results as JSON to the real stdout. pip 18.1 (CPython 3.6's) has main() in
// pip._internal; pip 19.3 and later in pip._internal.cli.main.
const PIP_MANY = `
import io, json, sys
try:
    from pip._internal.cli.main import main
except ImportError:
    from pip._internal import main
out = []
for args in json.load(sys.stdin):
    o, e = io.StringIO(), io.StringIO()
    sys.stdout, sys.stderr = o, e
    try:
        code = main(args)
    except SystemExit as x:
        code = x.code if isinstance(x.code, int) else (0 if x.code is None else 1)
    finally:
        sys.stdout, sys.stderr = sys.__stdout__, sys.__stderr__
    out.append({"status": code or 0, "stdout": o.getvalue(), "stderr": e.getvalue()})
json.dump(out, sys.stdout)
`;

export interface PipResult {
  status: number;
  stdout: string;
  stderr: string;
}

/**
 * `python -m pip ARGS` for each argument list, all in one process of `python` (any env's python
 * with pip 18.1 or later): pip's main() is called in turn, so pip is imported once, not per call.
 * Each call sees what the calls before it changed only as far as that pip re-reads the env: pip
 * before 21 reads the installed set once per process, so batch only calls that change nothing,
 * or put a change last.
 */
export function pipManyIn(python: string, argLists: string[][], options: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): Promise<PipResult[]> {
  return new Promise((resolve, reject) => {
    const c = spawn(python, ['-c', PIP_MANY], { env: options.env ?? pipRunEnv(), cwd: options.cwd });
    const out: Buffer[] = [];
    let err = '';
    c.stdout.on('data', (d: Buffer) => out.push(d));
    c.stderr.on('data', (d: Buffer) => (err += d.toString('utf8')));
    c.on('error', reject);
    c.on('close', (status) => {
      if (status !== 0) return reject(new Error(`pip (${argLists.length} calls in one process of ${python}) failed (exit ${status}):\n${err}`));
      resolve(JSON.parse(Buffer.concat(out).toString('utf8')) as PipResult[]);
    });
    c.stdin.end(JSON.stringify(argLists));
  });
}

/** `python -m venv dir`, then pip 26.2 and `packages` from `index`. */
function makePipEnv(python: string, dir: string, packages: string[], index: string, env: NodeJS.ProcessEnv): void {
  const mk = spawnSync(python, ['-m', 'venv', dir], { env, encoding: 'utf8' });
  assert.equal(mk.status, 0, mk.stderr);
  pipInstall(join(dir, 'bin', 'python'), ['pip>=26.2,<26.3', ...packages], index, env);
}

function pipInstall(py: string, packages: string[], index: string, env: NodeJS.ProcessEnv): void {
  const inst = spawnSync(py, ['-m', 'pip', 'install', '-q', '-U', '--index-url', index, ...packages], { env, encoding: 'utf8', timeout: 300_000 });
  assert.equal(inst.status, 0, `installing ${packages.join(' ')} from ${index} failed:\n${inst.stderr}`);
}

/**
 * The venv at `dir`, made at `from`, as if made at `to`: what names `from` by path (pyvenv.cfg's
 * command, the activation scripts, the scripts' shebangs) names `to` instead.
 */
function relocate(dir: string, from: string, to: string): void {
  for (const file of [join(dir, 'pyvenv.cfg'), ...readdirSync(join(dir, 'bin')).map((n) => join(dir, 'bin', n))]) {
    if (!lstatSync(file).isFile()) continue;
    const text = readFileSync(file, 'latin1');
    if (text.includes(from)) writeFileSync(file, text.split(from).join(to), 'latin1');
  }
}

/**
 * A venv at `dir` with pip 26.2.x and `packages` installed from the local index, or undefined after
 * skipping `t` (a failure under CI=true, where the index and CPython 3.11/3.12 are always there).
 */
export function realPip(t: TestContext, dir: string, packages: string[] = []): RealPip | undefined {
  const python = python3x();
  const index = localIndex();
  if (!python || !index) {
    const why = !python ? 'no CPython 3.11/3.12 under $PYENV_ROOT' : 'pip is not configured with a local file:// index';
    if (process.env.CI === 'true') assert.fail(why);
    t.skip(why);
    return undefined;
  }
  const env = pipRunEnv();
  const py = join(dir, 'bin', 'python');
  const shared = process.env.VENVKIT_TEST_SHARED;
  // A dir that already exists (a test asking twice for the same env) is brought up to date in place.
  if (shared && existsSync(shared) && !existsSync(dir)) {
    // One venv with pip 26.2 per run and interpreter, copied (made-once.ts: made under a private name).
    const template = join(shared, `pip26-${createHash('sha256').update(python).digest('hex').slice(0, 12)}`);
    madeOnce(template, (mine) => {
      makePipEnv(python, mine, [], index, env);
      relocate(mine, mine, template);
    });
    cpSync(template, dir, { recursive: true, verbatimSymlinks: true, preserveTimestamps: true });
    relocate(dir, template, dir);
    if (packages.length) pipInstall(py, packages, index, env);
  } else makePipEnv(python, dir, packages, index, env);
  const run: RealPip['run'] = (args, options = {}) => {
    const r = spawnSync(py, args, { env: options.env ?? env, cwd: options.cwd, encoding: 'utf8', timeout: 300_000 });
    return { status: r.status, stdout: r.stdout, stderr: r.stderr };
  };
  const pipMany: RealPip['pipMany'] = (argLists, options = {}) => {
    const r = spawnSync(py, ['-c', PIP_MANY], { env: options.env ?? env, cwd: options.cwd, input: JSON.stringify(argLists), encoding: 'utf8', timeout: 300_000, maxBuffer: 64 << 20 });
    assert.equal(r.status, 0, `pip (${argLists.length} calls in one process) failed:\n${r.stderr}`);
    return JSON.parse(r.stdout) as ReturnType<RealPip['pipMany']>;
  };
  const pipManyAsync: RealPip['pipManyAsync'] = (argLists, options = {}) => pipManyIn(py, argLists, { env: options.env ?? env, cwd: options.cwd });
  const v = run(['-m', 'pip', '--version']);
  assert.match(v.stdout, /^pip 26\.2/, v.stdout + v.stderr);
  return { python: py, dir, index, run, pipMany, pipManyAsync };
}
