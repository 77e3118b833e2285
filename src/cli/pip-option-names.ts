// pip 26.2's long option names (without `--`, aliases included) of the pip commands venvkit
// mirrors, as its optparse parser knows them (`create_command(NAME).parser._long_opt`; a test
// compares). args.ts matches an abbreviated option against these first, so a prefix means on a
// venvkit command what it means to pip (install has its own list: pip-install-options.ts).

/** pip's general options: every pip command takes them. */
const GENERAL = [
  'cache-dir', 'cert', 'client-cert', 'debug', 'default-timeout', 'disable-pip-version-check', 'exists-action', 'help',
  'isolated', 'keyring-provider', 'local-log', 'log', 'log-file', 'no-cache-dir', 'no-color', 'no-input', 'no-proxy-env',
  'no-python-version-warning', 'proxy', 'python', 'quiet', 'require-venv', 'require-virtualenv', 'resume-retries',
  'retries', 'timeout', 'trusted-host', 'use-deprecated', 'use-feature', 'verbose', 'version',
] as const;

const INDEX = ['extra-index-url', 'find-links', 'index-url', 'no-index', 'pypi-url'] as const;
const FORMATS = ['no-binary', 'only-binary', 'prefer-binary', 'pre', 'all-releases', 'only-final', 'refresh-package', 'uploaded-prior-to'] as const;

/** Each mirrored command's own options (the general ones come on top). */
const COMMANDS = {
  uninstall: ['break-system-packages', 'requirement', 'root-user-action', 'yes'],
  list: [...INDEX, ...FORMATS, 'editable', 'exclude', 'exclude-editable', 'format', 'include-editable', 'local', 'not-required', 'outdated', 'path', 'uptodate', 'user'],
  show: ['files'],
  freeze: ['all', 'exclude', 'exclude-editable', 'local', 'path', 'requirement', 'user'],
  check: [],
  lock: [
    ...INDEX, ...FORMATS, 'build-constraint', 'check-build-dependencies', 'config-settings', 'constraint', 'editable', 'group',
    'ignore-requires-python', 'no-build-isolation', 'no-clean', 'no-dependencies', 'no-deps', 'no-require-hashes',
    'only-dependencies', 'only-deps', 'output', 'progress-bar', 'require-hashes', 'requirement', 'requirements-from-script',
    'source', 'source-dir', 'source-directory', 'src', 'use-pep517',
  ],
  cache: ['format'],
} as const satisfies Record<string, readonly string[]>;

export type PipCommand = keyof typeof COMMANDS;

/** pip 26.2's long options of `pip NAME`. */
export function pipOptionNamesOf(name: PipCommand): string[] {
  return [...GENERAL, ...COMMANDS[name]];
}
