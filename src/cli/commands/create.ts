// venvkit create [DIR...]: the flags of `python -m venv`, plus -p/--python and --allow-existing.
import { basename, isAbsolute, relative } from 'node:path';
import { parse } from '../args.js';
import { info, printJson, warn, type Output, stdout } from '../output.js';
import { createVenv, type CreatedVenv } from '../../venv/create.js';
import { describeInterpreter, venvJson } from '../../venv/describe.js';

const HELP = `Usage: venvkit create [DIR...] [options]

Create a virtual environment in each DIR (default .venv), as \`python -m venv DIR...\` would.

Options:
  -p, --python SPEC             interpreter: 3.12, >=3.9,<3.12, pypy3, cpython@3.12, a path...
                                (default: .python-version, else python3 on PATH)
      --system-site-packages    give the env access to the base's site-packages
      --symlinks                symlink the interpreter (the default on POSIX)
      --copies                  copy the interpreter instead of symlinking it
      --clear                   replace DIR if it is an environment (nothing else is ever deleted)
      --upgrade                 move an existing environment to this interpreter in place
      --without-pip             do not seed pip
      --prompt PROMPT           prompt shown when active ('.' = the current directory's name)
      --upgrade-deps            seed the newest pip (and setuptools where venv would)
      --without-scm-ignore-files  do not write .gitignore
      --allow-existing          create inside an existing non-empty directory, keeping its files
  -q, --quiet                   print nothing but errors
  -v, --verbose                 say more
      --json                    print a description of the environment as JSON
`;

function summary(r: CreatedVenv, cwd: string): string {
  const verb = { created: 'Created', replaced: 'Replaced', updated: 'Updated', upgraded: 'Upgraded' }[r.action];
  const shown = relative(cwd, r.root) || '.';
  return `${verb} ${shown.startsWith('..') ? r.root : shown} with ${describeInterpreter(r.base)} at ${r.base.path}`;
}

/** A word for `shell`: as it is when plain, else quoted (POSIX sh, fish and csh all read '...'). */
function shellWord(s: string, shell: string): string {
  if (/^[A-Za-z0-9_./@%+=:,-]+$/.test(s) && !s.startsWith('-')) return s;
  if (shell === 'fish') return `'${s.replace(/[\\']/g, (c) => `\\${c}`)}'`;
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

/** The command that activates `r` in the user's shell ($SHELL; cmd.exe on Windows). */
function activationCommand(r: CreatedVenv, cwd: string, env: NodeJS.ProcessEnv = process.env): string {
  const rel = relative(cwd, r.paths.scripts);
  const dir = rel && !rel.startsWith('..') && !isAbsolute(rel) ? rel : r.paths.scripts;
  if (process.platform === 'win32') return `${dir}\\activate`;
  const shell = basename(env.SHELL ?? '').replace(/\.exe$/, '');
  const file = (name: string) => shellWord(`${dir}/${name}`, shell);
  if (shell === 'fish') return `source ${file('activate.fish')}`;
  if (shell === 'csh' || shell === 'tcsh') return `source ${file('activate.csh')}`;
  if (shell === 'nu') return `overlay use ${file('activate.nu')}`;
  if (shell === 'pwsh' || shell === 'powershell') return `. ${file('Activate.ps1')}`;
  return `${shell === 'bash' || shell === 'zsh' ? 'source' : '.'} ${file('activate')}`;
}

type CreateValues = ReturnType<typeof parseCreate>['values'];

function parseCreate(argv: string[]) {
  return parse('create', argv, {
    python: { type: 'string', short: 'p' },
    'system-site-packages': { type: 'boolean' },
    symlinks: { type: 'boolean' },
    copies: { type: 'boolean' },
    clear: { type: 'boolean' },
    upgrade: { type: 'boolean' },
    'without-pip': { type: 'boolean' },
    prompt: { type: 'string' },
    'upgrade-deps': { type: 'boolean' },
    'without-scm-ignore-files': { type: 'boolean' },
    'allow-existing': { type: 'boolean' },
  });
}

async function createOne(dir: string, values: CreateValues, out: Output): Promise<CreatedVenv> {
  const controller = new AbortController();
  const onSigint = () => controller.abort();
  process.once('SIGINT', onSigint);
  let r: CreatedVenv;
  try {
    r = await createVenv(dir, {
      python: values.python,
      systemSitePackages: values['system-site-packages'],
      symlinks: values.symlinks,
      copies: values.copies,
      clear: values.clear,
      upgrade: values.upgrade,
      withoutPip: values['without-pip'],
      prompt: values.prompt,
      upgradeDeps: values['upgrade-deps'],
      withoutScmIgnoreFiles: values['without-scm-ignore-files'],
      allowExisting: values['allow-existing'],
      signal: controller.signal,
    });
  } finally {
    process.removeListener('SIGINT', onSigint);
  }
  // Leftovers venvkit cleaned up are told with -v; ones it cannot prove are its own (so left alone) always.
  for (const n of r.notes) if (!r.warnings.includes(n) && out.verbose) info(out, n);
  for (const w of r.warnings) warn(out, w);
  info(out, summary(r, process.cwd()));
  if (r.seed?.skipped) warn(out, `pip was not seeded: ${r.seed.skipped}`);
  else if (r.seed && r.seed.installed.length) info(out, `Seeded ${r.seed.installed.map((p) => `${p.name} ${p.version}`).join(', ')}`);
  if (out.verbose && !out.json) {
    info(out, `  interpreter: ${r.paths.python}`);
    info(out, `  site-packages: ${r.paths.purelib}`);
  }
  if (r.activators.length) info(out, `Activate with: ${activationCommand(r, process.cwd())}`);
  return r;
}

export default async function create(argv: string[]): Promise<number> {
  const { values, positionals } = parseCreate(argv);
  if (values.help) {
    stdout(HELP);
    return 0;
  }
  const out: Output = { json: !!values.json, quiet: !!values.quiet, verbose: !!values.verbose };
  // Like `python -m venv A B`: each directory in turn, stopping at the first that fails.
  const dirs = positionals.length ? positionals : ['.venv'];
  const made: CreatedVenv[] = [];
  for (const dir of dirs) made.push(await createOne(dir, values, out));
  if (out.json) printJson(dirs.length === 1 ? venvJson(made[0]!) : { environments: made.map(venvJson) });
  return 0;
}
