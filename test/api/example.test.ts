// examples/editor-host.mjs, run as a user runs it, against the built package (`venvkit` resolves to
// dist/ through the package's own exports) and the machine's local index (pip's configuration):
// it lists interpreters, picks one, creates an env, installs with a progress bar, cancels, lists.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from '../helpers/cli.js';
import { removeDir, tempDir, testEnv } from '../helpers/venv.js';
import { localIndex } from '../helpers/real-pip.js';
import { python3x } from '../pip/helpers.js';

let dir: string;
let env: NodeJS.ProcessEnv;
before(() => {
  dir = tempDir('example');
  env = testEnv(join(dir, 'cache'));
});
after(() => removeDir(dir));

const py = python3x();
const skip = !py || !localIndex() ? 'needs CPython 3.11/3.12 and a local index in pip\'s configuration' : false;
if (skip && process.env.CI === 'true') throw new Error(`example test: ${skip} (CI has both)`);

function example(args: string[]) {
  const r = spawnSync(process.execPath, [join(ROOT, 'examples', 'editor-host.mjs'), ...args], { cwd: dir, env, encoding: 'utf8', timeout: 180_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

test('the example installs with a progress bar and lists the packages', { skip }, () => {
  const target = join(dir, 'app-env');
  const r = example([target, '--python', py!, 'idna', 'six']);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /^Found \d+ interpreters:$/m);
  assert.match(r.stdout, new RegExp(`^  cpython 3\\.1[12]\\.\\d+  ${py}`, 'm'));
  assert.match(r.stdout, /^Using cpython 3\.1[12]\.\d+ /m);
  assert.match(r.stdout, new RegExp(`^Environment created: ${target}$`, 'm'));
  // One bar for every call: discovery and probes, create's steps, then the install's phases.
  assert.match(r.stderr, /^\[[#-]{24}\] (discover|probe) \d+\/\d+ /m);
  assert.match(r.stderr, new RegExp(`^\\[#{24}\\] create done 4/4 ${target}$`, 'm'));
  assert.match(r.stderr, /^\[#{24}\] resolved 2 packages$/m);
  assert.match(r.stderr, /^\[#{24}\] download (idna|six) [\d.]+ KiB of [\d.]+ KiB$/m);
  assert.match(r.stderr, /^\[#{24}\] unpack 2\/2 (idna|six)$/m);
  assert.match(r.stderr, /^\[#{24}\] install commit (\d+)\/\1 /m);
  assert.match(r.stdout, /^Installed (idna [\d.]+, six [\d.]+|six [\d.]+, idna [\d.]+)$/m);
  assert.match(r.stdout, new RegExp(`^Packages in ${target}: idna==[\\d.]+ six==[\\d.]+$`, 'm'));
});

test('the example cancels an install: the env is left as it was', { skip }, () => {
  const target = join(dir, 'cancelled-env');
  const r = example([target, '--python', py!, '--cancel-on', 'unpack', 'idna', 'six']);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /^Cancelled: the environment is as it was/m);
  assert.match(r.stdout, new RegExp(`^Packages in ${target}: \\(none\\)$`, 'm'));
  const site = readdirSync(join(target, 'lib')).map((v) => join(target, 'lib', v, 'site-packages'));
  assert.deepEqual(site.flatMap((s) => readdirSync(s)), []);
});
