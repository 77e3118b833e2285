// The unpack worker threads, run the way the package runs them: each worker runs the built worker
// file (dist/venvkit-worker.cjs), which holds the unpacker only.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { UnpackPool } from '../../src/plan-apply/unpack-pool.js';
import { workerFile } from '../../src/plan-apply/worker-file.js';
import { isVenvkitError } from '../../src/errors.js';
import { closeWheelStore, openWheelStore } from '../../src/cache/wheels.js';
import { buildWheel } from '../helpers/wheels.js';
import { ROOT } from '../helpers/cli.js';

test('workers unpack into the cache; their errors keep their codes; a bad module falls back to the main thread', async () => {
  const file = join(ROOT, 'dist', 'venvkit-worker.cjs');
  assert.equal(workerFile(undefined), file, 'found from the source tree through the package');
  assert.equal(workerFile(false), undefined);
  const dir = mkdtempSync(join(tmpdir(), 'vk-pool-'));
  const env = { ...process.env, VENVKIT_CACHE_DIR: join(dir, 'cache') };
  try {
    const wheels = [1, 2, 3].map((i) => buildWheel(dir, { name: `pkg${i}`, version: '1.0', files: { [`pkg${i}/__init__.py`]: `x = ${i}\n` } }));
    const bad = buildWheel(dir, { name: 'broken', version: '1.0', record: () => ['nonsense'] });
    const store = openWheelStore(env);
    const pool = new UnpackPool(file, 2, store);
    const got = await Promise.all(wheels.map((w) => pool.unpack(w)));
    assert.deepEqual(got.map((g) => g.manifest.name), ['pkg1', 'pkg2', 'pkg3']);
    for (const g of got) assert.ok(existsSync(join(g.filesDir, `${g.manifest.name}/__init__.py`)));
    assert.equal(pool.workerJobs, 3);
    await assert.rejects(pool.unpack(bad), (e) => isVenvkitError(e) && /broken/.test(e.message));
    await pool.close();
    const fallback = new UnpackPool(join(dir, 'missing.cjs'), 1, store);
    const w = await fallback.unpack(wheels[0]!);
    assert.equal(w.manifest.name, 'pkg1');
    assert.equal(fallback.workerJobs, 0);
    await fallback.close();
    closeWheelStore(store);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('workers: { path } must name an existing file (BAD_PATH naming it)', () => {
  assert.throws(() => workerFile({ path: '/nonexistent/venvkit-worker.cjs' }), (e) => isVenvkitError(e) && e.code === 'BAD_PATH' && /\/nonexistent\/venvkit-worker\.cjs/.test(e.message) && !!e.hint);
});
