import { parseArgs, type ParseArgsConfig } from 'node:util';
import { VenvkitError } from '../errors.js';
import { setColorMode } from './output.js';
import type { FormatControlOp } from '../index/format-control.js';
import { didYouMean } from '../did-you-mean.js';

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
    const message = (e as Error).message.replace(/^TypeError \[[A-Z_]+\]: /, '');
    const unknown = (e as { code?: string }).code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION' ? /'(-[^'=]*)/.exec(message)?.[1] : undefined;
    const guess = unknown ? didYouMean(unknown, Object.keys({ ...COMMON_OPTIONS, ...options })) : undefined;
    throw new VenvkitError('USAGE', `${command}: ${unknown ? `Unknown option '${unknown}'` : message}${guess ? ` (did you mean --${guess}?)` : ''}`, {
      hint: `Run \`venvkit ${command} --help\` for the flags it takes.`,
    });
  }
  const color = (parsed.values as { color?: unknown }).color;
  if (typeof color === 'string') setColorMode(color);
  return parsed;
}

/** --no-binary / --only-binary values in the order given (pip applies them in turn). */
export function formatOps(argv: string[]): FormatControlOp[] {
  const ops: FormatControlOp[] = [];
  for (let i = 0; i < argv.length && argv[i] !== '--'; i++) {
    const m = /^--(no-binary|only-binary)(?:=(.*))?$/.exec(argv[i]!);
    if (m) ops.push({ option: m[1] as FormatControlOp['option'], value: m[2] ?? argv[++i] ?? '', where: 'command line' });
  }
  return ops;
}

