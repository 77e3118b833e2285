import { parseArgs, type ParseArgsConfig } from 'node:util';
import { VenvkitError } from '../errors.js';
import { setColorMode } from './output.js';
import type { FormatControlOp } from '../index/format-control.js';
import { didYouMean } from '../did-you-mean.js';
import { expandAbbreviations } from './abbrev.js';

type Options = NonNullable<ParseArgsConfig['options']>;

/** Flags every command takes. */
export const COMMON_OPTIONS = {
  quiet: { type: 'boolean', short: 'q' },
  verbose: { type: 'boolean', short: 'v' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
  color: { type: 'string' },
} as const satisfies Options;

/**
 * A long option shortened to a unique prefix, written out in full, as pip's optparse takes it on
 * every command (and Python's argparse, which `venv` uses): a whole name stands for itself, else
 * the one name that starts with the prefix; several are an error naming them in optparse's words.
 * `pip`: the names of the pip command this one mirrors (pip-option-names.ts), matched first so a
 * prefix means what it means to pip; one that stands for a pip option this command does not take is
 * an error saying so. venvkit's own commands match their own names only.
 */
function expand(command: string, argv: string[], table: Options, pip: readonly string[]): string[] {
  const shorts = new Set(Object.values(table).filter((o) => o.type === 'string' && o.short).map((o) => o.short!));
  const out = expandAbbreviations(argv, {
    pip, own: Object.keys(table), command,
    takesValue: (n) => table[n]?.type === 'string',
    shortTakesValue: (c) => shorts.has(c),
  });
  for (let i = 0; i < out.length && argv[i] !== '--'; i++) {
    const name = /^--([^=]*)/.exec(out[i]!)?.[1];
    if (name === undefined) continue;
    if (out[i] !== argv[i] && !Object.hasOwn(table, name)) {
      throw new VenvkitError('USAGE', `${command}: ${argv[i]!.split('=', 1)[0]} stands for pip's --${name}, which venvkit ${command} does not take`, {
        hint: `Run \`venvkit ${command} --help\` for the flags it takes.`,
      });
    }
    // pip's other spelling of an option (--log-file for --log): one option, the last given counts.
    const alias = (table[name] as { aliasOf?: string } | undefined)?.aliasOf;
    if (alias) out[i] = `--${alias}${out[i]!.slice(2 + name.length)}`;
  }
  return out;
}

/**
 * util.parseArgs with venvkit's common flags and optparse's abbreviations (`expand`), turning its
 * errors into USAGE errors that name the command. `argv` of the answer has the abbreviations
 * written out, and an option marked `aliasOf: NAME` in the table written as --NAME (its value is
 * NAME's).
 */
export function parse<O extends Options>(command: string, argv: string[], options: O, pip: readonly string[] = []) {
  let parsed;
  const table = { ...COMMON_OPTIONS, ...options };
  const args = expand(command, argv, table, pip);
  try {
    parsed = parseArgs({ args, options: table, allowPositionals: true, strict: true });
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
  // argv with every abbreviation written out, for what reads the options' order.
  return Object.assign(parsed, { argv: args });
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

