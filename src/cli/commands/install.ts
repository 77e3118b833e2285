// venvkit install: requirements (PEP 508, wheel paths, file:// URLs, -r files) into an env,
// resolved against pip's configured indexes for the env's interpreter. See src/pip/install.ts.
import { parse } from '../args.js';
// The unpack worker threads load this command's bundle and call this (see src/pip/unpack-pool.ts).
export { unpackForWorker } from '../../pip/install.js';
import { info, printJson, warn, type Output, stdout } from '../output.js';
import { VenvkitError } from '../../errors.js';
import { LINK_MODES, type LinkMode } from '../../install/link.js';
import { locateVenv } from '../../venv/locate.js';
import { openVenv } from '../../venv/open.js';
import { precheck } from '../../pip/fast-path.js';
import { ProgressLine, formatMs } from '../../pip/progress.js';

const HELP = `Usage: venvkit install [options] REQUIREMENT... [-r FILE]...

Install packages (and what they depend on) into an environment, resolving them against the
indexes pip is configured with (pip.conf, PIP_INDEX_URL...), for the environment's interpreter.
A requirement is a PEP 508 string ("flask>=3", "uvicorn[standard]"), a .whl path or a file:// URL.

Options:
      --env DIR              the environment (default: $VIRTUAL_ENV, else the nearest .venv upwards)
  -r, --requirement FILE     install from a requirements file (repeatable)
  -c, --constraint FILE      constrain versions with a constraints file (repeatable)
  -i, --index-url URL        the main package index (replaces pip's)
      --extra-index-url URL  another index (repeatable)
  -f, --find-links LOC       a directory or page of wheels (repeatable)
      --no-index             use only --find-links locations
      --no-deps              do not install dependencies
  -U, --upgrade              upgrade the named packages to the newest allowed versions
      --force-reinstall      reinstall everything resolved, even when up to date
      --pre                  allow pre-releases
      --require-hashes       demand a --hash for every requirement (implied by any --hash)
      --dry-run              resolve and report, change nothing
      --timeout SECONDS      network timeout: no data for this long, or a body slower than 1 KiB/s over it (default pip's, 15)
      --no-cache             do not use or fill venvkit's download and page caches
      --link-mode MODE       clone | hardlink | copy (default clone, falling back to hardlink, then copy)
      --compile              byte-compile the installed modules
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
    constraint: { type: 'string', short: 'c', multiple: true },
    'index-url': { type: 'string', short: 'i' },
    'extra-index-url': { type: 'string', multiple: true },
    'find-links': { type: 'string', short: 'f', multiple: true },
    'no-index': { type: 'boolean' },
    'no-deps': { type: 'boolean' },
    upgrade: { type: 'boolean', short: 'U' },
    'force-reinstall': { type: 'boolean' },
    pre: { type: 'boolean' },
    'require-hashes': { type: 'boolean' },
    'dry-run': { type: 'boolean' },
    'no-cache': { type: 'boolean' },
    timeout: { type: 'string' },
    'link-mode': { type: 'string' },
    compile: { type: 'boolean' },
  });
  if (values.help) {
    stdout(HELP);
    return 0;
  }
  const out: Output = { json: !!values.json, quiet: !!values.quiet, verbose: !!values.verbose };
  const files = values.requirement ?? [];
  if (positionals.length === 0 && files.length === 0) {
    throw new VenvkitError('USAGE', 'install: give at least one requirement, wheel file or -r FILE', { hint: 'Run `venvkit install --help`.' });
  }
  const mode = values['link-mode'] ?? process.env.VENVKIT_LINK_MODE;
  if (mode !== undefined && !LINK_MODES.includes(mode as LinkMode)) throw new VenvkitError('USAGE', `install: --link-mode must be one of ${LINK_MODES.join(', ')} (got "${mode}")`);
  const venv = await openVenv(locateVenv({ explicit: values.env }).root);
  const inputs = { requirements: positionals, requirementFiles: files, constraintFiles: values.constraint ?? [] };
  const flags = {
    indexUrl: values['index-url'],
    extraIndexUrls: values['extra-index-url'],
    findLinks: values['find-links'],
    noIndex: values['no-index'],
    pre: values.pre,
    requireHashes: values['require-hashes'],
    timeout: timeoutFlag(values.timeout),
  };
  const started = Date.now();
  // Already installed? Answered without loading the resolver or reading any index.
  const pre = await precheck(venv, inputs, flags, { skip: values.upgrade || values['force-reinstall'] });
  if (pre.satisfied) {
    const ms = Date.now() - started;
    if (out.json) printJson({ env: venv.root, dryRun: !!values['dry-run'], alreadySatisfied: true, resolved: [], installed: [], removed: [], timings: { resolveMs: 0, fetchMs: 0, installMs: 0, totalMs: ms } });
    else info(out, `Requirements already satisfied (checked in ${formatMs(ms)})`);
    return 0;
  }
  const { installRequirements } = await import('../../pip/install.js');
  const progress = new ProgressLine(process.stderr, !!process.stderr.isTTY && !out.quiet && !out.json);
  let report;
  try {
    report = await installRequirements(venv, inputs, {
      index: flags,
      prechecked: pre,
      noDeps: values['no-deps'],
      upgrade: values.upgrade,
      forceReinstall: values['force-reinstall'],
      dryRun: values['dry-run'],
      noCache: values['no-cache'],
      linkMode: mode as LinkMode | undefined,
      compile: values.compile,
      onEvent: (e) => progress.event(e),
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
  if (out.json) {
    printJson(report);
    return 0;
  }
  const t = formatMs(report.timings.totalMs);
  if (report.alreadySatisfied) {
    info(out, `Requirements already satisfied (checked in ${t})`);
    return 0;
  }
  if (out.verbose) info(out, `Resolved ${report.resolved.length} packages in ${formatMs(report.timings.resolveMs)}`);
  if (report.dryRun) {
    if (report.installed.length === 0) info(out, `Would install nothing: all ${report.resolved.length} resolved packages are installed`);
    else info(out, `Would install ${report.installed.map((p) => `${p.name}==${p.version}`).join(' ')}`);
    return 0;
  }
  if (report.installed.length === 0) {
    info(out, `Nothing to install: all ${report.resolved.length} resolved packages are installed (${t})`);
    return 0;
  }
  const n = report.installed.length;
  info(out, `Installed ${n} package${n === 1 ? '' : 's'} in ${t}`);
  for (const p of report.installed) {
    if (p.previous) info(out, ` - ${p.name}==${p.previous}`);
    info(out, ` + ${p.name}==${p.version}`);
  }
  return 0;
}
