// Where an install's time goes, measured: for a row more than 2x its floor, the runner runs venvkit's
// side once more (untimed for the table, after the check) with `--json`, and splits that run's wall
// time with venvkit's own timings (report.timings: resolveMs, fetchMs, installMs, totalMs):
// Node start-up, loading the CLI and exit (wall - totalMs), the command before resolving (reading the env, building
// local projects), resolving, fetching (download, hash, unpack into the cache) and placing (copy or
// link, bytecode, RECORD and scripts, commit). results.md prints the shares beside the floor's time.
import { timedRun } from './exec.mjs';

/** The parts of one `--json` run (pure): { wallMs, parts: [{ key, label, ms }] }, or { error }. */
export function parseBreakdown(wallMs, stdout) {
  // The report is the JSON object that ends stdout (printed whole, maybe over many lines).
  const text = String(stdout).trim();
  let report;
  for (let at = text.indexOf('{'); at >= 0 && report === undefined; at = text.indexOf('\n{', at + 1) + 1 || -1) {
    try { report = JSON.parse(text.slice(at)); } catch { /* not there: the next line that starts an object */ }
  }
  if (report === undefined) return { error: 'no JSON report on stdout' };
  const t = report?.timings;
  if (!t || !Number.isFinite(t.totalMs)) return { error: 'the JSON report has no timings' };
  const resolve = t.resolveMs ?? 0;
  const fetch = t.fetchMs ?? 0;
  const place = t.installMs ?? 0;
  const parts = [
    { key: 'startup', label: 'Node start-up, loading the CLI and exit (outside the command\'s own timer)', ms: Math.max(0, wallMs - t.totalMs) },
    { key: 'before', label: 'before resolving (reading the env and the request, building local projects)', ms: Math.max(0, t.totalMs - resolve - fetch - place) },
    { key: 'resolve', label: 'resolving', ms: resolve },
    { key: 'fetch', label: 'fetching (reading, hashing and unpacking wheels into the cache)', ms: fetch },
    { key: 'place', label: 'placing (copying or linking, bytecode, RECORD and scripts, the commit)', ms: place },
  ];
  return { wallMs, parts };
}

/**
 * The "what stands in the way" text of a row from its breakdown (pure): the measured parts, largest
 * first, each with its share of the run, and the floor's median for scale.
 */
export function describeBreakdown(b, floorMs) {
  if (!b) return '';
  if (b.error) return `no breakdown: ${b.error}`;
  const fmt = (ms) => (ms < 10 ? ms.toFixed(1) : Math.round(ms).toString());
  const parts = b.parts.filter((p) => p.ms >= 0.5).sort((x, y) => y.ms - x.ms)
    .map((p) => `${p.label} ${fmt(p.ms)} ms (${Math.round((100 * p.ms) / b.wallMs)}%)`);
  const floor = floorMs != null ? `; the floor's whole work takes ${fmt(floorMs)} ms` : '';
  return `measured (one more run with --json, venvkit's own timings): of ${fmt(b.wallMs)} ms, ${parts.join(', ')}${floor}`;
}

/**
 * A side's breakdown hook: runs `command()` + `--json` once, after the side's own `prepare`, and
 * parses the report. For sides whose command prints venvkit's report with --json (install, sync).
 */
export function jsonBreakdown({ command, env, prepare, timeoutMs = 900_000 }) {
  return async () => {
    if (prepare) await prepare();
    const [cmd, ...args] = command();
    const r = timedRun(cmd, [...args, '--json'], { env: typeof env === 'function' ? env() : env, timeoutMs });
    if (!r.ok) return { error: `the --json run failed: ${r.message}` };
    return parseBreakdown(r.ms, r.stdout);
  };
}

/** Adds a breakdown hook to the sides of `task` named in `keys` (each must expose command, env, prepare). */
export function withBreakdowns(task, keys) {
  return { ...task, sides: task.sides.map((s) => (keys.includes(s.key) && s.command ? { ...s, breakdown: jsonBreakdown(s) } : s)) };
}
