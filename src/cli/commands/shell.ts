// venvkit shell [DIR] [--shell NAME]: start the user's shell with an environment active.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { VenvkitError } from '../../errors.js';
import { leaveActiveEnv } from '../../shell/environment.js';
import { launchPlan } from '../../shell/launch.js';
import { runForeground } from '../../shell/spawn.js';
import { locateVenv, scriptsDir } from '../../venv/locate.js';
import { parse } from '../args.js';
import { info, stdout } from '../output.js';

const HELP = `Usage: venvkit shell [DIR] [--shell NAME]

Start your shell ($SHELL, or NAME) with the environment active: its usual start-up files run, then
the environment's activation script. \`exit\` returns to where you were; the exit status is the shell's.
Works with bash, zsh, fish, tcsh/csh, ksh/mksh, dash/sh, nu and pwsh.

  DIR           the environment (default: $VIRTUAL_ENV, else the nearest .venv upwards)
  --shell NAME  the shell to start (a name on PATH or a path)
`;

export default async function shell(argv: string[]): Promise<number> {
  const { values, positionals } = parse('shell', argv, { shell: { type: 'string' } });
  if (values.help) {
    stdout(HELP);
    return 0;
  }
  if (positionals.length > 1) throw new VenvkitError('USAGE', 'shell: give at most one environment directory', { hint: 'Use `venvkit shell [DIR] [--shell NAME]`.' });
  const out = { json: Boolean(values.json), quiet: Boolean(values.quiet), verbose: Boolean(values.verbose) };
  // An explicit DIR wins; otherwise do not pick the env already active in this shell.
  const { root } = locateVenv({ explicit: positionals[0] });
  const shellPath = values.shell ?? process.env.SHELL ?? '/bin/sh';
  const startupDir = mkdtempSync(join(tmpdir(), 'venvkit-shell-'));
  try {
    const plan = launchPlan({ shell: shellPath, bin: scriptsDir(root), startupDir, env: process.env });
    for (const [name, text] of Object.entries(plan.files)) writeFileSync(join(startupDir, name), text, { mode: 0o600 });
    const env = leaveActiveEnv(process.env);
    for (const [k, v] of Object.entries(plan.env)) {
      if (v === undefined) delete env[k];
      else env[k] = v;
    }
    info(out, `Starting ${shellPath} with ${root} active; \`exit\` to leave.`);
    const removeStartup = () => rmSync(startupDir, { recursive: true, force: true });
    return await runForeground(plan.command, plan.args, { env, forwardInterrupt: false, onExit: removeStartup });
  } finally {
    rmSync(startupDir, { recursive: true, force: true });
  }
}
