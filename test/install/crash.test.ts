// A kill at any system call of an install or uninstall leaves an env that the next venvkit command
// finds either as it was or as it would be: SIGKILL injected (strace) at every rename, unlink and
// rmdir of a 3-package upgrade and of an uninstall, then list/freeze/check/install run, then the
// whole env (every path, mode and content) compared with the two states. A kill during the
// recovery itself is recovered by the command after it.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { venvkit } from '../helpers/cli.js';
import { needTool, venvkitWithFault } from '../helpers/fault.js';
import { straceFollow } from '../helpers/syscall-faults.js';
import { metadataText } from '../helpers/index-server.js';
import { buildWheel } from '../helpers/wheels.js';
import { createVenv } from '../../src/venv/create.js';
import { isolatedEnv, python3x, snapshot } from '../pip/helpers.js';

const root = mkdtempSync(join(tmpdir(), 'vk-crash-'));
const wheels = join(root, 'wheels');
const env = isolatedEnv(join(root, 'cache'));
const python = python3x();
const envDir = join(root, 'env');
const pristine = join(root, 'pristine');
const skip = () => (python ? false : 'no CPython 3.11/3.12 under $PYENV_ROOT');

/** v1 and v2 of a, b, c: files kept, changed, dropped and added, a new subpackage, console scripts, dependencies. */
function writeWheels(): void {
  mkdirSync(wheels, { recursive: true });
  for (const name of ['a', 'b', 'c']) {
    for (const v of ['1.0', '2.0']) {
      const requires = name === 'a' ? [`b==${v}`, 'c'] : name === 'b' ? [`c==${v}`] : [];
      const files: Record<string, string> = { [`${name}/__init__.py`]: `V = ${JSON.stringify(v)}\n` };
      if (v === '1.0') files[`${name}/old_only.py`] = 'old = 1\n';
      else files[`${name}/sub/new.py`] = 'new = 1\n';
      buildWheel(wheels, { name, version: v, files, metadata: metadataText({ name, version: v, requires }), ...(name === 'a' ? { console: { 'a-tool': 'a:main' } } : {}) });
    }
  }
}

const vk = (args: string[]) => venvkit(args, { env });
const install = (...reqs: string[]) => ['install', '--env', envDir, '--no-index', '-f', wheels, ...reqs];
const state = () => snapshot(envDir);
function restore(): void {
  rmSync(envDir, { recursive: true, force: true });
  cpSync(pristine, envDir, { recursive: true, verbatimSymlinks: true });
}

/**
 * Which calls of `syscall` (1-based) a run of venvkit makes that are worth a kill (from a clean
 * copy of the env): all of them, except that of a run of unlinks/rmdirs emptying a stage
 * directory whose outcome no longer matters (its journal is gone) only the first two are kept.
 */
function callsToKill(syscall: string, args: string[], from: () => void = restore): number[] {
  from();
  const log = join(root, 'trace.log');
  const r = spawnSync('strace', [...straceFollow('strace'), '-qq', '-o', log, '-e', `trace=${syscall}`, join(import.meta.dirname, '../../bin/venvkit.cjs'), ...args], { env, encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  const calls = readFileSync(log, 'utf8').split('\n').filter((l) => l.includes(`${syscall}(`));
  const out: number[] = [];
  let resolved = false;
  let cleanup = 0;
  calls.forEach((line, i) => {
    if (line.includes('journal.json"')) resolved = syscall === 'unlink';
    const isCleanup = resolved && /\.venvkit-txn-[^/"]+\//.test(line);
    cleanup = isCleanup ? cleanup + 1 : 0;
    if (cleanup <= 2) out.push(i + 1);
  });
  return out;
}

let oldState: string[] = [];
let newState: string[] = [];
let uninstalledState: string[] = [];

before(async () => {
  if (!python) return;
  writeWheels();
  await createVenv(envDir, { python, env, withoutPip: true });
  assert.equal(vk(install('a==1.0', 'b==1.0', 'c==1.0')).status, 0);
  cpSync(envDir, pristine, { recursive: true, verbatimSymlinks: true });
  oldState = state();
  const up = vk(install('a==2.0', 'b==2.0', 'c==2.0'));
  assert.equal(up.status, 0, up.stderr);
  newState = state();
  restore();
  assert.equal(vk(['uninstall', '-y', '--env', envDir, 'b']).status, 0);
  uninstalledState = state();
  restore();
});
after(() => rmSync(root, { recursive: true, force: true }));

/** The next command after a kill, in turn: each must find (and leave) a consistent env. */
const NEXT: { name: string; args: string[]; final?: 'new' }[] = [
  { name: 'list', args: ['list', '--env', envDir] },
  { name: 'freeze', args: ['freeze', '--env', envDir] },
  { name: 'check', args: ['check', '--env', envDir] },
  { name: 'install', args: install('a==2.0', 'b==2.0', 'c==2.0'), final: 'new' },
];

function killAtEveryCall(args: string[], target: string[], counts: { tried: number; consistent: number; rolledBack: number; completed: number }): void {
  for (const syscall of ['rename', 'unlink', 'rmdir']) {
    for (const n of callsToKill(syscall, args)) {
      restore();
      const run = venvkitWithFault(syscall, n, 'KILL', args, { env });
      if (!run.hit) continue;
      counts.tried++;
      const next = NEXT[counts.tried % NEXT.length]!;
      const r = vk(next.args);
      const label = `SIGKILL at ${syscall} #${n}, then ${next.name}`;
      assert.equal(r.status, 0, `${label}: exit ${r.status}\n${r.stderr}`);
      const now = state();
      if (next.final === 'new') assert.deepEqual(now, newState, label);
      else {
        assert.ok(now.join('\n') === oldState.join('\n') || now.join('\n') === target.join('\n'), `${label}: the env is neither the old nor the new state`);
        if (now.join('\n') === oldState.join('\n')) counts.rolledBack++;
        else counts.completed++;
      }
      assert.doesNotMatch(now.join('\n'), /\.venvkit/, `${label}: a lock or stage was left`);
      counts.consistent++;
    }
  }
}

test('SIGKILL at every rename/unlink/rmdir of a 3-package upgrade: the next command finds the old or the new env', { skip: skip(), timeout: 300_000 }, (t) => {
  if (!needTool(t, 'strace')) return;
  const counts = { tried: 0, consistent: 0, rolledBack: 0, completed: 0 };
  killAtEveryCall(install('a==2.0', 'b==2.0', 'c==2.0'), newState, counts);
  console.log(`# upgrade: kills tried ${counts.tried}, consistent after the next command ${counts.consistent} (rolled back ${counts.rolledBack}, completed ${counts.completed})`);
  assert.ok(counts.tried >= 20, `only ${counts.tried} kill points`);
  assert.ok(counts.rolledBack > 0);
});

test('SIGKILL at every rename/unlink/rmdir of an uninstall: the next command finds it installed or gone', { skip: skip(), timeout: 300_000 }, (t) => {
  if (!needTool(t, 'strace')) return;
  const counts = { tried: 0, consistent: 0, rolledBack: 0, completed: 0 };
  const args = ['uninstall', '-y', '--env', envDir, 'b'];
  for (const syscall of ['rename', 'unlink', 'rmdir']) {
    for (const n of callsToKill(syscall, args)) {
      restore();
      if (!venvkitWithFault(syscall, n, 'KILL', args, { env }).hit) continue;
      counts.tried++;
      const r = vk(['list', '--env', envDir]);
      assert.equal(r.status, 0, r.stderr);
      const now = state().join('\n');
      assert.ok(now === oldState.join('\n') || now === uninstalledState.join('\n'), `SIGKILL at ${syscall} #${n}: neither installed nor uninstalled`);
      counts.consistent++;
    }
  }
  console.log(`# uninstall: kills tried ${counts.tried}, consistent after the next command ${counts.consistent}`);
  assert.ok(counts.tried >= 5);
});

test('a kill during the recovery itself is recovered by the next command', { skip: skip(), timeout: 300_000 }, (t) => {
  if (!needTool(t, 'strace')) return;
  const args = install('a==2.0', 'b==2.0', 'c==2.0');
  // Kill the upgrade half-way through its commit (a rename in the middle of it), keep that env.
  const renames = callsToKill('rename', args).length;
  restore();
  assert.ok(venvkitWithFault('rename', Math.ceil(renames / 2), 'KILL', args, { env }).hit);
  const crashed = join(root, 'crashed');
  rmSync(crashed, { recursive: true, force: true });
  cpSync(envDir, crashed, { recursive: true, verbatimSymlinks: true });
  assert.notDeepEqual(state(), oldState, 'the kill left a half-done env (the case to recover)');
  // A reader that cannot write the env (here: a read-only mount) says so, and how to fix it.
  const setup = 'mount --bind "$1" "$1" && mount -o remount,ro,bind "$1"';
  if (spawnSync('unshare', ['-m', 'sh', '-c', setup, 'sh', envDir]).status === 0) {
    for (const cmd of ['list', 'freeze', 'check']) {
      const ro = spawnSync('unshare', ['-m', 'sh', '-c', `${setup} && shift && exec "$@"`, 'sh', envDir, join(import.meta.dirname, '../../bin/venvkit.cjs'), cmd, '--env', envDir], { env, encoding: 'utf8' });
      assert.equal(ro.status, 1, `${cmd} on a read-only env with a journal: ${ro.stdout}${ro.stderr}`);
      assert.match(ro.stderr, /has an install or uninstall that was interrupted .* what it shows now is not what is installed/);
      assert.match(ro.stderr, /hint: .*`venvkit list --env .*`\) as a user who can write to the environment/);
    }
  } else console.log('# skip (part): no private read-only bind mount here (needs CAP_SYS_ADMIN)');
  const first = vk(['list', '--env', envDir]);
  assert.match(first.stderr, /^note: rolled back an interrupted install in .* \(\d+ file moves? undone; the environment is as it was before\)$/m);
  assert.deepEqual(state(), oldState);
  let tried = 0;
  const fromCrashed = () => {
    rmSync(envDir, { recursive: true, force: true });
    cpSync(crashed, envDir, { recursive: true, verbatimSymlinks: true });
  };
  // Recovery renames (undoing moves), then removes the journal, the stage and the stale lock.
  for (const syscall of ['rename', 'unlink']) {
    for (const m of callsToKill(syscall, ['list', '--env', envDir], fromCrashed)) {
      fromCrashed();
      if (!venvkitWithFault(syscall, m, 'KILL', ['list', '--env', envDir], { env }).hit) continue;
      tried++;
      const r = vk(['list', '--env', envDir]);
      assert.equal(r.status, 0, r.stderr);
      const now = state().join('\n');
      assert.ok(now === oldState.join('\n') || now === newState.join('\n'), `kill at ${syscall} #${m} of the recovery: inconsistent`);
    }
  }
  console.log(`# recovery: kills tried ${tried}, all consistent after the next command`);
  assert.ok(tried >= 3);
});
