// Unit tests of results.md and results.svg rendering, and of the runner's bookkeeping with
// in-memory tools (which side failed, was missing, or gave a wrong answer; no timing asserted).
import { test } from 'node:test';
import assert from 'node:assert/strict';
// @ts-ignore plain .mjs without declarations
import { renderChart, escapeXml, domain, valueText } from '../../bench/lib/svg.mjs';
// @ts-ignore
import { renderMarkdown, chartRows, cell } from '../../bench/lib/report.mjs';
// @ts-ignore
import { runTask } from '../../bench/lib/runner.mjs';

const st = (m: number) => ({ median: m, min: m * 0.9, max: m * 1.1, n: 5 });
const ROWS = [
  { task: 'create --without-pip, CPython 3.12.1', peerLabel: 'python -m venv --without-pip', status: 'ok', venvkit: st(150), peer: st(100), speedup: 100 / 150, target: { kind: 'within', factor: 1.25 }, note: '' },
  { task: 'library createVenv, CPython 3.12.1', peerLabel: 'python -m venv --without-pip', status: 'ok', venvkit: st(3.2), peer: st(100), speedup: 31.25, target: { kind: 'maxMs', ms: 5 }, note: '' },
  { task: 'create with pip, CPython 3.12.1', peerLabel: 'python -m venv', status: 'ok', venvkit: st(150), peer: st(4000), speedup: 4000 / 150, target: { kind: 'speedup', min: 20 }, note: '' },
  { task: 'create with pip, CPython 3.12.1', peerLabel: 'virtualenv', status: 'missing', venvkit: st(150), peer: null, speedup: null, target: null, note: 'peer missing: no virtualenv' },
  { task: 'install jupyter, venvkit cache warm', peerLabel: 'pip install', status: 'failed', venvkit: null, peer: st(19000), speedup: null, target: { kind: 'speedup', min: 10 }, note: 'venvkit: not implemented / failed: error: `venvkit install` is not implemented yet (exit 1)' },
  { task: 'install <odd> & "name" | pipe', peerLabel: 'pip install', status: 'ok', venvkit: st(1000), peer: st(5000), speedup: 5, target: null, note: '' },
];

test('results.md: machine, targets with verdicts, shortfalls stated, the full table', () => {
  const md = renderMarkdown({ command: 'npm run bench -- --runs 5', date: '2026-11-24 05:00 UTC', machine: [['CPU', 'AMD EPYC, 2 cores'], ['Node.js', 'v20.20.2']], rows: ROWS, peers: [{ name: 'virtualenv', status: 'missing', detail: 'no index' }], notes: ['note one'] });
  assert.match(md, /^# venvkit benchmark results/);
  assert.match(md, /`npm run bench -- --runs 5` on 2026-11-24 05:00 UTC/);
  assert.match(md, /- \*\*CPU:\*\* AMD EPYC, 2 cores/);
  assert.match(md, /\| create --without-pip, CPython 3\.12\.1 \| vs python -m venv --without-pip \| within 1\.25x of the peer \| 0\.67x \(1\.50x slower\) \| \*\*SHORT\*\* \|/);
  assert.match(md, /\| library createVenv, CPython 3\.12\.1 .*\| ≤ 5 ms \| 3\.20 ms median \| \*\*PASS\*\* \|/);
  assert.match(md, /\| create with pip, CPython 3\.12\.1 \| vs python -m venv \| ≥ 20x faster \| 26\.7x faster \| \*\*PASS\*\* \|/);
  assert.match(md, /install jupyter, venvkit cache warm .*\*\*FAILED\*\*/);
  // Shortfalls are listed plainly, and only those.
  const short = md.split('**Where venvkit falls short:**')[1].split('## Chart')[0];
  assert.match(short, /create --without-pip, CPython 3\.12\.1 \(vs python -m venv --without-pip\): measured 0\.67x \(1\.50x slower\), needs within 1\.25x/);
  assert.match(short, /install jupyter, venvkit cache warm .*failed: venvkit: not implemented/);
  assert.doesNotMatch(short, /create with pip/);
  assert.match(md, /!\[[^\]]*\]\(results\.svg\)/);
  // Full table: every row, missing and failed ones included, pipes escaped.
  assert.match(md, /\| create with pip, CPython 3\.12\.1 \| virtualenv \| 150 ms \| – \| – \| – \|.*peer missing: no virtualenv \|/);
  assert.match(md, /\| install <odd> & "name" \\\| pipe \| pip install \| 1\.00 s \| 5\.00 s \| 5\.00x faster \| – \| 900 ms – 1\.10 s \| 4\.50 s – 5\.50 s \| 5 \+ 5 \| ok \(checked\) \|/);
  assert.match(md, /\| virtualenv \| missing \| no index \|/);
  assert.match(md, /- note one/);
});

test('results.md says so when every target is met', () => {
  const md = renderMarkdown({ command: 'c', date: 'd', machine: [], rows: [ROWS[2]], notes: [] });
  assert.match(md, /venvkit meets every target that was measured/);
  assert.doesNotMatch(md, /falls short/);
});

test('chart rows carry verdicts, target marks and notes', () => {
  const rows = chartRows(ROWS);
  assert.equal(rows.length, ROWS.length);
  assert.equal(rows[0].verdict, 'SHORT');
  assert.equal(rows[0].targetSpeedup, 0.8);
  assert.equal(rows[1].verdict, 'PASS');
  assert.match(rows[1].extra, /3\.20 ms/);
  assert.equal(rows[2].targetSpeedup, 20);
  assert.equal(rows[3].speedup, null);
  assert.match(rows[3].note, /peer missing/);
  assert.match(rows[4].note, /not implemented/);
  assert.equal(rows[5].verdict, null);
  assert.equal(valueText(rows[0]), '0.67× (slower) SHORT');
  assert.equal(valueText(rows[4]), '');
});

test('the SVG is well-formed, labelled, escaped, with one bar per measured row and a target mark per target', () => {
  const svg = renderChart(chartRows(ROWS), { title: 'Speed <&>', subtitle: 'sub', footer: 'foot' });
  assert.match(svg, /^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg" width="\d+" height="\d+" viewBox="0 0 \d+ \d+"/);
  assert.match(svg, /<\/svg>\n$/);
  assert.match(svg, /Speed &lt;&amp;&gt;/);
  assert.match(svg, /install &lt;odd&gt; &amp; &quot;name&quot; \| pipe/);
  assert.doesNotMatch(svg.replace(/&(amp|lt|gt|quot|#39);/g, ''), /&/);
  // Every opened element is closed (self-closing or paired).
  const opens = (svg.match(/<(svg|text)\b/g) ?? []).length;
  const closes = (svg.match(/<\/(svg|text)>/g) ?? []).length;
  assert.equal(opens, closes);
  const bars = svg.match(/<rect [^>]*height="16"/g) ?? [];
  assert.equal(bars.length, 4); // four rows have a speed-up
  const marks = svg.match(/stroke-dasharray="4 2"/g) ?? [];
  assert.equal(marks.length, 2 + 1); // two ratio targets on measured rows, plus the legend
  assert.match(svg, />1×</);
  assert.match(svg, />20×</);
  assert.match(svg, /26\.7× PASS/);
  assert.match(svg, /peer missing: no virtualenv/);
  assert.match(svg, /log scale/);
});

test('the log axis spans every value and target, at least 0.5x to 2x', () => {
  assert.deepEqual(domain([1.1]), [0.5, 2]);
  assert.deepEqual(domain([0.3, 26.7, null, 20]), [0.2, 50]);
  assert.deepEqual(domain([130]), [0.5, 200]);
});

test('escapeXml and markdown cells', () => {
  assert.equal(escapeXml(`a<b>&"c'`), 'a&lt;b&gt;&amp;&quot;c&#39;');
  assert.equal(cell('a|b\nc'), 'a\\|b c');
});

// The runner with in-memory tools: bookkeeping only (the times are whatever they are).
function side(key: string, label: string, result: () => { ok: boolean; ms?: number; message?: string }, missing?: string) {
  return { key, label, missing, exec: async () => result() };
}

test('runner: alternates sides, records every run, builds ok rows', async () => {
  const order: string[] = [];
  const checked: string[][] = [];
  const task = {
    id: 't', title: 'task',
    sides: [side('a', 'A', () => (order.push('a'), { ok: true, ms: 10 })), side('b', 'B', () => (order.push('b'), { ok: true, ms: 30 }))],
    rows: [{ a: 'a', b: 'b', target: { kind: 'speedup', min: 2 } }],
    check: async (keys: string[]) => (checked.push(keys), new Map(keys.map((k) => [k, null]))),
  };
  const r = await runTask(task, {}, { runs: 3, warmup: 1 });
  assert.deepEqual(order, ['a', 'b', 'a', 'b', 'a', 'b', 'a', 'b']);
  // Both checked after the warm-up; venvkit's side again after the timed runs.
  assert.deepEqual(checked, [['a', 'b'], ['a']]);
  assert.equal(r.rows[0].status, 'ok');
  assert.equal(r.rows[0].speedup, 3);
  assert.deepEqual(r.rows[0].venvkit, { median: 10, min: 10, max: 10, n: 3 });
});

test('runner: a failing venvkit, a missing peer, a wrong answer each mark the row', async () => {
  const check = (bad: string) => async (keys: string[]) => new Map(keys.map((k) => [k, k === bad ? 'sys.prefix is wrong' : null]));
  const notImpl = await runTask({
    id: 'x', title: 'x', rows: [{ a: 'a', b: 'b' }], check: check(''),
    sides: [side('a', 'A', () => ({ ok: false, message: 'error: `venvkit create` is not implemented yet (exit 1)' })), side('b', 'B', () => ({ ok: true, ms: 5 }))],
  }, {}, { runs: 2, warmup: 1 });
  assert.equal(notImpl.rows[0].status, 'failed');
  assert.match(notImpl.rows[0].note, /^venvkit: not implemented \/ failed: error: `venvkit create` is not implemented yet/);
  assert.equal(notImpl.rows[0].peer, null); // nothing to compare with: the peer is not timed

  const missing = await runTask({
    id: 'y', title: 'y', rows: [{ a: 'a', b: 'b', target: { kind: 'maxMs', ms: 200 } }], check: check(''),
    sides: [side('a', 'A', () => ({ ok: true, ms: 7 })), side('b', 'B', () => { throw new Error('must not run'); }, 'virtualenv could not be installed')],
  }, {}, { runs: 2, warmup: 1 });
  assert.equal(missing.rows[0].status, 'missing');
  assert.match(missing.rows[0].note, /peer missing: virtualenv could not be installed/);
  assert.equal(missing.rows[0].venvkit.median, 7);

  let aRuns = 0;
  const wrong = await runTask({
    id: 'z', title: 'z', rows: [{ a: 'a', b: 'b' }], check: check('a'),
    sides: [side('a', 'A', () => (aRuns++, { ok: true, ms: 1 })), side('b', 'B', () => ({ ok: true, ms: 5 }))],
  }, {}, { runs: 3, warmup: 1 });
  assert.equal(wrong.rows[0].status, 'failed');
  assert.match(wrong.rows[0].note, /^FAILED: venvkit's result is wrong: check after warm-up failed: sys.prefix is wrong/);
  assert.equal(wrong.rows[0].venvkit, null);
  assert.equal(aRuns, 1); // a wrong answer is never timed

  const peerBad = await runTask({
    id: 'w', title: 'w', rows: [{ a: 'a', b: 'b' }], check: check(''),
    sides: [side('a', 'A', () => ({ ok: true, ms: 1 })), side('b', 'B', () => ({ ok: false, message: 'boom (exit 2)' }))],
  }, {}, { runs: 1, warmup: 1 });
  assert.equal(peerBad.rows[0].status, 'failed');
  assert.match(peerBad.rows[0].note, /^peer failed: boom/);
});

test('runner: a wrong answer found only after the timed runs still fails the row', async () => {
  let calls = 0;
  const r = await runTask({
    id: 'v', title: 'v', rows: [{ a: 'a', b: 'b', target: { kind: 'speedup', min: 2 } }],
    check: async (keys: string[]) => (calls++, new Map(keys.map((k) => [k, calls === 2 && k === 'a' ? 'pip list differs' : null]))),
    sides: [side('a', 'A', () => ({ ok: true, ms: 1 })), side('b', 'B', () => ({ ok: true, ms: 5 }))],
  }, {}, { runs: 2, warmup: 1 });
  assert.equal(r.rows[0].status, 'failed');
  assert.match(r.rows[0].note, /check after the timed runs failed: pip list differs/);
  assert.equal(r.rows[0].speedup, null);
});
