import { test } from 'node:test';
import assert from 'node:assert/strict';
import { resolve, NoSolutionError } from '../../src/resolver/solver.js';
import type { ResolveOptions } from '../../src/resolver/types.js';
import type { MarkerEnvironment } from '../../src/pep/markers.js';
import { MemoryProvider, type FakeIndex } from './memory-provider.js';

const env: MarkerEnvironment = {
  python_version: '3.11', python_full_version: '3.11.7', implementation_name: 'cpython', implementation_version: '3.11.7',
  platform_python_implementation: 'CPython', sys_platform: 'linux', os_name: 'posix', platform_machine: 'x86_64',
  platform_system: 'Linux', platform_release: '6.1.0', platform_version: '#1',
};

async function solve(index: FakeIndex, reqs: string[], opts: Partial<ResolveOptions> = {}): Promise<Record<string, string>> {
  const r = await resolve(reqs, new MemoryProvider(index), { env, ...opts });
  return Object.fromEntries(r.packages.map((p) => [p.name + (p.extras.length ? `[${p.extras.join(',')}]` : ''), p.version]));
}

async function failure(index: FakeIndex, reqs: string[], opts: Partial<ResolveOptions> = {}): Promise<string> {
  try {
    await resolve(reqs, new MemoryProvider(index), { env, ...opts });
  } catch (e) {
    assert.ok(e instanceof NoSolutionError, String(e));
    assert.equal(e.code, 'NO_SOLUTION');
    return e.explanation;
  }
  assert.fail('expected no solution');
}

test('newest versions, transitively', async () => {
  assert.deepEqual(await solve({ a: { '1.0': ['b'], '2.0': ['b>=1.5'] }, b: { '1.0': [], '1.5': [], '2.0': ['c'] }, c: { '0.1': [] } }, ['a']), { a: '2.0', b: '2.0', c: '0.1' });
});

test('backtracking to an older version when the newest conflicts', async () => {
  const index = { a: { '1.0': ['b<2'], '2.0': ['b>=2'] }, b: { '1.0': [], '2.0': [] }, c: { '1.0': ['b<2'] } };
  assert.deepEqual(await solve(index, ['a', 'c']), { a: '1.0', b: '1.0', c: '1.0' });
});

test('conflict resolution with a partial satisfier (PubGrub doc example)', async () => {
  const index: FakeIndex = {
    foo: { '1.0.0': [], '1.1.0': ['left>=1.0.0,<2', 'right>=1.0.0,<2'] },
    left: { '1.0.0': ['shared>=1.0.0'] },
    right: { '1.0.0': ['shared<2.0.0'] },
    shared: { '1.0.0': ['target>=1.0.0,<2'], '2.0.0': [] },
    target: { '1.0.0': [], '2.0.0': [] },
  };
  assert.deepEqual(await solve(index, ['foo>=1.0.0,<2', 'target>=2.0.0,<3']), { foo: '1.0.0', target: '2.0.0' });
});

test('deep backtracking finds the one solution', async () => {
  // Only x 1 works with y; the solver has to walk back through every newer x.
  const index: FakeIndex = { x: {}, y: { '1': ['z==1'] }, z: { '1': [], '2': [] } };
  for (let i = 1; i <= 30; i++) index.x![String(i)] = i === 1 ? ['z==1'] : ['z==2', `w${i}`];
  for (let i = 2; i <= 30; i++) index[`w${i}`] = { '1': [] };
  assert.deepEqual(await solve(index, ['x', 'y']), { x: '1', y: '1', z: '1' });
});

test('diamond conflict: explanation names both sides', async () => {
  const text = await failure({ a: { '1.0': ['b>=2'] }, c: { '1.0': ['b<2'] }, b: { '1.0': [], '2.0': [] } }, ['a', 'c']);
  assert.equal(text, 'Because a depends on b>=2 and c depends on b<2, a and c are incompatible.\nSo, because you require a and you require c, the requirements are unsatisfiable.');
});

test('missing version: "only bar 2.0 exists"', async () => {
  const text = await failure({ foo: { '1.0': ['bar<1'] }, bar: { '2.0': [] } }, ['foo==1.0']);
  assert.equal(text, 'Because you require foo==1.0 and foo depends on bar<1 (but only bar 2.0 exists), the requirements are unsatisfiable.');
  // Many versions each needing a missing version: one line, not one per version.
  const many: FakeIndex = { x: {}, z: { '0.5': [] } };
  for (let i = 1; i <= 8; i++) many.x![`${i}.0`] = [`z>=${i}`];
  assert.equal(await failure(many, ['x']), 'Because you require x and x depends on z>=8 ... z>=1 (but only z 0.5 exists), the requirements are unsatisfiable.');
});

test('linear error reporting (PubGrub doc example)', async () => {
  const index: FakeIndex = { foo: { '1.0.0': ['bar>=2.0.0,<3'] }, bar: { '2.0.0': ['baz>=3.0.0,<4'] }, baz: { '1.0.0': [], '3.0.0': [] } };
  const text = await failure(index, ['foo>=1.0.0,<2', 'baz>=1.0.0,<2']);
  assert.match(text, /bar depends on baz>=3\.0\.0,<4/);
  assert.match(text, /foo depends on bar>=2\.0\.0,<3/);
  assert.match(text, /you require baz>=1\.0\.0,<2/);
  assert.match(text, /the requirements are unsatisfiable\.$/);
});

test('branching error reporting stays readable', async () => {
  const index: FakeIndex = {
    foo: { '1.0.0': ['a>=1.0.0,<2', 'b>=1.0.0,<2'], '1.1.0': ['x>=1.0.0,<2', 'y>=1.0.0,<2'] },
    a: { '1.0.0': ['b>=2.0.0,<3'] }, b: { '1.0.0': [], '2.0.0': [] },
    x: { '1.0.0': ['y>=2.0.0,<3'] }, y: { '1.0.0': [], '2.0.0': [] },
  };
  const text = await failure(index, ['foo>=1.0.0,<2']);
  assert.match(text, /foo==1\.0\.0/);
  assert.match(text, /foo==1\.1\.0/);
  assert.match(text, /\(1\)/);
  assert.ok(text.split('\n').length <= 8, text);
});

test('extras: direct, transitive, and their own conflicts', async () => {
  const index: FakeIndex = {
    a: {
      '1.0': ['b; extra == "x"', 'c; extra == "y"'],
      '2.0': ['b>=2; extra == "x"', 'c; extra == "y"'],
    },
    b: { '1.0': [], '2.0': [] },
    c: { '1.0': [] },
    p: { '1.0': ['A[X]>=1'] },
  };
  assert.deepEqual(await solve(index, ['a[x]']), { 'a[x]': '2.0', b: '2.0' });
  assert.deepEqual(await solve(index, ['p']), { p: '1.0', 'a[x]': '2.0', b: '2.0' });
  assert.deepEqual(await solve(index, ['a[x,y]', 'b<2']), { 'a[x,y]': '1.0', b: '1.0', c: '1.0' });
  assert.deepEqual(await solve(index, ['a', 'p']), { 'a[x]': '2.0', b: '2.0', p: '1.0' });
  const warnings: string[] = [];
  const r = await resolve(['q[Fast_Mode,missing]'], new MemoryProvider({ q: { '1.0': { deps: ['b; extra == "fast-mode"'], providesExtra: ['fast-mode'] } }, b: { '1.0': [] } }), { env, onWarning: (m) => warnings.push(m) });
  assert.deepEqual(r.packages.map((p) => `${p.name}${p.extras.join()}`), ['b', 'qfast-mode,missing']);
  assert.deepEqual(warnings, ["q 1.0 does not provide the extra 'missing'"]);
  const text = await failure(index, ['a[x]==2.0', 'b<2']);
  assert.match(text, /a\[x\]==2\.0 depends on b>=2|a\[x\] depends on b>=2/);
});

test('markers are evaluated for the target environment', async () => {
  const index: FakeIndex = {
    a: { '1.0': ['win; sys_platform == "win32"', 'old; python_version < "3.8"', 'lin; sys_platform == "linux" and python_version >= "3.8"'] },
    win: {}, old: {}, lin: { '1.0': [] },
  };
  assert.deepEqual(await solve(index, ['a', 'never; os_name == "nt"']), { a: '1.0', lin: '1.0' });
  assert.deepEqual(await solve({ ...index, lin: {} }, ['a'], { env: { ...env, sys_platform: 'win32' } }).catch(() => 'fail'), 'fail');
});

test('Requires-Python: older versions for older pythons, explained when nothing fits', async () => {
  const index: FakeIndex = { a: { '1.0': { requiresPython: '>=3.7' }, '2.0': { requiresPython: '>=3.12' }, '3.0': { metadataRequiresPython: '>=3.13' } } };
  assert.deepEqual(await solve(index, ['a']), { a: '1.0' });
  const text = await failure(index, ['a>=2']);
  assert.match(text, /a==2\.0 requires Python >=3\.12/);
  assert.match(text, /a==3\.0 requires Python >=3\.13/);
  assert.deepEqual(await solve(index, ['a'], { env: { ...env, python_full_version: '3.13.0', python_version: '3.13' } }), { a: '3.0' });
});

test('yanked releases are skipped unless pinned with ==', async () => {
  const index: FakeIndex = { a: { '1.0': [], '2.0': { yanked: true } } };
  assert.deepEqual(await solve(index, ['a']), { a: '1.0' });
  assert.deepEqual(await solve(index, ['a==2.0']), { a: '2.0' });
  assert.match(await failure(index, ['a>=2']), /a==2\.0 is yanked/);
});

test('pre-releases: only when asked for, named, or when there are no final releases', async () => {
  const index: FakeIndex = { a: { '1.0': [], '2.0b1': [] }, b: { '1.0a1': [], '1.0a2': [] }, c: { '1.0': ['a>=2.0b1'] } };
  assert.deepEqual(await solve(index, ['a']), { a: '1.0' });
  assert.deepEqual(await solve(index, ['a'], { prereleases: true }), { a: '2.0b1' });
  assert.deepEqual(await solve(index, ['a>=2.0a1']), { a: '2.0b1' });
  assert.match(await failure(index, ['a>=1.5']), /a==2\.0b1 is a pre-release \(pre-releases are not allowed\)/);
  // A pre-release is not taken to avoid backtracking (pip would pick the older parent too).
  assert.deepEqual(await solve({ ...index, p: { '1.0': ['a<2'], '2.0': ['a>=2'] } }, ['p']), { a: '1.0', p: '1.0' });
  assert.deepEqual(await solve(index, ['b']), { b: '1.0a2' });
  assert.deepEqual(await solve(index, ['c']), { a: '2.0b1', c: '1.0' });
});

test('epochs and local versions order like PEP 440', async () => {
  assert.deepEqual(await solve({ a: { '2020.1': [], '1!1.0': [], '3.0': [] } }, ['a']), { a: '1!1.0' });
  assert.deepEqual(await solve({ a: { '2020.1': [], '1!1.0': [] } }, ['a<2021']), { a: '2020.1' });
  assert.deepEqual(await solve({ torch: { '2.0': [], '2.0+cpu': [], '2.1': [] } }, ['torch==2.0']), { torch: '2.0+cpu' });
  assert.deepEqual(await solve({ torch: { '2.0': [], '2.0+cpu': [] } }, ['torch==2.0+cpu']), { torch: '2.0+cpu' });
});

test('cycles resolve', async () => {
  assert.deepEqual(await solve({ a: { '1.0': ['b'] }, b: { '1.0': ['c'] }, c: { '1.0': ['a'] } }, ['a']), { a: '1.0', b: '1.0', c: '1.0' });
  assert.deepEqual(await solve({ a: { '1.0': ['a[x]'], '2.0': ['A'] } }, ['a']), { a: '2.0' });
});

test('names are normalised everywhere', async () => {
  const index: FakeIndex = { 'Foo_Bar': { '1.0': ['zope.Interface>=5'] }, 'zope-interface': { '5.0': [] } };
  assert.deepEqual(await solve(index, ['foo.bar']), { 'foo-bar': '1.0', 'zope-interface': '5.0' });
});

test('installed versions are kept unless upgrading; constraints; --no-deps; URLs', async () => {
  const index: FakeIndex = { a: { '1.0': ['b'], '2.0': ['b'] }, b: { '1.0': [], '2.0': [] } };
  const preferred = new Map([['a', '1.0'], ['b', '1.0']]);
  assert.deepEqual(await solve(index, ['a'], { preferred }), { a: '1.0', b: '1.0' });
  assert.deepEqual(await solve(index, ['a'], { preferred: new Map([['a', '1.0.0'], ['b', '1.0']]) }), { a: '1.0', b: '1.0' });
  assert.deepEqual(await solve(index, ['a>=2'], { preferred }), { a: '2.0', b: '1.0' });
  assert.deepEqual(await solve(index, ['a'], { preferred, upgrade: true }), { a: '2.0', b: '2.0' });
  assert.deepEqual(await solve(index, ['a'], { preferred, upgrade: new Set(['a']) }), { a: '2.0', b: '1.0' });
  assert.deepEqual(await solve(index, ['a'], { constraints: ['b<2', 'unused==1'] }), { a: '2.0', b: '1.0' });
  assert.match(await failure(index, ['b'], { constraints: ['b>5'] }), /the constraints require b>5/);
  // A constraint on a package nothing needs is never looked up (pip's config may name many).
  const asked: string[] = [];
  const spy = new MemoryProvider({ ...index, unused: { '1.0': [] } });
  const versions = spy.versions.bind(spy);
  spy.versions = (name: string) => (asked.push(name), versions(name));
  await resolve(['a'], spy, { env, constraints: ['b<2', 'unused==1', 'a[x]<3'] });
  assert.deepEqual(asked.sort(), ['a', 'b']);
  // A constraint reaching a package only through an extra still applies.
  assert.deepEqual(await solve({ ...index, c: { '1.0': ['a[x]'] } }, ['c'], { constraints: ['a<2'] }), { 'a[x]': '1.0', b: '2.0', c: '1.0' });
  assert.deepEqual(await solve(index, ['a'], { noDeps: true }), { a: '2.0' });
  assert.deepEqual(await solve({ ...index, c: { '1.0': ['b; extra == "x"'] } }, ['c[x]'], { noDeps: true }), { 'c[x]': '1.0' });
  assert.deepEqual(await solve(index, ['a @ https://example.org/a-1.0-py3-none-any.whl']), { a: '1.0', b: '2.0' });
});

test('metadata is fetched lazily and in parallel', async () => {
  const index: FakeIndex = { top: { '1.0': Array.from({ length: 12 }, (_, i) => `d${i}`) } };
  for (let i = 0; i < 12; i++) index[`d${i}`] = { '1.0': [], '2.0': [] };
  const provider = new MemoryProvider(index, 15);
  const r = await resolve(['top'], provider, { env });
  assert.equal(r.packages.length, 13);
  // Parallelism is shown by the requests in flight at once, not by wall time (a loaded machine).
  assert.ok(provider.peakInFlight >= 6, `peak in flight ${provider.peakInFlight}`);
  assert.equal(new Set(provider.metadataCalls).size, provider.metadataCalls.length, 'no metadata fetched twice');
  assert.ok(!provider.metadataCalls.includes('d0==1.0'), 'older versions are not fetched');
});

test('backtracking through many versions fetches their metadata in parallel', async () => {
  const index: FakeIndex = { x: {}, z: { '1': [] } };
  for (let i = 1; i <= 24; i++) index.x![String(i)] = i === 1 ? ['z'] : [`z>=${i}`];
  const provider = new MemoryProvider(index, 10);
  const r = await resolve(['x'], provider, { env });
  assert.deepEqual(r.packages.map((p) => `${p.name}==${p.version}`), ['x==1', 'z==1']);
  assert.ok(provider.peakInFlight >= 4, `peak in flight ${provider.peakInFlight}`);
});

test('requiredBy records who asked for what', async () => {
  const r = await resolve(['a', 'b'], new MemoryProvider({ a: { '1.0': ['c'] }, b: { '1.0': ['c'] }, c: { '1.0': [] } }), { env });
  assert.deepEqual(r.packages.map((p) => [p.name, p.requiredBy]), [['a', ['']], ['b', ['']], ['c', ['a', 'b']]]);
});
