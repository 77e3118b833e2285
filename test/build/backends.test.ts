// Real build backends from the local index (setuptools with pyproject.toml, setup.py alone,
// hatchling, flit-core, poetry-core) on projects written here: each installed regular and editable
// by `venvkit install`; the env's interpreter imports it and runs its console script; an editable
// sees a source edit; `-e` again with unchanged metadata builds nothing, and a changed dependency
// list is installed; pip uninstalls what venvkit installed and venvkit uninstalls it too; the files,
// direct_url.json and freeze of pip 26.2 installing the same projects are venvkit's, freeze's output
// installs again, and venvkit uninstalls what pip installed. Build envs are shared through one cache.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { pathToFileURL } from 'node:url';
import { venvkit } from '../helpers/cli.js';
import { seedCache } from '../helpers/seed-cache.js';
import { python3x } from '../pip/helpers.js';
import { createVenv } from '../../src/venv/create.js';
import type { Venv } from '../../src/venv/types.js';
import { buildTestEnv, localIndex, writeProject, type Backend } from './helpers.js';

const tmp = mkdtempSync(join(tmpdir(), 'vk-build-backends-'));
after(() => rmSync(tmp, { recursive: true, force: true }));
const env = buildTestEnv(join(tmp, 'cache'));
const python = python3x();
// pip's bytecode for this interpreter compiled once per run, not once per file (test/helpers/seed-cache.ts).
seedCache(join(tmp, 'cache'), [python]);
const skip = !python ? 'no CPython 3.11/3.12 under $PYENV_ROOT' : !localIndex(env) ? 'no file:// index in pip\'s configuration' : false;
const vk = (args: string[]) => venvkit(args, { env, timeout: 300_000 });

/** Every path under the env's bin/ and site-packages (files and dirs), but pip's own. */
function listing(v: Venv): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const name of readdirSync(dir, { withFileTypes: true })) {
      const p = join(dir, name.name);
      const rel = relative(v.root, p);
      if (/(^|\/)(pip[0-9.]*|pip-[^/]*\.dist-info|setuptools[^/]*|_distutils_hack|distutils-precedence\.pth|pkg_resources)$/.test(rel)) continue;
      out.push(rel);
      if (name.isDirectory()) walk(p);
    }
  };
  walk(v.paths.scripts);
  walk(v.paths.purelib);
  return out.sort();
}

function run(cmd: string, args: string[], cwd?: string): { status: number | null; out: string; err: string } {
  const r = spawnSync(cmd, args, { env, encoding: 'utf8', cwd, timeout: 300_000 });
  return { status: r.status, out: r.stdout, err: r.stderr };
}

function directUrl(v: Venv, name: string): unknown {
  const d = readdirSync(v.paths.purelib).find((n) => n.startsWith(`${name}-`) && n.endsWith('.dist-info'));
  assert.ok(d, `${name}'s dist-info`);
  return JSON.parse(readFileSync(join(v.paths.purelib, d, 'direct_url.json'), 'utf8'));
}

function buildLogs(): number {
  const logs = join(env.VENVKIT_CACHE_DIR!, 'build', 'logs');
  return existsSync(logs) ? readdirSync(logs).length : 0;
}

const BACKENDS: Backend[] = ['setuptools', 'setup.py', 'hatchling', 'flit-core', 'poetry-core'];

for (const backend of BACKENDS) {
  test(`${backend}: regular and editable installs run, see edits, uninstall with pip and venvkit`, { skip, timeout: 300_000 }, async () => {
    const name = `demo_${backend.replace(/[^a-z]/g, '')}`;
    const dir = writeProject(join(tmp, `proj-${name}`), backend, name);
    const v = await createVenv(join(tmp, `env-${name}`), { python: python!, env });
    const py = v.paths.python;
    const baseline = listing(v);

    // Regular: built with build_wheel, dir_info {}, removed by venvkit uninstall.
    let r = vk(['install', '--env', v.root, dir]);
    assert.equal(r.status, 0, r.stderr);
    assert.equal(run(join(v.paths.scripts, name), []).out, `hello from ${name}\n`);
    assert.equal(run(py, ['-c', `import ${name}; print(${name}.__file__)`], tmp).out.trim(), join(v.paths.purelib, name, '__init__.py'));
    assert.deepEqual(directUrl(v, name), { url: pathToFileURL(dir).href, dir_info: {} });
    r = vk(['uninstall', '-y', '--env', v.root, '-y', name]);
    assert.equal(r.status, 0, r.stderr);
    assert.deepEqual(listing(v).filter((p) => !p.includes('__pycache__')), baseline);

    // Editable: build_editable, sees an edit, dir_info.editable, removed by pip uninstall.
    r = vk(['install', '--env', v.root, '-e', dir]);
    assert.equal(r.status, 0, r.stderr);
    assert.equal(run(join(v.paths.scripts, name), []).out, `hello from ${name}\n`);
    assert.deepEqual(directUrl(v, name), { url: pathToFileURL(dir).href, dir_info: { editable: true } });
    const src = backend === 'hatchling' ? join(dir, 'src', name, '__init__.py') : join(dir, name, '__init__.py');
    writeFileSync(src, readFileSync(src, 'utf8').replace('hello from', 'edited'));
    assert.equal(run(py, ['-c', `import ${name}; print(${name}.GREETING)`], tmp).out, `edited ${name}\n`);
    assert.equal(run(join(v.paths.scripts, name), []).out, `edited ${name}\n`);

    // Again with the metadata unchanged: no build.
    const logs = buildLogs();
    r = vk(['install', '--env', v.root, '-e', dir]);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stderr, /already satisfied/);
    assert.equal(buildLogs(), logs, 'no build ran');

    const u = run(py, ['-m', 'pip', 'uninstall', '-y', '-y', name]);
    assert.equal(u.status, 0, u.err);
    assert.deepEqual(listing(v).filter((p) => !p.includes('__pycache__')), baseline);
  });
}

test('-e again after the dependencies changed installs the new ones; venvkit uninstall removes the editable', { skip, timeout: 300_000 }, async () => {
  const dir = writeProject(join(tmp, 'proj-deps'), 'setuptools', 'depsdemo');
  const v = await createVenv(join(tmp, 'env-deps'), { python: python!, env, withoutPip: true });
  const baseline = listing(v);
  let r = vk(['install', '--env', v.root, '-e', `${dir}`]);
  assert.equal(r.status, 0, r.stderr);
  assert.ok(!readdirSync(v.paths.purelib).some((n) => n.startsWith('six-')));
  writeProject(dir, 'setuptools', 'depsdemo', ['six']);
  r = vk(['install', '--env', v.root, '-e', dir]);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stderr, /\+ six==/);
  assert.equal(run(v.paths.python, ['-c', 'import depsdemo, six; print(depsdemo.GREETING)'], tmp).out, 'hello from depsdemo\n');
  r = vk(['uninstall', '-y', '--env', v.root, '-y', 'depsdemo', 'six']);
  assert.equal(r.status, 0, r.stderr);
  assert.deepEqual(listing(v).filter((p) => !p.includes('__pycache__')), baseline);
});

test('each backend, regular and editable: the files, direct_url.json and freeze of pip 26.2 doing the same; freeze\'s output installs again; venvkit uninstalls what pip installed', { skip, timeout: 900_000 }, async () => {
  const ours = await createVenv(join(tmp, 'env-cmp-vk'), { python: python!, env, withoutPip: true });
  const theirs = await createVenv(join(tmp, 'env-cmp-pip'), { python: python!, env, withoutPip: true });
  let r = vk(['install', '--env', theirs.root, 'pip>=26.2,<26.3']);
  assert.equal(r.status, 0, r.stderr);
  const baseline = listing(theirs);
  // Only what a project installs: pip's own files and the files each tool writes for itself are left out.
  const files = (v: Venv) => listing(v).filter((p) => !/__pycache__|(^|\/)(INSTALLER|REQUESTED|RECORD|venvkit_source\.json)$/.test(p));
  const pip = (args: string[]) => {
    const p = run(theirs.paths.python, ['-m', 'pip', ...args]);
    assert.equal(p.status, 0, p.err);
    return p.out;
  };
  for (const backend of BACKENDS) {
    for (const editable of [false, true]) {
      const name = `cmp_${backend.replace(/[^a-z]/g, '')}${editable ? '_e' : ''}`;
      const dir = writeProject(join(tmp, `proj-${name}`), backend, name, ['six']);
      // venvkit is given the project relative to its working directory (--editable ./proj-...), pip the absolute path.
      r = venvkit(['install', '--env', ours.root, ...(editable ? ['--editable'] : []), `./proj-${name}`], { env, cwd: tmp, timeout: 300_000 });
      assert.equal(r.status, 0, r.stderr);
      pip(['install', '-q', ...(editable ? ['-e'] : []), dir]);
      assert.deepEqual(files(ours), files(theirs), `${backend} ${editable ? '-e' : 'regular'}`);
      assert.deepEqual(directUrl(ours, name), directUrl(theirs, name));
    }
  }
  // freeze: venvkit's of its env is pip's of that env, and of pip's env.
  const frozen = vk(['freeze', '--env', ours.root]).stdout;
  assert.equal(frozen, pip(['--python', ours.paths.python, 'freeze']));
  assert.equal(vk(['freeze', '--env', theirs.root]).stdout, pip(['freeze']));
  assert.match(frozen, /^-e \/.*proj-cmp_hatchling_e$/m);
  // freeze's output installs the same set again, editables included.
  const reqs = join(tmp, 'frozen.txt');
  writeFileSync(reqs, frozen);
  const again = await createVenv(join(tmp, 'env-cmp-again'), { python: python!, env, withoutPip: true });
  r = vk(['install', '--env', again.root, '-r', reqs]);
  assert.equal(r.status, 0, r.stderr);
  assert.equal(vk(['freeze', '--env', again.root]).stdout, frozen);
  // venvkit uninstalls what pip installed, editables included.
  const names = BACKENDS.flatMap((b) => [`cmp_${b.replace(/[^a-z]/g, '')}`, `cmp_${b.replace(/[^a-z]/g, '')}_e`]);
  r = vk(['uninstall', '--env', theirs.root, '-y', ...names, 'six']);
  assert.equal(r.status, 0, r.stderr);
  assert.deepEqual(listing(theirs).filter((p) => !p.includes('__pycache__')), baseline.filter((p) => !p.includes('__pycache__')));
});

test('a compiled extension through scikit-build-core (cmake from the index or the system): regular and editable, pip uninstalls it', { skip, timeout: 300_000 }, async () => {
  const dir = join(tmp, 'proj-cext');
  const { writeFiles } = await import('./helpers.js');
  writeFiles(dir, {
    'pyproject.toml': '[build-system]\nrequires = ["scikit-build-core"]\nbuild-backend = "scikit_build_core.build"\n\n[project]\nname = "vkcext"\nversion = "0.1"\n',
    'CMakeLists.txt': 'cmake_minimum_required(VERSION 3.15)\nproject(${SKBUILD_PROJECT_NAME} LANGUAGES C)\nfind_package(Python COMPONENTS Interpreter Development.Module REQUIRED)\nPython_add_library(vkcext MODULE src/vkcext.c WITH_SOABI)\ninstall(TARGETS vkcext DESTINATION .)\n',
    'src/vkcext.c': '#define PY_SSIZE_T_CLEAN\n#include <Python.h>\nstatic PyObject *answer(PyObject *self, PyObject *args) { return PyLong_FromLong(42); }\nstatic PyMethodDef methods[] = {{"answer", answer, METH_NOARGS, "42"}, {NULL, NULL, 0, NULL}};\nstatic struct PyModuleDef mod = {PyModuleDef_HEAD_INIT, "vkcext", NULL, -1, methods};\nPyMODINIT_FUNC PyInit_vkcext(void) { return PyModule_Create(&mod); }\n',
  });
  const v = await createVenv(join(tmp, 'env-cext'), { python: python!, env });
  const baseline = listing(v);
  for (const args of [[dir], ['-e', dir]]) {
    const r = vk(['install', '--env', v.root, ...args]);
    assert.equal(r.status, 0, r.stderr);
    assert.equal(run(v.paths.python, ['-c', 'import vkcext; print(vkcext.answer())'], tmp).out, '42\n');
    const u = run(v.paths.python, ['-m', 'pip', 'uninstall', '-y', '-y', 'vkcext']);
    assert.equal(u.status, 0, u.err);
    assert.deepEqual(listing(v).filter((p) => !p.includes('__pycache__')), baseline);
  }
});
