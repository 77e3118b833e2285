// Locks of projects that are not on an index, against real pip 26.2 (local index), both ways: a
// project directory, an editable (-e), a local sdist, a local wheel, a git requirement. For each:
// venvkit's entry is pip lock's, byte for byte; `venvkit sync` (and `venvkit install -r`, for a
// directory, a wheel and a checkout) of pip's lock install the project (built from source, direct_url.json as pip records it) and its
// dependency; a second sync does nothing; pip installs venvkit's archive locks to the same set and
// refuses venvkit's directory and VCS locks exactly as it refuses its own (pip 26.2 installs a
// pylock.toml in hash-checking mode, and a directory or a checkout has no hash).
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { venvkit } from '../helpers/cli.js';
import { realPip, type RealPip } from '../helpers/real-pip.js';
import { tempDir } from '../helpers/venv.js';
import { buildTestEnv, writeFiles } from '../build/helpers.js';

const dir = tempDir('lock-local');
after(() => rmSync(dir, { recursive: true, force: true }));
const env = buildTestEnv(join(dir, 'cache'));
const hasGit = spawnSync('git', ['--version']).status === 0;
if (!hasGit && process.env.CI === 'true') throw new Error('git is not installed, but CI installs it (.ci/run)');

const vk = (args: string[], cwd = dir) => venvkit(args, { env, cwd, timeout: 300_000 });
/** The `[[packages]]` block of `name` in a pylock.toml's text (up to the next entry). */
const entry = (text: string, name: string) => text.split(/\n(?=\[\[packages\]\]\n)/).find((b) => b.startsWith(`[[packages]]\nname = "${name}"\n`))?.trimEnd();
const distInfos = (root: string) => readdirSync(join(root, 'lib', readdirSync(join(root, 'lib'))[0]!, 'site-packages')).filter((d) => d.endsWith('.dist-info')).sort();
const directUrl = (root: string) => {
  const f = join(root, 'lib', readdirSync(join(root, 'lib'))[0]!, 'site-packages', 'localpkg-1.0.dist-info', 'direct_url.json');
  return existsSync(f) ? JSON.parse(readFileSync(f, 'utf8')) : undefined;
};

test('directory, editable, sdist, wheel and git locks: written as pip lock writes them, synced and installed both ways', { timeout: 900_000 }, async (t) => {
  const pip: RealPip | undefined = realPip(t, join(dir, 'pip'));
  if (!pip) return;
  const base = spawnSync(pip.python, ['-c', 'import sys; print(sys._base_executable)'], { encoding: 'utf8' }).stdout.trim();
  const proj = writeFiles(join(dir, 'proj'), {
    'pyproject.toml': '[build-system]\nrequires = ["flit_core>=3.4"]\nbuild-backend = "flit_core.buildapi"\n\n[project]\nname = "localpkg"\nversion = "1.0"\ndescription = "x"\ndependencies = ["six"]\n',
    'localpkg/__init__.py': '"""x"""\n',
  });
  const dists = join(dir, 'dists');
  assert.equal(vk(['build', '-p', base, '--sdist', '--wheel', '-o', dists], proj).status, 0);
  const sdist = readdirSync(dists).find((f) => f.endsWith('.tar.gz'))!;
  const wheel = readdirSync(dists).find((f) => f.endsWith('.whl'))!;
  let commit = '';
  if (hasGit) {
    const g = (args: string[]) => spawnSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.com', '-c', 'init.defaultBranch=main', ...args], { cwd: proj, encoding: 'utf8' });
    for (const a of [['init', '-q'], ['add', '-A'], ['commit', '-qm', 'one']]) assert.equal(g(a).status, 0);
    commit = g(['rev-parse', 'HEAD']).stdout.trim();
  } else t.diagnostic('git not installed: the VCS case is left out');
  const kinds: { kind: string; args: string[]; installable: boolean; direct?: object }[] = [
    { kind: 'dir', args: ['./proj'], installable: false, direct: { url: pathToFileURL(proj).href, dir_info: {} } },
    { kind: 'editable', args: ['-e', './proj'], installable: false, direct: { url: pathToFileURL(proj).href, dir_info: { editable: true } } },
    { kind: 'sdist', args: [`./dists/${sdist}`], installable: true },
    { kind: 'wheel', args: [`./dists/${wheel}`], installable: true },
    ...(hasGit ? [{ kind: 'vcs', args: [`localpkg @ git+${pathToFileURL(proj).href}@main`], installable: false, direct: { url: pathToFileURL(proj).href, vcs_info: { vcs: 'git', commit_id: commit, requested_revision: 'main' } } }] : []),
  ];
  const want = ['localpkg-1.0.dist-info', 'six-1.17.0.dist-info'];
  for (const k of kinds) {
    const pipLock = join(dir, `pylock.pip-${k.kind}.toml`);
    const vkLock = join(dir, `pylock.vk-${k.kind}.toml`);
    const pl = pip.run(['-m', 'pip', 'lock', '-q', '--index-url', pip.index, '-o', pipLock, ...k.args], { cwd: dir });
    assert.equal(pl.status, 0, pl.stderr);
    const vl = vk(['lock', '-p', base, '-o', vkLock, ...k.args]);
    assert.equal(vl.status, 0, `${k.kind}: ${vl.stderr}`);
    const pipEntry = entry(readFileSync(pipLock, 'utf8'), 'localpkg');
    assert.ok(pipEntry, readFileSync(pipLock, 'utf8'));
    // pip 26.2 writes no size; venvkit does where it knows it (the file's): the rest is the same bytes.
    assert.equal(entry(readFileSync(vkLock, 'utf8'), 'localpkg')!.replace(/^size = \d+\n/m, ''), pipEntry, `${k.kind}: venvkit's entry differs from pip lock's`);

    // pip's lock -> venvkit sync (and again: nothing to do) and venvkit install -r.
    const target = join(dir, `sync-${k.kind}`);
    assert.equal(vk(['create', '-q', '--without-pip', '-p', base, target]).status, 0);
    let r = vk(['sync', '--env', target, '--json', pipLock]);
    assert.equal(r.status, 0, `${k.kind}: ${r.stderr}`);
    assert.deepEqual(distInfos(target), want, k.kind);
    assert.equal(spawnSync(join(target, 'bin', 'python'), ['-c', 'import localpkg, six'], { encoding: 'utf8' }).status, 0);
    if (k.direct) assert.deepEqual(directUrl(target), k.direct, k.kind);
    r = vk(['sync', '--env', target, '--json', pipLock]);
    assert.equal(r.status, 0, r.stderr);
    assert.equal(JSON.parse(r.stdout).alreadySynced, true, `${k.kind}: a second sync changes nothing`);
    // install -r: one of each path through it (a local source built; an archive as the only candidate).
    if (k.kind !== 'editable' && k.kind !== 'sdist') {
      const inst = join(dir, `inst-${k.kind}`);
      assert.equal(vk(['create', '-q', '--without-pip', '-p', base, inst]).status, 0);
      r = vk(['install', '--env', inst, '-r', pipLock]);
      assert.equal(r.status, 0, `${k.kind}: ${r.stderr}`);
      assert.deepEqual(distInfos(inst), want, k.kind);
    }

    // venvkit's lock -> pip install -r: the archives install; directories and checkouts pip refuses, as for its own lock.
    const viaPip = join(dir, `pip-${k.kind}`);
    assert.equal(spawnSync(base, ['-m', 'venv', '--without-pip', viaPip]).status, 0);
    const pipInstall = (lock: string): ReturnType<RealPip['run']> => pip.run(['-m', 'pip', '--python', join(viaPip, 'bin', 'python'), 'install', '-q', '--index-url', pip.index, '-r', lock]);
    const ours = pipInstall(vkLock);
    if (k.installable) {
      assert.equal(ours.status, 0, ours.stderr);
      assert.deepEqual(distInfos(viaPip), want);
    } else {
      const own = pipInstall(pipLock);
      assert.notEqual(own.status, 0, 'pip 26.2 refuses its own lock of a directory or a checkout');
      assert.equal(ours.status, own.status, `${k.kind}: pip treats venvkit's lock as its own:\n${own.stderr}\n${ours.stderr}`);
      assert.match(ours.stderr, /Can't verify hashes|cannot be installed when requiring hashes/);
    }
  }
});
