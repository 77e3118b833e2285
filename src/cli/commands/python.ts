// `venvkit python list` / `venvkit python find [SPEC]`: what discovery sees. Parsing and printing
// only; the work is findPython / discover from src/python/find.ts.
import { VenvkitError } from '../../errors.js';
import { discover, findPython } from '../../python/find.js';
import { supportsVenv } from '../../python/spec.js';
import type { PythonInstallation } from '../../python/types.js';
import { parse } from '../args.js';
import { type Output, dim, info, outColor, printJson, warn, stderr, stdout } from '../output.js';

const WHERE: Record<string, string> = {
  path: 'on PATH',
  pyenv: 'in pyenv',
  system: 'in a system location',
  user: 'in a user location',
  explicit: 'at the given path',
  'python-version': 'through .python-version',
};

const USAGE = `Usage: venvkit python list [--json] [-v]
       venvkit python find [SPEC] [--json]

  list        every interpreter found: on PATH (pyenv shims resolved), in $PYENV_ROOT/versions,
              and in the usual system and user locations (/usr/bin, /usr/local/bin, /opt/python*,
              ~/.local/bin, uv's ~/.local/share/uv/python). * marks the default one.
  find SPEC   print the path of the interpreter SPEC picks (what \`create -p SPEC\` would use).
              Without SPEC: the nearest .python-version upwards, else python3 on PATH.

SPEC: 3 | 3.12 | 3.12.1 | ">=3.9,<3.12" | python3.12 | pypy3 | cpython@3.12 | pypy@3.9 | PATH

Options:
  --json      machine-readable output on stdout
  -v          list: also report interpreters that failed to run; find: say where it was found
  -q          (find) print nothing, only set the exit code
  -h, --help  show this help
`;

/** The fields people and programs want about one interpreter. */
export function describe(p: PythonInstallation) {
  return {
    version: p.versionString,
    implementation: p.implementation,
    ...(p.implementationVersion ? { implementationVersion: p.implementationVersion } : {}),
    architecture: p.machine,
    path: p.path,
    realPath: p.realPath,
    source: p.source,
    supported: supportsVenv(p.version),
  };
}

function table(rows: string[][]): string {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  return rows.map((r) => r.map((cell, i) => (i === r.length - 1 ? cell : cell.padEnd(widths[i]!))).join('  ').trimEnd()).join('\n') + '\n';
}

async function list(out: Output): Promise<number> {
  const { found, broken } = await discover({});
  let chosen: string | undefined;
  try {
    chosen = (await findPython()).realPath;
  } catch {
    chosen = undefined;
  }
  if (out.json) {
    printJson({ interpreters: found.map((p) => ({ ...describe(p), default: p.realPath === chosen })) });
    return 0;
  }
  if (out.verbose) for (const b of broken) warn(out, `skipped ${b.path} (${b.source}): ${b.error.message.split('\n')[0]}`);
  if (found.length === 0) {
    stderr('No Python interpreter found on PATH, in pyenv or the usual locations.\n');
    return 1;
  }
  const rows = [['', 'VERSION', 'IMPLEMENTATION', 'ARCH', 'SOURCE', 'PATH']];
  for (const p of found) {
    const impl = p.implementationVersion ? `${p.implementation} ${p.implementationVersion}` : p.implementation;
    const note = supportsVenv(p.version) ? '' : '  (too old for venvs)';
    rows.push([p.realPath === chosen ? '*' : ' ', p.versionString, impl, p.machine, p.source, p.path + note]);
  }
  const text = table(rows).split('\n');
  stdout([outColor.bold(text[0]!), ...text.slice(1)].join('\n'));
  if (!out.quiet && broken.length && !out.verbose) stderr(dim(`(${broken.length} more did not run; -v shows them)\n`));
  return 0;
}

async function find(spec: string | undefined, out: Output): Promise<number> {
  const p = await findPython(spec);
  if (out.json) printJson({ interpreter: describe(p) });
  else if (!out.quiet) stdout(p.path + '\n');
  if (out.verbose) info(out, dim(`${p.implementation} ${p.versionString} (${p.machine}), found ${WHERE[p.source] ?? p.source}${p.realPath !== p.path ? `, really ${p.realPath}` : ''}`));
  return 0;
}

export default async function python(argv: string[]): Promise<number> {
  const [sub, ...rest] = argv;
  if (sub === undefined || sub === '-h' || sub === '--help' || sub === 'help') {
    stdout(USAGE);
    return sub === undefined ? 2 : 0;
  }
  if (sub !== 'list' && sub !== 'find') {
    throw new VenvkitError('USAGE', `python: unknown subcommand '${sub}'`, { hint: 'Use `venvkit python list` or `venvkit python find [SPEC]`.' });
  }
  const { values, positionals } = parse(`python ${sub}`, rest, {});
  if (values.help) {
    stdout(USAGE);
    return 0;
  }
  const out: Output = { json: Boolean(values.json), quiet: Boolean(values.quiet), verbose: Boolean(values.verbose) };
  if (sub === 'list') {
    if (positionals.length) throw new VenvkitError('USAGE', `python list: unexpected argument '${positionals[0]}'`, { hint: 'To pick one interpreter, use `venvkit python find SPEC`.' });
    return list(out);
  }
  if (positionals.length > 1) throw new VenvkitError('USAGE', `python find: one SPEC at most (got ${positionals.length})`, { hint: 'Quote ranges with spaces: ">=3.9, <3.12".' });
  return find(positionals[0], out);
}
