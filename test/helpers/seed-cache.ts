// A test file's venvkit cache, started with the wheels a create with pip leaves there for the given
// interpreters (ensurepip's unpacked wheels and their bytecode compiled by that interpreter), rather
// than each file compiling pip's bytecode again (seconds of CPU per interpreter). Only the wheels
// bucket: interpreter probes and the rest stay the file's own, as before.
// One such cache per interpreter is made per test run, in VENVKIT_TEST_SHARED (see test/run.mjs), by a
// real `venvkit create`, and copied (never linked: a test may change its own cache's files in place)
// into each file's cache. Files that test a cold cache, the cache's own upkeep or its trust checks
// keep their own fresh cache: they do not call this. Without VENVKIT_TEST_SHARED (a file run on its
// own by `node --test`), nothing is copied and the file's first create compiles as before.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, realpathSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { BIN } from './cli.js';
import { madeOnce } from './made-once.js';

/** The shared cache of one interpreter, made on first use in this run. */
function template(shared: string, python: string): string {
  const real = realpathSync(python);
  const dir = join(shared, `seed-cache-${createHash('sha256').update(real).digest('hex').slice(0, 12)}`);
  return madeOnce(dir, (mine) => {
    const env: NodeJS.ProcessEnv = { ...process.env, VENVKIT_CACHE_DIR: join(mine, 'cache') };
    const r = spawnSync(process.execPath, [BIN, 'create', '-q', '-p', real, join(mine, 'env')], { env, encoding: 'utf8', timeout: 300_000 });
    assert.equal(r.status, 0, `venvkit create -p ${real} (for the shared seed cache) failed:\n${r.stderr}`);
    rmSync(join(mine, 'env'), { recursive: true, force: true });
  });
}

/**
 * Fill the cache dir `cacheDir` (made if missing) with the wheels a create with pip of each of
 * `pythons` leaves in a cache, copied from this run's shared one (see above); nothing outside test/run.mjs.
 */
export function seedCache(cacheDir: string, pythons: (string | undefined)[]): void {
  const shared = process.env.VENVKIT_TEST_SHARED;
  if (!shared || !existsSync(shared)) return;
  mkdirSync(cacheDir, { recursive: true, mode: 0o700 });
  for (const python of pythons) {
    if (!python) continue;
    // cp -a: the modes, owners and (to the nanosecond) mtimes the cache's checks compare.
    const from = join(template(shared, python), 'cache', 'wheels');
    const copied = spawnSync('cp', ['-a', '--', from, `${cacheDir}/`], { encoding: 'utf8' });
    assert.equal(copied.status, 0, `copying the shared seed cache into ${cacheDir} failed:\n${copied.stderr}`);
  }
}
