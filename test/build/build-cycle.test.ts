// Two sdists whose builds need each other (with --no-binary :all: nothing else can break the tie):
// venvkit stops with BUILD_FAILED naming the cycle, instead of filling build environments forever.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { venvkit } from '../helpers/cli.js';
import { interpreters, removeDir, tempDir, testEnv } from '../helpers/venv.js';

const MAKE_SDIST = `
import io, sys, tarfile
out, name, needs = sys.argv[1], sys.argv[2], sys.argv[3]
files = {
  'pyproject.toml': f'[build-system]\\nrequires = ["{needs}"]\\nbuild-backend = "setuptools.build_meta"\\n\\n[project]\\nname = "{name}"\\nversion = "1.0"\\n',
  'PKG-INFO': f'Metadata-Version: 2.1\\nName: {name}\\nVersion: 1.0\\n',
}
with tarfile.open(f'{out}/{name}-1.0.tar.gz', 'w:gz') as t:
    for path, text in files.items():
        data = text.encode()
        info = tarfile.TarInfo(f'{name}-1.0/{path}')
        info.size = len(data)
        t.addfile(info, io.BytesIO(data))
`;

test('sdists whose builds need each other: BUILD_FAILED naming the cycle, the env unchanged', { timeout: 300_000 }, () => {
  const dir = tempDir('build-cycle');
  try {
    const py = interpreters().find((i) => i.version.startsWith('3.12')) ?? interpreters()[0]!;
    const links = join(dir, 'links');
    mkdirSync(links);
    for (const [name, needs] of [['cyca', 'cycb'], ['cycb', 'cyca']]) {
      const r = spawnSync(py.path, ['-c', MAKE_SDIST, links, name!, needs!], { encoding: 'utf8' });
      assert.equal(r.status, 0, r.stderr);
    }
    const env = testEnv(join(dir, 'cache'));
    const target = join(dir, 'env');
    assert.equal(venvkit(['create', '--without-pip', '-p', py.path, target], { env }).status, 0);
    const r = venvkit(['install', '--env', target, '--json', '--no-index', '-f', links, '--no-binary', ':all:', 'cyca'], { env, timeout: 240_000 });
    assert.notEqual(r.status, null, 'the install did not end (a build-requirement cycle without end)');
    assert.equal(r.status, 1, r.stderr);
    const err = JSON.parse(r.stdout).error;
    assert.equal(err.code, 'BUILD_FAILED');
    assert.match(err.message, /cycle: \[cycb\] -> \[cyca\] -> \[cycb\]/);
    assert.deepEqual(JSON.parse(venvkit(['list', '--env', target, '--json'], { env }).stdout).packages, []);
  } finally {
    removeDir(dir);
  }
});
