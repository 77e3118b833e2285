// venvkit's command line: parse the command name, load only that command's module, map errors
// to exit codes. Everything a command does is a library call; this layer parses and prints.
import { reportError } from './output.js';

// bin/venvkit starts Node without NODE_EXTRA_CA_CERTS (see there); restore it for child processes.
// The HTTPS client loads the certificates it names itself (src/index/).
if (process.env.VENVKIT_NODE_EXTRA_CA_CERTS !== undefined) {
  process.env.NODE_EXTRA_CA_CERTS = process.env.VENVKIT_NODE_EXTRA_CA_CERTS;
  delete process.env.VENVKIT_NODE_EXTRA_CA_CERTS;
}

type CommandModule = { default: (argv: string[]) => Promise<number> };
type Command = { summary: string; load: () => CommandModule };

// Each command is built into its own CommonJS bundle next to this one (scripts/build.mjs), so
// running a command loads exactly two files, synchronously. This file only runs bundled.
declare const require: (id: string) => CommandModule;

const COMMANDS: Record<string, Command> = {
  create: { summary: 'create a virtual environment (flags of `python -m venv`)', load: () => require('./commands/create.cjs') },
  info: { summary: "show an environment's pyvenv.cfg, base interpreter and health", load: () => require('./commands/info.cjs') },
  python: { summary: 'list the interpreters found, or find the one a spec picks', load: () => require('./commands/python.cjs') },
  shell: { summary: 'start your shell with an environment active', load: () => require('./commands/shell.cjs') },
  run: { summary: 'run a command inside an environment, without activating it', load: () => require('./commands/run.cjs') },
  install: { summary: 'install packages (wheels, requirements) into an environment', load: () => require('./commands/install.cjs') },
  uninstall: { summary: 'remove installed distributions', load: () => require('./commands/uninstall.cjs') },
  list: { summary: 'list installed distributions', load: () => require('./commands/list.cjs') },
  freeze: { summary: "print installed distributions in pip's freeze format", load: () => require('./commands/freeze.cjs') },
  check: { summary: 'report missing or conflicting dependencies', load: () => require('./commands/check.cjs') },
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
    const mod = command.load();
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
