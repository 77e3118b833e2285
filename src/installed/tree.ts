// The dependency tree of an environment (`venvkit tree`, as pipdeptree shows it): each
// distribution nothing else requires at the top, under it what it requires (Requires-Dist without
// extras, markers evaluated for the env), recursively; `reverse`: each distribution that requires
// nothing at the top, under it what requires it. A dependency that is not installed is a leaf with
// installed: null; one already on the path above (a cycle) is a leaf with cycle: true.
import type { MarkerEnvironment } from '../pep/markers.js';
import { canonicalizeName } from '../pep/names.js';
import type { DistInfo } from './dists.js';
import { tryDirectDependencies } from './show.js';

export interface TreeNode {
  name: string;
  /** The installed version (null: not installed). */
  installed: string | null;
  /** The requirement's specifier as written (forward: what the parent asks for; reverse: what this asks of the parent); '' at the top. */
  required: string;
  cycle?: true;
  children: TreeNode[];
}

interface Edge {
  from: string;
  to: string;
  spec: string;
  toName: string;
}

/**
 * The tree of `dists` (readDists), from `roots` when given (names; else the top ones). `depth`
 * (as pipdeptree's --depth): levels shown below the top ones (0: the top ones only).
 */
export function dependencyTree(dists: readonly DistInfo[], env: MarkerEnvironment, options: { reverse?: boolean; roots?: readonly string[]; depth?: number } = {}): TreeNode[] {
  const byKey = new Map(dists.map((d) => [canonicalizeName(d.name), d]));
  const edges: Edge[] = [];
  for (const d of dists) {
    const from = canonicalizeName(d.name);
    const seen = new Set<string>();
    for (const r of tryDirectDependencies(d, env) ?? []) {
      const to = canonicalizeName(r.name);
      if (seen.has(to)) continue;
      seen.add(to);
      edges.push({ from, to, spec: r.url ? `@ ${r.url}` : r.specifier.toString() || 'Any', toName: r.name });
    }
  }
  const down = (key: string) => edges.filter((e) => e.from === key);
  const up = (key: string) => edges.filter((e) => e.to === key && byKey.has(e.from));
  const sortNodes = (a: TreeNode, b: TreeNode) => (canonicalizeName(a.name) < canonicalizeName(b.name) ? -1 : 1);
  const build = (key: string, name: string, required: string, path: Set<string>): TreeNode => {
    const d = byKey.get(key);
    const node: TreeNode = { name: d?.name ?? name, installed: d?.version ?? null, required, children: [] };
    if (!d) return node;
    if (path.has(key)) return { ...node, cycle: true };
    const next = new Set(path).add(key);
    node.children = options.reverse
      ? up(key).map((e) => build(e.from, e.from, e.spec, next))
      : down(key).map((e) => build(e.to, e.toName, e.spec, next));
    node.children.sort(sortNodes);
    return node;
  };
  let roots: string[];
  if (options.roots?.length) roots = options.roots.map(canonicalizeName);
  else if (options.reverse) roots = [...byKey.keys()].filter((k) => down(k).every((e) => !byKey.has(e.to)));
  else roots = [...byKey.keys()].filter((k) => up(k).length === 0);
  const trees = roots.map((k) => build(k, options.roots?.find((n) => canonicalizeName(n) === k) ?? k, '', new Set()));
  if (!options.roots?.length) {
    // Distributions in a cycle with no way in from the top (a requires b requires a): from the
    // first of them in name order, until every one is shown.
    const shown = new Set<string>();
    const mark = (n: TreeNode) => {
      shown.add(canonicalizeName(n.name));
      n.children.forEach(mark);
    };
    trees.forEach(mark);
    for (const k of [...byKey.keys()].sort()) {
      if (shown.has(k)) continue;
      const t = build(k, k, '', new Set());
      mark(t);
      trees.push(t);
    }
  }
  const cut = (n: TreeNode, level: number): TreeNode => ({ ...n, children: level >= options.depth! ? [] : n.children.map((c) => cut(c, level + 1)) });
  return (options.depth === undefined ? trees : trees.map((t) => cut(t, 0))).sort(sortNodes);
}
