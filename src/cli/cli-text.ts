// Errors are written for the library's audience: they name an option as "the `python` option", never
// a command-line flag. The CLI turns those words into its flags before printing, so one error text
// serves both (a library caller never reads `--python`, a CLI user never reads "the `python` option").
const FLAGS: Record<string, string> = {
  python: '--python',
  clear: '--clear',
  upgrade: '--upgrade',
  allowExisting: '--allow-existing',
  symlinks: '--symlinks',
  copies: '--copies',
  upgradeDeps: '--upgrade-deps',
  withoutPip: '--without-pip',
  prompt: '--prompt',
  noCache: '--no-cache',
  pre: '--pre',
  noDeps: '--no-deps',
  timeout: '--timeout',
  indexUrl: '--index-url',
  noIndex: '--no-index',
  findLinks: '--find-links',
  requireHashes: '--require-hashes',
  noRequireHashes: '--no-require-hashes',
  formatControl: '--only-binary / --no-binary',
  groups: '--group',
  shell: '--shell',
  explicit: '--env DIR',
  forceReinstall: '--force-reinstall',
  extras: '--extra',
  platforms: '--platform',
  environments: '--environment',
  pythonVersions: '--python-version',
  uploadedPriorTo: '--uploaded-prior-to',
  configSettings: '--config-settings (-C)',
  requirementFiles: '--requirement (-r)',
  exclude: '--exclude',
  excludeEditable: '--exclude-editable',
  local: '--local (-l)',
  user: '--user',
  paths: '--path',
  preferBinary: '--prefer-binary',
  releaseControl: '--all-releases / --only-final',
  refreshPackages: '--refresh-package',
  pattern: 'PATTERN (cache list|remove)',
};

/** The option names the CLI knows a flag for (the tests check every "the `x` option" in src/ is one). */
export const OPTION_NAMES: readonly string[] = Object.keys(FLAGS);

/** "the `python` option" -> "--python"; other text is left as it is. */
export function forCli(text: string): string;
export function forCli(text: string | undefined): string | undefined;
export function forCli(text: string | undefined): string | undefined {
  return text?.replace(/\bthe `([A-Za-z]+)` option\b/g, (whole, name: string) => FLAGS[name] ?? whole);
}
