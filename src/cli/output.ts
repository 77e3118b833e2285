import { writeSync } from 'node:fs';
import { createRequire } from 'node:module';
import { VenvkitError } from '../errors.js';
import { forCli } from './cli-text.js';

export interface Output {
  json: boolean;
  quiet: boolean;
  verbose: boolean;
}

// Output goes straight to file descriptors 1 and 2. Node's process.stdout/stderr are synchronous
// on Linux too, but building them loads the stream machinery: ~4 ms of a ~90 ms `venvkit create`.
const fellBack = [false, false, false];

function emit(fd: 1 | 2, text: string): void {
  const data = Buffer.from(text, 'utf8');
  let done = 0;
  if (!fellBack[fd]) {
    try {
      while (done < data.length) done += writeSync(fd, data, done);
      return;
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'EPIPE') return; // the reader is gone (e.g. `venvkit list | head`)
      if (code !== 'EAGAIN') throw e;
      fellBack[fd] = true; // a non-blocking pipe that is full: the stream waits for it
    }
  }
  (fd === 1 ? process.stdout : process.stderr).write(data.subarray(done));
}

/** Writes text to stdout. */
export const stdout = (text: string): void => emit(1, text);
/** Writes text to stderr. */
export const stderr = (text: string): void => emit(2, text);

// node:tty loads node:net and the streams (~8 ms): only when something is painted.
const useColor = () => !process.env.NO_COLOR && (createRequire(import.meta.url)('node:tty') as typeof import('node:tty')).isatty(2);
const paint = (code: string, s: string) => (useColor() ? `\x1b[${code}m${s}\x1b[0m` : s);
export const red = (s: string) => paint('31', s);
export const bold = (s: string) => paint('1', s);
export const dim = (s: string) => paint('2', s);
export const green = (s: string) => paint('32', s);
export const yellow = (s: string) => paint('33', s);

/** A line for people on stderr (status, progress, warnings); silent with -q or --json. */
export function info(out: Output, line: string): void {
  if (!out.quiet && !out.json) stderr(line + '\n');
}

export function warn(out: Output, line: string): void {
  if (!out.quiet) stderr(`${yellow('warning')}: ${line}\n`);
}

/** The result for programs: JSON on stdout. */
export function printJson(value: unknown): void {
  stdout(JSON.stringify(value, null, 2) + '\n');
}

/** Print an error (as JSON on stdout with --json, else for people on stderr) and return its exit code. */
export function reportError(e: unknown, json: boolean): number {
  const err = e instanceof VenvkitError ? e : new VenvkitError('INTERNAL', (e as Error)?.stack ?? String(e), { hint: 'This is a bug in venvkit; please report it with the command you ran.' });
  // The library's words for options become the CLI's flags (src/cli/cli-text.ts).
  const message = forCli(err.message);
  const hint = forCli(err.hint);
  if (json) {
    printJson({ error: { code: err.code, message, ...(hint ? { hint } : {}) } });
  } else {
    stderr(`${red('error')}: ${message}\n`);
    if (hint) stderr(`${dim('hint')}: ${hint}\n`);
  }
  return err.exitCode;
}
