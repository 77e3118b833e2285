// installRequirements against a scenario index built here from tiny wheels, over file:// and HTTP.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { installRequirements, type InstallOptions } from '../../src/plan-apply/install.js';
import { isVenvkitError } from '../../src/errors.js';
import type { Venv } from '../../src/venv/types.js';
import { startIndexServer, writeStaticIndex, type IndexServer } from '../helpers/index-server.js';
import { freshEnv, installedSet, isolatedEnv, python3x, snapshot, writeScenarioWheels } from './helpers.js';

const root = mkdtempSync(join(tmpdir(), 'vk-pip-scen-'));
const files = join(root, 'files');
const env = isolatedEnv(join(root, 'cache'));
const python = python3x();
let fileIndex = '';
let server: IndexServer;
const ATTRS = {
  'yk-2.0-py3-none-any.whl': { yanked: 'broken' },
  'rp-2.0-py3-none-any.whl': { requiresPython: '>=3.99' },
};

before(async () => {
  writeScenarioWheels(files);
  fileIndex = writeStaticIndex(files, join(root, 'static'), ATTRS);
  server = await startIndexServer(files, ATTRS);
});
after(async () => {
  await server?.close();
  rmSync(root, { recursive: true, force: true });
});

const skip = () => (python ? false : 'no CPython 3.11/3.12 under $PYENV_ROOT');

async function install(v: Venv, reqs: string[], indexUrl: string, o: InstallOptions = {}) {
  return installRequirements(v, { requirements: reqs }, { env, ...o, index: { indexUrl, ...(o.index ?? {}) } });
}

for (const kind of ['file', 'http'] as const) {
  const url = () => (kind === 'file' ? fileIndex : server.url);

  test(`${kind}: backtracking, extras, markers, Requires-Python, yanked, pre-releases, names`, { skip: skip() }, async () => {
    const v = await freshEnv(root, python!, env);
    const r = await install(v, ['app', 'site', 'mk', 'rp', 'yk', 'pr', 'FOO_bar', 'cyc-a', 'ep', 'loc'], url());
    assert.deepEqual(installedSet(v), [
      'app==1.0', 'cyc-a==1.0', 'cyc-b==1.0', 'ep==1!1.0', 'foo-bar==1.0', 'lib==2.0', 'loc==1.0+local.1', 'mk==1.0', 'onlynew==1.0',
      'pr==1.0', 'rp==1.0', 'site==1.0', 'speedup==1.0', 'util==1.0', 'web==1.0', 'yk==1.0',
    ]);
    assert.equal(r.installed.length, 16);
    assert.ok(r.resolved.find((p) => p.name === 'web')!.extras.includes('fast'));
    assert.equal(r.resolved.find((p) => p.name === 'app')!.requested, true);
    assert.equal(r.resolved.find((p) => p.name === 'lib')!.requested, false);
    // REQUESTED only for what the user named
    const dist = (n: string) => join(v.paths.purelib, n);
    assert.ok(existsSync(join(dist('app-1.0.dist-info'), 'REQUESTED')));
    assert.ok(!existsSync(join(dist('lib-2.0.dist-info'), 'REQUESTED')));
    assert.equal(readFileSync(join(dist('app-1.0.dist-info'), 'INSTALLER'), 'utf8'), 'venvkit\n');
    // a second run is a no-op that reads no index
    const again = await install(v, ['app', 'site', 'mk', 'rp', 'yk', 'pr', 'FOO_bar'], 'http://127.0.0.1:9/unreachable');
    assert.equal(again.alreadySatisfied, true);
  });

  test(`${kind}: pins, --pre, yanked when pinned, extras of a direct requirement`, { skip: skip() }, async () => {
    const v = await freshEnv(root, python!, env);
    await install(v, ['yk==2.0', 'web[fast]', 'pr>=2.0b1'], url());
    assert.deepEqual(installedSet(v), ['pr==2.0b1', 'speedup==1.0', 'web==1.0', 'yk==2.0']);
    const v2 = await freshEnv(root, python!, env);
    await install(v2, ['pr'], url(), { index: { pre: true } });
    assert.deepEqual(installedSet(v2), ['pr==2.0b1']);
  });
}

test('unsatisfiable: the explanation names the conflict; nothing changes', { skip: skip() }, async () => {
  const v = await freshEnv(root, python!, env);
  await install(v, ['keep==1.0'], fileIndex);
  const before = snapshot(v.root);
  await assert.rejects(install(v, ['conflict-a', 'conflict-b', 'keep==2.0'], fileIndex), (e) => {
    assert.ok(isVenvkitError(e, 'NO_SOLUTION'), String(e));
    assert.match(e.message, /shared/);
    assert.match(e.message, /conflict-a/);
    assert.match(e.message, /conflict-b/);
    return true;
  });
  assert.deepEqual(snapshot(v.root), before);
});

test('an sdist-only requirement whose sdist is not an archive: a clear error naming the file', { skip: skip() }, async () => {
  const v = await freshEnv(root, python!, env);
  await assert.rejects(install(v, ['srconly'], fileIndex), (e) => isVenvkitError(e) && e.code === 'BAD_SDIST' && /srconly-1\.0\.tar\.gz/.test(e.message));
});

test('-U upgrades only when asked; installed versions are kept; --no-deps; --dry-run writes nothing', { skip: skip() }, async () => {
  const v = await freshEnv(root, python!, env);
  await install(v, ['keep==1.0'], server.url);
  let r = await install(v, ['usekeep'], server.url);
  assert.deepEqual(installedSet(v), ['keep==1.0', 'usekeep==1.0']);
  assert.equal(r.resolved.find((p) => p.name === 'keep')!.action, 'keep');
  r = await install(v, ['keep'], server.url);
  assert.equal(r.alreadySatisfied, true);
  const before = snapshot(v.root);
  r = await install(v, ['keep', 'app'], server.url, { upgrade: true, dryRun: true });
  assert.deepEqual(r.installed.map((p) => `${p.name}==${p.version}:${p.action}`).sort(), ['app==1.0:install', 'keep==2.0:upgrade', 'lib==2.0:install', 'util==1.0:install']);
  assert.deepEqual(snapshot(v.root), before);
  r = await install(v, ['keep'], server.url, { upgrade: true });
  assert.deepEqual(installedSet(v), ['keep==2.0', 'usekeep==1.0']);
  assert.equal(r.removed[0]!.version, '1.0');
  assert.ok(!existsSync(join(v.paths.purelib, 'keep-1.0.dist-info')));
  await install(v, ['app'], server.url, { noDeps: true });
  assert.deepEqual(installedSet(v), ['app==2.0', 'keep==2.0', 'usekeep==1.0']);
  r = await install(v, ['keep'], server.url, { forceReinstall: true });
  assert.equal(r.installed[0]!.action, 'reinstall');
});

test('--require-hashes: pinned hashes install; a wrong hash or an unpinned line fails and nothing changes', { skip: skip() }, async () => {
  const v = await freshEnv(root, python!, env);
  const sha = (f: string) => createHash('sha256').update(readFileSync(join(files, f))).digest('hex');
  const good = join(root, 'good.txt');
  writeFileSync(good, `keep==1.0 --hash=sha256:${sha('keep-1.0-py3-none-any.whl')}\n`);
  await installRequirements(v, { requirementFiles: [good] }, { env, index: { indexUrl: server.url, requireHashes: true } });
  assert.deepEqual(installedSet(v), ['keep==1.0']);
  const before = snapshot(v.root);
  const bad = join(root, 'bad.txt');
  writeFileSync(bad, `keep==2.0 --hash=sha256:${'0'.repeat(64)}\n`);
  await assert.rejects(installRequirements(v, { requirementFiles: [bad] }, { env, index: { indexUrl: server.url } }), (e) => {
    assert.ok(isVenvkitError(e, 'HASH_MISMATCH'), String(e));
    assert.match(e.message, /keep-2\.0-py3-none-any\.whl/);
    assert.match(e.message, /0000000000/);
    return true;
  });
  const loose = join(root, 'loose.txt');
  writeFileSync(loose, `usekeep==1.0 --hash=sha256:${sha('usekeep-1.0-py3-none-any.whl')}\n`);
  await assert.rejects(installRequirements(v, { requirementFiles: [loose] }, { env, index: { indexUrl: server.url }, upgrade: true }), (e) => isVenvkitError(e, 'BAD_REQUIREMENT') && /keep/.test(e.message));
  assert.deepEqual(snapshot(v.root), before);
});

test('failure paths leave the env exactly as it was: unreachable index, corrupt download, unsafe wheel', { skip: skip() }, async () => {
  const v = await freshEnv(root, python!, env);
  await install(v, ['keep==1.0'], server.url);
  const before = snapshot(v.root);
  const t0 = Date.now();
  await assert.rejects(install(v, ['usekeep'], 'http://127.0.0.1:9/simple'), (e) => isVenvkitError(e, 'INDEX_ERROR') && /127\.0\.0\.1:9/.test(e.message));
  assert.ok(Date.now() - t0 < 10_000, 'an unreachable index fails fast');
  server.faults.corrupt = new Set(['keep-2.0-py3-none-any.whl']);
  try {
    await assert.rejects(install(v, ['keep==2.0', 'usekeep'], server.url, { noCache: true }), (e) => isVenvkitError(e, 'HASH_MISMATCH') && /expected sha256:/.test(e.message) && /got sha256:/.test(e.message));
  } finally {
    server.faults.corrupt = undefined;
  }
  await assert.rejects(install(v, ['needsevil'], server.url), (e) => isVenvkitError(e, 'UNSAFE_WHEEL'));
  assert.deepEqual(snapshot(v.root), before);
  assert.deepEqual(installedSet(v), ['keep==1.0']);
});

test('local wheel paths and file:// URLs are requirements; their deps are resolved', { skip: skip() }, async () => {
  const v = await freshEnv(root, python!, env);
  const r = await install(v, [join(files, 'usekeep-1.0-py3-none-any.whl'), `file://${join(files, 'web-1.0-py3-none-any.whl')}`], server.url);
  assert.deepEqual(installedSet(v), ['keep==2.0', 'usekeep==1.0', 'web==1.0']);
  const du = JSON.parse(readFileSync(join(v.paths.purelib, 'usekeep-1.0.dist-info', 'direct_url.json'), 'utf8'));
  assert.equal(du.url, `file://${join(files, 'usekeep-1.0-py3-none-any.whl')}`);
  assert.ok(!existsSync(join(v.paths.purelib, 'keep-2.0.dist-info', 'direct_url.json')));
  assert.equal(r.installed.length, 3);
  const again = await install(v, [join(files, 'usekeep-1.0-py3-none-any.whl')], server.url);
  assert.equal(again.alreadySatisfied, true);
});

test('requirement files: options lines (--index-url), -r includes, -c constraints, markers, comments', { skip: skip() }, async () => {
  const v = await freshEnv(root, python!, env);
  writeFileSync(join(root, 'constraints.txt'), 'keep<2  # never 2.x\n');
  writeFileSync(join(root, 'more.txt'), 'web[fast] ; python_version >= "3"\nonlyold ; python_version < "3"\n');
  writeFileSync(join(root, 'reqs.txt'), `# scenario\n--index-url ${server.url}\n-r more.txt\nusekeep \\\n  >=1.0\n`);
  const r = await installRequirements(v, { requirementFiles: [join(root, 'reqs.txt')], constraintFiles: [join(root, 'constraints.txt')] }, { env });
  assert.deepEqual(installedSet(v), ['keep==1.0', 'speedup==1.0', 'usekeep==1.0', 'web==1.0']);
  assert.equal(r.resolved.find((p) => p.name === 'keep')!.requested, false);
  await assert.rejects(installRequirements(v, { requirementFiles: [join(root, 'nope.txt')] }, { env }), (e) => isVenvkitError(e, 'BAD_PATH'));
});
