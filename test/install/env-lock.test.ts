// The env lock survives crashes and pid reuse: a lock naming a live process that is not its
// writer (another start time, another boot, started after the lock was written) is taken over at
// once; a real holder is waited for with one line said (also when stderr is not a terminal), and
// Ctrl-C / an AbortSignal stops the wait with nothing changed.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readlinkSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { BIN } from '../helpers/cli.js';
import { buildWheel } from '../helpers/wheels.js';
import { lockEnv } from '../../src/install/env-lock.js';
import { installWheel } from '../../src/install/install-wheel.js';
import { createVenv } from '../../src/venv/create.js';
import { isVenvkitError } from '../../src/errors.js';
import { isolatedEnv, python3x, snapshot } from '../pip/helpers.js';

const root = mkdtempSync(join(tmpdir(), 'vk-lock-'));
const env = isolatedEnv(join(root, 'cache'));
const python = python3x();
after(() => rmSync(root, { recursive: true, force: true }));
const linux = process.platform === 'linux' ? false : 'Linux only (/proc)';

/** A live process that has nothing to do with venvkit. */
function sleeper(): ChildProcess {
  return spawn('sleep', ['60'], { stdio: 'ignore' });
}

const procStart = (pid: number) => readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ')[19]!;
const bootId = () => readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim();

async function takesAtOnce(dir: string): Promise<void> {
  let waited: number | undefined;
  const t0 = Date.now();
  const lock = await lockEnv(dir, { timeoutMs: 5000, onWait: (pid) => (waited = pid) });
  const ms = Date.now() - t0;
  assert.equal(waited, undefined, 'waited for a stale lock');
  assert.ok(ms < 1000, `took ${ms} ms`);
  assert.equal(JSON.parse(readFileSync(lock.path, 'utf8')).pid, process.pid);
  lock.release();
  assert.ok(!existsSync(lock.path));
}

test('a lock naming a live pid whose start time differs (the pid was reused) is taken over at once', { skip: linux }, async () => {
  const dir = mkdtempSync(join(root, 'env-'));
  const s = sleeper();
  try {
    await new Promise((r) => setTimeout(r, 100));
    const wrong = String(Number(procStart(s.pid!)) - 12345);
    writeFileSync(join(dir, '.venvkit.lock'), JSON.stringify({ pid: s.pid, start: wrong, boot: bootId(), pidns: readlinkSync('/proc/self/ns/pid'), host: hostname() }) + '\n');
    await takesAtOnce(dir);
    // Written in another boot (a restored CI cache, a reboot): stale whatever the pid is now.
    writeFileSync(join(dir, '.venvkit.lock'), JSON.stringify({ pid: s.pid, start: procStart(s.pid!), boot: '00000000-0000-0000-0000-000000000000', host: hostname() }) + '\n');
    await takesAtOnce(dir);
    // The old format, a bare pid: its process started after the lock was written, so it is not the writer.
    writeFileSync(join(dir, '.venvkit.lock'), `${s.pid}\n`);
    utimesSync(join(dir, '.venvkit.lock'), new Date(Date.now() - 3600_000), new Date(Date.now() - 3600_000));
    await takesAtOnce(dir);
  } finally {
    s.kill();
  }
});

test('a live holder is waited for: one line on stderr (not a terminal), then the command runs; Ctrl-C stops the wait', { skip: python ? false : 'no CPython 3.11/3.12' }, async () => {
  const venv = await createVenv(join(root, 'env'), { python: python!, env, withoutPip: true });
  const wheels = mkdtempSync(join(root, 'wheels-'));
  await installWheel(venv, buildWheel(wheels, { name: 'a', version: '1.0', files: { 'a/__init__.py': '' } }), { env });
  const before = snapshot(venv.root);
  const held = await lockEnv(venv.root);
  const run = (args: string[]) => {
    const child = spawn(BIN, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr!.on('data', (d) => (stderr += d));
    const done = new Promise<number | null>((r) => child.on('close', (c) => r(c)));
    return { child, done, stderr: () => stderr };
  };
  try {
    const waiting = run(['uninstall', '-y', '--env', venv.root, 'a']);
    const interrupted = run(['uninstall', '-y', '--env', venv.root, 'a']);
    // Wait until both have said they wait (a loaded machine can take seconds to start them).
    const until = Date.now() + 30_000;
    while (![waiting, interrupted].every((w) => w.stderr().endsWith('\n')) && Date.now() < until) await new Promise((r) => setTimeout(r, 50));
    for (const w of [waiting, interrupted]) assert.match(w.stderr(), new RegExp(`^Waiting for another venvkit \\(pid ${process.pid}\\) to finish with ${venv.root} \\(Ctrl-C to stop waiting\\)\\.\\.\\.\\n$`));
    interrupted.child.kill('SIGINT');
    assert.equal(await interrupted.done, 130, interrupted.stderr());
    assert.match(interrupted.stderr(), /Interrupted while waiting for the lock/);
    assert.deepEqual(snapshot(venv.root).filter((l) => !l.includes('.venvkit.lock')), before.filter((l) => !l.includes('.venvkit.lock')));
    held.release();
    assert.equal(await waiting.done, 0, waiting.stderr());
    assert.equal(waiting.stderr().split('\n').filter((l) => l.startsWith('Waiting')).length, 1);
  } finally {
    held.release();
  }
  // The library: an AbortSignal stops the wait.
  const again = await lockEnv(venv.root);
  try {
    const c = new AbortController();
    setTimeout(() => c.abort(), 200);
    await assert.rejects(lockEnv(venv.root, { signal: c.signal }), (e) => isVenvkitError(e, 'INTERRUPTED') && (e as Error).name === 'AbortError');
  } finally {
    again.release();
  }
});
