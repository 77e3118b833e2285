// Shared set-up for the build frontend tests: the local index (found through pip's configuration),
// projects for the real backends written into temp dirs, and a tiny in-tree backend.
import { after } from 'node:test';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { loadPipConfig } from '../../src/index/pip-config.js';
import { venvkit } from '../helpers/cli.js';
import { python3x } from '../pip/helpers.js';

/** The first file:// index pip is configured with (pypi.org is not reachable here). */
export function localIndex(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const s = loadPipConfig({ env }).settings;
  return [s.indexUrl, ...s.extraIndexUrls].find((u) => u.startsWith('file:'));
}

/** Environment for venvkit and pip in tests: a private cache, the local index as the only index. */
export function buildTestEnv(cache: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, VENVKIT_CACHE_DIR: cache, PIP_DISABLE_PIP_VERSION_CHECK: '1', PIP_NO_INPUT: '1' };
  delete env.VIRTUAL_ENV;
  const index = localIndex(env);
  if (index) env.PIP_INDEX_URL = index;
  return env;
}

/**
 * What the tests of direct references (local dirs, archives, git) share: a temp dir removed after
 * the file's tests, its env (buildTestEnv), a CPython 3.11/3.12, whether git is there (CI installs
 * it, so its absence fails there), venvkit run in the temp dir, and a file's sha256 in hex.
 */
export function directRefsSetup(prefix: string) {
  const tmp = mkdtempSync(join(tmpdir(), prefix));
  after(() => rmSync(tmp, { recursive: true, force: true }));
  const env = buildTestEnv(join(tmp, 'cache'));
  const hasGit = spawnSync('git', ['--version']).status === 0;
  if (!hasGit && process.env.CI === 'true') throw new Error('git is not installed, but CI installs it (.ci/run)');
  return {
    tmp,
    env,
    python: python3x(),
    hasGit,
    vk: (args: string[]) => venvkit(args, { env, cwd: tmp, timeout: 300_000 }),
    sha256: (path: string) => createHash('sha256').update(readFileSync(path)).digest('hex'),
  };
}

/** An env's site-packages (POSIX layout, its one lib/pythonX.Y). */
export const sitePackages = (root: string) => join(root, 'lib', readdirSync(join(root, 'lib'))[0]!, 'site-packages');
/** The .dist-info directories installed in an env, sorted. */
export const distInfos = (root: string) => readdirSync(sitePackages(root)).filter((d) => d.endsWith('.dist-info')).sort();
/** A distribution's direct_url.json, parsed (undefined when it has none). */
export const directUrl = (root: string, dist: string) => {
  const f = join(sitePackages(root), dist, 'direct_url.json');
  return existsSync(f) ? JSON.parse(readFileSync(f, 'utf8')) : undefined;
};

export function writeFiles(root: string, files: Record<string, string>): string {
  for (const [rel, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, rel)), { recursive: true });
    writeFileSync(join(root, rel), text);
  }
  return root;
}

export type Backend = 'setuptools' | 'setup.py' | 'hatchling' | 'flit-core' | 'poetry-core';

const module = (name: string) => `GREETING = "hello from ${name}"\n\ndef main():\n    print(GREETING)\n`;

/** A project named `name` for `backend`: package `name` with a console script `name` printing a greeting; depends on `deps`. */
export function writeProject(dir: string, backend: Backend, name: string, deps: string[] = []): string {
  const depList = `[${deps.map((d) => JSON.stringify(d)).join(', ')}]`;
  const project = `[project]\nname = "${name}"\nversion = "0.1"\ndescription = "test"\ndependencies = ${depList}\n\n[project.scripts]\n${name} = "${name}:main"\n`;
  const files: Record<string, string> = {};
  switch (backend) {
    case 'setuptools':
      files['pyproject.toml'] = `[build-system]\nrequires = ["setuptools>=64"]\nbuild-backend = "setuptools.build_meta"\n\n${project}`;
      files[`${name}/__init__.py`] = module(name);
      break;
    case 'setup.py':
      files['setup.py'] = `from setuptools import setup\nsetup(name="${name}", version="0.1", packages=["${name}"], install_requires=${depList}, entry_points={"console_scripts": ["${name}=${name}:main"]})\n`;
      files[`${name}/__init__.py`] = module(name);
      break;
    case 'hatchling':
      files['pyproject.toml'] = `[build-system]\nrequires = ["hatchling"]\nbuild-backend = "hatchling.build"\n\n${project}`;
      files[`src/${name}/__init__.py`] = module(name);
      break;
    case 'flit-core':
      files['pyproject.toml'] = `[build-system]\nrequires = ["flit_core>=3.4"]\nbuild-backend = "flit_core.buildapi"\n\n${project}`;
      files[`${name}/__init__.py`] = `"""test"""\n${module(name)}`;
      break;
    case 'poetry-core':
      files['pyproject.toml'] = `[build-system]\nrequires = ["poetry-core>=1.0"]\nbuild-backend = "poetry.core.masonry.api"\n\n[tool.poetry]\nname = "${name}"\nversion = "0.1"\ndescription = "test"\nauthors = ["T <t@example.org>"]\npackages = [{ include = "${name}" }]\n\n[tool.poetry.dependencies]\npython = ">=3.8"\n${deps.map((d) => `${d} = "*"\n`).join('')}\n[tool.poetry.scripts]\n${name} = "${name}:main"\n`;
      files[`${name}/__init__.py`] = module(name);
      break;
  }
  return writeFiles(dir, files);
}

/**
 * A tiny in-tree backend (backend-path ["."], no requirements): build_wheel/build_editable write a
 * wheel of module `name` (its version from VERSION), after running `before` (Python source) with
 * `config_settings` and `wheel_directory` in scope.
 */
export function writeInTreeProject(dir: string, name: string, before = '', requires: string[] = []): string {
  return writeFiles(dir, {
    'pyproject.toml': `[build-system]\nrequires = ${JSON.stringify(requires)}\nbuild-backend = "tinybackend"\nbackend-path = ["."]\n`,
    'VERSION': '1.0',
    [`${name}.py`]: `VALUE = "${name}"\n`,
    'tinybackend.py': `import base64, hashlib, os, zipfile
NAME = ${JSON.stringify(name)}

def _wheel(wheel_directory, config_settings, editable):
${before ? before.split('\n').map((l) => `    ${l}`).join('\n') : '    pass'}
    version = open("VERSION").read().strip()
    dist = "%s-%s.dist-info" % (NAME, version)
    files = {}
    if editable:
        files["%s.pth" % NAME] = os.getcwd() + "\\n"
    else:
        files["%s.py" % NAME] = open("%s.py" % NAME).read()
    files[dist + "/METADATA"] = "Metadata-Version: 2.1\\nName: %s\\nVersion: %s\\n" % (NAME, version)
    files[dist + "/WHEEL"] = "Wheel-Version: 1.0\\nGenerator: tiny\\nRoot-Is-Purelib: true\\nTag: py3-none-any\\n"
    record = []
    for path, text in files.items():
        digest = base64.urlsafe_b64encode(hashlib.sha256(text.encode()).digest()).rstrip(b"=").decode()
        record.append("%s,sha256=%s,%d" % (path, digest, len(text.encode())))
    record.append(dist + "/RECORD,,")
    files[dist + "/RECORD"] = "\\n".join(record) + "\\n"
    filename = "%s-%s-py3-none-any.whl" % (NAME, version)
    with zipfile.ZipFile(os.path.join(wheel_directory, filename), "w") as z:
        for path, text in files.items():
            z.writestr(path, text)
    return filename

def build_wheel(wheel_directory, config_settings=None, metadata_directory=None):
    return _wheel(wheel_directory, config_settings, False)

def build_editable(wheel_directory, config_settings=None, metadata_directory=None):
    return _wheel(wheel_directory, config_settings, True)
`,
  });
}
