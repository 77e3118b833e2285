// venvkit run [--env DIR] CMD [ARGS...]: run one command inside an environment, without activating it.
import { VenvkitError } from '../../errors.js';
import { venvEnv } from '../../shell/environment.js';
import { runForeground } from '../../shell/spawn.js';
import { locateVenv, scriptsDir } from '../../venv/locate.js';
import { stdout } from '../output.js';

const HELP = `Usage: venvkit run [--env DIR] COMMAND [ARGS...]

Run COMMAND with the environment's scripts directory first on PATH, VIRTUAL_ENV set and
PYTHONHOME unset; stdin/stdout/stderr, the exit status and signals pass through.
Options stop at the first argument that is not one (or at --), so \`venvkit run python -c ...\` works.

  --env DIR   the environment (default: $VIRTUAL_ENV, else the nearest .venv upwards)
  -q, -v      accepted for symmetry with other commands
  -h, --help  show this help
`;

export interface RunArgs {
  env?: string;
  help: boolean;
  command: string[];
}

/** Parse `run`'s options up to the first non-option; everything after belongs to the command. */
export function parseRunArgs(argv: string[]): RunArgs {
  const out: RunArgs = { help: false, command: [] };
  let i = 0;
  for (; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--') {
      i++;
      break;
    }
    if (!a.startsWith('-') || a === '-') break;
    if (a === '-h' || a === '--help') out.help = true;
    else if (a === '-q' || a === '--quiet' || a === '-v' || a === '--verbose') continue;
    else if (a === '--env') {
      if (i + 1 >= argv.length) throw new VenvkitError('USAGE', 'run: --env needs a directory', { hint: 'Use `venvkit run --env DIR COMMAND...`.' });
      out.env = argv[++i];
    } else if (a.startsWith('--env=')) out.env = a.slice('--env='.length);
    else throw new VenvkitError('USAGE', `run: unknown option '${a}'`, { hint: 'Options go before the command: `venvkit run [--env DIR] COMMAND [ARGS...]`.' });
  }
  out.command = argv.slice(i);
  return out;
}

export default async function run(argv: string[]): Promise<number> {
  const args = parseRunArgs(argv);
  if (args.help) {
    stdout(HELP);
    return 0;
  }
  if (args.command.length === 0) {
    throw new VenvkitError('USAGE', 'run: no command given', { hint: 'Use `venvkit run [--env DIR] COMMAND [ARGS...]`, e.g. `venvkit run python -V`.' });
  }
  const { root } = locateVenv({ explicit: args.env });
  const env = venvEnv(process.env, { root, bin: scriptsDir(root) });
  const [command, ...rest] = args.command;
  return runForeground(command, rest, { env, forwardInterrupt: !process.stdin.isTTY });
}
