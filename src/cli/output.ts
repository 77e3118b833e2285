import { writeSync } from 'node:fs';
import { createRequire } from 'node:module';
import { VenvkitError } from '../errors.js';
import { forCli } from './cli-text.js';

export interface Output {
  json: boolean;
  quiet: boolean;
  verbose: boolean;
  /** --log FILE: every message (notes too, and what -q hides) is also appended there. */
  log?: (line: string) => void;
}

// Output goes straight to file descriptors 1 and 2. Node's process.stdout/stderr are synchronous
// on Linux too, but building them loads the stream machinery: ~4 ms of a ~90 ms `venvkit create`.
const fellBack = [false, false, false];
let tap: ((text: string) => void) | undefined;

/** Also hand everything written to stdout and stderr to `fn` (a --log file); returns the undo. */
export function tapOutput(fn: (text: string) => void): () => void {
  tap = fn;
  return () => {
    tap = undefined;
  };
}

function emit(fd: 1 | 2, text: string): void {
  tap?.(text);
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

// Colour is decided per stream: stdout redirected to a file gets no escape codes even when stderr
// is a terminal. The order: --color always|never; else FORCE_COLOR, as Node reads it ('', 1, 2, 3 or
// true: colour, even with NO_COLOR set; any other value: none); else NO_COLOR (set and not empty:
// none); else colour when the stream is a terminal and TERM is not "dumb". The state lives on
// globalThis: each command is a bundle of its own, and the dispatcher (which prints errors) has
// another copy of this module.
export type ColorMode = 'auto' | 'always' | 'never';
export const COLOR_MODES: readonly ColorMode[] = ['auto', 'always', 'never'];
interface ColorState {
  mode: ColorMode;
  /** By file descriptor: the decision, once made. */
  decided: (boolean | undefined)[];
}
const COLOR_KEY = Symbol.for('venvkit.color');
const colorState = ((globalThis as Record<symbol, unknown>)[COLOR_KEY] ??= { mode: 'auto', decided: [] }) as ColorState;

/** --color: 'always', 'never' or 'auto' (the default). */
export function setColorMode(mode: string): void {
  if (!COLOR_MODES.includes(mode as ColorMode)) {
    throw new VenvkitError('USAGE', `--color must be one of ${COLOR_MODES.join(', ')} (got "${mode}")`, { hint: 'auto colours a stream only when it is a terminal.' });
  }
  colorState.mode = mode as ColorMode;
  colorState.decided = [];
}

/** Whether text written to `fd` is coloured (decided once per stream). */
export function colorEnabled(fd: 1 | 2, env: NodeJS.ProcessEnv = process.env): boolean {
  return (colorState.decided[fd] ??= decideColor(fd, env));
}

function decideColor(fd: 1 | 2, env: NodeJS.ProcessEnv): boolean {
  if (colorState.mode !== 'auto') return colorState.mode === 'always';
  const force = env.FORCE_COLOR;
  if (force !== undefined) return ['', '1', '2', '3', 'true'].includes(force);
  if (env.NO_COLOR) return false;
  if (env.TERM === 'dumb') return false;
  // node:tty loads node:net and the streams (~8 ms): only when something is painted.
  return (createRequire(import.meta.url)('node:tty') as typeof import('node:tty')).isatty(fd);
}

/** Painters for one stream: `paintFor(1).bold(s)` for stdout, the plain exports below for stderr. */
export function paintFor(fd: 1 | 2) {
  const paint = (code: string, s: string) => (colorEnabled(fd) ? `\x1b[${code}m${s}\x1b[0m` : s);
  return {
    red: (s: string) => paint('31', s),
    bold: (s: string) => paint('1', s),
    dim: (s: string) => paint('2', s),
    green: (s: string) => paint('32', s),
    yellow: (s: string) => paint('33', s),
    cyan: (s: string) => paint('36', s),
  };
}

const onStderr = paintFor(2);
/** Painters for text written to stderr (status, warnings, errors). */
export const { red, bold, dim, green, yellow } = onStderr;
/** Painters for text written to stdout (tables, reports). */
export const outColor = paintFor(1);

/** A line for people on stderr (status, progress, warnings); silent with -q or --json. */
export function info(out: Output, line: string): void {
  out.log?.(line);
  if (!out.quiet && !out.json) stderr(line + '\n');
}

export function warn(out: Output, line: string): void {
  out.log?.(`warning: ${line}`);
  if (!out.quiet) stderr(`${yellow('warning')}: ${line}\n`);
}

/**
 * The version of venvkit's --json formats, the first field of every one (as in pip's installation
 * report): raised when a field changes meaning or goes away, not when one is added.
 */
export const JSON_VERSION = '1';

/** The result for programs: JSON on stdout, an object whose first field is `version`. */
export function printJson<T extends object>(value: T & { version?: never }): void {
  stdout(JSON.stringify({ version: JSON_VERSION, ...value }, null, 2) + '\n');
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
