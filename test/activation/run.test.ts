// venvkit run: the env's interpreter, exit codes, stdin, signals, env selection, argument parsing.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { BIN, venvkit } from '../helpers/cli.js';
import { createEnv, envFixture, sentinels } from '../helpers/shells.js';
import { parseRunArgs } from '../../src/cli/commands/run.js';
import { venvEnv } from '../../src/shell/environment.js';

let project: string;

const fx = envFixture('vk-run-', ({ box }) => {
  project = join(box.dir, 'project');
  mkdirSync(join(project, 'src', 'deep'), { recursive: true });
  createEnv(box, 'project/.venv');
});

const PRINT = 'import os, sys; print(sys.prefix); print(os.environ.get("VIRTUAL_ENV")); print(os.environ.get("PYTHONHOME", "<unset>")); print(os.environ["PATH"].split(os.pathsep)[0])';

describe('venvkit run', () => {
  test('runs python from the env: bin first on PATH, VIRTUAL_ENV set, PYTHONHOME unset', () => {
    const r = venvkit(['run', '--env', fx.envDir, 'python', '-c', PRINT], { cwd: fx.box.dir, env: { ...fx.box.env, PYTHONHOME: '/nonexistent' } });
    assert.equal(r.status, 0, r.stderr);
    assert.deepEqual(r.stdout.split('\n').slice(0, 4), [fx.envDir, fx.envDir, '<unset>', join(fx.envDir, 'bin')]);
    assert.deepEqual(sentinels(fx.box.dir), []);
  });

  test('options stop at the first non-option; -- also ends them', () => {
    assert.deepEqual(parseRunArgs(['python', '-c', 'x', '--env', 'y']), { help: false, command: ['python', '-c', 'x', '--env', 'y'] });
    assert.deepEqual(parseRunArgs(['--env=e', '-q', '--', '-weird', 'a']), { help: false, env: 'e', command: ['-weird', 'a'] });
    assert.throws(() => parseRunArgs(['--nope', 'python']), /unknown option/);
  });

  test('passes the exit code through', () => {
    const r = venvkit(['run', '--env', fx.envDir, 'python', '-c', 'import sys; sys.exit(42)'], { cwd: fx.box.dir, env: fx.box.env });
    assert.equal(r.status, 42);
  });

  test('passes stdin and stdout through', () => {
    const r = venvkit(['run', '--env', fx.envDir, 'python', '-c', 'import sys; print(sys.stdin.read().upper())'], { cwd: fx.box.dir, env: fx.box.env, input: 'hello\n' });
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stdout, 'HELLO\n\n');
  });

  test('a missing command exits 127 with a clear error', () => {
    const r = venvkit(['run', '--env', fx.envDir, 'no-such-command-xyz'], { cwd: fx.box.dir, env: fx.box.env });
    assert.equal(r.status, 127);
    assert.match(r.stderr, /command not found: no-such-command-xyz/);
  });

  test('finds $VIRTUAL_ENV, else the nearest .venv upwards, else says how to create one', () => {
    const fromVar = venvkit(['run', 'python', '-c', 'import sys; print(sys.prefix)'], { cwd: fx.box.dir, env: { ...fx.box.env, VIRTUAL_ENV: fx.envDir } });
    assert.equal(fromVar.stdout.trim(), fx.envDir, fromVar.stderr);
    const upwards = venvkit(['run', 'python', '-c', 'import sys; print(sys.prefix)'], { cwd: join(project, 'src', 'deep'), env: fx.box.env });
    assert.equal(upwards.stdout.trim(), join(project, '.venv'), upwards.stderr);
    const none = venvkit(['run', 'python', '-V'], { cwd: join(fx.box.dir, 'home'), env: fx.box.env });
    assert.equal(none.status, 1);
    assert.match(none.stderr, /no virtual environment found/);
    assert.match(none.stderr, /venvkit create \.venv/);
    const notVenv = venvkit(['run', '--env', join(fx.box.dir, 'home'), 'python'], { cwd: fx.box.dir, env: fx.box.env });
    assert.equal(notVenv.status, 1);
    assert.match(notVenv.stderr, /not a virtual environment/);
  });

  test('a different active env leaves PATH; the chosen one is not added twice', () => {
    const bin = join(fx.envDir, 'bin');
    const other = join(project, '.venv');
    const env = venvEnv({ PATH: `${join(other, 'bin')}:${bin}:/usr/bin`, VIRTUAL_ENV: other, PYTHONHOME: 'x', VIRTUAL_ENV_PROMPT: 'p' }, { root: fx.envDir, bin });
    assert.deepEqual(env, { PATH: `${bin}:/usr/bin`, VIRTUAL_ENV: fx.envDir });
  });

  for (const sig of ['SIGTERM', 'SIGINT'] as const) {
    test(`forwards ${sig} to the command and reports its death (exit 128+n or the same signal)`, async () => {
      // The child records the signal it got, then dies of it (Python's default for SIGTERM; SIGINT -> KeyboardInterrupt).
      const code = `import os, signal, sys, time
def h(n, f):
    open("got-signal", "w").write(str(n))
    signal.signal(n, signal.SIG_DFL)
    os.kill(os.getpid(), n)
signal.signal(signal.${sig}, h)
print("ready", flush=True)
time.sleep(30)`;
      const child = spawn(BIN, ['run', '--env', fx.envDir, 'python', '-c', code], { cwd: fx.box.dir, env: fx.box.env, stdio: ['ignore', 'pipe', 'pipe'] });
      await new Promise<void>((res) => child.stdout.on('data', (d: Buffer) => d.toString().includes('ready') && res()));
      child.kill(sig);
      const [status, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((res) => child.on('exit', (c, s) => res([c, s])));
      const n = sig === 'SIGTERM' ? 15 : 2;
      assert.equal(readFileSync(join(fx.box.dir, 'got-signal'), 'utf8'), String(n));
      assert.ok(signal === sig || status === 128 + n, `exit ${status} signal ${signal}`);
    });
  }
});
