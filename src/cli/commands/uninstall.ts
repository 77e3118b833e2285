// venvkit uninstall NAME... [-r FILE]... [-y]: remove distributions by their RECORD, asking first
// as pip does (unless -y).
import { basename } from 'node:path';
import { pipOptionNamesOf } from '../pip-option-names.js';
import { parse } from '../args.js';
import { generalEnv, PIP_GENERAL_LOCAL, pipGeneralMeaning, withGeneral } from '../pip-general-local.js';
import { info, printJson, type Output, stderr, stdout, warn } from '../output.js';
import { VenvkitError } from '../../errors.js';
import { chooseEnvDir } from '../../install/target.js';
import { uninstall as uninstallDist, type UninstallResult } from '../../install/uninstall.js';
import type { RequirementLine } from '../../index/requirements-file.js';
import { parseRequirement } from '../../pep/pep508.js';
import { tryParseWheelFilename } from '../../pep/wheel-name.js';
import { canonicalizeName } from '../../pep/names.js';
import type { Venv } from '../../venv/types.js';
import { openVenv } from '../../venv/open.js';
import { abortOnSignals } from '../signals.js';
import { ask } from '../prompt.js';
import { printRecovered, printWaiting } from '../recovered.js';

const HELP = `Usage: venvkit uninstall [options] NAME... [-r FILE]...

Remove installed distributions (every file their RECORD lists). Like pip, it lists what would be
removed and asks "Proceed (Y/n)?" for each one, reading the answer from stdin, unless -y.

Options:
      --env DIR            the environment (default: $VIRTUAL_ENV, else the nearest .venv upwards)
  -r, --requirement FILE   uninstall the distributions named in a requirements file (repeatable)
  -y, --yes                do not ask for confirmation
      --user               uninstall from the interpreter's user site (~/.local; $PYTHONUSERBASE):
                             what \`install --user\` put there (pip's uninstall finds it without a flag)
  -t, --target DIR         uninstall from DIR, as installed with \`install --target DIR\`
      --prefix DIR         uninstall from the prefix DIR, as installed with \`install --prefix DIR\`
                             (pip's uninstall has neither: it removes only what its own sys.path shows)
      --python PY          with --user/--prefix/--target: their interpreter (default: the active
                             environment's, else python3), as for install; else the environment,
                             by its directory or an interpreter inside it (as pip's --python)
      --no-input           never ask: fail instead of asking (as PIP_NO_INPUT)
  -q, --quiet              print nothing but errors
      --json               print what was removed as JSON
      --root-user-action ACTION
                           warn or ignore (checked): venvkit does not warn when run as root
      --break-system-packages
                           taken: venvkit does not refuse an externally managed interpreter (PEP 668)

pip's network options apply to -r https://... files: --timeout SEC, --retries N, --proxy URL,
--no-proxy-env, --cert PATH, --client-cert PATH, --trusted-host HOST, --isolated.
pip's other general options are taken and change nothing here, as with pip:
      --disable-pip-version-check, --require-virtualenv, --no-python-version-warning
      --cache-dir DIR, --no-cache-dir, --resume-retries N, --keyring-provider NAME
      --exists-action ACTION
      --debug, --use-feature FEATURE, --use-deprecated FEATURE (pip's choices are checked)

${pipGeneralMeaning(false)}`;

const ROOT_USER_ACTIONS = ['warn', 'ignore'];

/** The project a requirement line names, as pip's uninstall takes it (undefined: it names none). */
function lineName(r: RequirementLine): string | undefined {
  if (r.editable) return r.editable.name;
  if (r.location) {
    const w = r.location.path && r.location.path.endsWith('.whl') ? tryParseWheelFilename(basename(r.location.path)) : undefined;
    return typeof w === 'object' ? w.name : undefined;
  }
  try {
    return parseRequirement(r.text).name;
  } catch {
    return undefined;
  }
}

/** pip's listing before "Proceed (Y/n)?", for each distribution `name` names. */
async function describeRemoval(venv: Venv, name: string): Promise<string> {
  const { previewUninstall } = await import('../../install/uninstall-preview.js');
  const lines: string[] = [];
  for (const p of previewUninstall(venv, name)) {
    lines.push(`Found existing installation: ${p.name} ${p.version}`, `Uninstalling ${p.name}-${p.version}:`);
    if (p.wouldRemove.length) lines.push('  Would remove:', ...p.wouldRemove.map((f) => `    ${f}`));
    if (p.wouldNotRemove.length) lines.push('  Would not remove (might be manually added):', ...p.wouldNotRemove.map((f) => `    ${f}`));
  }
  return lines.length ? lines.join('\n') + '\n' : '';
}

const OPTIONS = {
  ...PIP_GENERAL_LOCAL,
  env: { type: 'string' },
  requirement: { type: 'string', short: 'r', multiple: true },
  yes: { type: 'boolean', short: 'y' },
  'no-input': { type: 'boolean' },
  user: { type: 'boolean' },
  target: { type: 'string', short: 't' },
  prefix: { type: 'string' },
  python: { type: 'string' },
  'root-user-action': { type: 'string' },
  'break-system-packages': { type: 'boolean' },
} as const;

export default async function uninstall(argv: string[]): Promise<number> {
  const { values, positionals, argv: full } = parse('uninstall', argv, OPTIONS, pipOptionNamesOf('uninstall'));
  if (values.help) {
    stdout(HELP);
    return 0;
  }
  const action = values['root-user-action'];
  if (action !== undefined && !ROOT_USER_ACTIONS.includes(action)) {
    throw new VenvkitError('USAGE', `uninstall: --root-user-action: invalid choice: '${action}' (choose from ${ROOT_USER_ACTIONS.map((a) => `'${a}'`).join(', ')})`, { hint: 'Run `venvkit uninstall --help` for the flags it takes.' });
  }
  return withGeneral('uninstall', values, full, () => run(values, positionals, full));
}

type Values = ReturnType<typeof parse<typeof OPTIONS>>['values'];

async function run(values: Values, positionals: string[], full: string[]): Promise<number> {
  const out: Output = { json: !!values.json, quiet: !!values.quiet, verbose: !!values.verbose };
  const names = [...positionals];
  if (values.requirement?.length) {
    // Loaded only for -r (the requirement-file parser is most of this command's code).
    const { fetchOverHttp, readRequirementFiles } = await import('../../index/requirements-file.js');
    const { applyFlags, checkBooleans, loadPipConfig } = await import('../../index/pip-config.js');
    const { pipRun } = await import('../pip-install-options.js');
    // pip's network options, for a file given by URL.
    const timeout = values.timeout;
    const flags = { ...pipRun(values, full, 'uninstall').index, ...(timeout !== undefined ? { timeout: Number(timeout) } : {}) };
    const config = loadPipConfig({ env: process.env, isolated: flags.isolated });
    checkBooleans(config, ['no-proxy-env']);
    const fetchText = (url: string) => fetchOverHttp(url, applyFlags(config.settings, flags));
    const parsed = await readRequirementFiles(values.requirement.map((path) => ({ path })), { fetchText });
    for (const r of parsed.requirements) {
      const name = lineName(r);
      if (name) names.push(name);
      else warn(out, `Invalid requirement: '${r.text}' ignored - the uninstall command expects named requirements.`);
    }
  }
  // One transaction per project, in the order first named (pip: a dict keyed by canonical name).
  const seen = new Set<string>();
  const todo = names.filter((n) => !seen.has(canonicalizeName(n)) && seen.add(canonicalizeName(n)));
  if (todo.length === 0) throw new VenvkitError('USAGE', 'uninstall: name at least one distribution (or -r FILE)', { hint: 'Run `venvkit uninstall --help`.' });
  const layout = { user: values.user, target: values.target, prefix: values.prefix };
  let venv: Venv;
  if (layout.user || layout.target !== undefined || layout.prefix !== undefined) {
    const { layoutInterpreter, removalLayout } = await import('../../install/layout.js');
    venv = await removalLayout(layout, await layoutInterpreter(values.python, values.env));
  } else {
    venv = await openVenv(chooseEnvDir(generalEnv('uninstall', values)));
  }
  const envDir = venv.root;
  const noInput = !!values['no-input'] || /^(1|true|yes|on)$/i.test(process.env.PIP_NO_INPUT ?? '');
  const results: UninstallResult[] = [];
  const signal = abortOnSignals();
  for (const [i, name] of todo.entries()) {
    if (!values.yes) {
      const listing = await describeRemoval(venv, name);
      if (listing) {
        stderr(listing);
        const answer = ask('Proceed (Y/n)? ', ['y', 'n', ''], { noInput, hint: 'Pass -y to uninstall without being asked.' });
        if (answer === 'n') continue;
      }
    }
    let r: UninstallResult;
    try {
      r = await uninstallDist(venv, name, { signal, onWait: (pid) => printWaiting(venv.root, pid) });
    } catch (e) {
      // Each name is its own transaction: say which went before the interrupt.
      if (!(e instanceof VenvkitError) || e.code !== 'INTERRUPTED' || i === 0) throw e;
      throw new VenvkitError('INTERRUPTED', `Interrupted: ${todo.slice(0, i).join(', ')} uninstalled; ${todo.slice(i).join(', ')} left as they were`, { exitCode: e.exitCode });
    }
    printRecovered(venv.root, r.recovered);
    for (const w of r.warnings ?? []) warn(out, w);
    for (const d of r.removed) info(out, `Uninstalled ${d.name} ${d.version}`);
    results.push(r);
  }
  const recovered = results.flatMap((r) => r.recovered ?? []);
  const warnings = results.flatMap((r) => r.warnings ?? []);
  if (out.json) printJson({ env: envDir, uninstalled: results.flatMap((r) => r.removed), ...(warnings.length ? { warnings } : {}), ...(recovered.length ? { recovered } : {}) });
  return 0;
}
