// The bench's floors, continued: every row with a floor can say what stands in the way when it is
// past 2x (its own words, or a measured breakdown); the in-process no-op sync's floor (the lock and
// the env's .dist-info names) finds a matching env and names what a mismatched one lacks. No timing
// is asserted.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
// @ts-ignore plain .mjs without declarations
import { allTasks } from '../../bench/lib/tasks.mjs';
// @ts-ignore
import { lockPins, distInfoPins, missingPins, noopSyncFloorSide, checkNoopSyncFloor } from '../../bench/lib/noop-sync-floor.mjs';
import { removeDir, tempDir } from '../helpers/venv.js';

let dir: string;
before(() => {
  dir = tempDir('bench-floor-texts');
});
after(() => removeDir(dir));

/** The suite's tasks as `npm run bench` makes them (the floors added), for a made-up machine: nothing is run. */
function tasks() {
  const pythons = new Map(['3.11', '3.12', '3.13'].map((m) => [m, { path: `/nonexistent/python${m}`, version: `${m}.0`, minor: m }]));
  const ctx = {
    root: dir, work: join(dir, 'work'), baseEnv: {}, cli: '/nonexistent/venvkit', distIndex: '/nonexistent/index.js', pythons,
    index: { url: 'file:///nonexistent/simple' }, virtualenv: { ok: false, reason: 'not set up' }, cacheWarm: join(dir, 'warm'), cacheCold: join(dir, 'cold'), venvkitEnv: () => ({}),
  };
  return allTasks(ctx);
}

test('every row with a floor says what stands in the way past 2x: its own words, or a measured breakdown of its venvkit side', () => {
  const silent: string[] = [];
  let withFloor = 0;
  for (const t of tasks()) {
    for (const r of t.rows) {
      if (!r.floor) continue;
      withFloor++;
      assert.ok(t.sides.some((s: any) => s.key === r.floor), `${t.id}: the floor side ${r.floor} exists`);
      const a = t.sides.find((s: any) => s.key === r.a);
      if (!(r.floorWhy && r.floorWhy.trim()) && typeof a?.breakdown !== 'function') silent.push(`${t.id} (${r.a} vs ${r.b})`);
    }
  }
  assert.ok(withFloor > 20, `the suite has its floors (${withFloor} rows)`);
  assert.deepEqual(silent, [], 'rows that would show "not yet explained" past 2x');
});

test('the library no-op sync row has its own in-process floor; the lock floors say they read only what was locked', () => {
  const all = tasks();
  const noop = all.find((t: any) => t.id === 'sync-noop-jupyter');
  const row = noop.rows.find((r: any) => r.a === 'library');
  assert.equal(row.floor, 'floor-library');
  assert.match(noop.sides.find((s: any) => s.key === 'floor-library').label, /lock.*\.dist-info names.*in-process/);
  for (const id of ['lock-jupyter', 'lock-jupyter-15']) {
    const t = all.find((x: any) => x.id === id);
    assert.match(t.sides.find((s: any) => s.key === 'floor').label, /only what was finally locked/, id);
  }
});

const LOCK = `lock-version = "1.0"
created-by = "pip"

[[packages]]
name = "Jupyter_Core"
version = "5.7.2"

[[packages.wheels]]
name = "jupyter_core-5.7.2-py3-none-any.whl"

[[packages]]
name = "six"
version = "1.16.0"
`;

test('no-op sync floor: the locked pins against the .dist-info names (normalized), pure', () => {
  assert.deepEqual(lockPins(LOCK), ['jupyter-core==5.7.2', 'six==1.16.0']);
  assert.deepEqual(distInfoPins(['jupyter_core-5.7.2.dist-info', 'six-1.16.0.dist-info', 'six.py', '__pycache__']), ['jupyter-core==5.7.2', 'six==1.16.0']);
  assert.deepEqual(missingPins(LOCK, ['jupyter_core-5.7.2.dist-info', 'six-1.16.0.dist-info', 'pip-24.0.dist-info']), []);
  assert.deepEqual(missingPins(LOCK, ['jupyter_core-5.7.1.dist-info', 'six-1.16.0.dist-info']), ['jupyter-core==5.7.2']);
});

test('no-op sync floor side: reads a real lock and site-packages; its check voids a floor that finds the env not matching', async () => {
  const sp = join(dir, 'env', 'lib', 'python3.11', 'site-packages');
  mkdirSync(join(sp, 'six-1.16.0.dist-info'), { recursive: true });
  const lock = join(dir, 'pylock.toml');
  writeFileSync(lock, LOCK);
  const side = noopSyncFloorSide('floor-library', () => ({ lock, sitePackages: sp }));
  assert.match(checkNoopSyncFloor(side.state), /has not run/);
  let r = await side.exec();
  assert.equal(r.ok, true);
  assert.ok(r.ms >= 0);
  assert.match(checkNoopSyncFloor(side.state), /did not find 1 locked package\(s\) installed: jupyter-core==5\.7\.2/);
  mkdirSync(join(sp, 'jupyter_core-5.7.2.dist-info'));
  r = await side.exec();
  assert.equal(r.ok, true);
  assert.equal(checkNoopSyncFloor(side.state), null);
  const gone = noopSyncFloorSide('floor-library', () => ({ lock: join(dir, 'missing.toml'), sitePackages: sp }));
  assert.equal((await gone.exec()).ok, false);
});
