// Target environments that are not installed (src/pep/target-env.ts): their wheel tags equal pip
// 26.2's get_supported() for the same --platform / --python-version (pip expands macOS versions
// as packaging does), a Linux target equals a real interpreter of this machine, and their marker
// environments are what those platforms report.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { compatibleTags } from '../../src/pep/tags.js';
import { markerEnvironment } from '../../src/pep/markers.js';
import { parsePlatform, targetInterpreter, macPlatformTags } from '../../src/pep/target-env.js';
import { probeInterpreter } from '../../src/python/probe.js';
import { realPip } from '../helpers/real-pip.js';
import { tempDir } from '../helpers/venv.js';
import { python3x } from '../pip/helpers.js';
import { isVenvkitError } from '../../src/errors.js';

const dir = tempDir('target-env');
after(() => rmSync(dir, { recursive: true, force: true }));

test('the tags of Windows and macOS targets equal pip 26.2 get_supported() for that platform', (t) => {
  const pip = realPip(t, join(dir, 'pip'));
  if (!pip) return;
  const cases: [string, string, string][] = [
    ['windows-amd64', '3.12', 'win_amd64'],
    ['windows-arm64', '3.11', 'win_arm64'],
    ['macos-arm64', '3.12', 'macosx_13_0_arm64'],
    ['macos-x86_64', '3.10', 'macosx_13_0_x86_64'],
    ['macos-x86_64-10.15', '3.9', 'macosx_10_15_x86_64'],
    ['macos-arm64-15.0', '3.13', 'macosx_15_0_arm64'],
  ];
  for (const [spec, version, pipPlatform] of cases) {
    const [major, minor] = version.split('.').map(Number) as [number, number];
    const ours = compatibleTags(targetInterpreter([major, minor, 0], parsePlatform(spec)));
    const script = `from pip._internal.utils.compatibility_tags import get_supported\nfor t in get_supported(version="${major}${minor}", platforms=["${pipPlatform}"], impl="cp", abis=None): print(t)`;
    const r = pip.run(['-c', script]);
    assert.equal(r.status, 0, r.stderr);
    assert.deepEqual(ours, r.stdout.trim().split('\n'), `${spec} ${version}`);
  }
});

test('a Linux target with this machine\'s glibc has the tags of a real interpreter here', async (t) => {
  const python = python3x();
  if (!python) {
    if (process.env.CI === 'true') assert.fail('no CPython 3.11/3.12 under $PYENV_ROOT');
    t.skip('no CPython 3.11/3.12');
    return;
  }
  const info = await probeInterpreter(python, { env: { ...process.env, VENVKIT_CACHE_DIR: join(dir, 'cache') } });
  const [libc, ver] = info.libc;
  if (libc !== 'glibc') {
    t.skip(`not a glibc system (${libc})`);
    return;
  }
  const target = targetInterpreter([info.version[0], info.version[1], 0], parsePlatform(`linux-${info.machine}-manylinux_${ver.replace('.', '_')}`));
  assert.deepEqual(compatibleTags(target), compatibleTags(info));
  const env = markerEnvironment(target);
  const real = markerEnvironment(info);
  for (const k of ['python_version', 'implementation_name', 'platform_python_implementation', 'sys_platform', 'os_name', 'platform_machine', 'platform_system'] as const) {
    assert.equal(env[k], real[k], k);
  }
});

test('marker environments of the targets', () => {
  const mac = markerEnvironment(targetInterpreter([3, 12, 0], parsePlatform('macos')));
  assert.deepEqual([mac.sys_platform, mac.platform_machine, mac.platform_system, mac.os_name, mac.python_version], ['darwin', 'arm64', 'Darwin', 'posix', '3.12']);
  const win = markerEnvironment(targetInterpreter([3, 10, 0], parsePlatform('windows')));
  assert.deepEqual([win.sys_platform, win.platform_machine, win.platform_system, win.os_name, win.python_full_version], ['win32', 'AMD64', 'Windows', 'nt', '3.10.0']);
  const arm = markerEnvironment(targetInterpreter([3, 9, 0], parsePlatform('linux-aarch64')));
  assert.deepEqual([arm.sys_platform, arm.platform_machine, arm.platform_system], ['linux', 'aarch64', 'Linux']);
  assert.equal(parsePlatform('linux').spec, 'linux-x86_64-manylinux_2_28');
  assert.equal(compatibleTags(targetInterpreter([3, 12, 0], parsePlatform('linux-aarch64-musllinux_1_2')))[0], 'cp312-cp312-musllinux_1_2_aarch64');
  assert.equal(macPlatformTags('11.0', 'arm64')[0], 'macosx_11_0_arm64');
});

test('bad --platform values are USAGE errors naming the part', () => {
  for (const [spec, part] of [['beos', 'beos'], ['linux-sparc', 'sparc'], ['linux-x86_64-glibc', 'glibc'], ['macos-arm64-banana', 'banana'], ['windows-amd64-x', "'x'"]]) {
    assert.throws(() => parsePlatform(spec!), (e) => isVenvkitError(e, 'USAGE') && e.message.includes(part!) && !!e.hint, spec);
  }
});
