// venvkit check: installed distributions whose dependencies are missing or conflict (pip check).
import { parse } from '../args.js';
import { printJson, stdout } from '../output.js';
import { VenvkitError } from '../../errors.js';
import { markerEnvironment } from '../../pep/markers.js';
import { locateVenv } from '../../venv/locate.js';
import { openVenv } from '../../venv/open.js';
import { readDists } from '../../pip/dists.js';
import { checkDists, checkLines } from '../../pip/check.js';

const HELP = `Usage: venvkit check [--env DIR] [--json]

Verify that every installed distribution has its dependencies installed in compatible versions
(markers evaluated for the environment's interpreter). Exits 1 when there are problems.
`;

export default async function check(argv: string[]): Promise<number> {
  const { values } = parse('check', argv, { env: { type: 'string' } });
  if (values.help) {
    stdout(HELP);
    return 0;
  }
  const venv = await openVenv(locateVenv({ explicit: values.env }).root);
  if (!venv.base) throw new VenvkitError('PYTHON_NOT_FOUND', `The base interpreter of ${venv.root} cannot be found, so its markers cannot be evaluated`, { hint: 'Recreate the environment with `venvkit create`.' });
  const problems = checkDists(readDists(venv.paths), markerEnvironment(venv.base));
  if (values.json) printJson({ env: venv.root, problems });
  else if (problems.length === 0) stdout('No broken requirements found.\n');
  else stdout(checkLines(problems).join('\n') + '\n');
  return problems.length ? 1 : 0;
}
