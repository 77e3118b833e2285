// What discovery and resolveEnvironment say about one environment or installation.
import type { PyvenvCfg } from '../venv/types.js';

/**
 * What made or manages the environment. Virtual environments (with pyvenv.cfg) are labelled by the
 * tool whose directory they live in, else by what pyvenv.cfg says made them (uv, virtualenv), else
 * 'venv' (venvkit makes exactly what venv makes, so its envs are 'venv'). Installations: 'conda' (conda-meta), 'pyenv' ($PYENV_ROOT/versions), 'uv-python' (uv's
 * managed Pythons), 'system' (anything else).
 */
export type EnvironmentKind =
  | 'venv' | 'virtualenv' | 'uv' | 'poetry' | 'pipenv' | 'hatch' | 'virtualenvwrapper' | 'pyenv-virtualenv'
  | 'conda' | 'pyenv' | 'uv-python' | 'system';

export type ActivationShell = 'bash' | 'zsh' | 'fish' | 'csh' | 'nu' | 'powershell' | 'cmd';

export interface FoundEnvironment {
  kind: EnvironmentKind;
  /** sys.prefix: the environment's root, or the installation's prefix. */
  prefix: string;
  /** Its interpreter (bin/python, Scripts\python.exe), when one is there. */
  executable?: string;
  /** "3.12.1", from pyvenv.cfg, conda-meta, the directory name or the probe cache; undefined when none says. */
  version?: string;
  implementation?: string;
  /** The prompt (pyvenv.cfg) or the directory's name. */
  name: string;
  /** True for an environment with pyvenv.cfg, or a conda environment other than a base install. */
  isVirtual: boolean;
}

export interface ResolvedEnvironment extends FoundEnvironment {
  /** sys.base_prefix (the base installation's prefix), when known. */
  basePrefix?: string;
  /** The path as given, when it was a pyenv shim or a link followed to get here. */
  via?: string;
  cfg?: PyvenvCfg;
  /**
   * The command that activates the environment in each shell, with the path quoted for it
   * (only for shells whose activation script the environment has; a path a shell cannot carry is left out).
   */
  activation: Partial<Record<ActivationShell, string>>;
  /**
   * The variables `venvkit run` would change, relative to the given environment: a value to set, or
   * undefined to unset. Empty for installations that are not environments.
   */
  environmentVariables: Record<string, string | undefined>;
}
