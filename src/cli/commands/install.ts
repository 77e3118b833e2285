// venvkit install: requirements (PEP 508, wheel paths, file:// URLs, -r files) into an env,
// resolved against pip's configured indexes for the env's interpreter. See src/plan-apply/install.ts.
import { COMMON_OPTIONS, formatOps, parse } from '../args.js';
import { HELP } from './install-help.js';
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
import { setColorMode } from '../output.js';
import { canonicalArgv, checkPipCombinations, pipRun, PIP_INSTALL_OPTIONS, type PipRun } from '../pip-install-options.js';
import { envOfPython } from '../pip-python.js';
import { openLog, type RunLog } from '../run-log.js';
import { changeLines, rawProgress, writeReport } from '../install-output.js';
import type { ScriptMetadata } from '../../project/script-metadata.js';
import type { Layout } from '../../install/layout.js';
import type { ResolvedForReport } from '../../plan-apply/report.js';
import type { InterpreterInfo } from '../../python/types.js';
import type { Venv } from '../../venv/types.js';


function timeoutFlag(v: string | undefined): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isFinite(n) || n <= 0) throw new VenvkitError('USAGE', `install: --timeout must be a positive number of seconds (got "${v}")`);
  return n;
}

export const OPTIONS = {
    ...PIP_INSTALL_OPTIONS,
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
    // Layouts and the report (install/layout.ts, plan-apply/report.ts).
    target: { type: 'string', short: 't' },
    prefix: { type: 'string' },
    root: { type: 'string' },
    user: { type: 'boolean' },
    python: { type: 'string' },
    'ignore-installed': { type: 'boolean', short: 'I' },
    report: { type: 'string' },
    'python-version': { type: 'string' },
    platform: { type: 'string', multiple: true },
    implementation: { type: 'string' },
    abi: { type: 'string', multiple: true },
} as const;

type Values = ReturnType<typeof parse<typeof OPTIONS>>['values'];

export default async function install(rawArgv: string[]): Promise<number> {
  const parsed = parse('install', canonicalArgv(rawArgv, { ...COMMON_OPTIONS, ...OPTIONS }), OPTIONS);
  // (pip's abbreviations written out and its aliases as the options they stand for: args.ts)
  const argv = parsed.argv;
  const values = parsed.values;
  let positionals = parsed.positionals;
  if (values.help) {
    stdout(HELP);
    return 0;
  }
  const pip = pipRun(values, argv);
  if (pip.version) {
    const { VERSION } = await import('../version.js');
    stdout(`venvkit ${VERSION}\n`);
    return 0;
  }
  if (pip.noColor) setColorMode('never');
  if (pip.cacheDir) process.env.VENVKIT_CACHE_DIR = pip.cacheDir;
  const log = pip.log ? openLog(pip.log, ['install', ...rawArgv]) : undefined;
  try {
    return await run(values, positionals, argv, pip, log);
  } catch (e) {
    log?.error(e);
    throw e;
  } finally {
    log?.close();
  }
}

async function run(values: Values, positionals: string[], argv: string[], pip: PipRun, log: RunLog | undefined): Promise<number> {
  const out: Output = { json: !!values.json, quiet: !!values.quiet, verbose: !!values.verbose, ...(log ? { log: log.line } : {}) };
  if (values['require-hashes'] && values['no-require-hashes']) throw new VenvkitError('USAGE', 'install: --require-hashes and --no-require-hashes are mutually exclusive', { hint: 'Give one of them.', exitCode: 1 /* pip's */ });
  await checkPipCombinations({ pre: values.pre, noDeps: values['no-deps'], requirement: values.requirement, group: values.group }, pip);
  const script = pip.script ? { path: pip.script, meta: await (await import('../../project/script-metadata.js')).readScriptMetadata(pip.script) } : undefined;
  const files = values.requirement ?? [];
  const editables = values.editable ?? [];
  const groups = values.group ?? [];
  if (positionals.length === 0 && files.length === 0 && editables.length === 0 && groups.length === 0 && !script) {
    throw new VenvkitError('USAGE', 'install: give at least one requirement, wheel file, project directory, -e DIR or -r FILE', { hint: 'Run `venvkit install --help`.' });
  }
  const configSettings = values['config-settings']?.length ? parseConfigSettings(values['config-settings']) : undefined;
  const mode = values['link-mode'] ?? process.env.VENVKIT_LINK_MODE;
  if (mode !== undefined && !LINK_MODES.includes(mode as LinkMode)) throw new VenvkitError('USAGE', `install: --link-mode must be one of ${LINK_MODES.join(', ')} (got "${mode}")`);
  const noCache = !!values['no-cache'] || pip.noCache;
  if (noCache) disableCaches();
  if (values.report === '-' && out.json) throw new VenvkitError('USAGE', 'install: --report - and --json both write to stdout', { hint: 'Write the report to a file (--report FILE), or leave out --json.' });
  // pip's --no-user undoes an earlier --user (and the other way round): the last one counts.
  const user = !!values.user && argv.lastIndexOf('--user') > argv.lastIndexOf('--no-user');
  const layoutRequest = { target: values.target, prefix: values.prefix, root: values.root, user };
  let layout: Layout | undefined;
  // install/layout.ts (with interpreter discovery and child_process) is loaded only for a layout:
  // a static import of it made every install load and run it at start-up.
  if (layoutRequest.target !== undefined || layoutRequest.prefix !== undefined || layoutRequest.root !== undefined || layoutRequest.user) {
    const { layoutInterpreter, openLayout } = await import('../../install/layout.js');
    layout = await openLayout(layoutRequest, await layoutInterpreter(values.python, values.env));
  }
  // pip's --python without a layout: the environment of that interpreter (or directory).
  const explicit = values.env ?? (!layout && values.python !== undefined ? envOfPython(values.python) : undefined);
  try {
    return await installInto(layout?.venv ?? (await openVenv(locateVenv({ explicit }).root)), layout, values, argv, positionals, out, { files, editables, groups, configSettings, mode, pip, noCache, script });
  } finally {
    layout?.cleanup();
  }
}

/** pip's rules for --python-version/--platform/--implementation/--abi (pip's check_dist_restriction). */
async function checkTargetPythonUse(values: Values, argv: string[]): Promise<void> {
  const { FormatControl } = await import('../../index/format-control.js');
  const fc = FormatControl.from(formatOps(argv));
  if (!values['no-deps'] && !(fc.onlyBinary.has(':all:') && fc.noBinary.size === 0)) {
    throw new VenvkitError('USAGE', 'install: with --python-version, --platform, --implementation or --abi, either --no-deps must be set, or --only-binary :all: (and no --no-binary)', {
      hint: 'Sdists cannot be built for another interpreter: add --only-binary :all:, or --no-deps.',
    });
  }
  if (values.target === undefined && !values['dry-run']) {
    throw new VenvkitError('USAGE', 'install: --python-version, --platform, --implementation and --abi install only into a --target directory, or with --dry-run', { hint: 'Add --target DIR or --dry-run.' });
  }
}



async function installInto(venv: Venv, layout: Layout | undefined, values: Values, argv: string[], positionals: string[], out: Output, o: {
  files: string[]; editables: string[]; groups: string[]; configSettings: ReturnType<typeof parseConfigSettings> | undefined; mode: string | undefined;
  pip: PipRun; noCache: boolean; script: { path: string; meta: ScriptMetadata } | undefined;
}): Promise<number> {
  const { files, editables, groups, configSettings, mode, pip, noCache, script } = o;
  if (script && venv.base) (await import('../../project/script-metadata.js')).checkScriptPython(script.path, script.meta, venv.base.versionString);
  const reportTo = values.report;
  const ignoreInstalled = !!values['ignore-installed'] || values.target !== undefined;
  const tp = { pythonVersion: values['python-version'], platforms: values.platform, implementation: values.implementation, abis: values.abi };
  let targetPy: { info: InterpreterInfo; tags: string[] } | undefined;
  if (tp.pythonVersion !== undefined || tp.platforms?.length || tp.implementation !== undefined || tp.abis?.length) {
    const { targetPython } = await import('../../install/target-python.js');
    await checkTargetPythonUse(values, argv);
    if (venv.base) targetPy = targetPython(venv.base, tp);
  }
  const signal = abortOnSignals();
  // What a killed venvkit left is finished first, so the check below reads what is really installed.
  const recovered = await repairEnv(venv.root, { signal, onWait: (pid) => printWaiting(venv.root, pid) });
  printRecovered(venv.root, recovered);
  // A script's dependencies are requirements of their own kind: pip gives them no -C (its get_requirements).
  const inputs = { requirements: positionals, requirementFiles: files, constraintFiles: values.constraint ?? [], editables, groups, scriptRequirements: script?.meta.dependencies ?? [] };
  const flags = {
    indexUrl: values['index-url'],
    extraIndexUrls: values['extra-index-url'],
    findLinks: values['find-links'],
    noIndex: values['no-index'],
    ...pip.index,
    pre: values.pre,
    requireHashes: values['require-hashes'],
    timeout: timeoutFlag(values.timeout),
    formatControl: formatOps(argv),
    preferBinary: values['prefer-binary'],
  };
  const started = Date.now();
  // Already installed? Answered without loading the resolver or reading any index.
  const pre = await precheck(venv, inputs, flags, { skip: values.upgrade || values['force-reinstall'] || ignoreInstalled || !!targetPy || pip.onlyDeps, configSettings });
  if (pre.satisfied) {
    if (reportTo !== undefined && venv.base) await writeReport(reportTo, { packages: [], requirements: [], directUrlOf: () => undefined, metadataText: async () => '' }, venv.base);
    const ms = Date.now() - started;
    if (out.json) printJson({ env: venv.root, dryRun: !!values['dry-run'], alreadySatisfied: true, resolved: [], installed: [], removed: [], ...(recovered.length ? { recovered } : {}), timings: { resolveMs: 0, fetchMs: 0, installMs: 0, totalMs: ms } });
    else info(out, `Requirements already satisfied (checked in ${formatMs(ms)})`);
    return 0;
  }
  const { installRequirements } = await import('../../plan-apply/install.js');
  const progress = new ProgressLine(process.stderr, !!process.stderr.isTTY && !out.quiet && !out.json && pip.progress !== 'off' && pip.progress !== 'raw');
  const raw = pip.progress === 'raw' && !out.json ? rawProgress() : undefined;
  let report;
  try {
    report = await installRequirements(venv, inputs, {
      buildIsolation: !values['no-build-isolation'],
      configSettings,
      ...(pip.srcDir ? { srcDir: pip.srcDir } : {}),
      verbose: out.verbose,
      index: flags,
      prechecked: pre,
      noDeps: values['no-deps'],
      ...(pip.onlyDeps ? { onlyDeps: true } : {}),
      ...(pip.ignoreRequiresPython ? { ignoreRequiresPython: true } : {}),
      ...(pip.buildConstraints.length ? { buildConstraints: pip.buildConstraints } : {}),
      upgrade: values.upgrade,
      ...(values.upgrade && pip.eager ? { upgradeStrategy: 'eager' as const } : {}),
      forceReinstall: values['force-reinstall'],
      dryRun: values['dry-run'],
      noCache,
      linkMode: mode as LinkMode | undefined,
      compile: !values['no-compile'],
      ignoreInstalled,
      ...(targetPy ? { targetPython: targetPy } : {}),
      ...(reportTo !== undefined ? { onResolved: (r: ResolvedForReport) => writeReport(reportTo, r, venv.base!) } : {}),
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
        raw?.(e);
      },
      onWarning: (m) => {
        progress.clear();
        warn(out, m);
      },
      onNote: out.verbose ? (m) => {
        progress.clear();
        info(out, m);
      } : out.log,
    });
  } finally {
    progress.clear();
  }
  printRecovered(venv.root, report.recovered);
  if (recovered.length) report.recovered = [...recovered, ...(report.recovered ?? [])];
  if (layout && !report.dryRun && report.installed.length) for (const w of layout.finish(!!values.upgrade)) warn(out, w);
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
