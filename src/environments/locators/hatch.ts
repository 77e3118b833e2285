// hatch: <data>/env/virtual/<project>/<id>/<env> ($HATCH_DATA_DIR, ~/.local/share/hatch, ...): envs
// are found up to three levels below env/virtual.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { hatchDir } from '../locations.js';
import { subdirs } from './list.js';
import type { Located, LocatorContext } from './types.js';

export function locateHatch(c: LocatorContext): Located {
  const root = hatchDir(c);
  const dirs: string[] = [];
  const watch: string[] = [root];
  let level = [root];
  for (let depth = 0; depth < 3 && level.length; depth++) {
    const next: string[] = [];
    for (const d of level.flatMap(subdirs)) {
      if (existsSync(join(d, 'pyvenv.cfg'))) dirs.push(d);
      else {
        next.push(d);
        watch.push(d);
      }
    }
    level = next;
  }
  return { dirs, watch };
}
