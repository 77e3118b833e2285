// pip's general options (every pip command takes them) that concern the network, the download
// cache, pip's configuration, prompts or its self-check, on the commands that read only an env's
// files (freeze, show, check): pip takes them there and they change nothing, so venvkit takes them
// too, checks their values as pip does, and does nothing else (--no-color means --color never).
// Refused still: --log/--log-file/--local-log (pip writes a log file), --python (use --env),
// --debug, --use-feature, --use-deprecated, --version.
import { VenvkitError } from '../errors.js';
import { setColorMode } from './output.js';

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
  'default-timeout': { type: 'string' },
  retries: { type: 'string' },
  'resume-retries': { type: 'string' },
  proxy: { type: 'string' },
  'no-proxy-env': { type: 'boolean' },
  cert: { type: 'string' },
  'client-cert': { type: 'string' },
  'trusted-host': { type: 'string', multiple: true },
  'keyring-provider': { type: 'string' },
  'exists-action': { type: 'string', multiple: true },
} as const;

/** The help lines for them (each command's --help shows these). */
export const PIP_GENERAL_LOCAL_HELP = `
pip's general options that concern the network, the cache, pip's configuration or prompts are
taken and change nothing here (COMMAND reads only the environment's files), as with pip:
      --disable-pip-version-check, --no-input, --isolated, --require-virtualenv, --no-python-version-warning
      --cache-dir DIR, --no-cache-dir, --timeout SEC, --retries N, --resume-retries N, --proxy URL
      --no-proxy-env, --cert PATH, --client-cert PATH, --trusted-host HOST, --keyring-provider NAME
      --exists-action ACTION
      --no-color          the same as --color never
`;

/** The choices pip's parser allows for these two (pip-install-options.ts checks install's against the same). */
export const EXISTS_ACTIONS = ['s', 'i', 'w', 'b', 'a'] as const;
export const KEYRING_PROVIDERS = ['auto', 'disabled', 'import', 'subprocess'] as const;
const choiceList = (choices: readonly string[]) => choices.map((c) => `'${c}'`).join(', ');

const bad = (command: string, message: string) => new VenvkitError('USAGE', `${command}: ${message}`, { hint: `Run \`venvkit ${command} --help\` for the flags it takes.` });

/** Checks their values as pip's parser does; applies --no-color. */
export function applyGeneralLocal(command: string, values: Record<string, unknown>): void {
  for (const name of ['timeout', 'default-timeout']) {
    const v = values[name];
    if (typeof v === 'string' && !/^\s*[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?\s*$/.test(v)) throw bad(command, `--${name}: invalid floating-point value: '${v}'`);
  }
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
  if (values['no-color']) setColorMode('never');
}
