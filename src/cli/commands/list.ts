// venvkit list: the distributions installed in an env (pip list, plus location and installer).
import { parse } from '../args.js';
import { printJson, type Output, stdout } from '../output.js';
import { locateVenv } from '../../venv/locate.js';
import { openVenv } from '../../venv/open.js';
import { recoverForRead } from '../../install/recover.js';
import { printRecovered } from '../recovered.js';
import { readDists } from '../../installed/dists.js';
import { editableLocation } from '../../installed/editable-info.js';

const HELP = `Usage: venvkit list [--env DIR] [--json] [-v]

List the distributions installed in an environment.

Options:
      --env DIR   the environment (default: $VIRTUAL_ENV, else the nearest .venv upwards)
  -v, --verbose   also show each one's location and installer
      --json      print [{name, version, location, installer}] as JSON (and
                  editable_project_location for editables)

An "Editable project location" column appears when something is installed editable (as pip list).
`;

export function table(rows: string[][]): string {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  const line = (r: string[]) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]!))).join(' ').trimEnd();
  return [line(rows[0]!), widths.map((w) => '-'.repeat(w)).join(' '), ...rows.slice(1).map(line)].join('\n') + '\n';
}

export default async function list(argv: string[]): Promise<number> {
  const { values } = parse('list', argv, { env: { type: 'string' } });
  if (values.help) {
    stdout(HELP);
    return 0;
  }
  const out: Output = { json: !!values.json, quiet: !!values.quiet, verbose: !!values.verbose };
  const venv = await openVenv(locateVenv({ explicit: values.env }).root, { probe: false });
  // A transaction a killed venvkit left is finished first (or this fails saying how to fix it).
  printRecovered(venv.root, await recoverForRead(venv.root));
  // pip sorts by the normalised name (readDists' order).
  const dists = readDists(venv.paths).map((d) => ({ d, editable: editableLocation(d) }));
  if (out.json) {
    printJson({ env: venv.root, packages: dists.map(({ d, editable }) => ({ name: d.name, version: d.version, location: d.location, installer: d.installer, ...(editable !== undefined ? { editable_project_location: editable } : {}) })) });
    return 0;
  }
  if (dists.length === 0) return 0;
  const withEditables = dists.some((x) => x.editable !== undefined);
  const head = ['Package', 'Version', ...(withEditables ? ['Editable project location'] : []), ...(out.verbose ? ['Location', 'Installer'] : [])];
  const rows = dists.map(({ d, editable }) => [d.name, d.version, ...(withEditables ? [editable ?? ''] : []), ...(out.verbose ? [d.location, d.installer] : [])]);
  stdout(table([head, ...rows]));
  return 0;
}
