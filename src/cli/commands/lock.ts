// venvkit lock: resolve requirements and write pylock.toml (PEP 751) or a requirements.txt.
// The work is src/lock/api.ts; this parses flags and prints.
import { relative } from 'node:path';
import { pipOptionNamesOf } from '../pip-option-names.js';
import { formatOps, parse } from '../args.js';
import { info, printJson, stdout, warn, type Output } from '../output.js';
import { VenvkitError } from '../../errors.js';
import { disableCaches } from '../../cache/trust.js';

const HELP = `Usage: venvkit lock [REQUIREMENT...] [-e DIR]... [-r FILE]... [pyproject.toml] [--extra NAME] [--group NAME] [-o FILE]

Resolve the requirements and write a lock: pylock.toml (PEP 751; pylock.NAME.toml too), or a
requirements.txt in pip-compile's style (pins, --hash for every file, # via) when FILE ends in .txt.
The same inputs and index give the same bytes. Locking again keeps the versions of the existing
lock unless --upgrade or --upgrade-package asks otherwise.

By default the lock is for one interpreter (-p SPEC, else the one \`venvkit create\` would pick).
--python-version, --platform and --environment lock for interpreters that need not be installed:
each target is resolved on its own and the results merged; an entry that is not for every target
carries a marker naming the ones it is for.

Options:
  -o, --output FILE            the lock file (default pylock.toml)
  -r, --requirement FILE       requirements to lock (pip's format; repeatable)
  -e, --editable DIR           lock the project in DIR as an editable [packages.directory] (repeatable);
                               a directory, sdist, wheel path or git URL given as a REQUIREMENT is
                               built first and locked as a directory, archive or vcs entry
  -c, --constraint FILE        constrain versions (repeatable)
      --extra NAME             also lock this optional-dependencies extra of the pyproject.toml (repeatable)
      --group [PATH:]NAME      also lock this PEP 735 dependency group (repeatable)
  -U, --upgrade                ignore the existing lock's versions
  -P, --upgrade-package NAME   ignore the existing lock's version of NAME (repeatable)
  -p, --python SPEC            the interpreter to lock for (as for create: 3.12, pypy3, a path)
      --python-version X.Y     lock for CPython X.Y (repeatable)
      --platform P             lock for P: linux, macos, windows, with an architecture
                               (linux-x86_64, linux-aarch64, macos-arm64, macos-x86_64,
                               windows-amd64) and a libc or macOS version (linux-x86_64-manylinux_2_34,
                               macos-arm64-14.0); default: this machine's (repeatable)
      --environment MARKER     lock for every target the marker holds for (repeatable), e.g.
                               'sys_platform == "linux" and python_version >= "3.9"'
  -i, --index-url URL          the main package index (replaces pip's)
      --extra-index-url URL    another index (repeatable)
  -f, --find-links LOC         a directory or page of wheels (repeatable)
      --no-index               use only --find-links locations
      --pre                    allow pre-releases
      --only-binary NAMES      do not use sdists of these projects
      --no-binary NAMES        do not use wheels of these projects
      --prefer-binary          prefer an older version with a wheel to a newer sdist-only one
      --timeout SECONDS        network timeout (default pip's, 15)
      --no-cache               use no cache
      --print                  print the lock instead of writing it
  -q, --quiet                  print nothing but errors
  -v, --verbose                list what was locked
      --json                   print a report (path, targets, packages) as JSON
`;

/** The command line for a requirements.txt header: the output shown by its name only, so the file does not depend on where it was written. */
function shownCommand(argv: string[]): string {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '-o' || a === '--output') {
      out.push(a, (argv[++i] ?? '').split(/[\\/]/).pop()!);
    } else if (a.startsWith('--output=')) out.push(`--output=${a.slice(9).split(/[\\/]/).pop()}`);
    else if (a === '-q' || a === '-v' || a === '--quiet' || a === '--verbose' || a === '--json' || a === '--print' || a === '--no-cache') continue;
    else out.push(/^[\w@%+=:,./-]+$/.test(a) ? a : `'${a.replace(/'/g, `'\\''`)}'`);
  }
  return ['lock', ...out].join(' ');
}

export default async function lockCommand(argv: string[]): Promise<number> {
  const { values, positionals, argv: full } = parse('lock', argv, {
    output: { type: 'string', short: 'o' },
    requirement: { type: 'string', short: 'r', multiple: true },
    editable: { type: 'string', short: 'e', multiple: true },
    constraint: { type: 'string', short: 'c', multiple: true },
    extra: { type: 'string', multiple: true },
    group: { type: 'string', multiple: true },
    upgrade: { type: 'boolean', short: 'U' },
    'upgrade-package': { type: 'string', short: 'P', multiple: true },
    python: { type: 'string', short: 'p' },
    'python-version': { type: 'string', multiple: true },
    platform: { type: 'string', multiple: true },
    environment: { type: 'string', multiple: true },
    'index-url': { type: 'string', short: 'i' },
    'extra-index-url': { type: 'string', multiple: true },
    'find-links': { type: 'string', short: 'f', multiple: true },
    'no-index': { type: 'boolean' },
    pre: { type: 'boolean' },
    'no-binary': { type: 'string', multiple: true },
    'only-binary': { type: 'string', multiple: true },
    'prefer-binary': { type: 'boolean' },
    timeout: { type: 'string' },
    'no-cache': { type: 'boolean' },
    print: { type: 'boolean' },
  }, pipOptionNamesOf('lock'));
  if (values.help) {
    stdout(HELP);
    return 0;
  }
  const out: Output = { json: !!values.json, quiet: !!values.quiet, verbose: !!values.verbose };
  let timeout: number | undefined;
  if (values.timeout !== undefined) {
    timeout = Number(values.timeout);
    if (!Number.isFinite(timeout) || timeout <= 0) throw new VenvkitError('USAGE', `lock: --timeout must be a positive number of seconds (got "${values.timeout}")`);
  }
  if (values['no-cache']) disableCaches();
  const { lock, writeLock } = await import('../../lock/api.js');
  const started = Date.now();
  const result = await lock({
    requirements: positionals,
    requirementFiles: values.requirement ?? [],
    editables: values.editable ?? [],
    constraintFiles: values.constraint ?? [],
    extras: values.extra ?? [],
    groups: values.group ?? [],
    ...(values.output !== undefined ? { output: values.output } : {}),
    ...(values.python !== undefined ? { python: values.python } : {}),
    pythonVersions: values['python-version'] ?? [],
    platforms: values.platform ?? [],
    environments: values.environment ?? [],
    upgrade: !!values.upgrade,
    upgradePackages: values['upgrade-package'] ?? [],
    index: {
      indexUrl: values['index-url'], extraIndexUrls: values['extra-index-url'], findLinks: values['find-links'],
      noIndex: values['no-index'], pre: values.pre, timeout, formatControl: formatOps(full), preferBinary: values['prefer-binary'],
    },
    noCache: !!values['no-cache'],
    command: shownCommand(full),
    onWarning: (m) => warn(out, m),
  });
  if (values.print) stdout(result.text);
  else writeLock(result);
  const ms = Date.now() - started;
  if (out.json) {
    printJson({
      path: values.print ? null : result.path, format: result.format,
      targets: result.targets.map((t) => t.name),
      packages: result.packages.map((p) => ({ name: p.name, version: p.version, ...(p.marker ? { marker: p.marker } : {}) })),
      changed: result.changed, removed: result.removed, resolutionCache: result.resolutionCache, ms,
    });
    return 0;
  }
  if (!values.print) {
    const where = relative(process.cwd(), result.path) || result.path;
    info(out, `Locked ${result.packages.length} package${result.packages.length === 1 ? '' : 's'} for ${result.targets.length === 1 ? result.targets[0]!.name : `${result.targets.length} environments`} in ${ms} ms: ${where}`);
    if (out.verbose) for (const p of result.packages) info(out, `  ${p.name}==${p.version}${p.marker ? ` ; ${p.marker}` : ''}`);
  }
  return 0;
}
