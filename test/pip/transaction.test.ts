// commitTree: new directories move in whole, files into existing ones one by one, and a failure
// half-way undoes every step.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { commitTree } from '../../src/pip/transaction.js';
import { snapshot } from './helpers.js';

function put(path: string, text: string): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, text);
}

test('commitTree moves new trees whole, replaces files, removes old ones', () => {
  const root = mkdtempSync(join(tmpdir(), 'vk-commit-'));
  try {
    put(join(root, 'lib/site/old/a.py'), 'old');
    put(join(root, 'lib/site/shared/x.py'), 'x0');
    const stage = join(root, '.stage');
    put(join(stage, 'new/lib/site/pkg/sub/m.py'), 'm');
    put(join(stage, 'new/lib/site/pkg/n.py'), 'n');
    put(join(stage, 'new/lib/site/shared/x.py'), 'x1');
    put(join(stage, 'new/bin/tool'), 't');
    commitTree(root, stage, ['lib/site/pkg/sub/m.py', 'lib/site/pkg/n.py', 'lib/site/shared/x.py', 'bin/tool'], [join(root, 'lib/site/old/a.py')]);
    assert.equal(readFileSync(join(root, 'lib/site/pkg/sub/m.py'), 'utf8'), 'm');
    assert.equal(readFileSync(join(root, 'lib/site/shared/x.py'), 'utf8'), 'x1');
    assert.equal(readFileSync(join(root, 'bin/tool'), 'utf8'), 't');
    assert.throws(() => readFileSync(join(root, 'lib/site/old/a.py')));
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test('commitTree undoes everything when a step fails', () => {
  const root = mkdtempSync(join(tmpdir(), 'vk-commit-'));
  try {
    put(join(root, 'lib/site/old/a.py'), 'old');
    put(join(root, 'lib/site/shared/x.py'), 'x0');
    mkdirSync(join(root, 'lib/site/clash'), { recursive: true });
    put(join(root, 'lib/site/clash/keep.txt'), 'k');
    const stage = join(root, '.stage');
    put(join(stage, 'new/lib/site/pkg/n.py'), 'n');
    put(join(stage, 'new/lib/site/shared/x.py'), 'x1');
    put(join(stage, 'new/lib/site/clash'), 'a file where a directory is');
    const before = snapshot(root).filter((l) => !l.includes('.stage'));
    assert.throws(() => commitTree(root, stage, ['lib/site/pkg/n.py', 'lib/site/shared/x.py', 'lib/site/clash'], [join(root, 'lib/site/old/a.py')]), /is a directory/);
    assert.deepEqual(snapshot(root).filter((l) => !l.includes('.stage')), before);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});
