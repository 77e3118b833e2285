// Process checks shared by the tests that kill children (cancellation, VCS aborts).
import { existsSync, readFileSync } from 'node:fs';

/** Whether `pid` is a live process: a zombie (left for a PID 1 that does not reap) counts as ended. */
export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    // The state follows the command name's closing parenthesis (the name may hold parentheses).
    const stat = readFileSync(`/proc/${pid}/stat`, 'latin1');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return existsSync(`/proc/${pid}`) || process.platform !== 'linux';
  }
}
