// pip's --log FILE: a verbose log of the run appended to FILE (created if missing), each line
// stamped with the time, as pip writes it: the command, every message and note (also those -q
// hides), and the error that ended the run.
import { appendFileSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { VenvkitError } from '../errors.js';

export interface RunLog {
  line(text: string): void;
  error(e: unknown): void;
  close(): void;
}

export function openLog(path: string, argv: string[]): RunLog {
  const write = (text: string) => {
    const stamp = new Date().toISOString();
    appendFileSync(path, text.split('\n').map((l) => `${stamp} ${l}\n`).join(''));
  };
  try {
    mkdirSync(dirname(path), { recursive: true });
    write(`venvkit ${argv.map((a) => (/^[\w@%+=:,./-]+$/.test(a) ? a : JSON.stringify(a))).join(' ')}`);
  } catch (e) {
    throw new VenvkitError('BAD_PATH', `cannot write the log file ${path}: ${(e as Error).message}`, { cause: e, hint: 'Give --log a file in a directory you can write.' });
  }
  return {
    line: write,
    error: (e) => write(`error: ${e instanceof VenvkitError ? `${e.message}${e.hint ? `\nhint: ${e.hint}` : ''}` : (e as Error)?.stack ?? String(e)}`),
    close: () => write('done'),
  };
}
