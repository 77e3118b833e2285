// `venvkit install` of a project no index has: NOT_FOUND (not NO_SOLUTION), naming the project and
// where venvkit looked, exit 1, the env unchanged; through the CLI as users see it (text and --json).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { writeWheel, writeStaticIndex } from '../helpers/index-server.js';
import { venvkit } from '../helpers/cli.js';
import { interpreters, removeDir, tempDir, testEnv } from '../helpers/venv.js';

let dir: string;
let env: NodeJS.ProcessEnv;
let index: string;
let target: string;

before(() => {
  dir = tempDir('not-found');
  env = testEnv(join(dir, 'cache'));
  const files = join(dir, 'files');
  writeWheel(files, { name: 'requests', version: '2.0' });
  writeWheel(files, { name: 'app', version: '1.0', requires: ['helper-typo>=1'] });
  index = writeStaticIndex(files, join(dir, 'static'));
  const py = interpreters().find((i) => /^3\.1[1-3]\./.test(i.version))?.path ?? interpreters()[0]!.path;
  target = join(dir, 'env');
  const r = venvkit(['create', '--without-pip', '-p', py, target], { env });
  assert.equal(r.status, 0, r.stderr);
});
after(() => removeDir(dir));

const sitePackages = () => {
  const lib = join(target, 'lib');
  return readdirSync(lib).flatMap((v) => readdirSync(join(lib, v, 'site-packages')).sort());
};

test('a misspelt project: NOT_FOUND, where venvkit looked, nothing installed', () => {
  const before = sitePackages();
  const r = venvkit(['install', '--env', target, '--index-url', index, 'requests', 'reqeusts'], { env });
  assert.equal(r.status, 1, r.stderr);
  assert.match(r.stderr, /^error: no project named reqeusts on the configured indexes$/m);
  assert.match(r.stderr, new RegExp(`^hint: Check the spelling of 'reqeusts'; looked in ${index.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`, 'm'));
  assert.doesNotMatch(r.stderr, /Relax the version constraints/);
  const j = venvkit(['install', '--env', target, '--index-url', index, '--json', 'reqeusts'], { env });
  assert.equal(j.status, 1);
  assert.equal(JSON.parse(j.stdout).error.code, 'NOT_FOUND');
  assert.deepEqual(sitePackages(), before);
});

test('a dependency naming a project no index has: NOT_FOUND, with the package that needs it', () => {
  const r = venvkit(['install', '--env', target, '--index-url', index, 'app'], { env });
  assert.equal(r.status, 1, r.stderr);
  assert.match(r.stderr, /^error: no project named helper-typo on the configured indexes:$/m);
  assert.match(r.stderr, /app depends on helper-typo>=1 \(but there is no project named helper-typo on the configured indexes\)/);
  assert.match(r.stderr, /^hint: 'helper-typo' is required by the packages named above, not by you/m);
});
