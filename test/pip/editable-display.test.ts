// freeze and list show editables as pip 26.2 does, byte for byte: real pip 26.2 installs projects made
// here with `pip install -e` (setuptools with pyproject.toml, setup.py alone, hatchling; plain dirs
// and git checkouts with an origin remote in a subdirectory, no remote, a local bare remote, an
// unusable remote), then venvkit's freeze and list of that env are compared with pip's.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { venvkit } from '../helpers/cli.js';
import { realPip } from '../helpers/real-pip.js';
import { which } from '../helpers/shells.js';

const tmp = mkdtempSync(join(tmpdir(), 'vk-editables-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

function project(dir: string, kind: 'setuptools' | 'setup.py' | 'hatchling', name: string): string {
  const mod = name.replace(/[-.]/g, '_').toLowerCase();
  mkdirSync(join(dir, mod), { recursive: true });
  writeFileSync(join(dir, mod, '__init__.py'), 'VALUE = 1\n');
  if (kind === 'setup.py') {
    writeFileSync(join(dir, 'setup.py'), `from setuptools import setup\nsetup(name=${JSON.stringify(name)}, version="0.3", packages=[${JSON.stringify(mod)}])\n`);
  } else {
    const backend = kind === 'setuptools' ? 'requires = ["setuptools"]\nbuild-backend = "setuptools.build_meta"' : 'requires = ["hatchling"]\nbuild-backend = "hatchling.build"';
    writeFileSync(join(dir, 'pyproject.toml'), `[build-system]\n${backend}\n\n[project]\nname = ${JSON.stringify(name)}\nversion = "1.0"\n` + (kind === 'hatchling' ? `\n[tool.hatch.build.targets.wheel]\npackages = [${JSON.stringify(mod)}]\n` : ''));
  }
  return dir;
}

function git(cwd: string, ...args: string[]): void {
  const r = spawnSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.com', '-c', 'init.defaultBranch=main', ...args], { cwd, encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
}

function repo(dir: string, remote?: string): void {
  git(dir, 'init', '-q');
  if (remote !== undefined) git(dir, 'remote', 'add', 'origin', remote);
  git(dir, 'add', '-A');
  git(dir, 'commit', '-q', '-m', 'init');
}

test('freeze and list of editables equal pip 26.2\'s, byte for byte', { timeout: 600_000 }, async (t) => {
  if (!which('git')) {
    if (process.env.CI === 'true') assert.fail('git is not installed, but CI installs it (.ci/run)');
    return t.skip('git is not installed');
  }
  const pip = realPip(t, join(tmp, 'env'), ['setuptools', 'hatchling', 'editables']);
  if (!pip) return;
  const p = join(tmp, 'projects');
  const dirs = [
    project(join(p, 'plain-st'), 'setuptools', 'Plain_St'),
    project(join(p, 'legacy'), 'setup.py', 'legacy-pkg'),
    project(join(p, 'hatch'), 'hatchling', 'hatch-pkg'),
  ];
  // A monorepo with an origin remote: the project is in a subdirectory.
  const mono = join(p, 'mono');
  dirs.push(project(join(mono, 'pkgs', 'vcs-pkg'), 'hatchling', 'vcs-pkg'));
  writeFileSync(join(mono, 'README'), 'mono\n');
  repo(mono, 'https://example.com/org/mono.git');
  // A checkout with no remote, one whose remote is a local bare repository, one with an unusable remote.
  dirs.push(project(join(p, 'noremote'), 'setuptools', 'no-remote'));
  repo(join(p, 'noremote'));
  const bare = join(p, 'bare.git');
  mkdirSync(bare);
  git(bare, 'init', '-q', '--bare');
  dirs.push(project(join(p, 'localremote'), 'setuptools', 'local-remote'));
  repo(join(p, 'localremote'), bare);
  dirs.push(project(join(p, 'badremote'), 'setup.py', 'bad-remote'));
  repo(join(p, 'badremote'), 'not a url');
  dirs.push(project(join(p, 'scp'), 'setuptools', 'scp-remote'));
  repo(join(p, 'scp'), 'git@example.com:org/scp.git');

  const inst = pip.run(['-m', 'pip', 'install', '-q', '--no-build-isolation', '--no-deps', ...dirs.flatMap((d) => ['-e', d])]);
  assert.equal(inst.status, 0, inst.stderr);
  const env: NodeJS.ProcessEnv = { ...process.env, VENVKIT_CACHE_DIR: join(tmp, 'cache') };
  delete env.VIRTUAL_ENV;
  // pip's outputs first, all from one python process (pip's main() per command; none changes the env).
  const pipCommands = [['freeze'], ['freeze', '--all'], ['list'], ['list', '-v'], ['list', '--format', 'json']];
  const pipOut = new Map(pip.pipMany(pipCommands).map((r, i) => [pipCommands[i]!.join(' '), r]));
  const compare = (pipArgs: string[], ours: string[]) => {
    const theirs = pipOut.get(pipArgs.join(' '))!;
    assert.equal(theirs.status, 0, theirs.stderr);
    const mine = venvkit([...ours, '--env', pip.dir], { env });
    assert.equal(mine.status, 0, mine.stderr);
    assert.equal(mine.stdout, theirs.stdout, `venvkit ${ours.join(' ')} vs pip ${pipArgs.join(' ')}`);
    return mine.stdout;
  };
  const frozen = compare(['freeze'], ['freeze']);
  // What each kind looks like (and that the cases above really were exercised):
  assert.match(frozen, /^# Editable install with no version control \(Plain_St==1\.0\)\n-e \/.*\/plain-st$/m);
  assert.match(frozen, /^-e git\+https:\/\/example\.com\/org\/mono\.git@[0-9a-f]{40}#egg=vcs_pkg&subdirectory=pkgs\/vcs-pkg$/m);
  assert.match(frozen, /^# Editable Git install with no remote \(no-remote==1\.0\)$/m);
  assert.match(frozen, /^-e git\+file:\/\/\/.*\/bare\.git@[0-9a-f]{40}#egg=local_remote$/m);
  assert.match(frozen, /^# Editable Git install \(bad-remote==0\.3\) with either a deleted local remote or invalid URI:\n# 'not'$/m);
  assert.match(frozen, /^-e git\+ssh:\/\/git@example\.com\/org\/scp\.git@[0-9a-f]{40}#egg=scp_remote$/m);
  compare(['freeze', '--all'], ['freeze', '--all']);
  const listed = compare(['list'], ['list']);
  assert.match(listed, /^Package +Version +Editable project location\n/);
  compare(['list', '-v'], ['list', '-v']);
  const json = JSON.parse(venvkit(['list', '--json', '--env', pip.dir], { env }).stdout).packages as { name: string; editable_project_location?: string }[];
  const pipJson = JSON.parse(pipOut.get('list --format json')!.stdout) as { name: string; editable_project_location?: string }[];
  assert.deepEqual(json.map((x) => [x.name, x.editable_project_location]), pipJson.map((x) => [x.name, x.editable_project_location]));
  // freeze's output installs the same editables again (pip reads it back; nothing changes).
  const reqs = join(tmp, 'frozen.txt');
  writeFileSync(reqs, frozen.split('\n').filter((l) => l.startsWith('-e /')).join('\n') + '\n');
  const again = pip.run(['-m', 'pip', 'install', '-q', '--no-build-isolation', '--no-deps', '-r', reqs]);
  assert.equal(again.status, 0, again.stderr);
  assert.equal(venvkit(['freeze', '--env', pip.dir], { env }).stdout, frozen);
});
