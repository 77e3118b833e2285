/** Where discovery found an interpreter. */
/** Windows adds: 'py-launcher' (`py --list-paths`), 'registry' (PEP 514), 'store' (Microsoft Store aliases). */
export type PythonSource = 'path' | 'pyenv' | 'system' | 'user' | 'explicit' | 'python-version' | 'py-launcher' | 'registry' | 'store';

export type Implementation = 'cpython' | 'pypy' | string;

/** Everything venvkit needs to know about one interpreter, from a single probe (cached on disk). */
export interface InterpreterInfo {
  /** The path the interpreter was probed through (absolute, not resolved: venv keeps the name). */
  path: string;
  /** os.path.realpath of `path`. */
  realPath: string;
  /** sys.executable and sys._base_executable (3.11+; else sys.executable) as the interpreter reports them. */
  executable: string;
  baseExecutable: string;
  implementation: Implementation;
  /** sys.version_info[:3] */
  version: [number, number, number];
  /** platform.python_version(), e.g. "3.11.7" or "3.13.0rc1" */
  versionString: string;
  /** sys.version_info.releaselevel / serial */
  releaseLevel: string;
  serial: number;
  /** PyPy's own version (sys.pypy_version_info) when implementation is pypy. */
  implementationVersion?: string;
  /** sys.prefix, sys.base_prefix, sys.exec_prefix, sys.base_exec_prefix */
  prefix: string;
  basePrefix: string;
  execPrefix: string;
  baseExecPrefix: string;
  /** sys.platform ("linux"), os.name ("posix"), platform.machine() ("x86_64") */
  platform: string;
  osName: string;
  machine: string;
  /** platform.system(), platform.release(), platform.version() (PEP 508 markers; absent in old caches) */
  platformSystem?: string; platformRelease?: string; platformVersion?: string;
  /** 64 or 32 (from sys.maxsize) */
  pointerBits: number;
  /**
   * Install-scheme paths relative to an environment root, as venv would use them
   * ({ purelib: "lib/python3.11/site-packages", scripts: "bin", include: "include/python3.11", ... }).
   */
  venvPaths: Record<string, string>;
  /** The sysconfig scheme those paths came from ("venv", "posix_prefix", "pypy", "nt"...). */
  venvScheme: string;
  /** Selected sysconfig config vars (SOABI, EXT_SUFFIX, LDVERSION, VERSION, Py_DEBUG, Py_GIL_DISABLED, MULTIARCH...). */
  configVars: Record<string, string | number | null>;
  /** sys.abiflags (posix only; "" when absent) */
  abiflags: string;
  /** sys.implementation.cache_tag, e.g. "cpython-311" */
  cacheTag: string | null;
  /** The running glibc (os.confstr CS_GNU_LIBC_VERSION), else platform.libc_ver(): ["glibc", "2.36"] or ["", ""] */
  libc: [string, string];
  /** macOS: the release wheel tags are computed for (platform.mac_ver(); set for lock targets, src/pep/target-env.ts). */
  macosVersion?: string;
  /** The wheels ensurepip would install, in order, from the interpreter's own ensurepip/_bundled. */
  ensurepip: { name: string; version: string; wheel: string | null }[];
  /** Site-packages of the base installation (for --system-site-packages checks). */
  baseSitePackages: string[];
  /** `stat` of realPath when probed: the cache is invalid when any differ. */
  stamp: { mtimeMs: number; size: number; ino: number };
}

/** A discovered interpreter: facts plus where it was found. */
export interface PythonInstallation extends InterpreterInfo {
  source: PythonSource;
}
