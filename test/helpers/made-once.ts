// Things made once per test run in VENVKIT_TEST_SHARED (test/run.mjs) and copied by the test files
// that use them (real-pip.ts: a pip 26.2 env; seed-cache.ts: a seeded venvkit cache).
import { existsSync, renameSync, rmSync } from 'node:fs';

/**
 * `dir`, made by `make(mine)` unless it exists. Test files run concurrently, so it is made under a
 * private name `mine` and renamed into place; a loser of the race drops its own.
 */
export function madeOnce(dir: string, make: (mine: string) => void): string {
  if (existsSync(dir)) return dir;
  const mine = `${dir}.tmp-${process.pid}`;
  rmSync(mine, { recursive: true, force: true });
  make(mine);
  try {
    renameSync(mine, dir);
  } catch {
    rmSync(mine, { recursive: true, force: true });
  }
  return dir;
}
