// Seeding pip with every interpreter, compared with `python -m venv` through pip itself.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
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

const launchers = (root: string) => readdirSync(join(root, 'bin')).filter((n) => /^(pip|easy_install)/.test(n)).sort();

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
