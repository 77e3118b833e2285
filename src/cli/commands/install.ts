// venvkit install PATH.whl... : local wheel files into an env (requirements come later).
import { parse } from '../args.js';
import { info, printJson, type Output } from '../output.js';
import { VenvkitError } from '../../errors.js';
import { installWheels } from '../../install/install-wheels.js';
import { LINK_MODES, type LinkMode } from '../../install/link.js';
import { chooseEnvDir } from '../../install/target.js';

const HELP = `Usage: venvkit install PATH.whl... [options]

Install wheel files into an environment (no dependency resolution yet).

Options:
      --env DIR            the environment (default: $VIRTUAL_ENV, else the nearest .venv upwards)
      --link-mode MODE     clone | hardlink | copy: how files come from venvkit's cache
                           (default clone, falling back to hardlink, then copy)
      --compile            byte-compile the installed modules
  -q, --quiet              print nothing but errors
      --json               print what was installed as JSON
`;

export default async function install(argv: string[]): Promise<number> {
  const { values, positionals } = parse('install', argv, {
    env: { type: 'string' },
    'link-mode': { type: 'string' },
    compile: { type: 'boolean' },
  });
  if (values.help) {
    process.stdout.write(HELP);
    return 0;
  }
  const out: Output = { json: !!values.json, quiet: !!values.quiet, verbose: !!values.verbose };
  if (positionals.length === 0) throw new VenvkitError('USAGE', 'install: give at least one .whl file', { hint: 'Run `venvkit install --help`.' });
  const mode = values['link-mode'];
  if (mode !== undefined && !LINK_MODES.includes(mode as LinkMode)) throw new VenvkitError('USAGE', `install: --link-mode must be one of ${LINK_MODES.join(', ')} (got "${mode}")`);
  const envDir = chooseEnvDir(values.env);
  const results = await installWheels(envDir, positionals, {
    linkMode: mode as LinkMode | undefined,
    compile: !!values.compile,
    onInstalled: (r) => {
      const was = r.replaced.length ? ` (replacing ${r.replaced.map((d) => d.version).join(', ')})` : '';
      info(out, `Installed ${r.name} ${r.version}${was}`);
    },
  });
  if (out.json) printJson({ env: envDir, installed: results });
  return 0;
}
