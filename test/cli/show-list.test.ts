// venvkit show and list print what pip 26.2 prints, compared on the same env (real pip 26.2 filled
// it from the local index and a find-links directory of wheels made here): show's fields (with -f,
// -v, several names, a missing one), list's columns/freeze/json formats, -v, --not-required, and
// --outdated/--uptodate (with --pre) against the same find-links; --exclude, -e, --exclude-editable,
// --include-editable, --path and --user (also in a venv that sees the user site).
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { venvkit } from '../helpers/cli.js';
import { buildWheel } from '../helpers/wheels.js';
import { pipRunEnv, realPip } from '../helpers/real-pip.js';

const tmp = realpathSync(mkdtempSync(join(tmpdir(), 'vk-show-list-')));
after(() => rmSync(tmp, { recursive: true, force: true }));

test('show and list equal pip 26.2\'s output on the same environment', { timeout: 600_000 }, async (t) => {
  const pip = realPip(t, join(tmp, 'env'), ['six', 'python-dateutil', 'attrs', 'click']);
  if (!pip) return;
  const wheels = join(tmp, 'wheels');
  mkdirSync(wheels);
  const meta = (name: string, version: string, extra: string[] = []) => ['Metadata-Version: 2.1', `Name: ${name}`, `Version: ${version}`, ...extra].join('\n') + '\n\nBody.\n';
  for (const v of ['1.0', '2.0', '3.0rc1']) buildWheel(wheels, { name: 'Alpha', version: v, files: { 'alpha/__init__.py': '' }, metadata: meta('Alpha', v, ['Summary: The first one']) });
  buildWheel(wheels, { name: 'beta', version: '1.0', files: { 'beta/__init__.py': '' }, metadata: meta('beta', '1.0', ['Requires-Dist: alpha>=1', 'Requires-Dist: Gamma; python_version < "3"', 'Requires-Dist: gamma[x]; extra == "more"', 'Provides-Extra: more']) });
  buildWheel(wheels, {
    name: 'gamma', version: '1.0', files: { 'gamma/__init__.py': '', 'gamma/sub/__init__.py': '' }, console: { 'gamma-run': 'gamma:main' },
    metadata: ['Metadata-Version: 2.4', 'Name: gamma', 'Version: 1.0', 'Summary: Third', 'Author-email: G <g@example.org>', 'License-Expression: MIT', 'License: ignored when an expression is given', 'Project-URL: Home_Page, https://example.org/gamma', 'Project-URL: Source, https://example.org/src', 'Classifier: Programming Language :: Python :: 3', 'Classifier: License :: OSI Approved'].join('\n') + '\n\nBody.\n',
  });
  const env = pipRunEnv();
  const inst = pip.run(['-m', 'pip', 'install', '-q', '--no-index', '-f', wheels, 'alpha==1.0', 'beta', 'gamma']);
  assert.equal(inst.status, 0, inst.stderr);

  // Each batch: pip's outputs from one python process (pip.pipMany), then venvkit's, compared.
  const same = (cases: string[][]) => {
    const theirs = pip.pipMany(cases);
    return cases.map((args, i) => {
      const ours = venvkit([...args, '--env', pip.dir], { env });
      assert.equal(ours.stdout, theirs[i].stdout, `venvkit ${args.join(' ')}\n${ours.stderr}`);
      assert.equal(ours.status === 0, theirs[i].status === 0, `exit status of ${args.join(' ')}: ${ours.status} vs ${theirs[i].status}`);
      return ours;
    });
  };
  const shows = ['six', 'python-dateutil', 'attrs', 'click', 'alpha', 'beta', 'gamma', 'pip'].flatMap((name) => [['show', name], ['show', '-f', name], ['show', '-v', name]]);
  const index = ['--no-index', '-f', wheels];
  const lists = [[], ['--format', 'freeze'], ['--format', 'json'], ['-v'], ['--format', 'json', '-v'], ['--format', 'freeze', '-v'], ['--not-required'], ['--not-required', '--format', 'json']];
  const outdatedLists = [['--outdated'], ['--uptodate'], ['--outdated', '--format', 'json'], ['--outdated', '--pre'], ['--uptodate', '--pre'], ['--outdated', '-v']];
  const first = same([
    ...shows, ['show', 'GAMMA', 'six', 'Alpha'], ['show', 'six', 'no-such-thing'], ['show', 'no-such-thing'],
    ...lists.map((a) => ['list', ...a]), ...outdatedLists.map((a) => ['list', ...index, ...a]),
  ]);
  assert.match(first[0].stdout, /^Name: six$/m);
  assert.match(first[shows.length + 1].stderr, /Package\(s\) not found: no-such-thing/);
  const outdated = venvkit(['list', '--env', pip.dir, ...index, '--outdated'], { env });
  assert.match(outdated.stdout, /^Alpha +1\.0 +2\.0 +wheel$/m);

  // venvkit's own JSON carries its format version; pip's --format json does not.
  const ours = JSON.parse(venvkit(['list', '--env', pip.dir, '--json'], { env }).stdout);
  assert.equal(ours.version, '1');
  assert.ok(ours.packages.some((p: { name: string }) => p.name === 'gamma'));
  const r = venvkit(['list', '--env', pip.dir, '--outdated', '--format', 'freeze'], { env });
  assert.equal(r.status, 2);

  // Selection: --exclude, editables (gamma made an editable install of a project dir, as pip
  // records one: PEP 610 dir_info.editable), --path, --user.
  const site = pip.run(['-c', 'import sysconfig; print(sysconfig.get_paths()["purelib"])']).stdout.trim();
  const project = join(tmp, 'gamma-project');
  mkdirSync(project);
  writeFileSync(join(site, 'gamma-1.0.dist-info', 'direct_url.json'), JSON.stringify({ url: pathToFileURL(project).href, dir_info: { editable: true } }));
  const other = join(tmp, 'other-site');
  mkdirSync(join(other, 'delta-2.0.dist-info'), { recursive: true });
  writeFileSync(join(other, 'delta-2.0.dist-info', 'METADATA'), meta('delta', '2.0'));
  same([
    [], ['--exclude', 'six', '--exclude', 'Python_Dateutil'], ['--not-required', '--exclude', 'beta'], ['-e'], ['--editable', '--format', 'json'],
    ['--exclude-editable'], ['--exclude-editable', '--include-editable'], ['--include-editable', '--exclude-editable', '--format', 'freeze'], ['-e', '--exclude-editable'],
    ['--path', other], ['--path', other, '--path', site], ['--path', site, '--exclude', 'pip', '-e'], ['--user'], ['--user', '--format', 'json'],
    ['--path', other, '--user'],
  ].map((a) => ['list', ...a]));
  // --user where the user site is seen (a venv with system site packages): what is there.
  const userBase = join(tmp, 'userbase');
  const shared = join(tmp, 'shared-env');
  assert.equal(spawnSync(pip.python, ['-m', 'venv', '--without-pip', '--system-site-packages', shared]).status, 0);
  const sharedPy = join(shared, 'bin', 'python');
  const userSite = spawnSync(sharedPy, ['-c', 'import site; print(site.getusersitepackages())'], { env: { ...env, PYTHONUSERBASE: userBase }, encoding: 'utf8' }).stdout.trim();
  mkdirSync(join(userSite, 'epsilon-0.5.dist-info'), { recursive: true });
  writeFileSync(join(userSite, 'epsilon-0.5.dist-info', 'METADATA'), meta('epsilon', '0.5'));
  const userEnv = { ...env, PYTHONUSERBASE: userBase };
  for (const args of [['--user'], ['--user', '--format', 'freeze']]) {
    const theirs = pip.run(['-m', 'pip', '--python', sharedPy, 'list', ...args], { env: userEnv });
    const ours = venvkit(['list', ...args, '--env', shared], { env: userEnv });
    assert.equal(ours.stdout, theirs.stdout, ours.stderr);
    assert.match(ours.stdout, /epsilon/);
  }
});
