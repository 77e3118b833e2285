// venvkit uninstall NAME... : remove distributions by their RECORD.
import { parse } from '../args.js';
import { info, printJson, type Output, stdout, warn } from '../output.js';
import { VenvkitError } from '../../errors.js';
import { chooseEnvDir } from '../../install/target.js';
import { uninstall as uninstallDist, type UninstallResult } from '../../install/uninstall.js';
import { openVenv } from '../../venv/open.js';
import { abortOnSignals } from '../signals.js';
import { printRecovered, printWaiting } from '../recovered.js';

const HELP = `Usage: venvkit uninstall NAME... [options]

Remove installed distributions (every file their RECORD lists).

Options:
      --env DIR            the environment (default: $VIRTUAL_ENV, else the nearest .venv upwards)
  -y, --yes                do not ask (venvkit never asks; accepted for pip compatibility)
  -q, --quiet              print nothing but errors
      --json               print what was removed as JSON
`;

export default async function uninstall(argv: string[]): Promise<number> {
  const { values, positionals } = parse('uninstall', argv, {
    env: { type: 'string' },
    yes: { type: 'boolean', short: 'y' },
  });
  if (values.help) {
    stdout(HELP);
    return 0;
  }
  const out: Output = { json: !!values.json, quiet: !!values.quiet, verbose: !!values.verbose };
  if (positionals.length === 0) throw new VenvkitError('USAGE', 'uninstall: name at least one distribution', { hint: 'Run `venvkit uninstall --help`.' });
  const envDir = chooseEnvDir(values.env);
  const venv = await openVenv(envDir);
  const results: UninstallResult[] = [];
  const signal = abortOnSignals();
  for (const [i, name] of positionals.entries()) {
    let r: UninstallResult;
    try {
      r = await uninstallDist(venv, name, { signal, onWait: (pid) => printWaiting(venv.root, pid) });
    } catch (e) {
      // Each name is its own transaction: say which went before the interrupt.
      if (!(e instanceof VenvkitError) || e.code !== 'INTERRUPTED' || i === 0) throw e;
      throw new VenvkitError('INTERRUPTED', `Interrupted: ${positionals.slice(0, i).join(', ')} uninstalled; ${positionals.slice(i).join(', ')} left as they were`, { exitCode: e.exitCode });
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
