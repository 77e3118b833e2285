// The cache calls of the library (cacheDir, cacheInfo, cleanCache, pruneCache, listBuiltWheels,
// removeBuiltWheels), through the built
// package as a host imports it, on a real cache filled by a real install: the same answers as
// `venvkit cache dir|info`, prune by days unused (olderThan), clean of one part, bad input refused.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { buildWheel } from '../helpers/wheels.js';
import { ROOT, venvkit } from '../helpers/cli.js';
import { interpreters, removeDir, tempDir, testEnv } from '../helpers/venv.js';
import { writeInTreeProject } from '../build/helpers.js';

test('cacheDir, cacheInfo, pruneCache({ olderThan }), cleanCache({ parts }) on a real cache', async () => {
  const vk = await import(pathToFileURL(join(ROOT, 'dist', 'index.js')).href);
  const dir = tempDir('cache-api');
  try {
    const py = interpreters().find((i) => i.version.startsWith('3.12')) ?? interpreters()[0]!;
    const wheels = join(dir, 'wheels');
    mkdirSync(wheels);
    buildWheel(wheels, { name: 'alpha', version: '1.0', files: { 'alpha/__init__.py': 'A = 1\n' } });
    const cache = join(dir, 'cache');
    const env = testEnv(cache);
    assert.equal(venvkit(['create', '--without-pip', '-q', '-p', py.path, join(dir, 'env')], { env }).status, 0);
    const r = venvkit(['install', '--env', join(dir, 'env'), '--no-index', '-f', wheels, 'alpha'], { env });
    assert.equal(r.status, 0, r.stderr);

    assert.equal(await vk.cacheDir({ env }), cache);
    assert.equal(await vk.cacheDir({ env: { ...env, VENVKIT_CACHE_DIR: '', XDG_CACHE_HOME: '/somewhere' } }), '/somewhere/venvkit');
    // The CLI first: its start leaves a mark in the cache's v8 part (a first run of the cache
    // command's code), which the library's answer then counts too.
    const cli = JSON.parse(venvkit(['cache', 'info', '--json'], { env }).stdout);
    const info = await vk.cacheInfo({ env });
    const facts = (i: { root: string; buckets: unknown; entries: number; bytes: number }) => ({ root: i.root, buckets: i.buckets, entries: i.entries, bytes: i.bytes });
    assert.deepEqual(facts(info), facts(cli));
    const wheelsPart = info.buckets.find((b: { name: string }) => b.name === 'wheels');
    assert.ok(wheelsPart.entries >= 1, JSON.stringify(info));

    // Used just now: a prune of what was unused for a day keeps it; 40 days unused: removed.
    let pruned = await vk.pruneCache({ env, olderThan: 1 });
    assert.equal(pruned.root, cache);
    const entries = join(cache, 'wheels', 'v1');
    const unpacked = () => readdirSync(entries).filter((n) => /^[0-9a-f]{64}$/.test(n));
    assert.equal(unpacked().length, 1);
    const old = new Date(Date.now() - 40 * 24 * 3600_000);
    utimesSync(join(entries, unpacked()[0]!), old, old);
    pruned = await vk.pruneCache({ env, olderThan: 30 });
    assert.ok(pruned.removed >= 1, JSON.stringify(pruned));
    assert.equal(unpacked().length, 0);

    // clean of one part leaves the others.
    const before = (await vk.cacheInfo({ env })).buckets.filter((b: { entries: number }) => b.entries > 0).map((b: { name: string }) => b.name);
    assert.ok(before.includes('interpreters'), before.join(','));
    const cleaned = await vk.cleanCache({ env, parts: ['interpreters'] });
    assert.ok(cleaned.removed >= 1);
    const after = await vk.cacheInfo({ env });
    assert.equal(after.buckets.find((b: { name: string }) => b.name === 'interpreters').entries, 0);
    assert.deepEqual(after.buckets.filter((b: { entries: number }) => b.entries > 0).map((b: { name: string }) => b.name), before.filter((n: string) => n !== 'interpreters'));

    await assert.rejects(vk.pruneCache({ env, olderThan: -1 }), (e: { code: string; message: string }) => e.code === 'USAGE' && /olderThan must be a number of days/.test(e.message));
    await assert.rejects(vk.cleanCache({ env, parts: ['nope'] }), (e: { code: string; message: string }) => e.code === 'USAGE' && /no cache part named "nope"/.test(e.message));
  } finally {
    removeDir(dir);
  }
});

test('listBuiltWheels and removeBuiltWheels({ pattern }) on a wheel built from a real sdist: the same answers as `venvkit cache list|remove`', async () => {
  const vk = await import(pathToFileURL(join(ROOT, 'dist', 'index.js')).href);
  const dir = tempDir('cache-api-built');
  try {
    const py = interpreters().find((i) => i.version.startsWith('3.12')) ?? interpreters()[0]!;
    // An sdist of an in-tree backend (nothing to fetch to build it), built by an install.
    const proj = join(dir, 'vkapi-1.0');
    writeInTreeProject(proj, 'vkapi');
    writeFileSync(join(proj, 'PKG-INFO'), 'Metadata-Version: 2.1\nName: vkapi\nVersion: 1.0\n');
    const sdist = join(dir, 'vkapi-1.0.tar.gz');
    const tar = spawnSync(py.path, ['-c', `import tarfile; t = tarfile.open(${JSON.stringify(sdist)}, "w:gz"); t.add(${JSON.stringify(proj)}, "vkapi-1.0"); t.close()`], { encoding: 'utf8' });
    assert.equal(tar.status, 0, tar.stderr);
    const cache = join(dir, 'cache');
    const env = testEnv(cache);
    assert.equal(venvkit(['create', '--without-pip', '-q', '-p', py.path, join(dir, 'env')], { env }).status, 0);
    const r = venvkit(['install', '--env', join(dir, 'env'), '--no-index', sdist], { env });
    assert.equal(r.status, 0, r.stderr);

    const listed = await vk.listBuiltWheels({ env });
    assert.deepEqual(listed.map((w: { name: string }) => w.name), ['vkapi-1.0-py3-none-any.whl']);
    assert.deepEqual(JSON.parse(venvkit(['cache', 'list', '--json'], { env }).stdout).wheels, listed);
    assert.deepEqual(await vk.listBuiltWheels({ env, pattern: 'vkapi-2*' }), []);
    assert.equal((await vk.listBuiltWheels({ env, pattern: 'vk?pi' })).length, 1);
    await assert.rejects(vk.removeBuiltWheels({ env, pattern: '' }), (e: { code: string }) => e.code === 'USAGE');
    assert.equal((await vk.removeBuiltWheels({ env, pattern: 'other' })).removed, 0);
    assert.equal((await vk.removeBuiltWheels({ env, pattern: 'vkapi' })).removed, 1);
    assert.deepEqual(await vk.listBuiltWheels({ env }), []);
    assert.equal(venvkit(['cache', 'list'], { env }).stdout, 'No locally built wheels cached.\n');
  } finally {
    removeDir(dir);
  }
});
