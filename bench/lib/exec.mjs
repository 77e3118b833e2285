// Running commands: timed runs of the tools, and plain runs for set-up and checks.
import { spawnSync } from 'node:child_process';

/** Runs a command to completion; never throws. */
export function run(cmd, args, { env, cwd, timeoutMs = 600_000, input } = {}) {
  const r = spawnSync(cmd, args, { env, cwd, encoding: 'utf8', timeout: timeoutMs, maxBuffer: 64 * 1024 * 1024, input, stdio: [input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'] });
  return { status: r.status, signal: r.signal, stdout: r.stdout ?? '', stderr: r.stderr ?? '', error: r.error };
}

/** Like run(), with the wall time of the process (spawn to exit) in milliseconds. */
export function timedRun(cmd, args, options = {}) {
  const t0 = process.hrtime.bigint();
  const r = run(cmd, args, options);
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  return { ...r, ms, ok: r.status === 0 && !r.error, message: r.status === 0 && !r.error ? '' : failureMessage(r) };
}

/** The line of a failed run's output that says what went wrong (an "error:" line, else the last one). */
export function failureMessage(r) {
  if (r.error) return r.error.code === 'ETIMEDOUT' ? 'timed out' : String(r.error.message);
  const lines = `${r.stderr}\n${r.stdout}`.split('\n').map((l) => l.trim()).filter(Boolean);
  const line = lines.find((l) => /^error\b|error:/i.test(l)) ?? lines[lines.length - 1] ?? '';
  const status = r.signal ? `killed by ${r.signal}` : `exit ${r.status}`;
  const text = line.length > 200 ? line.slice(0, 197) + '...' : line;
  return text ? `${text} (${status})` : status;
}

/** Runs a set-up step that must succeed; throws with its output otherwise. */
export function must(cmd, args, options = {}) {
  const r = run(cmd, args, options);
  if (r.status !== 0 || r.error) throw new Error(`${[cmd, ...args].join(' ')}: ${failureMessage(r)}`);
  return r;
}
