// `venvkit sync requirements.txt` of the direct references `venvkit lock -o x.txt` writes — `-e
// file:///dir`, `name @ file:///dir`, `name @ git+URL@COMMIT`, and a wheel and an sdist as
// `name @ file:///file --hash=...` — compared with pip 26.2 installing the same lines: the same
// distributions, each direct_url.json field for field. A second sync does nothing; a project
// directory whose metadata files changed is rebuilt (that one only); a line pointing elsewhere
// replaces the installed copy; what the file no longer lists is removed. Bad input (a missing -e
// directory, an archive whose hash does not match, a checkout not pinned to a commit, a directory
// or checkout under --require-hashes, refused with pip's own message) leaves the env unchanged.
import { test, before, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { appendFileSync, cpSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { buildWheel } from '../helpers/wheels.js';
import { realPip, type RealPip } from '../helpers/real-pip.js';
import { directRefsSetup, writeInTreeProject, directUrl, distInfos, sitePackages } from '../build/helpers.js';

const { tmp, env, python, hasGit, vk, sha256 } = directRefsSetup('vk-sync-direct-');
const url = (path: string) => pathToFileURL(path).href;
const sync = (target: string, file: string, more: string[] = []) => {
  const r = vk(['sync', '--env', target, '--json', ...more, file]);
  assert.equal(r.status, 0, `sync ${file}: ${r.stdout}${r.stderr}`);
  return JSON.parse(r.stdout) as { alreadySynced: boolean; installed: { name: string; previous?: string }[]; removed: { name: string }[] };
};

let pip: RealPip | undefined;
/** The lines that cannot be hashed (directories, a checkout), and those that are (the archives). */
let unhashed: string[] = [];
let hashed: string[] = [];
const wheelPath = () => join(tmp, 'dists', 'rqwheel-1.0-py3-none-any.whl');
const sdistPath = () => join(tmp, 'dists', 'rqsdist-1.0.tar.gz');

before(() => {
  writeInTreeProject(join(tmp, 'rqedit'), 'rqedit');
  writeInTreeProject(join(tmp, 'rqdir'), 'rqdir');
  mkdirSync(join(tmp, 'dists'), { recursive: true });
  buildWheel(join(tmp, 'dists'), { name: 'rqwheel', version: '1.0', files: { 'rqwheel.py': 'VALUE = 1\n' } });
  writeInTreeProject(join(tmp, 'stage', 'rqsdist-1.0'), 'rqsdist');
  assert.equal(spawnSync('tar', ['-C', join(tmp, 'stage'), '-czf', sdistPath(), 'rqsdist-1.0']).status, 0);
  unhashed = [`-e ${url(join(tmp, 'rqedit'))}`, `rqdir @ ${url(join(tmp, 'rqdir'))}`];
  if (hasGit) {
    const repo = join(tmp, 'rqgit');
    writeInTreeProject(repo, 'rqgit');
    const g = (a: string[]) => spawnSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.com', '-c', 'init.defaultBranch=main', ...a], { cwd: repo, encoding: 'utf8' });
    for (const a of [['init', '-q'], ['add', '-A'], ['commit', '-qm', 'one']]) assert.equal(g(a).status, 0);
    unhashed.push(`rqgit @ git+${url(repo)}@${g(['rev-parse', 'HEAD']).stdout.trim()}`);
  }
  hashed = [`rqwheel @ ${url(wheelPath())} --hash=sha256:${sha256(wheelPath())}`, `rqsdist @ ${url(sdistPath())} --hash=sha256:${sha256(sdistPath())}`];
});

function needs(t: TestContext): RealPip | undefined {
  if (!python) {
    if (process.env.CI === 'true') assert.fail('no CPython 3.11/3.12 under $PYENV_ROOT');
    t.skip('no CPython 3.11/3.12 under $PYENV_ROOT');
    return undefined;
  }
  if (!hasGit) t.diagnostic('git not installed: the VCS line is left out');
  return (pip ??= realPip(t, join(tmp, 'pip')));
}

const write = (name: string, lines: string[]) => (writeFileSync(join(tmp, name), `${lines.join('\n')}\n`), join(tmp, name));

test('direct references in a requirements file: synced as pip 26.2 installs them, kept, rebuilt, replaced, removed', { timeout: 900_000 }, (t) => {
  const p = needs(t);
  if (!p) return;
  // pip: the unhashed lines and the hashed ones in two runs (one file of both is hash-checking mode for pip, which refuses the directories).
  const viaPip = join(tmp, 'env-pip');
  assert.equal(spawnSync(python!, ['-m', 'venv', '--without-pip', viaPip]).status, 0);
  for (const file of [write('unhashed.txt', unhashed), write('hashed.txt', hashed)]) {
    const r = p.run(['-m', 'pip', '--python', join(viaPip, 'bin', 'python'), 'install', '-q', '--no-index', '--no-cache-dir', '--no-build-isolation', '-r', file], { cwd: tmp });
    assert.equal(r.status, 0, r.stderr);
  }
  const want = distInfos(viaPip);
  assert.deepEqual(want, ['rqdir-1.0.dist-info', 'rqedit-1.0.dist-info', ...(hasGit ? ['rqgit-1.0.dist-info'] : []), 'rqsdist-1.0.dist-info', 'rqwheel-1.0.dist-info']);

  // venvkit: one file of all of them, as `venvkit lock -o requirements.txt` writes it. Its --hash
  // lines turn hash-checking mode on, which refuses the directories (as pip does: see
  // requirements-hash-mode.test.ts), so it is synced with --no-require-hashes (the hashes given are still checked).
  const lock = write('requirements.txt', [...unhashed, ...hashed]);
  const target = join(tmp, 'env-vk');
  assert.equal(vk(['create', '-q', '--without-pip', '-p', python!, target]).status, 0);
  const nrh = ['--no-require-hashes'];
  const first = sync(target, lock, nrh);
  assert.equal(first.installed.length, want.length, JSON.stringify(first));
  assert.deepEqual(distInfos(target), want);
  for (const d of want) assert.deepEqual(directUrl(target, d), directUrl(viaPip, d), `${d}: direct_url.json is pip's`);
  // Nothing to do again: in venvkit's env, and in pip's (installed from the same places).
  assert.equal(sync(target, lock, nrh).alreadySynced, true, 'a second sync does nothing');
  assert.equal(sync(viaPip, lock, nrh).alreadySynced, true, "pip's env already matches");

  // A project directory whose pyproject.toml changed is built again, and only it.
  appendFileSync(join(tmp, 'rqedit', 'pyproject.toml'), '# changed\n');
  const rebuilt = sync(target, lock, nrh);
  assert.deepEqual(rebuilt.installed.map((i) => i.name), ['rqedit'], JSON.stringify(rebuilt));
  assert.equal(sync(target, lock, nrh).alreadySynced, true);

  // rqdir from another directory replaces the installed copy; rqsdist, no longer listed, goes.
  cpSync(join(tmp, 'rqdir'), join(tmp, 'rqdir2'), { recursive: true });
  const moved = write('moved.txt', [...unhashed.map((l) => l.replace(`${url(join(tmp, 'rqdir'))}`, url(join(tmp, 'rqdir2')))), hashed[0]!]);
  const changed = sync(target, moved, nrh);
  assert.deepEqual(changed.installed.map((i) => [i.name, i.previous]), [['rqdir', '1.0']], JSON.stringify(changed));
  assert.deepEqual(changed.removed.map((r) => r.name), ['rqsdist']);
  assert.deepEqual(directUrl(target, 'rqdir-1.0.dist-info'), { url: url(join(tmp, 'rqdir2')), dir_info: {} });
  assert.equal(sync(target, moved, nrh).alreadySynced, true);
});

test('bad direct references: a clear error, the env unchanged; --require-hashes refuses directories with pip 26.2 message', { timeout: 600_000 }, (t) => {
  const p = needs(t);
  if (!p) return;
  const target = join(tmp, 'env-bad');
  assert.equal(vk(['create', '-q', '--without-pip', '-p', python!, target]).status, 0);
  sync(target, write('good.txt', [hashed[0]!]));
  const before = distInfos(target);
  const cases: { file: string; message: RegExp }[] = [
    { file: write('missing.txt', [`-e ${url(join(tmp, 'nosuch'))}`]), message: /nosuch is not a directory/ },
    { file: write('badhash.txt', [`rqwheel @ ${url(wheelPath())} --hash=sha256:${'0'.repeat(64)}`]), message: new RegExp(`hash mismatch.*${sha256(wheelPath())}|${sha256(wheelPath())}.*hash`, 'is') },
    { file: write('nohash.txt', ['--require-hashes', `rqwheel @ ${url(wheelPath())}`]), message: /rqwheel @ file:.* has no --hash/ },
  ];
  if (hasGit) cases.push({ file: write('branch.txt', [unhashed[2]!.replace(/@[0-9a-f]{40}$/, '@main')]), message: /rqgit @ git\+file:.*@main is not pinned to a commit/ });
  for (const c of cases) {
    const r = vk(['sync', '--env', target, c.file]);
    assert.equal(r.status, 1, `${c.file}: ${r.stdout}${r.stderr}`);
    assert.match(r.stderr, c.message, c.file);
    assert.match(r.stderr, /\nhint: /, `${c.file}: a hint`);
    assert.deepEqual(distInfos(target), before, `${c.file}: the env is unchanged`);
  }
  // --require-hashes: pip 26.2 refuses an editable directory, a directory and a checkout; so does sync, in pip's words.
  const files = unhashed.map((l, i) => write(`required${i}.txt`, ['--require-hashes', l, hashed[0]!]));
  const viaPip = join(tmp, 'env-pip-bad');
  assert.equal(spawnSync(python!, ['-m', 'venv', '--without-pip', viaPip]).status, 0);
  for (const file of files) {
    // No cache: pip 26.2 takes a checkout's wheel from its cache without any hash.
    const pr: { status: number | null; stdout: string; stderr: string } = p.run(['-m', 'pip', '--python', join(viaPip, 'bin', 'python'), 'install', '--no-index', '--no-cache-dir', '-r', file], { cwd: tmp });
    assert.notEqual(pr.status, 0, pr.stdout);
    const pipError: string | undefined = /^ERROR: (.*(?:\n {4}.*)?)/m.exec(pr.stderr)?.[1];
    assert.ok(pipError, pr.stderr);
    const r = vk(['sync', '--env', target, file]);
    assert.equal(r.status, 1, r.stdout + r.stderr);
    const ours = /^error: (.*(?:\n {4}.*)?)/m.exec(r.stderr)?.[1];
    // pip writes a git+file URL as git+file:/path; the rest is word for word.
    assert.equal(ours, pipError!.replace(/git\+file:\/(?!\/)/g, 'git+file:///'), file);
    assert.match(r.stderr, /\nhint: /);
    assert.deepEqual(distInfos(target), before, `${file}: the env is unchanged`);
    // install -r (hash-checking mode) refuses the editable in the same words.
    if (file === files[0]) {
      const ir = vk(['install', '--env', target, '-r', file]);
      assert.equal(ir.status, 1, ir.stdout + ir.stderr);
      assert.equal(/^error: (.*)/m.exec(ir.stderr)?.[1], pipError, 'install -r');
    }
  }
});
