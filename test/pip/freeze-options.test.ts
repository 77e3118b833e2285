// venvkit freeze's selection options equal pip 26.2's freeze on the same env, byte for byte on
// stdout (and the same warnings on stderr): -r FILE (comments, blank lines, index options, a
// missing requirement, a project listed twice and under two spellings, editable and directory
// lines, a wheel path that does not exist, a URL with #egg=, two files sharing lines, a line pip
// cannot read), --exclude, --exclude-editable with a real editable install, --path of a pip
// --target directory, --user, -l; and in a venv made with system site packages, with and without -l.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { venvkit } from '../helpers/cli.js';
import { pipRunEnv, realPip } from '../helpers/real-pip.js';

const tmp = realpathSync(mkdtempSync(join(tmpdir(), 'vk-freeze-opts-')));
after(() => rmSync(tmp, { recursive: true, force: true }));

/** pip's warnings and venvkit's, without their "WARNING: " / "warning: " prefixes. */
const warnings = (stderr: string, prefix: string) => stderr.split('\n').filter((l) => l.startsWith(prefix)).map((l) => l.slice(prefix.length));

test('freeze -r, --exclude, --exclude-editable, --path, --user and -l equal pip 26.2\'s', { timeout: 600_000 }, async (t) => {
  const pip = realPip(t, join(tmp, 'env'), ['six', 'attrs', 'python-dateutil', 'setuptools']);
  if (!pip) return;
  const env = pipRunEnv();
  // A real editable install (setuptools, PEP 660) and a --target directory.
  const proj = join(tmp, 'proj');
  mkdirSync(join(proj, 'proj_x'), { recursive: true });
  writeFileSync(join(proj, 'proj_x', '__init__.py'), '');
  writeFileSync(join(proj, 'pyproject.toml'), '[build-system]\nrequires = ["setuptools"]\nbuild-backend = "setuptools.build_meta"\n\n[project]\nname = "Proj_X"\nversion = "0.1"\n');
  const target = join(tmp, 'target');
  for (const args of [['--no-build-isolation', '-e', proj], ['--index-url', pip.index, '--target', target, 'six', 'attrs']]) {
    const r = pip.run(['-m', 'pip', 'install', '-q', ...args], { cwd: tmp });
    assert.equal(r.status, 0, r.stderr);
  }
  const site = pip.run(['-c', 'import sysconfig; print(sysconfig.get_paths()["purelib"])']).stdout.trim();

  writeFileSync(join(tmp, 'a.txt'), [
    '# pinned for production   ', '--index-url https://example.org/simple', '  # indented', '', 'Six>=1.0  # trailing comment',
    '-i https://mirror.example.org', '--pre', 'missing-pkg==1.0', 'attrs ; python_version >= "3"', 'six', '-f ./links', '',
    '# pinned for production', '-e ./proj', './proj', 'python_dateutil', 'Six', './dist/python_dateutil-2.9.0-py2.py3-none-any.whl',
    'https://example.com/x/archive.zip#egg=Missing_One', '-e git+https://example.com/r.git#egg=Proj_X',
  ].join('\n') + '\n');
  writeFileSync(join(tmp, 'b.txt'), ['-r other.txt', '--extra-index-url=https://e.example.org', '-f ./links', '# pinned for production', 'PIP', 'setuptools', 'attrs'].join('\r\n') + '\r\n');
  writeFileSync(join(tmp, 'bad.txt'), 'six\n--no-binary :all:\nattrs\n');
  // Names from a wheel URL (with a marker), `name @ URL` editables, a file: URL's #egg=, a directory with extras, a VCS URL's #egg=.
  writeFileSync(join(tmp, 'c.txt'), [
    'https://example.com/pkgs/Six-1.0-py2.py3-none-any.whl; python_version > "3"', `-e Proj-X @ file://${proj}`, `-e file://${proj}#egg=proj_x`,
    './proj[extra]', 'git+https://example.com/r.git@v1#egg=python-dateutil', 'attrs[tests] @ file:///nowhere/attrs-1.0.tar.gz',
  ].join('\n') + '\n');
  writeFileSync(join(tmp, 'bad2.txt'), 'six\n-e git+https://example.com/no-name.git\n');

  const cases = [
    ['-r', 'a.txt'], ['-r', 'a.txt', '-r', 'b.txt'], ['--requirement=b.txt', '--exclude-editable', '-r', 'a.txt'], ['-r', 'b.txt', '--exclude', 'attrs', '--exclude', 'SIX'],
    ['--exclude', 'SIX', '--exclude', 'Python_Dateutil'], ['--exclude-editable'], ['--exclude', 'proj-x', '--all'],
    ['--path', target], ['--path', target, '--path', site, '--exclude', 'setuptools'], ['--user'], ['-l'], ['--local', '--all'], ['-l', '--user'],
    ['--excl', 'six', '--exclude-e'],
    ['-r', 'c.txt'], ['-r', 'bad2.txt'],
    // Errors: a line pip cannot read (what came before it is printed), --path with -l or --user.
    ['-r', 'b.txt', '-r', 'bad.txt'], ['--path', target, '-l'], ['--path', target, '--user'],
  ].map((a) => ['freeze', ...a]);
  // pip's general options about the network, the cache, configuration and prompts: taken by
  // freeze, show and check, changing nothing; a bad value refused by both.
  const cert = join(tmp, 'a.txt');
  const general = [
    '--disable-pip-version-check', '--no-cache-dir', '--isolated', '--timeout', '5', '--default-timeout=3', '--retries', '1', '--resume-retries=2', '--no-input',
    '--no-color', '--cache-dir', join(tmp, 'cache'), '--proxy', 'http://127.0.0.1:9', '--no-proxy-env', '--trusted-host', 'h.example.org', '--keyring-provider', 'disabled',
    '--exists-action', 'i', '--require-virtualenv', '--no-python-version-warning', '--cert', cert, '--client-cert', cert, '--disable-pip',
  ];
  const generalCases = [['freeze', ...general], ['show', 'six', ...general], ['check', ...general], ['freeze', '--timeout', 'abc'], ['show', 'six', '--retries', '1.5'], ['check', '--exists-action', 'q']];
  const endOfFreeze = cases.length;
  cases.push(...generalCases);
  const theirs = pip.pipMany([...cases, ['list', '--path', target, '--local']], { cwd: tmp });
  cases.forEach((args, i) => {
    const ours = venvkit([...args, '--env', pip.dir], { env, cwd: tmp });
    assert.equal(ours.stdout, theirs[i]!.stdout, `venvkit ${args.join(' ')}\n${ours.stderr}`);
    assert.equal(ours.status === 0, theirs[i]!.status === 0, `exit status of ${args.join(' ')}: ${ours.status} vs ${theirs[i]!.status}\n${ours.stderr}`);
    assert.deepEqual(warnings(ours.stderr, 'warning: '), warnings(theirs[i]!.stderr, 'WARNING: '), `warnings of ${args.join(' ')}`);
  });
  // What the comparisons covered.
  assert.match(theirs[0]!.stdout, /^six==[\d.]+\n-i https:\/\/mirror\.example\.org\n--pre\nattrs==[\d.]+\n-f \.\/links\nSkipping line in requirement file \[a\.txt\] because it's not clear what it would install: \.\/proj\n/m);
  assert.match(theirs[0]!.stdout, /^python-dateutil==.*\n# Editable install with no version control \(Proj_X==0\.1\)\n-e \/.*\n## The following requirements were added by pip freeze:\n$/m);
  assert.match(theirs[0]!.stderr, /contains missing-pkg==1\.0, but package 'missing-pkg' is not installed/);
  assert.match(theirs[0]!.stderr, /Requirement Six included multiple times \[a\.txt\]/);
  assert.match(theirs[0]!.stderr, /looks like a filename, but the file does not exist/);
  // -r names pip and an excluded project: shown though freeze leaves them out otherwise.
  assert.match(theirs[3]!.stdout, /^pip==26\.2[^]*^attrs==/m);
  assert.doesNotMatch(theirs[3]!.stdout, /^six==/m);
  assert.match(theirs[2]!.stderr, /but package 'Proj_X' is not installed/);
  assert.equal(theirs[7]!.stdout.split('\n').filter((l) => /^(attrs|six)==/.test(l)).length, 2);
  assert.match(theirs[endOfFreeze - 3]!.stdout, /^six==/m);
  assert.notEqual(theirs[endOfFreeze - 3]!.status, 0);
  assert.match(theirs[endOfFreeze]!.stdout, /^six==/m);
  assert.match(theirs[endOfFreeze + 1]!.stdout, /^Name: six$/m);
  assert.equal(theirs[endOfFreeze + 2]!.status, 0);
  for (const i of [3, 4, 5]) assert.equal(theirs[endOfFreeze + i]!.status, 2, theirs[endOfFreeze + i]!.stderr);
  for (const i of [endOfFreeze - 2, endOfFreeze - 1, cases.length]) assert.match(theirs[i]!.stderr, /Cannot combine '--path' with '--user' or '--local'/);
  const list = venvkit(['list', '--path', target, '--local', '--env', pip.dir], { env, cwd: tmp });
  assert.equal(list.status === 0, false, list.stdout);

  // A venv that sees the system site packages and a user site: without -l, what its interpreter
  // sees; with -l, its own; --user, the user site's (pip runs on it with --python).
  const shared = join(tmp, 'shared-env');
  assert.equal(spawnSync(pip.python, ['-m', 'venv', '--without-pip', '--system-site-packages', shared]).status, 0);
  const sharedPy = join(shared, 'bin', 'python');
  const userEnv = { ...env, PYTHONUSERBASE: join(tmp, 'userbase') };
  const dist = (dir: string, name: string, version: string) => {
    mkdirSync(join(dir, `${name}-${version}.dist-info`), { recursive: true });
    writeFileSync(join(dir, `${name}-${version}.dist-info`, 'METADATA'), `Metadata-Version: 2.1\nName: ${name}\nVersion: ${version}\n\n`);
  };
  const paths = JSON.parse(spawnSync(sharedPy, ['-c', 'import json, site, sysconfig; print(json.dumps([site.getusersitepackages(), sysconfig.get_paths()["purelib"]]))'], { env: userEnv, encoding: 'utf8' }).stdout) as [string, string];
  dist(paths[0], 'epsilon', '0.5');
  dist(paths[1], 'zeta', '1.0');
  for (const args of [[], ['-l'], ['--user']]) {
    const pipOut = pip.run(['-m', 'pip', '--python', sharedPy, 'freeze', ...args], { env: userEnv });
    const ours = venvkit(['freeze', ...args, '--env', shared], { env: userEnv });
    assert.equal(ours.stdout, pipOut.stdout, `freeze ${args.join(' ')}\n${ours.stderr}`);
    assert.equal(/epsilon/.test(ours.stdout), args[0] !== '-l', ours.stdout);
    assert.equal(/zeta/.test(ours.stdout), args[0] !== '--user', ours.stdout);
  }
});
