// venvkit install: requirements (PEP 508, wheel paths, file:// URLs, -r files) into an env,
// resolved against pip's configured indexes for the env's interpreter. See src/plan-apply/install.ts.
import { formatOps, parse } from '../args.js';
import { info, printJson, warn, type Output, stdout } from '../output.js';
import { VenvkitError } from '../../errors.js';
import { LINK_MODES, type LinkMode } from '../../install/link.js';
import { disableCaches } from '../../cache/trust.js';
import { locateVenv } from '../../venv/locate.js';
import { openVenv } from '../../venv/open.js';
import { precheck } from '../../plan-apply/fast-path.js';
import { ProgressLine, builtLine, formatMs } from '../../plan-apply/progress.js';
import { parseConfigSettings } from '../../build/config-settings.js';
import { repairEnv } from '../../install/recover.js';
import { abortOnSignals } from '../signals.js';
import { printRecovered, printWaiting } from '../recovered.js';
import { canonicalizeName } from '../../pep/names.js';

const HELP = `Usage: venvkit install [options] REQUIREMENT... [-r FILE]...

Install packages (and what they depend on) into an environment, resolving them against the
indexes pip is configured with (pip.conf, PIP_INDEX_URL...), for the environment's interpreter.
A requirement is a PEP 508 string ("flask>=3", "uvicorn[standard]"), a .whl path or a file:// URL,
a project directory (".", "./pkg[extra]", "name @ file:///dir") or an sdist (x-1.0.tar.gz, .zip);
projects and sdists are built with their PEP 517 backend first.

Options:
      --env DIR              the environment (default: $VIRTUAL_ENV, else the nearest .venv upwards)
  -e, --editable DIR         install the project in DIR in editable mode (PEP 660; repeatable)
  -r, --requirement FILE     install from a requirements file (repeatable)
      --group [PATH:]NAME    install a PEP 735 dependency group of PATH (default ./pyproject.toml; repeatable)
  -c, --constraint FILE      constrain versions with a constraints file (repeatable)
  -i, --index-url URL        the main package index (replaces pip's)
      --extra-index-url URL  another index (repeatable)
  -f, --find-links LOC       a directory or page of wheels (repeatable)
      --no-index             use only --find-links locations
      --no-deps              do not install dependencies
  -U, --upgrade              upgrade the named packages to the newest allowed versions
      --force-reinstall      reinstall everything resolved, even when up to date
      --pre                  allow pre-releases
      --no-binary NAMES      do not use wheels of these projects (comma list, :all: or :none:): build their sdists
      --only-binary NAMES    do not use sdists of these projects (comma list, :all: or :none:)
      --prefer-binary        prefer an older version with a wheel to a newer one with only an sdist
      --require-hashes       demand a --hash for every requirement (implied by any --hash)
      --dry-run              resolve and report, change nothing
      --timeout SECONDS      network timeout: no data for this long, or a body slower than 1 KiB/s over it (default pip's, 15)
      --no-cache             use no cache at all (downloads, index pages, unpacked wheels, interpreters)
      --no-build-isolation   build projects with the target environment as it is
  -C, --config-settings K=V  a setting for the build backend (repeatable; a repeated key is a list)
      --link-mode MODE       how files come from the unpacked-wheel cache (or $VENVKIT_LINK_MODE):
                               clone     reflink where the file system can, else copy (the default)
                               copy      always copy
                               hardlink  share the cache's files: fastest, but an in-place edit of an
                                         installed file then changes the cache and every env that
                                         shares it (the next install notices and unpacks it again)
      --no-compile           install no bytecode (.pyc): by default each wheel is compiled once per
                               interpreter, kept in the cache and placed with its sources
      --compile              byte-compile the installed modules (the default)
  -q, --quiet                print nothing but errors
  -v, --verbose              say more (resolution time, each package)
      --json                 print a report of what was resolved and installed as JSON
`;

function timeoutFlag(v: string | undefined): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isFinite(n) || n <= 0) throw new VenvkitError('USAGE', `install: --timeout must be a positive number of seconds (got "${v}")`);
  return n;
}

export default async function install(argv: string[]): Promise<number> {
  const { values, positionals } = parse('install', argv, {
    env: { type: 'string' },
    requirement: { type: 'string', short: 'r', multiple: true },
    editable: { type: 'string', short: 'e', multiple: true },
    group: { type: 'string', multiple: true },
    'no-build-isolation': { type: 'boolean' },
    'config-settings': { type: 'string', short: 'C', multiple: true },
    constraint: { type: 'string', short: 'c', multiple: true },
    'index-url': { type: 'string', short: 'i' },
    'extra-index-url': { type: 'string', multiple: true },
    'find-links': { type: 'string', short: 'f', multiple: true },
    'no-index': { type: 'boolean' },
    'no-deps': { type: 'boolean' },
    upgrade: { type: 'boolean', short: 'U' },
    'force-reinstall': { type: 'boolean' },
    pre: { type: 'boolean' },
    'no-binary': { type: 'string', multiple: true },
    'only-binary': { type: 'string', multiple: true },
    'prefer-binary': { type: 'boolean' },
    'require-hashes': { type: 'boolean' },
    'dry-run': { type: 'boolean' },
    'no-cache': { type: 'boolean' },
    timeout: { type: 'string' },
    'link-mode': { type: 'string' },
    compile: { type: 'boolean' },
    'no-compile': { type: 'boolean' },
  });
  if (values.help) {
    stdout(HELP);
    return 0;
  }
  const out: Output = { json: !!values.json, quiet: !!values.quiet, verbose: !!values.verbose };
  const files = values.requirement ?? [];
  const editables = values.editable ?? [];
  const groups = values.group ?? [];
  if (positionals.length === 0 && files.length === 0 && editables.length === 0 && groups.length === 0) {
    throw new VenvkitError('USAGE', 'install: give at least one requirement, wheel file, project directory, -e DIR or -r FILE', { hint: 'Run `venvkit install --help`.' });
  }
  const configSettings = values['config-settings']?.length ? parseConfigSettings(values['config-settings']) : undefined;
  const mode = values['link-mode'] ?? process.env.VENVKIT_LINK_MODE;
  if (mode !== undefined && !LINK_MODES.includes(mode as LinkMode)) throw new VenvkitError('USAGE', `install: --link-mode must be one of ${LINK_MODES.join(', ')} (got "${mode}")`);
  if (values['no-cache']) disableCaches();
  const venv = await openVenv(locateVenv({ explicit: values.env }).root);
  const signal = abortOnSignals();
  // What a killed venvkit left is finished first, so the check below reads what is really installed.
  const recovered = await repairEnv(venv.root, { signal, onWait: (pid) => printWaiting(venv.root, pid) });
  printRecovered(venv.root, recovered);
  const inputs = { requirements: positionals, requirementFiles: files, constraintFiles: values.constraint ?? [], editables, groups };
  const flags = {
    indexUrl: values['index-url'],
    extraIndexUrls: values['extra-index-url'],
    findLinks: values['find-links'],
    noIndex: values['no-index'],
    pre: values.pre,
    requireHashes: values['require-hashes'],
    timeout: timeoutFlag(values.timeout),
    formatControl: formatOps(argv),
    preferBinary: values['prefer-binary'],
  };
  const started = Date.now();
  // Already installed? Answered without loading the resolver or reading any index.
  const pre = await precheck(venv, inputs, flags, { skip: values.upgrade || values['force-reinstall'], configSettings });
  if (pre.satisfied) {
    const ms = Date.now() - started;
    if (out.json) printJson({ env: venv.root, dryRun: !!values['dry-run'], alreadySatisfied: true, resolved: [], installed: [], removed: [], ...(recovered.length ? { recovered } : {}), timings: { resolveMs: 0, fetchMs: 0, installMs: 0, totalMs: ms } });
    else info(out, `Requirements already satisfied (checked in ${formatMs(ms)})`);
    return 0;
  }
  const { installRequirements } = await import('../../plan-apply/install.js');
  const progress = new ProgressLine(process.stderr, !!process.stderr.isTTY && !out.quiet && !out.json);
  let report;
  try {
    report = await installRequirements(venv, inputs, {
      buildIsolation: !values['no-build-isolation'],
      configSettings,
      verbose: out.verbose,
      index: flags,
      prechecked: pre,
      noDeps: values['no-deps'],
      upgrade: values.upgrade,
      forceReinstall: values['force-reinstall'],
      dryRun: values['dry-run'],
      noCache: values['no-cache'],
      linkMode: mode as LinkMode | undefined,
      compile: !values['no-compile'],
      signal,
      onProgress: (e) => {
        if (e.phase === 'wait') {
          progress.clear();
          printWaiting(venv.root, e.pid);
          return;
        }
        if (e.phase === 'build') {
          progress.clear();
          if (out.verbose && e.step === 'build-env') info(out, `${e.detail === 'reused' ? 'Using' : 'Making'} the build environment for ${e.name || '(no requirements)'}`);
          if (out.verbose && e.step === 'built') info(out, builtLine(e));
          return;
        }
        progress.event(e);
      },
      onWarning: (m) => {
        progress.clear();
        warn(out, m);
      },
      onNote: out.verbose ? (m) => {
        progress.clear();
        info(out, m);
      } : undefined,
    });
  } finally {
    progress.clear();
  }
  printRecovered(venv.root, report.recovered);
  if (recovered.length) report.recovered = [...recovered, ...(report.recovered ?? [])];
  if (out.json) {
    printJson(report);
    return 0;
  }
  const t = formatMs(report.timings.totalMs);
  if (report.alreadySatisfied) {
    info(out, `Requirements already satisfied (checked in ${t})`);
    return 0;
  }
  const n = report.installed.length;
  const packages = (k: number) => `${k} package${k === 1 ? '' : 's'}`;
  info(out, `Resolved ${packages(report.resolved.length)} in ${formatMs(report.timings.resolveMs)}`);
  if (report.dryRun) {
    if (report.installed.length === 0) info(out, `Would install nothing: all ${report.resolved.length} resolved packages are installed`);
    else info(out, `Would install ${report.installed.map((p) => `${p.name}==${p.version}`).join(' ')}`);
    return 0;
  }
  if (report.installed.length === 0) {
    info(out, `Nothing to install: all ${report.resolved.length} resolved packages are installed (${t})`);
    return 0;
  }
  if (report.timings.fetchMs > 0) info(out, `Prepared ${packages(n)} in ${formatMs(report.timings.fetchMs)}`);
  info(out, `Installed ${packages(n)} in ${formatMs(report.timings.installMs)}`);
  for (const line of changeLines(report)) info(out, line);
  return 0;
}

/** What changed, by name, as uv shows it: ` - name==old` then ` + name==new`, ` ~ name==v` for a reinstall. */
function changeLines(report: { installed: { name: string; version: string; previous?: string }[]; removed: { name: string; version: string }[] }): string[] {
  const lines: [string, number, string][] = [];
  const key = canonicalizeName;
  for (const p of report.installed) {
    if (p.previous === p.version) lines.push([key(p.name), 1, ` ~ ${p.name}==${p.version}`]);
    else lines.push([key(p.name), 2, ` + ${p.name}==${p.version}`]);
  }
  for (const r of report.removed) {
    if (!report.installed.some((p) => key(p.name) === key(r.name) && p.previous === r.version && p.version === r.version)) lines.push([key(r.name), 0, ` - ${r.name}==${r.version}`]);
  }
  return lines.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : a[1] - b[1])).map((l) => l[2]);
}
