// Leftovers of killed runs are adopted or deleted only when venvkit can prove they are its own: another
// user (nobody, through setpriv) planting a fake "old env" or build directory next to the target, even
// with a forged marker or the right key in the name, in a sticky (/tmp-like) and in a plain 0777 parent;
// root-owned look-alikes without the marker, writable by others, or named for another target. None is
// adopted, run or deleted; each is reported (another target's build directory is not ours to report).
// A real --clear killed (strace) between its two renames is still restored.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, cpSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cacheKey } from '../../src/cache/atomic.js';
import { BIN, venvkit } from '../helpers/cli.js';
import { asNobody, killAt, setpriv, strace } from '../helpers/syscall-faults.js';
import { describeTree, interpreters, removeDir, tempDir, testEnv } from '../helpers/venv.js';

let dir: string;
let env: NodeJS.ProcessEnv;
let py: string;
let template: string;
before(() => {
  dir = tempDir('leftovers');
  chmodSync(dir, 0o755); // nobody must reach the parents below
  env = testEnv(join(dir, 'cache'));
  py = interpreters().find((i) => i.version.startsWith('3.12'))?.path ?? interpreters()[0].path;
  template = join(dir, 'template');
  assert.equal(venvkit(['create', '--without-pip', '-p', py, template], { env }).status, 0);
  chmodSync(template, 0o755);
});
after(() => removeDir(dir));

const create = (args: string[]) => venvkit(['create', '--without-pip', '-p', py, ...args], { env });
const deadPid = () => spawnSync('true').pid!;
const sitePackages = (root: string) => join(root, 'lib', 'python3.12', 'site-packages');

/** Shell commands that make `path` a fake env holding a .pth that, once run, writes `proof`. */
function plantScript(path: string, proof: string, target: string, tag: 'old' | 'stage') {
  const pth = `import os; open(${JSON.stringify(proof)}, "w").write("planted code ran")\n`;
  return [
    `mkdir -m 0700 '${path}'`,
    // A marker forged with the exact text venvkit writes.
    `printf 'venvkit ${tag} of ${target}\\n' > '${path}/venvkit-marker'`,
    `cp -r '${template}' '${path}/env'`,
    `printf '%s' '${pth}' > '${path}/env/lib/python3.12/site-packages/x.pth'`,
    // The old layout too: the directory itself an env.
    `cp -r '${path}/env/.' '${path}/'`,
  ].join(' && ');
}

for (const [label, mode] of [['sticky 1777', 0o1777], ['plain 0777', 0o777]] as const) {
  test(`another user's planted "old env" in a ${label} parent is not adopted, run, or deleted`, (t) => {
    const sp = setpriv();
    if (!sp) return t.skip('needs root and setpriv');
    const parent = join(dir, `shared-${mode.toString(8)}`);
    mkdirSync(parent);
    chmodSync(parent, mode);
    const target = join(parent, 'env');
    const proof = join(dir, `proof-${mode.toString(8)}`);
    // A build directory (the env itself) named for this very target: the key in its name is right.
    const planted = [join(parent, `.env.venvkit-old-${deadPid()}-evil1`), join(parent, `.env.venvkit-stage-${deadPid()}-evil2`), join(parent, `.env.venvkit-build-${deadPid()}-evil3-${cacheKey(target)}`)];
    for (const p of planted) {
      const r = asNobody(sp, '/bin/sh', ['-c', plantScript(p, proof, target, p.includes('-old-') ? 'old' : 'stage')]);
      assert.equal(r.status, 0, r.stderr);
    }
    const before = planted.map((p) => describeTree(p));
    const r = create([target]);
    assert.equal(r.status, 0, r.stderr);
    for (const p of planted) assert.match(r.stderr, new RegExp(`warning: left ${p.replace(/[.]/g, '\\.')} alone: .*belongs to uid 65534`));
    assert.match(r.stderr, /^Created /m, 'a new env, not a restored one');
    assert.deepEqual(readdirSync(sitePackages(target)), [], 'nothing of the planted env in the new one');
    assert.deepEqual(planted.map((p) => describeTree(p)), before, 'the planted dirs are untouched');
    assert.equal(spawnSync(join(target, 'bin', 'python'), ['-c', 'pass']).status, 0);
    assert.ok(!existsSync(proof), 'the planted .pth never ran');
    // --clear of the env (now there) does not delete them either; --json lists them as warnings.
    const again = venvkit(['create', '--without-pip', '--json', '--clear', '-p', py, target], { env });
    assert.equal(again.status, 0, again.stderr);
    assert.equal(JSON.parse(again.stdout).warnings.length, 3);
    assert.deepEqual(planted.map((p) => describeTree(p)), before);
    assert.ok(!existsSync(proof));
  });
}

test("this user's look-alikes are left alone unless marked and private: no marker, group/other-writable, a symlink", () => {
  const parent = join(dir, 'own');
  mkdirSync(parent);
  const target = join(parent, 'env');
  const dead = deadPid();
  // A directory of the user's own, named like a backup (no marker): never adopted, never deleted.
  const noMarker = join(parent, `.env.venvkit-old-${dead}-nomark`);
  cpSync(template, noMarker, { recursive: true, verbatimSymlinks: true });
  writeFileSync(join(sitePackages(noMarker), 'mine.txt'), 'x\n');
  // With the marker, but writable by others: anyone could have put things in it.
  const open = join(parent, `.env.venvkit-old-${dead}-open`);
  mkdirSync(open);
  writeFileSync(join(open, 'venvkit-marker'), `venvkit old of ${target}\n`);
  cpSync(template, join(open, 'env'), { recursive: true, verbatimSymlinks: true });
  chmodSync(open, 0o777);
  // A symlink to a marked, private container: a link is never venvkit's.
  const real = join(dir, 'real-box');
  mkdirSync(real, { mode: 0o700 });
  writeFileSync(join(real, 'venvkit-marker'), `venvkit stage of ${target}\n`);
  const link = join(parent, `.env.venvkit-stage-${dead}-link`);
  spawnSync('ln', ['-s', real, link]);
  // Build directories (the env itself, no marker): one writable by others, one named for another
  // target (its key), one a symlink; and a genuine one of a dead run, half built, which goes.
  const openBuild = join(parent, `.env.venvkit-build-${dead}-open-${cacheKey(target)}`);
  cpSync(template, openBuild, { recursive: true, verbatimSymlinks: true });
  chmodSync(openBuild, 0o777);
  const otherBuild = join(parent, `.env.venvkit-build-${dead}-other-${cacheKey(`${target}2`)}`);
  mkdirSync(otherBuild, { mode: 0o700 });
  writeFileSync(join(otherBuild, 'pyvenv.cfg'), 'home = /nowhere\n');
  const linkBuild = join(parent, `.env.venvkit-build-${dead}-link-${cacheKey(target)}`);
  spawnSync('ln', ['-s', real, linkBuild]);
  const genuine = join(parent, `.env.venvkit-build-${dead}-half-${cacheKey(target)}`);
  mkdirSync(join(genuine, 'lib'), { recursive: true, mode: 0o700 });
  writeFileSync(join(genuine, 'pyvenv.cfg'), 'home = /nowhere\n');
  const r = create(['-v', target]);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stderr, /^Created /m);
  assert.match(r.stderr, /warning: left .*-nomark alone: .*has no venvkit marker/);
  assert.match(r.stderr, /warning: left .*-open alone: .*group or others can write to it \(mode 777\)/);
  assert.match(r.stderr, /warning: left .*-link alone: .*symbolic link/);
  assert.match(r.stderr, /warning: left .*venvkit-build-\d+-open-[0-9a-f]+ alone: .*group or others can write to it \(mode 777\)/);
  assert.match(r.stderr, /warning: left .*venvkit-build-\d+-link-[0-9a-f]+ alone: .*symbolic link/);
  assert.doesNotMatch(r.stderr, /-other-/, "another target's build directory is not reported");
  assert.match(r.stderr, /removed .*venvkit-build-\d+-half-[0-9a-f]+ left by an interrupted run/);
  assert.ok(existsSync(join(openBuild, 'pyvenv.cfg')));
  assert.ok(existsSync(join(otherBuild, 'pyvenv.cfg')));
  assert.ok(!existsSync(genuine), 'the dead run\'s build directory is deleted');
  assert.ok(existsSync(join(sitePackages(noMarker), 'mine.txt')));
  assert.ok(existsSync(join(open, 'env', 'pyvenv.cfg')));
  assert.ok(existsSync(join(real, 'venvkit-marker')));
  assert.deepEqual(readdirSync(sitePackages(target)), []);
  // Inside an env: an unmarked look-alike of an in-place backup is not rolled back nor deleted.
  const inner = join(target, `.venvkit-old-${dead}-fake`);
  mkdirSync(inner, { mode: 0o700 });
  writeFileSync(join(inner, 'journal'), JSON.stringify([{ op: 'out', i: 0, rel: 'pyvenv.cfg' }]));
  const r2 = create(['-v', target]);
  assert.equal(r2.status, 0, r2.stderr);
  assert.match(r2.stderr, /warning: left .*\.venvkit-old-\d+-fake alone: .*has no venvkit marker/);
  assert.ok(existsSync(join(inner, 'journal')));
  assert.ok(existsSync(join(target, 'pyvenv.cfg')));
});

test('a real --clear killed between its two renames is restored by the next create', async (t) => {
  const st = strace();
  if (!st) return t.skip('needs strace');
  const parent = join(dir, 'genuine');
  mkdirSync(parent);
  const target = join(parent, 'env');
  assert.equal(create([target]).status, 0);
  writeFileSync(join(sitePackages(target), 'installed.txt'), 'a package\n');
  // rename 1: the staged env onto the existing one (ENOTEMPTY); 2: the old env aside; 3: the new one in.
  const killed = await killAt(st, 'rename', 3, BIN, ['create', '--without-pip', '--clear', '-p', py, target], { env });
  assert.ok(killed.killed, killed.stderr);
  assert.ok(!existsSync(target), 'killed with the old env set aside and the new one not yet in');
  const r = create(['-v', target]);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stderr, /restored .*env from an interrupted --clear/);
  assert.equal(readFileSync(join(sitePackages(target), 'installed.txt'), 'utf8'), 'a package\n');
  assert.deepEqual(readdirSync(parent).filter((n) => n.includes('venvkit')), []);
  // Any command that opens the env does the same: `venvkit info` after the same kill.
  assert.ok((await killAt(st, 'rename', 3, BIN, ['create', '--without-pip', '--clear', '-p', py, target], { env })).killed);
  assert.ok(!existsSync(target));
  const info = venvkit(['info', target], { env });
  assert.equal(info.status, 0, info.stderr);
  assert.equal(readFileSync(join(sitePackages(target), 'installed.txt'), 'utf8'), 'a package\n');
  assert.deepEqual(readdirSync(parent).filter((n) => n.includes('venvkit')), []);
});
