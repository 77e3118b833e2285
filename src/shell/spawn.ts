// Run a child process in the foreground: stdio inherited, signals passed on, its exit status
// returned (or its death by a signal re-raised in this process).
import { spawn } from 'node:child_process';
import { constants } from 'node:os';
import { VenvkitError } from '../errors.js';

export interface ForegroundOptions {
  env: NodeJS.ProcessEnv;
  cwd?: string;
  /**
   * Pass SIGINT/SIGQUIT on to the child. When stdin is a terminal, Ctrl-C already reaches the whole
   * foreground process group, child included, so they are only passed on when it is not (or for
   * an interactive shell, never: it handles Ctrl-C itself).
   */
  forwardInterrupt: boolean;
  /** Runs once the child is gone, before a death by signal is re-raised here. */
  onExit?: () => void;
}

const FORWARDED: NodeJS.Signals[] = ['SIGTERM', 'SIGHUP', 'SIGINT', 'SIGQUIT', 'SIGUSR1', 'SIGUSR2'];

/** Exit status for a death by signal, as shells report it. */
export function signalExitCode(signal: NodeJS.Signals): number {
  return 128 + (constants.signals[signal] ?? 0);
}

export function runForeground(command: string, args: string[], o: ForegroundOptions): Promise<number> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(command, args, { env: o.env, cwd: o.cwd, stdio: 'inherit' });
    const handlers = new Map<NodeJS.Signals, () => void>();
    for (const sig of FORWARDED) {
      const interrupt = sig === 'SIGINT' || sig === 'SIGQUIT';
      const handler = () => {
        if (!interrupt || o.forwardInterrupt) child.kill(sig);
      };
      handlers.set(sig, handler);
      process.on(sig, handler);
    }
    const cleanup = () => {
      for (const [sig, h] of handlers) process.off(sig, h);
    };
    child.on('error', (e: NodeJS.ErrnoException) => {
      cleanup();
      if (e.code === 'ENOENT') {
        reject(new VenvkitError('COMMAND_FAILED', `command not found: ${command}`, { hint: 'Is it installed in the environment (or on PATH)?', exitCode: 127 }));
      } else if (e.code === 'EACCES') {
        reject(new VenvkitError('COMMAND_FAILED', `cannot run ${command}: permission denied`, { exitCode: 126 }));
      } else {
        reject(new VenvkitError('COMMAND_FAILED', `cannot run ${command}: ${e.message}`, { cause: e, exitCode: 126 }));
      }
    });
    child.on('exit', (code, signal) => {
      cleanup();
      o.onExit?.();
      if (signal) {
        // Die the same way, so a calling shell sees what happened to the command; should the
        // signal be ignored or handled here, report it as shells do.
        try {
          process.kill(process.pid, signal);
        } catch {
          // fall through
        }
        setTimeout(() => resolvePromise(signalExitCode(signal)), 50);
        return;
      }
      resolvePromise(code ?? 1);
    });
  });
}
