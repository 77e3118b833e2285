// `venvkit sync requirements.txt` of pins without --hash (pip freeze's and pip-compile's usual
// output), against pip 26.2 on the machine's local index: the same installed set, the same wheel
// chosen; pip's hash-checking mode (one hashed line turns it on and refuses a line without one;
// --require-hashes from the command line, the file or PIP_REQUIRE_HASHES; --no-require-hashes;
// both at once) with pip's words. On a served index: a file whose bytes do not match the index's
// hash is refused and the env left as it was, a no-op sync reads no index, Requires-Python and
// yanked files are handled as pip does, and a pin's missing dependencies are a warning. Also the
// dry run of a directory line without a name: it replaces the installed project of its name, as
// the real sync does.
import { test, before, after, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { venvkit, venvkitAsync } from '../helpers/cli.js';
import { startIndexServer, type IndexServer } from '../helpers/index-server.js';
import { realPip, type RealPip } from '../helpers/real-pip.js';
import { freshEnv, installedSet, isolatedEnv, python3x, snapshot, writeScenarioWheels } from '../pip/helpers.js';
import { writeInTreeProject } from '../build/helpers.js';
import { openVenv } from '../../src/venv/open.js';

const root = mkdtempSync(join(tmpdir(), 'vk-sync-nohash-'));
const env = isolatedEnv(join(root, 'cache'));
const python = python3x();
const files = join(root, 'files');
let server: IndexServer | undefined;
let pip: RealPip | undefined;

before(async () => {
  writeScenarioWheels(files);
  server = await startIndexServer(files, { 'rp-2.0-py3-none-any.whl': { requiresPython: '>=3.99' }, 'yk-2.0-py3-none-any.whl': { yanked: 'broken' } });
});
after(async () => {
  await server?.close();
  rmSync(root, { recursive: true, force: true });
});

const vk = (args: string[], extra: NodeJS.ProcessEnv = {}) => venvkit(args, { env: { ...env, ...extra }, cwd: root, timeout: 300_000 });
/** With the index served from this process: the event loop must stay free. */
const vkAsync = (args: string[]) => venvkitAsync(args, { env, cwd: root });
let n = 0;
const write = (lines: string[]) => {
  const file = join(root, `req${n++}.txt`);
  writeFileSync(file, `${lines.join('\n')}\n`);
  return file;
};
const newEnv = () => {
  const dir = join(root, `target${n++}`);
  assert.equal(vk(['create', '-q', '--without-pip', '-p', python!, dir]).status, 0);
  return dir;
};
const sitePackages = (dir: string) => join(dir, 'lib', readdirSync(join(dir, 'lib'))[0]!, 'site-packages');
/** Each installed distribution with the tags of the wheel it came from: which file was chosen. */
const installedFiles = (dir: string) => readdirSync(sitePackages(dir)).filter((d) => d.endsWith('.dist-info')).sort().map((d) => {
  const tags = readFileSync(join(sitePackages(dir), d, 'WHEEL'), 'utf8').split('\n').filter((l) => l.startsWith('Tag:')).join(' ');
  const m = /^(.+)-([^-]+)\.dist-info$/.exec(d)!;
  return `${m[1]!.replace(/[-_.]+/g, '-').toLowerCase()}==${m[2]} ${tags}`;
}).filter((l) => !/^(pip|setuptools)==/.test(l));
const dists = (dir: string) => installedFiles(dir).map((l) => l.split(' ')[0]);

/** The shared pip 26.2 env (realPip skips the test, or fails it under CI, where there is no CPython 3.11/3.12 or local index). */
function needsPip(t: TestContext): RealPip | undefined {
  return (pip ??= realPip(t, join(root, 'pip')));
}

/** pip 26.2 installing `-r file` into a new env (its own --python), with `args` before -r. */
function pipInto(p: RealPip, file: string, args: string[] = [], extra: NodeJS.ProcessEnv = {}) {
  const dir = newEnv();
  const r = p.run(['-m', 'pip', '--python', join(dir, 'bin', 'python'), 'install', '--no-cache-dir', '-i', p.index, ...args, '-r', file], { cwd: root, env: { ...process.env, PIP_DISABLE_PIP_VERSION_CHECK: '1', PIP_CONFIG_FILE: '/dev/null', ...extra } });
  return { dir, ...r };
}

/** The sha256 the local index gives for a file of `project` (its PEP 503 page's #sha256= fragment). */
function indexHash(index: string, project: string, filename: string): string {
  const page = readFileSync(join(fileURLToPath(index), project, 'index.html'), 'utf8');
  const m = new RegExp(`${filename.replace(/[.+]/g, '\\$&')}#sha256=([0-9a-f]{64})`).exec(page);
  assert.ok(m, `${filename} on ${index}/${project}/`);
  return m[1]!;
}

// A freeze of requests with its dependencies (charset-normalizer: a cp311 wheel on the local index), and a marker that is false here.
const FREEZE = ['requests==2.34.2', 'certifi==2026.7.22', 'charset-normalizer==3.5.2', 'idna==3.20', 'urllib3==2.8.0', 'six==1.17.0 ; python_version < "3"'];

test('a pinned file without hashes: sync installs what pip 26.2 installs from it (the same files); a second sync does nothing', { timeout: 600_000 }, (t) => {
  const p = needsPip(t);
  if (!p) return;
  const file = write(FREEZE);
  const viaPip = pipInto(p, file);
  assert.equal(viaPip.status, 0, viaPip.stderr);
  const target = newEnv();
  const r = vk(['sync', '--env', target, '-i', p.index, '--json', file]);
  assert.equal(r.status, 0, r.stderr);
  assert.deepEqual(installedFiles(target), installedFiles(viaPip.dir));
  assert.deepEqual(dists(target), ['certifi==2026.7.22', 'charset-normalizer==3.5.2', 'idna==3.20', 'requests==2.34.2', 'urllib3==2.8.0']);
  assert.doesNotMatch(r.stderr, /not satisfied/, 'a complete freeze: no warning');
  const again = vk(['sync', '--env', target, '-i', p.index, '--json', file]);
  assert.equal(again.status, 0, again.stderr);
  assert.equal(JSON.parse(again.stdout).alreadySynced, true);
  // Nothing is resolved: a pin alone is installed alone (as pip --no-deps), its missing dependencies a warning.
  const alone = write(['requests==2.34.2']);
  const pipAlone = pipInto(p, alone, ['--no-deps']);
  assert.equal(pipAlone.status, 0, pipAlone.stderr);
  const w = newEnv();
  const s = vk(['sync', '--env', w, '-i', p.index, '--json', alone]);
  assert.equal(s.status, 0, s.stderr);
  assert.deepEqual(dists(w), dists(pipAlone.dir));
  assert.match(s.stderr, /warning: .*dependencies are not satisfied:\n {2}requests 2\.34\.2 requires certifi, which is not installed\./);
  assert.ok(JSON.parse(s.stdout).dependencyProblems.includes('requests 2.34.2 requires idna, which is not installed.'));
});

test('hash-checking mode as pip 26.2: one --hash turns it on and refuses a line without one (pip\'s words); --require-hashes, PIP_REQUIRE_HASHES, --no-require-hashes', { timeout: 600_000 }, (t) => {
  const p = needsPip(t);
  if (!p) return;
  const idna = `idna==3.20 --hash=sha256:${indexHash(p.index, 'idna', 'idna-3.20-py3-none-any.whl')}`;
  const mixed = write([idna, 'urllib3==2.8.0']);
  const plain = write(['idna==3.20', 'urllib3==2.8.0']);
  // A constraint's --hash turns the mode on too, and is the hash of the pin it constrains (as pip).
  writeFileSync(join(root, 'hashed-constraint.txt'), `${idna}\n`);
  const constrained = write(['-c hashed-constraint.txt', 'idna==3.20', 'urllib3==2.8.0']);
  const target = newEnv();
  const before = snapshot(target);
  const refused: { what: string; file: string; args?: string[]; env?: NodeJS.ProcessEnv; message: RegExp }[] = [
    { what: 'a hashed line and one without', file: mixed, message: /Hashes are required in --require-hashes mode, but they are missing from some requirements/ },
    { what: '--require-hashes', file: plain, args: ['--require-hashes'], message: /Hashes are required in --require-hashes mode, but they are missing from some requirements/ },
    { what: 'PIP_REQUIRE_HASHES=1', file: plain, env: { PIP_REQUIRE_HASHES: '1' }, message: /Hashes are required in --require-hashes mode, but they are missing from some requirements/ },
    { what: 'a hashed constraint', file: constrained, message: /Hashes are required in --require-hashes mode, but they are missing from some requirements/ },
    { what: 'a --require-hashes line in the file', file: write(['--require-hashes', 'idna==3.20']), message: /Hashes are required in --require-hashes mode, but they are missing from some requirements/ },
    { what: 'both --require-hashes and --no-require-hashes', file: plain, args: ['--require-hashes', '--no-require-hashes'], message: /--require-hashes and --no-require-hashes are mutually exclusive/ },
    { what: '--no-require-hashes with a file saying --require-hashes', file: write(['--require-hashes', 'idna==3.20']), args: ['--no-require-hashes'], message: /--require-hashes and --no-require-hashes are mutually exclusive/ },
  ];
  for (const c of refused) {
    const byPip = pipInto(p, c.file, c.args, c.env);
    assert.equal(byPip.status, 1, `${c.what}: pip's exit status ${byPip.stdout}`);
    assert.match(byPip.stderr, c.message, `${c.what}: pip says so`);
    const r = vk(['sync', '--env', target, '-i', p.index, ...(c.args ?? []), c.file], c.env);
    assert.equal(r.status, 1, `${c.what}: pip's status; ${r.stdout}${r.stderr}`);
    assert.match(r.stderr, c.message, c.what);
    assert.match(r.stderr, /\nhint: /, `${c.what}: a hint`);
    if (c.message.source.startsWith('Hashes')) assert.match(r.stderr, [mixed, plain, constrained].includes(c.file) ? /urllib3==2\.8\.0 has no --hash/ : /idna==3\.20 has no --hash/, `${c.what}: names the line`);
    assert.deepEqual(snapshot(target), before, `${c.what}: the env is unchanged`);
  }
  // --no-require-hashes (command line, or a line of the file): the hashed line is checked, the other taken from the index.
  for (const [what, file, args] of [['--no-require-hashes', mixed, ['--no-require-hashes']], ['a --no-require-hashes line', write(['--no-require-hashes', idna, 'urllib3==2.8.0']), []], ['a pin whose constraint has the hash', write(['-c hashed-constraint.txt', 'idna==3.20']), []]] as const) {
    const byPip = pipInto(p, file, [...args]);
    assert.equal(byPip.status, 0, `${what}: pip ${byPip.stderr}`);
    const w = newEnv();
    const r = vk(['sync', '--env', w, '-i', p.index, ...args, file]);
    assert.equal(r.status, 0, `${what}: ${r.stderr}`);
    assert.deepEqual(dists(w), dists(byPip.dir), what);
  }
});

test('served index: a file not matching the index\'s hash is refused, the env unchanged; Requires-Python and yanked as pip; a no-op sync reads no index', { skip: python ? false : 'no CPython 3.11/3.12 under $PYENV_ROOT', timeout: 300_000 }, async () => {
  const s = server!;
  const v = await freshEnv(root, python!, env);
  assert.equal((await vkAsync(['install', '--env', v.root, '-i', s.url, '--no-deps', 'keep==1.0', 'tool'])).status, 0);
  const before = snapshot(v.root);
  const file = write(['app==1.0', 'lib==1.0', 'util==0.9']);
  s.faults.corrupt = new Set(['lib-1.0-py3-none-any.whl']);
  let r;
  try {
    r = await vkAsync(['sync', '--env', v.root, '-i', s.url, '--json', file]);
  } finally {
    s.faults.corrupt = undefined;
  }
  assert.equal(r.status, 1, r.stderr);
  const err = JSON.parse(r.stdout).error;
  assert.equal(err.code, 'HASH_MISMATCH', r.stdout);
  assert.match(err.message, /hash mismatch for http:\/\/127\.0\.0\.1:\d+\/.*lib-1\.0-py3-none-any\.whl/);
  assert.deepEqual(snapshot(v.root), before, 'the env is unchanged (keep and tool not removed, app not installed)');
  r = await vkAsync(['sync', '--env', v.root, '-i', s.url, '--json', file]);
  assert.equal(r.status, 0, r.stderr);
  assert.deepEqual(installedSet(await openVenv(v.root)), ['app==1.0', 'lib==1.0', 'util==0.9']);
  const seen = s.log.length;
  r = await vkAsync(['sync', '--env', v.root, '-i', s.url, '--json', file]);
  assert.equal(r.status, 0, r.stderr);
  assert.equal(JSON.parse(r.stdout).alreadySynced, true);
  assert.equal(s.log.length, seen, 'the no-op sync asked the index nothing');
  // Requires-Python excluding the interpreter: no file (pip leaves it out); a yanked pin: installed, with a warning.
  r = await vkAsync(['sync', '--env', v.root, '-i', s.url, '--json', write(['rp==2.0'])]);
  assert.equal(r.status, 1, r.stderr);
  assert.match(JSON.parse(r.stdout).error.message, /no file of rp 2\.0 fits Python 3\.\d+\.\d+: rp-2\.0-py3-none-any\.whl \(Requires-Python >=3\.99\)/);
  r = await vkAsync(['sync', '--env', v.root, '-i', s.url, write(['yk==2.0'])]);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stderr, /warning: .*yk 2\.0 is yanked \(yk-2\.0-py3-none-any\.whl\): broken/);
  assert.deepEqual(installedSet(await openVenv(v.root)), ['yk==2.0']);
  // Not a pin: refused with a hint.
  r = await vkAsync(['sync', '--env', v.root, '-i', s.url, write(['lib>=1'])]);
  assert.equal(r.status, 1);
  assert.match(r.stderr, /lib>=1 is not pinned to one version\nhint: sync installs exact pins/);
});

test('sync --dry-run of a directory line without a name: it replaces the installed project of its name, as the real sync does', { skip: python ? false : 'no CPython 3.11/3.12 under $PYENV_ROOT', timeout: 300_000 }, async () => {
  const v = await freshEnv(root, python!, env);
  assert.equal((await vkAsync(['install', '--env', v.root, '-i', server!.url, '--no-deps', 'lib==1.0', 'tool'])).status, 0);
  const project = join(root, 'libdir');
  writeInTreeProject(project, 'lib');
  writeFileSync(join(project, 'VERSION'), '3.0');
  writeFileSync(join(project, 'pyproject.toml'), `${readFileSync(join(project, 'pyproject.toml'), 'utf8')}[project]\nname = "lib"\ndynamic = ["version"]\n`);
  const file = write([pathToFileURL(project).href]);
  const before = snapshot(v.root);
  const dry = await vkAsync(['sync', '--env', v.root, '--dry-run', '--json', file]);
  assert.equal(dry.status, 0, dry.stderr);
  const planned = JSON.parse(dry.stdout);
  assert.deepEqual(planned.installed.map((i: { name: string; previous?: string; kind: string }) => [i.name, i.previous, i.kind]), [['lib', '1.0', 'directory']]);
  assert.deepEqual(planned.removed, [{ name: 'tool', version: '1.0' }]);
  assert.deepEqual(snapshot(v.root), before, 'a dry run changes nothing');
  const text = await vkAsync(['sync', '--env', v.root, '--dry-run', file]);
  assert.match(text.stdout + text.stderr, / - lib==1\.0\n \+ lib @ file:.*libdir \(built\)/);
  const real = await vkAsync(['sync', '--env', v.root, '--json', file]);
  assert.equal(real.status, 0, real.stderr);
  const done = JSON.parse(real.stdout);
  assert.deepEqual(done.installed.map((i: { name: string; previous?: string; kind: string }) => [i.name, i.previous, i.kind]), [['lib', '1.0', 'directory']]);
  assert.deepEqual(done.removed, planned.removed);
  assert.deepEqual(installedSet(await openVenv(v.root)), ['lib==3.0']);
});
