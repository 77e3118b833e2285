// venvkit delete DIR... : delete virtual environments (and refuse anything that is not one).
import { parse } from '../args.js';
import { info, printJson, type Output, stdout } from '../output.js';
import { VenvkitError } from '../../errors.js';
import { removeVenv } from '../../venv/remove.js';
import { abortOnSignals } from '../signals.js';
import { printWaiting } from '../recovered.js';

const HELP = `Usage: venvkit delete DIR... [options]

Delete virtual environments. Only a directory holding pyvenv.cfg is deleted: a link, or a directory
that is not an environment, is refused and left as it is. Each environment is first renamed aside in
one step, then deleted, so an interrupted delete never leaves half an environment at DIR.

Options:
  -q, --quiet              print nothing but errors
      --json               print what was deleted as JSON
`;

export default async function del(argv: string[]): Promise<number> {
  const { values, positionals } = parse('delete', argv, {});
  if (values.help) {
    stdout(HELP);
    return 0;
  }
  const out: Output = { json: !!values.json, quiet: !!values.quiet, verbose: !!values.verbose };
  if (positionals.length === 0) throw new VenvkitError('USAGE', 'delete: name the environment directory to delete', { hint: 'Use `venvkit delete DIR` (there is no default, on purpose).' });
  const signal = abortOnSignals();
  const deleted: string[] = [];
  for (const dir of positionals) {
    const { root } = await removeVenv(dir, { signal, onWait: (pid) => printWaiting(dir, pid) });
    info(out, `Deleted ${root}`);
    deleted.push(root);
  }
  if (out.json) printJson({ deleted });
  return 0;
}
