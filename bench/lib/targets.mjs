// The speed targets from the issues and how a measured row is judged against them (pure).
//
// A target is one of:
//   { kind: 'speedup', min: 20 }          peer median / venvkit median >= min
//   { kind: 'within', factor: 1.25 }      venvkit median <= factor * peer median
//   { kind: 'maxMs', ms: 5 }              venvkit median <= ms (absolute)

/** Words for a target, as shown in results.md. */
export function describeTarget(t) {
  switch (t.kind) {
    case 'speedup': return `≥ ${t.min}x faster`;
    case 'within': return `within ${t.factor}x of the peer`;
    case 'maxMs': return t.ms >= 1000 ? `≤ ${t.ms / 1000} s` : `≤ ${t.ms} ms`;
    default: throw new Error(`unknown target kind ${t.kind}`);
  }
}

/** The least speed-up that meets the target (for the chart's target mark), or null for absolute targets. */
export function targetSpeedup(t) {
  if (t.kind === 'speedup') return t.min;
  if (t.kind === 'within') return 1 / t.factor;
  return null;
}

/**
 * PASS / SHORT when the row was measured and checked; otherwise FAILED (a tool or a check failed),
 * MISSING (a peer could not be set up and the target needs it) or NOT RUN.
 */
export function verdict(t, row) {
  if (row.status === 'failed') return 'FAILED';
  if (t.kind === 'maxMs') {
    if (row.status !== 'ok' && row.status !== 'missing') return 'NOT RUN';
    if (!row.venvkit) return 'NOT RUN';
    return row.venvkit.median <= t.ms ? 'PASS' : 'SHORT';
  }
  if (row.status === 'missing') return 'MISSING';
  if (row.status !== 'ok' || row.speedup == null) return 'NOT RUN';
  if (t.kind === 'speedup') return row.speedup >= t.min ? 'PASS' : 'SHORT';
  return row.speedup >= 1 / t.factor ? 'PASS' : 'SHORT';
}
