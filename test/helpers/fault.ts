// Fault injection for the crash-safety tests: run the built CLI under strace with a signal injected
// at the Nth call of a system call (`-e inject=rename:signal=KILL:when=N`), and the tools that needs.
import { spawnSync, type SpawnSyncOptions } from 'node:child_process';
import { readFileSync } from 'node:fs';
import type { TestContext } from 'node:test';
import { BIN } from './cli.js';
import { which } from './shells.js';
import { straceFollow } from './syscall-faults.js';

/** Tools CI installs (.ci/run): missing one there is a failure, elsewhere a skip with the reason. */
const CI_TOOLS = new Set(['strace', 'setpriv', 'chattr']);

export function needTool(t: TestContext, name: string): string | undefined {
  const p = which(name) ?? [`/usr/bin/${name}`, `/usr/sbin/${name}`, `/sbin/${name}`].find((x) => spawnSync(x, ['--version']).error === undefined);
  if (p) return p;
  const reason = `${name} is not installed`;
  if (process.env.CI === 'true' && CI_TOOLS.has(name)) throw new Error(`${reason}, but CI installs it (.ci/run)`);
  console.log(`# skip: ${reason}`);
  t.skip(reason);
  return undefined;
}

export interface FaultRun {
  status: number | null;
  /** The signal that ended venvkit (strace ends itself with the same one). */
  signal: NodeJS.Signals | null;
  /** True when the injected signal ended the run (the syscall was reached). */
  hit: boolean;
  stdout: string;
  stderr: string;
  /** With `log`: strace's line for the call the signal was injected at. */
  at?: string;
}

/**
 * Run `venvkit ARGS` with `signal` sent to it at the `when`th call of `syscall` (counted over the
 * process and its threads). strace's own messages go to /dev/null.
 */
export function venvkitWithFault(syscall: string, when: number, signal: 'KILL' | 'INT', args: string[], options: SpawnSyncOptions = {}, log?: string): FaultRun {
  const r = spawnSync('strace', [...straceFollow('strace', true), '-qq', '-o', log ?? '/dev/null', '-e', `trace=${syscall}`, '-e', `signal=SIG${signal}`, '-e', `inject=${syscall}:signal=${signal}:when=${when}`, BIN, ...args], { encoding: 'utf8', timeout: 120_000, ...options });
  const sig = r.signal ?? (r.status === 137 ? 'SIGKILL' : null);
  const hit = signal === 'KILL' ? sig === 'SIGKILL' : /injected|SIGINT/.test(String(r.stderr)) || r.status === 130;
  let at: string | undefined;
  if (log) {
    // The call just before strace's "--- SIGINT" line, in the same thread.
    const lines = readFileSync(log, 'utf8').split('\n');
    const i = lines.findIndex((l) => l.includes(`--- SIG${signal} `));
    if (i > 0) {
      const tid = lines[i]!.split(' ')[0];
      for (let j = i - 1; j >= 0 && at === undefined; j--) if (lines[j]!.startsWith(`${tid} `) && lines[j]!.includes(`${syscall}(`)) at = lines[j];
    }
  }
  return { status: r.status, signal: sig, hit: signal === 'KILL' ? hit : at !== undefined, stdout: String(r.stdout ?? ''), stderr: String(r.stderr ?? ''), at };
}
