// venvkit cache dir|info|clean|prune on a real cache filled by real installs: prune removes what
// was not used for --max-age days (a warm install marks what it uses, so that is kept), code
// caches of other builds and old leftovers; clean removes everything; an entry used since the
// oldest running venvkit registered is kept by both; a cache others can write is not touched.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readdirSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildWheel } from '../helpers/wheels.js';
import { venvkit } from '../helpers/cli.js';
import { interpreters, removeDir, tempDir, testEnv } from '../helpers/venv.js';
import { HOST_TAG } from '../../src/cache/users.js';

const DAY = 24 * 3600_000;
const age = (path: string, days: number) => {
  const t = new Date(Date.now() - days * DAY);
  utimesSync(path, t, t);
};

test('cache info, prune (by last use), clean, in-use entries kept, untrusted cache refused', async () => {
  const dir = tempDir('cache-maint');
  let sleeper: ReturnType<typeof spawn> | undefined;
  try {
    const py = interpreters().find((i) => i.version.startsWith('3.12')) ?? interpreters()[0]!;
    const wheels = join(dir, 'wheels');
    mkdirSync(wheels);
    buildWheel(wheels, { name: 'alpha', version: '1.0', files: { 'alpha/__init__.py': 'A = 1\n' } });
    buildWheel(wheels, { name: 'beta', version: '2.0', files: { 'beta/__init__.py': 'B = 2\n' } });
    const cache = join(dir, 'cache');
    const env = testEnv(cache);
    const install = (target: string, ...what: string[]) => {
      assert.equal(venvkit(['create', '--without-pip', '-q', '-p', py.path, target], { env }).status, 0);
      const r = venvkit(['install', '--env', target, '--no-index', '-f', wheels, ...what], { env });
      assert.equal(r.status, 0, r.stderr);
    };
    install(join(dir, 'env1'), 'alpha', 'beta');

    let r = venvkit(['cache', 'dir'], { env });
    assert.equal(r.stdout, cache + '\n');
    r = venvkit(['cache', 'info', '--json'], { env });
    assert.equal(r.status, 0, r.stderr);
    const info = JSON.parse(r.stdout);
    assert.equal(info.version, '1');
    assert.equal(info.buckets.find((b: { name: string }) => b.name === 'wheels').entries >= 2, true, r.stdout);
    const entriesDir = join(cache, 'wheels', 'v1');
    const unpacked = () => readdirSync(entriesDir).filter((n) => /^[0-9a-f]{64}$/.test(n)).sort();
    const [first, second] = unpacked();
    assert.ok(first && second);

    // Both unused for 40 days; then a warm install of alpha into another env marks alpha's entry.
    for (const e of [first, second]) age(join(entriesDir, e), 40);
    install(join(dir, 'env2'), 'alpha');
    const fresh = unpacked().filter((e) => Date.now() - statSync(join(entriesDir, e)).mtimeMs < DAY);
    assert.equal(fresh.length, 1, 'the warm install marked the entry it used');
    // Leftovers: a V8 code cache of another build in the v8 bucket (where venvkit kept them before
    // they moved next to the cache), a killed unpack's temp dir two days old, and a fresh one.
    mkdirSync(join(cache, 'v8'), { recursive: true });
    writeFileSync(join(cache, 'v8', 'install.cjs-v0.0.0-x64-1-1.bin'), 'stale');
    mkdirSync(join(entriesDir, '.tmp-0123456789abcdef-00000000-1-ab'));
    age(join(entriesDir, '.tmp-0123456789abcdef-00000000-1-ab'), 2);
    mkdirSync(join(entriesDir, '.tmp-fedcba9876543210-00000000-2-cd'));
    const v8Before = readdirSync(join(cache, 'v8')).length;

    r = venvkit(['cache', 'prune', '--json'], { env });
    assert.equal(r.status, 0, r.stderr);
    const pruned = JSON.parse(r.stdout);
    assert.equal(pruned.removed, 3, r.stdout);
    assert.deepEqual(unpacked(), fresh, 'the entry unused for 40 days went; the one just used stayed');
    assert.ok(!existsSync(join(cache, 'v8', 'install.cjs-v0.0.0-x64-1-1.bin')));
    assert.equal(readdirSync(join(cache, 'v8')).length, v8Before - 1, 'the current code caches stay');
    assert.ok(!existsSync(join(entriesDir, '.tmp-0123456789abcdef-00000000-1-ab')));
    assert.ok(existsSync(join(entriesDir, '.tmp-fedcba9876543210-00000000-2-cd')), 'a fresh temp dir may be an unpack in progress');
    r = venvkit(['cache', 'prune', '--max-age', '-1'], { env });
    assert.equal(r.status, 2);
    assert.match(r.stderr, /--max-age/);

    // A running venvkit registered 10 minutes ago: what was used since then is kept by clean.
    sleeper = spawn('sleep', ['600'], { stdio: 'ignore' });
    const reg = join(cache, '.users', `${HOST_TAG}-${sleeper.pid}`);
    writeFileSync(reg, '');
    age(reg, 10 / (24 * 60));
    install(join(dir, 'env3'), 'beta'); // unpacks beta again now: used after the registration
    const beta = unpacked().filter((e) => !fresh.includes(e));
    assert.equal(beta.length, 1);
    age(join(entriesDir, fresh[0]!), 1); // alpha: last used a day ago, before the registration
    r = venvkit(['cache', 'clean', 'wheels', '--json'], { env });
    assert.equal(r.status, 0, r.stderr);
    const cleaned = JSON.parse(r.stdout);
    assert.ok(cleaned.keptInUse >= 1, r.stdout);
    assert.deepEqual(unpacked(), beta, 'the entry used since the running venvkit registered is kept');
    // Once that process is gone, clean removes everything, and installs work again.
    sleeper.kill();
    await new Promise((res) => sleeper!.once('exit', res));
    r = venvkit(['cache', 'clean'], { env });
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stderr, /^Removed \d+ entries/);
    assert.deepEqual(unpacked(), []);
    assert.ok(!existsSync(reg), 'the dead registration is gone');
    install(join(dir, 'env4'), 'alpha', 'beta');
    assert.equal(unpacked().length, 2);

    // What lock keeps (the resolution; METADATA read from index wheels) is listed and cleaned like the rest.
    r = venvkit(['lock', '-p', py.path, '--no-index', '-f', wheels, '-o', join(dir, 'pylock.toml'), 'alpha', 'beta'], { env });
    assert.equal(r.status, 0, r.stderr);
    const lockParts = ['lock-metadata', 'lock-resolutions'];
    const held = (part: string) => (existsSync(join(cache, part)) ? readdirSync(join(cache, part)).length : 0);
    assert.ok(held('lock-resolutions') > 0, 'lock kept no resolution');
    r = venvkit(['cache', 'info', '--json'], { env });
    const parts = JSON.parse(r.stdout).buckets as { name: string; entries: number }[];
    for (const part of lockParts) assert.equal(parts.find((b) => b.name === part)?.entries, held(part), r.stdout);
    r = venvkit(['cache', 'clean', ...lockParts], { env });
    assert.equal(r.status, 0, r.stderr);
    for (const part of lockParts) assert.equal(held(part), 0, part);

    // A cache others can write: not touched.
    chmodSync(cache, 0o777);
    r = venvkit(['cache', 'clean', '--json'], { env });
    assert.equal(r.status, 1);
    assert.equal(JSON.parse(r.stdout).error.code, 'CACHE_UNTRUSTED');
    assert.equal(unpacked().length, 2);
    chmodSync(cache, 0o700);
    r = venvkit(['cache', 'clean', 'nonsense'], { env });
    assert.equal(r.status, 2);
    assert.match(r.stderr, /no cache part named "nonsense"/);
  } finally {
    sleeper?.kill();
    removeDir(dir);
  }
});
