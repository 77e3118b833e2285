// Floors for every task, and what stands in the way measured: the runner takes a breakdown (one more
// run with --json, split with venvkit's own timings) for rows past 2x their floor and results.md
// prints it; the new floor programs (placing cached files, reading a lock's pages and METADATA,
// bytecode trees) are checked like peers. No timing is asserted.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { CLI } from '../helpers/cli.js';
import { buildWheel } from '../helpers/wheels.js';
import { interpreters, removeDir, tempDir, testEnv } from '../helpers/venv.js';
// @ts-ignore plain .mjs without declarations
import { parseBreakdown, describeBreakdown, jsonBreakdown } from '../../bench/lib/breakdown.mjs';
// @ts-ignore
import { renderMarkdown, floorLines } from '../../bench/lib/report.mjs';
// @ts-ignore
import { runTask } from '../../bench/lib/runner.mjs';
// @ts-ignore
import { placeFloorSide } from '../../bench/lib/place-floor.mjs';
// @ts-ignore
import { lockReads } from '../../bench/lib/resolution-floor.mjs';
// @ts-ignore
import { bytecodeTree, copyNewPycache } from '../../bench/lib/bytecode-floors.mjs';
// @ts-ignore
import { compareTrees, placedTree } from '../../bench/lib/floors.mjs';

const st = (m: number) => ({ median: m, min: m, max: m, n: 2 });

let dir: string;
let py: string;
before(() => {
  dir = tempDir('bench-breakdown');
  py = interpreters().find((i) => i.version.startsWith('3.12'))?.path ?? interpreters()[0].path;
});
after(() => removeDir(dir));

test('a --json report splits the run: start-up, before resolving, resolving, fetching, placing; they add up to the wall time', () => {
  const b = parseBreakdown(1000, 'noise\n{"timings":{"resolveMs":200,"fetchMs":300,"installMs":350,"totalMs":900}}\n');
  assert.deepEqual(b.parts.map((p: { key: string; ms: number }) => [p.key, p.ms]), [['startup', 100], ['before', 50], ['resolve', 200], ['fetch', 300], ['place', 350]]);
  // sync's report has no resolveMs.
  const s = parseBreakdown(500, '{"timings":{"fetchMs":0,"installMs":300,"totalMs":400}}');
  assert.deepEqual(s.parts.map((p: { ms: number }) => p.ms), [100, 100, 0, 0, 300]);
  assert.match(parseBreakdown(10, 'Installed 3 packages').error, /no JSON report/);
  assert.match(parseBreakdown(10, '{"installed":[]}').error, /no timings/);
  const text = describeBreakdown(b, 150);
  assert.match(text, /^measured \(one more run with --json, venvkit's own timings\): of 1000 ms, placing .* 350 ms \(35%\), fetching .* 300 ms \(30%\), resolving 200 ms \(20%\), Node start-up, loading the CLI and exit .* 100 ms \(10%\), before resolving .* 50 ms \(5%\); the floor's whole work takes 150 ms$/);
});

test('results.md: a row past 2x its floor says, measured, where the time goes; under 2x it says nothing', () => {
  const breakdown = parseBreakdown(900, '{"timings":{"resolveMs":400,"fetchMs":0,"installMs":300,"totalMs":800}}');
  const row = (task: string, ratio: number, extra = {}) => ({ task, peerLabel: 'pip install', status: 'ok', venvkit: st(900), peer: st(9000), speedup: 10, target: null, note: '', floorLabel: 'cp -r', floor: st(900 / ratio), floorRatio: ratio, floorNote: '', floorWhy: 'prose', breakdown: null, ...extra });
  const rows = [row('over, measured', 3, { breakdown }), row('over, not measured', 3), row('under', 1.5, { breakdown })];
  const lines = floorLines(rows);
  assert.match(lines[0].why, /^measured .*: of 900 ms, resolving 400 ms \(44%\), placing .* 300 ms \(33%\), Node start-up, loading the CLI and exit .* 100 ms \(11%\), before resolving .* 100 ms \(11%\); the floor's whole work takes 300 ms$/);
  assert.equal(lines[1].why, 'prose');
  assert.equal(lines[2].why, '');
  const md = renderMarkdown({ command: 'c', date: 'd', machine: [], rows, notes: [] });
  assert.match(md.split('## Floors')[1], /\| over, measured \| cp -r \| 300 ms \| 900 ms \| 3\.00x \| measured \(one more run with --json/);
});

test('runner: the breakdown is taken once per venvkit side, only for rows past 2x a working floor', async () => {
  const calls: string[] = [];
  const side = (key: string, ms: number) => ({ key, label: key, exec: async () => ({ ok: true, ms }), breakdown: async () => (calls.push(key), parseBreakdown(ms, `{"timings":{"resolveMs":1,"fetchMs":1,"installMs":1,"totalMs":${ms - 5}}}`)) });
  const task = {
    id: 't', title: 't',
    sides: [side('slow', 30), side('near', 15), side('pip', 90), side('floor', 10)],
    rows: [{ a: 'slow', b: 'pip', floor: 'floor' }, { a: 'slow', b: 'pip', task: 'again', floor: 'floor' }, { a: 'near', b: 'pip', floor: 'floor' }, { a: 'pip', b: 'slow', task: 'no floor' }],
    check: async (keys: string[]) => new Map(keys.map((k) => [k, null])),
  };
  const r = await runTask(task, {}, { runs: 2, warmup: 1 });
  assert.deepEqual(calls, ['slow']);
  assert.equal(r.rows[0].breakdown.parts[0].ms, 5);
  assert.equal(r.rows[1].breakdown, r.rows[0].breakdown);
  assert.equal(r.rows[2].breakdown, null);
  assert.equal(r.rows[3].breakdown, null);
  // A floor whose check failed gives no ratio: nothing to break down.
  calls.length = 0;
  const void_ = await runTask({ ...task, check: async (keys: string[]) => new Map(keys.map((k) => [k, k === 'floor' ? 'differs' : null])) }, {}, { runs: 2, warmup: 1 });
  assert.deepEqual(calls, []);
  assert.equal(void_.rows[0].breakdown, null);
});

test('the breakdown of a real venvkit install: one --json run after the side\'s prepare, its parts add up to the run', async () => {
  const cache = join(dir, 'cache');
  const env = join(dir, 'env');
  const wheel = buildWheel(dir, { name: 'tiny', version: '1.0', files: { 'tiny/__init__.py': 'X = 1\n' } });
  let prepared = 0;
  const b = await jsonBreakdown({
    command: () => [process.execPath, CLI, 'install', '--env', env, '--no-index', wheel],
    env: testEnv(cache),
    prepare: () => {
      prepared++;
      rmSync(env, { recursive: true, force: true });
      const r = spawnSync(process.execPath, [CLI, 'create', env, '--python', py, '--without-pip', '-q'], { env: testEnv(cache), encoding: 'utf8' });
      assert.equal(r.status, 0, r.stderr);
    },
  })();
  assert.equal(prepared, 1);
  assert.equal(b.error, undefined, b.error);
  const sum = b.parts.reduce((s: number, p: { ms: number }) => s + p.ms, 0);
  assert.ok(Math.abs(sum - b.wallMs) < 1, `${sum} vs ${b.wallMs}`);
  assert.ok(b.parts.find((p: { key: string }) => p.key === 'startup').ms > 0);
  assert.ok(b.parts.find((p: { key: string }) => p.key === 'place').ms > 0);
  assert.ok(readdirSync(join(env, 'lib')).length === 1);
  // A failing command is reported, not parsed.
  const bad = await jsonBreakdown({ command: () => [process.execPath, CLI, 'install', '--env', join(dir, 'nope'), wheel], env: testEnv(cache) })();
  assert.match(bad.error, /^the --json run failed: /);
});

test('the placing floor puts the same cache files at the same places as the Linker, by copy and by hard link', async () => {
  const root = join(dir, 'wheels');
  const sha = (c: string) => c.repeat(64);
  const entry = (h: string, name: string, files: string[]) => {
    mkdirSync(join(root, h, 'files', 'pkg'), { recursive: true });
    for (const f of files) writeFileSync(join(root, h, 'files', f), `${name} ${f}\n`);
    writeFileSync(join(root, h, 'wheel.json'), JSON.stringify({ normalizedName: name, files: files.map((path) => ({ path, exec: false })) }));
  };
  entry(sha('a'), 'one', ['pkg/a.py', 'pkg/b.py']);
  entry(sha('b'), 'two', ['pkg/c.py']);
  entry(sha('c'), 'other', ['pkg/d.py']);
  mkdirSync(join(root, 'not-an-entry'));
  const results = new Map();
  const out = join(dir, 'placed');
  for (const mode of ['copy', 'hardlink']) {
    const side = placeFloorSide(`floor-${mode}`, mode, { root, out, names: () => ['one', 'two'], results });
    await side.prepare();
    const r = await side.exec();
    assert.equal(r.ok, true, r.message);
    assert.equal(results.get(`floor-${mode}`).files, 3);
    const placed = readdirSync(out).sort();
    assert.deepEqual(placed, ['0', '1', '2']);
    const texts = placed.map((p) => readFileSync(join(out, p), 'utf8')).sort();
    assert.deepEqual(texts, ['one pkg/a.py\n', 'one pkg/b.py\n', 'two pkg/c.py\n']);
  }
});

test('the 15-target lock floor reads each locked package\'s index page and one wheel of it', () => {
  const idx = pathToFileURL(join(dir, 'simple')).href;
  const text = `lock-version = "1.0"\n\n[[packages]]\nname = "Foo.Bar"\nversion = "1.0"\nindex = "${idx}"\n\n[[packages.wheels]]\nname = "foo_bar-1.0-py3-none-any.whl"\nurl = "file:///w/foo_bar-1.0-py3-none-any.whl"\n\n[[packages.wheels]]\nname = "foo_bar-1.0-cp311-cp311-win_amd64.whl"\nurl = "file:///w/foo_bar-1.0-cp311-cp311-win_amd64.whl"\n\n[[packages]]\nname = "baz"\nversion = "2"\nindex = "https://example.invalid/simple"\n\n[[packages.wheels]]\nurl = "https://example.invalid/baz-2-py3-none-any.whl"\n`;
  assert.deepEqual(lockReads(text), [
    { name: 'Foo.Bar', page: join(dir, 'simple', 'foo-bar', 'index.html'), wheel: '/w/foo_bar-1.0-py3-none-any.whl' },
    { name: 'baz', page: null, wheel: null },
  ]);
});

test('bytecode floors: a site-packages tree names every .pyc (not their bytes), and the pyc copied from venvkit\'s env are only the new ones', () => {
  const mk = (root: string, files: Record<string, string>) => {
    for (const [rel, text] of Object.entries(files)) {
      mkdirSync(join(root, rel, '..'), { recursive: true });
      writeFileSync(join(root, rel), text);
    }
  };
  const sp = (env: string) => join(env, 'lib', 'python3.11', 'site-packages');
  const fresh = join(dir, 'bc-fresh');
  const vk = join(dir, 'bc-venvkit');
  mk(sp(fresh), { 'pip/__init__.py': '', 'pip/__pycache__/__init__.cpython-311.pyc': 'p' });
  mk(sp(vk), { 'pip/__init__.py': '', 'pip/__pycache__/__init__.cpython-311.pyc': 'p', 'a/__init__.py': 'x', 'a/__pycache__/__init__.cpython-311.pyc': 'path /one', 'a/b/__pycache__/m.cpython-311.pyc': 'm', 'a-1.dist-info/RECORD': 'r', 'a-1.dist-info/venvkit_source.json': '{}' });
  const pycs = join(dir, 'bc-pycs');
  assert.equal(copyNewPycache(vk, fresh, pycs), 2);
  assert.deepEqual(spawnSync('find', [pycs, '-type', 'f'], { encoding: 'utf8' }).stdout.split('\n').filter(Boolean).map((p) => p.slice(pycs.length + 1)).sort(), ['a/__pycache__/__init__.cpython-311.pyc', 'a/b/__pycache__/m.cpython-311.pyc']);
  const floor = join(dir, 'bc-floor');
  mk(sp(floor), { 'pip/__init__.py': '', 'pip/__pycache__/__init__.cpython-311.pyc': 'p', 'a/__init__.py': 'x', 'a/__pycache__/__init__.cpython-311.pyc': 'path /other/longer', 'a/b/__pycache__/m.cpython-311.pyc': 'm', 'a-1.dist-info/RECORD': 'other' });
  // The installer's own files (RECORD, venvkit's record of an editable source) are not compared.
  assert.equal(compareTrees(bytecodeTree(sp(floor)), bytecodeTree(sp(vk)), 'the floor', 'venvkit'), null);
  assert.equal(compareTrees(placedTree(sp(floor)), placedTree(sp(vk)), 'the floor', 'venvkit'), null);
  rmSync(join(sp(floor), 'a', 'b', '__pycache__', 'm.cpython-311.pyc'));
  assert.match(compareTrees(bytecodeTree(sp(floor)), bytecodeTree(sp(vk)), 'the floor', 'venvkit'), /only venvkit has a\/b\/__pycache__\/m\.cpython-311\.pyc/);
});
