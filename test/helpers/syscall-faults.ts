// Tools for crash and trust tests: strace (kill a command at its Nth call of a system call) and
// setpriv (run a command as the unprivileged user nobody). CI installs both (.ci/run): missing there
// is a failure; elsewhere the test is skipped with a note.
import { spawn, spawnSync, type SpawnOptions, type SpawnSyncOptions } from 'node:child_process';
import { existsSync } from 'node:fs';

function tool(paths: string[], what: string): string | undefined {
  const found = paths.find(existsSync);
  if (found) return found;
  if (process.env.CI === 'true') throw new Error(`${what} is missing, but CI installs it (.ci/run)`);
  console.log(`# skip: ${what} not installed`);
  return undefined;
}

export const strace = (): string | undefined => tool(['/usr/bin/strace', '/bin/strace'], 'strace');

const seccomp: { trace?: boolean; signal?: boolean } = {};
/**
 * strace's options for following a command and its children: `-f`, with `--seccomp-bpf` where this
 * strace and kernel do what the caller needs with it (found out once per process). With it the
 * tracee stops only at the traced system calls instead of at every one for strace to filter out
 * (less CPU under trace); what is traced, counted (inject when=N) and logged stays the same.
 * `injectsSignal`: strace 6.1 (Debian 12) silently drops an injected signal under --seccomp-bpf
 * (the tracee runs on), so a signal is only injected with it where a probe saw it work; an error
 * injection is not affected. An older strace refuses the option: plain `-f`.
 */
export function straceFollow(stracePath: string, injectsSignal = false): string[] {
  const probe = (inject: string[]) => spawnSync(stracePath, ['-f', '--seccomp-bpf', '-qq', '-o', '/dev/null', '-e', 'trace=execve', ...inject, '/bin/sh', '-c', 'exec /bin/true']);
  const ok = injectsSignal
    ? (seccomp.signal ??= probe(['-e', 'inject=execve:signal=KILL']).signal === 'SIGKILL')
    : (seccomp.trace ??= probe([]).status === 0);
  return ok ? ['-f', '--seccomp-bpf'] : ['-f'];
}

/** setpriv, when running as root (the only case where another uid can be taken). */
export const setpriv = (): string | undefined => (process.getuid?.() === 0 ? tool(['/usr/bin/setpriv', '/bin/setpriv'], 'setpriv (util-linux)') : (console.log('# skip: not root, cannot act as another user'), undefined));

export const NOBODY = 65534;

/** Run `cmd args` as nobody:nogroup with no supplementary groups. */
export function asNobody(setprivPath: string, cmd: string, args: string[], options: SpawnSyncOptions = {}) {
  const r = spawnSync(setprivPath, [`--reuid=${NOBODY}`, `--regid=${NOBODY}`, '--clear-groups', cmd, ...args], { encoding: 'utf8', ...options });
  return { status: r.status, stdout: String(r.stdout ?? ''), stderr: String(r.stderr ?? '') };
}

export interface Ran { status: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }

/** Run a command without blocking the event loop (so that tests can run side by side). */
export function run(cmd: string, args: string[], options: SpawnOptions = {}): Promise<Ran> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'], ...options });
    let stdout = '';
    let stderr = '';
    child.stdout!.on('data', (d) => (stdout += d));
    child.stderr!.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (status, signal) => resolve({ status, signal, stdout, stderr }));
  });
}

/** Run `cmd args` under strace, SIGKILLed on entering its `n`th `syscall`. killed: whether that happened. */
export async function killAt(stracePath: string, syscall: string, n: number, cmd: string, args: string[], options: SpawnOptions = {}) {
  const r = await run(stracePath, [...straceFollow(stracePath, true), '-qq', '-o', '/dev/null', '-e', `trace=${syscall}`, '-e', `inject=${syscall}:signal=KILL:when=${n}`, cmd, ...args], options);
  return { killed: r.signal === 'SIGKILL' || r.status === 137, status: r.status, stderr: r.stderr };
}
