// venvkit info [DIR]: what pyvenv.cfg says, the base interpreter, and whether the env is healthy.
import { parse } from '../args.js';
import { outColor, printJson, type Output, stdout } from '../output.js';
import { locateVenv } from '../../venv/locate.js';
import { openVenv } from '../../venv/open.js';
import { checkHealth } from '../../venv/health.js';
import { describeInterpreter, venvJson } from '../../venv/describe.js';

const HELP = `Usage: venvkit info [DIR] [--json]

Show an environment's pyvenv.cfg, its base interpreter, and whether it is healthy (the base still
exists and is the same version; the interpreter links resolve). DIR defaults to $VIRTUAL_ENV, else
the nearest .venv in this directory or above. Exits 1 when the environment is not healthy.
`;

export default async function info(argv: string[]): Promise<number> {
  const { bold, dim, green, red } = outColor;
  const { values, positionals } = parse('info', argv, {});
  if (values.help) {
    stdout(HELP);
    return 0;
  }
  const out: Output = { json: !!values.json, quiet: !!values.quiet, verbose: !!values.verbose };
  const venv = await openVenv(locateVenv({ explicit: positionals[0] }).root);
  const health = checkHealth(venv);
  if (out.json) {
    printJson({ ...venvJson(venv), healthy: health.healthy, problems: health.problems });
    return health.healthy ? 0 : 1;
  }
  if (out.quiet) return health.healthy ? 0 : 1;
  const lines = [`${bold(venv.root)}  ${health.healthy ? green('healthy') : red('not healthy')}`];
  lines.push(`  prompt:        ${venv.prompt}`);
  lines.push(`  base:          ${venv.base ? `${describeInterpreter(venv.base)} at ${venv.base.path}` : red('not found')}`);
  lines.push(`  interpreter:   ${venv.paths.python}`);
  lines.push(`  site-packages: ${venv.paths.purelib}`);
  lines.push('  pyvenv.cfg:');
  for (const [k, v] of Object.entries(venv.cfg)) lines.push(`    ${k} = ${v}`);
  for (const p of health.problems) lines.push(`${red('problem')}: ${p.message}`, `${dim('hint')}: ${p.hint}`);
  stdout(lines.join('\n') + '\n');
  return health.healthy ? 0 : 1;
}
