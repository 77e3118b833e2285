import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseRequirement, requirementToString } from '../../src/pep/pep508.js';
import { parseMarker, evaluateMarker, markerEnvironment, markerToString, type MarkerEnvironment } from '../../src/pep/markers.js';
import { probeInterpreter } from '../../src/python/probe.js';

const cacheDir = mkdtempSync(join(tmpdir(), 'venvkit-pep508-'));
after(() => rmSync(cacheDir, { recursive: true, force: true }));

test('requirements: names, extras, specifiers, urls, markers', () => {
  const r = parseRequirement('Foo_Bar.baz [Security , socks] (>=1.0, !=1.3.*) ; python_version >= "3.8" and extra == "Test"');
  assert.equal(r.name, 'Foo_Bar.baz');
  assert.equal(r.key, 'foo-bar-baz');
  assert.deepEqual(r.extras, ['security', 'socks']);
  assert.equal(r.specifier.toString(), '>=1.0,!=1.3.*');
  assert.equal(r.url, null);
  assert.equal(markerToString(r.marker!), 'python_version >= "3.8" and extra == "Test"');
  assert.equal(requirementToString(r), 'Foo_Bar.baz[security,socks]>=1.0,!=1.3.*; python_version >= "3.8" and extra == "Test"');

  const u = parseRequirement('pip @ https://example.org/pip-23.0-py3-none-any.whl#sha256=abc ; sys_platform == "linux"');
  assert.equal(u.url, 'https://example.org/pip-23.0-py3-none-any.whl#sha256=abc');
  assert.ok(u.specifier.isEmpty);
  assert.equal(requirementToString(u), 'pip @ https://example.org/pip-23.0-py3-none-any.whl#sha256=abc ; sys_platform == "linux"');

  assert.equal(parseRequirement('a>=1;python_version<"4"').specifier.toString(), '>=1');
  assert.equal(parseRequirement('A').key, 'a');
  assert.equal(parseRequirement('zope.interface~=5.0').key, 'zope-interface');
  assert.equal(parseRequirement('name[]').extras.length, 0);
});

test('requirements: clear errors', () => {
  const bad: [string, RegExp][] = [
    ['', /expected a package name/],
    ['-foo', /must start with a letter/],
    ['foo[bar', /missing '\]'/],
    ['foo[bar,]', /extra name after the comma/],
    ['foo >=', /bad version specifier/],
    ['foo 1.0', /expected a version specifier such as >=1.0/],
    ['foo (>=1.0', /missing '\)'/],
    ['foo @ ', /expected a URL/],
    ['foo @ not-a-url', /is not a URL/],
    ['foo>=1.0; python_version >', /expected a marker variable or a quoted string/],
    ['foo; os_name == "posix" and', /expected a marker variable/],
    ['foo; python_versio == "3"', /unknown marker variable 'python_versio'/],
    ['foo; os_name == "posix', /unterminated string/],
    ['foo; (os_name == "posix"', /expected '\)'/],
    ['foo;', /expected markers after ;/],
    ['foo==1.0+x.*', /bad version specifier/],
  ];
  for (const [text, re] of bad) {
    assert.throws(() => parseRequirement(text), (e: Error & { code?: string }) => e.code === 'BAD_REQUIREMENT' && re.test(e.message), text);
  }
  assert.throws(() => parseRequirement('foo>=1.0; python_version >'), /\n {4}foo>=1\.0; python_version >\n {30}\^/);
});

const linux311: MarkerEnvironment = {
  python_version: '3.11', python_full_version: '3.11.7', implementation_name: 'cpython', implementation_version: '3.11.7',
  platform_python_implementation: 'CPython', sys_platform: 'linux', os_name: 'posix', platform_machine: 'x86_64',
  platform_system: 'Linux', platform_release: '6.1.0-13-amd64', platform_version: '#1 SMP Debian', 
};

test('markers: evaluation', () => {
  const cases: [string, boolean, string?][] = [
    ['python_version >= "3.8"', true],
    ['python_version < "3.10"', false], // a version comparison, not a string one
    ['python_full_version >= "3.11.7"', true],
    ['"3.9" <= python_version', true],
    ['python_version == "3.11.*"', true],
    ['python_version == "3.1.*"', false],
    ['python_full_version == "3.11.*"', true],
    ['python_version ~= "3.8"', true],
    ['sys_platform == "win32" or (os_name == "posix" and platform_machine in "x86_64 aarch64")', true],
    ['sys_platform != "linux" and python_version > "2"', false],
    ['"linux" in sys_platform', true],
    ['platform_machine not in "arm64 aarch64"', true],
    ['platform_python_implementation == "CPython" and implementation_name == "cpython"', true],
    ['extra == "test"', false],
    ['extra == "Test_Extra"', true, 'test-extra'],
    ['python_version >= "3" and extra == "socks"', true, 'socks'],
    ['os.name == "posix" and sys.platform == "linux"', true],
    ['platform_release >= "6"', true], // not a version: compared as strings
    ['platform_system == "Windows" or python_version >= "3.12"', false],
  ];
  for (const [text, want, extra] of cases) assert.equal(evaluateMarker(parseMarker(text), linux311, extra), want, text);
  assert.equal(markerToString(parseMarker('(a_ == "1" or os_name == "x") and extra == "y"'.replace('a_', 'sys_platform'))), '(sys_platform == "1" or os_name == "x") and extra == "y"');
});

// The real interpreters: our environment and evaluation must match packaging's inside them.
const root = process.env.PYENV_ROOT ?? join(process.env.HOME ?? '', '.pyenv');
const pythons = [join(root, 'versions', '3.12.1', 'bin', 'python'), join(root, 'versions', '3.8.18', 'bin', 'python'), '/usr/bin/pypy3'];
const markers = [
  'python_version >= "3.8"', 'python_version < "3.10"', 'python_full_version >= "3.8.10"', 'implementation_name == "pypy"',
  'platform_python_implementation != "CPython"', 'sys_platform == "linux" and platform_machine == "x86_64"',
  'platform_system == "Linux"', 'os_name == "nt" or python_version == "3.12"', 'implementation_version >= "7"',
  'platform_machine in "x86_64 aarch64"', 'python_version ~= "3.9"',
];
for (const py of pythons) {
  test(`markers agree with packaging inside ${py}`, async (t) => {
    if (!existsSync(py)) {
      if (process.env.CI === 'true' && py.includes('pypy')) assert.fail(`${py} missing`);
      t.skip(`${py} not installed`);
      return;
    }
    const info = await probeInterpreter(py, { env: { ...process.env, VENVKIT_CACHE_DIR: cacheDir } });
    const script = `import json,sys\ntry:\n  from pip._vendor.packaging.markers import Marker, default_environment\nexcept ImportError:\n  from packaging.markers import Marker, default_environment\nms=json.loads(sys.stdin.read())\nprint(json.dumps([default_environment(), [Marker(m).evaluate() for m in ms]]))`;
    const r = spawnSync(py, ['-c', script], { input: JSON.stringify(markers), encoding: 'utf8' });
    if (r.status !== 0 && /No module named/.test(r.stderr)) {
      t.skip(`no pip/packaging in ${py}`);
      return;
    }
    assert.equal(r.status, 0, r.stderr);
    const [theirEnv, results] = JSON.parse(r.stdout) as [Record<string, string>, boolean[]];
    assert.deepEqual({ ...markerEnvironment(info) }, theirEnv);
    markers.forEach((m, i) => assert.equal(evaluateMarker(parseMarker(m), markerEnvironment(info)), results[i], m));
  });
}
