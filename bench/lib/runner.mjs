// Runs one task: set-up, warm-up of every side, the correctness check, then the timed runs in
// alternation (A B C A B C ...), the check again, and the rows that compare the sides.
import { summarize, speedup } from './stats.mjs';
import { floorFields, FLOOR_LIMIT } from './floor-row.mjs';

async function once(side, timeoutNote) {
  try {
    if (side.prepare) await side.prepare();
  } catch (e) {
    return { ok: false, message: `preparing the run failed: ${e.message}` };
  }
  const r = await side.exec();
  return r.ok ? r : { ...r, message: r.message || timeoutNote || 'failed' };
}

function sideFailure(key, message) {
  return /not implemented/i.test(message) ? `${key}: not implemented / failed: ${message}` : `${key} failed: ${message}`;
}

/** Runs a task and returns { id, title, sides, rows } (rows as results.md and the chart need them). */
export async function runTask(task, ctx, opts) {
  try {
    return await runTaskInner(task, ctx, opts);
  } finally {
    if (task.teardown) {
      try { await task.teardown(); } catch (e) { opts.log?.(`${task.id}: tear-down failed: ${e.message}`); }
    }
  }
}

async function runTaskInner(task, ctx, { runs, warmup, log = () => {} }) {
  const state = new Map(task.sides.map((s) => [s.key, { side: s, times: [], status: s.missing ? 'missing' : 'ok', message: s.missing ?? '' }]));
  const active = () => task.sides.filter((s) => state.get(s.key).status === 'ok');
  const fail = (key, status, message) => Object.assign(state.get(key), { status, message });

  if (task.setup && active().length) {
    try {
      log(`${task.id}: set-up`);
      await task.setup();
    } catch (e) {
      for (const s of active()) fail(s.key, 'setup', `set-up failed: ${e.message}`);
    }
  }
  for (let w = 0; w < warmup; w++) {
    for (const s of active()) {
      const r = await once(s);
      log(`${task.id}: warm-up ${s.key}: ${r.ok ? `${r.ms.toFixed(1)} ms` : r.message}`);
      if (!r.ok) fail(s.key, 'failed', r.message);
    }
  }
  const check = async (when, only) => {
    const keys = active().map((s) => s.key).filter((k) => !only || only.includes(k));
    if (!keys.length) return;
    const ordered = task.orderChecks ? [...task.orderChecks.filter((k) => keys.includes(k)), ...keys.filter((k) => !task.orderChecks.includes(k))] : keys;
    let results;
    const t0 = Date.now();
    try {
      results = await task.check(ordered, ctx);
    } catch (e) {
      results = new Map(ordered.map((k) => [k, `the check itself failed: ${e.message}`]));
    }
    log(`${task.id}: check ${when} (${ordered.join(', ')}): ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    for (const [k, err] of results) {
      if (err) {
        fail(k, 'check', `check ${when} failed: ${err}`);
        log(`${task.id}: ${k}: check ${when} FAILED: ${err}`);
      }
    }
  };
  await check('after warm-up');
  // Without a working venvkit side there is nothing to compare: the peers are not timed either.
  const venvkitKeys = task.rows.map((r) => r.a);
  if (!active().some((s) => venvkitKeys.includes(s.key))) {
    if (runs > 0 && active().length) log(`${task.id}: no venvkit result to compare; the peers are not timed`);
    runs = 0;
  }
  for (let i = 0; i < runs; i++) {
    const parts = [];
    for (const s of active()) {
      const r = await once(s);
      if (!r.ok) {
        fail(s.key, 'failed', `run ${i + 1}: ${r.message}`);
        parts.push(`${s.key} FAILED`);
        continue;
      }
      state.get(s.key).times.push(r.ms);
      parts.push(`${s.key} ${r.ms.toFixed(1)} ms`);
    }
    log(`${task.id}: run ${i + 1}/${runs}: ${parts.join(', ')}`);
  }
  // The peers' results were checked after the warm-up; venvkit's are checked again on its last run.
  if (runs > 0) await check('after the timed runs', venvkitKeys);

  // Rows over FLOOR_LIMIT x their floor: venvkit's side runs once more with its breakdown hook
  // (--json: venvkit's own phase timings), so that results.md says, measured, where the time goes.
  const breakdowns = new Map();
  for (const row of task.rows) {
    const a = state.get(row.a);
    const f = row.floor ? state.get(row.floor) : null;
    if (!f || breakdowns.has(row.a) || !a.side.breakdown || a.status !== 'ok' || f.status !== 'ok' || !a.times.length) continue;
    if (!(floorFields(row, a, f).floorRatio > FLOOR_LIMIT)) continue;
    let b;
    try { b = await a.side.breakdown(); } catch (e) { b = { error: `the breakdown run failed: ${e.message}` }; }
    breakdowns.set(row.a, b);
    log(`${task.id}: breakdown of ${row.a}: ${b.error ?? b.parts.map((p) => `${p.key} ${p.ms.toFixed(0)} ms`).join(', ')}`);
  }

  const rows = task.rows.map((row) => {
    const a = state.get(row.a);
    const b = state.get(row.b);
    const base = {
      id: task.id, task: row.task ?? task.title, venvkitLabel: a.side.label, peerLabel: b.side.label, target: row.target ?? null,
      venvkit: a.status === 'ok' ? summarize(a.times) : null,
      peer: b.status === 'ok' ? summarize(b.times) : null,
      speedup: null, status: 'ok', note: '',
      ...floorFields(row, a, row.floor ? state.get(row.floor) : null),
      breakdown: breakdowns.get(row.a) ?? null,
    };
    if (a.status === 'missing') return { ...base, status: 'missing', note: `not run: ${a.message}` };
    if (a.status === 'check') return { ...base, venvkit: null, status: 'failed', note: `FAILED: venvkit's result is wrong: ${a.message}` };
    if (a.status !== 'ok') return { ...base, venvkit: null, status: 'failed', note: sideFailure('venvkit', a.message) };
    if (b.status === 'missing') return { ...base, status: 'missing', note: `peer missing: ${b.message}` };
    if (b.status === 'check') return { ...base, status: 'failed', note: `FAILED: the peer's result is wrong: ${b.message}` };
    if (b.status !== 'ok') return { ...base, status: 'failed', note: `peer failed: ${b.message}` };
    return { ...base, speedup: speedup(base.venvkit?.median, base.peer?.median) };
  });
  return { id: task.id, title: task.title, rows, sides: [...state.values()].map((s) => ({ key: s.side.key, label: s.side.label, status: s.status, message: s.message, times: s.times })) };
}
