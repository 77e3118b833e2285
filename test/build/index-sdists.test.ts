// sdists from indexes and find-links, chosen as pip 26.2 chooses (a wheel over the sdist of the same
// version; the newest version even when only its sdist exists; --prefer-binary, --only-binary,
// --no-binary, on the command line and in requirement files), built through venvkit's frontend with
// real backends from the local index, served as a static PEP 503 index (file://) and over HTTP on
// 127.0.0.1; a second env installing the same sdist builds nothing; a yanked wheel, or one whose
// Requires-Python excludes the target, loses to its version's sdist.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CLI, venvkit } from '../helpers/cli.js';
import { startIndexServer, writeStaticIndex } from '../helpers/index-server.js';
import { realPip } from '../helpers/real-pip.js';
import { python3x } from '../pip/helpers.js';
import { createVenv } from '../../src/venv/create.js';
import { buildTestEnv, localIndex, writeFiles } from './helpers.js';

const tmp = mkdtempSync(join(tmpdir(), 'vk-index-sdists-'));
after(() => rmSync(tmp, { recursive: true, force: true }));
const env = buildTestEnv(join(tmp, 'cache'));
const python = python3x();
const skip = !python ? 'no CPython 3.11/3.12 under $PYENV_ROOT' : !localIndex(env) ? 'no file:// index in pip\'s configuration' : false;
const vk = (args: string[], cwd?: string) => venvkit(args, { env, cwd, timeout: 300_000 });
/** The CLI without blocking this process (the HTTP index server answers from it). */
const vkAsync = (args: string[]) => new Promise<{ status: number | null; stderr: string }>((res) => {
  execFile(process.execPath, [CLI, ...args], { env, timeout: 300_000 }, (e, _out, stderr) => res({ status: e ? ((e as { code?: number }).code ?? 1) : 0, stderr }));
});
const py = (exe: string, code: string) => spawnSync(exe, ['-c', code], { encoding: 'utf8', env, cwd: tmp });
const buildLogs = () => {
  const logs = join(env.VENVKIT_CACHE_DIR!, 'build', 'logs');
  return existsSync(logs) ? readdirSync(logs).length : 0;
};
const files = join(tmp, 'files');

/** A flit-core project `name` `version` (depending on six), its sdist (and wheel) made by `venvkit build` into `files`. */
function make(name: string, version: string, kinds: ('--sdist' | '--wheel')[], out = files): void {
  const dir = writeFiles(join(tmp, 'src', `${name}-${version}`), {
    'pyproject.toml': `[build-system]\nrequires = ["flit_core>=3.4"]\nbuild-backend = "flit_core.buildapi"\n\n[project]\nname = "${name}"\nversion = "${version}"\ndescription = "x"\ndependencies = ["six"]\n`,
    [`${name}/__init__.py`]: `"""x"""\nVERSION = "${version}"\n`,
  });
  const r = vk(['build', '-p', python!, ...kinds, '-o', out], dir);
  assert.equal(r.status, 0, r.stderr);
}

let index = '';
if (!skip) {
  mkdirSync(files, { recursive: true });
  make('sdonly', '1.0', ['--sdist']);
  make('mixed', '1.0', ['--sdist', '--wheel']);
  make('mixed', '2.0', ['--sdist']);
  index = writeStaticIndex(files, join(tmp, 'static'));
}
/** venvkit's chosen versions of `reqs` with `flags`, resolved (dry run) against the local index plus ours. */
const chosen = (reqs: string[], flags: string[], extra = index) => {
  const r = vk(['install', '--env', join(tmp, 'probe'), '--dry-run', '--json', '--extra-index-url', extra, ...flags, ...reqs]);
  assert.equal(r.status, 0, r.stderr);
  return Object.fromEntries((JSON.parse(r.stdout).resolved as { name: string; version: string }[]).map((p) => [p.name, p.version]));
};

test('an sdist-only project from a file:// index and over HTTP: built, installed, a second env builds nothing', { skip, timeout: 600_000 }, async () => {
  await createVenv(join(tmp, 'probe'), { python: python!, env, withoutPip: true });
  const e1 = await createVenv(join(tmp, 'env1'), { python: python!, env, withoutPip: true });
  const logs0 = buildLogs();
  let r = vk(['install', '--env', e1.root, '--extra-index-url', index, 'sdonly']);
  assert.equal(r.status, 0, r.stderr);
  assert.ok(buildLogs() > logs0, 'built');
  assert.equal(py(e1.paths.python, 'import sdonly, six; print(sdonly.VERSION)').stdout, '1.0\n');

  // The same sdist over HTTP into another env: the built wheel is reused (same sha256), no build.
  const server = await startIndexServer(files);
  try {
    const e2 = await createVenv(join(tmp, 'env2'), { python: python!, env, withoutPip: true });
    const logs1 = buildLogs();
    r = { stdout: '', ...(await vkAsync(['install', '--env', e2.root, '--extra-index-url', server.url, 'sdonly'])) };
    assert.equal(r.status, 0, r.stderr);
    assert.equal(buildLogs(), logs1, 'no build for the second env');
    assert.ok(server.log.some((l) => l.path.endsWith('sdonly-1.0.tar.gz')), 'the sdist was fetched over HTTP');
    assert.equal(py(e2.paths.python, 'import sdonly; print(sdonly.VERSION)').stdout, '1.0\n');
  } finally {
    await server.close();
  }

  // Hash-checking mode: the sdist is checked as a wheel is.
  const sha = createHash('sha256').update(readFileSync(join(files, 'sdonly-1.0.tar.gz'))).digest('hex');
  const six = JSON.parse(vk(['install', '--env', join(tmp, 'probe'), '--dry-run', '--json', 'six']).stdout).resolved[0];
  const sixSha = createHash('sha256').update(readFileSync(new URL(six.url))).digest('hex');
  const hashed = join(tmp, 'hashed.txt');
  writeFileSync(hashed, `--extra-index-url ${index}\nsdonly==1.0 --hash=sha256:${'0'.repeat(64)}\nsix==${six.version} --hash=sha256:${sixSha}\n`);
  r = vk(['install', '--env', join(tmp, 'probe'), '--dry-run', '-r', hashed]);
  assert.notEqual(r.status, 0);
  assert.match(r.stderr, /hash mismatch for .*sdonly-1\.0\.tar\.gz/);
  writeFileSync(hashed, `--extra-index-url ${index}\nsdonly==1.0 --hash=sha256:${sha}\nsix==${six.version} --hash=sha256:${sixSha}\n`);
  r = vk(['install', '--env', join(tmp, 'probe'), '--dry-run', '-r', hashed]);
  assert.equal(r.status, 0, r.stderr);

  // find-links (a directory) works the same.
  const e3 = await createVenv(join(tmp, 'env3'), { python: python!, env, withoutPip: true });
  r = vk(['install', '--env', e3.root, '-f', files, 'sdonly']);
  assert.equal(r.status, 0, r.stderr);
  assert.equal(py(e3.paths.python, 'import sdonly; print(sdonly.VERSION)').stdout, '1.0\n');
});

test('a newer sdist and an older wheel: default, --prefer-binary, --only-binary, --no-binary (flags and requirement files), as pip 26.2 chooses', { skip, timeout: 600_000 }, async (t) => {
  if (!existsSync(join(tmp, 'probe'))) await createVenv(join(tmp, 'probe'), { python: python!, env, withoutPip: true });
  const cases: { flags: string[]; reqs: string[]; want: string }[] = [
    { flags: [], reqs: ['mixed'], want: '2.0' },
    { flags: ['--prefer-binary'], reqs: ['mixed'], want: '1.0' },
    { flags: ['--only-binary', ':all:'], reqs: ['mixed'], want: '1.0' },
    { flags: ['--only-binary=mixed'], reqs: ['mixed'], want: '1.0' },
    { flags: ['--no-binary', 'mixed'], reqs: ['mixed<2'], want: '1.0' },
    { flags: ['--prefer-binary', '--no-binary', ':all:', '--no-binary', ':none:'], reqs: ['mixed'], want: '1.0' },
  ];
  for (const c of cases) assert.equal(chosen(c.reqs, c.flags).mixed, c.want, c.flags.join(' '));
  // Resolving (a dry run) took mixed 2.0's metadata from prepare_metadata_for_build_wheel: no wheel was built.
  const builtWheels = join(env.VENVKIT_CACHE_DIR!, 'built-wheels', 'v1');
  const wheelsBuilt = () => (existsSync(builtWheels) ? readdirSync(builtWheels).flatMap((d) => readdirSync(join(builtWheels, d))) : []);
  assert.ok(!wheelsBuilt().some((f) => f.startsWith('mixed-2.0-')), wheelsBuilt().join(', '));

  // --only-binary :all: with a version that has only an sdist: a clear error naming the option.
  let r = vk(['install', '--env', join(tmp, 'probe'), '--dry-run', '--extra-index-url', index, '--only-binary', ':all:', 'mixed==2.0']);
  assert.notEqual(r.status, 0);
  assert.match(r.stderr, /mixed==2\.0 has only a source distribution \(mixed-2\.0\.tar\.gz\), and --only-binary excludes it/);

  // --no-binary NAME forces a build of 1.0 (which has a wheel): the installed files come from the sdist's build.
  const e = await createVenv(join(tmp, 'env-nobin'), { python: python!, env, withoutPip: true });
  const logs0 = buildLogs();
  r = vk(['install', '--env', e.root, '--extra-index-url', index, '--no-binary', 'mixed', 'mixed==1.0']);
  assert.equal(r.status, 0, r.stderr);
  assert.ok(buildLogs() > logs0, 'built from the sdist');
  assert.equal(py(e.paths.python, 'import mixed; print(mixed.VERSION)').stdout, '1.0\n');

  // The same options in a requirements file; the command line's come first (pip's order).
  const reqs = join(tmp, 'reqs.txt');
  writeFileSync(reqs, `--extra-index-url ${index}\n--prefer-binary\nmixed\n`);
  r = vk(['install', '--env', join(tmp, 'probe'), '--dry-run', '--json', '-r', reqs]);
  assert.equal(r.status, 0, r.stderr);
  assert.equal(JSON.parse(r.stdout).resolved.find((p: { name: string }) => p.name === 'mixed').version, '1.0');
  writeFileSync(reqs, `--extra-index-url ${index}\n--only-binary :none:\nmixed\n`);
  assert.equal(chosen(['-r', reqs], ['--only-binary', ':all:']).mixed, '2.0', 'the file\'s :none: after the command line\'s :all:');

  // Hash-checking mode with only the sdist's hash pinned while the version also has a wheel: the
  // file with an allowed hash is the candidate (pip's filter_unallowed_hashes), not the wheel.
  const sdistSha = createHash('sha256').update(readFileSync(join(files, 'mixed-1.0.tar.gz'))).digest('hex');
  const six = JSON.parse(vk(['install', '--env', join(tmp, 'probe'), '--dry-run', '--json', 'six']).stdout).resolved[0];
  const sixSha = createHash('sha256').update(readFileSync(new URL(six.url))).digest('hex');
  const pinned = join(tmp, 'pinned-sdist.txt');
  writeFileSync(pinned, `--extra-index-url ${index}\nmixed==1.0 --hash=sha256:${sdistSha}\nsix==${six.version} --hash=sha256:${sixSha}\n`);
  r = vk(['install', '--env', join(tmp, 'probe'), '--dry-run', '--json', '-r', pinned]);
  assert.equal(r.status, 0, r.stderr);
  assert.match(JSON.parse(r.stdout).resolved.find((p: { name: string }) => p.name === 'mixed').url, /mixed-1\.0\.tar\.gz$/);

  // pip 26.2 chooses the same versions on the same index.
  const pip = realPip(t, join(tmp, 'pip'));
  if (!pip) return;
  // All of pip's dry runs in one python process (pip's main() per run), each with its own report.
  const pinnedReport = join(tmp, 'report-pinned.json');
  const report = (i: number) => join(tmp, `report-${i}.json`);
  const [pp, ...runs] = pip.pipMany([
    ['install', '--dry-run', '--ignore-installed', '-q', '--report', pinnedReport, '--index-url', pip.index, '-r', pinned],
    ...cases.map((c, i) => ['install', '--dry-run', '--ignore-installed', '-q', '--report', report(i), '--index-url', pip.index, '--extra-index-url', index, ...c.flags, ...c.reqs]),
  ], { env: { ...env, PIP_CACHE_DIR: join(tmp, 'pip-cache') } });
  assert.equal(pp!.status, 0, pp!.stderr);
  assert.match(JSON.parse(readFileSync(pinnedReport, 'utf8')).install.find((i: { metadata: { name: string } }) => i.metadata.name === 'mixed').download_info.url, /mixed-1\.0\.tar\.gz$/);
  for (const [i, c] of cases.entries()) {
    assert.equal(runs[i]!.status, 0, runs[i]!.stderr);
    const got = JSON.parse(readFileSync(report(i), 'utf8')).install.find((x: { metadata: { name: string } }) => x.metadata.name === 'mixed');
    assert.equal(got.metadata.version, c.want, `pip ${c.flags.join(' ')}`);
  }
});

test('a yanked wheel, or one whose Requires-Python excludes the target, loses to the sdist of its version, as pip 26.2 chooses', { skip, timeout: 600_000 }, async (t) => {
  if (!existsSync(join(tmp, 'probe'))) await createVenv(join(tmp, 'probe'), { python: python!, env, withoutPip: true });
  const yfiles = join(tmp, 'yfiles');
  mkdirSync(yfiles, { recursive: true });
  for (const v of ['1.0', '2.0', '3.0']) make('yanky', v, ['--sdist', '--wheel'], yfiles);
  const yindex = writeStaticIndex(yfiles, join(tmp, 'ystatic'), {
    'yanky-2.0-py2.py3-none-any.whl': { yanked: 'broken wheel' },
    'yanky-3.0-py2.py3-none-any.whl': { requiresPython: '<3' },
  });
  const cases: { flags: string[]; reqs: string[]; want: string }[] = [
    { flags: [], reqs: ['yanky'], want: 'yanky-3.0.tar.gz' },
    { flags: [], reqs: ['yanky<3'], want: 'yanky-2.0.tar.gz' },
    { flags: [], reqs: ['yanky==2.0'], want: 'yanky-2.0.tar.gz' },
    { flags: ['--prefer-binary'], reqs: ['yanky'], want: 'yanky-1.0-py2.py3-none-any.whl' },
    { flags: ['--only-binary', ':all:'], reqs: ['yanky==2.0'], want: 'yanky-2.0-py2.py3-none-any.whl' },
  ];
  const fileOf = (url: string) => decodeURIComponent(url.split('#')[0]!.split('/').pop()!);
  for (const c of cases) {
    const r = vk(['install', '--env', join(tmp, 'probe'), '--dry-run', '--json', '--extra-index-url', yindex, ...c.flags, ...c.reqs]);
    assert.equal(r.status, 0, r.stderr);
    const got = (JSON.parse(r.stdout).resolved as { name: string; url: string }[]).find((p) => p.name === 'yanky')!;
    assert.equal(fileOf(got.url), c.want, `venvkit ${[...c.flags, ...c.reqs].join(' ')}`);
  }
  // Installed for real: the sdist of 2.0 is built, not the yanked wheel unpacked.
  const e = await createVenv(join(tmp, 'env-yanky'), { python: python!, env, withoutPip: true });
  const r = vk(['install', '--env', e.root, '--extra-index-url', yindex, 'yanky==2.0']);
  assert.equal(r.status, 0, r.stderr);
  assert.equal(py(e.paths.python, 'import yanky; print(yanky.VERSION)').stdout, '2.0\n');
  const direct = py(e.paths.python, 'import importlib.metadata as m; print(m.distribution("yanky").read_text("direct_url.json") is None)');
  assert.equal(direct.stdout, 'True\n', 'from an index: no direct_url.json');

  // pip 26.2 chooses the same files on the same index.
  const pip = realPip(t, join(tmp, 'pip'));
  if (!pip) return;
  // All of pip's dry runs in one python process (pip's main() per run), each with its own report.
  const report = (i: number) => join(tmp, `yreport-${i}.json`);
  const runs = pip.pipMany(cases.map((c, i) => ['install', '--dry-run', '--ignore-installed', '-q', '--report', report(i), '--index-url', pip.index, '--extra-index-url', yindex, ...c.flags, ...c.reqs]), { env: { ...env, PIP_CACHE_DIR: join(tmp, 'pip-cache') } });
  for (const [i, c] of cases.entries()) {
    assert.equal(runs[i]!.status, 0, runs[i]!.stderr);
    const got = JSON.parse(readFileSync(report(i), 'utf8')).install.find((x: { metadata: { name: string } }) => x.metadata.name === 'yanky');
    assert.equal(fileOf(got.download_info.url), c.want, `pip ${[...c.flags, ...c.reqs].join(' ')}`);
  }
});
