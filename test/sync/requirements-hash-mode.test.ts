// pip 26.2's hash-checking mode, for `venvkit sync FILE` and `venvkit install -r FILE`, compared with
// pip 26.2 on the same files (a generated index): a project directory, a git checkout or an
// editable is refused in pip's words when another line's --hash turns the mode on (not only under
// --require-hashes), and so is it when a constraint's --hash does; pip's configuration's
// no-require-hashes (a file's [install] or [global], PIP_NO_REQUIRE_HASHES) turns the mode off,
// with the precedence of pip (the environment over the files), and with require-hashes is an error.
import { test, before, after, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { venvkit } from '../helpers/cli.js';
import { writeStaticIndex } from '../helpers/index-server.js';
import { realPip, type RealPip } from '../helpers/real-pip.js';
import { buildWheel } from '../helpers/wheels.js';
import { python3x, snapshot } from '../pip/helpers.js';
import { writeInTreeProject } from '../build/helpers.js';

const tmp = mkdtempSync(join(tmpdir(), 'vk-hash-mode-'));
after(() => rmSync(tmp, { recursive: true, force: true }));
const python = python3x();
const hasGit = spawnSync('git', ['--version']).status === 0;
const files = join(tmp, 'files');
const config = join(tmp, 'pip.conf');
let index = '';
let pip: RealPip | undefined;
let target = '';

/** No pip configuration, proxies or VIRTUAL_ENV of this machine; pip's configuration is `config`. */
const baseEnv: NodeJS.ProcessEnv = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^(PIP_|VIRTUAL_ENV$|(https?|all|no)_proxy$)/i.test(k)));
Object.assign(baseEnv, { PIP_CONFIG_FILE: config, PIP_DISABLE_PIP_VERSION_CHECK: '1', PIP_NO_INPUT: '1', PIP_NO_CACHE_DIR: '1', VENVKIT_CACHE_DIR: join(tmp, 'cache') });

const url = (path: string) => pathToFileURL(path).href;
const sha256 = (name: string) => createHash('sha256').update(readFileSync(join(files, name))).digest('hex');
const write = (name: string, lines: string[]) => (writeFileSync(join(tmp, name), `${lines.join('\n')}\n`), join(tmp, name));
/** The hashed line that turns the mode on. */
const hashedLine = () => `ha==1.0 --hash=sha256:${sha256('ha-1.0-py3-none-any.whl')}`;

before(() => {
  if (!python) return;
  mkdirSync(files, { recursive: true });
  for (const name of ['ha', 'hb']) buildWheel(files, { name, version: '1.0', files: { [`${name}.py`]: 'VALUE = 1\n' } });
  index = writeStaticIndex(files, join(tmp, 'index'));
  writeInTreeProject(join(tmp, 'projdir'), 'projdir');
  writeFileSync(config, '');
  const r = venvkit(['create', '-q', '--without-pip', '-p', python, join(tmp, 'target')], { env: baseEnv });
  assert.equal(r.status, 0, r.stderr);
  target = join(tmp, 'target');
});

/** This file's pip 26.2 env, made once; realPip skips the test (fails under CI) where there is no CPython 3.11/3.12. */
function needsPip(t: TestContext): RealPip | undefined {
  return (pip ??= realPip(t, join(tmp, 'pip')));
}

type Run = { status: number | null; stdout: string; stderr: string };
/** pip's arguments for a dry run of `-r file` (its own env has nothing of the index installed, as the target). */
const pipArgs = (file: string, report: string) => ['install', '--dry-run', '-q', '--report', report, '-i', index, '-r', file];
const reported = (status: number | null, report: string) => (status === 0 ? (JSON.parse(readFileSync(report, 'utf8')).install as { metadata: { name: string } }[]).map((i) => i.metadata.name).sort() : []);
/** pip 26.2's dry run of `-r file`, and the names it would install. */
function pipRun(p: RealPip, file: string, env: NodeJS.ProcessEnv): Run & { names: string[] } {
  const report = join(tmp, `report-${Math.random()}.json`);
  const r = p.run(['-m', 'pip', ...pipArgs(file, report)], { cwd: tmp, env });
  return { ...r, names: reported(r.status, report) };
}
/** venvkit's sync and install -r of `file` (dry runs), and the names each would install. */
function ours(file: string, env: NodeJS.ProcessEnv): { sync: Run & { names: string[] }; install: Run & { names: string[] } } {
  const names = (r: Run) => (r.status === 0 ? (JSON.parse(r.stdout).installed as { name: string }[]).map((i) => i.name).sort() : []);
  const sync = venvkit(['sync', '--env', target, '--dry-run', '--json', '-i', index, file], { env, cwd: tmp });
  const install = venvkit(['install', '--env', target, '--dry-run', '--json', '-i', index, '-r', file], { env, cwd: tmp });
  return { sync: { ...sync, names: names(sync) }, install: { ...install, names: names(install) } };
}
/** The first error and the lines indented under it, pip's (`ERROR: `) or venvkit's (`error: `, --json: its message). */
const pipError = (stderr: string) => /^ERROR: (.*(?:\n {4}.*)*)/m.exec(stderr)?.[1];
const ourError = (r: Run) => (r.stdout.trim().startsWith('{') ? JSON.parse(r.stdout).error?.message : /^error: (.*(?:\n {4}.*)*)/m.exec(r.stderr)?.[1]) as string | undefined;

test('a --hash on one line (or on a constraint): a directory, a git checkout and an editable are refused by sync and install -r in pip 26.2\'s words; the env is unchanged', { timeout: 600_000 }, (t) => {
  const p = needsPip(t);
  if (!p) return;
  const dir = join(tmp, 'projdir');
  const lines = [`./projdir`, `projdir @ ${url(dir)}`, `-e ${url(dir)}`];
  if (hasGit) {
    const repo = join(tmp, 'gitproj');
    writeInTreeProject(repo, 'gitproj');
    const g = (a: string[]) => spawnSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.com', '-c', 'init.defaultBranch=main', ...a], { cwd: repo, encoding: 'utf8' });
    for (const a of [['init', '-q'], ['add', '-A'], ['commit', '-qm', 'one']]) assert.equal(g(a).status, 0);
    const commit = g(['rev-parse', 'HEAD']).stdout.trim();
    lines.push(`git+${url(repo)}@${commit}#egg=gitproj`, `gitproj @ git+${url(repo)}@${commit}`, `-e git+${url(repo)}@${commit}#egg=gitproj`);
  } else t.diagnostic('git is not installed: the checkout lines are left out');
  writeFileSync(join(tmp, 'hashed-constraint.txt'), `${hashedLine()}\n`);
  const before = snapshot(target);
  const env = { ...baseEnv };
  let n = 0;
  const cases = lines.flatMap((line) => ([['a hashed line', [hashedLine()]], ['a hashed constraint', ['-c hashed-constraint.txt', 'ha==1.0']]] as const).map(([how, head]) => ({ line, how, file: write(`unhashable${n++}.txt`, [...head, line]) })));
  // pip's runs all in one process (pip imported once).
  const pipRuns = p.pipMany(cases.map((c) => pipArgs(c.file, join(tmp, 'unused.json'))), { cwd: tmp, env });
  for (const [i, { line, how, file }] of cases.entries()) {
    const theirs = pipRuns[i]!;
    assert.equal(theirs.status, 1, `${how}, ${line}: pip ${theirs.stdout}${theirs.stderr}`);
    const want = pipError(theirs.stderr);
    assert.match(want ?? '', /Can't verify hashes|cannot be installed when requiring hashes/, `${how}, ${line}: pip ${theirs.stderr}`);
    const { sync, install } = ours(file, env);
    for (const [what, r] of [['sync', sync], ['install -r', install]] as const) {
      assert.equal(r.status, 1, `${what}, ${how}, ${line}: ${r.stdout}${r.stderr}`);
      // pip writes a git+file URL as git+file:/path; the rest is word for word.
      assert.equal(ourError(r), want!.replace(/git\+file:\/(?!\/)/g, 'git+file:///'), `${what}, ${how}, ${line}`);
    }
  }
  assert.deepEqual(snapshot(target), before, 'nothing was installed');
});

test('pip\'s configuration no-require-hashes (files, PIP_NO_REQUIRE_HASHES) for sync and install -r, as pip 26.2: off, the environment over the files, with require-hashes an error', { timeout: 600_000 }, (t) => {
  const p = needsPip(t);
  if (!p) return;
  const mixed = write('mixed.txt', [hashedLine(), 'hb==1.0']);
  const required = write('required.txt', ['--require-hashes', hashedLine()]);
  const cases: { what: string; conf: string; env?: NodeJS.ProcessEnv; file?: string; ok: boolean; message?: RegExp }[] = [
    { what: '[install] no-require-hashes = true', conf: '[install]\nno-require-hashes = true\n', ok: true },
    { what: '[global] no-require-hashes = yes', conf: '[global]\nno-require-hashes = yes\n', ok: true },
    { what: 'PIP_NO_REQUIRE_HASHES=1', conf: '', env: { PIP_NO_REQUIRE_HASHES: '1' }, ok: true },
    { what: 'PIP_NO_REQUIRE_HASHES=0 over a file\'s true', conf: '[install]\nno-require-hashes = true\n', env: { PIP_NO_REQUIRE_HASHES: '0' }, ok: false, message: /Hashes are required in --require-hashes mode, but they are missing from some requirements/ },
    { what: 'PIP_REQUIRE_HASHES=0 and PIP_NO_REQUIRE_HASHES=1 over a file\'s require-hashes', conf: '[install]\nrequire-hashes = true\n', env: { PIP_REQUIRE_HASHES: '0', PIP_NO_REQUIRE_HASHES: '1' }, ok: true },
    { what: 'both in the file', conf: '[install]\nno-require-hashes = true\nrequire-hashes = true\n', ok: false, message: /--require-hashes and --no-require-hashes are mutually exclusive/ },
    { what: 'PIP_REQUIRE_HASHES=1 and a file\'s no-require-hashes', conf: '[install]\nno-require-hashes = true\n', env: { PIP_REQUIRE_HASHES: '1' }, ok: false, message: /--require-hashes and --no-require-hashes are mutually exclusive/ },
    { what: 'a --require-hashes line and the configuration\'s no-require-hashes', conf: '[install]\nno-require-hashes = true\n', file: required, ok: false, message: /--require-hashes and --no-require-hashes are mutually exclusive/ },
    // pip's strtobool: a word it does not know is an error (exit 2), even where a later value overrides it; an empty value is skipped.
    { what: 'PIP_NO_REQUIRE_HASHES=maybe', conf: '', env: { PIP_NO_REQUIRE_HASHES: 'maybe' }, ok: false, message: /maybe is not a valid value for no-require-hashes option/ },
    { what: '[install] require-hashes = sure, overridden by PIP_REQUIRE_HASHES=0', conf: '[install]\nrequire-hashes = sure\n', env: { PIP_REQUIRE_HASHES: '0' }, ok: false, message: /sure is not a valid value for require-hashes option/ },
    { what: 'PIP_NO_REQUIRE_HASHES=" yes " (not trimmed)', conf: '', env: { PIP_NO_REQUIRE_HASHES: ' yes ' }, ok: false, message: / yes {2}is not a valid value for no-require-hashes option/ },
    { what: 'PIP_PRE=perhaps (another boolean install reads)', conf: '', env: { PIP_PRE: 'perhaps' }, ok: false, message: /perhaps is not a valid value for pre option/ },
    { what: 'an empty PIP_NO_REQUIRE_HASHES leaves the file\'s true', conf: '[install]\nno-require-hashes = true\n', env: { PIP_NO_REQUIRE_HASHES: '' }, ok: true },
  ];
  const before = snapshot(target);
  for (const c of cases) {
    writeFileSync(config, c.conf);
    const env = { ...baseEnv, ...c.env };
    const file = c.file ?? mixed;
    const theirs = pipRun(p, file, env);
    const { sync, install } = ours(file, env);
    for (const [what, r] of [['sync', sync], ['install -r', install]] as const) {
      if (c.ok) {
        assert.equal(theirs.status, 0, `${c.what}: pip ${theirs.stderr}`);
        assert.equal(r.status, 0, `${what}, ${c.what}: ${r.stdout}${r.stderr}`);
        assert.deepEqual(r.names, theirs.names, `${what}, ${c.what}`);
      } else {
        assert.notEqual(theirs.status, 0, `${c.what}: pip ${theirs.stdout}`);
        // (pip prints a bad configuration value after its usage text, without "ERROR: ".)
        assert.match(pipError(theirs.stderr) ?? theirs.stderr, c.message!, `${c.what}: pip ${theirs.stderr}`);
        assert.equal(r.status, theirs.status, `${what}, ${c.what}: pip's exit status; ${r.stdout}${r.stderr}`);
        // (install says a line has no hash in its own words; the mode is what is compared.)
        assert.match(ourError(r) ?? '', what === 'install -r' && c.message!.source.startsWith('Hashes') ? /needs --hash; these have none:\n {2}hb==1\.0/ : c.message!, `${what}, ${c.what}`);
      }
    }
  }
  writeFileSync(config, '');
  assert.deepEqual(snapshot(target), before, 'dry runs and refusals change nothing');
});
