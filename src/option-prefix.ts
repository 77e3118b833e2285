// optparse's long-option abbreviations (pip parses its command line and each requirements-file
// line with optparse): a whole name stands for itself, else the one name that starts with the
// prefix; several such names make the prefix ambiguous.

/**
 * What `prefix` (a long option without `--`) stands for: the whole name, the sorted names it is
 * ambiguous between, or undefined when none starts with it. `lists` are tried in turn: a later list
 * is asked only when no name of an earlier one starts with the prefix (a whole name in any wins).
 */
export function resolveLong(prefix: string, lists: readonly (readonly string[])[]): string | string[] | undefined {
  if (lists.some((l) => l.includes(prefix))) return prefix;
  for (const names of lists) {
    const found = [...new Set(names.filter((n) => n.startsWith(prefix)))].sort();
    if (found.length === 1) return found[0];
    if (found.length > 1) return found;
  }
  return undefined;
}

/** optparse's words for an ambiguous prefix: `ambiguous option: --pr (--pre, --prefer-binary?)`. */
export function ambiguousMessage(prefix: string, names: readonly string[]): string {
  return `ambiguous option: --${prefix} (${names.map((n) => `--${n}`).join(', ')}?)`;
}
