// What shell completion offers: the commands, their subcommands and their flags, and what each
// flag's value is (a directory, a file, one of some words). A test checks this table against each
// command's parser and --help, so it cannot drift from them unnoticed.

/** A flag's value: none (a switch), a directory, a file, anything, or one of these words. */
export type FlagValue = undefined | 'dir' | 'file' | 'any' | readonly string[];
export interface FlagSpec {
  long: string;
  short?: string;
  value?: FlagValue;
}
export interface CommandSpec {
  flags: FlagSpec[];
  /** Words allowed as the first argument (python list|find, cache dir|info|...). */
  subcommands?: string[];
  /** What positional arguments are: directories, files, or nothing to complete. */
  positional?: 'dir' | 'file' | 'none';
}

const f = (long: string, value?: FlagValue, short?: string): FlagSpec => ({ long, ...(short ? { short } : {}), ...(value ? { value } : {}) });
// pip's general options freeze, show, check, list, uninstall and cache take (pip-general-local.ts).
const PIP_GENERAL_LOCAL = [
  f('disable-pip-version-check'), f('no-input'), f('no-color'), f('require-virtualenv'), f('require-venv'), f('isolated'), f('no-python-version-warning'),
  f('cache-dir', 'dir'), f('no-cache-dir'), f('timeout', 'any'), f('default-timeout', 'any'), f('retries', 'any'), f('resume-retries', 'any'), f('proxy', 'any'),
  f('no-proxy-env'), f('cert', 'file'), f('client-cert', 'file'), f('trusted-host', 'any'), f('keyring-provider', ['auto', 'disabled', 'import', 'subprocess']),
  f('exists-action', ['s', 'i', 'w', 'b', 'a']), f('log', 'file'), f('log-file', 'file'), f('local-log', 'file'), f('python', 'any'), f('debug'),
  f('use-feature', ['fast-deps', 'inprocess-build-deps', 'venv-isolation', 'truststore', 'no-binary-enable-wheel-cache', 'build-constraint']),
  f('use-deprecated', ['legacy-resolver', 'legacy-certs']), f('version', undefined, 'V'),
];
const COMMON = [f('quiet', undefined, 'q'), f('verbose', undefined, 'v'), f('json'), f('help', undefined, 'h'), f('color', ['auto', 'always', 'never'])];
const INDEX = [f('index-url', 'any', 'i'), f('extra-index-url', 'any'), f('find-links', 'any', 'f'), f('no-index')];
const ENV = f('env', 'dir');
/** pip install's options that venvkit takes beside its own (src/cli/pip-install-options.ts). */
const PIP_INSTALL = [
  f('no-cache-dir'), f('cache-dir', 'dir'), f('upgrade-strategy', ['only-if-needed', 'eager']), f('progress-bar', ['auto', 'on', 'off', 'raw']),
  f('trusted-host', 'any'), f('cert', 'file'), f('client-cert', 'file'), f('proxy', 'any'), f('no-proxy-env'), f('retries', 'any'), f('isolated'),
  f('log', 'file'), f('no-require-hashes'), f('all-releases', 'any'), f('only-final', 'any'), f('no-color'), f('version', undefined, 'V'),
  f('disable-pip-version-check'), f('no-input'), f('root-user-action', ['warn', 'ignore']), f('no-warn-script-location'), f('no-warn-conflicts'),
  f('exists-action', ['s', 'i', 'w', 'b', 'a']), f('keyring-provider', ['auto', 'disabled', 'import', 'subprocess']), f('use-pep517'), f('no-clean'), f('src', 'dir'),
  f('require-virtualenv'), f('use-feature', ['fast-deps', 'inprocess-build-deps', 'venv-isolation', 'truststore', 'no-binary-enable-wheel-cache', 'build-constraint']),
  f('use-deprecated', ['legacy-resolver', 'legacy-certs']), f('resume-retries', 'any'), f('debug'), f('no-python-version-warning'), f('break-system-packages'), f('no-user'),
  f('only-deps'), f('build-constraint', 'file'), f('requirements-from-script', 'file'), f('ignore-requires-python'), f('refresh-package', 'any'), f('uploaded-prior-to', 'any'),
];

export const COMPLETION: Record<string, CommandSpec> = {
  create: { positional: 'dir', flags: [...COMMON, f('python', 'any', 'p'), f('system-site-packages'), f('symlinks'), f('copies'), f('clear'), f('upgrade'), f('without-pip'), f('prompt', 'any'), f('upgrade-deps'), f('without-scm-ignore-files'), f('allow-existing')] },
  info: { positional: 'dir', flags: COMMON },
  python: { subcommands: ['list', 'find'], positional: 'none', flags: COMMON },
  shell: { positional: 'dir', flags: [...COMMON, f('shell', ['bash', 'zsh', 'fish', 'sh', 'dash', 'ksh', 'mksh', 'tcsh', 'csh', 'nu', 'pwsh'])] },
  run: { positional: 'file', flags: [ENV, f('help', undefined, 'h')] },
  install: {
    positional: 'file',
    flags: [...COMMON, ENV, f('editable', 'dir', 'e'), f('requirement', 'file', 'r'), f('group', 'any'), f('constraint', 'file', 'c'), ...INDEX, f('no-deps'), f('upgrade', undefined, 'U'), f('force-reinstall'), f('pre'),
      f('no-binary', 'any'), f('only-binary', 'any'), f('prefer-binary'), f('require-hashes'), f('dry-run'), f('timeout', 'any'), f('no-cache'), f('no-build-isolation'), f('config-settings', 'any', 'C'),
      f('link-mode', ['clone', 'copy', 'hardlink']), f('compile'), f('no-compile'), ...PIP_INSTALL,
      // Layouts and the report.
      f('target', 'dir', 't'), f('prefix', 'dir'), f('root', 'dir'), f('user'), f('python', 'any'), f('ignore-installed', undefined, 'I'), f('report', 'file'),
      f('python-version', 'any'), f('platform', 'any'), f('implementation', 'any'), f('abi', 'any')],
  },
  uninstall: { positional: 'none', flags: [...COMMON, ENV, f('requirement', 'file', 'r'), f('yes', undefined, 'y'), f('user'), f('target', 'dir', 't'), f('prefix', 'dir'),
    f('root-user-action', ['warn', 'ignore']), f('break-system-packages'), ...PIP_GENERAL_LOCAL] },
  list: { positional: 'none', flags: [...COMMON, ENV, f('format', ['columns', 'freeze', 'json']), f('outdated', undefined, 'o'), f('uptodate', undefined, 'u'), f('not-required'), f('pre'), ...INDEX,
    f('editable', undefined, 'e'), f('exclude-editable'), f('include-editable'), f('exclude', 'any'), f('path', 'dir'), f('user'), f('local', undefined, 'l'),
    f('all-releases', 'any'), f('only-final', 'any'), f('no-binary', 'any'), f('only-binary', 'any'), f('prefer-binary'), f('refresh-package', 'any'), f('uploaded-prior-to', 'any'), ...PIP_GENERAL_LOCAL] },
  freeze: { positional: 'none', flags: [...COMMON, ENV, f('all'), f('requirement', 'file', 'r'), f('exclude', 'any'), f('exclude-editable'), f('local', undefined, 'l'), f('user'), f('path', 'dir'), ...PIP_GENERAL_LOCAL] },
  check: { positional: 'none', flags: [...COMMON, ENV, ...PIP_GENERAL_LOCAL] },
  sync: { positional: 'file', flags: [...COMMON, ENV, f('exact'), f('extra', 'any'), f('group', 'any'), ...INDEX, f('require-hashes'), f('no-require-hashes'), f('dry-run'), f('no-cache'), f('no-build-isolation'), f('src', 'dir'), f('constraint', 'file', 'c'), f('config-settings', 'any', 'C'), f('link-mode', ['clone', 'copy', 'hardlink']), f('compile'), f('no-compile')] },
  delete: { positional: 'dir', flags: COMMON },
  build: { positional: 'dir', flags: [...COMMON, f('sdist', undefined, 's'), f('wheel', undefined, 'w'), f('outdir', 'dir', 'o'), f('python', 'any', 'p'), f('no-isolation', undefined, 'n'), f('no-build-isolation'), f('config-setting', 'any', 'C'), f('config-settings', 'any'), ...INDEX] },
  lock: {
    positional: 'file',
    flags: [...COMMON, f('output', 'file', 'o'), f('requirement', 'file', 'r'), f('editable', 'dir', 'e'), f('constraint', 'file', 'c'), f('extra', 'any'), f('group', 'any'), f('upgrade', undefined, 'U'), f('upgrade-package', 'any', 'P'),
      f('python', 'any', 'p'), f('python-version', 'any'), f('platform', 'any'), f('environment', 'any'), ...INDEX, f('pre'), f('no-binary', 'any'), f('only-binary', 'any'), f('prefer-binary'), f('timeout', 'any'), f('no-cache'), f('print')],
  },
  show: { positional: 'none', flags: [...COMMON, ENV, f('files', undefined, 'f'), ...PIP_GENERAL_LOCAL] },
  tree: { positional: 'none', flags: [...COMMON, ENV, f('reverse', undefined, 'r'), f('depth', 'any', 'd')] },
  cache: { subcommands: ['dir', 'info', 'clean', 'prune', 'list', 'remove', 'purge'], positional: 'none', flags: [...COMMON, f('max-age', 'any'), f('format', ['human', 'abspath']), ...PIP_GENERAL_LOCAL] },
  completion: { subcommands: ['bash', 'zsh', 'fish'], positional: 'none', flags: COMMON.filter((x) => x.long !== 'json') },
  help: { positional: 'none', flags: [] },
};
