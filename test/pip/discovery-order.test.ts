import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { firstOfEachProject, inLookupOrder, lookupKey } from '../../src/installed/discovery-order.js';
import { readdirUnsorted } from '../../src/installed/dist-info.js';
import { python3x } from './helpers.js';

test('importlib.metadata\'s key for a .dist-info directory: the name before the first dash, normalised with underscores', () => {
  assert.equal(lookupKey('Zed_App-01.0.dist-info'), 'zed_app');
  assert.equal(lookupKey('Util.Lib-0.9.dist-info'), 'util_lib');
  assert.equal(lookupKey('a__b..c-1.dist-info'), 'a_b_c');
  assert.equal(lookupKey('nodash.dist-info'), 'nodash');
});

test('entries grouped by key where the key first appears; the first of each project kept, invalid names left out', () => {
  const listed = ['b-1.dist-info', 'A-1.dist-info', 'B-2.dist-info', 'c-1.dist-info', 'a-2.dist-info'];
  assert.deepEqual(inLookupOrder(listed, (e) => e), ['b-1.dist-info', 'B-2.dist-info', 'A-1.dist-info', 'a-2.dist-info', 'c-1.dist-info']);
  const dists = [{ name: 'Foo_Bar', v: 1 }, { name: 'foo-bar', v: 2 }, { name: '~bad', v: 3 }, { name: 'ok', v: 4 }];
  assert.deepEqual(firstOfEachProject(dists).map((d) => d.v), [1, 4]);
});

test('readdirUnsorted lists as Python\'s os.listdir does (readdirSync sorts)', (t) => {
  const python = python3x();
  if (!python) return t.skip('no CPython 3.11/3.12 under $PYENV_ROOT');
  const dir = mkdtempSync(join(tmpdir(), 'vk-listdir-'));
  try {
    for (const n of ['zed', 'b_x', 'a', 'Alpha', 'm', 'c-1', 'y', 'q', 'k']) mkdirSync(join(dir, `${n}-1.0.dist-info`));
    const py = spawnSync(python, ['-c', 'import os, sys, json; print(json.dumps(os.listdir(sys.argv[1])))', dir], { encoding: 'utf8' });
    assert.equal(py.status, 0, py.stderr);
    assert.deepEqual(readdirUnsorted(dir), JSON.parse(py.stdout));
    assert.deepEqual(readdirSync(dir), [...readdirUnsorted(dir)].sort());
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
