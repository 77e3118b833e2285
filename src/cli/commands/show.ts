// venvkit show NAME... [-f] [-v]: what `pip show` prints about installed distributions.
import { pipOptionNamesOf } from '../pip-option-names.js';
import { generalEnv, PIP_GENERAL_LOCAL, PIP_GENERAL_LOCAL_HELP, withGeneral } from '../pip-general-local.js';
import { parse } from '../args.js';
import { printJson, type Output, stdout, warn } from '../output.js';
import { VenvkitError } from '../../errors.js';
import { markerEnvironment } from '../../pep/markers.js';
import { locateVenv } from '../../venv/locate.js';
import { openVenv } from '../../venv/open.js';
import { recoverForRead } from '../../install/recover.js';
import { printRecovered } from '../recovered.js';
import { readDists } from '../../installed/dists.js';
import { showDists, type ShownDist } from '../../installed/show.js';

const HELP = `Usage: venvkit show [--env DIR] [-f] [-v] [--json] NAME...

Show information about installed distributions, as \`pip show\` prints it: name, version, summary,
home page, author, license, location, what each requires and what requires it.

Options:
      --env DIR   the environment (default: $VIRTUAL_ENV, else the nearest .venv upwards)
  -f, --files     also list the files RECORD names
  -v, --verbose   also metadata version, installer, classifiers, entry points and project URLs
      --json      print {version, packages: [...]} as JSON
${PIP_GENERAL_LOCAL_HELP.replace('COMMAND', 'show')}`;

function lines(d: ShownDist, files: boolean, verbose: boolean): string[] {
  const out = [
    `Name: ${d.name}`,
    `Version: ${d.version}`,
    `Summary: ${d.summary}`,
    `Home-page: ${d.homepage}`,
    `Author: ${d.author}`,
    `Author-email: ${d.authorEmail}`,
    `${d.license.field}: ${d.license.value}`,
    `Location: ${d.location}`,
    ...(d.editableProjectLocation !== undefined ? [`Editable project location: ${d.editableProjectLocation}`] : []),
    `Requires: ${d.requires.join(', ')}`,
    `Required-by: ${d.requiredBy.join(', ')}`,
  ];
  if (verbose) {
    out.push(`Metadata-Version: ${d.metadataVersion}`, `Installer: ${d.installer}`, 'Classifiers:', ...d.classifiers.map((c) => `  ${c}`));
    out.push('Entry-points:', ...d.entryPoints.map((e) => `  ${e.trim()}`), 'Project-URLs:', ...d.projectUrls.map((u) => `  ${u}`));
  }
  if (files) out.push('Files:', ...(d.files ? d.files.map((f) => `  ${f.trim()}`) : ['Cannot locate RECORD or installed-files.txt']));
  return out;
}

export default async function show(argv: string[]): Promise<number> {
  const { values, positionals, argv: full } = parse('show', argv, { env: { type: 'string' }, files: { type: 'boolean', short: 'f' }, ...PIP_GENERAL_LOCAL }, pipOptionNamesOf('show'));
  if (values.help) {
    stdout(HELP);
    return 0;
  }
  return withGeneral('show', values, full, async () => {
    const out: Output = { json: !!values.json, quiet: !!values.quiet, verbose: !!values.verbose };
    if (positionals.length === 0) throw new VenvkitError('USAGE', 'show: name at least one distribution', { hint: 'Run `venvkit list` to see what is installed.' });
    const venv = await openVenv(locateVenv({ explicit: generalEnv('show', values) }).root);
    printRecovered(venv.root, await recoverForRead(venv.root));
    if (!venv.base) throw new VenvkitError('PYTHON_NOT_FOUND', `The base interpreter of ${venv.root} cannot be found, so its markers cannot be evaluated`, { hint: 'Recreate the environment with `venvkit create`.' });
    const { shown, missing } = showDists(readDists(venv.paths), positionals, markerEnvironment(venv.base));
    if (missing.length) warn({ ...out, quiet: out.quiet }, `Package(s) not found: ${missing.join(', ')}`);
    if (out.json) printJson({ env: venv.root, packages: shown, missing });
    else if (shown.length) stdout(shown.map((d) => lines(d, !!values.files, out.verbose).join('\n')).join('\n---\n') + '\n');
    return shown.length ? 0 : 1;
  });
}
