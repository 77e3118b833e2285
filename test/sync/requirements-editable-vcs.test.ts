// `venvkit sync requirements.txt` of an editable git checkout (`-e git+file:///repo@COMMIT#egg=name`)
// and of a bare project path (`./dir`), as `uv pip sync` takes them, compared with pip 26.2
// installing the same file: the same distributions, the checkout in `<env>/src/<name>` and each
// direct_url.json as pip writes it (real setuptools and hatchling from the local index). A second
// sync does nothing, and pip's env already matches; another commit moves the checkout and
// reinstalls that project only; `--src DIR` puts the checkout in DIR (for `install -e` too); a
// branch instead of a commit is refused, the env unchanged, and so is the checkout under
// --require-hashes, in pip's words.
import { test, before, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { realPip, type RealPip } from '../helpers/real-pip.js';
import { directRefsSetup, writeProject, directUrl, distInfos, sitePackages } from '../build/helpers.js';

const { tmp, env, python, hasGit, vk } = directRefsSetup('vk-sync-evcs-');
const url = (path: string) => pathToFileURL(path).href;
const sync = (target: string, file: string, more: string[] = []) => {
  const r = vk(['sync', '--env', target, '--json', ...more, file]);
  assert.equal(r.status, 0, `sync ${file}: ${r.stdout}${r.stderr}`);
  return JSON.parse(r.stdout) as { alreadySynced: boolean; installed: { name: string; previous?: string }[]; removed: { name: string }[] };
};
const write = (name: string, lines: string[]) => (writeFileSync(join(tmp, name), `${lines.join('\n')}\n`), join(tmp, name));
const repo = join(tmp, 'evcs');
const git = (a: string[], cwd = repo) => spawnSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.com', '-c', 'init.defaultBranch=main', ...a], { cwd, encoding: 'utf8' });
const head = (dir: string) => git(['rev-parse', 'HEAD'], dir).stdout.trim();
const greeting = (root: string) => spawnSync(join(root, 'bin', 'python'), ['-c', 'import evcs; print(evcs.GREETING)'], { encoding: 'utf8' }).stdout.trim();
const commits: string[] = [];
const line = (commit: string) => `-e git+${url(repo)}@${commit}#egg=evcs`;

before(() => {
  if (!hasGit || !python) return;
  writeProject(repo, 'setuptools', 'evcs');
  for (const a of [['init', '-q'], ['add', '-A'], ['commit', '-qm', 'one']]) assert.equal(git(a).status, 0);
  commits.push(head(repo));
  writeFileSync(join(repo, 'evcs', '__init__.py'), 'GREETING = "two"\n\ndef main():\n    print(GREETING)\n');
  assert.equal(git(['commit', '-qam', 'two']).status, 0);
  commits.push(head(repo));
  writeProject(join(tmp, 'bare'), 'hatchling', 'barepkg');
});

function needs(t: TestContext): RealPip | undefined | false {
  if (!python || !hasGit) {
    const why = !python ? 'no CPython 3.11/3.12 under $PYENV_ROOT' : 'git is not installed';
    if (process.env.CI === 'true') assert.fail(why);
    t.skip(why);
    return false;
  }
  return realPip(t, join(tmp, 'pip'));
}

test('-e git+URL@COMMIT#egg=name and ./dir: synced as pip 26.2 installs them (checkout in <env>/src), kept, moved to another commit; --src', { timeout: 900_000 }, (t) => {
  const p = needs(t);
  if (p === false) return;
  const lock = write('requirements.txt', [line(commits[0]!), './bare']);
  const target = join(tmp, 'env-vk');
  assert.equal(vk(['create', '-q', '--without-pip', '-p', python!, target]).status, 0);
  const first = sync(target, lock);
  assert.deepEqual(first.installed.map((i) => i.name).sort(), ['barepkg', 'evcs'], JSON.stringify(first));
  assert.deepEqual(distInfos(target), ['barepkg-0.1.dist-info', 'evcs-0.1.dist-info']);
  assert.equal(head(join(target, 'src', 'evcs')), commits[0], 'the checkout is at the locked commit, in <env>/src/evcs');
  assert.equal(greeting(target), 'hello from evcs', 'installed editable from the checkout');
  assert.deepEqual(directUrl(target, 'evcs-0.1.dist-info'), { url: url(join(target, 'src', 'evcs')), dir_info: { editable: true } });
  assert.deepEqual(directUrl(target, 'barepkg-0.1.dist-info'), { url: url(join(tmp, 'bare')), dir_info: {} });
  assert.equal(sync(target, lock).alreadySynced, true, 'a second sync does nothing');

  if (p) {
    // pip 26.2, the same file: the same distributions and records (its checkout in its env's src/), and its env already matches.
    const viaPip = join(tmp, 'env-pip');
    assert.equal(spawnSync(python!, ['-m', 'venv', '--without-pip', viaPip]).status, 0);
    const r = p.run(['-m', 'pip', '--python', join(viaPip, 'bin', 'python'), 'install', '-q', '--no-cache-dir', '-r', lock], { cwd: tmp, env });
    assert.equal(r.status, 0, r.stderr);
    assert.deepEqual(distInfos(viaPip), distInfos(target));
    for (const d of distInfos(target)) {
      const relative = (root: string) => JSON.parse(JSON.stringify(directUrl(root, d)).replaceAll(url(root), 'ENV'));
      assert.deepEqual(relative(target), relative(viaPip), `${d}: direct_url.json is pip's`);
    }
    assert.equal(head(join(viaPip, 'src', 'evcs')), commits[0]);
    assert.equal(sync(viaPip, lock).alreadySynced, true, "pip's env already matches");
  }

  // Another commit: the checkout moves there and evcs alone is installed again.
  const moved = write('moved.txt', [line(commits[1]!), './bare']);
  const changed = sync(target, moved);
  assert.deepEqual(changed.installed.map((i) => [i.name, i.previous]), [['evcs', '0.1']], JSON.stringify(changed));
  assert.equal(head(join(target, 'src', 'evcs')), commits[1]);
  assert.equal(greeting(target), 'two');
  assert.equal(sync(target, moved).alreadySynced, true);

  // A branch is not a lock: refused, nothing changed.
  const before = distInfos(target);
  const branch = vk(['sync', '--env', target, write('branch.txt', [line('main'), './bare'])]);
  assert.equal(branch.status, 1, branch.stdout + branch.stderr);
  assert.match(branch.stderr, /-e git\+file:.*@main#egg=evcs is not pinned to a commit/);
  assert.match(branch.stderr, /\nhint: /);
  assert.deepEqual(distInfos(target), before);
  assert.equal(head(join(target, 'src', 'evcs')), commits[1]);

  // In hash-checking mode an editable checkout is refused, in pip 26.2's words.
  const rh = write('require-hashes.txt', ['--require-hashes', line(commits[1]!)]);
  const refused = vk(['sync', '--env', target, rh]);
  assert.equal(refused.status, 1, refused.stdout + refused.stderr);
  const ours = /^error: (.*)/m.exec(refused.stderr)?.[1];
  assert.match(ours ?? '', /^The editable requirement evcs from git\+file:.* cannot be installed when requiring hashes/);
  if (p) {
    const theirs = /^ERROR: (.*)/m.exec(p.run(['-m', 'pip', 'install', '--dry-run', '--no-index', '--no-cache-dir', '-r', rh], { cwd: tmp, env }).stderr)?.[1];
    assert.equal(ours, theirs?.replace(/git\+file:\/(?!\/)/g, 'git+file:///'), 'pip 26.2 says the same');
  }

  // --src DIR, for install -e as for sync: the checkout goes to DIR/evcs, and sync finds what install made.
  const other = join(tmp, 'env-src');
  assert.equal(vk(['create', '-q', '--without-pip', '-p', python!, other]).status, 0);
  const installed = vk(['install', '--env', other, '--src', 'checkouts', '-e', `git+${url(repo)}@${commits[0]}#egg=evcs`]);
  assert.equal(installed.status, 0, installed.stderr);
  assert.equal(head(join(tmp, 'checkouts', 'evcs')), commits[0], 'install --src');
  assert.ok(!existsSync(join(other, 'src')));
  const only = write('only-evcs.txt', [line(commits[0]!)]);
  assert.equal(sync(other, only, ['--src', join(tmp, 'checkouts')]).alreadySynced, true);
  const elsewhere = sync(other, only, ['--src', 'checkouts2']);
  assert.deepEqual(elsewhere.installed.map((i) => i.name), ['evcs']);
  assert.deepEqual(directUrl(other, 'evcs-0.1.dist-info'), { url: url(join(tmp, 'checkouts2', 'evcs')), dir_info: { editable: true } });
});
