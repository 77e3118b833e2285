// Whether a process is alive: signal 0 reaches it, or it exists but is another user's (EPERM).
import { errnoCode } from '../errors.js';

export function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return errnoCode(e) === 'EPERM';
  }
}
