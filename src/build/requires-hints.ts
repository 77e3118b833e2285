// What a project's get_requires_for_build_<kind> asked for last time, beyond build-system.requires
// (hatchling's build_editable asks for `editables`, say). Knowing it, the frontend starts the hook
// runner once, in the build env of the whole set, instead of twice (get_requires in the env of
// build-system.requires, then the build in the larger one). Only a guess: the runner checks that
// get_requires answers the same again before it builds (frontend.ts), so a stale hint costs the
// second start it would have cost anyway. Kept in <cache>/build/requires/<key>.json, the key being
// the interpreter, the requirement set, the kind and the project directory.
import { createHash } from 'node:crypto';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from '../cache/atomic.js';
import { cacheDirOrPrivate, readOwnText } from '../cache/trust.js';
import type { InterpreterInfo } from '../python/types.js';

export class RequiresHint {
  private readonly path: string;

  constructor(interpreter: InterpreterInfo, requires: readonly string[], kind: string, projectDir: string, env: NodeJS.ProcessEnv) {
    const set = [...new Set(requires.map((r) => r.trim()))].sort();
    const key = createHash('sha256').update(JSON.stringify({ v: 1, python: interpreter.path, version: interpreter.version, set, kind, projectDir })).digest('hex').slice(0, 32);
    this.path = join(cacheDirOrPrivate('build', env), 'requires', `${key}.json`);
  }

  /** The extra requirements seen last time, or undefined (none recorded, or not a list of strings). */
  read(): string[] | undefined {
    try {
      const v = JSON.parse(readOwnText(this.path) ?? 'null') as unknown;
      return Array.isArray(v) && v.length && v.every((r) => typeof r === 'string') ? (v as string[]) : undefined;
    } catch {
      return undefined;
    }
  }

  /** Remember `extra` (nothing when empty). A cache that cannot be written only loses the hint. */
  write(extra: readonly string[]): void {
    try {
      if (extra.length) writeFileAtomic(this.path, JSON.stringify(extra));
      else rmSync(this.path, { force: true });
    } catch {
      /* a hint only */
    }
  }
}
