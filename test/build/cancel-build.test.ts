// Cancelling an install while a build backend runs: an editable install of a project directory
// and an install of a local sdist, each aborted while its backend (an in-tree one) is inside
// build_editable / build_wheel with a child process of its own (`sleep`). The call rejects with
// AbortError, the hook runner and the backend's child are killed (not waited for), no listener is
// left on the signal, and the env is byte for byte as it was.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { getEventListeners } from 'node:events';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { installRequirements } from '../../src/plan-apply/install.js';
import type { RequirementInputs } from '../../src/plan-apply/inputs.js';
import { freshEnv, isolatedEnv, python3x, snapshot } from '../pip/helpers.js';
import { writeInTreeProject } from './helpers.js';
import { alive } from '../helpers/processes.js';

const root = mkdtempSync(join(tmpdir(), 'vk-cancel-build-'));
after(() => rmSync(root, { recursive: true, force: true }));
const python = python3x();
const skip = !python ? 'no CPython 3.11/3.12 under $PYENV_ROOT' : process.platform === 'win32' ? 'uses sleep(1) and tar(1)' : false;
if (skip && process.env.CI === 'true' && process.platform !== 'win32') throw new Error(`${skip}, and CI has one`);
const env = isolatedEnv(join(root, 'cache'));

// The backend starts a child, says both pids, and waits (a long compile, as far as venvkit knows).
const SLOW = `import os, subprocess, time
child = subprocess.Popen(["sleep", "300"])
with open(os.environ["VK_TEST_MARK"] + ".tmp", "w") as f:
    f.write("%d %d" % (os.getpid(), child.pid))
os.rename(os.environ["VK_TEST_MARK"] + ".tmp", os.environ["VK_TEST_MARK"])
time.sleep(300)`;

async function abortInsideBackend(label: string, inputs: RequirementInputs): Promise<void> {
  const venv = await freshEnv(root, python!, env);
  const before = snapshot(venv.root);
  const mark = join(root, `${label}.pids`);
  const c = new AbortController();
  let pids: number[] = [];
  const watch = setInterval(() => {
    if (pids.length || !existsSync(mark)) return;
    pids = readFileSync(mark, 'utf8').split(' ').map(Number);
    c.abort('SIGINT');
  }, 20);
  const t0 = Date.now();
  let error: unknown;
  try {
    await installRequirements(venv, inputs, { env: { ...env, VK_TEST_MARK: mark }, index: { noIndex: true }, signal: c.signal });
  } catch (e) {
    error = e;
  } finally {
    clearInterval(watch);
  }
  assert.equal(pids.length, 2, `${label}: the backend was seen running`);
  assert.equal((error as Error | undefined)?.name, 'AbortError', `${label}: ${(error as Error | undefined)?.stack ?? 'it finished'}`);
  assert.equal((error as { code?: string }).code, 'INTERRUPTED');
  // The backend would sleep 300 s: the call returned because its processes were killed.
  assert.ok(Date.now() - t0 < 120_000, `${label}: took ${Date.now() - t0} ms`);
  for (let i = 0; i < 100 && pids.some(alive); i++) await new Promise((r) => setTimeout(r, 20));
  assert.deepEqual(pids.filter(alive), [], `${label}: the hook runner (${pids[0]}) or the backend's child (${pids[1]}) is still running`);
  assert.equal(getEventListeners(c.signal, 'abort').length, 0, `${label}: a listener was left on the signal`);
  assert.deepEqual(snapshot(venv.root), before, `${label}: the env changed`);
}

test('aborted during an editable build: AbortError, hook runner and its child killed, env unchanged', { skip, timeout: 300_000 }, async () => {
  const project = writeInTreeProject(join(root, 'editable-proj'), 'slowedit', SLOW);
  await abortInsideBackend('editable', { editables: [project] });
});

test('aborted during the build of a local sdist: AbortError, hook runner and its child killed, env unchanged', { skip, timeout: 300_000 }, async () => {
  const tree = join(root, 'sdists', 'slowsd-1.0');
  mkdirSync(tree, { recursive: true });
  writeInTreeProject(tree, 'slowsd', SLOW);
  writeFileSync(join(tree, 'PKG-INFO'), 'Metadata-Version: 2.1\nName: slowsd\nVersion: 1.0\n');
  const sdist = join(root, 'sdists', 'slowsd-1.0.tar.gz');
  execFileSync('tar', ['czf', sdist, '-C', join(root, 'sdists'), 'slowsd-1.0']);
  await abortInsideBackend('sdist', { requirements: [sdist] });
});
