// VCS requirements: pip's URL forms parsed; checkouts of local git repositories made here (git+file://)
// at a branch, a tag, full and short commits, a subdirectory; a missing rev fails with git's own
// message; hostile URLs are refused before git runs; Ctrl-C (AbortSignal) kills git and its children.
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { checkoutVcs, directUrlForVcs, isVcsUrl, parseVcsUrl } from '../../src/build/vcs.js';
import { isVenvkitError } from '../../src/errors.js';
import { parseRequirement } from '../../src/pep/pep508.js';
import { which } from '../helpers/shells.js';
import { realPip } from '../helpers/real-pip.js';
import { alive } from '../helpers/processes.js';

const tmp = mkdtempSync(join(tmpdir(), 'vk-vcs-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

test('parseVcsUrl: pip\'s forms', () => {
  const cases: [string, object][] = [
    ['git+https://example.com/org/repo.git', { url: 'https://example.com/org/repo.git' }],
    ['git+https://example.com/org/repo.git@v1.0#egg=demo', { url: 'https://example.com/org/repo.git', rev: 'v1.0', egg: 'demo' }],
    ['git+https://user:tok@example.com/repo@main', { url: 'https://user:tok@example.com/repo', rev: 'main' }],
    ['git+ssh://git@example.com/org/repo.git@0123abc#subdirectory=pkgs/a', { url: 'ssh://git@example.com/org/repo.git', rev: '0123abc', subdirectory: 'pkgs/a' }],
    ['git+ssh://git@example.com:2222/repo@feature/x', { url: 'ssh://git@example.com:2222/repo', rev: 'feature/x' }],
    ['git+git@example.com:org/repo.git@v2', { url: 'git@example.com:org/repo.git', rev: 'v2' }],
    ['git+http://example.com/repo#egg=demo[extra]&subdirectory=sub', { url: 'http://example.com/repo', egg: 'demo[extra]', subdirectory: 'sub' }],
    ['git+file:///srv/repos/demo@release%2F1', { url: 'file:///srv/repos/demo', rev: 'release/1' }],
    ['git+git://example.com/repo', { url: 'git://example.com/repo' }],
  ];
  for (const [input, want] of cases) {
    const { original, vcs, ...got } = parseVcsUrl(input);
    assert.equal(original, input);
    assert.equal(vcs, 'git');
    assert.deepEqual(got, want, input);
    assert.ok(isVcsUrl(input));
  }
  assert.ok(!isVcsUrl('https://example.com/x.tar.gz'));
  // `name @ git+...` requirements: PEP 508 gives the URL, parseVcsUrl the rest.
  const req = parseRequirement('demo[x] @ git+https://example.com/repo.git@v1#subdirectory=py ; python_version >= "3"');
  assert.equal(req.name, 'demo');
  assert.equal(parseVcsUrl(req.url!).rev, 'v1');
  assert.equal(parseVcsUrl(req.url!).subdirectory, 'py');
});

test('parseVcsUrl: hostile or malformed URLs are refused with BAD_REQUIREMENT', () => {
  const cases: [string, RegExp][] = [
    ['git+https://example.com/repo@', /empty revision/],
    ['git+https://example.com/repo@--upload-pack=touch', /starts with '-'/],
    ['git+-oProxyCommand=touch:x', /scp-like|starts with '-'/],
    ['git+ext::sh -c touch% /tmp/pwned', /whitespace/],
    ['git+ext::sh%20-c%20touch', /not a URL git can clone/],
    ['git+fd::17/foo', /not a URL git can clone/],
    ['git+https://example.com/repo#subdirectory=../../etc', /relative path inside/],
    ['git+https://example.com/repo#subdirectory=/etc', /relative path inside/],
    ['git+https://example.com/repo#egg=not a name', /whitespace|not a project name/],
    ['hg+https://example.com/repo', /hg repositories are not supported/],
    ['git+ftp://example.com/repo', /git\+ftp:\/\/ is not supported/],
  ];
  for (const [input, msg] of cases) {
    assert.throws(() => parseVcsUrl(input), (e: unknown) => isVenvkitError(e, 'BAD_REQUIREMENT') && msg.test((e as Error).message) && !!(e as { hint?: string }).hint, input);
  }
});

test('directUrlForVcs: PEP 610 vcs_info as pip writes it, credentials stripped', () => {
  assert.deepEqual(directUrlForVcs(parseVcsUrl('git+https://u:secret@example.com/r.git@v1#subdirectory=a/b&egg=x'), 'c'.repeat(40)), {
    url: 'https://example.com/r.git', vcs_info: { vcs: 'git', commit_id: 'c'.repeat(40), requested_revision: 'v1' }, subdirectory: 'a/b',
  });
  assert.deepEqual(directUrlForVcs(parseVcsUrl('git+ssh://git@example.com/r.git'), 'd'.repeat(40)), {
    url: 'ssh://git@example.com/r.git', vcs_info: { vcs: 'git', commit_id: 'd'.repeat(40) },
  });
  assert.equal(directUrlForVcs(parseVcsUrl('git+https://${USER}:${TOKEN}@example.com/r.git'), 'e').url, 'https://${USER}:${TOKEN}@example.com/r.git');
});

// A local repository: main (c1 <- c2 <- c3), branch feature (c1 <- f1), annotated tag v1.0 on c2, sub/pkg in c3.
const repo = join(tmp, 'repo');
const commits: Record<string, string> = {};
let haveGit = true;
const g = (args: string[], cwd = repo) => {
  const r = spawnSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.com', '-c', 'init.defaultBranch=main', ...args], { cwd, encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  return r.stdout.trim();
};
before(() => {
  if (!which('git')) {
    if (process.env.CI === 'true') throw new Error('git is not installed, but CI installs it (.ci/run)');
    haveGit = false;
    return;
  }
  mkdirSync(repo);
  g(['init', '-q']);
  const commit = (name: string, files: Record<string, string>) => {
    for (const [f, text] of Object.entries(files)) {
      mkdirSync(join(repo, f, '..'), { recursive: true });
      writeFileSync(join(repo, f), text);
    }
    g(['add', '-A']);
    g(['commit', '-q', '-m', name]);
    commits[name] = g(['rev-parse', 'HEAD']);
  };
  commit('c1', { 'which.txt': 'c1\n' });
  g(['checkout', '-q', '-b', 'feature']);
  commit('f1', { 'which.txt': 'f1\n' });
  g(['checkout', '-q', 'main']);
  commit('c2', { 'which.txt': 'c2\n' });
  g(['tag', '-a', 'v1.0', '-m', 'release']);
  commit('c3', { 'which.txt': 'c3\n', 'sub/pkg/pyproject.toml': '[project]\nname = "sub"\n' });
});
const needGit = (t: { skip(m: string): void }) => {
  if (!haveGit) t.skip('git is not installed');
  return haveGit;
};

let n = 0;
const dest = () => join(tmp, `co${n++}`);
const url = () => `git+${pathToFileURL(repo).href}`;

test('checkout: default branch, branch, tag, full and short commit, subdirectory', async (t) => {
  if (!needGit(t)) return;
  const cases: [string, string, string | undefined][] = [
    ['', 'c3', undefined],
    ['@feature', 'f1', 'feature'],
    ['@v1.0', 'c2', 'v1.0'],
    [`@${commits.c1}`, 'c1', commits.c1],
    [`@${commits.f1!.slice(0, 9)}`, 'f1', commits.f1!.slice(0, 9)],
    ['@main', 'c3', 'main'],
  ];
  for (const [suffix, want, requested] of cases) {
    const d = dest();
    const spec = parseVcsUrl(url() + suffix + '#egg=demo');
    const r = await checkoutVcs(spec, d);
    assert.equal(r.dir, d);
    assert.equal(r.commitId, commits[want], suffix);
    assert.equal(r.requestedRevision, requested);
    assert.equal(readFileSync(join(d, 'which.txt'), 'utf8'), `${want}\n`, suffix);
    assert.deepEqual(directUrlForVcs(spec, r.commitId).vcs_info, { vcs: 'git', commit_id: commits[want], ...(requested ? { requested_revision: requested } : {}) });
  }
  const d = dest();
  const r = await checkoutVcs(parseVcsUrl(`${url()}@main#subdirectory=sub/pkg`), d);
  assert.equal(r.dir, join(d, 'sub', 'pkg'));
  assert.equal(r.root, d);
  assert.ok(existsSync(join(r.dir, 'pyproject.toml')));
  const d2 = dest();
  await assert.rejects(checkoutVcs(parseVcsUrl(`${url()}@v1.0#subdirectory=sub/pkg`), d2), (e: unknown) => isVenvkitError(e, 'VCS_FAILED') && /no directory sub\/pkg/.test((e as Error).message));
  assert.deepEqual(readdirSync(d2), []);
});

test('a rev that does not exist: VCS_FAILED with git\'s own message, nothing left', async (t) => {
  if (!needGit(t)) return;
  for (const [rev, gitSays] of [['no-such-branch', /Remote branch no-such-branch not found in upstream origin/], ['deadbeef12', /pathspec 'deadbeef12' did not match/]] as const) {
    const d = dest();
    await assert.rejects(checkoutVcs(parseVcsUrl(`${url()}@${rev}`), d), (e: unknown) => {
      assert.ok(isVenvkitError(e, 'VCS_FAILED'), String(e));
      assert.match((e as Error).message, gitSays);
      assert.match((e as { hint: string }).hint, /revision after @ does not exist/);
      return true;
    });
    assert.deepEqual(readdirSync(d), []);
  }
  const d = dest();
  await assert.rejects(checkoutVcs(parseVcsUrl(`git+${pathToFileURL(join(tmp, 'nowhere')).href}`), d), (e: unknown) => isVenvkitError(e, 'VCS_FAILED') && /nowhere/.test((e as Error).message));
});

test('hardening: the ext:: transport never runs, and an option-like rev never reaches git', async (t) => {
  if (!needGit(t)) return;
  const marker = join(tmp, 'PWNED');
  const d = dest();
  // A spec made by hand (parseVcsUrl refuses it), and a user whose git config allows ext::
  // (git's default is "never"): venvkit's own -c protocol.ext.allow=never must still win.
  const cfg = join(tmp, 'gitconfig-ext');
  writeFileSync(cfg, '[protocol "ext"]\n\tallow = always\n');
  const env = { ...process.env, GIT_CONFIG_GLOBAL: cfg };
  await assert.rejects(checkoutVcs({ vcs: 'git', original: 'x', url: `ext::sh -c touch% ${marker}` }, d, { env }), (e: unknown) => isVenvkitError(e, 'VCS_FAILED'));
  assert.ok(!existsSync(marker), 'ext:: ran a command');
  await assert.rejects(checkoutVcs({ vcs: 'git', original: 'x', url: url().slice(4), rev: `--upload-pack=touch ${marker}` }, dest()), (e: unknown) => isVenvkitError(e, 'BAD_REQUIREMENT'));
  assert.ok(!existsSync(marker));
});

test('an AbortSignal kills git and the processes it started', async (t) => {
  if (process.platform === 'win32') return t.skip('process groups are POSIX');
  // A stand-in git that starts a child and waits, as git does with its remote helpers.
  const fake = join(tmp, 'slow-git');
  const pidFile = join(tmp, 'child.pid');
  writeFileSync(fake, `#!/bin/sh\nsleep 60 &\necho $! > ${pidFile}\nwait\n`);
  chmodSync(fake, 0o755);
  const ac = new AbortController();
  const d = dest();
  const p = checkoutVcs(parseVcsUrl('git+https://example.invalid/repo.git'), d, { signal: ac.signal, git: fake });
  // The shell creates the file before it writes the number: wait for the whole line
  // (an empty read would give pid 0, which names this test's own process group).
  const readPid = () => (existsSync(pidFile) ? /^(\d+)\n/.exec(readFileSync(pidFile, 'utf8'))?.[1] : undefined);
  for (let i = 0; i < 200 && !readPid(); i++) await new Promise((r) => setTimeout(r, 50));
  const childPid = Number(readPid());
  assert.ok(childPid > 0, 'the stand-in git never wrote its child\'s pid');
  const t0 = Date.now();
  ac.abort();
  await assert.rejects(p, (e: unknown) => isVenvkitError(e, 'INTERRUPTED'));
  assert.ok(Date.now() - t0 < 10_000, 'the abort waited for git\'s child to end by itself');
  // SIGKILL is delivered at once, but the kernel may take a moment to tear the process down.
  for (let i = 0; i < 50 && alive(childPid); i++) await new Promise((r) => setTimeout(r, 100));
  assert.ok(!alive(childPid), 'git\'s child is still running');
  assert.deepEqual(readdirSync(d), []);
});

test('submodules are checked out, as pip does (git submodule update --init --recursive)', async (t) => {
  if (!needGit(t)) return;
  const sub = join(tmp, 'subrepo');
  mkdirSync(sub);
  g(['init', '-q'], sub);
  writeFileSync(join(sub, 'inner.txt'), 'inner\n');
  g(['add', '-A'], sub);
  g(['commit', '-q', '-m', 'inner'], sub);
  const top = join(tmp, 'toprepo');
  mkdirSync(top);
  g(['init', '-q'], top);
  // git allows the file transport for submodules only when the user says so (CVE-2022-39253).
  const allowFile = { GIT_CONFIG_COUNT: '1', GIT_CONFIG_KEY_0: 'protocol.file.allow', GIT_CONFIG_VALUE_0: 'always' };
  const r = spawnSync('git', ['-c', 'protocol.file.allow=always', 'submodule', 'add', '-q', pathToFileURL(sub).href, 'vendor/inner'], { cwd: top, encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  g(['commit', '-q', '-m', 'with submodule'], top);
  const d = dest();
  await checkoutVcs(parseVcsUrl(`git+${pathToFileURL(top).href}`), d, { env: { ...process.env, ...allowFile } });
  assert.equal(readFileSync(join(d, 'vendor', 'inner', 'inner.txt'), 'utf8'), 'inner\n');
});

test('direct_url.json for a VCS install: the same as pip 26.2 writes for the same URL', { timeout: 300_000 }, async (t) => {
  if (!needGit(t)) return;
  const pip = realPip(t, join(tmp, 'pipenv'), ['setuptools']);
  if (!pip) return;
  const proj = join(tmp, 'pyrepo');
  mkdirSync(join(proj, 'py', 'vcsdemo'), { recursive: true });
  writeFileSync(join(proj, 'py', 'setup.py'), 'from setuptools import setup\nsetup(name="vcsdemo", version="1.0", packages=["vcsdemo"])\n');
  writeFileSync(join(proj, 'py', 'vcsdemo', '__init__.py'), '');
  g(['init', '-q'], proj);
  g(['add', '-A'], proj);
  g(['commit', '-q', '-m', 'one'], proj);
  g(['tag', 'v1'], proj);
  const u = `git+${pathToFileURL(proj).href}@v1#egg=vcsdemo&subdirectory=py`;
  const inst = pip.run(['-m', 'pip', 'install', '-q', '--no-build-isolation', '--no-deps', u]);
  assert.equal(inst.status, 0, inst.stderr);
  const theirs = JSON.parse(pip.run(['-c', 'import importlib.metadata as m; print(m.distribution("vcsdemo").read_text("direct_url.json"))']).stdout) as object;
  const spec = parseVcsUrl(u);
  const ours = directUrlForVcs(spec, (await checkoutVcs(spec, dest())).commitId);
  assert.deepEqual(ours, theirs);
});
