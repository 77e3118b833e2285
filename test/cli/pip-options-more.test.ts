// The last of pip 26.2's install options, each compared with pip 26.2 run the same way: per-project
// --all-releases / --only-final, --only-deps, --ignore-requires-python, --uploaded-prior-to (PEP 700
// upload-time on JSON pages), --refresh-package (a cached fresh page revalidated), --build-constraint
// and -C after a requirements-file line, not for a PEP 723 script's dependencies (an in-tree backend
// records what its build saw), a line's
// --hash checked under --no-require-hashes, -r https://... fetched with --cert/--trusted-host; then
// uninstall --target/--user and list --local.
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { spawnSync } from 'node:child_process';
import { certOrSkip, startIndexServer, type IndexServer } from '../helpers/index-server.js';
import { pipCompare, versionWheel as wheel } from '../helpers/pip-compare.js';
import { python3x } from '../pip/helpers.js';
import { writeInTreeProject } from '../build/helpers.js';
import { createVenv } from '../../src/venv/create.js';

const c = pipCompare('vk-pipopts-more-');
const { tmp, env, vk, wouldInstall, pip, pipRun, pipWouldInstall, pipCalls, compare } = c;
const python = python3x();
const skip = python ? false : 'no CPython 3.11/3.12 under $PYENV_ROOT';
if (!python && process.env.CI === 'true') throw new Error(skip as string);
const files = join(tmp, 'files');
let http: IndexServer;
let envDir: string;

before(async () => {
  if (skip) return;
  mkdirSync(files, { recursive: true });
  wheel(files, 'pa', '2.0', ['pb']);
  wheel(files, 'pb', '1.0');
  wheel(files, 'pb', '2.0');
  wheel(files, 'pc', '1.0');
  wheel(files, 'pc', '2.0b1');
  wheel(files, 'pe', '1.0');
  wheel(files, 'pe', '2.0b1');
  wheel(files, 'pf', '1.0');
  wheel(files, 'pf', '2.0', [], '>=4');
  wheel(files, 'bdep', '1.0');
  wheel(files, 'bdep', '2.0');
  http = await startIndexServer(files, { 'pf-2.0-py3-none-any.whl': { requiresPython: '>=4' } });
  envDir = c.envDir = (await createVenv(join(tmp, 'env'), { python: python!, env, withoutPip: true })).root;
});
after(async () => {
  await http?.close();
  rmSync(tmp, { recursive: true, force: true });
});

test('--all-releases / --only-final with project names, in order, on the command line and in a file; not with --pre — as pip 26.2', { skip, timeout: 600_000 }, async (t) => {
  const ix = ['--index-url', http.url];
  const file = join(tmp, 'release.txt');
  writeFileSync(file, '--all-releases pe\npc\npe\n');
  await compare(t, [
    [[...ix, 'pc', 'pe'], ['pc==1.0', 'pe==1.0']],
    [[...ix, '--all-releases', 'pc', 'pc', 'pe'], ['pc==2.0b1', 'pe==1.0']],
    [[...ix, '--all-releases', 'PC,pe', '--only-final', 'pe', 'pc', 'pe'], ['pc==2.0b1', 'pe==1.0']],
    [[...ix, '--all-releases', ':all:', '--only-final', 'pe', 'pc', 'pe'], ['pc==2.0b1', 'pe==1.0']],
    [[...ix, '--all-releases', 'pc', '--all-releases', ':none:', 'pc'], ['pc==1.0']],
    [[...ix, '--only-final', 'pc', 'pc>=2.0b1'], 'fails'],
    [[...ix, '--pre', '--all-releases', 'pc', 'pc'], 'fails'],
    [[...ix, '-r', file], ['pc==1.0', 'pe==2.0b1']],
  ]);
  const r = await vk(['install', '--env', envDir, '--dry-run', ...ix, '--pre', '--only-final', 'pc', 'pc']);
  assert.equal(r.status, 2);
  assert.match(r.stderr, /--pre cannot be used with --all-releases or --only-final/);
});

test('--only-deps installs what the named requirements need, not them (nor one another); refused beside --no-deps and -r — as pip 26.2', { skip, timeout: 600_000 }, async (t) => {
  const ix = ['--index-url', http.url];
  const file = join(tmp, 'only.txt');
  writeFileSync(file, 'pa\n');
  await compare(t, [
    [[...ix, '--only-deps', 'pa'], ['pb==2.0']],
    [[...ix, '--only-dependencies', 'pa', 'pc'], ['pb==2.0']],
    [[...ix, '--only-deps', 'pa', 'pb'], []],
    [[...ix, '--only-deps', '--no-deps', 'pa'], 'fails'],
    [[...ix, '--only-deps', '-r', file], 'fails'],
  ]);
  const r = await vk(['install', '--env', envDir, ...ix, '--only-deps', '--no-deps', '-r', file]);
  assert.equal(r.status, 2);
  assert.match(r.stderr, /cannot use '--only-deps' in combination with '--no-deps', or '--requirement'/);
  // A real install: pa stays out of the env even though it is already satisfied nowhere.
  const inst = await vk(['install', '--env', envDir, ...ix, '--only-deps', 'pa']);
  assert.equal(inst.status, 0, inst.stderr);
  const have = readdirSync(join(envDir, 'lib', readdirSync(join(envDir, 'lib'))[0]!, 'site-packages'));
  assert.ok(have.includes('pb-2.0.dist-info') && !have.some((f) => f.startsWith('pa-')), have.join(' '));
  assert.equal((await vk(['uninstall', '--env', envDir, '-y', 'pb'])).status, 0);
});

test('--ignore-requires-python: a version whose Requires-Python excludes this interpreter is chosen — as pip 26.2', { skip, timeout: 600_000 }, async (t) => {
  const ix = ['--index-url', http.url];
  await compare(t, [
    [[...ix, 'pf'], ['pf==1.0']],
    [[...ix, '--ignore-requires-python', 'pf'], ['pf==2.0']],
    [[...ix, 'pf==2.0'], 'fails'],
    [[...ix, '--ignore-requires-python', 'pf==2.0'], ['pf==2.0']],
  ]);
});

test('--uploaded-prior-to: only files uploaded before then (JSON upload-time); none without one, unless unusable here anyway; file:// exempt — as pip 26.2', { skip, timeout: 600_000 }, async (t) => {
  const dir = join(tmp, 'dated');
  mkdirSync(dir, { recursive: true });
  wheel(dir, 'pg', '1.0');
  wheel(dir, 'pg', '2.0');
  wheel(dir, 'pg', '3.0');
  const local = join(tmp, 'dated-local');
  mkdirSync(local, { recursive: true });
  wheel(local, 'pg', '4.0');
  wheel(dir, 'pj', '1.0');
  wheel(dir, 'pj', '2.0');
  // Without upload-time: a wheel for another platform (pip drops it first: no matter), an sdist that
  // --only-binary :all: excludes (pip asks for its upload-time first: stops).
  wheel(dir, 'pq', '1.0');
  wheel(dir, 'pq', '2.0', [], undefined, 'cp27-cp27m-win32');
  wheel(dir, 'pr', '1.0');
  writeFileSync(join(dir, 'pr-0.5.tar.gz'), 'not read');
  const dated = await startIndexServer(dir, {
    'pg-1.0-py3-none-any.whl': { uploadTime: '2020-01-01T00:00:00Z' },
    'pg-2.0-py3-none-any.whl': { uploadTime: '2024-06-01T12:00:00.123456Z' },
    'pg-3.0-py3-none-any.whl': { uploadTime: new Date(Date.now() - 86_400_000).toISOString() },
    'pj-1.0-py3-none-any.whl': { uploadTime: '2020-01-01T00:00:00Z' },
    'pq-1.0-py3-none-any.whl': { uploadTime: '2020-01-01T00:00:00Z' },
    'pr-1.0-py3-none-any.whl': { uploadTime: '2020-01-01T00:00:00Z' },
  });
  dated.format = 'json';
  try {
    const ix = ['--index-url', dated.url];
    await compare(t, [
      [[...ix, 'pg'], ['pg==3.0']],
      [[...ix, '--uploaded-prior-to', '2023-01-01T00:00:00Z', 'pg'], ['pg==1.0']],
      [[...ix, '--uploaded-prior-to', '2024-06-01T12:00:00.123456Z', 'pg'], ['pg==1.0']],
      [[...ix, '--uploaded-prior-to', '2024-06-01T13:00:00+01:00', 'pg'], ['pg==1.0']],
      [[...ix, '--uploaded-prior-to', '2024-06-02', 'pg'], ['pg==2.0']],
      [[...ix, '--uploaded-prior-to', 'P3D', 'pg'], ['pg==2.0']],
      [[...ix, '--uploaded-prior-to', 'P0D', 'pg'], ['pg==3.0']],
      [[...ix, '--uploaded-prior-to', 'P3D', '-f', local, 'pg'], ['pg==4.0']],
      [[...ix, 'pj'], ['pj==2.0']],
      [[...ix, '--uploaded-prior-to', 'P3D', 'pj'], 'fails'],
      [[...ix, '--uploaded-prior-to', 'P3D', 'pq'], ['pq==1.0']],
      [[...ix, '--uploaded-prior-to', 'P3D', '--only-binary', ':all:', 'pr'], 'fails'],
      [[...ix, '--uploaded-prior-to', '2019-01-01', 'pg'], 'fails'],
      [[...ix, '--uploaded-prior-to', 'yesterday', 'pg'], 'fails'],
    ]);
    let r = await vk(['install', '--env', envDir, '--dry-run', ...ix, '--uploaded-prior-to', 'yesterday', 'pg']);
    assert.equal(r.status, 2);
    assert.match(r.stderr, /--uploaded-prior-to: invalid value: 'yesterday'/);
    r = await vk(['install', '--env', envDir, '--dry-run', ...ix, '--uploaded-prior-to', 'P3D', 'pj']);
    assert.match(r.stderr, /Index http:\/\/127\.0\.0\.1:\d+\/simple\/pj\/ does not provide upload-time metadata \(pj-2\.0-py3-none-any\.whl\)/);
  } finally {
    await dated.close();
  }
});

test('--refresh-package: a cached page that is still fresh is revalidated for that project only — as pip 26.2', { skip, timeout: 600_000 }, async (t) => {
  const dir = join(tmp, 'fresh');
  mkdirSync(dir, { recursive: true });
  wheel(dir, 'ph', '1.0');
  wheel(dir, 'pi', '1.0');
  const fresh = await startIndexServer(dir);
  fresh.cacheControl = 'max-age=600';
  try {
    const ix = ['--index-url', fresh.url];
    const check = async (would: (args: string[]) => Promise<string[]>, who: string) => {
      assert.deepEqual(await would([...ix, 'ph', 'pi']), ['ph==1.0', 'pi==1.0'], who);
      wheel(dir, 'ph', '2.0');
      wheel(dir, 'pi', '2.0');
      fresh.rescan();
      assert.deepEqual(await would([...ix, 'ph', 'pi']), ['ph==1.0', 'pi==1.0'], `${who}: the cached pages are fresh`);
      assert.deepEqual(await would([...ix, '--refresh-package', 'PH', 'ph', 'pi']), ['ph==2.0', 'pi==1.0'], `${who}: ph revalidated`);
      assert.deepEqual(await would([...ix, '--refresh-package', 'ph,:all:', 'ph', 'pi']), ['ph==2.0', 'pi==2.0'], `${who}: every page revalidated`);
      for (const f of ['ph-2.0-py3-none-any.whl', 'pi-2.0-py3-none-any.whl']) rmSync(join(dir, f));
      fresh.rescan();
    };
    await check((a) => wouldInstall(a), 'venvkit');
    const p = pip(t);
    // (pip caches http:// pages only from a trusted host: its insecure adapter is the one with a cache.)
    if (p) await check((a) => pipWouldInstall(p, ['--trusted-host', '127.0.0.1', ...a]), 'pip');
  } finally {
    await fresh.close();
  }
});

test('--build-constraint limits what build environments get, not the install; -C after a requirements-file line reaches that build only, the command line\'s -C none of a file\'s lines — as pip 26.2', { skip, timeout: 600_000 }, async (t) => {
  const record = 'import bdep, json\nopen(NAME + ".py", "w").write("BDEP = %r\\nCONFIG = %r\\n" % (bdep.VERSION, json.dumps(config_settings or {}, sort_keys=True)))';
  const proj = writeInTreeProject(join(tmp, 'proj'), 'recorder', record, ['bdep']);
  const constraints = join(tmp, 'build-constraints.txt');
  writeFileSync(constraints, 'bdep==1.0\n');
  const reqs = join(tmp, 'with-c.txt');
  writeFileSync(reqs, `${proj} -C mode=fast --config-settings mode=twice\npb==1.0\n`);
  // A line without -C is built with no settings, whatever the command line's -C (pip's get_requirements).
  const plain = join(tmp, 'without-c.txt');
  writeFileSync(plain, `${proj}\n`);
  // Nor a PEP 723 script's dependencies (pip's get_requirements makes them without config settings).
  const script = join(tmp, 'needs-recorder.py');
  writeFileSync(script, `# /// script\n# dependencies = ["recorder @ ${pathToFileURL(proj).href}"]\n# ///\nprint(1)\n`);
  const seen = (py: string) => {
    const r = spawnSync(py, ['-c', 'import recorder; print(recorder.BDEP, recorder.CONFIG)'], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    return r.stdout.trim();
  };
  const ix = ['--index-url', http.url];
  const py = join(envDir, 'bin', 'python');
  const vkInstall = async (args: string[]) => {
    const r = await vk(['install', '--env', envDir, '--force-reinstall', ...ix, ...args]);
    assert.equal(r.status, 0, r.stderr);
    return seen(py);
  };
  const want = ['2.0 {}', '2.0 {}', '1.0 {}', '2.0 {"mode": ["fast", "twice"]}', '1.0 {"mode": "x"}'];
  const got = [
    await vkInstall(['-C', 'mode=cli', '-r', plain]),
    await vkInstall(['-C', 'mode=cli', '--requirements-from-script', script]),
    await vkInstall(['--build-constraint', constraints, proj]),
    await vkInstall(['-C', 'mode=cli', '-r', reqs]),
    await vkInstall(['--build-constraint', constraints, '-C', 'mode=x', proj]),
  ];
  assert.deepEqual(got, want, 'venvkit');
  const constrainedAll = await vk(['install', '--env', envDir, '--dry-run', '--json', ...ix, '--build-constraint', constraints, 'bdep']);
  assert.equal(constrainedAll.status, 0, constrainedAll.stderr);
  assert.deepEqual(JSON.parse(constrainedAll.stdout).installed.map((p: { version: string }) => p.version), ['2.0'], 'the install itself is not constrained');
  const missing = await vk(['install', '--env', envDir, '--dry-run', ...ix, '--build-constraint', join(tmp, 'nope.txt'), 'pb']);
  assert.equal(missing.status, 1);
  assert.match(missing.stderr, /--build-constraint .*nope\.txt: no such file/);

  const p = pip(t);
  if (!p) return;
  const pipInstall = async (args: string[]) => {
    const r = await pipRun(p, ['install', '-q', '--force-reinstall', '--no-cache-dir', ...ix, ...args]);
    assert.equal(r.status, 0, r.stderr);
    return seen(p.python);
  };
  assert.deepEqual([
    await pipInstall(['-C', 'mode=cli', '-r', plain]),
    await pipInstall(['-C', 'mode=cli', '--requirements-from-script', script]),
    await pipInstall(['--build-constraint', constraints, proj]),
    await pipInstall(['-C', 'mode=cli', '-r', reqs]),
    await pipInstall(['--build-constraint', constraints, '-C', 'mode=x', proj]),
  ], want, 'pip');
});

test('with --no-require-hashes a line\'s --hash is still checked (or the index\'s hash of the file, as pip trusts it there) — as pip 26.2', { skip, timeout: 600_000 }, async (t) => {
  const ix = ['--index-url', http.url];
  const wrong = join(tmp, 'wrong-hash.txt');
  writeFileSync(wrong, `--no-require-hashes\npd==1.0\npc==1.0 --hash=sha256:${'0'.repeat(64)}\n`);
  wheel(files, 'pd', '1.0');
  http.rescan();
  // From find-links (no hash given with the file) only the line's hash counts: a mismatch.
  const fl = ['--no-index', '-f', files];
  let r = await vk(['install', '--env', envDir, ...fl, '-r', wrong]);
  assert.notEqual(r.status, 0, 'venvkit installed a file whose hash the line does not allow');
  assert.match(r.stderr, /hash mismatch for .*pc-1\.0-py3-none-any\.whl: expected sha256:0+/);
  // From the index (which gives the file's sha256) pip takes that hash as good too: installed.
  r = await vk(['install', '--env', envDir, ...ix, '-r', wrong]);
  assert.equal(r.status, 0, r.stderr);
  assert.equal((await vk(['uninstall', '--env', envDir, '-y', 'pc', 'pd'])).status, 0);
  const right = join(tmp, 'right-hash.txt');
  const sha = spawnSync('sha256sum', [join(files, 'pc-1.0-py3-none-any.whl')], { encoding: 'utf8' }).stdout.split(' ')[0];
  writeFileSync(right, `pd==1.0\npc==1.0 --hash=sha256:${sha}\n`);
  const ok = await vk(['install', '--env', envDir, ...ix, '--no-require-hashes', '-r', right]);
  assert.equal(ok.status, 0, ok.stderr);
  assert.equal((await vk(['uninstall', '--env', envDir, '-y', 'pc', 'pd'])).status, 0);
  const p = pip(t);
  if (!p) return;
  // In one pip process, in turn (pip reads its env per call).
  const [pipWrong, pipIndex, pipUninstall, pr] = await pipCalls(p, [
    ['run', ['install', '-q', '--no-cache-dir', ...fl, '-r', wrong]],
    ['run', ['install', '-q', '--no-cache-dir', ...ix, '-r', wrong]],
    ['run', ['uninstall', '-q', '-y', 'pc', 'pd']],
    ['run', ['install', '-q', '--no-cache-dir', ...ix, '--no-require-hashes', '-r', right]],
  ]);
  assert.notEqual(pipWrong!.status, 0, 'pip refuses it too');
  assert.match(pipWrong!.stderr, /DO NOT MATCH THE HASHES/);
  assert.equal(pipIndex!.status, 0, pipIndex!.stderr);
  assert.equal(pipUninstall!.status, 0);
  assert.equal(pr!.status, 0, pr!.stderr);
});

test('-r https://... is fetched with --cert and --trusted-host, as index pages are — as pip 26.2', { skip, timeout: 600_000 }, async (t) => {
  const cert = certOrSkip(t, join(tmp, 'certs'));
  if (!cert) return;
  const served = join(tmp, 'served');
  mkdirSync(served, { recursive: true });
  wheel(served, 'pk', '1.0');
  writeFileSync(join(served, 'reqs.zip'), 'pk==1.0\n'); // served as /files/reqs.zip
  const https = await startIndexServer(served, {}, cert);
  try {
    const url = `${https.origin}/files/reqs.zip`;
    const ix = ['--index-url', https.url];
    const trusted = await vk(['install', '--env', envDir, '--dry-run', '--retries', '0', '--trusted-host', '127.0.0.1', '--index-url', https.url, '-r', url]);
    assert.equal(trusted.status, 0, trusted.stderr);
    assert.deepEqual(await wouldInstall([...ix, '--cert', cert.certPath, '-r', url]), ['pk==1.0']);
    assert.deepEqual(await wouldInstall([...ix, '--trusted-host', new URL(https.origin).host, '-r', url]), ['pk==1.0']);
    const unverified = await vk(['install', '--env', envDir, '--dry-run', '--retries', '0', '-r', url, '--no-index']);
    assert.notEqual(unverified.status, 0);
    assert.match(unverified.stderr, /cannot read requirements file .*(self[- ]signed|certificate)/i);
    const p = pip(t);
    if (!p) return;
    const [unverifiedPip, trustedPip] = await pipCalls(p, [
      ['run', ['install', '--dry-run', '--retries', '0', '--no-index', '-r', url]],
      ['would', [...ix, '--retries', '0', '--trusted-host', new URL(https.origin).host, '-r', url]],
    ]);
    assert.notEqual(unverifiedPip!.status, 0);
    assert.deepEqual(trustedPip!.installed, ['pk==1.0']);
  } finally {
    await https.close();
  }
});

test('uninstall --target DIR and --user remove what install --target/--user put there; pip\'s user-site uninstall removes the same', { skip, timeout: 600_000 }, async () => {
  const ix = ['--index-url', http.url];
  const target = join(tmp, 'target');
  let r = await vk(['install', '--python', python!, '--target', target, ...ix, 'pd==1.0']);
  assert.equal(r.status, 0, r.stderr);
  assert.ok(existsSync(join(target, 'pd', '__init__.py')));
  r = await vk(['uninstall', '--python', python!, '--target', target, '-y', 'pd']);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout + r.stderr, /Uninstalled pd 1\.0/);
  assert.deepEqual(readdirSync(target).filter((f) => !f.startsWith('.venvkit')), [], 'the target holds nothing of pd');

  const userBase = env.PYTHONUSERBASE!;
  const site = spawnSync(python!, ['-c', 'import site; print(site.getusersitepackages())'], { env, encoding: 'utf8' }).stdout.trim();
  const installUser = async () => {
    const i = await vk(['install', '--python', python!, '--user', ...ix, 'pd==1.0']);
    assert.equal(i.status, 0, i.stderr);
    assert.ok(existsSync(join(site, 'pd', '__init__.py')), site);
  };
  await installUser();
  r = await vk(['uninstall', '--python', python!, '--user', '-y', 'pd']);
  assert.equal(r.status, 0, r.stderr);
  assert.ok(!existsSync(join(site, 'pd')) && !existsSync(join(site, 'pd-1.0.dist-info')));
  r = await vk(['uninstall', '--python', python!, '--user', '-y', 'pd']);
  assert.equal(r.status, 0);
  assert.match(r.stderr, /Skipping pd as it is not installed/);
  // The interpreter's own pip (outside any env, as pip's uninstall finds user-site distributions) agrees.
  await installUser();
  const pipU = spawnSync(python!, ['-m', 'pip', 'uninstall', '-y', 'pd'], { env, encoding: 'utf8' });
  assert.equal(pipU.status, 0, pipU.stderr);
  assert.ok(!existsSync(join(site, 'pd')) && !existsSync(join(site, 'pd-1.0.dist-info')));
  assert.ok(userBase && existsSync(userBase));
  r = await vk(['uninstall', '--target', target, '--user', '-y', 'pd']);
  assert.equal(r.status, 2);
});

test('list -l/--local: an env that sees the system site-packages lists them and the user site unless --local — as pip 26.2 list', { skip, timeout: 600_000 }, async (t) => {
  const p = pip(t);
  if (!p) return;
  const ix = ['--index-url', http.url];
  const sys = join(tmp, 'sysenv');
  assert.equal(spawnSync(python!, ['-m', 'venv', '--without-pip', '--system-site-packages', sys], { env, encoding: 'utf8' }).status, 0);
  const spy = join(sys, 'bin', 'python');
  let r = await vk(['install', '--python', python!, '--user', ...ix, 'pe==1.0']);
  assert.equal(r.status, 0, r.stderr);
  r = await vk(['install', '--env', sys, ...ix, 'pc==1.0']);
  assert.equal(r.status, 0, r.stderr);
  for (const extra of [[], ['--local'], ['-l'], ['--user']]) {
    const mine = await vk(['list', '--env', sys, '--format', 'json', ...extra]);
    assert.equal(mine.status, 0, mine.stderr);
    // pip 26.2 run for that env's interpreter (pip --python), as the show/list tests do.
    const theirs = await pipRun(p, ['--python', spy, 'list', '--format', 'json', ...extra]);
    assert.equal(theirs.status, 0, theirs.stderr);
    assert.deepEqual(JSON.parse(mine.stdout), JSON.parse(theirs.stdout), `list ${extra.join(' ')}`);
    const names = (JSON.parse(mine.stdout) as { name: string }[]).map((d) => d.name);
    if (extra.length === 0) assert.ok(names.includes('pe') && names.includes('pc'), names.join(' '));
    if (extra[0] === '--local' || extra[0] === '-l') assert.ok(!names.includes('pe') && names.includes('pc'), names.join(' '));
  }
});
