// The consumer matrix: the tarball `npm pack` makes, installed into a fresh project as a user
// installs it, type-checked under each TypeScript module setting (skipLibCheck false), and a host
// program (fixtures/) run unbundled (import and require) and bundled by esbuild (cjs, esm), webpack
// and rollup — also shipped without node_modules, the worker file copied next to the bundle or
// named by the `workers` option. Each run creates an env and installs three packages from the
// machine's local index: the unpack workers must have done the unpacking, the host's own start-up
// code must have run once (a worker never loads the host's bundle), and the event loop is not held
// for long in any phase (Linux, where a thread's CPU time can be read; bench/stall.mjs measures a
// jupyter install the same way).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { builtinModules } from 'node:module';
import { copyFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadPipConfig } from '../../src/index/pip-config.js';
import { ROOT } from '../helpers/cli.js';
import { python3x } from '../pip/helpers.js';

const FIXTURES = join(ROOT, 'test', 'consumer', 'fixtures');
const tmp = mkdtempSync(join(tmpdir(), 'vk-consumer-'));
const proj = join(tmp, 'project');
after(() => rmSync(tmp, { recursive: true, force: true }));
const env: NodeJS.ProcessEnv = { ...process.env };
delete env.VIRTUAL_ENV;
const python = python3x();

/** The first file:// index pip is configured with (as test/pip/real-index.test.ts finds it). */
function localIndex(): string | undefined {
  const s = loadPipConfig({ env }).settings;
  return [s.indexUrl, ...s.extraIndexUrls].find((u) => u.startsWith('file:'));
}
const index = localIndex();
const skip = !python ? 'no CPython 3.11/3.12 under $PYENV_ROOT' : !index ? 'pip is not configured with a local file:// index' : false;
if (skip && process.env.CI === 'true') throw new Error(`${skip}, and CI has one`);

let tarball = '';
before(() => {
  if (skip) return;
  const r = spawnSync('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', tmp], { cwd: ROOT, encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  tarball = join(tmp, (JSON.parse(r.stdout) as { filename: string }[])[0]!.filename);
  mkdirSync(proj);
  writeFileSync(join(proj, 'package.json'), JSON.stringify({ name: 'consumer', version: '1.0.0', private: true }));
  // Offline: venvkit has no dependencies, so nothing is fetched.
  const i = spawnSync('npm', ['install', '--offline', '--no-audit', '--no-fund', tarball], { cwd: proj, encoding: 'utf8' });
  assert.equal(i.status, 0, i.stderr);
  cpSync(FIXTURES, proj, { recursive: true });
});

test('the tarball: LICENSE, both entry points, the worker, both type sets, the bin; repository fields; nothing run at install', { skip }, () => {
  const pkgDir = join(proj, 'node_modules', 'venvkit');
  const files = readdirSync(pkgDir, { recursive: true }).map(String);
  for (const f of ['LICENSE', 'package.json', 'bin/venvkit.cjs', 'dist/index.js', 'dist/index.cjs', 'dist/venvkit-worker.cjs', 'dist/cli.cjs', 'dist/types/index.d.ts', 'dist/types-cjs/index.d.ts', 'dist/types-cjs/package.json']) {
    assert.ok(files.includes(f), `${f} is in the tarball`);
  }
  assert.deepEqual(files.filter((f) => /^(src|test|bench|scripts)(\/|$)/.test(f)), [], 'no sources, tests or build scripts');
  assert.match(readFileSync(join(pkgDir, 'LICENSE'), 'utf8'), /MIT License/);
  const pkg = JSON.parse(readFileSync(join(pkgDir, 'package.json'), 'utf8'));
  assert.equal(pkg.license, 'MIT');
  for (const k of ['repository', 'homepage', 'bugs']) assert.ok(pkg[k], `package.json has ${k}`);
  for (const s of ['preinstall', 'install', 'postinstall']) assert.equal(pkg.scripts?.[s], undefined, `no ${s} script`);
  assert.equal(pkg.bin.venvkit, 'bin/venvkit.cjs');
  assert.match(readFileSync(join(pkgDir, 'bin/venvkit.cjs'), 'utf8'), /^#!\/usr\/bin\/env node\n/);
});

test('the shipped types pass tsc (skipLibCheck false) under module commonjs, node16 (cts and mts) and bundler', { skip }, () => {
  const source = readFileSync(join(proj, 'types.ts'), 'utf8');
  writeFileSync(join(proj, 'types.cts'), source);
  writeFileSync(join(proj, 'types.mts'), source);
  const configs: Record<string, { options: Record<string, unknown>; files: string[] }> = {
    commonjs: { options: { module: 'commonjs', moduleResolution: 'node10' }, files: ['types.ts'] },
    node16: { options: { module: 'node16', moduleResolution: 'node16' }, files: ['types.cts', 'types.mts'] },
    bundler: { options: { module: 'esnext', moduleResolution: 'bundler' }, files: ['types.ts'] },
  };
  const failures: string[] = [];
  for (const [name, c] of Object.entries(configs)) {
    const file = join(proj, `tsconfig.${name}.json`);
    writeFileSync(file, JSON.stringify({
      compilerOptions: { ...c.options, target: 'es2022', strict: true, noEmit: true, skipLibCheck: false, esModuleInterop: false, types: ['node'], typeRoots: [join(ROOT, 'node_modules', '@types')] },
      files: c.files,
    }));
    const r = spawnSync(process.execPath, [join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', file], { cwd: proj, encoding: 'utf8' });
    if (r.status !== 0) failures.push(`module ${name}:\n${r.stdout}${r.stderr}`);
  }
  assert.deepEqual(failures, []);
});

interface Outcome { installed: string[]; workerUnpacks: number; wall: Record<string, number>; cpu?: Record<string, number>; internalExported: boolean; starts: number }

function runHost(name: string, args: string[], cwd: string, workerPath?: string): Promise<Outcome> {
  const envDir = join(tmp, `env-${name}`);
  // A cache of its own: every wheel is unpacked by this run, none comes from another's cache.
  const runEnv = { ...env, VENVKIT_CACHE_DIR: join(tmp, `cache-${name}`) };
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...args, envDir, python!, index!, ...(workerPath ? [workerPath] : [])], { cwd, env: runEnv, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    // A host whose workers load its own bundle never finishes (each worker starts the host again).
    const timer = setTimeout(() => child.kill('SIGKILL'), 150_000);
    child.on('close', (code) => {
      clearTimeout(timer);
      const line = out.split('\n').find((l) => l.startsWith('RESULT '));
      if (code !== 0 || !line) return reject(new Error(`${name}: exit ${code}\n${out}\n${err}`));
      if (err.trim()) return reject(new Error(`${name}: warnings\n${err}`));
      resolve({ ...JSON.parse(line.slice(7)), starts: out.split('\n').filter((l) => l === 'HOST-START').length });
    });
  });
}

async function bundleAll(): Promise<void> {
  const out = join(proj, 'out');
  const entry = join(proj, 'host.mjs');
  const esbuild = await import('esbuild');
  const common = { entryPoints: [entry], bundle: true, platform: 'node' as const, target: 'node20', absWorkingDir: proj, logLevel: 'error' as const };
  await esbuild.build({ ...common, format: 'cjs', outfile: join(out, 'esbuild.cjs') });
  await esbuild.build({ ...common, format: 'esm', outfile: join(out, 'esbuild.mjs') });

  const { default: webpack } = await import('webpack');
  await new Promise<void>((resolve, reject) => {
    webpack({ mode: 'production', optimization: { minimize: false }, target: 'node20', context: proj, entry, devtool: false, output: { path: out, filename: 'webpack.cjs' }, resolve: { modules: [join(proj, 'node_modules')] } }, (e, stats) => {
      if (e || stats?.hasErrors()) reject(e ?? new Error(stats!.toString('errors-only')));
      else resolve();
    });
  });

  const { rollup } = await import('rollup');
  const { nodeResolve } = await import('@rollup/plugin-node-resolve');
  const { default: commonjs } = await import('@rollup/plugin-commonjs');
  const builtins = new Set([...builtinModules, ...builtinModules.map((m) => `node:${m}`)]);
  const bundle = await rollup({ input: entry, external: (id) => builtins.has(id), plugins: [nodeResolve({ exportConditions: ['node'], preferBuiltins: true }), (commonjs as unknown as () => never)()], onwarn: () => {} });
  await bundle.write({ file: join(out, 'rollup.cjs'), format: 'cjs', inlineDynamicImports: true });
  await bundle.close();
}

test('a host unbundled and bundled by esbuild (cjs, esm), webpack and rollup: installs through the unpack workers without stalling', { skip, timeout: 480_000 }, async () => {
  await bundleAll();
  // Shipped as extensions ship: the bundle alone outside the project (no node_modules), the worker
  // file copied next to it (found there) or elsewhere (named by the workers option).
  const worker = join(proj, 'node_modules', 'venvkit', 'dist', 'venvkit-worker.cjs');
  const ship = join(tmp, 'ship');
  mkdirSync(join(ship, 'lib'), { recursive: true });
  copyFileSync(join(proj, 'out', 'esbuild.cjs'), join(ship, 'app.cjs'));
  copyFileSync(worker, join(ship, 'venvkit-worker.cjs'));
  copyFileSync(join(proj, 'out', 'esbuild.mjs'), join(ship, 'lib', 'app.mjs'));
  copyFileSync(worker, join(ship, 'lib', 'unpacker.cjs'));
  const runs: [name: string, script: string, cwd: string, workerPath?: string][] = [
    ['unbundled-import', join(proj, 'host.mjs'), proj],
    ['unbundled-require', join(proj, 'host.cjs'), proj],
    ['esbuild-cjs', join(proj, 'out', 'esbuild.cjs'), proj],
    ['esbuild-esm', join(proj, 'out', 'esbuild.mjs'), proj],
    ['webpack', join(proj, 'out', 'webpack.cjs'), proj],
    ['rollup', join(proj, 'out', 'rollup.cjs'), proj],
    ['shipped-esbuild-cjs', join(ship, 'app.cjs'), tmp],
    ['shipped-esbuild-esm-option', join(ship, 'lib', 'app.mjs'), tmp, join(ship, 'lib', 'unpacker.cjs')],
  ];
  const results: Record<string, Outcome> = {};
  // Two at a time: the machine is shared.
  for (let i = 0; i < runs.length; i += 2) {
    const batch = runs.slice(i, i + 2);
    const got = await Promise.all(batch.map(([name, script, cwd, wp]) => runHost(name, [script], cwd, wp)));
    batch.forEach(([name], j) => (results[name] = got[j]!));
  }
  // A stall: the longest gap between 2 ms timer ticks in each phase of the install, by the wall
  // clock (printed only: on a shared, loaded machine mostly time spent waiting for a core) and by
  // the CPU the main thread spent in one gap (Linux: the host's own blocking work). Asserted over
  // every phase, the commit included: the target, 50 ms. Measured on a shared 2-core
  // machine at load 24: 14–37 ms per host (8 hosts; the most while installing), where clean-clone CI
  // measured 29–58 ms (installing) before the byte-compilers were started from a worker thread and
  // the bytecode pack was written a .pyc at a time. Resolving (every page and wheel local, read
  // synchronously) held it 24–58 ms before the index client gave turns at its reads and a turn let
  // timers run wherever it was given (src/install/turns.ts); 12–25 ms after, at load 9.
  const LIMIT = 50;
  const fmt = (m: Record<string, number> | undefined) => (m ? Object.entries(m).map(([k, v]) => `${k} ${v}`).join(' ') : '-');
  for (const [name, r] of Object.entries(results)) console.log(`# ${name}: longest stall per phase, wall ms: ${fmt(r.wall)}; main-thread CPU ms: ${fmt(r.cpu)}`);
  const longest = (m: Record<string, number>) => Object.entries(m).reduce((a, [k, v]) => (v > a[1] ? [k, v] : a), ['-', 0] as [string, number]);
  for (const [name, r] of Object.entries(results)) {
    assert.deepEqual(r.installed, ['babel', 'docutils', 'pygments'], name);
    assert.equal(r.workerUnpacks, 3, `${name}: the workers unpacked all three wheels`);
    assert.equal(r.starts, 1, `${name}: the host's start-up code ran once`);
    assert.equal(r.internalExported, false, `${name}: unpackForWorker is not public API`);
    if (process.platform === 'linux') {
      assert.ok(r.cpu, `${name}: the main thread's CPU time is readable on Linux`);
      const [phase, ms] = longest(r.cpu);
      assert.ok(ms <= LIMIT, `${name}: the event loop was held for ${ms} ms of main-thread CPU at once (in the ${phase} phase); the limit is ${LIMIT}`);
    }
    assert.ok(existsSync(join(tmp, `env-${name}`, 'pyvenv.cfg')), name);
  }
});
