// install's use of the resolution cache (src/plan-apply/resolution-reuse.ts): a warm install of the
// same requirements into a fresh env uses the earlier resolution (seen through `--json`'s
// resolutionCache, not timing), and a change to anything the resolution read or was asked — a new
// release on a file:// page, a wheel's METADATA rewritten in a find-links directory, a constraint
// file, what the env already has — is never missed: what is installed is what a fresh resolution gives.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { metadataText, writeStaticIndex } from '../helpers/index-server.js';
import { buildWheel } from '../helpers/wheels.js';
import { venvkit } from '../helpers/cli.js';
import { tempDir } from '../helpers/venv.js';
import { isolatedEnv, python3x } from '../pip/helpers.js';

const dir = tempDir('install-rcache');
after(() => rmSync(dir, { recursive: true, force: true }));
const python = python3x() ?? 'python3';

/** A wheel an install accepts (every file hashed in RECORD). */
function writeWheel(dir: string, w: { name: string; version: string; requires?: string[] }): void {
  mkdirSync(dir, { recursive: true });
  buildWheel(dir, { name: w.name, version: w.version, metadata: metadataText(w), files: { [`${w.name}/__init__.py`]: `__version__ = ${JSON.stringify(w.version)}\n` } });
}

interface Installed { status: string; installed: string[] }

test('install: the resolution is used again while nothing it read changed, never after', () => {
  const files = join(dir, 'files');
  writeWheel(files, { name: 'top', version: '1.0', requires: ['dep'] });
  writeWheel(files, { name: 'dep', version: '1.0' });
  const index = writeStaticIndex(files, join(dir, 'index'));
  const env = isolatedEnv(join(dir, 'cache'));
  const cwd = join(dir, 'work');
  mkdirSync(cwd, { recursive: true });
  let n = 0;
  const fresh = (): string => {
    const root = join(dir, `env${n++}`);
    const r = venvkit(['create', root, '-p', python, '--without-pip'], { env, cwd });
    assert.equal(r.status, 0, r.stderr);
    return root;
  };
  const install = (root: string, args: string[]): Installed => {
    const r = venvkit(['install', '--env', root, '--json', ...args], { env, cwd });
    assert.equal(r.status, 0, r.stderr + r.stdout);
    const json = JSON.parse(r.stdout) as { resolutionCache?: string; installed: { name: string; version: string }[] };
    return { status: json.resolutionCache ?? '(none)', installed: json.installed.map((p) => `${p.name}==${p.version}`).sort() };
  };
  const idx = ['--index-url', index];

  assert.deepEqual(install(fresh(), [...idx, 'top']), { status: 'stored', installed: ['dep==1.0', 'top==1.0'] });
  assert.deepEqual(install(fresh(), [...idx, 'top']), { status: 'hit', installed: ['dep==1.0', 'top==1.0'] });

  // A new release on a page the resolution read: resolved again, and installed.
  writeWheel(files, { name: 'dep', version: '1.1' });
  writeStaticIndex(files, join(dir, 'index'));
  assert.deepEqual(install(fresh(), [...idx, 'top']), { status: 'stored', installed: ['dep==1.1', 'top==1.0'] });
  assert.equal(install(fresh(), [...idx, 'top']).status, 'hit');

  // What the env has is part of the key: an installed dep 1.0 is kept (pip's only-if-needed).
  const has = fresh();
  install(has, [...idx, 'dep==1.0']);
  assert.deepEqual(install(has, [...idx, 'top']), { status: 'stored', installed: ['top==1.0'] });

  // A constraint file: what it says is part of the key.
  const constraints = join(dir, 'constraints.txt');
  writeFileSync(constraints, 'dep<1.1\n');
  assert.deepEqual(install(fresh(), [...idx, 'top', '-c', constraints]).installed, ['dep==1.0', 'top==1.0']);
  writeFileSync(constraints, 'dep<=1.1\n');
  assert.deepEqual(install(fresh(), [...idx, 'top', '-c', constraints]), { status: 'stored', installed: ['dep==1.1', 'top==1.0'] });

  // A find-links directory (no hashes): a wheel rewritten in place with other METADATA, then a new file.
  const links = join(dir, 'links');
  writeWheel(links, { name: 'app', version: '1.0', requires: ['left'] });
  writeWheel(links, { name: 'left', version: '1.0' });
  writeWheel(links, { name: 'right', version: '1.0' });
  const fl = ['--no-index', '--find-links', links, 'app'];
  assert.deepEqual(install(fresh(), fl), { status: 'stored', installed: ['app==1.0', 'left==1.0'] });
  assert.equal(install(fresh(), fl).status, 'hit');
  writeWheel(links, { name: 'app', version: '1.0', requires: ['right'] });
  const rewritten = install(fresh(), fl);
  assert.notEqual(rewritten.status, 'hit');
  assert.deepEqual(rewritten.installed, ['app==1.0', 'right==1.0']);
  assert.equal(install(fresh(), fl).status, 'hit');
  writeWheel(links, { name: 'right', version: '2.0' });
  assert.deepEqual(install(fresh(), fl).installed, ['app==1.0', 'right==2.0']);

  // --no-cache neither reads nor writes it.
  assert.equal(install(fresh(), [...fl, '--no-cache']).status, 'off');
});
