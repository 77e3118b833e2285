// The CLI asks for Ctrl-C handling (the library adds no process-wide handlers): SIGINT, SIGTERM and
// SIGHUP abort the returned signal instead of killing the process, for as long as the process
// runs, so none is lost. The library stops at its next check (the env is then unchanged) or, when
// the signal comes during a commit, completes it first. The command then exits 130 (143, 129).
export function abortOnSignals(): AbortSignal {
  const controller = new AbortController();
  for (const s of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(s, () => controller.abort(s));
  return controller.signal;
}
