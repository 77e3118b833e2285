import type { InterpreterInfo } from '../python/types.js';

/** Absolute install locations inside one environment (the sysconfig scheme, resolved). */
export interface VenvPaths {
  /** The environment root (absolute). */
  root: string;
  /** bin/ (Scripts\ on Windows): interpreter links, activators, console scripts */
  scripts: string;
  purelib: string;
  platlib: string;
  /** include/ header dir for the wheel `.data/headers` of a distribution: <include>/site/pythonX.Y/<dist> in venvs */
  include: string;
  /** the `data` scheme key: the environment root in a venv */
  data: string;
  /** The environment's interpreter (bin/python, or Scripts\python.exe). */
  python: string;
}

/** What `pyvenv.cfg` says, keys as written (home, include-system-site-packages, version, ...). */
export type PyvenvCfg = Record<string, string>;

/** A description of an existing (or just created) virtual environment. */
export interface Venv {
  root: string;
  cfg: PyvenvCfg;
  paths: VenvPaths;
  /** The prompt name activation shows: cfg.prompt, else the directory's name. */
  prompt: string;
  /** Facts of the base interpreter (from the probe cache), when it could be found. */
  base?: InterpreterInfo;
  windows: boolean;
}
