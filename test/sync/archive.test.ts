// pylock.toml `[packages.archive]` entries (a wheel, and an sdist whose project is a subdirectory of
// the archive, by path or at a URL served on 127.0.0.1), as pip 26.2 installs them: `venvkit sync`
// and `venvkit install -r pylock.toml` build the sdist from its subdirectory and record the same
// direct_url.json as pip (url, archive_info with the file's hash, subdirectory); a second sync does
// nothing; a `size` or hash that does not fit its file, or a subdirectory missing from the archive or
// climbing out of it, is refused by both, the env unchanged.
import { test, before, after, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { pathToFileURL } from 'node:url';
import { basename, join } from 'node:path';
import { venvkit, venvkitAsync } from '../helpers/cli.js';
import { startIndexServer } from '../helpers/index-server.js';
import { buildWheel } from '../helpers/wheels.js';
import { realPip, type RealPip } from '../helpers/real-pip.js';
import { buildTestEnv, writeFiles, writeInTreeProject, directUrl, distInfos, sitePackages } from '../build/helpers.js';
import { python3x } from '../pip/helpers.js';

const tmp = mkdtempSync(join(tmpdir(), 'vk-sync-archive-'));
after(() => rmSync(tmp, { recursive: true, force: true }));
const env = buildTestEnv(join(tmp, 'cache'));
const python = python3x();
const vk = (args: string[]) => venvkit(args, { env, cwd: tmp, timeout: 300_000 });
const sha256 = (path: string) => createHash('sha256').update(readFileSync(path)).digest('hex');

/** A pylock.toml of archive entries, as pip lock writes them (no version); `size` of the wheel as given. */
function lockFile(name: string, entries: { name: string; file: string; size?: number; subdirectory?: string }[]): string {
  const lines = ['lock-version = "1.0"', 'created-by = "venvkit-tests"', ''];
  for (const e of entries) {
    const path = join(tmp, 'dists', e.file);
    lines.push('[[packages]]', `name = "${e.name}"`, '', '[packages.archive]', `path = "dists/${e.file}"`, `size = ${e.size ?? statSync(path).size}`);
    if (e.subdirectory) lines.push(`subdirectory = "${e.subdirectory}"`);
    lines.push(`hashes = { sha256 = "${sha256(path)}" }`, '');
  }
  writeFileSync(join(tmp, name), lines.join('\n'));
  return name;
}

let pip: RealPip | undefined;
let wheel = '';
const sdist = 'arcsub-1.0.tar.gz';

before(() => {
  mkdirSync(join(tmp, 'dists'), { recursive: true });
  wheel = basename(buildWheel(join(tmp, 'dists'), { name: 'arcwheel', version: '2.0', files: { 'arcwheel.py': 'VALUE = 2\n' } }));
  // The project is arcsub-src/sub/ of the archive; arcsub-src/ itself is not a project.
  const stage = join(tmp, 'stage');
  writeInTreeProject(join(stage, 'arcsub-src', 'sub'), 'arcsub');
  writeFiles(join(stage, 'arcsub-src'), { 'README': 'not a project\n' });
  assert.equal(spawnSync('tar', ['-C', stage, '-czf', join(tmp, 'dists', sdist), 'arcsub-src']).status, 0);
});

/** The shared pip 26.2 env (realPip skips the test, or fails it under CI, where there is no CPython 3.11/3.12 or local index). */
function needs(t: TestContext): RealPip | undefined {
  return (pip ??= realPip(t, join(tmp, 'pip')));
}

/** Installs `lock` with pip 26.2, venvkit sync and venvkit install -r: the same dists, the same direct_url.json; a sync after each has nothing to do. */
function sameAsPip(p: RealPip, lock: string, want: string[]): Record<string, unknown>[] {
  const viaPip = join(tmp, `pip-${lock}`);
  assert.equal(spawnSync(python!, ['-m', 'venv', '--without-pip', viaPip]).status, 0);
  const pr = p.run(['-m', 'pip', '--python', join(viaPip, 'bin', 'python'), 'install', '-q', '--no-index', '-r', lock], { cwd: tmp });
  assert.equal(pr.status, 0, pr.stderr);
  assert.deepEqual(distInfos(viaPip), want);
  const pipDirect = want.map((d) => directUrl(viaPip, d));
  for (const how of ['sync', 'install']) {
    const target = join(tmp, `${how}-${lock}`);
    assert.equal(vk(['create', '-q', '--without-pip', '-p', python!, target]).status, 0);
    const r = vk(how === 'sync' ? ['sync', '--env', target, '--json', lock] : ['install', '--env', target, '-r', lock]);
    assert.equal(r.status, 0, `${how}: ${r.stdout}${r.stderr}`);
    assert.deepEqual(distInfos(target), want, how);
    assert.deepEqual(want.map((d) => directUrl(target, d)), pipDirect, `${how}: direct_url.json is pip's`);
    // Installed from the archives: a sync has nothing to do, in venvkit's env and in pip's.
    for (const synced of [target, viaPip]) {
      const again = vk(['sync', '--env', synced, '--json', lock]);
      assert.equal(again.status, 0, again.stderr);
      assert.equal(JSON.parse(again.stdout).alreadySynced, true, `${how}: a second sync of ${synced} changes nothing`);
    }
  }
  return pipDirect;
}

test('an archive wheel: direct_url.json as pip 26.2 records it (url, archive_info), from sync and install -r', { timeout: 600_000 }, (t) => {
  const p = needs(t);
  if (!p) return;
  const [du] = sameAsPip(p, lockFile('pylock.wheel.toml', [{ name: 'arcwheel', file: wheel }]), ['arcwheel-2.0.dist-info']);
  assert.deepEqual(du, { url: pathToFileURL(join(tmp, 'dists', wheel)).href, archive_info: { hash: `sha256=${sha256(join(tmp, 'dists', wheel))}`, hashes: { sha256: sha256(join(tmp, 'dists', wheel)) } } });
});

test('an archive sdist with a subdirectory: built from that directory, recorded with it', { timeout: 600_000 }, (t) => {
  const p = needs(t);
  if (!p) return;
  const [du] = sameAsPip(p, lockFile('pylock.sub.toml', [{ name: 'arcsub', file: sdist, subdirectory: 'sub' }]), ['arcsub-1.0.dist-info']);
  assert.equal((du as { subdirectory?: string }).subdirectory, 'sub');
});

test('a size that does not fit its file: refused by sync and by install -r, nothing installed', { timeout: 600_000 }, (t) => {
  if (!needs(t)) return;
  const size = statSync(join(tmp, 'dists', wheel)).size;
  const lock = lockFile('pylock.badsize.toml', [{ name: 'arcwheel', file: wheel, size: size + 1 }]);
  for (const how of ['sync', 'install']) {
    const target = join(tmp, `bad-${how}`);
    assert.equal(vk(['create', '-q', '--without-pip', '-p', python!, target]).status, 0);
    const r = vk(how === 'sync' ? ['sync', '--env', target, lock] : ['install', '--env', target, '-r', lock]);
    assert.equal(r.status, 1, `${how}: ${r.stdout}${r.stderr}`);
    assert.match(r.stderr, new RegExp(`pylock\\.badsize\\.toml.*\\(arcwheel\\): size is ${size + 1}, but file:.*${wheel} \\(whose hash matches\\) has ${size} bytes`), how);
    assert.deepEqual(distInfos(target), [], `${how}: the env is unchanged`);
  }
});

/** The files RECORD lists for `dist` (no byte-compiled files: when they are written is an option). */
const recorded = (root: string, dist: string) => readFileSync(join(sitePackages(root), dist, 'RECORD'), 'utf8').split('\n').map((l) => l.split(',')[0]!).filter((f) => f && !f.includes('__pycache__')).sort();

test('an archive at a URL with a subdirectory: downloaded, its hash and size checked, built from it, as pip 26.2 does', { timeout: 600_000 }, async (t) => {
  const p = needs(t);
  if (!p) return;
  const server = await startIndexServer(join(tmp, 'dists'));
  try {
    const url = `${server.origin}/files/${sdist}`;
    const path = join(tmp, 'dists', sdist);
    const remote = (name: string, over: { size?: number; subdirectory?: string } = {}) => {
      writeFileSync(join(tmp, name), ['lock-version = "1.0"', 'created-by = "venvkit-tests"', '', '[[packages]]', 'name = "arcsub"', '', '[packages.archive]', `url = "${url}"`,
        `size = ${over.size ?? statSync(path).size}`, `subdirectory = "${over.subdirectory ?? 'sub'}"`, `hashes = { sha256 = "${sha256(path)}" }`, ''].join('\n'));
      return name;
    };
    const lock = remote('pylock.remote.toml');
    // pip 26.2 installs it into its own env (asynchronously: this process serves the archive).
    const [pr] = await p.pipManyAsync([['install', '-q', '--no-index', '-r', lock]], { cwd: tmp });
    assert.equal(pr!.status, 0, pr!.stderr);
    const pipDu = directUrl(p.dir, 'arcsub-1.0.dist-info');
    assert.deepEqual(pipDu, { url, archive_info: { hash: `sha256=${sha256(path)}`, hashes: { sha256: sha256(path) } }, subdirectory: 'sub' });
    const pipFiles = recorded(p.dir, 'arcsub-1.0.dist-info');
    const vka = (args: string[]) => venvkitAsync(args, { env, cwd: tmp });
    for (const how of ['install', 'sync']) {
      const target = join(tmp, `remote-${how}`);
      assert.equal(vk(['create', '-q', '--without-pip', '-p', python!, target]).status, 0);
      const r = await vka(how === 'sync' ? ['sync', '--env', target, lock] : ['install', '--env', target, '-r', lock]);
      assert.equal(r.status, 0, `${how}: ${r.stdout}${r.stderr}`);
      assert.deepEqual(distInfos(target), ['arcsub-1.0.dist-info'], how);
      assert.deepEqual(directUrl(target, 'arcsub-1.0.dist-info'), pipDu, `${how}: direct_url.json is pip's`);
      assert.deepEqual(recorded(target, 'arcsub-1.0.dist-info'), pipFiles, `${how}: the files pip installs`);
      const again = await vka(['sync', '--env', target, '--json', lock]);
      assert.equal(again.status, 0, again.stderr);
      assert.equal(JSON.parse(again.stdout).alreadySynced, true, `${how}: a second sync changes nothing`);
    }
    // Bad input: each refused by install -r and by sync, before anything is built; the env unchanged.
    const size = statSync(path).size;
    const cases: { lock: string; code: RegExp; corrupt?: boolean }[] = [
      { lock: remote('pylock.rsize.toml', { size: size + 1 }), code: new RegExp(`\\(arcsub\\): size is ${size + 1}, but ${url.replace(/[.]/g, '\\.')} \\(whose hash matches\\) has ${size} bytes`) },
      { lock: remote('pylock.rhash.toml'), corrupt: true, code: /packages\[0\] \(arcsub\): hash mismatch for http:.*arcsub-1\.0\.tar\.gz: expected sha256:/ },
      { lock: remote('pylock.rmissing.toml', { subdirectory: 'nosuch' }), code: /the archive has no directory nosuch \(its subdirectory\)/ },
      { lock: remote('pylock.rescape.toml', { subdirectory: '../sub' }), code: /packages\[0\]\.archive: subdirectory "\.\.\/sub" is not a directory inside the archive/ },
    ];
    for (const c of cases) {
      if (c.corrupt) server.faults.corrupt = new Set([sdist]);
      for (const how of ['install', 'sync']) {
        const target = join(tmp, `rbad-${how}`);
        rmSync(target, { recursive: true, force: true });
        assert.equal(vk(['create', '-q', '--without-pip', '-p', python!, target]).status, 0);
        const r = await vka(how === 'sync' ? ['sync', '--no-cache', '--env', target, c.lock] : ['install', '--no-cache', '--env', target, '-r', c.lock]);
        assert.equal(r.status, 1, `${how} ${c.lock}: ${r.stdout}${r.stderr}`);
        assert.match(r.stderr, c.code, `${how} ${c.lock}`);
        assert.match(r.stderr, /\nhint: /, `${how} ${c.lock}: a hint`);
        assert.deepEqual(distInfos(target), [], `${how} ${c.lock}: the env is unchanged`);
      }
      server.faults.corrupt = undefined;
    }
  } finally {
    await server.close();
  }
});
