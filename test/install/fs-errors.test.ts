// What a user (or their system) can cause is never "a bug in venvkit": read-only site-packages
// (EACCES, as another user), immutable files (EPERM, chattr +i), a read-only mount (EROFS), a file
// where a directory must go (ENOTDIR), names past the limit (ENAMETOOLONG): each is a VenvkitError
// with its own code, naming the path, with a hint, and the env is left exactly as it was.
import { test, before, after, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, chownSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BIN, venvkit } from '../helpers/cli.js';
import { needTool } from '../helpers/fault.js';
import { metadataText } from '../helpers/index-server.js';
import { buildWheel } from '../helpers/wheels.js';
import { createVenv } from '../../src/venv/create.js';
import type { Venv } from '../../src/venv/types.js';
import { isolatedEnv, python3x, snapshot } from '../pip/helpers.js';

const root = mkdtempSync(join(tmpdir(), 'vk-fserr-'));
const wheels = join(root, 'wheels');
const env = isolatedEnv(join(root, 'cache'));
const python = python3x();
const skip = python ? false : 'no CPython 3.11/3.12 under $PYENV_ROOT';
let n = 0;

before(() => {
  mkdirSync(wheels);
  for (const v of ['1.0', '2.0']) {
    const files: Record<string, string> = { 'a/__init__.py': `V = "${v}"\n`, 'a/sub/m.py': `M = "${v}"\n` };
    buildWheel(wheels, { name: 'a', version: v, files, metadata: metadataText({ name: 'a', version: v }), console: { 'a-tool': 'a:main' } });
  }
});
after(() => rmSync(root, { recursive: true, force: true }));

/** A fresh env with a 1.0 installed. */
async function envWithA(): Promise<Venv> {
  const venv = await createVenv(join(root, `env${n++}`), { python: python!, env, withoutPip: true });
  const r = venvkit(['install', '--env', venv.root, '--no-index', '-f', wheels, 'a==1.0'], { env });
  assert.equal(r.status, 0, r.stderr);
  return venv;
}

/** The --json error of a failed run, checked: its code, a message naming `path`, a hint, not "a bug". */
function expectError(r: { status: number | null; stdout: string; stderr: string }, code: string, path: string): void {
  assert.equal(r.status, 1, `exit ${r.status}: ${r.stdout}${r.stderr}`);
  const { error } = JSON.parse(r.stdout) as { error: { code: string; message: string; hint?: string } };
  assert.equal(error.code, code, error.message);
  assert.ok(error.message.includes(path), `the message names ${path}: ${error.message}`);
  assert.ok(error.hint && !/bug/i.test(error.hint), `a hint, not a bug report: ${error.hint}`);
}

const upgradeArgs = (venv: Venv) => ['install', '--json', '--env', venv.root, '--no-index', '-f', wheels, 'a==2.0'];

test('an immutable installed file (chattr +i): NOT_PERMITTED naming it, env unchanged', { skip }, async (t: TestContext) => {
  if (!needTool(t, 'chattr')) return;
  const venv = await envWithA();
  const file = join(venv.paths.purelib, 'a', 'sub', 'm.py');
  const r0 = spawnSync('chattr', ['+i', file], { encoding: 'utf8' });
  if (r0.status !== 0) return t.skip(`chattr +i does not work here: ${r0.stderr.trim()}`);
  try {
    const before = snapshot(venv.root);
    expectError(venvkit(upgradeArgs(venv), { env }), 'NOT_PERMITTED', file);
    assert.deepEqual(snapshot(venv.root), before);
    expectError(venvkit(['uninstall', '-y', '--json', '--env', venv.root, 'a'], { env }), 'NOT_PERMITTED', file);
    assert.deepEqual(snapshot(venv.root), before);
  } finally {
    spawnSync('chattr', ['-i', file]);
  }
});

test('a read-only site-packages for the user running venvkit (EACCES): TARGET_NOT_WRITABLE naming it, env unchanged', { skip }, async (t: TestContext) => {
  if (!needTool(t, 'setpriv')) return;
  const venv = await envWithA();
  // The env belongs to nobody, except site-packages itself (root's, 0755): nobody can take the
  // lock and stage, but not move a distribution's directory in or out of site-packages.
  chmodSync(root, 0o755);
  const own = (p: string) => spawnSync('chown', ['-R', 'nobody:nogroup', p]);
  own(venv.root);
  chownSync(venv.paths.purelib, 0, 0);
  const cache = join(root, 'nobody-cache');
  mkdirSync(cache);
  own(cache);
  const before = snapshot(venv.root);
  const r = spawnSync('setpriv', ['--reuid=nobody', '--regid=nogroup', '--clear-groups', BIN, 'uninstall', '-y', '--json', '--env', venv.root, 'a'], { env: { ...env, VENVKIT_CACHE_DIR: cache, HOME: cache }, encoding: 'utf8' });
  expectError({ status: r.status, stdout: r.stdout, stderr: r.stderr }, 'TARGET_NOT_WRITABLE', venv.paths.purelib);
  assert.deepEqual(snapshot(venv.root), before);
});

/** Run venvkit in a private mount namespace where `mount` is bind-mounted read-only (or only bind-mounted). */
function inMountNamespace(t: TestContext, mount: string, readOnly: boolean, args: string[]): { status: number | null; stdout: string; stderr: string } | undefined {
  const setup = `mount --bind "$1" "$1"${readOnly ? ' && mount -o remount,ro,bind "$1"' : ''}`;
  const probe = spawnSync('unshare', ['-m', 'sh', '-c', setup, 'sh', mount], { encoding: 'utf8' });
  if (probe.status !== 0) {
    t.skip(`no private bind mount here (needs CAP_SYS_ADMIN): ${probe.stderr.trim()}`);
    return undefined;
  }
  const r = spawnSync('unshare', ['-m', 'sh', '-c', `${setup} && shift && exec "$@"`, 'sh', mount, BIN, ...args], { env, encoding: 'utf8' });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

test('a read-only mount (EROFS): READ_ONLY_FS naming the path, env unchanged', { skip }, async (t: TestContext) => {
  const venv = await envWithA();
  const before = snapshot(venv.root);
  const r = inMountNamespace(t, venv.root, true, upgradeArgs(venv));
  if (!r) return;
  expectError(r, 'READ_ONLY_FS', venv.root);
  assert.deepEqual(snapshot(venv.root), before);
});

test('site-packages on another mount than the env (EXDEV): CROSS_DEVICE naming the path, env unchanged', { skip }, async (t: TestContext) => {
  const venv = await envWithA();
  const before = snapshot(venv.root);
  const r = inMountNamespace(t, venv.paths.purelib, false, upgradeArgs(venv));
  if (!r) return;
  expectError(r, 'CROSS_DEVICE', venv.paths.purelib);
  assert.deepEqual(snapshot(venv.root), before);
});

test('a file where the wheel needs a directory (ENOTDIR), and the reverse: PATH_CONFLICT naming it, env unchanged', { skip }, async () => {
  const venv = await createVenv(join(root, `env${n++}`), { python: python!, env, withoutPip: true });
  mkdirSync(join(venv.paths.purelib, 'a'));
  writeFileSync(join(venv.paths.purelib, 'a', 'sub'), 'a stray file, owned by no distribution');
  let before = snapshot(venv.root);
  expectError(venvkit(upgradeArgs(venv), { env }), 'PATH_CONFLICT', join(venv.paths.purelib, 'a', 'sub'));
  assert.deepEqual(snapshot(venv.root), before);
  rmSync(join(venv.paths.purelib, 'a', 'sub'));
  mkdirSync(join(venv.paths.purelib, 'a', '__init__.py'));
  before = snapshot(venv.root);
  expectError(venvkit(upgradeArgs(venv), { env }), 'PATH_CONFLICT', join(venv.paths.purelib, 'a', '__init__.py'));
  assert.deepEqual(snapshot(venv.root), before);
});

test('an entry point name of 300 characters: NAME_TOO_LONG naming it, env unchanged', { skip }, async () => {
  const venv = await envWithA();
  const dir = mkdtempSync(join(root, 'long-'));
  const long = 'x'.repeat(300);
  buildWheel(dir, { name: 'a', version: '3.0', files: { 'a/__init__.py': '' }, metadata: metadataText({ name: 'a', version: '3.0' }), console: { [long]: 'a:main' } });
  const before = snapshot(venv.root);
  expectError(venvkit(['install', '--json', '--env', venv.root, '--no-index', '-f', dir, 'a==3.0'], { env }), 'NAME_TOO_LONG', long.slice(0, 40));
  assert.deepEqual(snapshot(venv.root), before);
});
