// Cancellation through an AbortSignal at random moments of real work: a jupyter install from the
// machine's local index (and one with --compile, stopped while the compiler runs), a create with pip seeded, an
// uninstall of a big distribution, and interpreter probes. Each aborted call rejects with the
// error named AbortError and leaves the env byte for byte as it was (a call that had reached its
// commit completes instead); afterwards no listener is left on the signal and no child process of
// this one is alive.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { getEventListeners } from 'node:events';
import { chmodSync, cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createVenv } from '../../src/venv/create.js';
import { installRequirements } from '../../src/plan-apply/install.js';
import { uninstall } from '../../src/install/uninstall.js';
import { listPythons } from '../../src/python/find.js';
import { probeInterpreter } from '../../src/python/probe.js';
import { openVenv } from '../../src/venv/open.js';
import type { ProgressEvent } from '../../src/progress.js';
import { localIndex } from '../helpers/real-pip.js';
import { seedCache } from '../helpers/seed-cache.js';
import { isolatedEnv, python3x, snapshot } from '../pip/helpers.js';

const root = mkdtempSync(join(tmpdir(), 'vk-cancel-'));
after(() => rmSync(root, { recursive: true, force: true }));
const python = python3x();
const index = localIndex();
const skip = !python ? 'no CPython 3.11/3.12 under $PYENV_ROOT' : !index ? 'pip is not configured with a local file:// index' : false;
if (skip && process.env.CI === 'true') throw new Error(`${skip}, and CI has one`);
const env = isolatedEnv(join(root, 'cache'));
seedCache(join(root, 'cache'), [python]); // pip's bytecode compiled once per run (test/helpers/seed-cache.ts)
const indexFlags = { indexUrl: index };

/** Live child processes of this process (Linux: /proc); undefined where that cannot be read. */
function children(): number[] | undefined {
  if (process.platform !== 'linux') return undefined;
  const out: number[] = [];
  for (const pid of readdirSync('/proc').filter((n) => /^\d+$/.test(n))) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'latin1');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (Number(fields[1]) === process.pid && fields[0] !== 'Z') out.push(Number(pid));
    } catch {
      /* gone */
    }
  }
  return out;
}

// Children this process had before any call (the test runner's TypeScript loader runs esbuild as one).
const baseline = new Set(children() ?? []);
const started = () => (children() ?? []).filter((pid) => !baseline.has(pid));

/** After a call settled: no listener on `signal`, and (within a moment, for exits to be reaped) no child process it started. */
async function assertClean(signal: AbortSignal, label: string): Promise<void> {
  assert.equal(getEventListeners(signal, 'abort').length, 0, `${label}: a listener was left on the signal`);
  for (let i = 0; i < 50 && started().length > 0; i++) await new Promise((r) => setTimeout(r, 20));
  assert.deepEqual(started(), [], `${label}: child processes are left`);
}

const isAbort = (e: unknown) => (e as Error).name === 'AbortError' && (e as { code?: string }).code === 'INTERRUPTED';

/** A seeded random (mulberry32): the moments differ per run of the suite, and the seed is printed to replay one. */
const seed = Number(process.env.VENVKIT_TEST_SEED) || Date.now() % 100000;
let state = seed;
function random(): number {
  state = (state + 0x6d2b79f5) | 0;
  let t = Math.imul(state ^ (state >>> 15), 1 | state);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}

/**
 * Run `call` with a signal aborted at a random moment: at the k-th progress event (k random below
 * `events`; with `events` 0, at the call's first turn of the event loop) or, when `ms` is given,
 * alternately after a random time below it.
 */
async function abortAtRandom<T>(attempt: number, events: number, ms: number | undefined, call: (signal: AbortSignal, onProgress: (e: ProgressEvent) => void) => Promise<T>): Promise<{ result?: T; error?: unknown; signal: AbortSignal; at: string }> {
  const c = new AbortController();
  let seen = 0;
  let at = '';
  const byTime = ms !== undefined && attempt % 2 === 1;
  const k = Math.floor(random() * events);
  const wait = ms !== undefined ? Math.floor(random() * ms) : 0;
  const timer = byTime ? setTimeout(() => ((at = `after ${wait} ms`), c.abort('SIGINT')), wait) : events === 0 ? setImmediate(() => ((at = 'at its first turn'), c.abort('SIGINT'))) : undefined;
  const onProgress = (e: ProgressEvent) => {
    if (!byTime && seen++ === k && !c.signal.aborted) {
      at = `at event ${k} (${e.phase}${'step' in e ? `:${e.step}` : ''} ${e.name} ${e.done}/${e.total ?? '?'})`;
      c.abort('SIGINT');
    }
  };
  try {
    return { result: await call(c.signal, onProgress), signal: c.signal, at: at || 'never (finished first)' };
  } catch (error) {
    return { error, signal: c.signal, at };
  } finally {
    if (byTime) clearTimeout(timer as NodeJS.Timeout);
    else if (timer) clearImmediate(timer as NodeJS.Immediate);
  }
}

const jupyterEnv = join(root, 'jupyter-env');
const jupyterPristine = join(root, 'jupyter-pristine');
let jupyterEvents = 0;
let jupyterMs = 0;
let before0: string[] = [];
let after0: string[] = [];

before(async () => {
  if (skip) return;
  // The env as it is before: a fresh env holding one package already (so "unchanged" covers installed files too).
  await createVenv(jupyterEnv, { python, env, withoutPip: true });
  await installRequirements(await openVenv(jupyterEnv, { env }), { requirements: ['six'] }, { env, index: indexFlags });
  cpSync(jupyterEnv, jupyterPristine, { recursive: true, verbatimSymlinks: true });
  before0 = snapshot(jupyterEnv);
  // One full install: fills the cache (the aborted runs then spend their time installing, not
  // downloading), counts its events before the commit (an abort from then on comes too late).
  const t0 = Date.now();
  let committing = false;
  const count = (e: ProgressEvent) => {
    committing ||= e.phase === 'install' && e.step === 'commit';
    if (!committing) jupyterEvents++;
  };
  await installRequirements(await openVenv(jupyterEnv, { env }), { requirements: ['jupyter'] }, { env, index: indexFlags, onProgress: count });
  jupyterMs = Date.now() - t0;
  after0 = snapshot(jupyterEnv);
});

function restoreJupyter(): void {
  rmSync(jupyterEnv, { recursive: true, force: true });
  cpSync(jupyterPristine, jupyterEnv, { recursive: true, verbatimSymlinks: true });
}

test('a jupyter install aborted at random moments: AbortError and the env byte-identical, or complete; no listener, no child left', { skip, timeout: 900_000 }, async () => {
  console.log(`# seed ${seed} (VENVKIT_TEST_SEED replays it); the full install: ${jupyterEvents} progress events before its commit, ${jupyterMs} ms`);
  // The moments are picked among the install's own progress events (resolve, each download, unpack, each package staged).
  assert.ok(jupyterEvents > 100, `the install reported ${jupyterEvents} events`);
  const outcomes = { aborted: 0, completed: 0 };
  for (let attempt = 0; attempt < 5; attempt++) {
    restoreJupyter();
    const venv = await openVenv(jupyterEnv, { env });
    const r = await abortAtRandom(attempt, jupyterEvents, jupyterMs, (signal, onProgress) => installRequirements(venv, { requirements: ['jupyter'] }, { env, index: indexFlags, signal, onProgress }));
    const label = `attempt ${attempt + 1}, aborted ${r.at}`;
    console.log(`# ${label}: ${r.error ? `rejected (${(r.error as Error).name})` : 'completed'}`);
    if (r.error) {
      assert.ok(isAbort(r.error), `${label}: ${(r.error as Error).stack}`);
      assert.deepEqual(snapshot(jupyterEnv), before0, `${label}: the env changed`);
      outcomes.aborted++;
    } else {
      assert.deepEqual(snapshot(jupyterEnv), after0, `${label}: completed, but not everything is installed`);
      outcomes.completed++;
    }
    await assertClean(r.signal, label);
  }
  // The attempts stopped at an event (before the commit) must all have been stopped.
  assert.ok(outcomes.aborted >= 3, `only ${outcomes.aborted} of 5 attempts were stopped`);
});

test('aborted while --compile runs: the compiler is killed, AbortError, the env unchanged', { skip: skip || (process.platform !== 'linux' && 'reads /proc'), timeout: 300_000 }, async () => {
  restoreJupyter();
  const venv = await openVenv(jupyterEnv, { env });
  const c = new AbortController();
  let compiler: number | undefined;
  let abortedAt = 0;
  // Abort once the byte-compiler (a python process of this one) is running.
  const isCompiler = (pid: number) => {
    try {
      return readFileSync(`/proc/${pid}/cmdline`, 'latin1').includes('py_compile');
    } catch {
      return false;
    }
  };
  let goneAfter: number | undefined;
  const watch = setInterval(() => {
    if (compiler === undefined) {
      compiler = started().find(isCompiler);
      if (compiler === undefined) return;
      abortedAt = Date.now();
      c.abort('SIGINT');
    } else if (!started().includes(compiler)) {
      goneAfter = Date.now() - abortedAt;
      clearInterval(watch);
    }
  }, 5);
  try {
    await assert.rejects(installRequirements(venv, { requirements: ['pygments', 'docutils', 'babel'] }, { env, index: indexFlags, compile: true, signal: c.signal }), isAbort);
  } finally {
    clearInterval(watch);
  }
  assert.ok(compiler !== undefined, 'the byte-compiler was seen running');
  // Killed, not waited for: gone at once (compiling these three takes seconds).
  assert.ok(goneAfter !== undefined && goneAfter < 1000, `the compiler was gone ${goneAfter} ms after the abort`);
  assert.deepEqual(snapshot(jupyterEnv), before0);
  await assertClean(c.signal, 'abort during compile');
});

test('uninstall of a big distribution aborted at random moments: AbortError and unchanged, or uninstalled whole', { skip, timeout: 900_000 }, async () => {
  const dir = join(root, 'uninstall-env');
  cpSync(jupyterPristine, dir, { recursive: true, verbatimSymlinks: true });
  await installRequirements(await openVenv(dir, { env }), { requirements: ['jedi'] }, { env, index: indexFlags });
  const full = snapshot(dir);
  const saved = join(root, 'uninstall-saved');
  cpSync(dir, saved, { recursive: true, verbatimSymlinks: true });
  const t0 = Date.now();
  await uninstall(dir, 'jedi', { env });
  const ms = Date.now() - t0;
  const gone = snapshot(dir);
  let aborted = 0;
  for (let attempt = 0; attempt < 4; attempt++) {
    rmSync(dir, { recursive: true, force: true });
    cpSync(saved, dir, { recursive: true, verbatimSymlinks: true });
    // Even attempts: an abort at the call's first turn (before its commit); odd ones at a random time.
    const r = await abortAtRandom(attempt, 0, ms, (signal, onProgress) => uninstall(dir, 'jedi', { env, signal, onProgress }));
    const label = `uninstall attempt ${attempt + 1}, aborted ${r.at}`;
    if (r.error) {
      assert.ok(isAbort(r.error), `${label}: ${(r.error as Error).stack}`);
      assert.deepEqual(snapshot(dir), full, `${label}: the env changed`);
      aborted++;
    } else assert.deepEqual(snapshot(dir), gone, `${label}: completed, but not all of jedi is gone`);
    await assertClean(r.signal, label);
  }
  assert.ok(aborted >= 1, 'no uninstall was stopped');
});

test('createVenv (pip seeded) aborted at random moments: AbortError and nothing created, nothing left beside it', { skip, timeout: 300_000 }, async () => {
  const parent = join(root, 'create-parent');
  mkdirSync(parent);
  writeFileSync(join(parent, 'keep.txt'), 'a file that was there');
  const before1 = snapshot(parent);
  // Counted on a second create: the first also probes the interpreter and fills the caches (more
  // events, more time), and moments drawn from it often fell after the later, quicker creates ended.
  let events = 0;
  let ms = 0;
  for (let i = 0; i < 2; i++) {
    events = 0;
    const t0 = Date.now();
    await createVenv(join(parent, 'probe-env'), { python, env, onProgress: () => events++ });
    ms = Date.now() - t0;
    rmSync(join(parent, 'probe-env'), { recursive: true, force: true });
  }
  let aborted = 0;
  for (let attempt = 0; attempt < 6; attempt++) {
    const r = await abortAtRandom(attempt, events, ms, (signal, onProgress) => createVenv(join(parent, 'env'), { python, env, signal, onProgress }));
    const label = `create attempt ${attempt + 1}, aborted ${r.at}`;
    if (r.error) {
      assert.ok(isAbort(r.error), `${label}: ${(r.error as Error).stack}`);
      assert.deepEqual(snapshot(parent), before1, `${label}: something was created or left behind`);
      aborted++;
    } else {
      assert.ok(existsSync(join(parent, 'env', 'pyvenv.cfg')), label);
      rmSync(join(parent, 'env'), { recursive: true, force: true });
    }
    await assertClean(r.signal, label);
  }
  assert.ok(aborted >= 2, `only ${aborted} of 6 creates were stopped`);
});

test('probes: an interpreter that hangs is killed when the signal aborts; listPythons with a cold cache stops at a random probe', { skip, timeout: 120_000 }, async () => {
  // A "python" that never answers: the probe's child must be killed, not waited for (15 s timeout).
  const hang = join(root, 'hang', 'python3');
  mkdirSync(join(root, 'hang'));
  writeFileSync(hang, '#!/bin/sh\nexec sleep 60\n');
  chmodSync(hang, 0o755);
  const c = new AbortController();
  const t0 = Date.now();
  setTimeout(() => c.abort('SIGINT'), 300);
  await assert.rejects(probeInterpreter(hang, { env, noCache: true, signal: c.signal }), isAbort);
  assert.ok(Date.now() - t0 < 5000, `the probe took ${Date.now() - t0} ms to stop`);
  await assertClean(c.signal, 'hanging probe');

  // Discovery with no probe cache: every interpreter is run at once; aborted at a random probe
  // event. The host's signal gets one listener, not one per probe (Node would warn of a leak).
  const warnings: string[] = [];
  const onWarning = (w: Error) => warnings.push(`${w.name}: ${w.message}`);
  process.on('warning', onWarning);
  for (let attempt = 0; attempt < 4; attempt++) {
    const cold = { ...env, VENVKIT_CACHE_DIR: join(root, `cold-${attempt}`) };
    const r = await abortAtRandom(attempt, 3, undefined, (signal, onProgress) => listPythons({ env: cold, signal, onProgress }));
    const label = `listPythons attempt ${attempt + 1}, aborted ${r.at}`;
    assert.ok(r.error && isAbort(r.error), `${label}: ${r.error ? (r.error as Error).stack : 'it finished'}`);
    await assertClean(r.signal, label);
  }
  await new Promise((r) => setImmediate(r));
  process.off('warning', onWarning);
  assert.deepEqual(warnings.filter((w) => w.startsWith('MaxListenersExceededWarning')), []);
});
