// The floor of placing cached files (task cache-check-jupyter): the same files of the same cache
// entries, in the same order, put at the same places (OUT/0, OUT/1, ...) by a plain Node script with
// one synchronous copyFileSync or linkSync each, timed in-process around the placing only, as
// check-cost.ts times venvkit's Linker. Checked like a peer: it must place as many files as the Linker.
import { discard } from './setup.mjs';
import { mkdirSync } from 'node:fs';
import { run, failureMessage } from './exec.mjs';

const SCRIPT = `
const { readdirSync, readFileSync, copyFileSync, linkSync, constants } = require('node:fs');
const { join } = require('node:path');
const [mode, root, out, ...names] = process.argv.slice(1);
const want = new Set(names);
const files = [];
for (const sha of readdirSync(root)) {
  if (!/^[0-9a-f]{64}$/.test(sha)) continue;
  const m = JSON.parse(readFileSync(join(root, sha, 'wheel.json'), 'utf8'));
  if (want.has(m.normalizedName)) for (const f of m.files) files.push(join(root, sha, 'files', f.path));
}
let i = 0;
const t0 = process.hrtime.bigint();
if (mode === 'hardlink') for (const f of files) linkSync(f, join(out, String(i++)));
else for (const f of files) copyFileSync(f, join(out, String(i++)), constants.COPYFILE_EXCL);
const ms = Number(process.hrtime.bigint() - t0) / 1e6;
process.stdout.write(JSON.stringify({ ms, files: i }) + '\\n');
`;

/** What the Linker does that the floor does not (for rows over 2x without a breakdown). */
export const PLACE_FLOOR_WHY = {
  copy: 'work the floor does not do (not timed one by one): hashing every file as it is copied and comparing with the entry\'s RECORD; setting each file\'s mode',
  hardlink: 'work the floor does not do (not timed one by one): hashing every linked file afterwards and comparing with the entry\'s RECORD',
};

/** The floor side of the cache-check task for `mode` ('copy' or 'hardlink'); its result goes into `results` like the Linker's. */
export function placeFloorSide(key, mode, { root, out, names, missing, results }) {
  return {
    key, missing,
    label: mode === 'copy' ? 'copyFileSync of each file (plain Node, in-process)' : 'linkSync of each file (plain Node, in-process)',
    prepare: () => { discard(out); mkdirSync(out, { recursive: true }); },
    exec: () => {
      const r = run(process.execPath, ['-e', SCRIPT, mode, root, out, ...names()]);
      if (r.status !== 0 || r.error) return { ok: false, message: failureMessage(r) };
      const got = JSON.parse(r.stdout);
      results.set(key, got);
      return { ok: true, ms: got.ms };
    },
  };
}
