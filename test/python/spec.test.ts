// The interpreter spec parser and matcher, with plain data.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { type VersionFacts, type VersionRequest, hintFromDir, hintFromName, hintMayMatch, mergeHints, parseSpec, requestMatches, supportsVenv } from '../../src/python/spec.js';
import { isVenvkitError } from '../../src/errors.js';

const facts = (v: string, implementation = 'cpython', implementationVersion?: string): VersionFacts => {
  const m = /^(\d+)\.(\d+)\.(\d+)(?:(a|b|rc)(\d+))?$/.exec(v)!;
  const level = m[4] ? { a: 'alpha', b: 'beta', rc: 'candidate' }[m[4]]! : 'final';
  return { implementation, version: [Number(m[1]), Number(m[2]), Number(m[3])], releaseLevel: level, serial: Number(m[5] ?? 0), versionString: v, implementationVersion };
};

const version = (spec: string) => {
  const r = parseSpec(spec);
  assert.equal(r.kind, 'version', `${spec} should be a version request`);
  return r as VersionRequest;
};

const matches = (spec: string, v: string, impl = 'cpython', implVer?: string) => requestMatches(version(spec), facts(v, impl, implVer));

test('bare versions: a major or minor is a prefix, a full version is exact', () => {
  assert.ok(matches('3', '3.11.7'));
  assert.ok(!matches('3', '2.7.18'));
  assert.ok(matches('3.10', '3.10.13'));
  assert.ok(matches('3.10', '3.10.0'));
  assert.ok(!matches('3.10', '3.1.0'));
  assert.ok(!matches('3.10', '3.11.0'));
  assert.ok(matches('3.10.13', '3.10.13'));
  assert.ok(!matches('3.10.13', '3.10.12'));
  assert.ok(matches('3.10.*', '3.10.2'));
  assert.ok(matches('3.13.0rc1', '3.13.0rc1'));
  assert.ok(!matches('3.13.0rc1', '3.13.0'));
  assert.ok(matches('3.13', '3.13.0rc1'));
});

test('PEP 440 ranges on version triples', () => {
  const spec = '>=3.9,<3.12';
  assert.deepEqual(['3.8.18', '3.9.0', '3.9.18', '3.11.7', '3.12.0', '3.12.1'].filter((v) => matches(spec, v)), ['3.9.0', '3.9.18', '3.11.7']);
  assert.ok(matches('>= 3.9 , < 3.12', '3.10.1'), 'spaces are allowed');
  assert.ok(matches('>3.9', '3.9.1'));
  assert.ok(!matches('>3.9', '3.9.0'));
  assert.ok(matches('<=3.11', '3.11.0'));
  assert.ok(!matches('<=3.11', '3.11.7'), '<=3.11 is <=3.11.0 (PEP 440 padding)');
  assert.ok(matches('==3.11', '3.11.0'));
  assert.ok(!matches('==3.11', '3.11.7'));
  assert.ok(matches('==3.11.*', '3.11.7'));
  assert.ok(!matches('!=3.11.*', '3.11.7'));
  assert.ok(matches('!=3.11.*', '3.12.1'));
  assert.ok(matches('!=3.11.7', '3.11.6'));
  assert.ok(matches('~=3.9', '3.12.1'));
  assert.ok(!matches('~=3.9', '3.8.18'));
  assert.ok(!matches('~=3.9', '4.0.0'));
  assert.ok(matches('~=3.9.2', '3.9.18'));
  assert.ok(!matches('~=3.9.2', '3.10.0'));
  assert.ok(!matches('<3.13', '3.13.0rc1'), '<V excludes pre-releases of V');
  assert.ok(!matches('>=3.13', '3.13.0rc1'));
  assert.ok(matches('>=3.13.0rc1', '3.13.0rc2'));
  assert.ok(matches('===3.11.7', '3.11.7'));
  assert.ok(!matches('===3.11', '3.11.0'));
});

test('names and implementations', () => {
  assert.deepEqual(
    ['python3.10', 'python3', 'python', 'pypy3', 'pypy', 'cpython3.12', 'cpython-3.12', 'cpython@3.12', 'pypy@3.9', 'cp312', 'pp39', 'PyPy@3.9', 'python@>=3.9'].map((s) => {
      const r = version(s);
      return [s, r.implementation ?? 'any', r.clauses.map((c) => `${c.op}${c.release.join('.')}${c.wildcard ? '.*' : ''}`).join(',')];
    }),
    [
      ['python3.10', 'any', '==3.10.*'],
      ['python3', 'any', '==3.*'],
      ['python', 'any', ''],
      ['pypy3', 'pypy', '==3.*'],
      ['pypy', 'pypy', ''],
      ['cpython3.12', 'cpython', '==3.12.*'],
      ['cpython-3.12', 'cpython', '==3.12.*'],
      ['cpython@3.12', 'cpython', '==3.12.*'],
      ['pypy@3.9', 'pypy', '==3.9.*'],
      ['cp312', 'cpython', '==3.12.*'],
      ['pp39', 'pypy', '==3.9.*'],
      ['PyPy@3.9', 'pypy', '==3.9.*'],
      ['python@>=3.9', 'any', '>=3.9'],
    ],
  );
  assert.ok(matches('pypy3', '3.9.16', 'pypy'));
  assert.ok(!matches('pypy3', '3.9.16', 'cpython'));
  assert.ok(!matches('cpython@3.9', '3.9.16', 'pypy'));
  assert.ok(matches('python3.9', '3.9.16', 'pypy'), 'python3.9 names no implementation');
  // pyenv's PyPy names carry PyPy's own version too.
  const r = version('pypy3.9-7.3.11');
  assert.equal(r.implementation, 'pypy');
  assert.deepEqual(r.implementationVersion, [7, 3, 11]);
  assert.ok(matches('pypy3.9-7.3.11', '3.9.16', 'pypy', '7.3.11'));
  assert.ok(!matches('pypy3.9-7.3.11', '3.9.16', 'pypy', '7.3.12'));
});

test('paths and bare executable names', () => {
  assert.deepEqual(parseSpec('/usr/bin/python3'), { kind: 'path', path: '/usr/bin/python3', text: '/usr/bin/python3' });
  assert.equal(parseSpec('./venv/bin/python').kind, 'path');
  assert.equal(parseSpec('../python').kind, 'path');
  assert.equal(parseSpec('~/py/bin/python3').kind, 'path');
  assert.deepEqual(parseSpec('python3.12-dbg'), { kind: 'name', name: 'python3.12-dbg', text: 'python3.12-dbg' });
  assert.equal(parseSpec('mypython').kind, 'name');
  assert.equal(parseSpec('py').kind, 'name');
});

test('bad syntax is BAD_SPEC with a hint', () => {
  for (const bad of ['', '   ', '>=3.x', '3..1', '3.10.13.1', '>=3.9,', '~=3', '>=3.9.*', 'foo bar', 'ruby@3', 'pypy@', 'cpython@latest', '3.10-7.3', 'python3.9-7.3.11', '=3.9', '3.x']) {
    assert.throws(() => parseSpec(bad), (e: unknown) => isVenvkitError(e, 'BAD_SPEC') && Boolean(e.hint) && e.message.includes('Python spec'), `"${bad}" should be BAD_SPEC`);
  }
});

test('hints from names and directories', () => {
  assert.deepEqual(hintFromName('python3.10'), { implementation: undefined, version: [3, 10] });
  assert.deepEqual(hintFromName('python'), { implementation: undefined, version: [] });
  assert.deepEqual(hintFromName('pypy3'), { implementation: 'pypy', version: [3] });
  assert.equal(hintFromName('python3-config'), undefined);
  assert.deepEqual(hintFromDir('3.10.13'), { implementation: 'cpython', version: [3, 10, 13] });
  assert.deepEqual(hintFromDir('3.13.0rc1'), { implementation: 'cpython', version: [3, 13, 0] });
  assert.deepEqual(hintFromDir('pypy3.9-7.3.11'), { implementation: 'pypy', version: [3, 9] });
  assert.deepEqual(hintFromDir('cpython-3.12.1-linux-x86_64-gnu'), { implementation: 'cpython', version: [3, 12, 1] });
  assert.deepEqual(hintFromDir('pypy-3.10.14-linux-x86_64-gnu'), { implementation: 'pypy', version: [3, 10, 14] });
  assert.deepEqual(hintFromDir('python3.11'), { version: [3, 11] });
  assert.deepEqual(hintFromDir('cp311-cp311'), { implementation: 'cpython', version: [3, 11] });
  assert.deepEqual(hintFromDir('my-venv'), { version: [] });
  assert.deepEqual(mergeHints(hintFromDir('3.10.13'), hintFromName('python3')!), { implementation: 'cpython', version: [3, 10, 13] });
  assert.deepEqual(mergeHints(hintFromDir('3.10.13'), hintFromName('python3.9')!), { implementation: 'cpython', version: [3, 9] }, 'the name wins a disagreement');
});

test('hintMayMatch never rules out what could match, and rules out what cannot', () => {
  const may = (spec: string, v: number[], implementation?: string) => hintMayMatch(version(spec), { version: v, implementation });
  assert.ok(may('3.12', []));
  assert.ok(may('3.12', [3]));
  assert.ok(may('3.12', [3, 12]));
  assert.ok(may('3.12', [3, 12, 1]));
  assert.ok(!may('3.12', [3, 11]));
  assert.ok(!may('3.12', [2]));
  assert.ok(may('3.12.1', [3, 12]));
  assert.ok(!may('3.12.1', [3, 12, 0]));
  assert.ok(may('>=3.9,<3.12', [3, 11, 7]));
  assert.ok(!may('>=3.9,<3.12', [3, 12, 1]));
  assert.ok(!may('>=3.9,<3.12', [3, 8]));
  assert.ok(may('>=3.9,<3.12', [3]));
  assert.ok(may('>3.9', [3, 9]), '3.9.1 > 3.9');
  assert.ok(!may('!=3.11.*', [3, 11, 4]));
  assert.ok(may('!=3.11.*', [3]));
  assert.ok(!may('pypy3', [3, 9], 'cpython'));
  assert.ok(may('pypy3', [3, 9]));
  assert.ok(may('python3', [3, 9], 'pypy'));
  // Exhaustive check against the real matcher: a hint may only be ruled out if no version it covers matches.
  const specs = ['3', '3.10', '3.10.13', '>=3.9,<3.12', '>3.9', '<=3.11', '<3.11', '==3.11', '!=3.11.*', '~=3.9.2', '==3.*', '>=3.10.5'];
  const all: [number, number, number][] = [];
  for (let a = 2; a <= 4; a++) for (let b = 0; b <= 14; b++) for (let c = 0; c <= 20; c++) all.push([a, b, c]);
  for (const spec of specs) {
    const req = version(spec);
    for (const v of all) {
      if (!requestMatches(req, { implementation: 'cpython', version: v, releaseLevel: 'final', serial: 0, versionString: v.join('.') })) continue;
      for (const hint of [[], [v[0]], [v[0], v[1]], v]) {
        assert.ok(hintMayMatch(req, { version: hint }), `${spec}: hint ${hint.join('.')} must admit ${v.join('.')}`);
      }
    }
  }
});

test('PEP 405 needs 3.3+', () => {
  assert.ok(supportsVenv([3, 3, 0]));
  assert.ok(supportsVenv([3, 13, 0]));
  assert.ok(!supportsVenv([3, 2, 5]));
  assert.ok(!supportsVenv([2, 7, 18]));
});
