// venvkit sync FILE (the built CLI) and sync() against the scenario wheels: install what is missing,
// replace other versions, remove what the lock does not list (pip/setuptools kept unless --exact),
// markers with extras and dependency groups, a requirements.txt lock through an index, the no-op,
// install -r pylock.toml, and every kind of bad input leaving the env exactly as it was.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, copyFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { venvkit } from '../helpers/cli.js';
import { writeStaticIndex } from '../helpers/index-server.js';
import { buildWheel } from '../helpers/wheels.js';
import { freshEnv, installedSet, isolatedEnv, python3x, snapshot, writeScenarioWheels } from '../pip/helpers.js';
import { sync } from '../../src/sync/sync.js';
import type { Venv } from '../../src/venv/types.js';

const root = mkdtempSync(join(tmpdir(), 'vk-sync-'));
const files = join(root, 'files');
const env = isolatedEnv(join(root, 'cache'));
const python = python3x();
let index = '';
const skip = () => (python ? false : 'no CPython 3.11/3.12 under $PYENV_ROOT');

before(() => {
  writeScenarioWheels(files);
  // What `venv` seeds, as tiny stand-ins (nothing here runs them).
  buildWheel(files, { name: 'pip', version: '1.0' });
  buildWheel(files, { name: 'setuptools', version: '1.0' });
  index = writeStaticIndex(files, join(root, 'static'));
});
after(() => rmSync(root, { recursive: true, force: true }));

const vk = (args: string[]) => venvkit(args, { env });
const whl = (name: string, version: string) => join(files, `${name.replace(/[-_.]+/g, '_')}-${version}-py3-none-any.whl`);
const sha256 = (path: string) => createHash('sha256').update(readFileSync(path)).digest('hex');

interface Entry { name: string; version: string; marker?: string; file?: string; hashes?: string | null; url?: string; extra?: string; size?: number }

/** A pylock.toml naming the scenario wheels by file:// URL with their sha256. */
function pylock(entries: Entry[], top = ''): string {
  let s = `lock-version = "1.0"\ncreated-by = "venvkit-tests"\n${top}\n`;
  for (const e of entries) {
    const file = e.file ?? whl(e.name, e.version);
    s += `\n[[packages]]\nname = "${e.name}"\nversion = "${e.version}"\n${e.marker ? `marker = '${e.marker}'\n` : ''}${e.extra ?? ''}`;
    s += `\n[[packages.wheels]]\nname = "${basename(file)}"\nurl = "${e.url ?? pathToFileURL(file).href}"\n`;
    if (e.size !== undefined) s += `size = ${e.size}\n`;
    if (e.hashes !== null) s += `hashes = { sha256 = "${e.hashes ?? sha256(file)}" }\n`;
  }
  return s;
}

let lockN = 0;
function writeLock(text: string, name = 'pylock.toml'): string {
  const dir = join(root, `lock${lockN++}`);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, name), text);
  return join(dir, name);
}

async function envWith(reqs: string[]): Promise<Venv> {
  const v = await freshEnv(root, python!, env);
  if (reqs.length) {
    const r = vk(['install', '--env', v.root, '-i', index, '--no-deps', ...reqs]);
    assert.equal(r.status, 0, r.stderr);
  }
  return v;
}

test('sync: installs what is missing, replaces other versions, removes what the lock does not list, keeps pip/setuptools unless --exact', { skip: skip() }, async () => {
  const v = await envWith(['keep==1.0', 'util==0.9', 'tool', 'pip', 'setuptools']);
  const lock = writeLock(pylock([
    { name: 'app', version: '1.0' }, { name: 'lib', version: '1.0' }, { name: 'keep', version: '2.0' }, { name: 'util', version: '0.9' },
    { name: 'onlyold', version: '1.0', marker: 'python_version < "3"', file: whl('keep', '1.0') },
  ]));
  let r = vk(['sync', '--env', v.root, lock, '--json']);
  assert.equal(r.status, 0, r.stderr);
  const report = JSON.parse(r.stdout);
  assert.equal(report.alreadySynced, false);
  assert.deepEqual(report.installed.map((p: { name: string; version: string; previous?: string }) => `${p.name} ${p.previous ?? '-'}->${p.version}`).sort(), ['app -->1.0', 'keep 1.0->2.0', 'lib -->1.0']);
  assert.deepEqual(report.removed, [{ name: 'tool', version: '1.0' }]);
  assert.equal(report.kept, 1);
  assert.deepEqual(installedSet(v), ['app==1.0', 'keep==2.0', 'lib==1.0', 'pip==1.0', 'setuptools==1.0', 'util==0.9']);
  // A second sync changes nothing and reads no index (the lock's URLs are not even opened).
  const before = snapshot(v.root);
  r = vk(['sync', '--env', v.root, lock]);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stderr, /already matches .*pylock\.toml \(4 packages, checked in/);
  assert.deepEqual(snapshot(v.root), before);
  r = vk(['sync', '--env', v.root, '--exact', lock]);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stderr, / - pip==1\.0\n/);
  assert.deepEqual(installedSet(v), ['app==1.0', 'keep==2.0', 'lib==1.0', 'util==0.9']);
});

test('sync: package markers with the lock\'s extras and dependency groups (PEP 751), default-groups, --dry-run', { skip: skip() }, async () => {
  const v = await envWith([]);
  const lock = writeLock(pylock([
    { name: 'web', version: '1.0' },
    { name: 'speedup', version: '1.0', marker: '"fast" in extras' },
    { name: 'util', version: '1.0', marker: '"test" in dependency_groups' },
    { name: 'lib', version: '1.0', marker: '"docs" in dependency_groups and python_version >= "3"' },
  ], 'extras = ["fast"]\ndependency-groups = ["test", "docs"]\ndefault-groups = ["test"]'));
  let r = vk(['sync', '--env', v.root, '--dry-run', '--json', lock]);
  assert.equal(r.status, 0, r.stderr);
  assert.deepEqual(JSON.parse(r.stdout).installed.map((p: { name: string }) => p.name).sort(), ['util', 'web']);
  assert.deepEqual(installedSet(v), [], 'a dry run changes nothing');
  r = vk(['sync', '--env', v.root, lock]);
  assert.equal(r.status, 0, r.stderr);
  assert.deepEqual(installedSet(v), ['util==1.0', 'web==1.0']);
  r = vk(['sync', '--env', v.root, '--extra', 'fast', '--group', 'docs', lock]);
  assert.equal(r.status, 0, r.stderr);
  assert.deepEqual(installedSet(v), ['lib==1.0', 'speedup==1.0', 'web==1.0']);
  r = vk(['sync', '--env', v.root, '--extra', 'nope', lock]);
  assert.equal(r.status, 2);
  assert.match(r.stderr, /has no extra "nope" \(it has: fast\)/);
});

test('sync() (library) from a requirements.txt lock: pinned files found on the index by their hashes; a second sync is a no-op', { skip: skip() }, async () => {
  const v = await envWith(['keep==2.0']);
  const req = writeLock(`--index-url ${index}\napp==1.0 --hash=sha256:${sha256(whl('app', '1.0'))}\nlib==1.0 \\\n  --hash=sha256:${'0'.repeat(64)} \\\n  --hash=sha256:${sha256(whl('lib', '1.0'))}\nonlyold==1.0 ; python_version < "3"\n`, 'requirements.txt');
  const report = await sync({ venv: v.root, lock: req, env });
  assert.equal(report.alreadySynced, false);
  assert.deepEqual(installedSet(v), ['app==1.0', 'lib==1.0']);
  assert.deepEqual(report.removed, [{ name: 'keep', version: '2.0' }]);
  const again = await sync({ venv: v, lock: req, env });
  assert.equal(again.alreadySynced, true);
  assert.equal(again.kept, 2);
});

test('install -r pylock.toml (as pip 26.2): the lock\'s selection, in hash-checking mode, nothing removed', { skip: skip() }, async () => {
  const v = await envWith(['tool']);
  const lock = writeLock(pylock([{ name: 'app', version: '1.0' }, { name: 'lib', version: '1.0' }, { name: 'onlyold', version: '1.0', marker: 'python_version < "3"', file: whl('keep', '1.0') }]));
  // No index at all: the lock's files are the only candidates.
  let r = vk(['install', '--env', v.root, '--no-index', '-r', lock]);
  assert.equal(r.status, 0, r.stderr);
  assert.deepEqual(installedSet(v), ['app==1.0', 'lib==1.0', 'tool==1.0']);
  r = vk(['install', '--env', v.root, '--no-index', '-r', lock]);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stderr, /already satisfied/);
  // A dependency the lock does not list: hash-checking mode refuses it, as pip does.
  const partial = writeLock(pylock([{ name: 'app', version: '1.0' }]));
  const w = await envWith([]);
  r = vk(['install', '--env', w.root, '-i', index, '-r', partial]);
  assert.equal(r.status, 1);
  assert.match(r.stderr, /every package needs a --hash.*lib==/);
  assert.deepEqual(installedSet(w), []);
});

test('bad input: each a clear error with its code, and the env exactly as it was', { skip: skip() }, async () => {
  const v = await envWith(['keep==1.0', 'tool']);
  const before = snapshot(v.root);
  const good = pylock([{ name: 'app', version: '1.0' }, { name: 'lib', version: '1.0' }]);
  const tampered = join(root, 'tampered');
  mkdirSync(tampered);
  copyFileSync(whl('lib', '1.0'), join(tampered, basename(whl('lib', '1.0'))));
  writeFileSync(join(tampered, basename(whl('lib', '1.0'))), Buffer.concat([readFileSync(whl('lib', '1.0')), Buffer.from('x')]));
  const impostor = join(root, 'impostor', basename(whl('lib', '1.0')));
  mkdirSync(join(root, 'impostor'));
  copyFileSync(whl('tool', '1.0'), impostor);
  const cases: { what: string; text: string; name?: string; code: string; message: RegExp; hint?: RegExp; exit?: number }[] = [
    { what: 'unknown lock-version major', text: good.replace('lock-version = "1.0"', 'lock-version = "2.0"'), code: 'BAD_LOCK', message: /lock-version 2\.0 is not supported/ },
    { what: 'a package without hashes', text: pylock([{ name: 'app', version: '1.0' }, { name: 'lib', version: '1.0', hashes: null }]), code: 'BAD_LOCK', message: /packages\[1\]\.wheels\[0\] \(lib\) has no hashes/ },
    { what: 'a hash mismatch (the second file: the first was fine)', text: pylock([{ name: 'app', version: '1.0' }, { name: 'lib', version: '1.0', file: join(tampered, basename(whl('lib', '1.0'))), hashes: sha256(whl('lib', '1.0')) }]), code: 'HASH_MISMATCH', message: /hash mismatch for file:.*lib-1\.0-py3-none-any\.whl/ },
    { what: 'environments excluding this env', text: good.replace('\n\n', '\nenvironments = [\'sys_platform == "win32"\', \'python_version < "3.8"\']\n\n'), code: 'LOCK_ENVIRONMENT', message: /none of its environments matches\n {2}sys_platform == "win32" {3}\(here sys_platform is "linux"\)\n {2}python_version < "3\.8" {3}\(here python_version is "3\.1\d"\)/ },
    { what: 'requires-python excluding this env', text: good.replace('\n\n', '\nrequires-python = ">=3.99"\n\n'), code: 'LOCK_ENVIRONMENT', message: /requires Python >=3\.99, and this environment's Python is 3\.1\d\.\d+/ },
    { what: 'a size the file does not have (its hash matches)', text: pylock([{ name: 'app', version: '1.0', size: readFileSync(whl('app', '1.0')).length }, { name: 'lib', version: '1.0', size: readFileSync(whl('lib', '1.0')).length + 1 }]), code: 'BAD_LOCK', message: /packages\[1\] \(lib\): size is \d+, but file:.*lib-1\.0-py3-none-any\.whl \(whose hash matches\) has \d+ bytes/ },
    { what: 'a file of another project (found halfway, after the first was fetched)', text: pylock([{ name: 'app', version: '1.0' }, { name: 'lib', version: '1.0', file: impostor }]), code: 'BAD_WHEEL', message: /holds tool 1\.0, not lib 1\.0/ },
    { what: 'malformed TOML', text: good.replace('name = "lib"', 'name = "lib'), code: 'BAD_LOCK', message: /pylock\.toml:\d+:\d+: / },
    { what: 'malformed TOML (the line and column of the error)', text: 'lock-version = "1.0"\ncreated-by = "x"\npackages = [\n  { name = "a" version = "1" },\n]\n', code: 'BAD_LOCK', message: /pylock\.toml:4:16: expected comma/ },
    { what: 'a file that is not there', text: pylock([{ name: 'app', version: '1.0' }, { name: 'lib', version: '1.0', url: pathToFileURL(join(root, 'gone', 'lib-1.0-py3-none-any.whl')).href, hashes: sha256(whl('lib', '1.0')) }]), code: 'INDEX_ERROR', message: /file not found: .*gone/ },
    { what: 'an unreachable URL', text: pylock([{ name: 'app', version: '1.0' }, { name: 'lib', version: '1.0', url: 'http://127.0.0.1:9/files/lib-1.0-py3-none-any.whl' }]), code: 'INDEX_ERROR', message: /127\.0\.0\.1:9/ },
    { what: 'a requirements pin no index serves', name: 'requirements.txt', text: `--index-url ${index}\napp==1.0 --hash=sha256:${sha256(whl('app', '1.0'))}\nlib==9.9 --hash=sha256:${'1'.repeat(64)}\n`, code: 'INDEX_ERROR', message: /requirements\.txt:3: no index serves a file of lib 9\.9/ },
    { what: 'a requirements line without --hash', name: 'requirements.txt', text: `app==1.0 --hash=sha256:${sha256(whl('app', '1.0'))}\nlib==1.0\n`, code: 'BAD_LOCK', message: /requirements\.txt:2: lib==1\.0 has no --hash/ },
    { what: 'a requirements line not pinned', name: 'requirements.txt', text: `lib>=1.0 --hash=sha256:${sha256(whl('lib', '1.0'))}\n`, code: 'BAD_LOCK', message: /lib>=1\.0 is not pinned to one version/ },
    { what: 'no such lock file', text: '', name: '', code: 'BAD_PATH', message: /No such lock file/ },
  ];
  for (const c of cases) {
    const lock = c.name === '' ? join(root, 'nope', 'pylock.toml') : writeLock(c.text, c.name);
    const r = vk(['sync', '--env', v.root, '--json', lock]);
    assert.equal(r.status, c.exit ?? 1, `${c.what}: ${r.stderr}`);
    const err = JSON.parse(r.stdout).error;
    assert.equal(err.code, c.code, `${c.what}: ${r.stdout}`);
    assert.match(err.message, c.message, c.what);
    assert.ok(err.hint, `${c.what}: a hint`);
    assert.deepEqual(snapshot(v.root), before, `${c.what}: the env is unchanged (keep and tool were not removed)`);
  }
});
