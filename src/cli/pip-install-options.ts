// The options of `pip install` (pip 26.2) that venvkit's own flags do not already cover: parsed
// with pip's names, aliases and choices, each turned into what it means here, or accepted as a
// documented no-op where venvkit already behaves as the option asks. install.ts merges these
// into its parser; the layouts (--target, --prefix, --root, --user, --python, -I, --report,
// --python-version, --platform, --implementation, --abi) are its own.
import { existsSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { VenvkitError } from '../errors.js';
import type { IndexFlags } from '../index/pip-config.js';
import { PIP_FEATURES, releaseControlIsPre } from '../index/requirements-file.js';

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
  // Not supported yet: a clear error (NOT_IMPLEMENTED), never a silent no-op.
  'only-deps': { type: 'boolean' },
  'build-constraint': { type: 'string', multiple: true },
  'ignore-requires-python': { type: 'boolean' },
  'refresh-package': { type: 'string', multiple: true },
  'uploaded-prior-to': { type: 'string' },
} as const;

/** pip's other spellings of the same options (optparse aliases), rewritten before parsing. */
const ALIASES: Record<string, string> = {
  'no-dependencies': 'no-deps', 'only-dependencies': 'only-deps', 'pypi-url': 'index-url',
  source: 'src', 'source-dir': 'src', 'source-directory': 'src', 'require-venv': 'require-virtualenv',
  'log-file': 'log', 'local-log': 'log', 'default-timeout': 'timeout',
};

/** Choices pip checks; venvkit checks the same. */
const CHOICES: Record<string, readonly string[]> = {
  'progress-bar': ['auto', 'on', 'off', 'raw'],
  'upgrade-strategy': ['only-if-needed', 'eager'],
  'root-user-action': ['warn', 'ignore'],
  'exists-action': ['s', 'i', 'w', 'b', 'a'],
  'keyring-provider': ['auto', 'disabled', 'import', 'subprocess'],
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
  src: 'editable VCS checkouts go to <env>/src',
  'require-virtualenv': 'venvkit always installs into an environment',
  'use-feature': 'each pip feature is a pip internal or how venvkit already works',
  'use-deprecated': 'pip\'s legacy resolver and certificates do not exist here',
  'resume-retries': 'an interrupted download is retried from the start (--retries)',
  debug: 'venvkit\'s errors carry their cause',
  'no-python-version-warning': 'pip no longer warns about the Python version',
};

const NOT_YET: Record<string, string> = {
  'only-deps': 'install the dependencies by name instead',
  'build-constraint': 'pin build requirements in the project\'s pyproject.toml, or use --no-build-isolation',
  'ignore-requires-python': 'use an interpreter the project supports',
  'refresh-package': 'use --no-cache to read every index page afresh',
  'uploaded-prior-to': 'pin the versions you want',
};

/** argv with pip's aliases replaced by the names venvkit parses (up to a `--`). */
export function canonicalArgv(argv: string[]): string[] {
  const out = [...argv];
  for (let i = 0; i < out.length && out[i] !== '--'; i++) {
    const m = /^--([a-z0-9-]+)(=.*)?$/.exec(out[i]!);
    const to = m ? ALIASES[m[1]!] : undefined;
    if (to) out[i] = `--${to}${m![2] ?? ''}`;
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
  /** --all-releases :all: */
  pre: boolean;
  /** --requirements-from-script FILE (PEP 723): its dependencies are requirements. */
  script?: string;
}

function positiveInt(name: string, v: string | undefined): number | undefined {
  if (v === undefined) return undefined;
  if (!/^\d+$/.test(v)) throw new VenvkitError('USAGE', `install: --${name} must be a whole number (got "${v}")`, { hint: `Give --${name} 0 or more.` });
  return Number(v);
}

/** Check the values pip checks and turn the options into a PipRun; NOT_IMPLEMENTED for the few not supported yet. */
export function pipRun(values: PipValues): PipRun {
  for (const [name, choices] of Object.entries(CHOICES)) {
    const got = (values as Record<string, string | string[] | undefined>)[name];
    for (const v of got === undefined ? [] : Array.isArray(got) ? got : [got]) {
      if (!choices.includes(v)) throw new VenvkitError('USAGE', `install: --${name} must be one of ${choices.join(', ')} (got "${v}")`, { hint: `Run \`venvkit install --help\`.` });
    }
  }
  positiveInt('resume-retries', values['resume-retries']);
  for (const [name, hint] of Object.entries(NOT_YET)) {
    const got = (values as Record<string, unknown>)[name];
    if (got === undefined || got === false) continue;
    throw new VenvkitError('NOT_IMPLEMENTED', `install: pip's --${name} is not supported by venvkit yet`, { hint });
  }
  let pre = false;
  for (const v of values['all-releases'] ?? []) pre = releaseControlIsPre('all-releases', v, 'install') || pre;
  for (const v of values['only-final'] ?? []) releaseControlIsPre('only-final', v, 'install');
  const scripts = values['requirements-from-script'] ?? [];
  if (scripts.length > 1) throw new VenvkitError('USAGE', 'install: --requirements-from-script can only be given once', { hint: 'Install the other scripts\' dependencies in another run.' });
  const index: IndexFlags = {};
  if (values['trusted-host']?.length) index.trustedHosts = values['trusted-host'];
  if (values.cert !== undefined) index.cert = existingFile('cert', values.cert);
  if (values['client-cert'] !== undefined) index.clientCert = existingFile('client-cert', values['client-cert']);
  if (values.proxy !== undefined) {
    try {
      new URL(/^[a-z][a-z0-9+.-]*:\/\//i.test(values.proxy) ? values.proxy : `http://${values.proxy}`);
    } catch {
      throw new VenvkitError('USAGE', `install: --proxy ${values.proxy} is not a URL`, { hint: 'Give scheme://[user:password@]host:port.' });
    }
    index.proxy = values.proxy;
  }
  if (values['no-proxy-env']) index.noProxyEnv = true;
  const retries = positiveInt('retries', values.retries);
  if (retries !== undefined) index.retries = retries;
  if (values.isolated) index.isolated = true;
  if (values['no-require-hashes']) index.noRequireHashes = true;
  return {
    index,
    noCache: !!values['no-cache-dir'],
    ...(values['cache-dir'] !== undefined ? { cacheDir: resolve(values['cache-dir']) } : {}),
    progress: (values['progress-bar'] ?? 'auto') as PipRun['progress'],
    eager: values['upgrade-strategy'] === 'eager',
    ...(values.log !== undefined ? { log: resolve(values.log) } : {}),
    noColor: !!values['no-color'],
    version: !!values.version,
    pre,
    ...(scripts.length ? { script: resolve(scripts[0]!) } : {}),
  };
}

function existingFile(name: string, path: string): string {
  const abs = resolve(path);
  if (!existsSync(abs) || !statSync(abs).isFile()) throw new VenvkitError('BAD_PATH', `install: --${name} ${path}: no such file`, { hint: `Give the path of a PEM file to --${name}.` });
  return abs;
}

/**
 * pip's --python for `install` outside a --target/--prefix/--root/--user layout: the environment
 * of that interpreter. Accepts an environment directory or an interpreter inside one (bin/python,
 * Scripts\python.exe); anything else is an error naming it.
 */
export function envOfPython(spec: string): string {
  const abs = resolve(spec);
  if (existsSync(join(abs, 'pyvenv.cfg'))) return abs;
  const up = dirname(dirname(abs));
  if (existsSync(abs) && existsSync(join(up, 'pyvenv.cfg'))) return up;
  throw new VenvkitError('USAGE', `install: --python ${spec} is not an environment or an interpreter inside one`, {
    hint: 'Give the environment (--env DIR) or its interpreter (DIR/bin/python); to install for a bare interpreter use --target, --prefix or --user with --python.',
  });
}
