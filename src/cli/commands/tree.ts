// venvkit tree [NAME...] [--reverse]: the dependency tree of an environment, as pipdeptree shows it.
import { parse } from '../args.js';
import { printJson, type Output, stdout, outColor } from '../output.js';
import { VenvkitError } from '../../errors.js';
import { markerEnvironment } from '../../pep/markers.js';
import { locateVenv } from '../../venv/locate.js';
import { openVenv } from '../../venv/open.js';
import { recoverForRead } from '../../install/recover.js';
import { printRecovered } from '../recovered.js';
import { readDists } from '../../installed/dists.js';
import { dependencyTree, type TreeNode } from '../../installed/tree.js';

const HELP = `Usage: venvkit tree [--env DIR] [--reverse] [--depth N] [--json] [NAME...]

Show the installed distributions as a dependency tree (like pipdeptree): each one nothing else
requires at the top, under it what it requires ([required: SPEC, installed: VERSION]). With NAMEs,
only their trees. Requirements are read from each distribution's metadata, markers evaluated for
the environment's interpreter, extras not followed.

Options:
      --env DIR     the environment (default: $VIRTUAL_ENV, else the nearest .venv upwards)
  -r, --reverse     the other way up: each distribution that requires nothing at the top, under it
                    what requires it ([requires: SPEC])
  -d, --depth N     show N levels below the top ones (0: the top ones only)
      --json        the tree as JSON: {version, env, reverse, tree: [{name, installed, required, children}]}
`;

function render(nodes: TreeNode[], reverse: boolean): string {
  const lines: string[] = [];
  const walk = (n: TreeNode, prefix: string, last: boolean, top: boolean) => {
    const missing = n.installed === null;
    let text: string;
    if (top) text = `${outColor.bold(n.name)}==${n.installed}`;
    else if (reverse) text = `${n.name}==${n.installed} [requires: ${n.required}]`;
    else text = `${n.name} [required: ${n.required}, installed: ${missing ? outColor.red('?') : n.installed}]`;
    if (n.cycle) text += ' (cycle)';
    lines.push(top ? text : `${prefix}${last ? '└── ' : '├── '}${text}`);
    const inner = top ? '' : prefix + (last ? '    ' : '│   ');
    n.children.forEach((c, i) => walk(c, inner, i === n.children.length - 1, false));
  };
  for (const n of nodes) walk(n, '', true, true);
  return lines.length ? lines.join('\n') + '\n' : '';
}

export default async function tree(argv: string[]): Promise<number> {
  const { values, positionals } = parse('tree', argv, { env: { type: 'string' }, reverse: { type: 'boolean', short: 'r' }, depth: { type: 'string', short: 'd' } });
  if (values.help) {
    stdout(HELP);
    return 0;
  }
  let depth: number | undefined;
  if (values.depth !== undefined) {
    if (!/^\d+$/.test(values.depth)) throw new VenvkitError('USAGE', `tree: --depth must be a whole number of levels (got "${values.depth}")`, { hint: 'For example `--depth 1`: the top ones and what they require directly.' });
    depth = Number(values.depth);
  }
  const out: Output = { json: !!values.json, quiet: !!values.quiet, verbose: !!values.verbose };
  const venv = await openVenv(locateVenv({ explicit: values.env }).root);
  printRecovered(venv.root, await recoverForRead(venv.root));
  if (!venv.base) throw new VenvkitError('PYTHON_NOT_FOUND', `The base interpreter of ${venv.root} cannot be found, so its markers cannot be evaluated`, { hint: 'Recreate the environment with `venvkit create`.' });
  const dists = readDists(venv.paths);
  const nodes = dependencyTree(dists, markerEnvironment(venv.base), { reverse: !!values.reverse, roots: positionals, depth });
  const unknown = nodes.filter((n) => n.installed === null).map((n) => n.name);
  if (unknown.length) throw new VenvkitError('NOT_INSTALLED', `Not installed in ${venv.root}: ${unknown.join(', ')}`, { hint: 'Run `venvkit list` to see what is installed.' });
  if (out.json) printJson({ env: venv.root, reverse: !!values.reverse, tree: nodes });
  else stdout(render(nodes, !!values.reverse));
  return 0;
}
