// The 2-core floor of the cold bytecode install (bench/lib/bytecode-floors.mjs): the wheels split in
// two halves of about equal work, and each half extracted then compiled by plain tools, both halves
// at once in one `sh -c`. Checked with real sh and a real interpreter: the .pyc are py_compile's
// checked-hash bytes, the modules of a wheel's .data dir are not compiled (venvkit does not compile
// them either), a failing half fails the command. No timing is asserted.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildWheel } from '../helpers/wheels.js';
import { interpreters, removeDir, tempDir } from '../helpers/venv.js';
// @ts-ignore plain .mjs without declarations
import { twoHalves, siteModules, concurrently, COMPILE_LIST } from '../../bench/lib/bytecode-floors.mjs';
// @ts-ignore
import { zipfileCommand } from '../../bench/lib/floors.mjs';

let dir: string;
let py: string;
before(() => {
  dir = tempDir('bench-two-core');
  py = interpreters().find((i) => i.version.startsWith('3.12'))?.path ?? interpreters().find((i) => !/^(2\.|3\.[0-6]\.)/.test(i.version))!.path;
});
after(() => removeDir(dir));

const manifest = (name: string, files: [string, number][]) => ({ dataDir: `${name}-1.0.data`, files: files.map(([path, size]) => ({ path, size })) });

test('twoHalves: every wheel in exactly one half, the heavy one alone against the rest, the estimated work split evenly', () => {
  // One wheel with most of the modules' bytes, and ten small ones.
  const heavy = manifest('big', [['big/a.py', 500_000], ['big/b.py', 400_000], ['big/static.js', 100_000]]);
  const small = Array.from({ length: 10 }, (_, i) => manifest(`s${i}`, [[`s${i}/m.py`, 90_000], [`s${i}-1.0.data/purelib/x.py`, 5_000]]));
  const halves: number[][] = twoHalves([...small.slice(0, 5), heavy, ...small.slice(5)]);
  assert.deepEqual([...halves[0]!, ...halves[1]!].sort((a, b) => a - b), [...Array(11).keys()]);
  const withHeavy = halves.find((h) => h.includes(5))!;
  const other = halves.find((h) => !h.includes(5))!;
  // 900 kB of modules against 10 x 90 kB: the heavy wheel with none or one small one.
  assert.ok(withHeavy.length <= 2, `the heavy wheel's half: ${JSON.stringify(withHeavy)}`);
  assert.ok(other.length >= 9);
  // Only what lands in site-packages is a module to compile (not the .data dir's).
  assert.deepEqual(siteModules(small[0]), ['s0/m.py']);
  assert.deepEqual(twoHalves([]), [[], []]);
});

test('concurrently: both jobs run at once, each one\'s steps in order; arguments with spaces and quotes survive; a failing job fails the whole', () => {
  const a = join(dir, "it's a dir");
  mkdirSync(a, { recursive: true });
  // Job 0 waits for job 1's file: they can only both finish if they run at the same time.
  const wait = ['sh', '-c', 'for i in $(seq 1 200); do [ -e "$1" ] && exit 0; sleep 0.05; done; exit 1', 'sh', join(a, 'one')];
  const [cmd, ...args] = concurrently([
    [wait, ['sh', '-c', 'echo "$1" > "$2"', 'sh', "x 'y' z", join(a, 'zero')]],
    [['touch', join(a, 'one')]],
  ]);
  const r = spawnSync(cmd, args, { encoding: 'utf8', timeout: 30_000 });
  assert.equal(r.status, 0, r.stderr);
  assert.equal(readFileSync(join(a, 'zero'), 'utf8'), "x 'y' z\n");
  const [c2, ...a2] = concurrently([[['true']], [['false'], ['touch', join(a, 'never')]]]);
  assert.notEqual(spawnSync(c2, a2, { timeout: 30_000 }).status, 0);
  assert.equal(existsSync(join(a, 'never')), false, 'a job stops at its failing step');
});

test('the 2-core floor\'s command: each half extracted then compiled, .pyc byte for byte py_compile\'s checked-hash, .data modules not compiled', () => {
  const wheels = join(dir, 'wheels');
  mkdirSync(wheels, { recursive: true });
  const specs = ['alpha', 'beta', 'gamma'].map((name) => ({
    name, version: '1.0',
    files: {
      [`${name}/__init__.py`]: `X = ${JSON.stringify(name)}\n`,
      [`${name}/sub/mod.py`]: `def f():\n    return ${JSON.stringify(name.repeat(50))}\n`,
      [`${name}-1.0.data/purelib/${name}_data.py`]: 'Y = 1\n',
      [`${name}/broken.py`]: 'def (:\n',
    },
  }));
  const paths = specs.map((s) => buildWheel(wheels, s));
  const manifests = specs.map((s) => manifest(s.name, Object.entries(s.files).map(([p, t]) => [p, Buffer.byteLength(t)])));
  const sp = join(dir, 'site-packages');
  mkdirSync(sp);
  const halves: number[][] = twoHalves(manifests);
  assert.ok(halves[0]!.length > 0 && halves[1]!.length > 0);
  const job = (half: number[], k: number) => {
    const list = join(dir, `modules-${k}.txt`);
    writeFileSync(list, half.flatMap((i) => siteModules(manifests[i]).map((m: string) => `${join(sp, m)}\n`)).join(''));
    return [zipfileCommand(py, half.map((i) => paths[i]), sp), [py, '-c', COMPILE_LIST, list]];
  };
  const [cmd, ...args] = concurrently(halves.map(job));
  const r = spawnSync(cmd, args, { encoding: 'utf8', timeout: 120_000 });
  assert.equal(r.status, 0, r.stderr);
  const tag = spawnSync(py, ['-c', 'import sys; print(sys.implementation.cache_tag)'], { encoding: 'utf8' }).stdout.trim();
  const reference = join(dir, 'reference.pyc');
  for (const s of specs) {
    for (const m of [`${s.name}/__init__.py`, `${s.name}/sub/mod.py`]) {
      const pyc = join(sp, m.replace(/[^/]+\.py$/, (f) => `__pycache__/${f.slice(0, -3)}.${tag}.pyc`));
      assert.ok(statSync(pyc).size > 16, `${pyc} made`);
      // What py_compile writes for the same source (its recorded path aside: compile_file records the full path, as here).
      const ref = spawnSync(py, ['-c', 'import py_compile, sys; py_compile.compile(sys.argv[1], cfile=sys.argv[2], doraise=True, invalidation_mode=py_compile.PycInvalidationMode.CHECKED_HASH)', join(sp, m), reference], { encoding: 'utf8' });
      assert.equal(ref.status, 0, ref.stderr);
      assert.deepEqual(readFileSync(pyc), readFileSync(reference), `${m}: py_compile's checked-hash bytes`);
      assert.equal(readFileSync(pyc).readUInt32LE(4), 3, 'checked-hash flags (PEP 552)');
    }
    assert.equal(existsSync(join(sp, `${s.name}-1.0.data/purelib/__pycache__`)), false, 'no .pyc in a .data dir');
    assert.equal(existsSync(join(sp, s.name, '__pycache__', `broken.${tag}.pyc`)), false, 'a module that does not compile is skipped, as pip and venvkit do');
  }
});
