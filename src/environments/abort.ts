import { VenvkitError } from '../errors.js';

/** The error an aborted call rejects with, as everywhere in venvkit: INTERRUPTED, named AbortError. */
export function abortError(signal: AbortSignal): Error {
  const r = signal.reason as unknown;
  if (r instanceof VenvkitError && r.code === 'INTERRUPTED') return r;
  return new VenvkitError('INTERRUPTED', 'Interrupted: the search for environments was cancelled', { cause: r, hint: 'Nothing was changed.' });
}
