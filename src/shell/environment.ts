// The environment variables of a process run inside a virtual environment. Pure.
import { delimiter, join } from 'node:path';

export interface VenvEnvOptions {
  /** The environment's root and its scripts directory. */
  root: string;
  bin: string;
  /** Also set VIRTUAL_ENV_PROMPT (shells started by `venvkit shell` show it). */
  prompt?: string;
}

/** Remove the entries of PATH that are `dir`. */
function without(path: string, dirs: string[]): string[] {
  const drop = new Set(dirs.flatMap((d) => [d, d + '/']));
  return path.split(delimiter).filter((p) => !drop.has(p));
}

/**
 * `base` with the environment's scripts directory first on PATH (once), VIRTUAL_ENV set, PYTHONHOME
 * unset. An environment active in `base` ($VIRTUAL_ENV) is left first: its scripts dir leaves PATH.
 */
export function venvEnv(base: NodeJS.ProcessEnv, o: VenvEnvOptions): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...base };
  const pathKey = (process.platform === 'win32' && Object.keys(env).find((k) => k.toUpperCase() === 'PATH')) || 'PATH';
  const old = env.VIRTUAL_ENV ? [join(env.VIRTUAL_ENV, 'bin'), join(env.VIRTUAL_ENV, 'Scripts')] : [];
  const current = env[pathKey] ?? '';
  const rest = current === '' ? [] : without(current, [...old, o.bin]);
  env[pathKey] = [o.bin, ...rest].join(delimiter);
  delete env.PYTHONHOME;
  delete env.VIRTUAL_ENV_PROMPT;
  env.VIRTUAL_ENV = o.root;
  if (o.prompt !== undefined) env.VIRTUAL_ENV_PROMPT = o.prompt;
  return env;
}

/** `base` with any active environment taken out (for a shell that activates one itself). */
export function leaveActiveEnv(base: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...base };
  if (env.VIRTUAL_ENV) {
    const old = [join(env.VIRTUAL_ENV, 'bin'), join(env.VIRTUAL_ENV, 'Scripts')];
    if (env.PATH !== undefined) env.PATH = without(env.PATH, old).join(delimiter);
  }
  delete env.VIRTUAL_ENV;
  delete env.VIRTUAL_ENV_PROMPT;
  return env;
}
