// What checking cache entries costs, alone: places every file of the given wheels' cache entries
// into an empty directory through the installer's Linker, as a warm install does, with the check
// (entries as found in the cache) or without it (entries marked as just unpacked by this process,
// which the installer does not check again). Prints the placing time in ms. Run with tsx by
// bench/lib/tasks.mjs (task cache-check-jupyter).
// Usage: node --import tsx bench/lib/check-cost.ts MODE checked|unchecked ENTRIES_ROOT OUT NAME...
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Linker, type LinkMode } from '../../src/install/link.js';
import type { CachedWheel } from '../../src/cache/wheels.js';

const [mode, checked, root, out, ...names] = process.argv.slice(2);
const want = new Set(names);
const wheels: CachedWheel[] = [];
for (const sha of readdirSync(root!)) {
  if (!/^[0-9a-f]{64}$/.test(sha)) continue;
  const manifest = JSON.parse(readFileSync(join(root!, sha, 'wheel.json'), 'utf8'));
  if (!want.has(manifest.normalizedName)) continue;
  wheels.push({ filesDir: join(root!, sha, 'files'), manifest, unpacked: false, archive: '', verified: checked !== 'checked', store: { scratch: '' } });
}
const linker = new Linker(mode as LinkMode, wheels);
let i = 0;
const t0 = process.hrtime.bigint();
for (const w of wheels) for (const f of w.manifest.files) linker.place(join(w.filesDir, f.path), join(out!, String(i++)), f.exec);
const ms = Number(process.hrtime.bigint() - t0) / 1e6;
process.stdout.write(JSON.stringify({ ms, files: i, wheels: wheels.length, checked: linker.checked, mode: linker.mode }) + '\n');
