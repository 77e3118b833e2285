// Statistics of timed runs and the speed-up figure (pure).

/** Median of a non-empty list of numbers (mean of the middle two for an even count). */
export function median(values) {
  if (values.length === 0) throw new Error('median of no values');
  const s = [...values].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** { median, min, max, n } of run times in milliseconds, or null when there are none. */
export function summarize(times) {
  if (!times || times.length === 0) return null;
  return { median: median(times), min: Math.min(...times), max: Math.max(...times), n: times.length };
}

/**
 * The speed-up: peer median / venvkit median. 2 means venvkit took half the peer's time
 * ("2x faster"); 0.8 means venvkit took 1.25 times as long as the peer.
 */
export function speedup(venvkitMedian, peerMedian) {
  if (!(venvkitMedian > 0) || !(peerMedian > 0)) return null;
  return peerMedian / venvkitMedian;
}

/** A duration for people: 3.21 ms, 123 ms, 4.53 s. */
export function formatMs(ms) {
  if (ms == null || !Number.isFinite(ms)) return '–';
  if (ms < 10) return `${ms.toFixed(2)} ms`;
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 10000) return `${(ms / 1000).toFixed(2)} s`;
  return `${(ms / 1000).toFixed(1)} s`;
}

/** A speed-up for people: "23.4x faster", "1.00x", "0.81x (1.23x slower)". */
export function formatSpeedup(x) {
  if (x == null || !Number.isFinite(x)) return '–';
  const digits = x >= 100 ? 0 : x >= 10 ? 1 : 2;
  if (x >= 1) return `${x.toFixed(digits)}x faster`;
  return `${x.toFixed(2)}x (${(1 / x).toFixed(2)}x slower)`;
}
