import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { parseVersion, tryParseVersion, compareVersions, normalizeVersion } from '../../src/pep/pep440.js';
import { Specifier, SpecifierSet } from '../../src/pep/pep440-specifiers.js';

test('normalisation (PEP 440 "Normalization" section)', () => {
  const cases: [string, string][] = [
    ['1.0', '1.0'],
    ['v1.0', '1.0'],
    ['V1.0', '1.0'],
    [' 1.0 ', '1.0'],
    ['1.1RC1', '1.1rc1'],
    ['1.0a', '1.0a0'],
    ['1.0alpha1', '1.0a1'],
    ['1.0-beta.2', '1.0b2'],
    ['1.0c1', '1.0rc1'],
    ['1.0pre1', '1.0rc1'],
    ['1.0preview_3', '1.0rc3'],
    ['1.0-1', '1.0.post1'],
    ['1.0.post', '1.0.post0'],
    ['1.0-r4', '1.0.post4'],
    ['1.0rev4', '1.0.post4'],
    ['1.0_post-2', '1.0.post2'],
    ['1.0-dev', '1.0.dev0'],
    ['1.0dev1', '1.0.dev1'],
    ['1!1.0', '1!1.0'],
    ['0!1.0', '1.0'],
    ['1.0+Ubuntu-1', '1.0+ubuntu.1'],
    ['1.0+abc_7', '1.0+abc.7'],
    ['01.02.003', '1.2.3'],
    ['1.0a1.post2.dev3+x', '1.0a1.post2.dev3+x'],
  ];
  for (const [input, want] of cases) assert.equal(parseVersion(input).toString(), want, input);
  for (const badv of ['', 'french toast', '1.0+', '1.0+_x', '1..0', '1.0.', 'a1', '1.0-', '1!', '1.0 dev']) {
    assert.equal(tryParseVersion(badv), null, badv);
  }
  assert.throws(() => parseVersion('nope'), /Invalid version: 'nope'/);
  assert.equal(normalizeVersion('not a version'), 'not a version');
});

test('ordering (the PEP\'s example order, epochs, locals, trailing zeros)', () => {
  const ordered = [
    '1.dev0', '1.0.dev456', '1.0a1', '1.0a2.dev456', '1.0a12.dev456', '1.0a12', '1.0b1.dev456', '1.0b2',
    '1.0b2.post345.dev456', '1.0b2.post345', '1.0rc1.dev456', '1.0rc1', '1.0', '1.0+abc.5', '1.0+abc.7', '1.0+5',
    '1.0.post456.dev34', '1.0.post456', '1.0.15', '1.1.dev1', '1.1', '2013.10', '1!0.1', '1!1.0',
  ];
  for (let i = 0; i < ordered.length; i++) {
    for (let j = 0; j < ordered.length; j++) {
      const c = compareVersions(parseVersion(ordered[i]!), parseVersion(ordered[j]!));
      assert.equal(c, Math.sign(i - j), `${ordered[i]} vs ${ordered[j]}`);
    }
  }
  assert.equal(compareVersions(parseVersion('1.0'), parseVersion('1.0.0.0')), 0);
  assert.equal(compareVersions(parseVersion('1.0+a'), parseVersion('1.0+1')), -1);
  assert.equal(compareVersions(parseVersion('1.0+a.1'), parseVersion('1.0+a')), 1);
  assert.ok(parseVersion('1.0.dev1').isPrerelease);
  assert.ok(!parseVersion('1.0.post1').isPrerelease);
});

test('specifiers: plain cases from the PEP', () => {
  const yes: [string, string][] = [
    ['1.4.5', '~=1.4.2'], ['1.9', '~=1.4.2'.replace('1.4.2', '1.4')], ['2.2.post3', '~=2.2.post3'], ['2.3', '~=2.2.post3'],
    ['1.4.5.0', '~=1.4.5.0'], ['1.1.post1', '==1.1.post1'], ['1.1', '==1.1.*'], ['1.1.0', '==1.1'], ['1.1+local', '==1.1'],
    ['1.1+local', '==1.1+local'], ['1.1.3a1', '==1.1.*'], ['1.1a1', '==1.1.*'], ['1.1.dev1', '==1.1.*'],
    ['1.2', '!=1.1.*'], ['1.1', '!=1.1.post1'], ['1.1.post1', '>1.0'], ['1.7.1', '>1.7'], ['1.7.post1', '>1.7.post0'],
    ['1.7', '<1.7.1'], ['3.0a1', '<3.0rc1'], ['1.0', '<=1.0'], ['1.0+local', '<=1.0'], ['1.0+local', '>=1.0'],
    ['1!1.0', '>2.0'], ['1.0', '===1.0'], ['2.0', '>=1.0,<3,!=2.1'], ['1.0', ''], ['1.0a1', '>=1.0a1'],
    ['2.0.1', '==2.*'], ['1!2.0', '~=1!2.0'], ['4.0', '~=4.0'],
  ];
  const no: [string, string][] = [
    ['2.0', '~=1.4.2'], ['1.4.1', '~=1.4.2'], ['2.2.post2', '~=2.2.post3'], ['1.4.6', '~=1.4.5.0'], ['1.1', '==1.1.post1'],
    ['1.2', '==1.1.*'], ['1.1', '==1.1+local'], ['1.1+other', '==1.1+local'], ['1.1.post1', '!=1.1.*'], ['1.7.post1', '>1.7'],
    ['1.7+local', '>1.7'], ['1.7.0.post1', '>1.7'], ['3.0a1', '<3.0'], ['3.0.dev1', '<3'], ['2.0', '>=1.0,<3,!=2.0'],
    ['1.0.0', '===1.0'], ['1.0', '>1.0'], ['1.0', '<1.0'], ['5.0', '~=4.0'], ['2!1.0', '==1!1.*'],
  ];
  for (const [v, s] of yes) assert.ok(new SpecifierSet(s).contains(v, { prereleases: true }), `${v} in '${s}'`);
  for (const [v, s] of no) assert.ok(!new SpecifierSet(s).contains(v, { prereleases: true }), `${v} not in '${s}'`);
});

test('specifiers: pre-release policy and filter', () => {
  assert.equal(new SpecifierSet('>=1.0').contains('2.0b1'), false);
  assert.equal(new SpecifierSet('>=1.0').contains('2.0b1', { prereleases: true }), true);
  assert.equal(new SpecifierSet('>=1.0b1').contains('2.0b1'), true); // a specifier names a pre-release
  assert.equal(new SpecifierSet('<2.0b1').contains('1.0b1'), false); // "<" does not opt in (packaging 21)
  assert.equal(new SpecifierSet('').contains('1.0.dev1'), false);
  const vs = ['1.0', '2.0b1', '1.5'].map((x) => parseVersion(x));
  assert.deepEqual(new SpecifierSet('').filter(vs).map(String), ['1.0', '1.5']);
  assert.deepEqual(new SpecifierSet('').filter([parseVersion('2.0b1')]).map(String), ['2.0b1']);
  assert.deepEqual(new SpecifierSet('>=1.1').filter(vs).map(String), ['1.5']);
  assert.deepEqual(new SpecifierSet('>=1.1').filter(vs, { prereleases: true }).map(String), ['2.0b1', '1.5']);
});

test('specifiers: invalid input gives clear errors', () => {
  for (const [s, re] of [
    ['~=1', /~= needs at least two/], ['>=1.0.*', /only allowed with == and !=/], ['<1.0+local', /local version label/],
    ['=1.0', /expected an operator/], ['>=1.0,', /empty specifier/], ['==1.0a1.*', /plain release/], ['==x.y', /not a valid version/],
  ] as [string, RegExp][]) {
    assert.throws(() => new SpecifierSet(s), re, s);
  }
  assert.equal(new Specifier('===foobar').matches(parseVersion('1.0')), false);
});

// pip's own version logic (its vendored `packaging`) as the oracle, over a matrix of cases.
test('agrees with pip\'s vendored packaging on a version x specifier matrix', (t) => {
  const root = process.env.PYENV_ROOT ?? join(process.env.HOME ?? '', '.pyenv');
  const py = ['3.12.1', '3.11.7', '3.13.0'].map((v) => join(root, 'versions', v, 'bin', 'python')).find((p) => existsSync(p));
  if (!py) {
    if (process.env.CI === 'true') assert.fail('no pyenv CPython 3.11+ found');
    t.skip('no pyenv CPython 3.11+ with pip found');
    return;
  }
  const versions = ['0.9', '1.0', '1.0.0', '1.0a1', '1.0b2.post1', '1.0rc1.dev2', '1.0.dev0', '1.0.post1', '1.0.post1.dev1', '1.0+local.7', '1.0.1', '1.1', '1.1.dev1', '1.2.3', '2.0', '2.0.post1', '1!0.5', '1!1.0'];
  const specs = ['==1.0', '==1.0.*', '!=1.0', '!=1.*', '~=1.0', '~=1.0.0', '~=1.0a1', '>1.0', '>=1.0', '<1.0', '<=1.0', '>1.0.post0', '<1.1', '>1.0a1', '<2', '==1.0+local.7', '==1!1.*', '===1.0', '>=1.0.dev0', '<1.1rc1', '>0.9,<1.1'];
  const script = `import json,sys\nfrom pip._vendor.packaging.specifiers import SpecifierSet\nfrom pip._vendor.packaging.version import Version\nvs,ss=json.loads(sys.stdin.read())\nout=[]\nfor s in ss:\n  out.append([[SpecifierSet(s).contains(Version(v)), SpecifierSet(s).contains(Version(v), prereleases=True)] for v in vs])\nprint(json.dumps([out,[str(Version(v)) for v in vs],sorted(range(len(vs)), key=lambda i: Version(vs[i]))]))`;
  const r = spawnSync(py, ['-c', script], { input: JSON.stringify([versions, specs]), encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  const [matrix, normalised, order] = JSON.parse(r.stdout) as [[boolean, boolean][][], string[], number[]];
  assert.deepEqual(versions.map((v) => parseVersion(v).toString()), normalised);
  const mine = versions.map((_, i) => i).sort((a, b) => compareVersions(parseVersion(versions[a]!), parseVersion(versions[b]!)) || a - b);
  assert.deepEqual(mine.map((i) => versions[i]), order.map((i) => versions[i]));
  specs.forEach((s, si) => {
    versions.forEach((v, vi) => {
      const set = new SpecifierSet(s);
      assert.equal(set.contains(v), matrix[si]![vi]![0], `${v} in ${s} (default pre-release policy)`);
      assert.equal(set.contains(v, { prereleases: true }), matrix[si]![vi]![1], `${v} in ${s} (pre-releases allowed)`);
    });
  });
});
