// The unpack worker threads, run the way the built CLI runs them: workers load the bundled
// install command (dist/commands/install.cjs) by URL and call its unpackForWorker export.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { UnpackPool } from '../../src/pip/unpack-pool.js';
import { isVenvkitError } from '../../src/errors.js';
import { closeWheelStore, openWheelStore } from '../../src/cache/wheels.js';
import { buildWheel } from '../helpers/wheels.js';
import { ROOT } from '../helpers/cli.js';

test('workers unpack into the cache; their errors keep their codes; a bad module falls back to the main thread', async () => {
  const bundle = join(ROOT, 'dist', 'commands', 'install.cjs');
  assert.equal(spawnSync('grep', ['-q', 'unpackForWorker', bundle]).status, 0, 'the bundled install command exports unpackForWorker');
  const dir = mkdtempSync(join(tmpdir(), 'vk-pool-'));
  const env = { ...process.env, VENVKIT_CACHE_DIR: join(dir, 'cache') };
  try {
    const wheels = [1, 2, 3].map((i) => buildWheel(dir, { name: `pkg${i}`, version: '1.0', files: { [`pkg${i}/__init__.py`]: `x = ${i}\n` } }));
    const bad = buildWheel(dir, { name: 'broken', version: '1.0', record: () => ['nonsense'] });
    const store = openWheelStore(env);
    const pool = new UnpackPool(pathToFileURL(bundle).href, 2, store);
    const got = await Promise.all(wheels.map((w) => pool.unpack(w)));
    assert.deepEqual(got.map((g) => g.manifest.name), ['pkg1', 'pkg2', 'pkg3']);
    for (const g of got) assert.ok(existsSync(join(g.filesDir, `${g.manifest.name}/__init__.py`)));
    assert.equal(pool.workerJobs, 3);
    await assert.rejects(pool.unpack(bad), (e) => isVenvkitError(e) && /broken/.test(e.message));
    await pool.close();
    const fallback = new UnpackPool(pathToFileURL(join(dir, 'missing.js')).href, 1, store);
    const w = await fallback.unpack(wheels[0]!);
    assert.equal(w.manifest.name, 'pkg1');
    assert.equal(fallback.workerJobs, 0);
    await fallback.close();
    closeWheelStore(store);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
