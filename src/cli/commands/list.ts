// venvkit list: the distributions installed in an env (pip list, plus location and installer).
import { parse } from '../args.js';
import { printJson, type Output, stdout } from '../output.js';
import { locateVenv } from '../../venv/locate.js';
import { openVenv } from '../../venv/open.js';
import { recoverForRead } from '../../install/recover.js';
import { printRecovered } from '../recovered.js';
import { readDists } from '../../pip/dists.js';

const HELP = `Usage: venvkit list [--env DIR] [--json] [-v]

List the distributions installed in an environment.

Options:
      --env DIR   the environment (default: $VIRTUAL_ENV, else the nearest .venv upwards)
  -v, --verbose   also show each one's location and installer
      --json      print [{name, version, location, installer}] as JSON
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
  const dists = readDists(venv.paths).sort((a, b) => (a.name.toLowerCase() < b.name.toLowerCase() ? -1 : 1));
  if (out.json) {
    printJson(dists.map((d) => ({ name: d.name, version: d.version, location: d.location, installer: d.installer })));
    return 0;
  }
  if (dists.length === 0) return 0;
  const head = out.verbose ? ['Package', 'Version', 'Location', 'Installer'] : ['Package', 'Version'];
  const rows = dists.map((d) => (out.verbose ? [d.name, d.version, d.location, d.installer] : [d.name, d.version]));
  stdout(table([head, ...rows]));
  return 0;
}
