// pip's handle_mutual_excludes, the one fold behind --no-binary/--only-binary (FormatControl),
// --all-releases/--only-final (release control) and --refresh-package: a value is `:all:`, `:none:`
// or a comma list of project names, applied in order to the option's set (and the other option's).
import { canonicalizeName } from '../pep/names.js';

/**
 * Apply one value to `target` (the option's set of normalised names, or ':all:') and `other` (the
 * opposite option's, if any): `:all:` empties both and puts itself in `target`; `:none:` empties
 * `target`; a name moves into `target` (out of `other`). A list mixing them is read left to right.
 */
export function foldNames(value: string, target: Set<string>, other: Set<string> | undefined): void {
  let names = value.split(',');
  while (names.includes(':all:')) {
    other?.clear();
    target.clear();
    target.add(':all:');
    names = names.slice(names.indexOf(':all:') + 1);
    if (!names.includes(':none:')) return;
  }
  for (const name of names) {
    if (name === ':none:') {
      target.clear();
      continue;
    }
    const n = canonicalizeName(name);
    other?.delete(n);
    target.add(n);
  }
}
