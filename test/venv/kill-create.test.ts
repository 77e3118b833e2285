// A kill at any system call of a create that changes an existing env leaves, after the next
// `venvkit create`, the old env (its prompt and its packages) or the complete new one, never a mix,
// and nothing behind. strace SIGKILLs the run on entering its Nth rename / unlink / rmdir, for every N
// until the run completes: --clear from outside the env, --clear . from inside it (the shell's cwd),
// and an env made again in place (merge). A create of a new env, killed at its Nth mkdir / symlink /
// chmod / rename (the build directory made, filled, given its mode, renamed in), leaves no env or the
// complete one at the target at once, and the next create cleans up the rest.
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { BIN, venvkit } from '../helpers/cli.js';
import { killAt, run, strace } from '../helpers/syscall-faults.js';
import { describeTree, interpreters, removeDir, tempDir, testEnv } from '../helpers/venv.js';

const sitePackages = (root: string) => join(root, 'lib', 'python3.12', 'site-packages');
/** The tree without pyvenv.cfg's text (prompt and command differ between the two envs). */
const shape = (root: string) => describeTree(root).filter((l) => !l.startsWith('pyvenv.cfg: '));
const prompt = (root: string) => /^prompt = (.*)$/m.exec(readFileSync(join(root, 'pyvenv.cfg'), 'utf8'))?.[1];

let dir: string;
let env: NodeJS.ProcessEnv;
let py: string;
let oldTemplate: string;
let newTree: string[];
before(() => {
  dir = tempDir('kill-create');
  env = testEnv(join(dir, 'cache'));
  py = interpreters().find((i) => i.version.startsWith('3.12'))?.path ?? interpreters()[0].path;
  // The old env: prompt "old" and a package (a file in site-packages). The new one: neither.
  oldTemplate = join(dir, 'old-template');
  assert.equal(venvkit(['create', '--without-pip', '--prompt', 'old', '-p', py, oldTemplate], { env }).status, 0);
  writeFileSync(join(sitePackages(oldTemplate), 'installed.txt'), 'a package\n');
  const ref = join(dir, 'ref');
  assert.equal(venvkit(['create', '--without-pip', '-p', py, ref], { env }).status, 0);
  newTree = shape(ref);
});
after(() => removeDir(dir));
const deepEqualish = (a: string[], b: string[]) => a.length === b.length && a.every((x, i) => x === b[i]);


interface Scenario { name: string; args: (target: string) => string[]; cwd: (target: string) => string; syscalls: string[]; fresh?: boolean }
const SCENARIOS: Scenario[] = [
  { name: 'making a new env', args: (t) => [t], cwd: (t) => dirname(t), syscalls: ['mkdir', 'symlink', 'chmod', 'rename'], fresh: true },
  { name: '--clear from outside', args: (t) => ['--clear', t], cwd: (t) => dirname(t), syscalls: ['rename', 'unlink', 'rmdir'] },
  { name: '--clear . from inside', args: () => ['--clear', '.'], cwd: (t) => t, syscalls: ['rename', 'unlink', 'rmdir'] },
  // Its unlinks and rmdirs delete the committed backup and the stage, as in the two above.
  { name: 'made again in place (new prompt)', args: (t) => ['--prompt', 'new', t], cwd: (t) => dirname(t), syscalls: ['rename'] },
];

const totals = { tried: 0, consistent: 0 };
after(() => console.log(`# kills tried: ${totals.tried}, consistent after the next create: ${totals.consistent}`));

// The scenarios run side by side (each waits on its own child processes).
describe('kill -9 at every step', { concurrency: true }, () => {
for (const sc of SCENARIOS) {
  test(`kill at every ${sc.syscalls.join('/')} of a create ${sc.name}: old or new after the next create`, async (t) => {
    const st = strace();
    if (!st) return t.skip('needs strace');
    const expectNewPrompt = sc.name.includes('new prompt') ? "'new'" : undefined;
    let round = 0;
    for (const syscall of sc.syscalls) {
      for (let n = 1; ; n++) {
        const parent = join(dir, `${sc.name.replace(/\W+/g, '-')}-${round++}`);
        mkdirSync(parent);
        const target = join(parent, 'env');
        if (!sc.fresh) cpSync(oldTemplate, target, { recursive: true, verbatimSymlinks: true });
        const killed = await killAt(st, syscall, n, BIN, ['create', '--without-pip', '-p', py, ...sc.args(target)], { env, cwd: sc.cwd(target) });
        if (!killed.killed) {
          console.log(`# ${sc.name}: ${syscall}: ${n - 1} kills`);
          assert.equal(killed.status, 0, `${syscall} #${n}: ${killed.stderr}`);
          // Every step of these runs makes at least one such call: none killed means the kill was
          // never injected (strace ran the create to the end), not that there was nothing to kill.
          assert.ok(n > 1, `${sc.name}: no ${syscall} was killed: the create ran to the end under strace`);
          break;
        }
        totals.tried++;
        if (sc.fresh) assert.ok(!existsSync(target) || deepEqualish(shape(target), newTree), `${sc.name}, killed at ${syscall} #${n}: no half-made env at the target`);
        const cwd = existsSync(sc.cwd(target)) ? sc.cwd(target) : parent;
        const next = await run(BIN, ['create', '--without-pip', '-p', py, target], { env, cwd });
        const where = `${sc.name}, killed at ${syscall} #${n}`;
        assert.equal(next.status, 0, `${where}: the next create failed: ${next.stderr}`);
        assert.deepEqual(shape(target), newTree, `${where}: a complete env`);
        const pkgs = readdirSync(sitePackages(target));
        const p = prompt(target);
        if (p === "'old'") assert.deepEqual(pkgs, ['installed.txt'], `${where}: the old env has its packages`);
        else if (expectNewPrompt) {
          assert.equal(p, expectNewPrompt, `${where}: the prompt is old or new`);
          assert.deepEqual(pkgs, ['installed.txt'], `${where}: made again in place keeps the packages`);
        } else {
          assert.equal(p, undefined, `${where}: the prompt is old or new`);
          assert.deepEqual(pkgs, [], `${where}: the new env, without the old packages`);
        }
        const left = [...readdirSync(parent), ...readdirSync(target)].filter((x) => x.includes('venvkit'));
        assert.deepEqual(left, [], `${where}: nothing left behind`);
        totals.consistent++;
        removeDir(parent);
      }
    }
  });
}
});
