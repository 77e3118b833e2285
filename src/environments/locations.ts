// Where each tool keeps its environments, per platform and environment variables. Pure: no I/O.
import { homedir } from 'node:os';
import { posix, win32 } from 'node:path';

export interface LocationContext {
  env: NodeJS.ProcessEnv;
  platform: NodeJS.Platform;
}

const pathOf = (c: LocationContext) => (c.platform === 'win32' ? win32 : posix);

export function home(c: LocationContext): string {
  return (c.platform === 'win32' ? c.env.USERPROFILE : c.env.HOME) || homedir();
}

function xdgData(c: LocationContext): string {
  return c.env.XDG_DATA_HOME || pathOf(c).join(home(c), '.local', 'share');
}

function localAppData(c: LocationContext): string {
  return c.env.LOCALAPPDATA || win32.join(home(c), 'AppData', 'Local');
}

/** virtualenvwrapper: $WORKON_HOME, else ~/.virtualenvs (pipenv also uses $WORKON_HOME when set). */
export function workonHome(c: LocationContext): string {
  return c.env.WORKON_HOME || pathOf(c).join(home(c), c.platform === 'win32' ? 'Envs' : '.virtualenvs');
}

/** pipenv: $WORKON_HOME when set, else ~/.local/share/virtualenvs ($XDG_DATA_HOME/virtualenvs). */
export function pipenvDirs(c: LocationContext): string[] {
  const p = pathOf(c);
  const dflt = c.platform === 'win32' ? p.join(home(c), '.virtualenvs') : p.join(xdgData(c), 'virtualenvs');
  return c.env.WORKON_HOME ? [c.env.WORKON_HOME, dflt] : [dflt];
}

/** poetry: $POETRY_VIRTUALENVS_PATH, else <cache dir>/virtualenvs ($POETRY_CACHE_DIR, else per platform). */
export function poetryDir(c: LocationContext): string {
  const p = pathOf(c);
  if (c.env.POETRY_VIRTUALENVS_PATH) return c.env.POETRY_VIRTUALENVS_PATH;
  if (c.env.POETRY_CACHE_DIR) return p.join(c.env.POETRY_CACHE_DIR, 'virtualenvs');
  if (c.platform === 'win32') return win32.join(localAppData(c), 'pypoetry', 'Cache', 'virtualenvs');
  if (c.platform === 'darwin') return posix.join(home(c), 'Library', 'Caches', 'pypoetry', 'virtualenvs');
  return posix.join(c.env.XDG_CACHE_HOME || posix.join(home(c), '.cache'), 'pypoetry', 'virtualenvs');
}

/** hatch: <data dir>/env/virtual ($HATCH_DATA_DIR, else per platform); envs sit up to 3 levels below. */
export function hatchDir(c: LocationContext): string {
  const p = pathOf(c);
  let data = c.env.HATCH_DATA_DIR;
  if (!data) {
    if (c.platform === 'win32') data = win32.join(localAppData(c), 'hatch');
    else if (c.platform === 'darwin') data = posix.join(home(c), 'Library', 'Application Support', 'hatch');
    else data = posix.join(xdgData(c), 'hatch');
  }
  return p.join(data, 'env', 'virtual');
}

export function pyenvRootOf(c: LocationContext): string {
  const p = pathOf(c);
  if (c.env.PYENV_ROOT) return c.env.PYENV_ROOT;
  return c.platform === 'win32' ? win32.join(home(c), '.pyenv', 'pyenv-win') : p.join(home(c), '.pyenv');
}

/** uv's managed Pythons: $UV_PYTHON_INSTALL_DIR, else $XDG_DATA_HOME/uv/python (%APPDATA%\uv\python on Windows). */
export function uvPythonsDir(c: LocationContext): string {
  if (c.env.UV_PYTHON_INSTALL_DIR) return c.env.UV_PYTHON_INSTALL_DIR;
  if (c.platform === 'win32') return win32.join(c.env.APPDATA || win32.join(home(c), 'AppData', 'Roaming'), 'uv', 'python');
  return posix.join(xdgData(c), 'uv', 'python');
}

/** conda: the environments.txt registry, $CONDA_ENVS_PATH, and the usual install roots (each with envs/). */
export function condaEnvironmentsTxt(c: LocationContext): string {
  return pathOf(c).join(home(c), '.conda', 'environments.txt');
}

export function condaRoots(c: LocationContext): string[] {
  const p = pathOf(c);
  const h = home(c);
  const names = ['miniconda3', 'miniconda', 'anaconda3', 'anaconda', 'miniforge3', 'mambaforge', 'micromamba'];
  const out = names.map((n) => p.join(h, n));
  out.push(p.join(h, '.conda'));
  if (c.platform !== 'win32') out.push('/opt/conda', ...names.map((n) => `/opt/${n}`));
  else out.push(...names.map((n) => win32.join(c.env.ProgramData || 'C:\\ProgramData', n)));
  return out;
}

export function condaEnvsPaths(c: LocationContext): string[] {
  const sep = c.platform === 'win32' ? ';' : ':';
  return (c.env.CONDA_ENVS_PATH || c.env.CONDA_ENVS_DIRS || '').split(sep).filter(Boolean);
}
