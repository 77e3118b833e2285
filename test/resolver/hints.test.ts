// A failed resolution names its real cause: a project no index has (NOT_FOUND), Requires-Python,
// yanked releases, pre-releases; the generic "relax the version constraints" only for real conflicts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { resolve, NoSolutionError, ProjectNotFoundError } from '../../src/resolver/solver.js';
import type { MarkerEnvironment } from '../../src/pep/markers.js';
import { isVenvkitError } from '../../src/errors.js';
import { MemoryProvider, type FakeIndex } from './memory-provider.js';

const env: MarkerEnvironment = {
  python_version: '3.11', python_full_version: '3.11.7', implementation_name: 'cpython', implementation_version: '3.11.7',
  platform_python_implementation: 'CPython', sys_platform: 'linux', os_name: 'posix', platform_machine: 'x86_64',
  platform_system: 'Linux', platform_release: '6.1.0', platform_version: '#1',
};

/** A provider that also says where it looked (as the index provider does). */
class Located extends MemoryProvider {
  async sources(): Promise<{ asked: string[]; unreadable: string[] }> {
    return { asked: ['https://pkgs.example/simple', '/opt/wheels'], unreadable: [] };
  }
}

async function error(index: FakeIndex, reqs: string[], prereleases = false): Promise<NoSolutionError> {
  try {
    await resolve(reqs, new Located(index), { env, prereleases });
  } catch (e) {
    assert.ok(e instanceof NoSolutionError, String(e));
    return e;
  }
  assert.fail('expected no solution');
}

const relax = /Relax the version constraints/;

test('a project no index has: NOT_FOUND, naming it and where venvkit looked', async () => {
  const e = await error({ real: { '1.0': [] } }, ['real', 'reqeusts>=2']);
  assert.ok(isVenvkitError(e, 'NOT_FOUND'));
  assert.ok(e instanceof ProjectNotFoundError);
  assert.equal(e.message, 'no project named reqeusts on the configured indexes');
  assert.deepEqual(e.projects, ['reqeusts']);
  assert.match(e.hint!, /Check the spelling of 'reqeusts'; looked in https:\/\/pkgs\.example\/simple, \/opt\/wheels\./);
  assert.doesNotMatch(e.hint!, relax);
  assert.equal(e.toJSON().code, 'NOT_FOUND');
});

test('a dependency naming a project no index has: NOT_FOUND, with who requires it', async () => {
  const e = await error({ app: { '1.0': ['helper-typo'], '0.9': ['helper-typo'] } }, ['app']);
  assert.ok(isVenvkitError(e, 'NOT_FOUND'));
  assert.match(e.message, /^no project named helper-typo on the configured indexes:\n/);
  assert.match(e.message, /app depends on helper-typo \(but there is no project named helper-typo on the configured indexes\)/);
  assert.match(e.hint!, /^'helper-typo' is required by the packages named above, not by you: use an index that has it, or versions of those packages that do not need it; looked in /);
  // An older version that does not need it is still chosen: NOT_FOUND only when nothing else works.
  const ok = await resolve(['app'], new Located({ app: { '1.0': ['helper-typo'], '0.9': [] } }), { env });
  assert.deepEqual(ok.packages.map((p) => `${p.name}==${p.version}`), ['app==0.9']);
});

test('Requires-Python excluding every candidate: the target Python and the newest release\'s requirement', async () => {
  const index: FakeIndex = { newpy: { '1.0': { requiresPython: '>=3.12' }, '2.0': { requiresPython: '>=3.99' } } };
  const e = await error(index, ['newpy']);
  assert.equal(e.code, 'NO_SOLUTION');
  assert.match(e.hint!, /No release of newpy supports Python 3\.11\.7: the newest, newpy 2\.0, requires Python >=3\.99, and the target is Python 3\.11\.7/);
  assert.doesNotMatch(e.hint!, relax);
  // Some release supports it, but not one the requirement allows: that one is named.
  const e2 = await error({ newpy: { '1.0': [], '2.0': { requiresPython: '>=3.99' }, '2.1': { requiresPython: '>=3.99' } } }, ['newpy>=2']);
  assert.match(e2.hint!, /Every version of newpy that fits requires another Python: the newest, newpy 2\.1, requires Python >=3\.99, and the target is Python 3\.11\.7\. Use an environment with a Python that satisfies >=3\.99, or a release of newpy that supports Python 3\.11\.7 \(the newest is 1\.0\)/);
  // Requires-Python found only in the metadata counts too.
  const e3 = await error({ late: { '1.0': { metadataRequiresPython: '>=4' } } }, ['late']);
  assert.match(e3.hint!, /late 1\.0, requires Python >=4, and the target is Python 3\.11\.7/);
});

test('only yanked versions fit: pin one (PEP 592); a real conflict keeps the generic hint', async () => {
  const e = await error({ yank: { '1.0': [], '2.0': { yanked: true } } }, ['yank>1']);
  assert.equal(e.code, 'NO_SOLUTION');
  assert.match(e.hint!, /The only versions of yank that fit are yanked \(2\.0\)\. A yanked release is used only when a requirement pins it exactly \(yank==2\.0\)/);
  assert.doesNotMatch(e.hint!, relax);
  // A real conflict keeps the generic hint.
  const conflict = await error({ a: { '1.0': ['b>=2'] }, c: { '1.0': ['b<2'] }, b: { '1.0': [], '2.0': [] } }, ['a', 'c']);
  assert.equal(conflict.code, 'NO_SOLUTION');
  assert.match(conflict.hint!, relax);
});

test('only pre-releases fit: the `pre` option (--pre)', async () => {
  const e = await error({ beta: { '1.0': [], '2.0b1': [], '2.0rc1': [] } }, ['beta>1']);
  assert.equal(e.code, 'NO_SOLUTION');
  assert.match(e.message, /beta>=2\.0b1 is a pre-release \(pre-releases are not allowed\)/);
  assert.match(e.hint!, /The only versions of beta that fit are pre-releases \(2\.0rc1 and 2\.0b1\)\. Allow pre-releases with the `pre` option, or name one in the requirement \(beta>=2\.0rc1\)/);
  assert.doesNotMatch(e.hint!, relax);
});
