// The floor of the in-process no-op sync (library sync() of a jupyter pylock.toml into an env that
// already matches it): reading the lock and the names of the env's .dist-info directories, in the
// suite's own process, and finding every locked package among them at its version. The least a
// no-op sync must read to know there is nothing to do.
import { readFileSync, readdirSync } from 'node:fs';

const norm = (name) => name.toLowerCase().replace(/[-_.]+/g, '-');

/** The [[packages]] of a pylock.toml as `name==version` (names normalized; pure). */
export function lockPins(text) {
  return [...text.matchAll(/^\[\[packages\]\]\r?\nname = "([^"]+)"\r?\nversion = "([^"]+)"/gm)].map((m) => `${norm(m[1])}==${m[2]}`);
}

/** `name==version` of each `NAME-VERSION.dist-info` among directory names (names normalized; pure). */
export function distInfoPins(names) {
  const out = [];
  for (const n of names) {
    const m = /^(.+)-([^-]+)\.dist-info$/.exec(n);
    if (m) out.push(`${norm(m[1])}==${m[2]}`);
  }
  return out;
}

/** The locked pins not among the installed ones (pure): empty when the env matches the lock. */
export function missingPins(lockText, names) {
  const have = new Set(distInfoPins(names));
  return lockPins(lockText).filter((p) => !have.has(p));
}

/** What sync() does beyond the floor (for results.md). */
export const NOOP_SYNC_FLOOR_WHY = 'work the floor does not do (not timed one by one): opening the env (pyvenv.cfg, the base interpreter\'s cached facts), looking for an interrupted install\'s journal, the lock parsed whole as TOML with each package\'s markers evaluated for that interpreter, and the installed names planned against it';

/**
 * The floor side: `paths()` gives { lock, sitePackages }. Each run reads both and matches them; the
 * result is kept for the check (a floor that does not find the env matching is void).
 */
export function noopSyncFloorSide(key, paths, missing) {
  const state = { lastMissing: null, pins: 0 };
  return {
    key, label: 'read the lock and the env\'s .dist-info names (in-process)', missing, state,
    exec: () => {
      try {
        const { lock, sitePackages } = paths();
        const t0 = process.hrtime.bigint();
        const text = readFileSync(lock, 'utf8');
        const names = readdirSync(sitePackages);
        const miss = missingPins(text, names);
        const ms = Number(process.hrtime.bigint() - t0) / 1e6;
        state.lastMissing = miss;
        state.pins = lockPins(text).length;
        return { ok: true, ms };
      } catch (e) {
        return { ok: false, message: e.message };
      }
    },
  };
}

/** Null when the floor's last run found every locked package installed, else why its ratio is void. */
export function checkNoopSyncFloor(state) {
  if (state.lastMissing === null) return 'the floor has not run';
  if (state.pins === 0) return 'the floor found no [[packages]] in the lock';
  if (state.lastMissing.length) return `the floor did not find ${state.lastMissing.length} locked package(s) installed: ${state.lastMissing.slice(0, 3).join(', ')}`;
  return null;
}
