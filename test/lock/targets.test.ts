// `venvkit lock` for environments that are not this one, on a generated index whose packages
// differ by platform and Python version: one lock for 3 platforms x 3 Pythons, checked target by
// target against a lock of that target alone; --environment markers; a target that cannot be
// covered; PEP 700 size and upload-time from a JSON index over HTTP.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'smol-toml';
import { writeWheel, writeStaticIndex, startIndexServer, type WheelSpec } from '../helpers/index-server.js';
import { venvkit, venvkitAsync } from '../helpers/cli.js';
import { tempDir } from '../helpers/venv.js';
import { isolatedEnv } from '../pip/helpers.js';
import { evaluateMarker, markerEnvironment, parseMarker } from '../../src/pep/markers.js';
import { parsePlatform, targetInterpreter } from '../../src/pep/target-env.js';

const dir = tempDir('lock-targets');
after(() => rmSync(dir, { recursive: true, force: true }));
const files = join(dir, 'files');
const env = isolatedEnv(join(dir, 'cache'));

const NATIVE = ['cp311-cp311-manylinux_2_17_x86_64', 'cp312-cp312-manylinux_2_17_x86_64', 'cp311-cp311-win_amd64', 'cp312-cp312-win_amd64', 'cp311-cp311-macosx_11_0_arm64', 'cp312-cp312-macosx_11_0_arm64'];
const wheels: WheelSpec[] = [
  { name: 'app', version: '1.0', requires: ['lib', 'winonly; sys_platform == "win32"', 'backport; python_version < "3.11"'] },
  // lib 2.0 has compiled wheels for 3.11 and 3.12 only: 3.10 falls back to the pure lib 1.0.
  ...NATIVE.map((tag) => ({ name: 'lib', version: '2.0', tag, requires: ['common'] })),
  { name: 'lib', version: '1.0', requires: ['common'] },
  { name: 'common', version: '1.0' },
  { name: 'winonly', version: '1.0' },
  { name: 'backport', version: '1.0' },
  // No macOS wheel at all: a lock that includes macOS cannot cover it.
  { name: 'nomac', version: '1.0', tag: 'py3-none-manylinux_2_17_x86_64' },
  { name: 'nomac', version: '1.0', tag: 'py3-none-win_amd64' },
];
for (const w of wheels) writeWheel(files, w);
const index = writeStaticIndex(files, join(dir, 'index'));

const PLATFORMS = ['linux-x86_64', 'windows-amd64', 'macos-arm64'];
const PYTHONS = ['3.10', '3.11', '3.12'];
const grid = (flag: string, values: string[]) => values.flatMap((v) => [flag, v]);

type Entry = { name: string; version: string; marker?: string; wheels?: { name: string; hashes: Record<string, string> }[] };
function lockOf(args: string[], cwd = dir): { doc: Record<string, unknown>; packages: Entry[]; text: string } {
  const r = venvkit(['lock', '--index-url', index, '--print', ...args], { env, cwd });
  assert.equal(r.status, 0, r.stderr);
  const doc = parse(r.stdout) as Record<string, unknown>;
  return { doc, packages: doc.packages as Entry[], text: r.stdout };
}

test('one lock for 3 platforms x 3 Pythons equals, target by target, a lock of that target alone', () => {
  const all = lockOf(['app', ...grid('--platform', PLATFORMS), ...grid('--python-version', PYTHONS)]);
  assert.deepEqual(all.doc['environments'], [
    'sys_platform == "linux" and platform_machine == "x86_64" and implementation_name == "cpython" and python_version >= "3.10" and python_version < "3.13"',
    'sys_platform == "win32" and platform_machine == "AMD64" and implementation_name == "cpython" and python_version >= "3.10" and python_version < "3.13"',
    'sys_platform == "darwin" and platform_machine == "arm64" and implementation_name == "cpython" and python_version >= "3.10" and python_version < "3.13"',
  ]);
  assert.equal(all.doc['requires-python'], '>=3.10,<3.13');
  const byName = (n: string) => all.packages.filter((p) => p.name === n);
  // Same version everywhere: one entry, no marker. Otherwise markers naming the targets.
  assert.equal(byName('app')[0]!.marker, undefined);
  assert.equal(byName('common')[0]!.marker, undefined);
  assert.deepEqual(byName('lib').map((p) => [p.version, p.marker]), [['1.0', 'python_version == "3.10"'], ['2.0', 'python_version >= "3.11" and python_version < "3.13"']]);
  assert.equal(byName('lib')[1]!.wheels!.length, 6, 'the union of the wheels the targets use');
  assert.equal(byName('winonly')[0]!.marker, 'sys_platform == "win32" and platform_machine == "AMD64"');
  assert.equal(byName('backport')[0]!.marker, 'python_version == "3.10"');
  for (const p of all.packages) for (const w of p.wheels ?? []) assert.match(w.hashes.sha256 ?? '', /^[0-9a-f]{64}$/);

  for (const platform of PLATFORMS) {
    for (const py of PYTHONS) {
      const [major, minor] = py.split('.').map(Number) as [number, number];
      const markerEnv = markerEnvironment(targetInterpreter([major, minor, 0], parsePlatform(platform)));
      const applies = all.packages.filter((p) => !p.marker || evaluateMarker(parseMarker(p.marker), markerEnv));
      const alone = lockOf(['app', '--platform', platform, '--python-version', py]);
      assert.deepEqual(applies.map((p) => `${p.name}==${p.version}`), alone.packages.map((p) => `${p.name}==${p.version}`), `${platform} ${py}`);
      for (const p of alone.packages) {
        const merged = applies.find((q) => q.name === p.name)!;
        for (const w of p.wheels ?? []) assert.ok(merged.wheels!.some((m) => m.name === w.name), `${w.name} is in the merged lock (${platform} ${py})`);
      }
    }
  }
});

test('--environment markers pick the targets of the grid they hold for, and are the lock\'s environments', () => {
  const envs = ['sys_platform == "win32"', 'sys_platform == "linux" and python_version >= "3.11"'];
  const r = venvkit(['lock', '--index-url', index, '--print', '--json', 'app', ...grid('--platform', PLATFORMS), ...grid('--python-version', PYTHONS), ...grid('--environment', envs)], { env, cwd: dir });
  assert.equal(r.status, 0, r.stderr);
  const report = JSON.parse(r.stdout.slice(r.stdout.indexOf('{\n'))) as { targets: string[] };
  assert.deepEqual(report.targets.sort(), [
    'CPython 3.10 on windows-amd64', 'CPython 3.11 on linux-x86_64-manylinux_2_28', 'CPython 3.11 on windows-amd64',
    'CPython 3.12 on linux-x86_64-manylinux_2_28', 'CPython 3.12 on windows-amd64',
  ]);
  const text = r.stdout.slice(0, r.stdout.indexOf('{\n'));
  assert.deepEqual((parse(text) as { environments: string[] }).environments, envs);
  // Without --platform and --python-version, the grid is 5 platforms x CPython 3.8-3.14.
  const wide = venvkit(['lock', '--index-url', index, '--print', '--json', 'common', '--environment', 'sys_platform == "darwin" and python_version >= "3.13"'], { env, cwd: dir });
  assert.equal(wide.status, 0, wide.stderr);
  assert.deepEqual((JSON.parse(wide.stdout.slice(wide.stdout.indexOf('{\n'))) as { targets: string[] }).targets.sort(), [
    'CPython 3.13 on macos-arm64-13.0', 'CPython 3.13 on macos-x86_64-13.0', 'CPython 3.14 on macos-arm64-13.0', 'CPython 3.14 on macos-x86_64-13.0',
  ]);
});

test('a target the lock cannot cover is named, with the reason, and nothing is written', () => {
  const out = join(dir, 'uncovered');
  const r = venvkit(['lock', '--index-url', index, 'nomac', '-o', join(out, 'pylock.toml'), ...grid('--platform', PLATFORMS), '--python-version', '3.12'], { env, cwd: dir });
  assert.equal(r.status, 1);
  assert.match(r.stderr, /LOCK_UNCOVERED|cannot lock for CPython 3\.12 on macos-arm64-13\.0/);
  assert.match(r.stderr, /cannot lock for CPython 3\.12 on macos-arm64-13\.0: .*nomac/s);
  assert.match(r.stderr, /hint: .*leave this environment out/);
  assert.throws(() => readFileSync(join(out, 'pylock.toml')));
  const none = venvkit(['lock', '--index-url', index, 'app', '--environment', 'sys_platform == "sunos5"'], { env, cwd: dir });
  assert.equal(none.status, 1);
  assert.match(none.stderr, /--environment 'sys_platform == "sunos5"' matches none of the targets/);
});

test('a JSON index over HTTP gives each file its size and upload-time (PEP 700)', async () => {
  const server = await startIndexServer(files, { 'common-1.0-py3-none-any.whl': { uploadTime: '2024-05-06T07:08:09.123456Z' } });
  try {
    server.format = 'json';
    const r = await venvkitAsync(['lock', '--index-url', server.url, '--print', 'common'], { env, cwd: dir });
    assert.equal(r.status, 0, r.stderr);
    const size = readFileSync(join(files, 'common-1.0-py3-none-any.whl')).length;
    assert.ok(r.stdout.includes(`[[packages.wheels]]\nname = "common-1.0-py3-none-any.whl"\nupload-time = 2024-05-06 07:08:09.123456+00:00\nurl = "${server.origin}/`), r.stdout);
    assert.ok(r.stdout.includes(`\nsize = ${size}\n`), r.stdout);
    assert.ok(r.stdout.includes(`index = "${server.url}"`), r.stdout);
  } finally {
    await server.close();
  }
});
