// venvkit freeze: installed distributions as requirement lines (pip freeze's format).
import { pipOptionNamesOf } from '../pip-option-names.js';
import { generalEnv, PIP_GENERAL_LOCAL, PIP_GENERAL_LOCAL_HELP, withGeneral } from '../pip-general-local.js';
import { parse } from '../args.js';
import { VenvkitError } from '../../errors.js';
import { locateVenv } from '../../venv/locate.js';
import { openVenv } from '../../venv/open.js';
import { recoverForRead } from '../../install/recover.js';
import { printRecovered } from '../recovered.js';
import { freezeEntries } from '../../installed/freeze.js';
import { type Output, printJson, stderr, stdout, warn } from '../output.js';

const HELP = `Usage: venvkit freeze [--env DIR] [options]

Print the installed distributions in requirements format (name==version, name @ URL for what
was installed from a file or URL, -e PATH or -e git+URL@COMMIT#egg=NAME for editables, as pip 26
prints them), so \`venvkit freeze > requirements.txt\` reinstalls the same set.

Options:
      --env DIR            the environment (default: $VIRTUAL_ENV, else the nearest .venv upwards)
  -r, --requirement FILE   follow FILE's order: its lines first (comments and index options kept
                           once each, each requirement as installed), then the others under "## The
                           following requirements were added by pip freeze:" (repeatable; as pip)
      --all                also list pip, setuptools, wheel and distribute
      --exclude NAME       leave NAME out (repeatable)
      --exclude-editable   leave editable installs out
  -l, --local              only what the environment itself holds: in an environment that sees the
                           system site-packages, the user site and the base interpreter's
                           site-packages are otherwise listed too (as pip freeze)
      --user               only what the interpreter's user site holds (nothing in an environment
                           made without --system-site-packages, as pip)
      --path DIR           list what DIR holds instead of the environment (repeatable; the first of
                           each project in that order, as pip), e.g. an install --target directory
      --json               venvkit's JSON: {version, env, requirements: [lines]}
${PIP_GENERAL_LOCAL_HELP.replace('COMMAND', 'freeze')}`;

export default async function freeze(argv: string[]): Promise<number> {
  const { values, argv: full } = parse('freeze', argv, {
    env: { type: 'string' },
    all: { type: 'boolean' },
    requirement: { type: 'string', short: 'r', multiple: true },
    exclude: { type: 'string', multiple: true },
    'exclude-editable': { type: 'boolean' },
    local: { type: 'boolean', short: 'l' },
    user: { type: 'boolean' },
    path: { type: 'string', multiple: true },
    ...PIP_GENERAL_LOCAL,
  }, pipOptionNamesOf('freeze'));
  if (values.help) {
    stdout(HELP);
    return 0;
  }
  return withGeneral('freeze', values, full, async () => {
    if (values.path && (values.user || values.local)) throw new VenvkitError('USAGE', 'freeze: --path cannot be combined with --user or --local', { hint: 'Use one of them.' });
    const out: Output = { json: !!values.json, quiet: !!values.quiet, verbose: !!values.verbose };
    const venv = await openVenv(locateVenv({ explicit: generalEnv('freeze', values) }).root, { probe: false });
    // A transaction a killed venvkit left is finished first (or this fails saying how to fix it).
    printRecovered(venv.root, await recoverForRead(venv.root));
    const lines: string[] = [];
    // Printed as produced, as pip prints them: a requirement file line that cannot be read fails after what came before.
    for (const e of freezeEntries(venv, {
      all: !!values.all, exclude: values.exclude, excludeEditable: !!values['exclude-editable'], requirementFiles: values.requirement,
      local: !!values.local, user: !!values.user, paths: values.path,
    })) {
      if ('warning' in e) warn(out, e.warning);
      else if ('note' in e) {
        // pip prints these among the lines on stdout; venvkit's JSON keeps stdout for itself.
        if (!out.quiet) (out.json ? stderr : stdout)(e.note + '\n');
      } else if (out.json) lines.push(e.line);
      else stdout(e.line + '\n');
    }
    if (out.json) printJson({ env: venv.root, requirements: lines });
    return 0;
  });
}
