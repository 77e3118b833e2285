// Which virtual environment an interpreter path belongs to, by site.py's rule (pyvenv.cfg next to
// the executable or one level up), following links one hop at a time so that a link to an env's
// interpreter (~/bin/tool-python -> proj/.venv/bin/python) finds the env, not the base it links to.
import { existsSync, readlinkSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

export interface InterpreterRoot {
  /** The environment's root. */
  root: string;
  /** The link (or the path itself) that lies inside the environment. */
  interpreter: string;
}

export function envRootOfInterpreter(path: string): InterpreterRoot | undefined {
  let p = resolve(path);
  for (let hop = 0; hop < 16; hop++) {
    const dir = dirname(p);
    for (const d of [dir, dirname(dir)]) if (existsSync(join(d, 'pyvenv.cfg'))) return { root: d, interpreter: p };
    let target: string;
    try {
      target = readlinkSync(p);
    } catch {
      return undefined;
    }
    p = resolve(dir, target);
  }
  return undefined;
}
