// A wheel may not install anything at a name venvkit uses in the env (its lock, transaction stages
// and journals, anything `.venvkit*` at the top): refused with BAD_WHEEL before anything is written.
// Before, `data/.venvkit.lock` holding `1` locked the env for good.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { venvkit } from '../helpers/cli.js';
import { buildWheel, type WheelSpec } from '../helpers/wheels.js';
import { installWheel } from '../../src/install/install-wheel.js';
import { createVenv } from '../../src/venv/create.js';
import { isVenvkitError } from '../../src/errors.js';
import { isReservedEnvPath } from '../../src/install/reserved.js';
import type { Venv } from '../../src/venv/types.js';
import { isolatedEnv, python3x, snapshot } from '../pip/helpers.js';

const root = mkdtempSync(join(tmpdir(), 'vk-reserved-'));
const env = isolatedEnv(join(root, 'cache'));
const python = python3x();
let venv: Venv;
before(async () => {
  if (python) venv = await createVenv(join(root, 'env'), { python, env, withoutPip: true });
});
after(() => rmSync(root, { recursive: true, force: true }));

const data = (path: string, content = '1') => ({ files: { 'h/__init__.py': '', [`h-1.0.data/${path}`]: content } });
const CASES: [string, Partial<WheelSpec>][] = [
  ['data/.venvkit.lock holding 1', data('data/.venvkit.lock')],
  ['data/.VENVKIT.LOCK (case-insensitive file systems)', data('data/.VENVKIT.LOCK')],
  ['data/.venvkit.lock. (Windows drops trailing dots)', data('data/.venvkit.lock.')],
  ['a stage with a planted journal', data('data/.venvkit-txn-1-deadbeef/journal.json', '{"version":1}')],
  ['any .venvkit name at the top', data('data/.venvkit-future/x')],
];

test('wheels installing at names venvkit reserves are refused, nothing written, and the env still installs', { skip: python ? false : 'no CPython 3.11/3.12' }, async () => {
  const start = snapshot(venv.root);
  let refused = 0;
  for (const [i, [what, spec]] of CASES.entries()) {
    const w = buildWheel(mkdtempSync(join(root, `w${i}-`)), { name: 'h', version: '1.0', ...spec });
    await assert.rejects(installWheel(venv, w, { env }), (e) => isVenvkitError(e, 'BAD_WHEEL') && /a name venvkit reserves/.test((e as Error).message), what);
    assert.deepEqual(snapshot(venv.root), start, `${what}: the env changed`);
    // Through the CLI too (the resolver path, one transaction).
    const r = venvkit(['install', '--env', venv.root, w], { env });
    assert.equal(r.status, 1, `${what}: ${r.stderr}`);
    assert.match(r.stderr, /reserves for itself/);
    assert.deepEqual(snapshot(venv.root), start, `${what}: the env changed (CLI)`);
    refused++;
  }
  console.log(`# hostile wheels with reserved names: tried ${CASES.length}, refused ${refused}`);
  // Not locked for good: a good wheel installs at once.
  const good = buildWheel(mkdtempSync(join(root, 'w-')), { name: 'g', version: '1.0', files: { 'g/__init__.py': '' } });
  const r = venvkit(['install', '--env', venv.root, good], { env, timeout: 20_000 });
  assert.equal(r.status, 0, r.stderr);
});

test('isReservedEnvPath: the one rule', () => {
  for (const p of ['.venvkit.lock', '.venvkit-txn-1-ab/journal.json', '.VenvKit.Lock', '.venvkit.lock. ', '.venvkit\\x']) assert.ok(isReservedEnvPath(p), p);
  for (const p of ['lib/python3.12/site-packages/.venvkit.lock', 'bin/venvkit', 'venvkit.lock', '.venv']) assert.ok(!isReservedEnvPath(p), p);
});
