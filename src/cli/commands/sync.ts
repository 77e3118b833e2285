// venvkit sync FILE: make an environment match a lock file exactly (src/sync/sync.ts).
import { parse } from '../args.js';
import { info, printJson, warn, type Output, stdout } from '../output.js';
import { VenvkitError } from '../../errors.js';
import { LINK_MODES, type LinkMode } from '../../install/link.js';
import { disableCaches } from '../../cache/trust.js';
import { locateVenv } from '../../venv/locate.js';
import { ProgressLine, builtLine, formatMs } from '../../plan-apply/progress.js';
import { sync as syncEnv } from '../../sync/sync.js';
import { parseConfigSettings } from '../../build/config-settings.js';
import { abortOnSignals } from '../signals.js';
import { printRecovered, printWaiting } from '../recovered.js';

const HELP = `Usage: venvkit sync [options] FILE

Make an environment match a lock file exactly: install what is missing, replace other versions,
remove what the lock does not list (pip and setuptools stay unless --exact). Nothing is resolved;
it is one transaction (a failure leaves the environment as it was).
FILE is a pylock.toml (PEP 751; pylock.NAME.toml too; every file's hash is checked) or a
requirements.txt whose every line is pinned (name==version, as pip-compile or pip freeze write it),
or a direct reference: a project directory (-e DIR, name @ file:///dir, ./dir), a git checkout at
a commit (name @ git+URL@COMMIT, -e git+URL@COMMIT#egg=NAME), or a wheel or sdist.
Hashes of a requirements file follow pip's hash-checking mode: it is on when any line has --hash,
or with --require-hashes (the file's, the command line's, pip's configuration's), unless
--no-require-hashes (the same places). In that mode every pin and archive needs its --hash, and a
directory or a checkout is refused, as pip does; outside it a pin without is checked against the
hash the index publishes. A pin's file is the one \`venvkit install name==version\` would choose
from the index (the best wheel for the environment, else the sdist). The pins' dependencies
are not added: a missing one is a warning (see \`venvkit check\`).

Options:
      --env DIR              the environment (default: $VIRTUAL_ENV, else the nearest .venv upwards)
      --exact                also remove pip and setuptools when the lock does not list them
      --extra NAME           pylock.toml: install this extra of the lock (repeatable)
      --group NAME           pylock.toml: install this dependency group (repeatable; default: the lock's default-groups)
  -i, --index-url URL        the main package index (requirements files: where the pinned files are found)
      --extra-index-url URL  another index (repeatable)
  -f, --find-links LOC       a directory or page of wheels (repeatable)
      --no-index             use only --find-links locations
      --require-hashes       requirements files: hash-checking mode, every pin needs its --hash
      --no-require-hashes    requirements files: a --hash on a line does not turn hash-checking mode on
                               (pins without one are checked against the index's hashes)
      --dry-run              say what would change, change nothing
      --no-cache             use no cache at all
      --no-build-isolation   build sdists with the target environment as it is
  -c, --constraint FILE      requirements files: a pin this constraints file excludes is an error (repeatable)
  -C, --config-settings KEY=VALUE
                             settings for the build backends of what sync builds (repeatable; a
                               requirements-file line's own -C replaces them for its build)
      --src DIR              requirements files: where -e git+URL@COMMIT#egg=NAME is checked out (DIR/NAME; default ENV/src)
      --link-mode MODE       clone, copy or hardlink (default: reflink, else hard link, else copy; see \`venvkit install --help\`)
      --no-compile           install no .pyc (by default each module's bytecode is placed, from the cache)
      --compile              the default (accepted, as pip's)
  -q, --quiet                print nothing but errors
  -v, --verbose              say more
      --json                 print a report of what changed as JSON
`;

export default async function sync(argv: string[]): Promise<number> {
  const { values, positionals, argv: full } = parse('sync', argv, {
    env: { type: 'string' },
    exact: { type: 'boolean' },
    extra: { type: 'string', multiple: true },
    group: { type: 'string', multiple: true },
    'index-url': { type: 'string', short: 'i' },
    'extra-index-url': { type: 'string', multiple: true },
    'find-links': { type: 'string', short: 'f', multiple: true },
    'no-index': { type: 'boolean' },
    'require-hashes': { type: 'boolean' },
    'no-require-hashes': { type: 'boolean' },
    'dry-run': { type: 'boolean' },
    'no-cache': { type: 'boolean' },
    'no-build-isolation': { type: 'boolean' },
    src: { type: 'string' },
    constraint: { type: 'string', short: 'c', multiple: true },
    'config-settings': { type: 'string', short: 'C', multiple: true },
    'link-mode': { type: 'string' },
    compile: { type: 'boolean' },
    'no-compile': { type: 'boolean' },
  });
  if (values.help) {
    stdout(HELP);
    return 0;
  }
  const out: Output = { json: !!values.json, quiet: !!values.quiet, verbose: !!values.verbose };
  if (positionals.length !== 1) throw new VenvkitError('USAGE', `sync: give exactly one lock file (got ${positionals.length})`, { hint: 'Run `venvkit sync --help`.' });
  const mode = values['link-mode'] ?? process.env.VENVKIT_LINK_MODE;
  if (mode !== undefined && !LINK_MODES.includes(mode as LinkMode)) throw new VenvkitError('USAGE', `sync: --link-mode must be one of ${LINK_MODES.join(', ')} (got "${mode}")`);
  if (values['no-cache']) disableCaches();
  const root = locateVenv({ explicit: values.env }).root;
  const signal = abortOnSignals();
  const progress = new ProgressLine(process.stderr, !!process.stderr.isTTY && !out.quiet && !out.json);
  let report;
  try {
    report = await syncEnv({
      venv: root,
      lock: positionals[0]!,
      exact: values.exact,
      extras: values.extra,
      groups: values.group,
      dryRun: values['dry-run'],
      index: { indexUrl: values['index-url'], extraIndexUrls: values['extra-index-url'], findLinks: values['find-links'], noIndex: values['no-index'], ...(values['require-hashes'] ? { requireHashes: true } : {}), ...(values['no-require-hashes'] ? { noRequireHashes: true } : {}) },
      noCache: values['no-cache'],
      buildIsolation: !values['no-build-isolation'],
      ...(values.src !== undefined ? { srcDir: values.src } : {}),
      ...(values.constraint?.length ? { constraints: values.constraint } : {}),
      ...(values['config-settings']?.length ? { configSettings: parseConfigSettings(values['config-settings']) } : {}),
      linkMode: mode as LinkMode | undefined,
      // The last of --compile / --no-compile counts (pip's rule); compiling is the default.
      compile: !values['no-compile'] || (full.lastIndexOf('--compile') > full.lastIndexOf('--no-compile')),
      verbose: out.verbose,
      signal,
      onProgress: (e) => {
        if (e.phase === 'wait') {
          progress.clear();
          printWaiting(root, e.pid);
          return;
        }
        if (e.phase === 'build') {
          progress.clear();
          if (out.verbose && e.step === 'built') info(out, builtLine(e));
          return;
        }
        progress.event(e);
      },
      onWarning: (m) => {
        progress.clear();
        warn(out, m);
      },
    });
  } finally {
    progress.clear();
  }
  printRecovered(root, report.recovered);
  if (out.json) {
    printJson(report);
    return 0;
  }
  const t = formatMs(report.timings.totalMs);
  if (report.alreadySynced) {
    info(out, `${report.env} already matches ${report.lock} (${report.kept} packages, checked in ${t})`);
    return 0;
  }
  const verb = report.dryRun ? 'Would sync' : 'Synced';
  info(out, `${verb} ${report.env} to ${report.lock}: ${report.installed.length} installed, ${report.removed.length} removed, ${report.kept} kept${report.dryRun ? '' : ` (${t})`}`);
  for (const p of report.removed) info(out, ` - ${p.name}==${p.version}`);
  for (const p of report.installed) {
    if (p.previous) info(out, ` - ${p.name}==${p.previous}`);
    // A directory or checkout in a dry run: its version is known once built.
    info(out, p.version ? ` + ${p.name}==${p.version}` : ` + ${p.name === p.url ? p.url : `${p.name} @ ${p.url}`} (${p.kind === 'vcs' ? 'checked out and ' : ''}built)`);
  }
  return 0;
}
