// "Did you mean --X?" for an unknown option: the known name nearest by edit distance.
/** The known long option nearest to `given` (edit distance at most 2, or a prefix of it), or undefined. */
export function didYouMean(given: string, known: string[]): string | undefined {
  const g = given.replace(/^-+/, '');
  if (!given.startsWith('--') || g.length < 2) return undefined;
  let best: string | undefined;
  let bestD = Infinity;
  for (const k of known) {
    const d = k.startsWith(g) ? 1 : editDistance(g, k);
    if (d < bestD || (d === bestD && best !== undefined && k < best)) { best = k; bestD = d; }
  }
  return best !== undefined && bestD <= Math.max(2, Math.floor(g.length / 4)) ? best : undefined;
}

/** Levenshtein distance (insert, delete, substitute one character), two rows. */
export function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) cur[j] = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    prev = cur;
  }
  return prev[b.length]!;
}
