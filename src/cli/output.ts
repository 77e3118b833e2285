import { VenvkitError } from '../errors.js';

export interface Output {
  json: boolean;
  quiet: boolean;
  verbose: boolean;
}

const useColor = () => process.stderr.isTTY && !process.env.NO_COLOR;
const paint = (code: string, s: string) => (useColor() ? `\x1b[${code}m${s}\x1b[0m` : s);
export const red = (s: string) => paint('31', s);
export const bold = (s: string) => paint('1', s);
export const dim = (s: string) => paint('2', s);
export const green = (s: string) => paint('32', s);
export const yellow = (s: string) => paint('33', s);

/** A line for people on stderr (status, progress, warnings); silent with -q or --json. */
export function info(out: Output, line: string): void {
  if (!out.quiet && !out.json) process.stderr.write(line + '\n');
}

export function warn(out: Output, line: string): void {
  if (!out.quiet) process.stderr.write(`${yellow('warning')}: ${line}\n`);
}

/** The result for programs: JSON on stdout. */
export function printJson(value: unknown): void {
  process.stdout.write(JSON.stringify(value, null, 2) + '\n');
}

/** Print an error (as JSON on stdout with --json, else for people on stderr) and return its exit code. */
export function reportError(e: unknown, json: boolean): number {
  const err = e instanceof VenvkitError ? e : new VenvkitError('INTERNAL', (e as Error)?.stack ?? String(e), { hint: 'This is a bug in venvkit; please report it with the command you ran.' });
  if (json) {
    printJson({ error: err.toJSON() });
  } else {
    process.stderr.write(`${red('error')}: ${err.message}\n`);
    if (err.hint) process.stderr.write(`${dim('hint')}: ${err.hint}\n`);
  }
  return err.exitCode;
}
