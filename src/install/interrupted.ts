// Cancellation, one way everywhere: a host's AbortSignal (the CLI wires Ctrl-C to one) makes a long
// call reject with VenvkitError INTERRUPTED, whose `name` is 'AbortError'. Nothing here adds a
// listener that outlives the call.
import { setMaxListeners } from 'node:events';
import { VenvkitError } from '../errors.js';

/** The INTERRUPTED error for `signal` (its exit status follows the CLI's signal name, if that is the reason). */
export function interruptedError(signal: AbortSignal | undefined, what = 'nothing was installed', unchanged = 'the environment is unchanged'): VenvkitError {
  const reason = signal?.reason as unknown;
  const exitCode = reason === 'SIGTERM' ? 143 : reason === 'SIGHUP' ? 129 : 130;
  return new VenvkitError('INTERRUPTED', `Interrupted: ${what}${unchanged ? ` (${unchanged})` : ''}`, { exitCode });
}

/** Throw INTERRUPTED when `signal` was aborted (by the host: the CLI on Ctrl-C). */
export function throwIfInterrupted(signal: AbortSignal | undefined, what?: string, unchanged?: string): void {
  if (signal?.aborted) throw interruptedError(signal, what, unchanged);
}

/**
 * The last check before a commit: let signals that came meanwhile reach the host's listeners (a
 * signal is read in the event loop's poll phase, and two turns make sure one poll phase passes),
 * then throw INTERRUPTED if aborted. From here on the commit completes whatever comes.
 */
export async function checkpoint(signal: AbortSignal | undefined, what?: string): Promise<void> {
  if (!signal) return;
  for (let i = 0; i < 2; i++) await new Promise((r) => setImmediate(r));
  throwIfInterrupted(signal, what);
}

/**
 * `promise`, or INTERRUPTED as soon as `signal` is aborted (the work itself is stopped by whoever
 * owns it, or goes on in the background and is dropped). The listener is removed either way.
 */
export function abortable<T>(promise: Promise<T>, signal: AbortSignal | undefined, what?: string, unchanged?: string): Promise<T> {
  if (!signal) return promise;
  return new Promise<T>((resolve, reject) => {
    if (signal.aborted) {
      promise.catch(() => {});
      return reject(interruptedError(signal, what, unchanged));
    }
    const onAbort = () => reject(interruptedError(signal, what, unchanged));
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

/**
 * A signal of our own that follows `signal` (one listener on the host's, removed by `dispose`), for
 * work that hands it to many children at once (each adds a listener: the host's signal would warn
 * of a leak past ten).
 */
export function followSignal(signal: AbortSignal | undefined, listeners: number): { signal?: AbortSignal; dispose(): void } {
  if (!signal) return { dispose() {} };
  const c = new AbortController();
  setMaxListeners(Math.max(10, listeners + 1), c.signal);
  const onAbort = () => c.abort(signal.reason);
  if (signal.aborted) c.abort(signal.reason);
  else signal.addEventListener('abort', onAbort, { once: true });
  return { signal: c.signal, dispose: () => signal.removeEventListener('abort', onAbort) };
}
