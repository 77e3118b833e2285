// venvkit's command line: parse the command name, load only that command's module, map errors
// to exit codes. Everything a command does is a library call; this layer parses and prints.
import { reportError } from './output.js';

// bin/venvkit starts Node without NODE_EXTRA_CA_CERTS (see there); restore it for child processes.
// The HTTPS client loads the certificates it names itself (src/index/).
if (process.env.VENVKIT_NODE_EXTRA_CA_CERTS !== undefined) {
  process.env.NODE_EXTRA_CA_CERTS = process.env.VENVKIT_NODE_EXTRA_CA_CERTS;
  delete process.env.VENVKIT_NODE_EXTRA_CA_CERTS;
}

type Command = { summary: string; load: () => Promise<{ default: (argv: string[]) => Promise<number> }> };

const COMMANDS: Record<string, Command> = {
  create: { summary: 'create a virtual environment (flags of `python -m venv`)', load: () => import('./commands/create.js') },
  info: { summary: "show an environment's pyvenv.cfg, base interpreter and health", load: () => import('./commands/info.js') },
  python: { summary: 'list the interpreters found, or find the one a spec picks', load: () => import('./commands/python.js') },
  shell: { summary: 'start your shell with an environment active', load: () => import('./commands/shell.js') },
  run: { summary: 'run a command inside an environment, without activating it', load: () => import('./commands/run.js') },
  install: { summary: 'install packages (wheels, requirements) into an environment', load: () => import('./commands/install.js') },
  uninstall: { summary: 'remove installed distributions', load: () => import('./commands/uninstall.js') },
  list: { summary: 'list installed distributions', load: () => import('./commands/list.js') },
  freeze: { summary: "print installed distributions in pip's freeze format", load: () => import('./commands/freeze.js') },
  check: { summary: 'report missing or conflicting dependencies', load: () => import('./commands/check.js') },
};

const VERSION = '0.1.0';

function usage(): string {
  const width = Math.max(...Object.keys(COMMANDS).map((n) => n.length));
  const lines = Object.entries(COMMANDS).map(([name, c]) => `  ${name.padEnd(width)}  ${c.summary}`);
  return `venvkit ${VERSION}: Python virtual environments\n\nUsage: venvkit <command> [options]\n\nCommands:\n${lines.join('\n')}\n\nRun \`venvkit <command> --help\` for a command's options.\n`;
}

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '-h' || name === '--help' || name === 'help') {
    process.stdout.write(usage());
    return name === undefined ? 2 : 0;
  }
  if (name === '--version' || name === '-V') {
    process.stdout.write(`venvkit ${VERSION}\n`);
    return 0;
  }
  const command = COMMANDS[name];
  if (!command) {
    process.stderr.write(`error: unknown command '${name}'\nhint: run \`venvkit --help\` to see the commands.\n`);
    return 2;
  }
  try {
    const mod = await command.load();
    return await mod.default(rest);
  } catch (e) {
    return reportError(e, rest.includes('--json'));
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (e) => {
    process.exitCode = reportError(e, false);
  },
);
