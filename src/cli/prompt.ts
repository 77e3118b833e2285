// Asking people a question on the terminal, as pip does: the question on stderr, one line read
// from stdin (whatever it is: pip reads a pipe too), asked again until the answer is one of the
// expected ones. A closed stdin, or PIP_NO_INPUT / --no-input, is an error rather than a guess.
import { readSync } from 'node:fs';
import { VenvkitError, errnoCode } from '../errors.js';
import { stderr } from './output.js';

/** One line from stdin (without its newline), or undefined at end of input. Blocks. */
function readLine(): string | undefined {
  const bytes: number[] = [];
  const one = Buffer.alloc(1);
  for (;;) {
    let n: number;
    try {
      n = readSync(0, one, 0, 1, null);
    } catch (e) {
      const code = errnoCode(e);
      if (code === 'EAGAIN') {
        Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 20); // a non-blocking stdin: wait a little
        continue;
      }
      if (code === 'EOF') return bytes.length ? Buffer.from(bytes).toString('utf8') : undefined;
      throw e;
    }
    if (n === 0) return bytes.length ? Buffer.from(bytes).toString('utf8') : undefined;
    if (one[0] === 0x0a) return Buffer.from(bytes).toString('utf8').replace(/\r$/, '');
    bytes.push(one[0]!);
  }
}

/**
 * Ask `question` (e.g. "Proceed (Y/n)? ") until the answer, lower-cased and trimmed, is one of
 * `options` ('' for a bare Enter). `noInput`: asking is not allowed (PIP_NO_INPUT, --no-input).
 */
export function ask(question: string, options: string[], what: { noInput?: boolean; hint: string }): string {
  for (;;) {
    if (what.noInput) throw new VenvkitError('NO_INPUT', `No input was expected ($PIP_NO_INPUT or --no-input set); question: ${question.trim()}`, { hint: what.hint });
    stderr(question);
    const line = readLine();
    if (line === undefined) {
      stderr('\n');
      throw new VenvkitError('NO_INPUT', `No answer to "${question.trim()}": stdin ended`, { hint: what.hint });
    }
    const answer = line.trim().toLowerCase();
    if (options.includes(answer)) return answer;
    stderr(`Your response ('${answer}') was not one of the expected responses: ${options.join(', ')}\n`);
  }
}
