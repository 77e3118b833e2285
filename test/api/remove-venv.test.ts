// removeVenv and `venvkit delete`: an env is deleted whole; anything that is not one (a plain
// directory, a link to an env, a missing path) is refused with its own code and left exactly as it was;
// links inside the env are removed, never followed.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ROOT, venvkit } from '../helpers/cli.js';
import { describeTree, interpreters, removeDir, tempDir, testEnv } from '../helpers/venv.js';

let dir: string;
let env: NodeJS.ProcessEnv;
let py: string;
let vk: typeof import('../../src/index.js');
before(async () => {
  dir = tempDir('remove');
  env = testEnv(join(dir, 'cache'));
  py = interpreters()[0].path;
  vk = await import(pathToFileURL(join(ROOT, 'dist', 'index.js')).href);
});
after(() => removeDir(dir));

async function makeEnv(path: string): Promise<string> {
  await vk.createVenv(path, { python: py, withoutPip: true, env });
  return path;
}

test('removeVenv deletes an env, leaves nothing next to it, and does not follow links inside it', async () => {
  const parent = join(dir, 'p1');
  const root = await makeEnv(join(parent, '.venv'));
  const outside = join(dir, 'outside');
  mkdirSync(outside);
  writeFileSync(join(outside, 'keep.txt'), 'keep');
  symlinkSync(outside, join(root, 'lib', 'linked-dir'));
  symlinkSync(join(outside, 'keep.txt'), join(root, 'linked-file'));
  const r = await vk.removeVenv('.venv', { cwd: parent });
  assert.deepEqual(r, { root });
  assert.deepEqual(readdirSync(parent), []); // no env, no container left behind
  assert.equal(readFileSync(join(outside, 'keep.txt'), 'utf8'), 'keep');
  assert.ok(existsSync(py), 'the base interpreter the env linked to is still there');
});

test('removeVenv refuses what is not an env, changing nothing', async () => {
  const plain = join(dir, 'plain');
  mkdirSync(join(plain, 'bin'), { recursive: true });
  writeFileSync(join(plain, 'notes.txt'), 'mine');
  const before = describeTree(plain);
  await assert.rejects(vk.removeVenv(plain), (e: { code: string; message: string }) => {
    assert.equal(e.code, 'NOT_A_VENV');
    assert.match(e.message, /is not a virtual environment \(it has no pyvenv\.cfg\): nothing was removed/);
    return vk.isVenvkitError(e);
  });
  assert.deepEqual(describeTree(plain), before);

  const real = await makeEnv(join(dir, 'real-env'));
  const link = join(dir, 'link-to-env');
  symlinkSync(real, link);
  await assert.rejects(vk.removeVenv(link), (e: { code: string; message: string }) => e.code === 'NOT_A_VENV' && /is a link \(to .*real-env\)/.test(e.message));
  assert.ok(existsSync(join(real, 'pyvenv.cfg')), 'the env behind the link is kept');
  assert.ok(existsSync(link), 'the link is kept');

  const cfgLink = join(dir, 'cfg-link');
  mkdirSync(cfgLink);
  symlinkSync(join(real, 'pyvenv.cfg'), join(cfgLink, 'pyvenv.cfg'));
  await assert.rejects(vk.removeVenv(cfgLink), (e: { code: string }) => e.code === 'NOT_A_VENV');
  assert.ok(existsSync(join(cfgLink, 'pyvenv.cfg')));

  const file = join(dir, 'a-file');
  writeFileSync(file, 'x');
  await assert.rejects(vk.removeVenv(file), (e: { code: string }) => e.code === 'NOT_A_VENV');
  assert.equal(readFileSync(file, 'utf8'), 'x');
  await assert.rejects(vk.removeVenv(join(dir, 'nothing-here')), (e: { code: string }) => e.code === 'VENV_NOT_FOUND');
});

test('an aborted signal stops removeVenv before anything moves', async () => {
  const root = await makeEnv(join(dir, 'abort-env'));
  const c = new AbortController();
  c.abort();
  await assert.rejects(vk.removeVenv(root, { signal: c.signal }), (e: { code: string; name: string }) => e.code === 'INTERRUPTED' && e.name === 'AbortError');
  assert.ok(existsSync(join(root, 'pyvenv.cfg')));
  assert.deepEqual(readdirSync(dirname(root)).filter((n) => n.includes('venvkit')), []);
});

test('a delete killed after the rename leaves a trash container that the next create of that path deletes', async () => {
  const root = await makeEnv(join(dir, 'k', '.venv'));
  const r = venvkit(['create', '--without-pip', '-p', py, root], { env });
  assert.equal(r.status, 0, r.stderr);
  // What a kill between the rename and the deletion leaves: the env inside a marked container of a dead pid.
  const { siblingName, makeContainer, ENV } = await import('../../src/venv/stage.js');
  const box = siblingName(root, 'trash').replace(/-\d+-([0-9a-z]+)$/, '-999999999-$1');
  makeContainer(box, 'trash', root);
  mkdirSync(join(box, ENV, 'lib'), { recursive: true });
  writeFileSync(join(box, ENV, 'pyvenv.cfg'), 'home = /nowhere\n');
  assert.equal(venvkit(['create', '--without-pip', '-p', py, root], { env }).status, 0);
  assert.equal(existsSync(box), false, 'the leftover was deleted');
  assert.doesNotMatch(readFileSync(join(root, 'pyvenv.cfg'), 'utf8'), /nowhere/, 'and never restored');
});

test('venvkit delete DIR: deletes envs, refuses the rest (exit 1), needs a DIR (exit 2)', async () => {
  const a = await makeEnv(join(dir, 'cli', 'a'));
  const r = venvkit(['delete', a], { env });
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stderr, new RegExp(`^Deleted ${a}$`, 'm'));
  assert.equal(existsSync(a), false);
  const plain = join(dir, 'cli', 'plain');
  mkdirSync(plain);
  const no = venvkit(['delete', plain], { env });
  assert.equal(no.status, 1);
  assert.match(no.stderr, /error: .*plain is not a virtual environment/);
  assert.match(no.stderr, /hint: /);
  assert.ok(existsSync(plain));
  assert.equal(venvkit(['delete'], { env }).status, 2);
});
