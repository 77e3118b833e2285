import { parseArgs, type ParseArgsConfig } from 'node:util';
import { VenvkitError } from '../errors.js';
import { setColorMode } from './output.js';

type Options = NonNullable<ParseArgsConfig['options']>;

/** Flags every command takes. */
export const COMMON_OPTIONS = {
  quiet: { type: 'boolean', short: 'q' },
  verbose: { type: 'boolean', short: 'v' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
  color: { type: 'string' },
} as const satisfies Options;

/** util.parseArgs with venvkit's common flags, turning its errors into USAGE errors that name the command. */
export function parse<O extends Options>(command: string, argv: string[], options: O) {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, options: { ...COMMON_OPTIONS, ...options }, allowPositionals: true, strict: true });
  } catch (e) {
    throw new VenvkitError('USAGE', `${command}: ${(e as Error).message.replace(/^TypeError \[[A-Z_]+\]: /, '')}`, {
      hint: `Run \`venvkit ${command} --help\` for the flags it takes.`,
    });
  }
  const color = (parsed.values as { color?: unknown }).color;
  if (typeof color === 'string') setColorMode(color);
  return parsed;
}
