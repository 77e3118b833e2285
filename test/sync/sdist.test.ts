// sync of a pylock.toml whose package has only an sdist (given by a `path` relative to the lock):
// built by venvkit's build frontend with a real backend (flit-core from the local index), its hash
// checked first; a second env syncing the same lock builds nothing.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { venvkit } from '../helpers/cli.js';
import { python3x } from '../pip/helpers.js';
import { buildTestEnv, localIndex, writeFiles } from '../build/helpers.js';

const tmp = mkdtempSync(join(tmpdir(), 'vk-sync-sdist-'));
after(() => rmSync(tmp, { recursive: true, force: true }));
const env = buildTestEnv(join(tmp, 'cache'));
const python = python3x();
const skip = !python ? 'no CPython 3.11/3.12 under $PYENV_ROOT' : !localIndex(env) ? "no file:// index in pip's configuration" : false;
const vk = (args: string[], cwd?: string) => venvkit(args, { env, cwd, timeout: 300_000 });
const buildLogs = () => {
  const logs = join(env.VENVKIT_CACHE_DIR!, 'build', 'logs');
  return existsSync(logs) ? readdirSync(logs).length : 0;
};

test('an sdist in the lock is built (flit-core), installed and recorded; a second env builds nothing', { skip, timeout: 600_000 }, () => {
  const dir = writeFiles(join(tmp, 'src'), {
    'pyproject.toml': '[build-system]\nrequires = ["flit_core>=3.4"]\nbuild-backend = "flit_core.buildapi"\n\n[project]\nname = "sdlock"\nversion = "1.0"\ndescription = "x"\n',
    'sdlock/__init__.py': '"""x"""\nVERSION = "1.0"\n',
  });
  const locks = join(tmp, 'locks');
  mkdirSync(join(locks, 'dists'), { recursive: true });
  let r = vk(['build', '-p', python!, '--sdist', '-o', join(locks, 'dists')], dir);
  assert.equal(r.status, 0, r.stderr);
  const sdist = readdirSync(join(locks, 'dists')).find((f) => f.endsWith('.tar.gz'))!;
  const sha = createHash('sha256').update(readFileSync(join(locks, 'dists', sdist))).digest('hex');
  const lock = join(locks, 'pylock.toml');
  writeFileSync(lock, `lock-version = "1.0"\ncreated-by = "t"\n\n[[packages]]\nname = "sdlock"\nversion = "1.0"\n\n[packages.sdist]\npath = "dists/${sdist}"\nhashes = { sha256 = "${sha}" }\n`);
  const logs0 = buildLogs();
  for (const [i, name] of ['a', 'b'].entries()) {
    const target = join(tmp, name);
    r = vk(['create', '-q', '--without-pip', '--python', python!, target]);
    assert.equal(r.status, 0, r.stderr);
    r = vk(['sync', '--env', target, '--json', lock]);
    assert.equal(r.status, 0, r.stderr);
    assert.deepEqual(JSON.parse(r.stdout).installed.map((p: { name: string; kind: string }) => `${p.name} ${p.kind}`), ['sdlock sdist']);
    const out = spawnSync(join(target, 'bin', 'python'), ['-c', 'import sdlock; print(sdlock.VERSION)'], { encoding: 'utf8' });
    assert.equal(out.stdout, '1.0\n', out.stderr);
    assert.equal(buildLogs(), logs0 + 1, i === 0 ? 'built once' : 'the second env builds nothing');
  }
  // A changed sdist no longer matches the lock's hash: refused before anything is built.
  writeFileSync(join(locks, 'dists', sdist), Buffer.concat([readFileSync(join(locks, 'dists', sdist)), Buffer.from('\0')]));
  const target = join(tmp, 'c');
  assert.equal(vk(['create', '-q', '--without-pip', '--python', python!, target]).status, 0);
  r = vk(['sync', '--env', target, lock]);
  assert.equal(r.status, 1);
  assert.match(r.stderr, /error: hash mismatch for file:.*sdlock-1\.0\.tar\.gz/);
  assert.equal(buildLogs(), logs0 + 1);
});
