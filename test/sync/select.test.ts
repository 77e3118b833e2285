// The pure parts of sync: PEP 751 selection (pylock-select.ts) from a checked lock (pylock-read.ts),
// and the plan against the installed set (sync/plan.ts).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parse } from 'smol-toml';
import { pylockFromToml } from '../../src/lock/pylock-read.js';
import { lockedVersion, selectFromLock } from '../../src/lock/pylock-select.js';
import { directOrigin } from '../../src/lock/pylock-sources.js';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { planSync } from '../../src/sync/plan.js';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sourceState, STATE_FILE } from '../../src/build/source-state.js';
import type { MarkerEnvironment } from '../../src/pep/markers.js';

const env: MarkerEnvironment = {
  python_version: '3.11', python_full_version: '3.11.7', implementation_name: 'cpython', implementation_version: '3.11.7',
  platform_python_implementation: 'CPython', sys_platform: 'linux', os_name: 'posix', platform_machine: 'x86_64',
  platform_system: 'Linux', platform_release: '6.1', platform_version: '#1',
};
const tags = ['cp311-cp311-manylinux_2_17_x86_64', 'cp311-abi3-manylinux_2_17_x86_64', 'py3-none-any'];
const h = { sha256: 'ab'.repeat(32) };
const lock = (packages: object[], top: object = {}) => pylockFromToml({ 'lock-version': '1.0', 'created-by': 't', packages, ...top } as Record<string, unknown>, 'pylock.toml');
const wheel = (name: string) => ({ name, url: `https://x/${name}`, hashes: h });
const names = (l: ReturnType<typeof lock>, o: Partial<Parameters<typeof selectFromLock>[1]> = {}) => selectFromLock(l, { env, tags, ...o }).map((s) => `${s.package.name}:${s.kind}:${s.file?.name}`);

test('selection: the best wheel by tag order, else the sdist; markers; one entry per project', () => {
  const l = lock([
    { name: 'a', version: '1', wheels: [wheel('a-1-py3-none-any.whl'), wheel('a-1-cp311-cp311-manylinux_2_17_x86_64.whl'), wheel('a-1-cp311-cp311-win_amd64.whl')] },
    { name: 'b', version: '1', wheels: [wheel('b-1-cp311-cp311-win_amd64.whl')], sdist: { name: 'b-1.tar.gz', url: 'https://x/b-1.tar.gz', hashes: h } },
    { name: 'c', version: '1', marker: 'sys_platform == "win32"', wheels: [wheel('c-1-py3-none-any.whl')] },
    { name: 'c', version: '2', marker: 'sys_platform != "win32"', wheels: [wheel('c-2-py3-none-any.whl')] },
  ]);
  assert.deepEqual(names(l), ['a:wheel:a-1-cp311-cp311-manylinux_2_17_x86_64.whl', 'b:sdist:b-1.tar.gz', 'c:wheel:c-2-py3-none-any.whl']);
  const dup = lock([{ name: 'c', version: '1', wheels: [wheel('c-1-py3-none-any.whl')] }, { name: 'C', version: '2', wheels: [wheel('c-2-py3-none-any.whl')] }]);
  assert.throws(() => names(dup), (e: Error & { code?: string }) => e.code === 'BAD_LOCK' && /C is selected twice for this environment, at packages\[0\] and packages\[1\]/.test(e.message));
  const none = lock([{ name: 'w', version: '1', wheels: [wheel('w-1-cp311-cp311-win_amd64.whl')] }]);
  assert.throws(() => names(none), (e: Error & { code?: string }) => e.code === 'NO_WHEEL' && /packages\[0\] \(w 1\) has no wheel for this interpreter/.test(e.message));
});

test('selection: extras and dependency groups (lock-file markers), requires-python of a package, VCS entries', () => {
  const l = lock([
    { name: 'x', version: '1', marker: '"cli" in extras', wheels: [wheel('x-1-py3-none-any.whl')] },
    { name: 'y', version: '1', marker: '"dev" in dependency_groups or "Docs" in dependency_groups', wheels: [wheel('y-1-py3-none-any.whl')] },
    { name: 'z', version: '1', marker: '"cli" not in extras', wheels: [wheel('z-1-py3-none-any.whl')] },
  ], { extras: ['cli'], 'dependency-groups': ['dev', 'docs'], 'default-groups': ['dev'] });
  assert.deepEqual(names(l).map((n) => n[0]), ['y', 'z']);
  assert.deepEqual(names(l, { extras: ['cli'], groups: [] }).map((n) => n[0]), ['x']);
  assert.deepEqual(names(l, { groups: ['docs'] }).map((n) => n[0]), ['y', 'z'], 'group names compare normalised');
  const rp = lock([{ name: 'old', version: '1', 'requires-python': '<3.8', wheels: [wheel('old-1-py3-none-any.whl')] }]);
  assert.throws(() => names(rp), (e: Error & { code?: string }) => e.code === 'LOCK_ENVIRONMENT' && /packages\[0\] \(old\) requires Python <3\.8, and this environment's Python is 3\.11\.7/.test(e.message));
  const vcs = lock([{ name: 'v', vcs: { type: 'git', url: 'https://x/v.git', 'commit-id': 'abc' } }, { name: 'd', directory: { path: 'd', editable: true } }]);
  assert.deepEqual(selectFromLock(vcs, { env, tags }).map((s) => `${s.package.name}:${s.kind}`), ['v:vcs', 'd:directory'], 'selected, built at install (pylock-sources.ts)');
});

test('reading: a file without hashes, two kinds of source, a missing version, a newer minor lock-version (a warning)', () => {
  assert.throws(() => lock([{ name: 'a', version: '1', wheels: [{ name: 'a-1-py3-none-any.whl', url: 'https://x/a' }] }]), /packages\[0\]\.wheels\[0\] \(a\) has no hashes/);
  assert.throws(() => lock([{ name: 'a', version: '1', wheels: [wheel('a-1-py3-none-any.whl')], archive: { url: 'https://x/a.zip', hashes: h } }]), /more than one kind of source \(archive, wheels\/sdist\)/);
  assert.throws(() => lock([{ name: 'a', wheels: [wheel('a-1-py3-none-any.whl')] }]), /version is required/);
  const warnings: string[] = [];
  pylockFromToml(parse('lock-version = "1.3"\ncreated-by = "x"\npackages = []\n') as Record<string, unknown>, 'p.toml', (m) => warnings.push(m));
  assert.match(warnings.join(), /lock-version 1\.3 is newer than 1\.0/);
});

test('plan: keep, install, replace, remove; seeded pip/setuptools kept unless exact; a URL install and a second copy replaced', () => {
  const want = [{ name: 'A', key: 'a', version: '1.0' }, { name: 'b', key: 'b', version: '2' }, { name: 'c', key: 'c', version: '1' }, { name: 'd', key: 'd', version: '1' }];
  const have = [
    { name: 'a', normalizedName: 'a', version: '1' }, // 1 == 1.0
    { name: 'b', normalizedName: 'b', version: '1' },
    { name: 'c', normalizedName: 'c', version: '1', directUrl: { url: 'file:///src/c' } },
    { name: 'd', normalizedName: 'd', version: '1' }, { name: 'd', normalizedName: 'd', version: '0.9' },
    { name: 'pip', normalizedName: 'pip', version: '24' }, { name: 'extra', normalizedName: 'extra', version: '1' },
  ];
  const p = planSync(want, have);
  assert.deepEqual(p.keep.map((k) => k.wanted.key), ['a']);
  assert.deepEqual(p.install.map((i) => `${i.wanted.key}<-${i.have?.version ?? '-'}`), ['b<-1', 'c<-1', 'd<-1']);
  assert.deepEqual(p.remove.map((d) => `${d.name} ${d.version}`), ['d 0.9', 'extra 1']);
  assert.deepEqual(planSync(want, have, { exact: true }).remove.map((d) => d.name), ['d', 'pip', 'extra']);
});

test('directory, VCS and archive entries: version-less archives (as pip 26.2 writes them), attestation identities kept, plans by direct_url.json', () => {
  const ids = [{ kind: 'GitHub', repository: 'o/r' }];
  const l = lock([
    { name: 'w', archive: { url: 'file:///d/w-2.0-py3-none-any.whl', hashes: h } },
    { name: 's', archive: { url: 'file:///d/s-1.5.tar.gz', hashes: h } },
    { name: 'x', archive: { url: 'file:///d/x.tar.gz', hashes: h } },
    { name: 'a', version: '1', wheels: [wheel('a-1-py3-none-any.whl')], 'attestation-identities': ids },
  ]);
  assert.deepEqual(l.packages.slice(0, 2).map((p) => lockedVersion(l, p)), ['2.0', '1.5']);
  assert.throws(() => lockedVersion(l, l.packages[2]!), (e: Error & { code?: string }) => e.code === 'BAD_LOCK' && /x\.tar\.gz gives no version/.test(e.message));
  assert.deepEqual(l.packages[3]!.attestationIdentities, ids, 'read and kept (not verified: pip 26.2 does not either)');
  assert.throws(() => lock([{ name: 'a', version: '1', wheels: [wheel('a-1-py3-none-any.whl')], 'attestation-identities': [{ repository: 'o/r' }] }]), /packages\[0\] \(a\): attestation-identities must be an array of tables, each with a kind/);
  const src = lock([{ name: 'v', vcs: { type: 'git', url: 'https://x/v.git', 'requested-revision': 'main', 'commit-id': 'AB'.repeat(20) } }, { name: 'd', directory: { path: '../d', editable: true } }]);
  assert.deepEqual(directOrigin(src, src.packages[0]!), { url: 'https://x/v.git', editable: false, commitId: 'ab'.repeat(20), requestedRevision: 'main' });
  assert.deepEqual(directOrigin(src, src.packages[1]!), { url: pathToFileURL(resolve('..', 'd')).href, editable: true, sourceDir: resolve('..', 'd') });
  const want = [
    { name: 'v', key: 'v', version: '', direct: directOrigin(src, src.packages[0]!)! },
    { name: 'd', key: 'd', version: '', direct: directOrigin(src, src.packages[1]!)! },
  ];
  const same = [
    { name: 'v', normalizedName: 'v', version: '3', directUrl: { url: 'https://x/v.git', vcs_info: { commit_id: 'ab'.repeat(20) } } },
    { name: 'd', normalizedName: 'd', version: '1', directUrl: { url: want[1]!.direct.url, dir_info: { editable: true } } },
  ];
  assert.deepEqual(planSync(want, same).keep.map((k) => k.wanted.key), ['v', 'd']);
  const other = [
    { name: 'v', normalizedName: 'v', version: '3', directUrl: { url: 'https://x/v.git', vcs_info: { commit_id: 'cd'.repeat(20) } } },
    { name: 'd', normalizedName: 'd', version: '1', directUrl: { url: want[1]!.direct.url, dir_info: {} } },
  ];
  assert.deepEqual(planSync(want, other).install.map((i) => i.wanted.key), ['v', 'd'], 'another commit, a non-editable install: replaced');
  assert.deepEqual(planSync(want, [{ name: 'v', normalizedName: 'v', version: '3' }]).install.map((i) => i.wanted.key), ['v', 'd'], 'an index install of v: replaced');
});

test('plan: a directory is rebuilt when its recorded metadata state changed (kept without a record); an unnamed line is the dist installed from its directory; a checkout in another subdirectory is replaced', () => {
  const tmp = mkdtempSync(join(tmpdir(), 'vk-plan-'));
  try {
    const dir = join(tmp, 'proj');
    const info = join(tmp, 'proj-1.0.dist-info');
    mkdirSync(dir);
    mkdirSync(info);
    writeFileSync(join(dir, 'pyproject.toml'), '[project]\nname = "proj"\n');
    writeFileSync(join(info, STATE_FILE), JSON.stringify({ state: sourceState(dir, undefined) }));
    const url = pathToFileURL(dir).href;
    const have = [{ name: 'proj', normalizedName: 'proj', version: '1.0', distInfoDir: info, directUrl: { url, dir_info: { editable: true } } }];
    const named = [{ name: 'proj', key: 'proj', version: '', direct: { url, editable: true, sourceDir: dir } }];
    const unnamed = [{ name: '', key: '', version: '', direct: { url, editable: true, sourceDir: dir } }];
    assert.equal(planSync(named, have).keep.length, 1, 'the state recorded is the directory\'s');
    assert.deepEqual(planSync(unnamed, have).keep.map((k) => k.have.name), ['proj'], 'no name: the dist installed from that directory');
    assert.deepEqual(planSync(unnamed, []).install.length, 1);
    assert.deepEqual(planSync(unnamed, have).remove, [], 'and it is not removed');
    writeFileSync(join(dir, 'pyproject.toml'), '[project]\nname = "proj"\ndependencies = ["x"]\n');
    assert.deepEqual(planSync(named, have).install.map((i) => i.have?.name), ['proj'], 'pyproject.toml changed: rebuilt');
    assert.deepEqual(planSync(unnamed, have).install.map((i) => i.have?.name), ['proj']);
    assert.equal(planSync(named, [{ ...have[0]!, distInfoDir: join(tmp, 'none') }]).keep.length, 1, 'no record (pip installed it): kept');
    const commit = 'ab'.repeat(20);
    const vcs = [{ name: 'v', key: 'v', version: '', direct: { url: 'https://x/v.git', editable: false, commitId: commit, subdirectory: 'a' } }];
    const at = (subdirectory?: string) => [{ name: 'v', normalizedName: 'v', version: '1', directUrl: { url: 'https://x/v.git', vcs_info: { commit_id: commit }, ...(subdirectory ? { subdirectory } : {}) } }];
    assert.equal(planSync(vcs, at('a')).keep.length, 1);
    assert.equal(planSync(vcs, at('b')).install.length, 1, 'another subdirectory: replaced');
    assert.equal(planSync(vcs, at()).install.length, 1);
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
});
