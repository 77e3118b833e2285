// venvkit's command line: parse the command name, load only that command's module, map errors
// to exit codes. Everything a command does is a library call; this layer parses and prints.
import { join } from 'node:path';
import { loadBundle, saveCodeCaches, setBundleFlags } from './code-cache.js';
import { reportError, setColorMode, stderr, stdout, yellow } from './output.js';
import { setCacheWarningHandler } from '../cache/trust.js';
import { VERSION } from './version.js';

// A cache that may not be used (another user's, writable by others, unwritable) is one line on stderr.
setCacheWarningHandler((m) => stderr(`${yellow('warning')}: ${m}\n`));

type CommandModule = { default: (argv: string[]) => Promise<number> };

// Each command is built into its own CommonJS bundle, dist/commands/NAME.cjs (scripts/build.mjs),
// so running a command loads exactly two files, synchronously. This file only runs bundled.
declare const __dirname: string;

/** Command name -> its one-line summary for --help. */
const COMMANDS: Record<string, string> = {
  create: 'create a virtual environment (flags of `python -m venv`)',
  info: "show an environment's pyvenv.cfg, base interpreter and health",
  python: 'list the interpreters found, or find the one a spec picks',
  shell: 'start your shell with an environment active',
  run: 'run a command inside an environment, without activating it',
  install: 'install packages (wheels, requirements) into an environment',
  sync: 'make an environment match a lock file (pylock.toml, requirements.txt) exactly',
  uninstall: 'remove installed distributions',
  delete: 'delete virtual environments (only environments)',
  list: 'list installed distributions',
  freeze: "print installed distributions in pip's freeze format",
  check: 'report missing or conflicting dependencies',
  build: 'build an sdist and a wheel of a project (as `python -m build`)',
  lock: 'resolve requirements into pylock.toml or requirements.txt (for any target Python and platform)',
  show: 'show information about installed distributions (as `pip show`)',
  tree: 'show the dependency tree of an environment (--reverse: who requires what)',
  cache: "show, clean or prune venvkit's cache",
  completion: 'print a completion script for bash, zsh or fish',
  help: "show a command's help",
};


/**
 * V8 flags of the bundles that need them (src/cli/code-cache.ts setBundleFlags), set before such a
 * bundle is compiled (its code cache records the flags, and is rejected when they differ).
 * resolve-lock (what a lock not answered by its resolution cache runs): V8 optimises a function
 * (TurboFan, on a background thread) once it has run ~66 KB of bytecode; a cold lock of jupyter is
 * over in well under a second and spent ~100 ms of its ~750 ms of CPU compiling code it hardly ran
 * again (and its exit waited for the compiles still queued). With sixteen times that budget only
 * code that runs long is optimised (a lock for many targets). And young-generation collections on
 * this thread alone: a lock's heap is small (~2 MB collected at a time), and on a busy machine the
 * main thread waited for helper threads that got no core (a cold lock of jupyter at load 14-16:
 * median 2.6 s wall instead of 3.0, the same CPU). A lock its resolution cache answers does not
 * load that part, nor node:v8. Only the CLI's own process: the library never touches V8's flags.
 */
setBundleFlags('resolve-lock.cjs', '--interrupt-budget=1081344 --no-parallel-scavenge');

function usage(): string {
  const width = Math.max(...Object.keys(COMMANDS).map((n) => n.length));
  const lines = Object.entries(COMMANDS).map(([name, summary]) => `  ${name.padEnd(width)}  ${summary}`);
  return `venvkit ${VERSION}: Python virtual environments\n\nUsage: venvkit [--color auto|always|never] <command> [options]\n\nCommands:\n${lines.join('\n')}\n\nRun \`venvkit help <command>\` for a command's options.\n`;
}

async function main(argv: string[]): Promise<number> {
  // --color before the command (`venvkit --color never list`); after it, each command's parser takes it.
  const color = /^--color(?:=(.*))?$/.exec(argv[0] ?? '');
  if (color) {
    setColorMode(color[1] ?? argv[1] ?? '');
    argv = argv.slice(color[1] === undefined ? 2 : 1);
  }
  let [name, ...rest] = argv;
  // `venvkit help CMD` is `venvkit CMD --help`.
  if (name === 'help' && rest.length) [name, rest] = [rest[0], ['--help', ...rest.slice(1)]];
  if (name === undefined || name === '-h' || name === '--help' || name === 'help') {
    stdout(usage());
    return name === undefined ? 2 : 0;
  }
  if (name === '--version' || name === '-V') {
    stdout(`venvkit ${VERSION}\n`);
    return 0;
  }
  if (!Object.hasOwn(COMMANDS, name)) {
    stderr(`error: unknown command '${name}'\nhint: run \`venvkit --help\` to see the commands.\n`);
    return 2;
  }
  try {
    try {
      return await loadBundle<CommandModule>(join(__dirname, 'commands', `${name}.cjs`)).default(rest);
    } finally {
      saveCodeCaches();
    }
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
