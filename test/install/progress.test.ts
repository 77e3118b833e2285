// One progress event type for every long call (src/progress.ts): createVenv (discovery, probe,
// steps, seeding), listPythons with a cold probe cache, installRequirements from a file:// find-links
// directory (resolve, downloads with their bytes, unpack, install), installWheel and uninstall. And
// the commit no longer holds the event loop: a wheel of thousands of files is staged and moved in
// while timers keep firing.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { createVenv } from '../../src/venv/create.js';
import { installRequirements } from '../../src/plan-apply/install.js';
import { installWheel } from '../../src/install/install-wheel.js';
import { uninstall } from '../../src/install/uninstall.js';
import { listPythons } from '../../src/python/find.js';
import type { ProgressEvent } from '../../src/progress.js';
import { metadataText } from '../helpers/index-server.js';
import { buildWheel } from '../helpers/wheels.js';
import { seedCache } from '../helpers/seed-cache.js';
import { freshEnv, isolatedEnv, python3x } from '../pip/helpers.js';

const root = mkdtempSync(join(tmpdir(), 'vk-progress-'));
after(() => rmSync(root, { recursive: true, force: true }));
const python = python3x();
const skip = python ? false : 'no CPython 3.11/3.12 under $PYENV_ROOT';
if (skip && process.env.CI === 'true') throw new Error(`${skip}, and CI has one`);
const env = isolatedEnv(join(root, 'cache'));
seedCache(join(root, 'cache'), [python]); // pip's bytecode compiled once per run (test/helpers/seed-cache.ts)
const wheels = join(root, 'wheels');
for (const d of ['wheels', 'more', 'big']) mkdirSync(join(root, d));

const phases = (events: ProgressEvent[]) => [...new Set(events.map((e) => ('step' in e ? `${e.phase}:${e.step}` : e.phase)))];

test('createVenv reports the probe, its steps and seeding; listPythons with a cold cache reports discovery and each probe', { skip }, async () => {
  const events: ProgressEvent[] = [];
  const dir = join(root, 'created');
  await createVenv(dir, { python, env, onProgress: (e) => events.push(e) });
  const steps = events.filter((e) => e.phase === 'create');
  assert.deepEqual(steps.map((e) => (e.phase === 'create' ? `${e.step} ${e.done}/${e.total}` : '')), ['interpreter 1/4', 'staged 2/4', 'seeded 3/4', 'done 4/4']);
  assert.ok(steps.every((e) => e.name === dir));
  assert.ok(events.some((e) => e.phase === 'probe' && e.name === python), 'the interpreter probe is reported');
  const seeded = events.filter((e) => e.phase === 'seed');
  assert.ok(seeded.some((e) => e.name === 'pip'), JSON.stringify(seeded));
  assert.equal(seeded.at(-1)!.done, seeded.at(-1)!.total);

  const found: ProgressEvent[] = [];
  const pythons = await listPythons({ env: { ...env, VENVKIT_CACHE_DIR: join(root, 'cold') }, onProgress: (e) => found.push(e) });
  const discover = found.find((e) => e.phase === 'discover');
  assert.ok(discover && discover.total! >= pythons.length);
  const probes = found.filter((e): e is Extract<ProgressEvent, { phase: 'probe' }> => e.phase === 'probe');
  assert.ok(probes.length >= pythons.length && probes.every((p) => !p.cached && p.total === discover.total));
  assert.deepEqual(probes.map((p) => p.done), probes.map((_, i) => i + 1));
});

test('installRequirements from file:// find-links: resolve, downloads with their bytes, unpack, install; installWheel and uninstall too', { skip }, async () => {
  const paths: Record<string, string> = {};
  for (const name of ['alpha', 'beta', 'gamma']) {
    const files: Record<string, string> = {};
    for (let i = 0; i < 20; i++) files[`${name}/m${i}.py`] = `X = ${i}\n`.repeat(50);
    paths[name] = buildWheel(wheels, { name, version: '1.0', files, metadata: metadataText({ name, version: '1.0', requires: name === 'alpha' ? ['beta', 'gamma'] : [] }) });
  }
  const venv = await freshEnv(root, python!, env);
  const events: ProgressEvent[] = [];
  await installRequirements(venv, { requirements: ['alpha'] }, { env, index: { noIndex: true, findLinks: [`file://${wheels}`] }, onProgress: (e) => events.push(e) });
  assert.deepEqual(phases(events), ['resolve', 'download', 'unpack', 'install:stage', 'install:commit']);
  const resolved = events.filter((e) => e.phase === 'resolve');
  assert.deepEqual(resolved.map((e) => [e.done, e.total]), [[0, undefined], [3, 3]]);
  for (const name of ['alpha', 'beta', 'gamma']) {
    const last = events.filter((e) => e.phase === 'download' && e.name === name).at(-1);
    const size = statSync(paths[name]!).size;
    assert.ok(last && last.phase === 'download' && last.bytes === size && last.totalBytes === size, `${name}: ${JSON.stringify(last)}`);
  }
  const downloads = events.filter((e) => e.phase === 'download');
  assert.equal(downloads.at(-1)!.phase === 'download' && downloads.at(-1)!.allBytes, Object.values(paths).reduce((a, p) => a + statSync(p).size, 0));
  assert.deepEqual(events.filter((e) => e.phase === 'unpack').map((e) => `${e.done}/${e.total}`), ['1/3', '2/3', '3/3']);
  const commit = events.filter((e) => e.phase === 'install' && e.step === 'commit');
  assert.ok(commit.length >= 2 && commit[0]!.done === 0 && commit.at(-1)!.done === commit.at(-1)!.total && commit.at(-1)!.total! > 0);

  const one: ProgressEvent[] = [];
  const delta = buildWheel(join(root, 'more'), { name: 'delta', version: '1.0', files: { 'delta/__init__.py': '' } });
  await installWheel(venv, delta, { env, onProgress: (e) => one.push(e) });
  assert.deepEqual(phases(one), ['install:stage', 'install:commit']);

  const gone: ProgressEvent[] = [];
  await uninstall(venv, 'beta', { env, onProgress: (e) => gone.push(e) });
  assert.deepEqual(phases(gone), ['uninstall']);
  assert.ok(gone.every((e) => e.name === 'beta') && gone.at(-1)!.done === gone.at(-1)!.total && gone.at(-1)!.total! > 0);
});

test('the event loop keeps turning while a wheel of 4,000 files is staged and committed', { skip }, async () => {
  const files: Record<string, string> = {};
  for (let i = 0; i < 4000; i++) files[`big/p${i % 40}/m${i}.py`] = `X = ${i}\n`;
  const big = buildWheel(join(root, 'big'), { name: 'big', version: '1.0', files });
  // Unpacked into the cache first: the timed install only stages (copies, hashing each file) and commits.
  await installWheel(await freshEnv(root, python!, env), big, { env, linkMode: 'copy' });
  const venv = await freshEnv(root, python!, env);
  let last = performance.now();
  let longest = 0;
  const timer = setInterval(() => {
    const now = performance.now();
    longest = Math.max(longest, now - last);
    last = now;
  }, 1);
  const t0 = performance.now();
  try {
    await installWheel(venv, big, { env, linkMode: 'copy' });
  } finally {
    clearInterval(timer);
  }
  // (The gap that lasts until the call returns counts too: a call that never let the timer fire is one gap.)
  longest = Math.max(longest, performance.now() - last);
  const total = performance.now() - t0;
  console.log(`# installWheel of 4,000 files: ${Math.round(total)} ms, longest gap between 1 ms timer ticks ${Math.round(longest)} ms`);
  // Held in one piece, the whole staging and commit would be one gap (nearly all of the call).
  assert.ok(longest < total / 4, `the event loop was held ${Math.round(longest)} ms of ${Math.round(total)} ms`);
});
