// The lock's resolution cache (src/lock/resolution-cache.ts): the same inputs give the same bytes
// from the cache (seen through `--json`'s resolutionCache, not timing), and a change to anything the
// resolution read or was asked — a new release on a file:// or an http page, a wheel's METADATA in a
// find-links directory, a constraint file — is never missed.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startIndexServer, writeStaticIndex, writeWheel } from '../helpers/index-server.js';
import { venvkit, venvkitAsync, type CliResult } from '../helpers/cli.js';
import { interpreters, tempDir } from '../helpers/venv.js';
import { isolatedEnv, python3x } from '../pip/helpers.js';

const dir = tempDir('lock-rcache');
after(() => rmSync(dir, { recursive: true, force: true }));
const python = python3x() ?? 'python3';

interface Locked { status: string; pins: string[]; text: string }

function outcome(r: CliResult, out: string): Locked {
  assert.equal(r.status, 0, r.stderr);
  const json = JSON.parse(r.stdout) as { resolutionCache: string };
  const text = readFileSync(out, 'utf8');
  return { status: json.resolutionCache, pins: [...text.matchAll(/^name = "(.*)"\nversion = "(.*)"$/gm)].map((m) => `${m[1]}==${m[2]}`), text };
}

test('a file:// index, a find-links directory and a constraint file: the cache is used while nothing changed, never after', () => {
  const files = join(dir, 'files');
  writeWheel(files, { name: 'top', version: '1.0', requires: ['dep'] });
  writeWheel(files, { name: 'dep', version: '1.0' });
  const index = writeStaticIndex(files, join(dir, 'index'));
  const cwd = join(dir, 'work');
  mkdirSync(cwd, { recursive: true });
  const out = join(cwd, 'pylock.toml');
  const env = isolatedEnv(join(dir, 'cache'));
  // A fresh output each time (as a CI job): the key does not change with a previous lock.
  const lock = (args: string[]): Locked => {
    rmSync(out, { force: true });
    return outcome(venvkit(['lock', '-p', python, '--json', ...args], { env, cwd }), out);
  };

  const first = lock(['--index-url', index, 'top']);
  assert.equal(first.status, 'stored');
  assert.deepEqual(first.pins, ['dep==1.0', 'top==1.0']);
  const again = lock(['--index-url', index, 'top']);
  assert.equal(again.status, 'hit');
  assert.equal(again.text, first.text, 'byte-identical from the cache');

  // A new release on a page the resolution read: resolved again.
  writeWheel(files, { name: 'dep', version: '1.1' });
  writeStaticIndex(files, join(dir, 'index'));
  const newer = lock(['--index-url', index, 'top']);
  assert.equal(newer.status, 'stored');
  assert.deepEqual(newer.pins, ['dep==1.1', 'top==1.0']);
  assert.equal(lock(['--index-url', index, 'top']).status, 'hit');

  // A constraint file: what it says is part of the key.
  const constraints = join(dir, 'constraints.txt');
  writeFileSync(constraints, 'dep<1.1\n');
  assert.deepEqual(lock(['--index-url', index, 'top', '-c', constraints]).pins, ['dep==1.0', 'top==1.0']);
  writeFileSync(constraints, 'dep<=1.1\n');
  const relaxed = lock(['--index-url', index, 'top', '-c', constraints]);
  assert.notEqual(relaxed.status, 'hit');
  assert.deepEqual(relaxed.pins, ['dep==1.1', 'top==1.0']);

  // A find-links directory (no hashes): a wheel rewritten in place with other METADATA, then a new file.
  const links = join(dir, 'links');
  writeWheel(links, { name: 'app', version: '1.0', requires: ['left'] });
  writeWheel(links, { name: 'left', version: '1.0' });
  writeWheel(links, { name: 'right', version: '1.0' });
  const fl = ['--no-index', '--find-links', links, 'app'];
  assert.deepEqual(lock(fl).pins, ['app==1.0', 'left==1.0']);
  assert.equal(lock(fl).status, 'hit');
  writeWheel(links, { name: 'app', version: '1.0', requires: ['right'] });
  const rewritten = lock(fl);
  assert.notEqual(rewritten.status, 'hit');
  assert.deepEqual(rewritten.pins, ['app==1.0', 'right==1.0']);
  assert.equal(lock(fl).status, 'hit');
  writeWheel(links, { name: 'right', version: '2.0' });
  assert.deepEqual(lock(fl).pins, ['app==1.0', 'right==2.0']);

  // --no-cache neither reads nor writes it.
  assert.equal(lock([...fl, '--no-cache']).status, 'off');
});

test('two file:// indexes: a project the second one lacks is witnessed by its directory; the project appearing there is seen', () => {
  const files = join(dir, 'two-files');
  writeWheel(files, { name: 'top', version: '1.0', requires: ['dep'] });
  writeWheel(files, { name: 'dep', version: '1.0' });
  const index = writeStaticIndex(files, join(dir, 'two-index'));
  const moreFiles = join(dir, 'two-more-files');
  writeWheel(moreFiles, { name: 'other', version: '1.0' });
  const more = writeStaticIndex(moreFiles, join(dir, 'two-more'));
  const cwd = join(dir, 'two');
  mkdirSync(cwd, { recursive: true });
  const out = join(cwd, 'pylock.toml');
  const env = isolatedEnv(join(dir, 'two-cache'));
  const lock = (): Locked => {
    rmSync(out, { force: true });
    return outcome(venvkit(['lock', '-p', python, '--json', '--index-url', index, '--extra-index-url', more, 'top'], { env, cwd }), out);
  };
  assert.equal(lock().status, 'stored');
  assert.equal(lock().status, 'hit');
  // A new project directory on the second index (nothing on the first changes): resolved again.
  writeWheel(moreFiles, { name: 'dep', version: '1.1' });
  writeStaticIndex(moreFiles, join(dir, 'two-more'));
  const newer = lock();
  assert.equal(newer.status, 'stored');
  assert.deepEqual(newer.pins, ['dep==1.1', 'top==1.0']);
  assert.equal(lock().status, 'hit');
});

test('the interpreter: -p naming a path that now runs another Python is another target, never the cached one', (t) => {
  const [a, b] = interpreters().filter((i) => /^3\.(9|1\d)\./.test(i.version));
  if (!a || !b) {
    t.skip('two CPython 3.9+ interpreters are needed under $PYENV_ROOT/versions');
    return;
  }
  const files = join(dir, 'interp-files');
  writeWheel(files, { name: 'top', version: '1.0', requires: ['dep'] });
  writeWheel(files, { name: 'dep', version: '1.0' });
  const index = writeStaticIndex(files, join(dir, 'interp-index'));
  const cwd = join(dir, 'interp');
  mkdirSync(cwd, { recursive: true });
  const out = join(cwd, 'pylock.toml');
  const env = isolatedEnv(join(dir, 'interp-cache'));
  const py = join(cwd, 'python');
  const lock = (): Locked => {
    rmSync(out, { force: true });
    return outcome(venvkit(['lock', '-p', py, '--json', '--index-url', index, 'top'], { env, cwd }), out);
  };
  symlinkSync(realpathSync(a.path), py);
  assert.equal(lock().status, 'stored');
  const first = lock();
  assert.equal(first.status, 'hit');
  rmSync(py);
  symlinkSync(realpathSync(b.path), py);
  const other = lock();
  assert.notEqual(other.status, 'hit');
  const minor = (v: string) => v.split('.').slice(0, 2).join('.');
  assert.match(other.text, new RegExp(`^requires-python = "==${minor(b.version).replace('.', '\\.')}\\.\\*"$`, 'm'));
  assert.match(first.text, new RegExp(`^requires-python = "==${minor(a.version).replace('.', '\\.')}\\.\\*"$`, 'm'));
});

test('an existing lock: its pins are part of the key, and kept when a newer release appears', () => {
  const files = join(dir, 'pins-files');
  writeWheel(files, { name: 'top', version: '1.0', requires: ['dep'] });
  writeWheel(files, { name: 'dep', version: '1.0' });
  const index = writeStaticIndex(files, join(dir, 'pins-index'));
  const cwd = join(dir, 'pins');
  mkdirSync(cwd, { recursive: true });
  const out = join(cwd, 'pylock.toml');
  const env = isolatedEnv(join(dir, 'pins-cache'));
  const lock = (...args: string[]) => outcome(venvkit(['lock', '-p', python, '--json', '--index-url', index, 'top', ...args], { env, cwd }), out);
  assert.equal(lock().status, 'stored');
  const kept = lock();
  assert.equal(lock().status, 'hit');
  writeWheel(files, { name: 'dep', version: '2.0' });
  writeStaticIndex(files, join(dir, 'pins-index'));
  const after = lock();
  assert.notEqual(after.status, 'hit');
  assert.equal(after.text, kept.text, 'the pins are kept');
  const upgraded = lock('--upgrade');
  assert.deepEqual(upgraded.pins, ['dep==2.0', 'top==1.0']);
});

test('an http index: the page is read again through the page cache; a new release is seen', async () => {
  const files = join(dir, 'http-files');
  writeWheel(files, { name: 'top', version: '1.0', requires: ['dep'] });
  writeWheel(files, { name: 'dep', version: '1.0' });
  const server = await startIndexServer(files);
  try {
    const cwd = join(dir, 'http');
    mkdirSync(cwd, { recursive: true });
    const out = join(cwd, 'pylock.toml');
    const env = isolatedEnv(join(dir, 'http-cache'));
    const lock = async () => {
      rmSync(out, { force: true });
      return outcome(await venvkitAsync(['lock', '-p', python, '--json', '--index-url', server.url, 'top'], { env, cwd }), out);
    };
    const first = await lock();
    assert.equal(first.status, 'stored');
    const seen = server.log.length;
    const again = await lock();
    assert.equal(again.status, 'hit');
    assert.equal(again.text, first.text);
    // Revalidated (the page has no max-age): a conditional request per page, no file fetched.
    const asked = server.log.slice(seen);
    assert.ok(asked.length > 0 && asked.every((l) => l.path.startsWith('/simple/') && l.ifNoneMatch), JSON.stringify(asked));
    writeWheel(files, { name: 'dep', version: '1.1' });
    server.rescan();
    const newer = await lock();
    assert.equal(newer.status, 'stored');
    assert.deepEqual(newer.pins, ['dep==1.1', 'top==1.0']);
  } finally {
    await server.close();
  }
});
