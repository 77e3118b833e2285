// Ctrl-C is never dropped: SIGINT injected (strace) at system calls before and during staging ends
// `venvkit install` with exit 130 and the env byte for byte as it was; at the commit's renames it
// ends either so or with exit 0 and everything installed, never anything in between. The library
// adds no process-wide signal listener: the host passes an AbortSignal.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BIN, venvkit } from '../helpers/cli.js';
import { needTool, venvkitWithFault } from '../helpers/fault.js';
import { straceFollow } from '../helpers/syscall-faults.js';
import { metadataText } from '../helpers/index-server.js';
import { buildWheel } from '../helpers/wheels.js';
import { createVenv } from '../../src/venv/create.js';
import { installWheel } from '../../src/install/install-wheel.js';
import { uninstall } from '../../src/install/uninstall.js';
import { installRequirements } from '../../src/plan-apply/install.js';
import { openVenv } from '../../src/venv/open.js';
import { isVenvkitError } from '../../src/errors.js';
import { isolatedEnv, python3x, snapshot } from '../pip/helpers.js';

const root = mkdtempSync(join(tmpdir(), 'vk-sigint-'));
const wheels = join(root, 'wheels');
const env = isolatedEnv(join(root, 'cache'));
const python = python3x();
const envDir = join(root, 'env');
const pristine = join(root, 'pristine');
const skip = () => (python ? false : 'no CPython 3.11/3.12 under $PYENV_ROOT');
const install = (...reqs: string[]) => ['install', '--env', envDir, '--no-index', '-f', wheels, ...reqs];
// Copied, not linked: every staged file is a write (an openat) to land a signal at.
const upgrade = [...install('a==2.0', 'b==2.0', 'c==2.0'), '--link-mode', 'copy'];
let oldState: string[] = [];
let newState: string[] = [];

function restore(): void {
  rmSync(envDir, { recursive: true, force: true });
  cpSync(pristine, envDir, { recursive: true, verbatimSymlinks: true });
}

before(async () => {
  if (!python) return;
  mkdirSync(wheels, { recursive: true });
  for (const name of ['a', 'b', 'c']) {
    for (const v of ['1.0', '2.0']) {
      const files: Record<string, string> = { [`${name}/__init__.py`]: `V = ${JSON.stringify(v)}\n`, [`${name}/m${v[0]}.py`]: '' };
      for (let i = 0; i < 6; i++) files[`${name}/sub/f${i}.py`] = `X = ${JSON.stringify(v)}\n`;
      buildWheel(wheels, { name, version: v, files, metadata: metadataText({ name, version: v, requires: name === 'a' ? [`b==${v}`] : [] }), console: { [`${name}-tool`]: `${name}:main` } });
    }
  }
  await createVenv(envDir, { python, env, withoutPip: true });
  assert.equal(venvkit(install('a==1.0', 'b==1.0', 'c==1.0'), { env }).status, 0);
  cpSync(envDir, pristine, { recursive: true, verbatimSymlinks: true });
  oldState = snapshot(envDir);
  assert.equal(venvkit(upgrade, { env }).status, 0);
  newState = snapshot(envDir);
  restore();
});
after(() => rmSync(root, { recursive: true, force: true }));

/** The calls of `syscall` in one upgrade: their 1-based numbers, and which are staging (a path in the stage's new/) and which commit renames. */
function traceCalls(syscall: string): { n: number; line: string }[] {
  restore();
  const log = join(root, `trace-${syscall}.log`);
  const r = spawnSync('strace', [...straceFollow('strace'), '-qq', '-o', log, '-e', `trace=${syscall}`, BIN, ...upgrade], { env, encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  return readFileSync(log, 'utf8').split('\n').filter((l) => l.includes(`${syscall}(`)).map((line, i) => ({ n: i + 1, line }));
}

test('SIGINT at staging and at every commit rename: exit 130 with the env unchanged, or exit 0 with all installed', { skip: skip(), timeout: 300_000 }, (t) => {
  if (!needTool(t, 'strace')) return;
  // Staging: files written into the stage (openat with O_CREAT under .venvkit-txn-*/new/).
  const opens = traceCalls('openat');
  const staging = opens.filter((c) => /\.venvkit-txn-[^"]*\/new\//.test(c.line) && c.line.includes('O_CREAT'));
  assert.ok(staging.length >= 20, `only ${staging.length} staging writes found`);
  // Before staging: reading the wheels to install (the find-links directory).
  const reading = opens.filter((c) => c.line.includes(wheels) && c.n < staging[0]!.n).slice(-3);
  const stagingPoints = [...reading, ...staging.filter((_, i) => i % 2 === 0 || i === staging.length - 1)];
  // Renames in the env (the commit): signals there must never leave a half state. They are the
  // journal's rename into place, then one rename per move of commitStaged's loop: the old files
  // aside, then the new ones in; all after the install's last look at the signal. A move is the
  // same synchronous renameSync wherever it falls in that loop, so the points kept are the journal,
  // the first move, the first move in, the last move, and every sixth rename between them (every
  // third gave 37 points here, all "exit 0, complete"; these 21 the same).
  const renames = traceCalls('rename').filter((c) => c.line.includes(`"${envDir}/`));
  const firstIn = renames.findIndex((c) => /rename\("[^"]*\.venvkit-txn-[^"/]*\/new\/[^"]*", "(?![^"]*\.venvkit-txn-)/.test(c.line));
  assert.ok(firstIn > 2, `no move in found among ${renames.length} renames`);
  const commitPoints = renames.filter((_, i) => i <= 1 || i === firstIn || i === renames.length - 1 || i % 6 === 0);
  assert.ok(commitPoints.length >= 5);
  let tried = 0;
  let correct = 0;
  let stagingHits = 0;
  const outcomes = { interrupted: 0, completed: 0 };
  for (const [syscall, points] of [['openat', stagingPoints], ['rename', commitPoints]] as const) {
    for (const { n } of points) {
      restore();
      // The numbering of calls varies a little between runs (Node's thread pool): what counts is
      // the call the signal actually came at, read from this run's own trace.
      const r = venvkitWithFault(syscall, n, 'INT', upgrade, { env }, join(root, 'fault.log'));
      if (!r.at) continue;
      tried++;
      // Reading the wheels or the installed files (RECORDs, __pycache__), or writing a file into
      // the stage; not the lock (read again when released) nor the stage's removal after the commit.
      const inEnv = r.at.includes(`"${envDir}/`) && !r.at.includes('.venvkit');
      const beforeCommit = r.at.includes(wheels) || inEnv || (/\.venvkit-txn-[^"]*\/new\//.test(r.at) && r.at.includes('O_CREAT'));
      if (beforeCommit) stagingHits++;
      const mustStop = beforeCommit;
      const label = `SIGINT at ${syscall} #${n} (${r.at.slice(0, 160)}): exit ${r.status}\n${r.stderr}`;
      const now = snapshot(envDir).join('\n');
      if (r.status === 130) {
        assert.equal(now, oldState.join('\n'), `${label}: exit 130 but the env changed`);
        assert.match(r.stderr, /Interrupted/, label);
        outcomes.interrupted++;
      } else {
        assert.ok(!mustStop, `${label}: a Ctrl-C before the commit was dropped`);
        assert.equal(r.status, 0, label);
        assert.equal(now, newState.join('\n'), `${label}: exit 0 but not everything was installed`);
        outcomes.completed++;
      }
      correct++;
    }
  }
  console.log(`# SIGINT points tried ${tried} (${stagingHits} while reading wheels or staging), correct ${correct} (exit 130 unchanged: ${outcomes.interrupted}, exit 0 complete: ${outcomes.completed})`);
  assert.ok(stagingHits >= 8, `only ${stagingHits} signals landed before the commit`);
});

test('the library adds no signal listeners; an aborted AbortSignal stops install, installWheel and uninstall with nothing changed', { skip: skip() }, async () => {
  restore();
  const venv = await openVenv(envDir, { env });
  const added: string[] = [];
  const on = process.on.bind(process);
  process.on = ((event: string, listener: (...a: unknown[]) => void) => {
    if (/^SIG/.test(event)) added.push(event);
    return on(event as 'SIGINT', listener);
  }) as typeof process.on;
  try {
    const r = await installRequirements(venv, { requirements: ['a==2.0'] }, { env, index: { noIndex: true, findLinks: [wheels] } });
    assert.equal(r.installed.length, 2);
    restore();
    const aborted = AbortSignal.abort('SIGINT');
    // Hosts test for cancellation the usual way (`e.name === 'AbortError'`); the CLI uses the code and exit status.
    const isInterrupted = (e: unknown) => isVenvkitError(e, 'INTERRUPTED') && (e as { exitCode: number }).exitCode === 130 && (e as Error).name === 'AbortError';
    await assert.rejects(installRequirements(venv, { requirements: ['a==2.0'] }, { env, index: { noIndex: true, findLinks: [wheels] }, signal: aborted }), isInterrupted);
    await assert.rejects(installWheel(venv, join(wheels, 'c-2.0-py3-none-any.whl'), { env, signal: aborted }), isInterrupted);
    await assert.rejects(uninstall(venv, 'b', { env, signal: aborted }), isInterrupted);
    assert.deepEqual(snapshot(envDir), oldState);
    // Aborted while it runs (here: while the wheels are fetched): stopped before the commit.
    const c = new AbortController();
    const p = installRequirements(venv, { requirements: ['a==2.0', 'c==2.0'] }, { env, index: { noIndex: true, findLinks: [wheels] }, signal: c.signal, onEvent: (e) => e.kind === 'resolved' && c.abort('SIGINT') });
    await assert.rejects(p, isInterrupted);
    assert.deepEqual(snapshot(envDir), oldState);
  } finally {
    process.on = on as typeof process.on;
  }
  assert.deepEqual(added, [], 'the library added process-wide signal listeners');
});
