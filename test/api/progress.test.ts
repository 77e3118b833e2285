// The one progress event type (src/progress.ts) from the long calls that had their own events or
// none: sync (a pylock.toml of file:// wheels: wait/download/unpack/install, the bytes adding up to
// the files' sizes), buildDistributions (per distribution: started with its backend, its build env
// and hooks, built), installRequirements of a local project (the same build events), and
// findEnvironments (one discover event per place searched).
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { sync } from '../../src/sync/sync.js';
import { buildDistributions } from '../../src/plan-apply/build-dists.js';
import { installRequirements } from '../../src/plan-apply/install.js';
import { findEnvironments } from '../../src/environments/find.js';
import type { ProgressEvent } from '../../src/progress.js';
import { metadataText } from '../helpers/index-server.js';
import { buildWheel } from '../helpers/wheels.js';
import { localIndex } from '../helpers/real-pip.js';
import { freshEnv, isolatedEnv, python3x } from '../pip/helpers.js';
import { writeInTreeProject, writeProject } from '../build/helpers.js';
import { buildMachine } from '../environments/fixtures.js';

const root = mkdtempSync(join(tmpdir(), 'vk-api-progress-'));
after(() => rmSync(root, { recursive: true, force: true }));
const python = python3x();
const index = localIndex();
const skip = !python ? 'no CPython 3.11/3.12 under $PYENV_ROOT' : false;
if (skip && process.env.CI === 'true') throw new Error(`${skip}, and CI has one`);
const env = isolatedEnv(join(root, 'cache'));

type Of<P extends ProgressEvent['phase']> = Extract<ProgressEvent, { phase: P }>;
const only = <P extends ProgressEvent['phase']>(events: ProgressEvent[], phase: P) => events.filter((e): e is Of<P> => e.phase === phase);
/** The phases in the order they first appear. */
const phases = (events: ProgressEvent[]) => [...new Set(events.map((e) => ('step' in e ? `${e.phase}:${e.step}` : e.phase)))];

test('sync reports ProgressEvents: downloads of file:// wheels with bytes adding up to their sizes, unpack, install', { skip }, async () => {
  const wheels = join(root, 'wheels');
  mkdirSync(wheels);
  const made = ['alpha', 'beta', 'gamma'].map((name) => {
    const files: Record<string, string> = {};
    for (let i = 0; i < 10; i++) files[`${name}/m${i}.py`] = `X = ${i}\n`.repeat(40 + i);
    return buildWheel(wheels, { name, version: '1.0', files, metadata: metadataText({ name, version: '1.0' }) });
  });
  let lock = 'lock-version = "1.0"\ncreated-by = "venvkit-tests"\n';
  for (const file of made) {
    const name = basename(file).split('-')[0]!;
    const sha = createHash('sha256').update(readFileSync(file)).digest('hex');
    lock += `\n[[packages]]\nname = "${name}"\nversion = "1.0"\n\n[[packages.wheels]]\nname = "${basename(file)}"\nurl = "${pathToFileURL(file).href}"\nhashes = { sha256 = "${sha}" }\n`;
  }
  writeFileSync(join(root, 'pylock.toml'), lock);
  const venv = await freshEnv(root, python!, env);
  const events: ProgressEvent[] = [];
  const report = await sync({ venv, lock: join(root, 'pylock.toml'), env, onProgress: (e) => events.push(e) });
  assert.equal(report.installed.length, 3);
  assert.deepEqual(phases(events), ['download', 'unpack', 'install:stage', 'install:commit']);
  for (const file of made) {
    const name = basename(file).split('-')[0]!;
    const last = only(events, 'download').filter((e) => e.name === name).at(-1);
    assert.ok(last && last.bytes === statSync(file).size && last.totalBytes === last.bytes, `${name}: ${JSON.stringify(last)}`);
  }
  const downloads = only(events, 'download');
  assert.equal(downloads.at(-1)!.allBytes, made.reduce((a, f) => a + statSync(f).size, 0));
  assert.ok(downloads.every((e) => e.total === 3 && e.done < 3));
  assert.deepEqual(only(events, 'unpack').map((e) => `${e.done}/${e.total}`), ['1/3', '2/3', '3/3']);
  const commit = only(events, 'install').filter((e) => e.step === 'commit');
  assert.ok(commit[0]!.done === 0 && commit.at(-1)!.done === commit.at(-1)!.total && commit.at(-1)!.total! > 0);
});

test('buildDistributions reports per distribution: started (with the backend), build env, hooks, built; an install of a local project the same', { skip: skip || (!index && 'pip is not configured with a local file:// index'), timeout: 600_000 }, async () => {
  const project = writeProject(join(root, 'proj'), 'flit-core', 'progdemo');
  const events: ProgressEvent[] = [];
  const files = await buildDistributions(project, { python, env, outDir: join(root, 'dist'), index: { indexUrl: index }, onProgress: (e) => events.push(e) });
  assert.equal(files.length, 2);
  const builds = only(events, 'build');
  assert.equal(builds.length, events.length, 'only build events');
  const started = builds.filter((e) => e.step === 'started');
  const built = builds.filter((e) => e.step === 'built');
  assert.deepEqual(started.map((e) => `${e.detail} ${e.backend} ${e.done}/${e.total}`), ['sdist flit_core.buildapi 0/1', 'wheel flit_core.buildapi 0/1']);
  assert.deepEqual(built.map((e) => `${e.detail} ${e.backend} ${e.done}/${e.total}`), files.map((f) => `${f} flit_core.buildapi 1/1`));
  assert.ok(built.every((e) => e.cached === false && typeof e.ms === 'number' && e.name.startsWith('progdemo (')));
  // Each distribution: started, then its build env and hooks, then built, before the next starts.
  const order = builds.map((e) => e.step);
  assert.deepEqual(order.filter((s) => s === 'started' || s === 'built'), ['started', 'built', 'started', 'built']);
  const second = order.indexOf('started', 1);
  for (const part of [order.slice(0, second), order.slice(second)]) {
    assert.equal(part[0], 'started');
    assert.equal(part.at(-1), 'built');
    assert.ok(part.includes('build-env') && part.includes('hook'), part.join(' '));
  }
  assert.ok(builds.filter((e) => e.step === 'hook').some((e) => e.detail === 'get_requires_for_build_sdist' && e.backend === 'flit_core.buildapi'));

  // A local project given to installRequirements: its build reported the same way, then the install.
  const tiny = writeInTreeProject(join(root, 'tiny'), 'tinyprog');
  const venv = await freshEnv(root, python!, env);
  const got: ProgressEvent[] = [];
  await installRequirements(venv, { requirements: [tiny] }, { env, index: { noIndex: true }, onProgress: (e) => got.push(e) });
  assert.deepEqual(phases(got).filter((p) => p.startsWith('build:')), ['build:sources', 'build:started', 'build:build-env', 'build:hook', 'build:built']);
  const s = only(got, 'build').find((e) => e.step === 'started')!;
  assert.equal(s.backend, 'tinybackend');
  assert.equal(s.detail, 'wheel');
});

test('findEnvironments reports one discover event per place searched, done counting to total, found to what it returns', async () => {
  const m = buildMachine(join(root, 'machine'));
  const events: ProgressEvent[] = [];
  const found = await findEnvironments({ cwd: m.workspace, env: m.env, onProgress: (e) => events.push(e) });
  const discover = only(events, 'discover');
  assert.equal(discover.length, events.length);
  assert.deepEqual(discover.map((e) => e.name), ['active', 'workspace', 'virtualenvwrapper', 'pipenv', 'poetry', 'hatch', 'pyenv', 'conda', 'uv']);
  assert.deepEqual(discover.map((e) => `${e.done}/${e.total}`), discover.map((_, i) => `${i + 1}/9`));
  assert.equal(discover.at(-1)!.found, found.length);
  assert.ok(discover.every((e, i) => i === 0 || e.found! >= discover[i - 1]!.found!));
  const some: ProgressEvent[] = [];
  await findEnvironments({ cwd: m.workspace, env: m.env, sources: ['conda', 'workspace'], onProgress: (e) => some.push(e) });
  assert.deepEqual(some.map((e) => `${e.name} ${e.done}/${e.total}`), ['workspace 1/2', 'conda 2/2']);
});
