import { test } from 'node:test';
import assert from 'node:assert/strict';
import { unmetRequirements, unsatisfiedReason } from '../../src/installed/satisfied.js';
import { checkDists, checkInstalled, checkLines, unparsableDists } from '../../src/installed/check.js';
import { InstalledSet, type InstalledMetadata } from '../../src/installed/dependencies.js';
import type { DistInfo } from '../../src/installed/dists.js';
import { canonicalizeName } from '../../src/pep/names.js';
import { parseRequirement } from '../../src/pep/pep508.js';
import type { MarkerEnvironment } from '../../src/pep/markers.js';

const env = { python_version: '3.11', python_full_version: '3.11.7', sys_platform: 'linux', os_name: 'posix' } as MarkerEnvironment;

const installed: InstalledMetadata[] = [
  { name: 'Requests', version: '2.31.0', requiresDist: ['urllib3<3,>=1.21.1', 'idna', 'PySocks!=1.5.7,>=1.5.6; extra == "socks"', 'win-inet-pton; sys_platform == "win32" and extra == "socks"'] },
  { name: 'urllib3', version: '2.0.7', requiresDist: ['brotli>=1; extra == "brotli"'] },
  { name: 'idna', version: '3.4', requiresDist: [] },
  { name: 'old_thing', version: '1.0', requiresDist: ['idna<3', 'missing-dep', 'windows-only; os_name == "nt"'] },
];

test('requirements met by what is installed (the no-op install check)', () => {
  assert.deepEqual(unmetRequirements(['requests', 'IDNA>=3'], installed, env), []);
  assert.deepEqual(unmetRequirements(['requests>=2.32'], installed, env), [{ requirement: 'requests>=2.32', requiredBy: null, installed: '2.31.0' }]);
  assert.deepEqual(unmetRequirements(['requests[socks]'], installed, env), [{ requirement: 'PySocks!=1.5.7,>=1.5.6', requiredBy: 'requests', installed: null }]);
  assert.deepEqual(unmetRequirements(['flask; python_version < "3"', 'urllib3'], installed, env), []);
  assert.equal(unmetRequirements(['newthing'], installed, env).length, 1);
  assert.equal(unmetRequirements(['idna @ file:///x/idna-3.4-py3-none-any.whl'], installed, env).length, 1);
});

test('pip check: missing and conflicting dependencies', () => {
  assert.deepEqual(checkInstalled(installed, env), [
    { name: 'old-thing', version: '1.0', missing: ['missing-dep'], conflicts: [{ requirement: 'idna<3', installed: '3.4' }] },
  ]);
  assert.deepEqual(checkInstalled(installed.slice(0, 3), env), []);
});

// The same facts through the CLI's views: the flat pip check list and the fast path's first reason.
const dist = (name: string, version: string, requiresDist: string[] = [], url?: string): DistInfo => ({
  name, version, normalizedName: canonicalizeName(name), distInfoDir: `/sp/${name}-${version}.dist-info`, location: '/sp',
  installer: 'venvkit', requested: false, requiresDist, ...(url ? { directUrl: { url } } : {}),
});
const wheelUrl = 'file:///w/tool-1.0-py3-none-any.whl';
const dists = [
  dist('App', '1.0', ['lib>=1.5,<2; python_version >= "3.8"', 'Gone', 'tool @ https://elsewhere/tool.whl', 'nope @ https://h/nope.whl', 'bad requirement ((', 'extra-only; extra == "x"']),
  dist('lib', '2.0', ['opt; extra == "fast" or sys_platform == "linux"', 'never; extra != "x" and os_name == "nt"']),
  dist('opt', '0.1'),
  dist('tool', '1.0', [], `${wheelUrl}#sha256=00`),
];

test('checkDists: one entry per broken dependency, pip\'s text, in the order given; checkInstalled groups the same facts', () => {
  // A Requires-Dist line that does not parse: pip check leaves the whole distribution out (and fails).
  assert.deepEqual(checkDists(dists, env), []);
  assert.deepEqual(checkInstalled(dists, env), []);
  assert.deepEqual(unparsableDists(dists).map(({ name, version, requirement }) => ({ name, version, requirement })), [{ name: 'app', version: '1.0', requirement: 'bad requirement ((' }]);
  const readable = [{ ...dists[0]!, requiresDist: dists[0]!.requiresDist.filter((l) => !l.startsWith('bad')) }, ...dists.slice(1)];
  assert.deepEqual(unparsableDists(readable), []);
  const problems = checkDists(readable, env);
  assert.deepEqual(problems, [
    { kind: 'missing', name: 'app', version: '1.0', dependency: 'gone', requirement: 'Gone' },
    { kind: 'missing', name: 'app', version: '1.0', dependency: 'nope', requirement: 'nope@ https://h/nope.whl' },
    { kind: 'conflict', name: 'app', version: '1.0', dependency: 'lib', requirement: 'lib<2,>=1.5; python_version >= "3.8"', installedName: 'lib', installedVersion: '2.0' },
  ]);
  assert.deepEqual(checkLines(problems), [
    'app 1.0 requires gone, which is not installed.',
    'app 1.0 requires nope, which is not installed.',
    'app 1.0 has requirement lib<2,>=1.5; python_version >= "3.8", but you have lib 2.0.',
  ]);
  assert.deepEqual(checkInstalled(readable, env), [
    { name: 'app', version: '1.0', missing: ['Gone', 'nope @ https://h/nope.whl'], conflicts: [{ requirement: 'lib>=1.5,<2', installed: '2.0' }] },
  ]);
  assert.deepEqual(checkDists(dists.slice(1), env), [], 'an `or` with a true marker applies without the extra');
});

test('checkDists in pip\'s order: all missing, then all conflicts, projects as given, each one\'s sorted as pip sorts its tuples', () => {
  const set = [
    dist('Zed_App', '01.0', ['Missing_Dep', 'Util.Lib[b,a] (>=1.0,<2); python_version > "3"', 'aaa', 'aaa @ file:///x', 'aaa', 'aaa!=1', 'bbb; os_name == "nt"', 'opt; extra == "x"']),
    dist('util_lib', '0.9.0', ['zed-app>=2', 'Missing.Dep', 'odd>=1', 'odd!=2']),
    dist('odd', 'unknown'),
  ];
  assert.deepEqual(checkLines(checkDists(set, env)), [
    // ties are broken by the requirement's text in its repr; duplicates stay (pip 23.2)
    'zed-app 1.0 requires aaa, which is not installed.',
    'zed-app 1.0 requires aaa, which is not installed.',
    'zed-app 1.0 requires aaa, which is not installed.',
    'zed-app 1.0 requires aaa, which is not installed.',
    'zed-app 1.0 requires missing-dep, which is not installed.',
    'util-lib 0.9.0 requires missing-dep, which is not installed.',
    'zed-app 1.0 has requirement Util.Lib[a,b]<2,>=1.0; python_version > "3", but you have util-lib 0.9.0.',
    // a version that is not PEP 440 (LegacyVersion in pip 23.2) meets no specifier and prints as is
    'util-lib 0.9.0 has requirement odd!=2, but you have odd unknown.',
    'util-lib 0.9.0 has requirement odd>=1, but you have odd unknown.',
    'util-lib 0.9.0 has requirement zed-app>=2, but you have zed-app 1.0.',
  ]);
  assert.deepEqual(checkDists(set, env).slice(0, 4).map((p) => p.requirement), ['aaa!=1', 'aaa', 'aaa', 'aaa@ file:///x']);
});

test('the fast path: URLs compared with direct_url.json, constraints, extras through `or` markers', () => {
  const set = new InstalledSet(dists.slice(1));
  const req = (t: string) => parseRequirement(t);
  assert.equal(unsatisfiedReason([req(`tool @ ${wheelUrl}`)], set, env), undefined, 'same URL, fragment aside');
  assert.equal(unsatisfiedReason([req('tool @ https://elsewhere/tool.whl')], set, env), 'tool 1.0 is installed, not from https://elsewhere/tool.whl');
  assert.equal(unsatisfiedReason([req('lib[fast]')], set, env), undefined);
  assert.equal(unsatisfiedReason([req('lib[fast]>=3')], set, env), 'lib 2.0 is installed, but lib>=3 is wanted');
  assert.equal(unsatisfiedReason([req('lib'), req('missing; os_name == "posix"')], set, env), 'missing is not installed');
  assert.equal(unsatisfiedReason([req('lib')], set, env, [req('opt>=1')]), 'opt 0.1 is installed, but opt>=1 is wanted');
  assert.equal(unsatisfiedReason([req('lib')], set, env, [req('opt>=1; os_name == "nt"'), req('absent<1')]), undefined, 'constraints with markers or on what is not installed are the resolver\'s');
  // The library view of the same walk: every unmet requirement, and URLs compared when directUrl is known.
  assert.deepEqual(unmetRequirements([`tool @ ${wheelUrl}`, 'lib[fast]>=3'], dists, env), [{ requirement: 'lib[fast]>=3', requiredBy: null, installed: '2.0' }]);
  assert.deepEqual(unmetRequirements(['app'], dists, env), [
    { requirement: 'lib>=1.5,<2', requiredBy: 'app', installed: '2.0' },
    { requirement: 'Gone', requiredBy: 'app', installed: null },
    { requirement: 'tool @ https://elsewhere/tool.whl', requiredBy: 'app', installed: '1.0' },
    { requirement: 'nope @ https://h/nope.whl', requiredBy: 'app', installed: null },
  ]);
});

test('a version that is not PEP 440 meets a requirement without specifiers only', () => {
  const odd = [dist('x', 'unknown'), dist('y', '1.0', ['x', 'x>=1'])];
  assert.deepEqual(unmetRequirements(['x'], odd, env), []);
  assert.deepEqual(checkInstalled(odd, env), [{ name: 'y', version: '1.0', missing: [], conflicts: [{ requirement: 'x>=1', installed: 'unknown' }] }]);
  assert.equal(checkDists(odd, env).length, 1);
});
