// The command that activates an environment in each shell, its path quoted by the same rules as the
// activation scripts (src/venv/activators/quote.ts); and the variables `venvkit run` sets.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { venvEnv } from '../shell/environment.js';
import { checkNoControl, quoteCsh, quoteFish, quoteNu, quotePosix, quotePowerShell, refuse } from '../venv/activators/quote.js';
import type { ActivationShell } from './types.js';

/** cmd.exe on its command line: a double-quoted path; `"` cannot be in one, and `%` and `!` would expand. */
export function quoteCmd(value: string): string {
  checkNoControl(value, 'the environment path', 'cmd.exe');
  for (const ch of value) if (ch === '"' || ch === '%' || ch === '!') refuse('the environment path', ch, 'cmd.exe');
  return `"${value}"`;
}

type Rule = [ActivationShell, string, (script: string) => string];

const VENV_RULES: Rule[] = [
  ['bash', 'activate', (s) => `. ${quotePosix(s)}`],
  ['zsh', 'activate', (s) => `. ${quotePosix(s)}`],
  ['fish', 'activate.fish', (s) => `source ${quoteFish(s)}`],
  ['csh', 'activate.csh', (s) => `source ${quoteCsh(s)}`],
  ['nu', 'activate.nu', (s) => `overlay use ${quoteNu(s)}`],
  ['powershell', 'Activate.ps1', (s) => `. ${quotePowerShell(s)}`],
  ['cmd', 'activate.bat', (s) => `call ${quoteCmd(s)}`],
];

function attempt(make: () => string): string | undefined {
  try {
    return make();
  } catch {
    return undefined; // a path this shell cannot carry safely
  }
}

/** For a venv: one command per shell whose script is in the env's scripts directory. */
export function venvActivation(scripts: string): Partial<Record<ActivationShell, string>> {
  const out: Partial<Record<ActivationShell, string>> = {};
  let names: Set<string>;
  try {
    names = new Set(readdirSync(scripts));
  } catch {
    return out;
  }
  for (const [shell, file, make] of VENV_RULES) {
    // virtualenv writes activate.ps1 (lower case).
    const name = [file, file.toLowerCase()].find((f) => names.has(f));
    if (!name) continue;
    const script = join(scripts, name);
    const cmd = attempt(() => make(script));
    if (cmd) out[shell] = cmd;
  }
  return out;
}

/** For a conda prefix: `conda activate PREFIX` in the shells conda supports. */
export function condaActivation(prefix: string): Partial<Record<ActivationShell, string>> {
  const rules: [ActivationShell, (p: string) => string][] = [
    ['bash', quotePosix], ['zsh', quotePosix], ['fish', quoteFish], ['csh', quoteCsh], ['powershell', quotePowerShell], ['cmd', quoteCmd],
  ];
  const out: Partial<Record<ActivationShell, string>> = {};
  for (const [shell, quote] of rules) {
    const cmd = attempt(() => `conda activate ${quote(prefix)}`);
    if (cmd) out[shell] = cmd;
  }
  return out;
}

/** What `venvkit run` changes in `base`: PATH and VIRTUAL_ENV set; PYTHONHOME and VIRTUAL_ENV_PROMPT unset (undefined). */
export function runVariables(base: NodeJS.ProcessEnv, root: string, scripts: string): Record<string, string | undefined> {
  const env = venvEnv(base, { root, bin: scripts });
  const pathKey = Object.keys(env).find((k) => k.toUpperCase() === 'PATH' && process.platform === 'win32') ?? 'PATH';
  return { VIRTUAL_ENV: env.VIRTUAL_ENV, [pathKey]: env[pathKey], PYTHONHOME: undefined, VIRTUAL_ENV_PROMPT: undefined };
}
