// Fake layouts of every tool's environments, built in a temp dir: pyvenv.cfg files, conda-meta,
// version directories and interpreter files that are NOT runnable (empty), so a test that passes
// proves that nothing was started.
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

export function file(path: string, text = ''): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, text);
}

/** A venv-like directory: pyvenv.cfg (extra keys as given), bin/python3 (a fake), bin/activate, site-packages. */
export function fakeVenv(dir: string, version = '3.12.1', extra: Record<string, string> = {}): string {
  const cfg = { home: '/nonexistent/python/bin', 'include-system-site-packages': 'false', version, ...extra };
  file(join(dir, 'pyvenv.cfg'), Object.entries(cfg).map(([k, v]) => `${k} = ${v}\n`).join(''));
  file(join(dir, 'bin', 'python3'));
  file(join(dir, 'bin', 'activate'));
  mkdirSync(join(dir, 'lib', `python${version.split('.').slice(0, 2).join('.')}`, 'site-packages'), { recursive: true });
  return dir;
}

export interface Machine {
  home: string;
  workspace: string;
  pyenvRoot: string;
  env: NodeJS.ProcessEnv;
  /** Expected [kind, path, version] of everything findEnvironments must report. */
  expected: [string, string, string | undefined][];
  /** Environments it must not report. */
  hidden: string[];
}

export function buildMachine(tmp: string): Machine {
  const home = join(tmp, 'home');
  const ws = join(tmp, 'ws');
  const pyenvRoot = join(home, '.pyenv');
  const expected: Machine['expected'] = [];
  const hidden: string[] = [];
  const add = (kind: string, path: string, version: string | undefined) => expected.push([kind, path, version]);

  // Workspace: .venv (made by uv), venv and env (python -m venv), one deeper, a virtualenv one,
  // one in node_modules and one under an ignored directory (not found), one that is itself ignored
  // (found: .venv is usually ignored), one beyond the depth limit (not found).
  add('uv', fakeVenv(join(ws, '.venv'), '3.12.4', { uv: '0.4.0', implementation: 'CPython' }), '3.12.4');
  add('venv', fakeVenv(join(ws, 'venv'), '3.11.7'), '3.11.7');
  add('venv', fakeVenv(join(ws, 'env'), '3.10.13'), '3.10.13');
  add('virtualenv', fakeVenv(join(ws, 'services', 'api', 'venv-api'), '3.9.18', { virtualenv: '20.26.0', version_info: '3.9.18.final.0' }), '3.9.18');
  hidden.push(fakeVenv(join(ws, 'node_modules', 'pkg', '.venv')));
  hidden.push(fakeVenv(join(ws, 'build', 'lib', 'venv')));
  add('venv', fakeVenv(join(ws, 'ignored-env'), '3.13.0'), '3.13.0');
  hidden.push(fakeVenv(join(ws, 'a', 'b', 'c', 'd', 'e', '.venv')));
  file(join(ws, '.gitignore'), '# build output\nbuild/\n/ignored-env\n*.egg-info\n');

  // virtualenvwrapper: $WORKON_HOME/<name>
  const workon = join(home, 'workon');
  add('virtualenvwrapper', fakeVenv(join(workon, 'tools'), '3.11.7', { virtualenv: '20.26.0' }), '3.11.7');
  // pipenv: ~/.local/share/virtualenvs/<project>-<hash>, with .project
  const pipenvEnv = fakeVenv(join(home, '.local', 'share', 'virtualenvs', 'web-AbCd1234'), '3.12.1', { virtualenv: '20.26.0' });
  file(join(pipenvEnv, '.project'), join(tmp, 'web'));
  file(join(tmp, 'web', 'Pipfile'));
  add('pipenv', pipenvEnv, '3.12.1');
  // poetry: ~/.cache/pypoetry/virtualenvs/<name>-<hash>-py3.X
  add('poetry', fakeVenv(join(home, '.cache', 'pypoetry', 'virtualenvs', 'app-Xy12Zw34-py3.11'), '3.11.7', { virtualenv: '20.26.0' }), '3.11.7');
  // hatch: ~/.local/share/hatch/env/virtual/<project>/<id>/<env>
  add('hatch', fakeVenv(join(home, '.local', 'share', 'hatch', 'env', 'virtual', 'lib', 'kQ9x', 'default'), '3.12.1'), '3.12.1');
  // pyenv: versions/3.11.7 (an install), versions/3.11.7/envs/ml and the versions/ml link (pyenv-virtualenv).
  file(join(pyenvRoot, 'versions', '3.11.7', 'bin', 'python3'));
  add('pyenv', join(pyenvRoot, 'versions', '3.11.7'), '3.11.7');
  fakeVenv(join(pyenvRoot, 'versions', '3.11.7', 'envs', 'ml'), '3.11.7');
  symlinkSync(join(pyenvRoot, 'versions', '3.11.7', 'envs', 'ml'), join(pyenvRoot, 'versions', 'ml'));
  add('pyenv-virtualenv', join(pyenvRoot, 'versions', 'ml'), '3.11.7');
  // conda: a base install (condabin), one env under envs/, one elsewhere listed in environments.txt.
  const conda = join(home, 'miniconda3');
  file(join(conda, 'conda-meta', 'python-3.11.5-h955ad1f_0.json'), '{}');
  file(join(conda, 'condabin', 'conda'));
  file(join(conda, 'bin', 'python3'));
  add('conda', conda, '3.11.5');
  file(join(conda, 'envs', 'ds', 'conda-meta', 'python-3.10.14-h1_0.json'), '{}');
  file(join(conda, 'envs', 'ds', 'bin', 'python3'));
  add('conda', join(conda, 'envs', 'ds'), '3.10.14');
  const other = join(tmp, 'elsewhere', 'conda-env');
  file(join(other, 'conda-meta', 'python-3.12.3-h2_0.json'), '{}');
  file(join(home, '.conda', 'environments.txt'), `${conda}\n${other}\n`);
  add('conda', other, '3.12.3');
  // uv's managed Pythons
  file(join(home, '.local', 'share', 'uv', 'python', 'cpython-3.12.4-linux-x86_64-gnu', 'bin', 'python3'));
  add('uv-python', join(home, '.local', 'share', 'uv', 'python', 'cpython-3.12.4-linux-x86_64-gnu'), '3.12.4');
  file(join(home, '.local', 'share', 'uv', 'python', '.lock'));

  const env: NodeJS.ProcessEnv = { HOME: home, PATH: '/nonexistent', PYENV_ROOT: pyenvRoot, WORKON_HOME: workon, VENVKIT_CACHE_DIR: join(tmp, 'cache') };
  return { home, workspace: ws, pyenvRoot, env, expected, hidden };
}
