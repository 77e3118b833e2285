// venvkit check: installed distributions whose dependencies are missing or conflict (pip check).
import { pipOptionNamesOf } from '../pip-option-names.js';
import { generalEnv, PIP_GENERAL_LOCAL, PIP_GENERAL_LOCAL_HELP, withGeneral } from '../pip-general-local.js';
import { parse } from '../args.js';
import { printJson, stderr, stdout } from '../output.js';
import { VenvkitError } from '../../errors.js';
import { markerEnvironment } from '../../pep/markers.js';
import { locateVenv } from '../../venv/locate.js';
import { openVenv } from '../../venv/open.js';
import { recoverForRead } from '../../install/recover.js';
import { printRecovered } from '../recovered.js';
import { readDists } from '../../installed/dists.js';
import { checkDists, checkLines, unparsableDists } from '../../installed/check.js';

const HELP = `Usage: venvkit check [--env DIR] [--json]

Verify that every installed distribution has its dependencies installed in compatible versions
(markers evaluated for the environment's interpreter), printing what \`pip check\` prints. Exits 1
when there are problems, or when a distribution's metadata cannot be parsed.
${PIP_GENERAL_LOCAL_HELP.replace('COMMAND', 'check')}`;

export default async function check(argv: string[]): Promise<number> {
  const { values, argv: full } = parse('check', argv, { env: { type: 'string' }, ...PIP_GENERAL_LOCAL }, pipOptionNamesOf('check'));
  if (values.help) {
    stdout(HELP);
    return 0;
  }
  return withGeneral('check', values, full, async () => {
    const venv = await openVenv(locateVenv({ explicit: generalEnv('check', values) }).root);
    // A transaction a killed venvkit left is finished first (or this fails saying how to fix it).
    printRecovered(venv.root, await recoverForRead(venv.root));
    if (!venv.base) throw new VenvkitError('PYTHON_NOT_FOUND', `The base interpreter of ${venv.root} cannot be found, so its markers cannot be evaluated`, { hint: 'Recreate the environment with `venvkit create`.' });
    // What pip check prints, in its order (the order pip finds the distributions in).
    const dists = readDists(venv.paths, { order: 'pip' });
    const problems = checkDists(dists, markerEnvironment(venv.base));
    const unparsable = unparsableDists(dists);
    const failed = problems.length > 0 || unparsable.length > 0;
    if (values.json) printJson({ env: venv.root, problems, unparsable });
    else {
      for (const u of unparsable) stderr(`WARNING: Error parsing requirements for ${u.name}: ${u.error}\n`);
      if (!failed) stdout('No broken requirements found.\n');
      else if (problems.length) stdout(checkLines(problems).join('\n') + '\n');
    }
    return failed ? 1 : 0;
  });
}
