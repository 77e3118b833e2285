// pylock.toml `[packages.archive]` entries (a wheel, and an sdist whose project is a subdirectory of
// the archive), as pip 26.2 installs them: `venvkit sync` and `venvkit install -r pylock.toml` build
// the sdist from its subdirectory and record the same direct_url.json as pip (url, archive_info with
// the file's hash, subdirectory); a second sync does nothing; a `size` that does not fit its file is
// refused by both, the env unchanged.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { venvkit } from '../helpers/cli.js';
import { buildWheel } from '../helpers/wheels.js';
import { realPip } from '../helpers/real-pip.js';
import { buildTestEnv, writeFiles, writeInTreeProject } from '../build/helpers.js';
import { python3x } from '../pip/helpers.js';

const tmp = mkdtempSync(join(tmpdir(), 'vk-sync-archive-'));
after(() => rmSync(tmp, { recursive: true, force: true }));
const env = buildTestEnv(join(tmp, 'cache'));
const python = python3x();
const vk = (args: string[]) => venvkit(args, { env, cwd: tmp, timeout: 300_000 });
const sha256 = (path: string) => createHash('sha256').update(readFileSync(path)).digest('hex');
const sitePackages = (root: string) => join(root, 'lib', readdirSync(join(root, 'lib'))[0]!, 'site-packages');
const distInfos = (root: string) => readdirSync(sitePackages(root)).filter((d) => d.endsWith('.dist-info')).sort();
const directUrl = (root: string, dist: string) => {
  const f = join(sitePackages(root), dist, 'direct_url.json');
  return existsSync(f) ? JSON.parse(readFileSync(f, 'utf8')) : undefined;
};

/** A pylock.toml of the two archives, as pip lock writes archive entries (no version); `size` of the wheel as given. */
function lockText(wheel: string, sdist: string, wheelSize: number): string {
  return [
    'lock-version = "1.0"', 'created-by = "venvkit-tests"', '',
    '[[packages]]', 'name = "arcsub"', '', '[packages.archive]', `path = "dists/${sdist}"`, `size = ${statSync(join(tmp, 'dists', sdist)).size}`, 'subdirectory = "sub"', `hashes = { sha256 = "${sha256(join(tmp, 'dists', sdist))}" }`, '',
    '[[packages]]', 'name = "arcwheel"', '', '[packages.archive]', `path = "dists/${wheel}"`, `size = ${wheelSize}`, `hashes = { sha256 = "${sha256(join(tmp, 'dists', wheel))}" }`, '',
  ].join('\n');
}

test('archive entries: built from their subdirectory, direct_url.json as pip 26.2 records it, sizes checked by sync and install -r', { timeout: 900_000 }, (t) => {
  if (!python) {
    if (process.env.CI === 'true') assert.fail('no CPython 3.11/3.12 under $PYENV_ROOT');
    return t.skip('no CPython 3.11/3.12 under $PYENV_ROOT');
  }
  const dists = join(tmp, 'dists');
  mkdirSync(dists, { recursive: true });
  const wheel = basename(buildWheel(dists, { name: 'arcwheel', version: '2.0', files: { 'arcwheel.py': 'VALUE = 2\n' } }));
  // The project is arcsub-src/sub/ of the archive; arcsub-src/ itself is not a project.
  const stage = join(tmp, 'stage');
  writeInTreeProject(join(stage, 'arcsub-src', 'sub'), 'arcsub');
  writeFiles(join(stage, 'arcsub-src'), { 'README': 'not a project\n' });
  const sdist = 'arcsub-1.0.tar.gz';
  assert.equal(spawnSync('tar', ['-C', stage, '-czf', join(dists, sdist), 'arcsub-src']).status, 0);
  const size = statSync(join(dists, wheel)).size;
  writeFileSync(join(tmp, 'pylock.toml'), lockText(wheel, sdist, size));
  writeFileSync(join(tmp, 'pylock.badsize.toml'), lockText(wheel, sdist, size + 1));
  const want = ['arcsub-1.0.dist-info', 'arcwheel-2.0.dist-info'];

  // What pip 26.2 records.
  const pip = realPip(t, join(tmp, 'pip'));
  if (!pip) return;
  const viaPip = join(tmp, 'via-pip');
  assert.equal(spawnSync(python, ['-m', 'venv', '--without-pip', viaPip]).status, 0);
  const pr = pip.run(['-m', 'pip', '--python', join(viaPip, 'bin', 'python'), 'install', '-q', '--no-index', '-r', 'pylock.toml'], { cwd: tmp });
  assert.equal(pr.status, 0, pr.stderr);
  assert.deepEqual(distInfos(viaPip), want);
  const pipSub = directUrl(viaPip, want[0]!);
  const pipWheel = directUrl(viaPip, want[1]!);
  assert.equal(pipSub.subdirectory, 'sub', JSON.stringify(pipSub));
  assert.ok(pipWheel.archive_info.hashes.sha256, JSON.stringify(pipWheel));

  for (const how of ['sync', 'install']) {
    const target = join(tmp, `env-${how}`);
    assert.equal(vk(['create', '-q', '--without-pip', '-p', python, target]).status, 0);
    const r = vk(how === 'sync' ? ['sync', '--env', target, '--json', 'pylock.toml'] : ['install', '--env', target, '-r', 'pylock.toml']);
    assert.equal(r.status, 0, `${how}: ${r.stdout}${r.stderr}`);
    assert.deepEqual(distInfos(target), want, how);
    assert.equal(spawnSync(join(target, 'bin', 'python'), ['-c', 'import arcsub, arcwheel']).status, 0, how);
    assert.deepEqual(directUrl(target, want[0]!), pipSub, `${how}: the sdist's direct_url.json is pip's`);
    assert.deepEqual(directUrl(target, want[1]!), pipWheel, `${how}: the wheel's direct_url.json is pip's`);
    // Installed from the archives: a sync has nothing to do, in venvkit's env and in pip's.
    for (const synced of [target, viaPip]) {
      const again = vk(['sync', '--env', synced, '--json', 'pylock.toml']);
      assert.equal(again.status, 0, again.stderr);
      assert.equal(JSON.parse(again.stdout).alreadySynced, true, `${how}: a second sync of ${synced} changes nothing`);
    }
  }

  // A size that does not fit the file: refused by both, nothing installed.
  for (const how of ['sync', 'install']) {
    const target = join(tmp, `bad-${how}`);
    assert.equal(vk(['create', '-q', '--without-pip', '-p', python, target]).status, 0);
    const r = vk(how === 'sync' ? ['sync', '--env', target, 'pylock.badsize.toml'] : ['install', '--env', target, '-r', 'pylock.badsize.toml']);
    assert.equal(r.status, 1, `${how}: ${r.stdout}${r.stderr}`);
    assert.match(r.stderr, new RegExp(`pylock\\.badsize\\.toml.*\\(arcwheel\\): size is ${size + 1}, but file:.*${wheel} \\(whose hash matches\\) has ${size} bytes`), how);
    assert.deepEqual(distInfos(target), [], `${how}: the env is unchanged`);
  }
});
