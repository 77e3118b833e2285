// The options of `pip install` (pip 26.2) that venvkit's own flags do not already cover: parsed
// with pip's names, aliases and choices, each turned into what it means here, or accepted as a
// documented no-op where venvkit already behaves as the option asks. install.ts merges these
// into its parser; the layouts (--target, --prefix, --root, --user, --python, -I, --report,
// --python-version, --platform, --implementation, --abi) are its own.
import { existsSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { VenvkitError } from '../errors.js';
import type { IndexFlags } from '../index/pip-config.js';
import { PIP_FEATURES } from '../index/requirements-file.js';
import { checkReleaseOp, type ReleaseOp } from '../index/release-control.js';
import { expandAbbreviations } from './abbrev.js';
import { foldNames } from '../index/mutual-excludes.js';
import { EXISTS_ACTIONS, KEYRING_PROVIDERS } from './pip-general-local.js';

export const PIP_INSTALL_OPTIONS = {
  'no-cache-dir': { type: 'boolean' },
  'cache-dir': { type: 'string' },
  'progress-bar': { type: 'string' },
  'upgrade-strategy': { type: 'string' },
  'trusted-host': { type: 'string', multiple: true },
  cert: { type: 'string' },
  'client-cert': { type: 'string' },
  proxy: { type: 'string' },
  'no-proxy-env': { type: 'boolean' },
  retries: { type: 'string' },
  isolated: { type: 'boolean' },
  log: { type: 'string' },
  'no-color': { type: 'boolean' },
  version: { type: 'boolean', short: 'V' },
  'no-require-hashes': { type: 'boolean' },
  'requirements-from-script': { type: 'string', multiple: true },
  'all-releases': { type: 'string', multiple: true },
  'only-final': { type: 'string', multiple: true },
  // Checked, then no-ops (see NO_OPS).
  'disable-pip-version-check': { type: 'boolean' },
  'no-input': { type: 'boolean' },
  'root-user-action': { type: 'string' },
  'no-warn-script-location': { type: 'boolean' },
  'no-warn-conflicts': { type: 'boolean' },
  'exists-action': { type: 'string', multiple: true },
  'keyring-provider': { type: 'string' },
  'use-pep517': { type: 'boolean' },
  'no-clean': { type: 'boolean' },
  src: { type: 'string' },
  'require-virtualenv': { type: 'boolean' },
  'use-feature': { type: 'string', multiple: true },
  'use-deprecated': { type: 'string', multiple: true },
  'resume-retries': { type: 'string' },
  debug: { type: 'boolean' },
  'no-python-version-warning': { type: 'boolean' },
  'break-system-packages': { type: 'boolean' },
  // pip's hidden opposite of --user (the last of the two counts).
  'no-user': { type: 'boolean' },
  'only-deps': { type: 'boolean' },
  'build-constraint': { type: 'string', multiple: true },
  'ignore-requires-python': { type: 'boolean' },
  'refresh-package': { type: 'string', multiple: true },
  'uploaded-prior-to': { type: 'string' },
  // pip's other spellings of the same options (optparse aliases): args.ts writes each as the option it stands for.
  'no-dependencies': { type: 'boolean', aliasOf: 'no-deps' },
  'only-dependencies': { type: 'boolean', aliasOf: 'only-deps' },
  'pypi-url': { type: 'string', aliasOf: 'index-url' },
  source: { type: 'string', aliasOf: 'src' },
  'source-dir': { type: 'string', aliasOf: 'src' },
  'source-directory': { type: 'string', aliasOf: 'src' },
  'require-venv': { type: 'boolean', aliasOf: 'require-virtualenv' },
  'log-file': { type: 'string', aliasOf: 'log' },
  'local-log': { type: 'string', aliasOf: 'log' },
  'default-timeout': { type: 'string', aliasOf: 'timeout' },
} as const;

/** Choices pip checks; venvkit checks the same. */
const CHOICES: Record<string, readonly string[]> = {
  'progress-bar': ['auto', 'on', 'off', 'raw'],
  'upgrade-strategy': ['only-if-needed', 'eager'],
  'root-user-action': ['warn', 'ignore'],
  'exists-action': EXISTS_ACTIONS,
  'keyring-provider': KEYRING_PROVIDERS,
  'use-feature': PIP_FEATURES,
  'use-deprecated': ['legacy-resolver', 'legacy-certs'],
};

/** Accepted and checked, with no effect: why each needs none in venvkit (shown by --help too). */
export const NO_OPS: Record<string, string> = {
  'disable-pip-version-check': 'venvkit never checks for a newer version of itself',
  'no-input': 'install never prompts',
  'root-user-action': 'venvkit does not warn when run as root (it installs into an environment)',
  'no-warn-script-location': 'scripts go to the environment\'s bin directory, so there is no such warning',
  'no-warn-conflicts': 'the resolver installs no conflicting set, so there is no such warning',
  'exists-action': 'venvkit never asks about existing paths (VCS checkouts are made afresh)',
  'keyring-provider': 'venvkit takes credentials from the URL or ~/.netrc, never from keyring',
  'use-pep517': 'projects are always built through PEP 517',
  'no-clean': 'build directories are temporary and removed',
  'require-virtualenv': 'venvkit always installs into an environment',
  'use-feature': 'each pip feature is a pip internal or how venvkit already works',
  'use-deprecated': 'pip\'s legacy resolver and certificates do not exist here',
  'resume-retries': 'an interrupted download is retried from the start (--retries)',
  debug: 'venvkit\'s errors carry their cause',
  'no-python-version-warning': 'pip no longer warns about the Python version',
  'break-system-packages': 'venvkit does not refuse an externally managed interpreter (PEP 668), so there is nothing to override',
};

/** install's options that pip 26.2's `pip install` does not have (matched as abbreviations only after pip's). */
export const VENVKIT_ONLY = ['env', 'json', 'color', 'no-cache', 'link-mode'];
/** pip 26.2 install options venvkit refuses (named as such rather than "unknown"). */
const UNSUPPORTED: Record<string, string> = {
  'check-build-dependencies': 'venvkit does not check the build requirements of a --no-build-isolation build; install them first',
};

type OptionTable = Record<string, { type: 'string' | 'boolean'; short?: string }>;

/** pip 26.2's long options of `pip install` (aliases included), as venvkit knows them from install's `table`. */
export function pipOptionNames(table: OptionTable): string[] {
  return [...Object.keys(table).filter((n) => !VENVKIT_ONLY.includes(n)), ...Object.keys(UNSUPPORTED)];
}

/**
 * argv as install's parser reads it: pip's abbreviations written out (optparse: a unique prefix of
 * a long option; pip's names first, then venvkit's own), and pip's options venvkit does not take
 * refused (up to a `--`). `table`: install's whole option table (its aliases, marked `aliasOf`,
 * are written as the options they stand for by args.ts).
 */
export function canonicalArgv(argv: string[], table: OptionTable): string[] {
  const own = Object.keys(table);
  const pip = pipOptionNames(table);
  const short = new Set(Object.values(table).filter((o) => o.type === 'string' && o.short).map((o) => o.short!));
  const out = expandAbbreviations(argv, {
    pip, own, command: 'install',
    takesValue: (n) => table[n]?.type === 'string',
    shortTakesValue: (c) => short.has(c),
  });
  for (let i = 0; i < out.length && out[i] !== '--'; i++) {
    const m = /^--([a-z0-9-]+)(=.*)?$/.exec(out[i]!);
    if (m && UNSUPPORTED[m[1]!]) throw new VenvkitError('USAGE', `install: --${m[1]} is a pip option venvkit does not take: ${UNSUPPORTED[m[1]!]}`, { hint: 'Leave it out.' });
  }
  return out;
}

type PipValues = { [K in keyof typeof PIP_INSTALL_OPTIONS]?: (typeof PIP_INSTALL_OPTIONS)[K] extends { multiple: true } ? string[] : (typeof PIP_INSTALL_OPTIONS)[K] extends { type: 'string' } ? string : boolean };

/** What the pip options ask of this run. */
export interface PipRun {
  index: IndexFlags;
  /** --no-cache-dir: no cache at all (as --no-cache). */
  noCache: boolean;
  /** --cache-dir: venvkit's cache root for this run. */
  cacheDir?: string;
  /** --progress-bar: auto/on (a status line on a terminal), off (none), raw (pip's "Progress N of M" lines on stdout). */
  progress: 'auto' | 'on' | 'off' | 'raw';
  /** --upgrade-strategy eager: -U upgrades every dependency as well. */
  eager: boolean;
  log?: string;
  noColor: boolean;
  version: boolean;
  /** --all-releases / --only-final in command-line order (also in `index`). */
  releaseControl: ReleaseOp[];
  /** --only-deps: the requirements' dependencies, not the requirements. */
  onlyDeps: boolean;
  /** --build-constraint files (absolute). */
  buildConstraints: string[];
  /** --ignore-requires-python. */
  ignoreRequiresPython: boolean;
  /** --requirements-from-script FILE (PEP 723): its dependencies are requirements. */
  script?: string;
  /** --src DIR (absolute): editable VCS checkouts go to DIR/<name> (default <env>/src). */
  srcDir?: string;
}

function positiveInt(name: string, v: string | undefined, command = 'install'): number | undefined {
  if (v === undefined) return undefined;
  if (!/^\d+$/.test(v)) throw new VenvkitError('USAGE', `${command}: --${name} must be a whole number (got "${v}")`, { hint: `Give --${name} 0 or more.` });
  return Number(v);
}

/** --all-releases / --only-final as given, in order (parseArgs keeps each option's values apart). */
export function releaseOps(argv: string[], command = 'install'): ReleaseOp[] {
  const ops: ReleaseOp[] = [];
  for (let i = 0; i < argv.length && argv[i] !== '--'; i++) {
    const m = /^--(all-releases|only-final)(?:=(.*))?$/.exec(argv[i]!);
    if (m) ops.push(checkReleaseOp({ option: m[1] as ReleaseOp['option'], value: m[2] ?? argv[++i] ?? '' }, command));
  }
  return ops;
}

/** --refresh-package values as pip's callback folds them: names (normalised), or [':all:']. */
export function refreshPackages(values: string[], command = 'install'): string[] {
  const set = new Set<string>();
  for (const value of values) {
    if (value === '' || value.startsWith('-')) throw new VenvkitError('USAGE', `${command}: --refresh-package needs a value: :all: or project names with commas between them`, { hint: 'e.g. --refresh-package requests' });
    foldNames(value, set, undefined);
  }
  return [...set];
}

/**
 * --uploaded-prior-to as pip 26.2 reads it: PnD (that many whole days before now) or an ISO 8601
 * date or date-time (local time when it names no offset); ms since the epoch.
 */
export function uploadedPriorTo(value: string, now = Date.now(), command = 'install'): number {
  const days = /^P(\d+)D$/.exec(value);
  if (days) return now - Number(days[1]) * 86_400_000;
  const m = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2})(?::?(\d{2})(?::?(\d{2})(?:[.,](\d{1,6}))?)?)?)?(Z|[+-]\d{2}(?::?\d{2})?)?$/.exec(value);
  const t = m ? Date.parse(`${m[1]}-${m[2]}-${m[3]}T${m[4] ?? '00'}:${m[5] ?? '00'}:${m[6] ?? '00'}.${(m[7] ?? '0').padEnd(3, '0').slice(0, 3)}${m[8] ? (m[8] === 'Z' ? 'Z' : offset(m[8])) : ''}`) : NaN;
  if (!Number.isFinite(t)) {
    throw new VenvkitError('USAGE', `${command}: --uploaded-prior-to: invalid value: '${value}'. Expected an ISO 8601 datetime string (e.g. '2023-01-01' or '2023-01-01T00:00:00Z') or a duration in days (e.g. 'P3D')`, { hint: 'Give a date, a date-time, or PnD.' });
  }
  return t;
}

function offset(o: string): string {
  const d = o.replace(':', '');
  return `${d.slice(0, 3)}:${d.length > 3 ? d.slice(3) : '00'}`;
}

/** Check the values pip checks and turn the options into a PipRun (`argv`: for the order of --all-releases / --only-final). */
export function pipRun(values: PipValues, argv: string[] = [], command = 'install'): PipRun {
  for (const [name, choices] of Object.entries(CHOICES)) {
    const got = (values as Record<string, string | string[] | undefined>)[name];
    for (const v of got === undefined ? [] : Array.isArray(got) ? got : [got]) {
      if (!choices.includes(v)) throw new VenvkitError('USAGE', `${command}: --${name} must be one of ${choices.join(', ')} (got "${v}")`, { hint: `Run \`venvkit ${command} --help\`.` });
    }
  }
  positiveInt('resume-retries', values['resume-retries'], command);
  const ops = releaseOps(argv, command);
  const scripts = values['requirements-from-script'] ?? [];
  if (scripts.length > 1) throw new VenvkitError('USAGE', 'install: --requirements-from-script can only be given once', { hint: 'Install the other scripts\' dependencies in another run.' });
  const index: IndexFlags = {};
  if (values['trusted-host']?.length) index.trustedHosts = values['trusted-host'];
  if (values.cert !== undefined) index.cert = existingFile('cert', values.cert, command);
  if (values['client-cert'] !== undefined) index.clientCert = existingFile('client-cert', values['client-cert'], command);
  if (values.proxy !== undefined) {
    try {
      new URL(/^[a-z][a-z0-9+.-]*:\/\//i.test(values.proxy) ? values.proxy : `http://${values.proxy}`);
    } catch {
      throw new VenvkitError('USAGE', `${command}: --proxy ${values.proxy} is not a URL`, { hint: 'Give scheme://[user:password@]host:port.' });
    }
    index.proxy = values.proxy;
  }
  if (values['no-proxy-env']) index.noProxyEnv = true;
  const retries = positiveInt('retries', values.retries, command);
  if (retries !== undefined) index.retries = retries;
  if (values.isolated) index.isolated = true;
  if (values['no-require-hashes']) index.noRequireHashes = true;
  if (ops.length) index.releaseControl = ops;
  if (values['refresh-package']?.length) {
    const names = refreshPackages(values['refresh-package'], command);
    if (names.length) index.refreshPackages = names;
  }
  if (values['uploaded-prior-to'] !== undefined) index.uploadedPriorTo = uploadedPriorTo(values['uploaded-prior-to'], Date.now(), command);
  return {
    index,
    noCache: !!values['no-cache-dir'],
    ...(values['cache-dir'] !== undefined ? { cacheDir: resolve(values['cache-dir']) } : {}),
    progress: (values['progress-bar'] ?? 'auto') as PipRun['progress'],
    eager: values['upgrade-strategy'] === 'eager',
    ...(values.log !== undefined ? { log: resolve(values.log) } : {}),
    noColor: !!values['no-color'],
    version: !!values.version,
    releaseControl: ops,
    onlyDeps: !!values['only-deps'],
    buildConstraints: (values['build-constraint'] ?? []).map((f) => existingFile('build-constraint', f)),
    ignoreRequiresPython: !!values['ignore-requires-python'],
    ...(scripts.length ? { script: resolve(scripts[0]!) } : {}),
    ...(values.src !== undefined ? { srcDir: resolve(values.src) } : {}),
  };
}

/** pip's refusals: --pre beside --all-releases/--only-final; --only-deps beside --no-deps, -r, --requirements-from-script, --group. */
export async function checkPipCombinations(values: { pre?: boolean; noDeps?: boolean; requirement?: string[]; group?: string[] }, pip: PipRun, command = 'install'): Promise<void> {
  if (values.pre && pip.releaseControl.length) {
    const { releaseControl } = await import('../index/release-control.js');
    if (!releaseControl(pip.releaseControl)!.empty) throw new VenvkitError('USAGE', `${command}: --pre cannot be used with --all-releases or --only-final`, { hint: 'Use --all-releases :all: instead of --pre.' });
  }
  if (!pip.onlyDeps) return;
  const conflicts = [
    values.noDeps ? "'--no-deps'" : '', values.requirement?.length ? "'--requirement'" : '',
    pip.script ? "'--requirements-from-script'" : '', values.group?.length ? "'--group'" : '',
  ].filter(Boolean);
  if (conflicts.length > 1) conflicts[conflicts.length - 1] = `or ${conflicts[conflicts.length - 1]}`;
  if (conflicts.length) {
    throw new VenvkitError('USAGE', `install: cannot use '--only-deps' in combination with ${conflicts.join(', ')}`, {
      hint: 'Name the projects whose dependencies you want on the command line (pip refuses the same).',
    });
  }
}

function existingFile(name: string, path: string, command = 'install'): string {
  const abs = resolve(path);
  if (!existsSync(abs) || !statSync(abs).isFile()) throw new VenvkitError('BAD_PATH', `${command}: --${name} ${path}: no such file`, { hint: name === 'build-constraint' ? 'Give the path of a constraints file.' : `Give the path of a PEM file to --${name}.` });
  return abs;
}
