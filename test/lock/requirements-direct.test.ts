// `venvkit lock -o requirements.txt` of projects that are not on an index, written as pip-compile
// writes them: a directory as `name @ file:///abs`, an editable as `-e file:///abs`, a wheel or an
// sdist by path as `name @ file:///abs/file` with the file's --hash, a git requirement as
// `name @ git+URL@COMMIT` (the commit it resolved to, not the branch asked for). A lock of the wheel
// installs with `venvkit install -r` (hash-checking mode).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { buildWheel } from '../helpers/wheels.js';
import { directRefsSetup, writeInTreeProject } from '../build/helpers.js';

const { tmp, env, python, hasGit, vk, sha256 } = directRefsSetup('vk-lock-txt-');
/** The lines of `name`'s entry (its requirement line to the next entry), without `# via` comments. */
const entryOf = (text: string, head: string) => {
  const lines = text.split('\n');
  const i = lines.findIndex((l) => l.startsWith(head));
  if (i < 0) return undefined;
  const out = [lines[i]!];
  for (const l of lines.slice(i + 1)) {
    if (!l.startsWith('    --hash=')) break;
    out.push(l);
  }
  return out.join('\n');
};

test('requirements.txt locks of directories, editables, wheels and sdists by path and git requirements', { timeout: 900_000 }, (t) => {
  if (!python) {
    if (process.env.CI === 'true') assert.fail('no CPython 3.11/3.12 under $PYENV_ROOT');
    return t.skip('no CPython 3.11/3.12 under $PYENV_ROOT');
  }
  const dir = writeInTreeProject(join(tmp, 'txtdir'), 'txtdir');
  const editable = writeInTreeProject(join(tmp, 'txtedit'), 'txtedit');
  const dists = join(tmp, 'dists');
  mkdirSync(dists, { recursive: true });
  const wheel = buildWheel(dists, { name: 'txtwheel', version: '1.0', files: { 'txtwheel.py': 'VALUE = 1\n' } });
  writeInTreeProject(join(tmp, 'stage', 'txtsdist-1.0'), 'txtsdist');
  const sdist = join(dists, 'txtsdist-1.0.tar.gz');
  assert.equal(spawnSync('tar', ['-C', join(tmp, 'stage'), '-czf', sdist, 'txtsdist-1.0']).status, 0);
  const args = ['./txtdir', '-e', './txtedit', `./dists/${basename(wheel)}`, './dists/txtsdist-1.0.tar.gz'];
  let commit = '';
  const repo = join(tmp, 'txtgit');
  if (hasGit) {
    writeInTreeProject(repo, 'txtgit');
    const g = (a: string[]) => spawnSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.com', '-c', 'init.defaultBranch=main', ...a], { cwd: repo, encoding: 'utf8' });
    for (const a of [['init', '-q'], ['add', '-A'], ['commit', '-qm', 'one']]) assert.equal(g(a).status, 0);
    commit = g(['rev-parse', 'HEAD']).stdout.trim();
    args.push(`txtgit @ git+${pathToFileURL(repo).href}@main`);
  } else t.diagnostic('git not installed: the VCS case is left out');

  let r = vk(['lock', '-p', python, '-o', 'requirements.txt', ...args]);
  assert.equal(r.status, 0, r.stderr);
  const text = readFileSync(join(tmp, 'requirements.txt'), 'utf8');
  assert.equal(entryOf(text, 'txtdir'), `txtdir @ ${pathToFileURL(dir).href}`, text);
  assert.equal(entryOf(text, '-e '), `-e ${pathToFileURL(editable).href}`, text);
  assert.equal(entryOf(text, 'txtwheel'), `txtwheel @ ${pathToFileURL(wheel).href} \\\n    --hash=sha256:${sha256(wheel)}`, text);
  assert.equal(entryOf(text, 'txtsdist'), `txtsdist @ ${pathToFileURL(sdist).href} \\\n    --hash=sha256:${sha256(sdist)}`, text);
  if (hasGit) assert.equal(entryOf(text, 'txtgit'), `txtgit @ git+${pathToFileURL(repo).href}@${commit}`, text);

  // The wheel alone: a lock every line of which has a hash, which installs in hash-checking mode.
  r = vk(['lock', '-p', python, '-o', 'archives.txt', `./dists/${basename(wheel)}`]);
  assert.equal(r.status, 0, r.stderr);
  const target = join(tmp, 'env');
  assert.equal(vk(['create', '-q', '--without-pip', '-p', python, target]).status, 0);
  r = vk(['install', '--env', target, '-r', 'archives.txt']);
  assert.equal(r.status, 0, r.stdout + r.stderr);
  const site = join(target, 'lib', readdirSync(join(target, 'lib'))[0]!, 'site-packages');
  assert.deepEqual(readdirSync(site).filter((d) => d.endsWith('.dist-info')).sort(), ['txtwheel-1.0.dist-info']);
});
