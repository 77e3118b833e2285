/** The error an aborted call rejects with: the signal's reason when it is an AbortError, else a DOMException named AbortError. */
export function abortError(signal: AbortSignal): Error {
  const r = signal.reason as unknown;
  return r instanceof Error && r.name === 'AbortError' ? r : new DOMException('The operation was aborted', 'AbortError');
}
