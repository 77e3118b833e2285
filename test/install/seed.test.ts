// Seeding pip with every interpreter, compared with `python -m venv` through pip itself; the seeded
// bytecode (as venv's: used at import, listed in RECORD as pip lists it), linked from the cache.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { chownSync, existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { spawnSync } from 'node:child_process';
import { needTool } from '../helpers/fault.js';
import { straceFollow } from '../helpers/syscall-faults.js';
import { BIN, venvkit } from '../helpers/cli.js';
import { createVenv } from '../../src/venv/create.js';
import { loadPipConfig } from '../../src/index/pip-config.js';
import { pipManyIn } from '../helpers/real-pip.js';
import { interpreters, removeDir, tempDir, type Interp } from '../helpers/venv.js';

const run = promisify(execFile);
let tmp: string;
let env: NodeJS.ProcessEnv;
let indexUrl: string | undefined;

before(() => {
  tmp = tempDir('seed');
  env = { ...process.env, VENVKIT_CACHE_DIR: join(tmp, 'cache') };
  const s = loadPipConfig().settings;
  indexUrl = [s.indexUrl, ...s.extraIndexUrls].find((u) => u.startsWith('file:'));
  if (!indexUrl) console.log('# skip: pip is not configured with a file:// index here: the install/uninstall part is not covered');
});
after(() => removeDir(tmp));

const pipEnv = () => ({ ...process.env, PIP_DISABLE_PIP_VERSION_CHECK: '1', PIP_NO_PYTHON_VERSION_WARNING: '1', VIRTUAL_ENV: '' });
const pip = async (root: string, args: string[]) => run(join(root, 'bin', 'pip'), args, { env: pipEnv(), timeout: 600_000 });

// `--format=json` is not in pip 18 everywhere; the freeze-like columns are.
const LIST = ['list', '--format=freeze', '--disable-pip-version-check'];
const listLines = (stdout: string) => stdout.trim().split('\n').sort();

async function pipList(root: string): Promise<string[]> {
  const { stdout } = await run(join(root, 'bin', 'python'), ['-m', 'pip', ...LIST], { env: pipEnv() });
  return listLines(stdout);
}

/** site-packages of the env at `root`, relative to it. */
const createdLib = (root: string) => {
  const lib = readdirSync(join(root, 'lib'))[0]!;
  return join('lib', lib, 'site-packages');
};

const launchers = (root: string) => readdirSync(join(root, 'bin')).filter((n) => /^(pip|easy_install)/.test(n)).sort();

/** A RECORD's rows, sorted, without line endings (pip writes \r\n) and without the launchers' hashes (their #! names the env). */
function recordRows(distInfo: string): string[] {
  return readFileSync(join(distInfo, 'RECORD'), 'utf8').split(/\r?\n/).filter(Boolean).map((l) => (l.startsWith('../../../bin/') ? l.split(',')[0]! : l)).sort();
}

/**
 * Import pip's install command in the env with PYTHONDONTWRITEBYTECODE=1 and `python -v`: every
 * module of site-packages comes from its .pyc ("X.pyc matches X.py"), none is compiled from source.
 */
async function assertPipFromPyc(root: string, purelib: string, what: string): Promise<void> {
  const { stderr } = await run(join(root, 'bin', 'python'), ['-v', '-c', 'import pip._internal.commands.install'], { env: { ...pipEnv(), PYTHONDONTWRITEBYTECODE: '1' }, maxBuffer: 64 << 20 });
  const compiled = stderr.split('\n').filter((l) => l.startsWith(`# code object from '${purelib}/`) && l.endsWith(".py'"));
  const matched = stderr.split('\n').filter((l) => l.startsWith(`# ${purelib}/`) && l.includes('.pyc matches '));
  assert.deepEqual(compiled.slice(0, 3), [], `${what}: ${compiled.length} of pip's modules were compiled from source at import`);
  assert.ok(matched.length > 100, `${what}: only ${matched.length} modules loaded from .pyc`);
}

/** full: also install and uninstall with the seeded pip (what pip reads of venvkit's RECORDs). */
async function checkOne(i: Interp, full: boolean) {
  const ours = join(tmp, `ours-${i.name}`);
  const ref = join(tmp, `ref-${i.name}`);
  const refDone = run(i.path, ['-m', 'venv', ref], { timeout: 600_000 });
  const t0 = performance.now();
  const created = await createVenv(ours, { python: i.path, env });
  const ms = performance.now() - t0;
  assert.ok(created.seed && !created.seed.skipped, `${i.name}: seeding skipped: ${created.seed?.skipped}`);
  // pip list, pip --version and pip check of the seeded env, by its own pip in one process.
  const [list, version, check] = await pipManyIn(join(ours, 'bin', 'python'), [LIST, ['--version'], ['check']], { env: pipEnv() });
  for (const [what, r] of [['list', list], ['--version', version], ['check', check]] as const) assert.equal(r!.status, 0, `${i.name}: pip ${what}: ${r!.stdout}${r!.stderr}`);
  await refDone;
  // Same distributions, same versions, same launchers.
  assert.deepEqual(listLines(list!.stdout), await pipList(ref), `${i.name}: pip list differs from python -m venv's`);
  assert.deepEqual(launchers(ours), launchers(ref), `${i.name}: bin/ launchers differ`);
  assert.ok(version!.stdout.includes(`from ${created.paths.purelib}/pip`), `${i.name}: pip --version: ${version!.stdout}`);
  for (const d of readdirSync(created.paths.purelib).filter((n) => n.endsWith('.dist-info'))) {
    assert.equal(readFileSync(join(created.paths.purelib, d, 'INSTALLER'), 'utf8').trim(), 'pip');
    assert.equal(existsSync(join(created.paths.purelib, d, 'REQUESTED')), existsSync(join(ref, created.paths.purelib.slice(ours.length), d, 'REQUESTED')), `${i.name}: REQUESTED of ${d}`);
  }
  // Bytecode as venv's: pip's modules load from it, and RECORD lists it as pip's own install does.
  await assertPipFromPyc(ours, created.paths.purelib, i.name);
  const refLib = join(ref, created.paths.purelib.slice(ours.length));
  const dists = readdirSync(created.paths.purelib).filter((n) => n.endsWith('.dist-info')).sort();
  assert.deepEqual(dists, readdirSync(refLib).filter((n) => n.endsWith('.dist-info')).sort(), `${i.name}: dist-info dirs`);
  for (const d of dists) assert.deepEqual(recordRows(join(created.paths.purelib, d)), recordRows(join(refLib, d)), `${i.name}: ${d}/RECORD differs from python -m venv's`);
  const uninstall = ['pip'];
  if (indexUrl && full) {
    // --isolated: only this index (the machine's other config would make pip slower, not different).
    await pip(ours, ['install', '-q', '--isolated', '--disable-pip-version-check', '--index-url', indexUrl, 'six']);
    assert.ok(existsSync(join(created.paths.purelib, 'six.py')), `${i.name}: pip install six did not install six.py`);
    uninstall.unshift('six');
  }
  // Through the bin/pip launcher: six (what pip installed) and pip itself (what venvkit seeded).
  await pip(ours, ['uninstall', '-y', '-y', ...uninstall]);
  if (uninstall.includes('six')) assert.ok(!existsSync(join(created.paths.purelib, 'six.py')), `${i.name}: pip uninstall six left six.py`);
  assert.ok(!existsSync(join(ours, 'bin', 'pip')), `${i.name}: bin/pip survived pip uninstall pip`);
  assert.ok(!existsSync(join(created.paths.purelib, 'pip')), `${i.name}: pip/ survived pip uninstall pip`);
  console.log(`# ${i.name}: seeded ${created.seed!.installed.map((p) => `${p.name} ${p.version}`).join(', ')}; create took ${ms.toFixed(0)} ms`);
}

test('every interpreter: the seeded env looks like python -m venv\'s to pip, and pip works in it', async () => {
  const all = interpreters();
  assert.ok(all.length > 0);
  // Every interpreter is compared with python -m venv's env and runs its seeded pip; installing and
  // uninstalling with that pip (seconds per interpreter) is done for the oldest and the newest
  // CPython, the one that also seeds setuptools (3.11) and PyPy: their pips span 18.1 to 24.x.
  const cpythons = all.filter((i) => i.version !== 'pypy');
  const full = new Set([cpythons[0], cpythons[cpythons.length - 1], cpythons.find((i) => i.version.startsWith('3.11.')), all.find((i) => i.version === 'pypy')].filter(Boolean));
  const queue = [...all];
  const failures: string[] = [];
  await Promise.all([0, 1].map(async () => {
    for (let i = queue.shift(); i; i = queue.shift()) {
      try {
        await checkOne(i, full.has(i));
      } catch (e) {
        failures.push(`${i.name}: ${(e as Error).message}`);
      }
    }
  }));
  assert.deepEqual(failures, []);
});

/** The cache's bytecode dir of `tag` holding pip's: [dir, the wheel's files dir]. */
function pipBytecodeDir(cache: string, tag: string): [string, string] | undefined {
  const root = join(cache, 'wheels', 'v1');
  const name = readdirSync(root).find((n) => n.endsWith(`.pyc-${tag}`) && existsSync(join(root, n, 'pip', '__pycache__', `__init__.${tag}.pyc`)));
  return name ? [join(root, name), join(root, name.slice(0, name.indexOf('.')), 'files')] : undefined;
}

test('a second create links the cached bytecode; a tampered or foreign cached .pyc is not used; a compile that cannot run leaves a working env', async (t) => {
  const i = interpreters().find((x) => x.version.startsWith('3.12.')) ?? interpreters()[0]!;
  const cache = env.VENVKIT_CACHE_DIR!;
  const create = (name: string, extra: string[] = []) => {
    const r = venvkit(['create', '-p', i.path, join(tmp, name), ...extra], { env });
    assert.equal(r.status, 0, r.stderr);
    return { root: join(tmp, name), stderr: r.stderr, purelib: join(tmp, name, createdLib(join(tmp, name))) };
  };
  const a = create('bc-a'); // the first test compiled this interpreter's bytecode (or this does)
  const tag = readdirSync(join(a.purelib, 'pip', '__pycache__'))[0]!.split('.')[1]!;
  const [bcDir, files] = pipBytecodeDir(cache, tag)!;
  const REL = join('pip', '__pycache__', `__init__.${tag}.pyc`);
  const manifest = statSync(join(bcDir, 'bytecode.json'));
  const good = readFileSync(join(bcDir, REL));
  // Warm: the .pyc are the cache's, linked as the sources are (a hard link on ext4); nothing is compiled or written.
  const b = create('bc-b');
  const linked = statSync(join(b.purelib, 'pip', '__init__.py')).ino === statSync(join(files, 'pip', '__init__.py')).ino;
  console.log(`# sources placed by ${linked ? 'hard link' : 'clone or copy'}`);
  for (const e of [a, b]) {
    if (linked) assert.equal(statSync(join(e.purelib, REL)).ino, statSync(join(bcDir, REL)).ino, 'the .pyc is a hard link to the cache\'s');
    assert.deepEqual(readFileSync(join(e.purelib, REL)), good);
  }
  const after = statSync(join(bcDir, 'bytecode.json'));
  assert.deepEqual([after.ino, after.mtimeMs], [manifest.ino, manifest.mtimeMs], 'the warm create did not write the bytecode again');
  await assertPipFromPyc(b.root, b.purelib, 'warm create');

  // A cached .pyc changed in place (same size; its mtime is no longer the recorded one): found, compiled again.
  writeFileSync(join(bcDir, REL), Buffer.alloc(good.length, 0x41));
  const c = create('bc-c');
  assert.match(c.stderr, /cached bytecode of pip-.*damaged; compiling it again/);
  assert.deepEqual(readFileSync(join(c.purelib, REL)), good, 'the env got bytecode compiled again, not the tampered file');
  // A cached .pyc another user owns (who could change it at any time) is not hard-linked either (root
  // can give it away; a clone or copy of it is hashed in full instead, and used when it matches).
  if (process.getuid?.() === 0 && linked) {
    const [bcDir2] = pipBytecodeDir(cache, tag)!;
    chownSync(join(bcDir2, REL), 65534, 65534);
    const d = create('bc-d');
    assert.match(d.stderr, /cached bytecode of pip-.*damaged; compiling it again/);
    assert.notEqual(statSync(join(d.purelib, REL)).uid, 65534);
    assert.deepEqual(readFileSync(join(d.purelib, REL)), good);
    await assertPipFromPyc(d.root, d.purelib, 'after a tampered cache');
  } else console.log('# skip: not root, cannot give a cached file to another user');

  // No compiler can start (every exec of the interpreter fails; strace counts calls per process, so
  // it is picked by path): the env is made, works, has no bytecode, and nothing alarming is said.
  const strace = needTool(t, 'strace');
  if (!strace) return;
  const [bcDir3] = pipBytecodeDir(cache, tag)!;
  removeDir(bcDir3);
  const e = spawnSync(strace, [...straceFollow(strace), '-qq', '-o', '/dev/null', '-e', 'trace=execve', '-P', i.path, '-e', 'inject=execve:error=EACCES', process.execPath, BIN, 'create', '-p', i.path, join(tmp, 'bc-e')], { env, encoding: 'utf8', timeout: 600_000 });
  assert.equal(e.status, 0, e.stderr);
  assert.doesNotMatch(e.stderr, /warn|error|fail|bug/i);
  const eLib = join(tmp, 'bc-e', createdLib(join(tmp, 'bc-e')));
  assert.equal(existsSync(join(eLib, 'pip', '__pycache__')), false, 'no bytecode');
  assert.doesNotMatch(readdirSync(eLib).filter((n) => n.startsWith('pip-')).map((n) => readFileSync(join(eLib, n, 'RECORD'), 'utf8')).join(''), /\.pyc/);
  assert.equal(pipBytecodeDir(cache, tag), undefined, 'nothing incomplete was cached');
  const [check] = await pipManyIn(join(tmp, 'bc-e', 'bin', 'python'), [['check']], { env: pipEnv() });
  assert.equal(check!.status, 0, check!.stdout + check!.stderr);
});

test('--upgrade-deps seeds the newest pip (and setuptools before 3.12) the configured indexes offer', async () => {
  if (!indexUrl) return;
  const { IndexClient } = await import('../../src/index/index-client.js');
  const { compareVersions, parseVersion } = await import('../../src/pep/pep440.js');
  const client = new IndexClient({ settings: loadPipConfig().settings, cacheDir: join(tmp, 'downloads') });
  const newest = async (name: string) => (await client.project(name)).candidates.map((c) => c.version).sort((a, b) => compareVersions(parseVersion(b), parseVersion(a)))[0];
  for (const i of interpreters().filter((x) => /^3\.1[12]\./.test(x.version))) {
    const root = join(tmp, `upgraded-${i.name}`);
    const created = await createVenv(root, { python: i.path, env, upgradeDeps: true });
    const got = Object.fromEntries(created.seed!.installed.map((p) => [p.name, p.version]));
    const want: Record<string, string> = { pip: await newest('pip') };
    if (i.version.startsWith('3.11.')) want.setuptools = await newest('setuptools');
    assert.deepEqual(got, want, i.name);
    const { stdout } = await pip(root, ['--version']);
    assert.ok(stdout.startsWith(`pip ${want.pip} from ${created.paths.purelib}`), stdout);
    await pip(root, ['check']);
  }
});

test('seeding over an existing env (create again with --upgrade-deps) replaces the old pip cleanly', async () => {
  if (!indexUrl) return;
  const i = interpreters().find((x) => x.version.startsWith('3.12.')) ?? interpreters()[0];
  const root = join(tmp, `again-${i.name}`);
  const first = await createVenv(root, { python: i.path, env });
  const again = await createVenv(root, { python: i.path, env, upgradeDeps: true });
  const pipDists = readdirSync(again.paths.purelib).filter((n) => /^pip-.*\.dist-info$/.test(n));
  assert.equal(pipDists.length, 1, pipDists.join(', '));
  const { stdout } = await pip(root, ['--version']);
  assert.ok(stdout.startsWith(`pip ${again.seed!.installed.find((p) => p.name === 'pip')!.version} `), stdout);
  assert.notEqual(first.seed!.installed[0], undefined);
  await pip(root, ['check']);
});
