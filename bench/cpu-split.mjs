#!/usr/bin/env node
// CPU seconds, where wall times cannot be trusted (a machine shared with other work): a cold
// `venvkit install jupyter` (bytecode on, a fresh cache and env each run) against the 2-core floor
// of the bench's install-jupyter-bytecode task (the wheels in two halves, each extracted then
// compiled checked-hash, both at once: bench/lib/bytecode-floors.mjs). Every 50 ms it reads, from
// /proc, the CPU time of each thread of the process tree and which of them are runnable. It prints
// each side's CPU seconds (venvkit's split into its main thread, its other threads -- the unpack
// workers, the compilers' relay, V8's and libuv's helpers -- and the byte-compiling processes),
// and the share of samples with fewer than two runnable threads: there, on an otherwise idle
// machine, a core would have nothing of this install to do. On two cores a side cannot take less
// wall time than half its CPU seconds. pip 26.2 (the bench's peer env, when a bench run has made it)
// installs the same into a fresh env too, for its CPU seconds. Linux only. Usage, after `npm run build`:
//   node bench/cpu-split.mjs [--runs N]
import { existsSync, readFileSync, readdirSync, writeFileSync, mkdirSync } from 'node:fs';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { findInterpreters, findIndex, freshVenv, discard } from './lib/setup.mjs';
import { entriesFor, wheelPath, sitePackages } from './lib/install-floors.mjs';
import { twoHalves, siteModules, concurrently, COMPILE_LIST } from './lib/bytecode-floors.mjs';
import { zipfileCommand } from './lib/floors.mjs';

const root = join(fileURLToPath(new URL('.', import.meta.url)), '..');
const work = join(root, 'bench', '.work', 'cpu-split');
const runs = Number(process.argv[process.argv.indexOf('--runs') + 1]) || (process.argv.includes('--runs') ? NaN : 2);
if (!Number.isInteger(runs) || runs < 1) {
  process.stderr.write('cpu-split: --runs takes a whole number of at least 1\n');
  process.exit(2);
}
if (!existsSync('/proc/self/task')) {
  process.stderr.write('cpu-split: needs Linux /proc (per-thread CPU times)\n');
  process.exit(2);
}
const cli = join(root, 'dist', 'cli.cjs');
if (!existsSync(cli)) {
  process.stderr.write('cpu-split: dist/ is not built; run `npm run build` first\n');
  process.exit(2);
}
const env = { ...process.env };
delete env.VIRTUAL_ENV;
delete env.VENVKIT_CACHE_DIR;
const py = findInterpreters(env).get('3.11');
if (!py) {
  process.stderr.write('cpu-split: CPython 3.11 not found under $PYENV_ROOT/versions\n');
  process.exit(2);
}
const index = findIndex(py.path, env);
if (!index.url) {
  process.stderr.write(`cpu-split: no package index: ${index.detail}\n`);
  process.exit(2);
}
const HZ = 100; // clock ticks per second of /proc's times (USER_HZ, 100 on Linux)

function children(pid) {
  const out = [];
  for (const t of safe(() => readdirSync(`/proc/${pid}/task`), [])) out.push(...safe(() => readFileSync(`/proc/${pid}/task/${t}/children`, 'utf8'), '').split(' ').filter(Boolean).map(Number));
  return out;
}
function safe(f, fallback) {
  try { return f(); } catch { return fallback; }
}

/** Runs argv, sampling its process tree: { wallMs, cpu: Map<kind, seconds>, fewer: share of samples with < 2 runnable threads, status }. */
function sampled(argv, options, kindOf) {
  return new Promise((resolve) => {
    const t0 = performance.now();
    const child = spawn(argv[0], argv.slice(1), { ...options, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    const ticks = new Map(); // tid -> [kind, ticks]
    let samples = 0;
    let fewer = 0;
    const sample = () => {
      let runnable = 0;
      const todo = [child.pid];
      while (todo.length) {
        const pid = todo.pop();
        todo.push(...children(pid));
        const comm = safe(() => readFileSync(`/proc/${pid}/comm`, 'utf8').trim(), null);
        if (!comm) continue;
        for (const tid of safe(() => readdirSync(`/proc/${pid}/task`), [])) {
          const stat = safe(() => readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8'), null);
          if (!stat) continue;
          const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
          if (f[0] === 'R') runnable++;
          ticks.set(`${pid}/${tid}`, [kindOf(comm, pid === child.pid, Number(tid) === pid), Number(f[11]) + Number(f[12])]);
        }
      }
      samples++;
      if (runnable < 2) fewer++;
    };
    const timer = setInterval(sample, 50);
    sample();
    child.on('close', (status) => {
      clearInterval(timer);
      const cpu = new Map();
      for (const [kind, t] of ticks.values()) cpu.set(kind, (cpu.get(kind) ?? 0) + t / HZ);
      resolve({ wallMs: performance.now() - t0, cpu, fewer: samples ? fewer / samples : 0, status, stderr });
    });
  });
}

const venvkitKind = (comm, top, mainThread) => (top ? (mainThread ? 'Node main thread' : 'Node\'s other threads') : /^python/.test(comm) ? 'byte-compiling processes' : 'other processes');
const floorKind = (comm) => (/^python/.test(comm) ? 'extracting and compiling (Python)' : comm);
const fmt = (s) => s.toFixed(2);
const total = (cpu) => [...cpu.values()].reduce((a, b) => a + b, 0);
const line = (name, r) => `${name}: wall ${fmt(r.wallMs / 1000)} s, CPU ${fmt(total(r.cpu))} s (${[...r.cpu].sort((a, b) => b[1] - a[1]).map(([k, v]) => `${k} ${fmt(v)} s`).join(', ')}); fewer than 2 runnable threads in ${Math.round(100 * r.fewer)}% of samples`;

mkdirSync(work, { recursive: true });
const load = () => readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
const results = { venvkit: [], floor: [], pip: [] };
const pip26 = join(root, 'bench', '.work', 'peers', 'pip26', 'bin', 'python');
if (!existsSync(pip26)) process.stdout.write('(no pip 26.2 peer env: run the bench task install-jupyter-bytecode once to make it)\n');
for (let i = 0; i < runs; i++) {
  const dir = join(work, 'env');
  const cache = join(work, 'cache');
  freshVenv(work, dir, py, env);
  discard(cache);
  const v = await sampled(['node', cli, 'install', '--env', dir, '-q', '-i', index.url, 'jupyter'], { env: { ...env, VENVKIT_CACHE_DIR: cache } }, venvkitKind);
  if (v.status !== 0) throw new Error(`venvkit install failed: ${v.stderr.trim().split('\n').pop()}`);
  process.stdout.write(`run ${i + 1}, load ${load()}\n  ${line('venvkit install jupyter, cache cold', v)}\n`);
  results.venvkit.push(v);
  // The floor on the same wheels (those venvkit's env holds, less what the fresh env had).
  const floorDir = join(work, 'floor-env');
  freshVenv(work, floorDir, py, env);
  const fresh = new Set(readdirSync(sitePackages(floorDir)).filter((n) => n.endsWith('.dist-info')));
  const { entries, missing } = entriesFor(cache, dir, fresh);
  if (missing.length) throw new Error(`no cache entry for ${missing.join(', ')}`);
  const wheels = entries.map((e) => wheelPath(index.url, e.manifest));
  if (!wheels.every(Boolean)) throw new Error('the wheels are not files of a file:// index');
  const sp = sitePackages(floorDir);
  const jobs = twoHalves(entries.map((e) => e.manifest)).map((half, k) => {
    const list = join(work, `modules-${k}.txt`);
    writeFileSync(list, half.flatMap((j) => siteModules(entries[j].manifest).map((m) => `${join(sp, m)}\n`)).join(''));
    return [zipfileCommand(py.path, half.map((j) => wheels[j]), sp), [py.path, '-c', COMPILE_LIST, list]];
  });
  const f = await sampled(concurrently(jobs), { env }, floorKind);
  if (f.status !== 0) throw new Error(`the floor failed: ${f.stderr.trim().split('\n').pop()}`);
  process.stdout.write(`  ${line('2-core floor (python zipfile, then compile_file, two halves at once)', f)}\n`);
  results.floor.push(f);
  if (existsSync(pip26)) {
    const pipDir = join(work, 'pip-env');
    freshVenv(work, pipDir, py, env);
    const r = await sampled([pip26, '-m', 'pip', '--python', join(pipDir, 'bin', 'python'), 'install', '-q', '-i', index.url, 'jupyter'], { env }, (comm, top) => (top ? 'pip' : comm));
    if (r.status !== 0) throw new Error(`pip failed: ${r.stderr.trim().split('\n').pop()}`);
    process.stdout.write(`  ${line('pip 26.2 install jupyter', r)}\n`);
    results.pip.push(r);
  }
}
const med = (xs) => [...xs].sort((a, b) => a - b)[Math.floor((xs.length - 1) / 2)];
const vc = med(results.venvkit.map((r) => total(r.cpu)));
const fc = med(results.floor.map((r) => total(r.cpu)));
const pc = results.pip.length ? med(results.pip.map((r) => total(r.cpu))) : null;
process.stdout.write(`median CPU: venvkit ${fmt(vc)} s, floor ${fmt(fc)} s (venvkit / floor ${(vc / fc).toFixed(2)}x)${pc != null ? `, pip 26.2 ${fmt(pc)} s` : ''}; the least wall on 2 cores: venvkit ${fmt(vc / 2)} s, floor ${fmt(fc / 2)} s${pc != null ? `; pip 26.2's CPU over that least wall: venvkit ${(pc / (vc / 2)).toFixed(2)}x, floor ${(pc / (fc / 2)).toFixed(2)}x` : ''}\n`);
