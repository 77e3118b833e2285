// pip's parser is optparse, which takes any unique prefix of a long option ("--no-depe" for
// --no-dependencies, "--upgrade-strat") and refuses an ambiguous one naming the candidates. This
// expands such prefixes in argv before util.parseArgs (which knows only whole names) sees it.
// Matching is against pip's own option names first, so a prefix means what it means to pip even
// where venvkit has more options; venvkit-only options (--env, --json...) are matched only when no
// pip option is.
import { VenvkitError } from '../errors.js';
import { ambiguousMessage, resolveLong } from '../option-prefix.js';

export interface LongOptions {
  /** pip's long option names for the command (without `--`), aliases included. */
  pip: readonly string[];
  /** venvkit's own long option names (those pip also has may be repeated here). */
  own: readonly string[];
  /** Whether a long option (a whole name from either list) takes a value. */
  takesValue(name: string): boolean;
  /** Whether a short option (one character) takes a value. */
  shortTakesValue(ch: string): boolean;
  /** For errors: "install". */
  command: string;
}

/** The whole name `prefix` stands for, or undefined when no option starts with it; throws USAGE when ambiguous. */
export function matchLong(prefix: string, options: Pick<LongOptions, 'pip' | 'own'>, command: string): string | undefined {
  const got = resolveLong(prefix, [options.pip, options.own]);
  if (!Array.isArray(got)) return got;
  throw new VenvkitError('USAGE', `${command}: ${ambiguousMessage(prefix, got)}`, { hint: 'Write more of the option\'s name.' });
}

/**
 * argv with each long option written out in full (up to a `--`); values of options that take one
 * are skipped, as optparse reads them. Unknown options are left for the parser to report.
 */
export function expandAbbreviations(argv: readonly string[], options: LongOptions): string[] {
  const out = [...argv];
  for (let i = 0; i < out.length; i++) {
    const arg = out[i]!;
    if (arg === '--') break;
    if (arg.startsWith('--')) {
      const eq = arg.indexOf('=');
      const prefix = eq === -1 ? arg.slice(2) : arg.slice(2, eq);
      const name = matchLong(prefix, options, options.command);
      if (name === undefined) continue;
      out[i] = `--${name}${eq === -1 ? '' : arg.slice(eq)}`;
      if (eq === -1 && options.takesValue(name)) i++;
    } else if (arg.startsWith('-') && arg.length > 1) {
      // A cluster of short options (-qU); the first that takes a value takes the rest, or the next argument.
      for (let j = 1; j < arg.length; j++) {
        if (!options.shortTakesValue(arg[j]!)) continue;
        if (j === arg.length - 1) i++;
        break;
      }
    }
  }
  return out;
}
