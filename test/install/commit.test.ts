// commitStaged, the one commit of installWheel, uninstall and installRequirements: new directories
// move in whole, files into existing ones one by one, and a failure half-way undoes every step.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { commitStaged } from '../../src/install/apply.js';
import type { VenvkitError } from '../../src/errors.js';
import { snapshot } from '../pip/helpers.js';

function put(path: string, text: string): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, text);
}

/** A temp env root with a stage dir inside it (as newStage makes), removed afterwards. */
async function withRoot(work: (root: string, stage: string) => Promise<void>): Promise<void> {
  const root = mkdtempSync(join(tmpdir(), 'vk-commit-'));
  try {
    await work(root, join(root, '.stage'));
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

/** The env's listing without the stage (which a failed commit may leave changed; it is dropped). */
const envState = (root: string) => snapshot(root).filter((l) => !l.includes('.stage'));

test('commitStaged moves new trees whole, replaces files, removes old ones', async () => {
  await withRoot(async (root, stage) => {
    put(join(root, 'lib/site/old/a.py'), 'old');
    put(join(root, 'lib/site/shared/x.py'), 'x0');
    put(join(stage, 'new/lib/site/pkg/sub/m.py'), 'm');
    put(join(stage, 'new/lib/site/pkg/n.py'), 'n');
    put(join(stage, 'new/lib/site/shared/x.py'), 'x1');
    put(join(stage, 'new/bin/tool'), 't');
    const { removedDirs } = await commitStaged(root, stage, ['lib/site/pkg/sub/m.py', 'lib/site/pkg/n.py', 'lib/site/shared/x.py', 'bin/tool'], [join(root, 'lib/site/old/a.py')]);
    assert.equal(readFileSync(join(root, 'lib/site/pkg/sub/m.py'), 'utf8'), 'm');
    assert.equal(readFileSync(join(root, 'lib/site/shared/x.py'), 'utf8'), 'x1');
    assert.equal(readFileSync(join(root, 'bin/tool'), 'utf8'), 't');
    assert.throws(() => readFileSync(join(root, 'lib/site/old/a.py')));
    // The parents of what went (for pruning), the replaced file's included.
    assert.deepEqual(removedDirs.sort(), [join(root, 'lib/site/old'), join(root, 'lib/site/shared')]);
  });
});

test('commitStaged with nothing staged only removes (uninstall), whole directories too', async () => {
  await withRoot(async (root, stage) => {
    put(join(root, 'lib/site/old/a.py'), 'old');
    put(join(root, 'lib/site/old-1.0.dist-info/RECORD'), 'r');
    put(join(root, 'lib/site/keep.py'), 'k');
    await commitStaged(root, stage, [], [join(root, 'lib/site/old/a.py'), join(root, 'lib/site/gone.py'), join(root, 'lib/site/old-1.0.dist-info')]);
    // Empty directories stay for the caller's pruneEmptyDirs.
    assert.deepEqual(envState(root).map((l) => l.split(' ')[1]), ['lib', 'lib/site', 'lib/site/keep.py', 'lib/site/old']);
  });
});

test('commitStaged undoes everything when a step fails', async () => {
  await withRoot(async (root, stage) => {
    put(join(root, 'lib/site/old/a.py'), 'old');
    put(join(root, 'lib/site/shared/x.py'), 'x0');
    mkdirSync(join(root, 'lib/site/clash'), { recursive: true });
    put(join(root, 'lib/site/clash/keep.txt'), 'k');
    put(join(stage, 'new/lib/site/pkg/n.py'), 'n');
    put(join(stage, 'new/lib/site/shared/x.py'), 'x1');
    put(join(stage, 'new/lib/site/clash'), 'a file where a directory is');
    const before = envState(root);
    await assert.rejects(commitStaged(root, stage, ['lib/site/pkg/n.py', 'lib/site/shared/x.py', 'lib/site/clash'], [join(root, 'lib/site/old/a.py')]), (e: VenvkitError) => e.code === 'PATH_CONFLICT' && e.message.includes(join(root, 'lib/site/clash')));
    assert.deepEqual(envState(root), before);
  });
});

test('commitStaged: a rename that fails right after the file it replaces went aside puts that file back', async () => {
  // The staged x.py is missing, so moving it in fails (ENOENT) as a disk error would, after the
  // env's x.py was moved aside; the new tree moved in before it must go back to the stage too.
  await withRoot(async (root, stage) => {
    put(join(root, 'lib/site/shared/x.py'), 'x0');
    put(join(root, 'lib/site/old/a.py'), 'old');
    put(join(stage, 'new/lib/site/pkg/n.py'), 'n');
    mkdirSync(join(stage, 'new/lib/site/shared'), { recursive: true });
    const before = envState(root);
    await assert.rejects(commitStaged(root, stage, ['lib/site/pkg/n.py', 'lib/site/shared/x.py'], [join(root, 'lib/site/old/a.py')]), (e: NodeJS.ErrnoException) => e.code === 'ENOENT');
    assert.deepEqual(envState(root), before);
    assert.equal(readFileSync(join(stage, 'new/lib/site/pkg/n.py'), 'utf8'), 'n');
  });
});

test('commitStaged: a file standing where the staged tree needs a directory fails before anything moves, and is kept', async () => {
  // The env has a file `pkg`; the wheel installs pkg/n.py: PATH_CONFLICT naming it, from the plan.
  await withRoot(async (root, stage) => {
    put(join(root, 'lib/site/shared/x.py'), 'x0');
    put(join(root, 'lib/site/pkg'), 'a file where a directory is needed');
    put(join(stage, 'new/lib/site/shared/x.py'), 'x1');
    put(join(stage, 'new/lib/site/fresh/m.py'), 'm');
    put(join(stage, 'new/lib/site/pkg/n.py'), 'n');
    const before = envState(root);
    await assert.rejects(commitStaged(root, stage, ['lib/site/shared/x.py', 'lib/site/fresh/m.py', 'lib/site/pkg/n.py'], []), (e: VenvkitError) => e.code === 'PATH_CONFLICT' && e.message.includes(join(root, 'lib/site/pkg')));
    assert.deepEqual(envState(root), before);
  });
});

test('commitStaged: a path listed twice (a shipped .pyc that --compile rewrote) moves in once', async () => {
  await withRoot(async (root, stage) => {
    put(join(root, 'lib/site/pkg/__pycache__/m.cpython-312.pyc'), 'old pyc');
    put(join(stage, 'new/lib/site/pkg/__pycache__/m.cpython-312.pyc'), 'new pyc');
    put(join(stage, 'new/lib/site/pkg/m.py'), 'm');
    const pyc = 'lib/site/pkg/__pycache__/m.cpython-312.pyc';
    await commitStaged(root, stage, ['lib/site/pkg/m.py', pyc, pyc], []);
    assert.equal(readFileSync(join(root, pyc), 'utf8'), 'new pyc');
    assert.equal(readFileSync(join(root, 'lib/site/pkg/m.py'), 'utf8'), 'm');
  });
});
