// venvkit freeze: installed distributions as requirement lines (pip freeze's format).
import { pipOptionNamesOf } from '../pip-option-names.js';
import { parse } from '../args.js';
import { locateVenv } from '../../venv/locate.js';
import { openVenv } from '../../venv/open.js';
import { recoverForRead } from '../../install/recover.js';
import { printRecovered } from '../recovered.js';
import { freeze as freezeLines } from '../../installed/freeze.js';
import { printJson, stdout } from '../output.js';

const HELP = `Usage: venvkit freeze [--env DIR] [--all]

Print the installed distributions in requirements format (name==version, name @ URL for what
was installed from a file or URL, -e PATH or -e git+URL@COMMIT#egg=NAME for editables, as pip 26
prints them), so \`venvkit freeze > requirements.txt\` reinstalls the same set.

Options:
      --env DIR   the environment (default: $VIRTUAL_ENV, else the nearest .venv upwards)
      --all       also list pip, setuptools, wheel and distribute
`;

export default async function freeze(argv: string[]): Promise<number> {
  const { values } = parse('freeze', argv, { env: { type: 'string' }, all: { type: 'boolean' } }, pipOptionNamesOf('freeze'));
  if (values.help) {
    stdout(HELP);
    return 0;
  }
  const venv = await openVenv(locateVenv({ explicit: values.env }).root, { probe: false });
  // A transaction a killed venvkit left is finished first (or this fails saying how to fix it).
  printRecovered(venv.root, await recoverForRead(venv.root));
  const lines = freezeLines(venv, { all: !!values.all });
  if (values.json) printJson({ env: venv.root, requirements: lines });
  else if (lines.length) stdout(lines.join('\n') + '\n');
  return 0;
}
