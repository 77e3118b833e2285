// pip's general options (every pip command takes them) on the commands that mirror a pip command
// other than install (freeze, show, check, list, uninstall, cache). Those that concern the network,
// the download cache, pip's configuration, prompts or its self-check change nothing on a command
// that reads only an env's files, so venvkit takes them, checks their values as pip does, and does
// nothing else (list --outdated and cache give some of them their meaning: see there). Three have
// a meaning everywhere: --no-color is --color never; --log FILE (and its aliases --log-file,
// --local-log) appends the run to FILE as `install --log` does (run-log.ts); --python PY names the
// environment as pip's --python does (an environment directory or an interpreter inside one).
// -V/--version prints venvkit's version, as install's does.
import { VenvkitError } from '../errors.js';
import { PIP_FEATURES } from '../index/requirements-line.js';
import { setColorMode, stdout, tapOutput } from './output.js';
import { envOfPython } from './pip-python.js';
import { openLog } from './run-log.js';

export const PIP_GENERAL_LOCAL = {
  'disable-pip-version-check': { type: 'boolean' },
  'no-input': { type: 'boolean' },
  'no-color': { type: 'boolean' },
  'require-virtualenv': { type: 'boolean' },
  'require-venv': { type: 'boolean' },
  isolated: { type: 'boolean' },
  'no-python-version-warning': { type: 'boolean' },
  'cache-dir': { type: 'string' },
  'no-cache-dir': { type: 'boolean' },
  timeout: { type: 'string' },
  'default-timeout': { type: 'string', aliasOf: 'timeout' },
  retries: { type: 'string' },
  'resume-retries': { type: 'string' },
  proxy: { type: 'string' },
  'no-proxy-env': { type: 'boolean' },
  cert: { type: 'string' },
  'client-cert': { type: 'string' },
  'trusted-host': { type: 'string', multiple: true },
  'keyring-provider': { type: 'string' },
  'exists-action': { type: 'string', multiple: true },
  log: { type: 'string' },
  'log-file': { type: 'string', aliasOf: 'log' },
  'local-log': { type: 'string', aliasOf: 'log' },
  python: { type: 'string' },
  debug: { type: 'boolean' },
  'use-feature': { type: 'string', multiple: true },
  'use-deprecated': { type: 'string', multiple: true },
  version: { type: 'boolean', short: 'V' },
} as const;

/** The help lines of pip's general options that mean something for a command (`--python` where it names the env). */
export function pipGeneralMeaning(python: boolean): string {
  return `pip's general options that mean something here, as with pip:
      --no-color          the same as --color never
${python ? `      --python PY         the environment: its directory or an interpreter inside it (as pip's
                          --python; --env DIR says the same)
` : ''}      --log FILE          append the command, what it prints and the error that ended it, each line
                          stamped with the time, to FILE (also --log-file, --local-log)
  -V, --version           print venvkit's version
`;
}

/** The help lines for them (freeze, show and check show these; COMMAND is the command's name). */
export const PIP_GENERAL_LOCAL_HELP = `
pip's general options that concern the network, the cache, pip's configuration or prompts are
taken and change nothing here (COMMAND reads only the environment's files), as with pip:
      --disable-pip-version-check, --no-input, --isolated, --require-virtualenv, --no-python-version-warning
      --cache-dir DIR, --no-cache-dir, --timeout SEC, --retries N, --resume-retries N, --proxy URL
      --no-proxy-env, --cert PATH, --client-cert PATH, --trusted-host HOST, --keyring-provider NAME
      --exists-action ACTION
      --debug, --use-feature FEATURE, --use-deprecated FEATURE (pip's choices are checked)

${pipGeneralMeaning(true)}`;

/** The choices pip's parser allows for these two (pip-install-options.ts checks install's against the same). */
export const EXISTS_ACTIONS = ['s', 'i', 'w', 'b', 'a'] as const;
export const KEYRING_PROVIDERS = ['auto', 'disabled', 'import', 'subprocess'] as const;
export const DEPRECATED_FEATURES = ['legacy-resolver', 'legacy-certs'] as const;
const choiceList = (choices: readonly string[]) => choices.map((c) => `'${c}'`).join(', ');

const bad = (command: string, message: string) => new VenvkitError('USAGE', `${command}: ${message}`, { hint: `Run \`venvkit ${command} --help\` for the flags it takes.` });

/** Checks their values as pip's parser does; applies --no-color. */
export function applyGeneralLocal(command: string, values: Record<string, unknown>): void {
  const timeout = values.timeout;
  if (typeof timeout === 'string' && !/^\s*[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?\s*$/.test(timeout)) throw bad(command, `--timeout: invalid floating-point value: '${timeout}'`);
  for (const name of ['retries', 'resume-retries']) {
    const v = values[name];
    if (typeof v === 'string' && !/^\s*[+-]?\d+\s*$/.test(v)) throw bad(command, `--${name}: invalid integer value: '${v}'`);
  }
  const keyring = values['keyring-provider'];
  if (typeof keyring === 'string' && !(KEYRING_PROVIDERS as readonly string[]).includes(keyring)) {
    throw bad(command, `--keyring-provider: invalid choice: '${keyring}' (choose from ${choiceList(KEYRING_PROVIDERS)})`);
  }
  for (const a of (values['exists-action'] as string[] | undefined) ?? []) {
    if (!(EXISTS_ACTIONS as readonly string[]).includes(a)) throw bad(command, `--exists-action: invalid choice: '${a}' (choose from ${choiceList(EXISTS_ACTIONS)})`);
  }
  for (const [name, choices] of [['use-feature', PIP_FEATURES], ['use-deprecated', DEPRECATED_FEATURES]] as const) {
    for (const v of (values[name] as string[] | undefined) ?? []) {
      if (!(choices as readonly string[]).includes(v)) throw bad(command, `--${name}: invalid choice: '${v}' (choose from ${choiceList(choices)})`);
    }
  }
  if (values['no-color']) setColorMode('never');
}

/** The environment --env or --python (pip's meaning) names; undefined: the default one. */
export function generalEnv(command: string, values: { env?: string; python?: string }): string | undefined {
  if (values.env !== undefined && values.python !== undefined) {
    throw new VenvkitError('USAGE', `${command}: --env and --python both name the environment`, { hint: 'Give one of them.' });
  }
  return values.env ?? (values.python !== undefined ? envOfPython(values.python, command) : undefined);
}

/**
 * Runs a command's body with pip's general options applied: their values checked, -V answered,
 * and --log (or its aliases --log-file, --local-log: the last given) appending the run to its file:
 * the command line, all it prints, and the error that ended it.
 */
export async function withGeneral(command: string, values: Record<string, unknown>, argv: string[], body: () => Promise<number>): Promise<number> {
  applyGeneralLocal(command, values);
  if (values.version) {
    const { VERSION } = await import('./version.js');
    stdout(`venvkit ${VERSION}\n`);
    return 0;
  }
  const logPath = values.log as string | undefined;
  if (logPath === undefined) return body();
  const { resolve } = await import('node:path');
  const log = openLog(resolve(logPath), [...command.split(' '), ...argv]);
  const untap = tapOutput((text) => log.line(text.replace(/\x1b\[[0-9;]*m/g, '').replace(/\n$/, '')));
  try {
    return await body();
  } catch (e) {
    log.error(e);
    throw e;
  } finally {
    untap();
    log.close();
  }
}
