// `venvkit build` (an sdist, then the wheel from it; the same files as `python -m build`), local
// sdists (.tar.gz and .zip) installed with the built wheel cached by the sdist's hash (a second env
// builds nothing), `.[extra]` from the project directory and `name @ file:///dir`.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { venvkit } from '../helpers/cli.js';
import { python3x } from '../pip/helpers.js';
import { createVenv } from '../../src/venv/create.js';
import { buildTestEnv, localIndex, writeFiles, writeProject } from './helpers.js';

const tmp = mkdtempSync(join(tmpdir(), 'vk-build-sdist-'));
after(() => rmSync(tmp, { recursive: true, force: true }));
const env = buildTestEnv(join(tmp, 'cache'));
const python = python3x();
const skip = !python ? 'no CPython 3.11/3.12 under $PYENV_ROOT' : !localIndex(env) ? 'no file:// index in pip\'s configuration' : false;
const vk = (args: string[], cwd?: string) => venvkit(args, { env, cwd, timeout: 300_000 });
const py = (exe: string, code: string) => spawnSync(exe, ['-c', code], { encoding: 'utf8', env, cwd: tmp });
const buildLogs = () => {
  const logs = join(env.VENVKIT_CACHE_DIR!, 'build', 'logs');
  return existsSync(logs) ? readdirSync(logs).length : 0;
};
/** Member names of a wheel or an sdist (the sdist's top directory kept). */
const members = (file: string) => py(python!, `import sys, tarfile, zipfile\nf = sys.argv[1] if len(sys.argv) > 1 else ${JSON.stringify(file)}\nnames = zipfile.ZipFile(f).namelist() if f.endswith(('.whl', '.zip')) else tarfile.open(f).getnames()\nprint("\\n".join(sorted(n for n in names if not n.endswith('/'))))`).stdout;

test('venvkit build makes what python -m build makes; the sdist installs, and a second env builds nothing', { skip, timeout: 300_000 }, async () => {
  const dir = writeProject(join(tmp, 'flitproj'), 'flit-core', 'sdistdemo', ['six']);
  let r = vk(['build', '-p', python!], dir);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stderr, /Successfully built sdistdemo-0\.1\.tar\.gz and sdistdemo-0\.1-py\d?.*-none-any\.whl/);
  const ours = readdirSync(join(dir, 'dist')).sort();
  // python -m build (build from the local index) in its own env.
  const tool = await createVenv(join(tmp, 'env-build-tool'), { python: python!, env, withoutPip: true });
  r = vk(['install', '--env', tool.root, 'build', 'pip']);
  assert.equal(r.status, 0, r.stderr);
  const theirsDir = join(tmp, 'theirs');
  const b = spawnSync(tool.paths.python, ['-m', 'build', '--outdir', theirsDir, dir], { encoding: 'utf8', env, timeout: 300_000 });
  assert.equal(b.status, 0, b.stderr + b.stdout);
  assert.deepEqual(readdirSync(theirsDir).sort(), ours);
  for (const f of ours) assert.equal(members(join(dir, 'dist', f)), members(join(theirsDir, f)), f);

  // The sdist into two envs: built once.
  const sdist = join(dir, 'dist', 'sdistdemo-0.1.tar.gz');
  const e1 = await createVenv(join(tmp, 'env-sdist-1'), { python: python!, env, withoutPip: true });
  const e2 = await createVenv(join(tmp, 'env-sdist-2'), { python: python!, env, withoutPip: true });
  const logs0 = buildLogs();
  r = vk(['install', '--env', e1.root, sdist]);
  assert.equal(r.status, 0, r.stderr);
  assert.ok(buildLogs() > logs0, 'built');
  const logs1 = buildLogs();
  r = vk(['install', '--env', e2.root, sdist]);
  assert.equal(r.status, 0, r.stderr);
  assert.equal(buildLogs(), logs1, 'no build for the second env');
  // Config settings are part of the built wheel's cache key: other settings build again, the same ones do not.
  const e1c = await createVenv(join(tmp, 'env-sdist-1c'), { python: python!, env, withoutPip: true });
  const e2c = await createVenv(join(tmp, 'env-sdist-2c'), { python: python!, env, withoutPip: true });
  r = vk(['install', '--env', e1c.root, '-C', 'demo-setting=1', sdist]);
  assert.equal(r.status, 0, r.stderr);
  assert.equal(buildLogs(), logs1 + 1, 'other config settings: built again');
  r = vk(['install', '--env', e2c.root, '-C', 'demo-setting=1', sdist]);
  assert.equal(r.status, 0, r.stderr);
  assert.equal(buildLogs(), logs1 + 1, 'the same config settings: the cached wheel');
  for (const e of [e1, e2]) {
    assert.equal(py(e.paths.python, 'import sdistdemo, six; print(sdistdemo.GREETING)').stdout, 'hello from sdistdemo\n');
    const du = JSON.parse(readFileSync(join(e.paths.purelib, 'sdistdemo-0.1.dist-info', 'direct_url.json'), 'utf8'));
    assert.equal(du.url, pathToFileURL(sdist).href);
    assert.match(du.archive_info.hash, /^sha256=[0-9a-f]{64}$/);
  }

  // The same project as a .zip sdist.
  const zip = join(tmp, 'sdistdemo-0.1.zip');
  const z = py(python!, `import tarfile, zipfile\nt = tarfile.open(${JSON.stringify(sdist)})\nwith zipfile.ZipFile(${JSON.stringify(zip)}, "w") as z:\n    for m in t.getmembers():\n        if m.isfile(): z.writestr(m.name, t.extractfile(m).read())`);
  assert.equal(z.status, 0, z.stderr);
  const e3 = await createVenv(join(tmp, 'env-sdist-3'), { python: python!, env, withoutPip: true });
  r = vk(['install', '--env', e3.root, zip]);
  assert.equal(r.status, 0, r.stderr);
  assert.equal(py(e3.paths.python, 'import sdistdemo; print(sdistdemo.GREETING)').stdout, 'hello from sdistdemo\n');

  // Hash-checking mode: a requirements-file line's --hash pins the sdist itself (as pip checks it),
  // not the wheel built from it. The right hash installs; a wrong one is refused before any build.
  const sha = createHash('sha256').update(readFileSync(sdist)).digest('hex');
  const e4 = await createVenv(join(tmp, 'env-sdist-hash'), { python: python!, env, withoutPip: true });
  const good = join(tmp, 'hashed.txt');
  writeFileSync(good, `sdistdemo @ ${pathToFileURL(sdist).href} --hash=sha256:${sha}\n`);
  r = vk(['install', '--env', e4.root, '--no-deps', '-r', good]);
  assert.equal(r.status, 0, r.stderr);
  assert.equal(py(e4.paths.python, 'import sdistdemo; print(sdistdemo.GREETING)').stdout, 'hello from sdistdemo\n');
  const bad = join(tmp, 'hashed-wrong.txt');
  writeFileSync(bad, `${sdist} --hash=sha256:${'0'.repeat(64)}\n`);
  const e5 = await createVenv(join(tmp, 'env-sdist-hash-wrong'), { python: python!, env, withoutPip: true });
  const logs2 = buildLogs();
  r = vk(['install', '--env', e5.root, '--no-deps', '-r', bad]);
  assert.equal(r.status, 1, r.stderr);
  assert.match(r.stderr, /hash mismatch for .*sdistdemo-0\.1\.tar\.gz: expected sha256:0{64}, got sha256:[0-9a-f]{64}/);
  assert.equal(buildLogs(), logs2, 'nothing built');
  assert.ok(!existsSync(join(e5.paths.purelib, 'sdistdemo')));
});

test('.[extra] from the project directory, name @ file:///dir, a name that does not match, -e . with --group', { skip, timeout: 300_000 }, async () => {
  const dir = writeFiles(join(tmp, 'extras'), {
    'pyproject.toml': '[build-system]\nrequires = ["flit_core>=3.4"]\nbuild-backend = "flit_core.buildapi"\n\n[project]\nname = "extrademo"\nversion = "2.0"\ndescription = "x"\n\n[project.optional-dependencies]\nsix = ["six"]\n',
    'extrademo/__init__.py': '"""x"""\n',
  });
  const v = await createVenv(join(tmp, 'env-extras'), { python: python!, env, withoutPip: true });
  let r = vk(['install', '--env', v.root, '.[six]'], dir);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stderr, /\+ extrademo==2\.0/);
  assert.match(r.stderr, /\+ six==/);
  r = vk(['install', '--env', v.root, `extrademo @ ${pathToFileURL(dir).href}`]);
  assert.equal(r.status, 0, r.stderr);
  assert.equal(JSON.parse(readFileSync(join(v.paths.purelib, 'extrademo-2.0.dist-info', 'direct_url.json'), 'utf8')).url, pathToFileURL(dir).href);
  r = vk(['install', '--env', v.root, '--json', `otherName @ ${pathToFileURL(dir).href}`]);
  assert.equal(r.status, 1);
  assert.match(JSON.parse(r.stdout).error.message, /names otherName, but the project at .* is extrademo/);
  // PEP 735 groups with -e . (pip 26's --group [path:]name, ./pyproject.toml by default).
  writeFiles(dir, { 'pyproject.toml': `${readFileSync(join(dir, 'pyproject.toml'), 'utf8')}\n[dependency-groups]\ndev = [{ include-group = "tools" }]\ntools = ["six"]\n` });
  const g = await createVenv(join(tmp, 'env-groups'), { python: python!, env, withoutPip: true });
  r = vk(['install', '--env', g.root, '-e', '.', '--group', 'dev'], dir);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stderr, /\+ extrademo==2\.0/);
  assert.match(r.stderr, /\+ six==/);
  r = vk(['install', '--env', g.root, '--json', '--group', 'nosuch'], dir);
  assert.equal(r.status, 1);
  assert.equal(JSON.parse(r.stdout).error.code, 'BAD_DEPENDENCY_GROUP');
});

const hasGit = spawnSync('git', ['--version']).status === 0;
if (!hasGit && process.env.CI === 'true') throw new Error('git is not installed, but CI installs it (.ci/run)');

test('VCS: name @ git+file://...@tag (built once per commit), -e git+...#egg= into <env>/src, a missing rev', { skip: skip || (hasGit ? false : 'git not installed'), timeout: 300_000 }, async () => {
  const repo = writeProject(join(tmp, 'repo'), 'flit-core', 'vcsdemo');
  const g = (args: string[]) => {
    const r = spawnSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.com', '-c', 'init.defaultBranch=main', ...args], { cwd: repo, encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    return r.stdout.trim();
  };
  g(['init', '-q']);
  g(['add', '-A']);
  g(['commit', '-qm', 'one']);
  g(['tag', 'v1']);
  const commit = g(['rev-parse', 'HEAD']);
  const url = `git+${pathToFileURL(repo).href}`;
  const e1 = await createVenv(join(tmp, 'env-vcs-1'), { python: python!, env, withoutPip: true });
  const e2 = await createVenv(join(tmp, 'env-vcs-2'), { python: python!, env, withoutPip: true });
  let r = vk(['install', '--env', e1.root, `vcsdemo @ ${url}@v1`]);
  assert.equal(r.status, 0, r.stderr);
  const logs = buildLogs();
  r = vk(['install', '--env', e2.root, `vcsdemo @ ${url}@v1`]);
  assert.equal(r.status, 0, r.stderr);
  assert.equal(buildLogs(), logs, 'the same commit is not built again');
  assert.deepEqual(JSON.parse(readFileSync(join(e2.paths.purelib, 'vcsdemo-0.1.dist-info', 'direct_url.json'), 'utf8')), { url: pathToFileURL(repo).href, vcs_info: { vcs: 'git', commit_id: commit, requested_revision: 'v1' } });
  assert.equal(py(e2.paths.python, 'import vcsdemo; print(vcsdemo.GREETING)').stdout, 'hello from vcsdemo\n');

  const e3 = await createVenv(join(tmp, 'env-vcs-3'), { python: python!, env, withoutPip: true });
  r = vk(['install', '--env', e3.root, '-e', `${url}#egg=vcsdemo`]);
  assert.equal(r.status, 0, r.stderr);
  const src = join(e3.root, 'src', 'vcsdemo');
  assert.ok(existsSync(join(src, 'pyproject.toml')));
  assert.equal(py(e3.paths.python, 'import vcsdemo; print(vcsdemo.__file__)').stdout.trim(), join(src, 'vcsdemo', '__init__.py'));
  r = vk(['freeze', '--env', e3.root]);
  assert.match(r.stdout, new RegExp(`^-e ${url.replace(/[.+]/g, '\\$&')}@${commit}#egg=vcsdemo$`, 'm'));

  r = vk(['install', '--env', e1.root, '--json', `vcsdemo @ ${url}@no-such-rev`]);
  assert.equal(r.status, 1);
  assert.match(JSON.parse(r.stdout).error.message, /no-such-rev/);
});

test('VCS: -e git+...@REV again updates the checkout in <env>/src to that revision, and never discards local changes', { skip: skip || (hasGit ? false : 'git not installed'), timeout: 300_000 }, async () => {
  const repo = writeProject(join(tmp, 'repo-upd'), 'flit-core', 'vcsupd');
  const g = (args: string[], cwd = repo) => {
    const r = spawnSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.com', '-c', 'init.defaultBranch=main', ...args], { cwd, encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    return r.stdout.trim();
  };
  g(['init', '-q']);
  g(['add', '-A']);
  g(['commit', '-qm', 'one']);
  g(['tag', 'v1']);
  const init = join(repo, 'vcsupd', '__init__.py');
  writeFileSync(init, readFileSync(init, 'utf8').replace('hello from vcsupd', 'second release'));
  g(['commit', '-qam', 'two']);
  g(['tag', 'v2']);
  const v2 = g(['rev-parse', 'HEAD']);
  const url = `git+${pathToFileURL(repo).href}`;
  const e = await createVenv(join(tmp, 'env-vcs-upd'), { python: python!, env, withoutPip: true });
  let r = vk(['install', '--env', e.root, '-e', `${url}@v1#egg=vcsupd`]);
  assert.equal(r.status, 0, r.stderr);
  assert.equal(py(e.paths.python, 'import vcsupd; print(vcsupd.GREETING)').stdout, 'hello from vcsupd\n');
  const src = join(e.root, 'src', 'vcsupd');
  r = vk(['install', '--env', e.root, '-e', `${url}@v2#egg=vcsupd`]);
  assert.equal(r.status, 0, r.stderr);
  assert.equal(g(['rev-parse', 'HEAD'], src), v2, 'the checkout was moved to v2');
  assert.equal(py(e.paths.python, 'import vcsupd; print(vcsupd.GREETING)').stdout, 'second release\n');
  // A local edit in the checkout is kept: moving back to v1 is refused, saying why.
  const mine = join(src, 'vcsupd', '__init__.py');
  writeFileSync(mine, readFileSync(mine, 'utf8') + '# my edit\n');
  r = vk(['install', '--env', e.root, '--json', '-e', `${url}@v1#egg=vcsupd`]);
  assert.equal(r.status, 1, r.stderr);
  assert.equal(JSON.parse(r.stdout).error.code, 'VCS_FAILED');
  assert.match(JSON.parse(r.stdout).error.message, /uncommitted changes/);
  assert.match(readFileSync(mine, 'utf8'), /# my edit/);
  assert.equal(g(['rev-parse', 'HEAD'], src), v2);
});
