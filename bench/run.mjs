#!/usr/bin/env node
// venvkit's benchmark suite: `npm run bench -- [--runs N] [--only PATTERN] [--list]`.
// Sets up the peers (python -m venv, virtualenv, pip) from what the machine has, runs every task
// alternately with its peer after a warm-up and a correctness check, and writes bench/results.md
// and bench/results.svg. Needs dist/ (npm run bench builds it first).
import { mkdirSync, writeFileSync, readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { parseBenchArgs, matchesOnly, USAGE } from './lib/args.mjs';
import { findInterpreters, findIndex, setupVirtualenv, machineFacts, rmrf, snapshotPackage, useTrash } from './lib/setup.mjs';
import { allTasks, INSTALL_PYTHON, CHEAP_RUNS, IN_PROCESS_RUNS, IN_PROCESS_WARMUP } from './lib/tasks.mjs';
import { runTask } from './lib/runner.mjs';
import { renderMarkdown, chartRows } from './lib/report.mjs';
import { renderChart } from './lib/svg.mjs';
import { run, timedRun } from './lib/exec.mjs';
import { median, formatMs } from './lib/stats.mjs';
import { methodNotes } from './lib/notes.mjs';

const here = fileURLToPath(new URL('.', import.meta.url));
const root = join(here, '..');

let opts;
try {
  opts = parseBenchArgs(process.argv.slice(2));
} catch (e) {
  process.stderr.write(`bench: ${e.message}\n\n${USAGE}`);
  process.exit(2);
}
if (opts.help) {
  process.stdout.write(USAGE);
  process.exit(0);
}

const log = (msg) => process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${msg}\n`);
const work = join(here, '.work');
// Spawned tools get the user's environment (NODE_EXTRA_CA_CERTS, pip's variables and all), less
// what would point them at another env or cache.
const baseEnv = { ...process.env };
delete baseEnv.VIRTUAL_ENV;
delete baseEnv.VENVKIT_CACHE_DIR;
delete baseEnv.PYTHONHOME;

const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const binRel = typeof pkg.bin === 'string' ? pkg.bin : pkg.bin?.venvkit ?? 'dist/cli.js';
const ctx = {
  root, work, baseEnv,
  cli: join(root, binRel),
  distIndex: join(root, 'dist', 'index.js'),
  pythons: findInterpreters(process.env),
  index: { url: null },
  virtualenv: { ok: false, reason: 'not set up' },
  cacheWarm: join(work, 'cache', 'warm'),
  cacheCold: join(work, 'cache', 'cold'),
  venvkitEnv: (cacheDir) => ({ ...baseEnv, VENVKIT_CACHE_DIR: cacheDir }),
};

const tasks = allTasks(ctx).filter((t) => matchesOnly(t.id, opts.only));
if (opts.list) {
  for (const t of allTasks(ctx)) process.stdout.write(`${matchesOnly(t.id, opts.only) ? '' : '# '}${t.id.padEnd(24)} ${t.title}: ${t.rows.map((r) => `${t.sides.find((s) => s.key === r.a).label} vs ${t.sides.find((s) => s.key === r.b).label}`).join('; ')}\n`);
  process.exit(0);
}
if (tasks.length === 0) {
  process.stderr.write(`bench: no task matches ${opts.only.join(', ')} (see --list)\n`);
  process.exit(2);
}
let snapshot;
try {
  snapshot = await snapshotPackage(root, work, binRel, baseEnv);
} catch (e) {
  process.stderr.write(`bench: ${e.message}; run \`npm run bench\` (it builds first) or \`npm run build\`\n`);
  process.exit(2);
}
ctx.cli = join(snapshot.dir, binRel);
ctx.distIndex = join(snapshot.dir, 'dist', 'index.js');
log(`measuring ${snapshot.version}, copied from dist/ to bench/.work/pkg`);

// Peers, from what this machine has.
log('removing the envs of the previous run');
rmrf(join(work, 'envs'));
useTrash(join(work, 'trash'));
mkdirSync(join(work, 'envs'), { recursive: true });
mkdirSync(ctx.cacheWarm, { recursive: true });
const peers = [];
const pipPython = ctx.pythons.get(INSTALL_PYTHON) ?? [...ctx.pythons.values()].find((p) => p.minor.startsWith('3.'));
for (const p of [...ctx.pythons.values()].filter((p) => /^3\.(11|12|13)$/.test(p.minor))) {
  peers.push({ name: `python -m venv (CPython ${p.version})`, status: 'ok', detail: p.path });
}
let pipVersion = null;
if (pipPython) {
  ctx.index = findIndex(pipPython.path, baseEnv);
  const v = run(pipPython.path, ['-m', 'pip', '--version'], { env: baseEnv });
  pipVersion = v.status === 0 ? v.stdout.split(' from ')[0] + ` (CPython ${pipPython.version}'s, seeded by python -m venv)` : null;
  peers.push({ name: 'pip', status: pipVersion ? 'ok' : 'missing', detail: pipVersion ? `${pipVersion}; index: ${ctx.index.url ?? ctx.index.detail}` : v.stderr.trim() });
  if (tasks.some((t) => t.sides.some((s) => s.key === 'virtualenv'))) {
    log('setting up virtualenv in its own env from the configured index');
    const vePython = ctx.pythons.get('3.12') ?? pipPython;
    ctx.virtualenv = setupVirtualenv(work, vePython, ctx.index.url, baseEnv);
    peers.push({ name: 'virtualenv', status: ctx.virtualenv.ok ? 'ok' : 'missing', detail: ctx.virtualenv.ok ? `${ctx.virtualenv.version}, in its own env (CPython ${vePython.version}), app-data under bench/.work` : ctx.virtualenv.reason });
  }
} else {
  peers.push({ name: 'pip', status: 'missing', detail: 'no CPython 3 interpreter found' });
}
for (const m of ['3.11', '3.12', '3.13']) if (!ctx.pythons.has(m)) peers.push({ name: `python -m venv (CPython ${m})`, status: 'missing', detail: 'not found under $PYENV_ROOT/versions' });

// The start-up floor each side pays on this machine (informative; not a task).
const floor = (cmd, args, env) => {
  const times = [];
  for (let i = 0; i < 10; i++) {
    const r = timedRun(cmd, args, { env });
    if (!r.ok) return `failed: ${r.message}`;
    times.push(r.ms);
  }
  return formatMs(median(times));
};
const floorPython = ctx.pythons.get('3.12') ?? pipPython;
const startupFloor = [
  `\`venvkit --version\` ${floor(ctx.cli, ['--version'], baseEnv)}`,
  `\`node -e 0\` ${floor(process.execPath, ['-e', '0'], baseEnv)}`,
  ...(floorPython ? [`\`python${floorPython.minor} -c pass\` ${floor(floorPython.path, ['-c', 'pass'], baseEnv)}`] : []),
].join(', ');

// Tasks are re-made now that the peers are known (their sides depend on them).
const results = [];
const chosen = allTasks(ctx).filter((t) => matchesOnly(t.id, opts.only));
const started = Date.now();
const loadAtStart = os.loadavg()[0];
for (const [i, task] of chosen.entries()) {
  log(`[${i + 1}/${chosen.length}] ${task.id}: ${task.title}`);
  results.push(await runTask(task, ctx, { runs: Math.max(opts.runs, task.minRuns ?? 0), warmup: Math.max(opts.warmup, task.minWarmup ?? 0), log }));
}
const rows = results.flatMap((r) => r.rows);
writeFileSync(join(work, 'results.json'), JSON.stringify({ date: new Date().toISOString(), opts, results }, null, 2));

const date = new Date().toISOString().replace('T', ' ').slice(0, 16) + ' UTC';
const command = `npm run bench${process.argv.length > 2 ? ' -- ' + process.argv.slice(2).join(' ') : ''}`;
const machineList = machineFacts({ root, pythons: ctx.pythons, pipVersion, virtualenv: ctx.virtualenv, env: process.env, loadNote: `${loadAtStart.toFixed(2)} at the start, ${os.loadavg()[0].toFixed(2)} at the end (other work on the machine)` });
const machine = [...machineList, ['Start-up (median of 10, before the tasks)', startupFloor]];
const md = renderMarkdown({ command, date, machine, rows, peers, notes: methodNotes({ ctx, opts, binRel, cheapRuns: CHEAP_RUNS, inProcess: { warmup: IN_PROCESS_WARMUP, runs: IN_PROCESS_RUNS }, elapsedMs: Date.now() - started }) });
const cpu = machine.find(([k]) => k === 'CPU')?.[1] ?? '';
const svg = renderChart(chartRows(rows), {
  title: 'venvkit: how many times faster than python -m venv, virtualenv and pip',
  subtitle: `median of ${opts.runs} (quick create tasks: ${CHEAP_RUNS}) alternating runs per tool after a warm-up; every result checked for correctness first`,
  footer: `${date} · ${cpu} · Node ${process.version} · details and the full table: bench/results.md`,
});
process.stdout.write(md.split('## Chart')[0]);
if (opts.write) {
  writeFileSync(join(here, 'results.md'), md);
  writeFileSync(join(here, 'results.svg'), svg);
  log('wrote bench/results.md and bench/results.svg');
} else {
  writeFileSync(join(work, 'results.md'), md);
  writeFileSync(join(work, 'results.svg'), svg);
  log('--no-write: wrote bench/.work/results.md and bench/.work/results.svg');
}
log('removing the envs and caches the runs left behind (bench/.work/trash)');
rmrf(join(work, 'trash'));
log(`done in ${((Date.now() - started) / 1000).toFixed(0)} s`);
