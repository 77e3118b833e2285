// `venvkit install path/to/x.whl[extra]`: a local wheel with extras, as pip takes it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { metadataText } from '../helpers/index-server.js';
import { buildWheel } from '../helpers/wheels.js';
import { venvkit } from '../helpers/cli.js';
import { interpreters, removeDir, tempDir, testEnv } from '../helpers/venv.js';

test('a wheel path with [extras] installs the wheel and what its extras require', () => {
  const dir = tempDir('whl-extras');
  try {
    const py = interpreters().find((i) => i.version.startsWith('3.12')) ?? interpreters()[0]!;
    const wheels = join(dir, 'wheels');
    mkdirSync(wheels);
    const a = buildWheel(wheels, { name: 'alpha', version: '1.0', files: { 'alpha/__init__.py': '' }, metadata: metadataText({ name: 'alpha', version: '1.0', extras: ['fast'], requires: ['beta; extra == "fast"'] }) });
    buildWheel(wheels, { name: 'beta', version: '2.0', files: { 'beta/__init__.py': '' } });
    const env = testEnv(join(dir, 'cache'));
    const target = join(dir, 'env');
    assert.equal(venvkit(['create', '--without-pip', '-p', py.path, target], { env }).status, 0);
    const r = venvkit(['install', '--env', target, '--no-index', '-f', wheels, `${a}[fast]`], { env });
    assert.equal(r.status, 0, r.stderr);
    const list = venvkit(['list', '--env', target, '--json'], { env });
    assert.deepEqual(JSON.parse(list.stdout).packages.map((d: { name: string }) => d.name).sort(), ['alpha', 'beta']);
  } finally {
    removeDir(dir);
  }
});
