// The bench's floors: the "venvkit / floor" column and the Floors section of results.md, the
// runner's floor fields (a wrong floor voids the ratio), and the floor programs checked like peers:
// the create floor rebuilds a real createVenv env entry for entry, the install floors' plain
// tools (cp -r, cp -al, unzip / zipfile) place the same files, and the tree comparison sees a
// missing, extra or changed file. No timing is asserted.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync, unlinkSync, rmSync, chmodSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ROOT } from '../helpers/cli.js';
// @ts-ignore plain .mjs without declarations
import { renderMarkdown } from '../../bench/lib/report.mjs';
// @ts-ignore
import { runTask } from '../../bench/lib/runner.mjs';
// @ts-ignore
import { treeOf, compareTrees, createScript, runCreateScript, placedTree, cpCommand, unzipCommand, zipfileCommand } from '../../bench/lib/floors.mjs';
import { interpreters, removeDir, tempDir, testEnv } from '../helpers/venv.js';

const st = (m: number) => ({ median: m, min: m, max: m, n: 3 });

let dir: string;
let py: string;
before(() => {
  dir = tempDir('bench-floors');
  py = interpreters().find((i) => i.version.startsWith('3.12'))?.path ?? interpreters()[0].path;
});
after(() => removeDir(dir));

test('results.md: venvkit / floor beside peer / venvkit, a Floors section, and what stands in the way past 2x', () => {
  const rows = [
    { task: 'install x, warm', peerLabel: 'pip install', status: 'ok', venvkit: st(300), peer: st(3000), speedup: 10, target: null, note: '', floorLabel: 'cp -r', floor: st(100), floorRatio: 3, floorNote: '', floorWhy: 'resolving first' },
    { task: 'install x, cold', peerLabel: 'pip install', status: 'ok', venvkit: st(300), peer: st(3000), speedup: 10, target: null, note: '', floorLabel: 'unzip', floor: st(200), floorRatio: 1.5, floorNote: '', floorWhy: 'not shown under 2x' },
    { task: 'create', peerLabel: 'python -m venv', status: 'ok', venvkit: st(90), peer: st(100), speedup: 100 / 90, target: null, note: '', floorLabel: 'plain mkdir', floor: null, floorRatio: null, floorNote: 'void: the floor and venvkit differ in 1 entry', floorWhy: '' },
    { task: 'install y', peerLabel: 'pip install', status: 'ok', venvkit: st(900), peer: st(3000), speedup: 3.33, target: null, note: '', floorLabel: 'cp -al', floor: st(100), floorRatio: 9, floorNote: '', floorWhy: '' },
    { task: 'no floor', peerLabel: 'p', status: 'ok', venvkit: st(1), peer: st(2), speedup: 2, target: null, note: '' },
  ];
  const md = renderMarkdown({ command: 'c', date: 'd', machine: [], rows, notes: [] });
  assert.match(md, /\| Speed-up \(peer \/ venvkit\) \| venvkit \/ floor \|/);
  assert.match(md, /\| install x, warm \| pip install \| 300 ms \| 3\.00 s \| 10\.0x faster \| 3\.00x \|/);
  assert.match(md, /\| create \| python -m venv \| 90 ms \| 100 ms \| 1\.11x faster \| void \|/);
  assert.match(md, /\| no floor \| p \| 1\.00 ms \| 2\.00 ms \| 2\.00x faster \| – \|/);
  const floors = md.split('## Floors')[1].split('## Method')[0];
  assert.match(floors, /\| install x, warm \| cp -r \| 100 ms \| 300 ms \| 3\.00x \| resolving first \|/);
  assert.match(floors, /\| install x, cold \| unzip \| 200 ms \| 300 ms \| 1\.50x \|  \|/);
  assert.match(floors, /\| create \| plain mkdir \| – \| 90 ms \| void \| no ratio: the floor void: the floor and venvkit differ in 1 entry \|/);
  assert.match(floors, /\| install y \| cp -al \| 100 ms \| 900 ms \| 9\.00x \| not yet explained \|/);
  assert.doesNotMatch(floors, /no floor/);
});

test('runner: the floor side is timed in turn; its ratio is venvkit / floor; a wrong floor voids it', async () => {
  const side = (key: string, ms: number) => ({ key, label: key.toUpperCase(), exec: async () => ({ ok: true, ms }) });
  const task = (badFloor: boolean) => ({
    id: 't', title: 't', sides: [side('a', 30), side('b', 90), side('floor', 10)],
    rows: [{ a: 'a', b: 'b', floor: 'floor', floorWhy: 'why' }, { a: 'a', b: 'b', task: 'no floor here' }],
    check: async (keys: string[]) => new Map(keys.map((k) => [k, badFloor && k === 'floor' ? 'only the floor has bin/x' : null])),
  });
  const ok = await runTask(task(false), {}, { runs: 3, warmup: 1 });
  assert.equal(ok.rows[0].floorRatio, 3);
  assert.equal(ok.rows[0].floorLabel, 'FLOOR');
  assert.deepEqual(ok.rows[0].floor, { median: 10, min: 10, max: 10, n: 3 });
  assert.equal(ok.rows[0].floorWhy, 'why');
  assert.equal(ok.rows[1].floorLabel, null);
  const bad = await runTask(task(true), {}, { runs: 3, warmup: 1 });
  assert.equal(bad.rows[0].status, 'ok'); // the peer comparison stands
  assert.equal(bad.rows[0].floorRatio, null);
  assert.match(bad.rows[0].floorNote, /^void: check after warm-up failed: only the floor has bin\/x/);
});

test('runner: a task\'s teardown runs once it is done, even when its set-up failed', async () => {
  let torn = 0;
  await runTask({ id: 'u', title: 'u', setup: () => { throw new Error('no tmpfs'); }, teardown: () => { torn++; }, rows: [{ a: 'a', b: 'b' }], check: async () => new Map(), sides: [{ key: 'a', label: 'A', exec: async () => ({ ok: true, ms: 1 }) }, { key: 'b', label: 'B', exec: async () => ({ ok: true, ms: 1 }) }] }, {}, { runs: 1, warmup: 1 });
  assert.equal(torn, 1);
});

test('the create floor rebuilds a real createVenv env entry for entry, in its own place; compareTrees sees any change', async () => {
  const vk: typeof import('../../src/index.js') = await import(pathToFileURL(join(ROOT, 'dist', 'index.js')).href);
  const env = testEnv(join(dir, 'cache'));
  // The same env name in two parents: the name is in the activation scripts.
  const model = join(dir, 'model', 'env');
  const venvkitEnv = join(dir, 'venvkit', 'env');
  const floorEnv = join(dir, 'floor', 'env');
  mkdirSync(join(dir, 'floor'));
  for (const d of [model, venvkitEnv]) await vk.createVenv(d, { python: py, withoutPip: true, env });
  const ops = createScript(model);
  assert.ok(ops.some((o: { kind: string }) => o.kind === 'link') && ops.some((o: { kind: string }) => o.kind === 'file') && ops.some((o: { kind: string }) => o.kind === 'dir'));
  runCreateScript(ops, floorEnv);
  assert.equal(compareTrees(treeOf(floorEnv), treeOf(venvkitEnv), 'the floor', 'venvkit'), null);
  // The floor's env works as venvkit's does.
  const r = spawnSync(join(floorEnv, 'bin', 'python'), ['-c', 'import sys; print(sys.prefix)'], { encoding: 'utf8' });
  assert.equal(r.stdout.trim(), floorEnv);
  // Paths of the env itself are compared as <ENV>; anything else that differs is seen.
  writeFileSync(join(floorEnv, 'bin', 'extra'), 'x');
  assert.match(compareTrees(treeOf(floorEnv), treeOf(venvkitEnv), 'the floor', 'venvkit') ?? '', /only the floor has bin\/extra/);
  unlinkSync(join(floorEnv, 'bin', 'extra'));
  unlinkSync(join(floorEnv, 'bin', 'activate.fish'));
  assert.match(compareTrees(treeOf(floorEnv), treeOf(venvkitEnv), 'the floor', 'venvkit') ?? '', /only venvkit has bin\/activate\.fish/);
  writeFileSync(join(floorEnv, 'bin', 'activate.fish'), 'changed');
  assert.match(compareTrees(treeOf(floorEnv), treeOf(venvkitEnv), 'the floor', 'venvkit') ?? '', /bin\/activate\.fish differs/);
  chmodSync(join(floorEnv, 'bin', 'activate.fish'), 0o755);
});

test('the install floors\' plain tools place the same files: cp -r, cp -al and extracting a wheel give one tree', () => {
  // A wheel-like tree (a package, its dist-info, a .data dir the installer moves elsewhere).
  const src = join(dir, 'entry', 'files');
  mkdirSync(join(src, 'pkg', 'sub'), { recursive: true });
  mkdirSync(join(src, 'pkg-1.0.dist-info'), { recursive: true });
  mkdirSync(join(src, 'pkg-1.0.data', 'scripts'), { recursive: true });
  writeFileSync(join(src, 'pkg', '__init__.py'), 'x = 1\n');
  writeFileSync(join(src, 'pkg', 'sub', 'm.py'), 'y = 2\n');
  writeFileSync(join(src, 'pkg-1.0.dist-info', 'METADATA'), 'Name: pkg\n');
  writeFileSync(join(src, 'pkg-1.0.dist-info', 'RECORD'), '');
  writeFileSync(join(src, 'pkg-1.0.data', 'scripts', 'tool'), '#!python\n');
  // An executable file (a compiled module's mode, say): each tool must keep its mode.
  writeFileSync(join(src, 'pkg', 'ext.so'), 'ELF');
  chmodSync(join(src, 'pkg', 'ext.so'), 0o755);
  const wheel = join(dir, 'pkg-1.0-py3-none-any.whl');
  const zip = spawnSync(py, ['-c', 'import sys, shutil; shutil.make_archive(sys.argv[1], "zip", sys.argv[2])', wheel.replace(/\.whl$/, ''), src]);
  assert.equal(zip.status, 0);
  spawnSync('mv', [wheel.replace(/\.whl$/, '.zip'), wheel]);
  const trees: Record<string, Map<string, string>> = {};
  const runs: Record<string, string[]> = {
    cp: cpCommand([src], join(dir, 'out-cp'), false),
    cpal: cpCommand([src], join(dir, 'out-cpal'), true),
    zipfile: zipfileCommand(py, [wheel], join(dir, 'out-zipfile')),
  };
  if (spawnSync('unzip', ['-v'], { stdio: 'ignore' }).status === 0) runs.unzip = unzipCommand([wheel], join(dir, 'out-unzip'));
  else if (process.env.CI === 'true') assert.fail('unzip is missing (CI installs it)');
  for (const [name, cmd] of Object.entries(runs)) {
    const out = join(dir, `out-${name}`);
    mkdirSync(out);
    const r = spawnSync(cmd[0], cmd.slice(1), { encoding: 'utf8' });
    assert.equal(r.status, 0, `${name}: ${r.stderr}`);
    trees[name] = placedTree(out);
  }
  // RECORD and the .data dir are the installer's to handle: left out of the comparison.
  assert.deepEqual([...trees.cp.keys()], ['pkg', 'pkg/__init__.py', 'pkg/ext.so', 'pkg/sub', 'pkg/sub/m.py', 'pkg-1.0.dist-info', 'pkg-1.0.dist-info/METADATA']);
  assert.equal(trees.cp.get('pkg/ext.so'), 'file x 3');
  for (const name of Object.keys(trees)) assert.equal(compareTrees(trees[name], trees.cp, name, 'cp -r'), null);
  rmSync(join(dir, 'out-cp', 'pkg', 'sub', 'm.py'));
  assert.match(compareTrees(placedTree(join(dir, 'out-cp')), trees.zipfile, 'cp -r', 'zipfile') ?? '', /only zipfile has pkg\/sub\/m\.py/);
});
