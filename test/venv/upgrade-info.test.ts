// Making an env again over an existing one, --upgrade after the base changed, and `venvkit info`'s
// health verdicts (base changed, base gone, links broken). Runs the built CLI.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, statSync, symlinkSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { venvkit } from '../helpers/cli.js';
import { seedCache } from '../helpers/seed-cache.js';
import { interpreters, removeDir, tempDir, testEnv } from '../helpers/venv.js';

let dir: string;
let env: NodeJS.ProcessEnv;
before(() => {
  dir = tempDir('upgrade');
  env = testEnv(join(dir, 'cache'));
  seedCache(join(dir, 'cache'), [interpreters().find((i) => i.version.startsWith('3.12'))?.path]); // pip's bytecode compiled once per run (test/helpers/seed-cache.ts)
});
after(() => removeDir(dir));

const pyenv = (v: string) => interpreters().find((i) => i.version.startsWith(v));
const cfgOf = (root: string) => readFileSync(join(root, 'pyvenv.cfg'), 'utf8');
const info = (root: string, json = false) => venvkit(['info', root, ...(json ? ['--json'] : [])], { env });

test('creating over an existing env updates it in place and keeps its packages', () => {
  const py = pyenv('3.12')!;
  const t = join(dir, 'again');
  assert.equal(venvkit(['create', '--without-pip', '-p', py.path, t], { env }).status, 0);
  const marker = join(t, 'lib', 'python3.12', 'site-packages', 'pkg.py');
  writeFileSync(marker, 'x = 1\n');
  const r = venvkit(['create', '--without-pip', '--prompt', 'renamed', '-p', py.path, t], { env });
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stderr, /^Updated /m);
  assert.ok(existsSync(marker));
  assert.match(cfgOf(t), /^prompt = 'renamed'$/m);
  const j = JSON.parse(info(t, true).stdout);
  assert.equal(j.prompt, 'renamed');
  assert.equal(j.healthy, true);
  // Made again without --prompt: the recorded prompt stays (in pyvenv.cfg and the activators).
  assert.equal(venvkit(['create', '--without-pip', '-p', py.path, t], { env }).status, 0);
  assert.match(cfgOf(t), /^prompt = 'renamed'$/m);
  assert.doesNotMatch(cfgOf(t), /--prompt/);
  assert.match(readFileSync(join(t, 'bin', 'activate'), 'utf8'), /renamed/);
  // --clear starts afresh.
  assert.equal(venvkit(['create', '--without-pip', '--clear', '-p', py.path, t], { env }).status, 0);
  assert.doesNotMatch(cfgOf(t), /^prompt/m);
});

test('--upgrade on nothing is an error with a hint', () => {
  const r = venvkit(['create', '--without-pip', '--upgrade', '-p', pyenv('3.12')!.path, join(dir, 'nothing')], { env });
  assert.equal(r.status, 1);
  assert.match(r.stderr, /--upgrade: there is no environment at/);
  assert.match(r.stderr, /hint: Drop --upgrade/);
  assert.ok(!existsSync(join(dir, 'nothing')));
});

test('the base interpreter is upgraded in place (same minor): info says so, --upgrade fixes it', (t) => {
  const from = pyenv('3.11');
  const sys311 = spawnSync('/usr/bin/python3', ['-c', 'import sys; print(sys.version_info[:2] == (3, 11))'], { encoding: 'utf8' }).stdout.trim() === 'True';
  if (!from || !sys311) {
    t.skip('needs two Python 3.11 installations (pyenv 3.11.x and /usr/bin/python3 3.11)');
    return;
  }
  // A stable path whose installation changes underneath, as when a package manager upgrades Python.
  const base = join(dir, 'base311');
  symlinkSync(join(from.path, '..', '..'), base);
  const target = join(dir, 'env311');
  assert.equal(venvkit(['create', '--without-pip', '-p', join(base, 'bin', 'python3'), target], { env }).status, 0);
  const marker = join(target, 'lib', 'python3.11', 'site-packages', 'pkg.py');
  writeFileSync(marker, 'x = 1\n');
  assert.equal(info(target).status, 0, info(target).stdout);
  unlinkSync(base);
  symlinkSync('/usr', base);
  const sick = info(target);
  assert.equal(sick.status, 1);
  assert.match(sick.stdout, /not healthy/);
  assert.match(sick.stdout, /made with Python 3\.11\.\d+, but its base interpreter .* is now 3\.11\.\d+/);
  assert.match(sick.stdout, /hint: Record the new version: `venvkit create --upgrade /);
  const r = venvkit(['create', '--without-pip', '--upgrade', '-p', join(base, 'bin', 'python3'), target], { env });
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stderr, /^Upgraded /m);
  assert.ok(existsSync(marker), 'packages kept');
  const now = spawnSync('/usr/bin/python3', ['-c', 'import platform; print(platform.python_version())'], { encoding: 'utf8' }).stdout.trim();
  assert.match(cfgOf(target), new RegExp(`^version = ${now.replace(/\./g, '\\.')}$`, 'm'));
  assert.match(cfgOf(target), /--upgrade/);
  const healthy = JSON.parse(info(target, true).stdout);
  assert.equal(healthy.healthy, true, JSON.stringify(healthy.problems));
  assert.equal(spawnSync(join(target, 'bin', 'python'), ['-c', 'import pkg'], { cwd: '/' }).status, 0, 'the env runs and sees its packages');
});

test('another minor version underneath: info says recreate; --upgrade moves the env to it', () => {
  const a = pyenv('3.10')!;
  const b = pyenv('3.12')!;
  const base = join(dir, 'basemoving');
  symlinkSync(join(a.path, '..', '..'), base);
  const target = join(dir, 'envmoving');
  assert.equal(venvkit(['create', '--without-pip', '-p', join(base, 'bin', 'python3'), target], { env }).status, 0);
  unlinkSync(base);
  symlinkSync(join(b.path, '..', '..'), base);
  const sick = info(target, true);
  assert.equal(sick.status, 1);
  const j = JSON.parse(sick.stdout);
  assert.equal(j.healthy, false);
  assert.equal(j.problems[0].code, 'BASE_CHANGED');
  assert.match(j.problems[0].hint, /venvkit create --clear .* -p 3\.10/);
  const r = venvkit(['create', '--without-pip', '--upgrade', '-p', join(base, 'bin', 'python3'), target], { env });
  assert.equal(r.status, 0, r.stderr);
  assert.ok(existsSync(join(target, 'lib', 'python3.12', 'site-packages')));
  assert.ok(existsSync(join(target, 'bin', 'python3.12')));
  assert.equal(JSON.parse(info(target, true).stdout).healthy, true);
});

test('the base is gone: info reports it and the broken links, exit 1', () => {
  const py = pyenv('3.10')!; // before 3.11 pyvenv.cfg records only `home`
  const base = join(dir, 'basegone');
  symlinkSync(join(py.path, '..', '..'), base);
  const target = join(dir, 'envgone');
  assert.equal(venvkit(['create', '--without-pip', '-p', join(base, 'bin', 'python3'), target], { env }).status, 0);
  rmSync(base);
  const r = info(target);
  assert.equal(r.status, 1);
  assert.match(r.stdout, /base: +not found/);
  assert.match(r.stdout, /The base interpreter is gone \(pyvenv.cfg home = .*basegone\/bin\)/);
  assert.match(r.stdout, /Interpreter links .*bin\/python, .* point at nothing/);
  assert.match(r.stdout, /hint: Point it at another Python 3\.10: `venvkit create --upgrade .* -p 3\.10`/);
  const j = JSON.parse(info(target, true).stdout);
  assert.deepEqual(j.problems.map((p: { code: string }) => p.code), ['BASE_MISSING', 'LINK_BROKEN']);
  assert.equal(venvkit(['create', '--without-pip', '--upgrade', '-p', py.path, target], { env }).status, 0);
  assert.equal(JSON.parse(info(target, true).stdout).healthy, true, 'relinked to a live 3.10');
});

test('links broken but the recorded executable (3.11+) still there: info says relink to it', () => {
  const py = pyenv('3.12')!;
  const base = join(dir, 'baselinkgone');
  symlinkSync(join(py.path, '..', '..'), base);
  const target = join(dir, 'envlinkgone');
  assert.equal(venvkit(['create', '--without-pip', '-p', join(base, 'bin', 'python3'), target], { env }).status, 0);
  rmSync(base);
  const j = JSON.parse(info(target, true).stdout);
  assert.equal(j.healthy, false);
  assert.equal(j.base.realPath, readFileSync(join(target, 'pyvenv.cfg'), 'utf8').match(/^executable = (.*)$/m)![1]);
  assert.deepEqual(j.problems.map((p: { code: string }) => p.code), ['LINK_BROKEN']);
  assert.match(j.problems[0].hint, /Relink to .*python3\.12: `venvkit create --upgrade /);
});

test('info finds the env: DIR, $VIRTUAL_ENV, nearest .venv upwards; and says when there is none', () => {
  const py = pyenv('3.12')!;
  const proj = join(dir, 'proj');
  mkdirSync(join(proj, 'src', 'deep'), { recursive: true });
  assert.equal(venvkit(['create', '--without-pip', '-p', py.path], { env, cwd: proj }).status, 0, 'DIR defaults to .venv');
  const up = venvkit(['info', '--json'], { env, cwd: join(proj, 'src', 'deep') });
  assert.equal(up.status, 0, up.stderr);
  assert.equal(JSON.parse(up.stdout).root, join(proj, '.venv'));
  const viaVar = venvkit(['info', '--json'], { env: { ...env, VIRTUAL_ENV: join(proj, '.venv') }, cwd: '/' });
  assert.equal(JSON.parse(viaVar.stdout).root, join(proj, '.venv'));
  const none = venvkit(['info'], { env: { ...env, VIRTUAL_ENV: '' }, cwd: '/' });
  assert.equal(none.status, 1);
  assert.match(none.stderr, /no \.venv in \/ or above/);
  const notVenv = venvkit(['info', dir], { env });
  assert.equal(notVenv.status, 1);
  assert.match(notVenv.stderr, /is not a virtual environment \(it has no pyvenv.cfg\)/);
});

test('without --without-pip, create says what it did about pip', () => {
  const t = join(dir, 'withpip');
  const r = venvkit(['create', '-p', pyenv('3.12')!.path, t], { env });
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stderr, /pip was not seeded: .+|Seeded pip \d/);
  // Made again over itself: keeps its pip (as ensurepip --upgrade would), no error.
  const again = venvkit(['create', '-p', pyenv('3.12')!.path, t], { env });
  assert.equal(again.status, 0, again.stderr);
  assert.match(again.stderr, /^Updated /m);
  if (/Seeded pip/.test(r.stderr)) assert.equal(spawnSync(join(t, 'bin', 'python'), ['-m', 'pip', '--version']).status, 0);
});

test("--prompt . is the current directory's name; `create .` in an empty cwd fills it in place", () => {
  const py = pyenv('3.12')!;
  const proj = join(dir, 'my-project');
  mkdirSync(proj);
  const r = venvkit(['create', '--without-pip', '--prompt', '.', '-p', py.path, '.'], { env, cwd: proj });
  assert.equal(r.status, 0, r.stderr);
  assert.match(cfgOf(proj), /^prompt = 'my-project'$/m);
  assert.match(cfgOf(proj), /^command = .* --prompt="\." .*my-project$/m);
  // The directory is the same one (not replaced by a rename), so a shell sitting in it stays valid.
  assert.ok(existsSync(join(proj, 'bin', 'python')));
  const inside = spawnSync('sh', ['-c', 'ls pyvenv.cfg'], { cwd: proj, encoding: 'utf8' });
  assert.equal(inside.status, 0);
  // --clear from inside: emptied and refilled in place, the directory itself stays.
  writeFileSync(join(proj, 'lib', 'python3.12', 'site-packages', 'old.py'), '');
  const ino = statSync(proj).ino;
  const c = venvkit(['create', '--without-pip', '--clear', '-p', py.path, '.'], { env, cwd: proj });
  assert.equal(c.status, 0, c.stderr);
  assert.match(c.stderr, /^Replaced /m);
  assert.equal(statSync(proj).ino, ino);
  assert.ok(!existsSync(join(proj, 'lib', 'python3.12', 'site-packages', 'old.py')));
  assert.ok(existsSync(join(proj, 'pyvenv.cfg')));
});

test('a target given through a symlink is built where it points; the link stays', () => {
  const py = pyenv('3.12')!;
  const real = join(dir, 'real-place');
  mkdirSync(real);
  const link = join(dir, 'link-to-place');
  symlinkSync(real, link);
  const r = venvkit(['create', '--without-pip', '-p', py.path, link], { env });
  assert.equal(r.status, 0, r.stderr);
  assert.ok(existsSync(join(real, 'pyvenv.cfg')));
  assert.match(cfgOf(real), new RegExp(`command = .* ${link}$`, 'm'));
  assert.equal(spawnSync(join(link, 'bin', 'python'), ['-c', 'import sys; print(sys.prefix)'], { encoding: 'utf8' }).stdout.trim(), link);
});

test('--upgrade-deps seeds pip from the configured index (newest there), and the env runs it', () => {
  const t = join(dir, 'upgdeps');
  const r = venvkit(['create', '--upgrade-deps', '--json', '-p', pyenv('3.12')!.path, t], { env });
  assert.equal(r.status, 0, r.stderr);
  const j = JSON.parse(r.stdout);
  assert.match(j.cfg.command, / --upgrade-deps /);
  if (j.seed.skipped) {
    assert.match(r.stderr, /pip was not seeded: /);
    return;
  }
  const pip = j.seed.installed.find((p: { name: string }) => p.name === 'pip');
  assert.ok(pip, JSON.stringify(j.seed));
  const v = spawnSync(join(t, 'bin', 'python'), ['-m', 'pip', '--version'], { encoding: 'utf8' });
  assert.equal(v.status, 0, v.stderr);
  assert.match(v.stdout, new RegExp(`^pip ${pip.version.replace(/\./g, '\\.')} `));
});

test('several directories, as `python -m venv A B`: each in turn; --json gives a list; the first failure stops the rest', () => {
  const py = pyenv('3.12')!;
  const [a, b, c] = ['multi-a', 'multi-b', 'multi-c'].map((n) => join(dir, n));
  const r = venvkit(['create', '--without-pip', '-p', py.path, a, b], { env });
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stderr.match(/^Created /gm)?.length, 2, r.stderr);
  for (const d of [a, b]) assert.ok(existsSync(join(d, 'pyvenv.cfg')), d);
  const j = venvkit(['create', '--without-pip', '--json', '-p', py.path, join(dir, 'multi-j1'), join(dir, 'multi-j2')], { env });
  assert.equal(j.status, 0, j.stderr);
  const list = JSON.parse(j.stdout).environments;
  assert.ok(Array.isArray(list));
  assert.deepEqual(list.map((e: { root: string }) => e.root), [join(dir, 'multi-j1'), join(dir, 'multi-j2')]);
  // A file where the first env should go: an error, and the next one is not made.
  writeFileSync(join(dir, 'multi-file'), 'a file');
  const f = venvkit(['create', '--without-pip', '-p', py.path, join(dir, 'multi-file'), c], { env });
  assert.equal(f.status, 1);
  assert.match(f.stderr, /is a file/);
  assert.equal(existsSync(c), false, 'the directory after the failing one was not made');
  assert.equal(readFileSync(join(dir, 'multi-file'), 'utf8'), 'a file');
});
