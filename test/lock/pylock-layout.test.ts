// venvkit's pylock.toml is laid out as pip 26.2's `pip lock` writes it: read with Python's tomllib
// and written again with pip's own TOML writer (its vendored tomli-w), the file is byte for byte
// the same, markers with quotes, upload times and all.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { venvkitAsync } from '../helpers/cli.js';
import { writeWheel, startIndexServer } from '../helpers/index-server.js';
import { realPip } from '../helpers/real-pip.js';
import { tempDir } from '../helpers/venv.js';
import { isolatedEnv } from '../pip/helpers.js';

const dir = tempDir('pylock-layout');
after(() => rmSync(dir, { recursive: true, force: true }));

test('pip\'s own TOML writer, given venvkit\'s pylock.toml, writes the same bytes', async (t) => {
  const pip = realPip(t, join(dir, 'pip'));
  if (!pip) return;
  const files = join(dir, 'files');
  writeWheel(files, { name: 'app', version: '1.0', requires: ['lib', 'winonly; sys_platform == "win32"', "quoted; platform_machine != 'x\"y'"] });
  writeWheel(files, { name: 'lib', version: '2.0', tag: 'cp312-cp312-manylinux_2_17_x86_64' });
  writeWheel(files, { name: 'lib', version: '2.0', tag: 'cp312-cp312-win_amd64' });
  writeWheel(files, { name: 'winonly', version: '1.0' });
  writeWheel(files, { name: 'quoted', version: '1.0' });
  const server = await startIndexServer(files, {
    'lib-2.0-cp312-cp312-win_amd64.whl': { uploadTime: '2025-01-02T03:04:05.5Z' },
    'app-1.0-py3-none-any.whl': { uploadTime: '2025-01-02T03:04:05Z' },
  });
  let text: string;
  try {
    server.format = 'json';
    const r = await venvkitAsync(['lock', '--index-url', server.url, '--print', 'app', '--platform', 'linux-x86_64', '--platform', 'windows-amd64', '--python-version', '3.12', '--python-version', '3.13'], { env: isolatedEnv(join(dir, 'cache')), cwd: dir });
    assert.equal(r.status, 1, 'lib has no 3.13 wheel');
    assert.match(r.stderr, /cannot lock for CPython 3\.13 on linux-x86_64-manylinux_2_28/);
    const ok = await venvkitAsync(['lock', '--index-url', server.url, '--print', 'app', '--platform', 'linux-x86_64', '--platform', 'windows-amd64', '--python-version', '3.12'], { env: isolatedEnv(join(dir, 'cache')), cwd: dir });
    assert.equal(ok.status, 0, ok.stderr);
    text = ok.stdout;
  } finally {
    await server.close();
  }
  assert.match(text, /^upload-time = 2025-01-02 03:04:05\.500000\+00:00$/m);
  assert.match(text, /^upload-time = 2025-01-02 03:04:05\+00:00$/m);
  assert.match(text, /^marker = ".*\\".*"$/m, 'a marker with quotes, escaped');
  const path = join(dir, 'pylock.toml');
  writeFileSync(path, text);
  const script = 'import sys, tomllib\nfrom pip._vendor import tomli_w\nsys.stdout.write(tomli_w.dumps(tomllib.loads(open(sys.argv[1], encoding="utf8").read())))';
  const r = pip.run(['-c', script, path]);
  assert.equal(r.status, 0, r.stderr);
  assert.equal(text, r.stdout);
  assert.equal(readFileSync(path, 'utf8'), r.stdout);
});
