import { test } from 'node:test';
import assert from 'node:assert/strict';
import { unmetRequirements } from '../../src/pip/satisfied.js';
import { checkInstalled } from '../../src/pip/check.js';
import type { InstalledMetadata } from '../../src/pip/installed-deps.js';
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
