// Caches are a trust boundary: a cache directory another user owns, or that group/others can write,
// is not used (one warning), whatever it holds; an unusable one (a file in the way, unwritable) means
// going on without a cache; --no-cache never needs it. The attacker is uid nobody (setpriv).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, cpSync, existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { BIN, ROOT, venvkit } from '../helpers/cli.js';
import { buildWheel, recordHash } from '../helpers/wheels.js';
import { removeDir, tempDir } from '../helpers/venv.js';
import { python3x } from '../pip/helpers.js';

const py = python3x();
const setpriv = ['/usr/bin/setpriv', '/bin/setpriv'].find(existsSync);
const asRoot = process.getuid?.() === 0;
/** Why the attacker tests cannot run here (undefined: they can). */
const noAttacker = !asRoot ? 'not running as root: cannot act as another user' : !setpriv ? 'setpriv (util-linux) is not installed' : undefined;
if (noAttacker && process.env.CI === 'true' && !setpriv) throw new Error('setpriv is missing, and CI installs it (util-linux, .ci/run)');

let tmp: string;
let wheels: string;
let victimWheel: string;
let sha: string;
const GOOD = 'GOOD = True\n';
const EVIL = 'raise SystemExit("PLANTED CODE RAN")\n';

before(() => {
  tmp = tempDir('cache-trust');
  chmodSync(tmp, 0o755);
  wheels = join(tmp, 'wheels');
  mkdirSync(wheels, { mode: 0o755 });
  victimWheel = buildWheel(wheels, { name: 'victim', version: '1.0', files: { 'victim/__init__.py': GOOD } });
  sha = createHash('sha256').update(readFileSync(victimWheel)).digest('hex');
});
after(() => removeDir(tmp));

const base = (cache: string): NodeJS.ProcessEnv => ({ ...process.env, VENVKIT_CACHE_DIR: cache, PIP_CONFIG_FILE: '/dev/null', PIP_FIND_LINKS: '', PIP_EXTRA_INDEX_URL: '', PIP_NO_INDEX: '1' });
/** The CLI without blocking this process (the test's own HTTP index must answer meanwhile). */
const venvkitAsync = (args: string[], env: NodeJS.ProcessEnv) =>
  new Promise<{ status: number | null; stderr: string }>((resolve) => {
    execFile(BIN, args, { env, encoding: 'utf8', timeout: 120_000 }, (err, _out, stderr) => resolve({ status: err ? ((err as { code?: number }).code ?? 1) : 0, stderr }));
  });
const warnings = (stderr: string) => stderr.split('\n').filter((l) => /not using the cache directory/.test(l));

/** A manifest (wheel.json) for the victim wheel whose victim/__init__.py is `content`: made by unpacking it for real, then forged. */
function forgedManifest(content: string): string {
  const scratch = join(tmp, `scratch-${Math.random().toString(36).slice(2)}`);
  const env = join(scratch, 'env');
  assert.equal(venvkit(['create', env, '-p', py!, '--without-pip', '-q'], { env: base(join(scratch, 'cache')) }).status, 0);
  const r = venvkit(['install', '--env', env, victimWheel, '-q'], { env: base(join(scratch, 'cache')) });
  assert.equal(r.status, 0, r.stderr);
  const m = JSON.parse(readFileSync(join(scratch, 'cache', 'wheels', 'v1', sha, 'wheel.json'), 'utf8'));
  const f = m.files.find((x: { path: string }) => x.path === 'victim/__init__.py');
  f.hash = recordHash(content);
  f.size = Buffer.byteLength(content);
  return JSON.stringify(m);
}

/** Plant, in `cache`, an unpacked-wheel entry for the victim wheel's real sha256 that runs EVIL. */
const plantScript = (cache: string, manifest: string) => `
const fs = require('fs'), path = require('path');
const entry = path.join(${JSON.stringify(cache)}, 'wheels', 'v1', ${JSON.stringify(sha)});
fs.mkdirSync(path.join(entry, 'files', 'victim'), { recursive: true, mode: 0o777 });
fs.writeFileSync(path.join(entry, 'files', 'victim', '__init__.py'), ${JSON.stringify(EVIL)});
fs.writeFileSync(path.join(entry, 'wheel.json'), ${JSON.stringify(manifest)});
`;

function installVictim(cache: string, name: string): { status: number | null; stderr: string; env: string } {
  const env = join(tmp, name);
  assert.equal(venvkit(['create', env, '-p', py!, '--without-pip', '-q'], { env: base(join(tmp, 'probe-cache')) }).status, 0);
  const r = venvkit(['install', '--env', env, victimWheel], { env: base(cache) });
  return { status: r.status, stderr: r.stderr, env };
}

function importVictim(env: string): string {
  const r = spawnSync(join(env, 'bin', 'python'), ['-c', 'import victim; print(victim.GOOD)'], { encoding: 'utf8' });
  return `${r.stdout}${r.stderr}`.trim();
}

test('a shared cache owned by another user, holding an entry planted under the wheel\'s real sha256: not used, one warning', { skip: !py ? 'no CPython 3.11/3.12 under $PYENV_ROOT' : noAttacker }, () => {
  const shared = join(tmp, 'shared');
  mkdirSync(shared, { mode: 0o777 });
  chmodSync(shared, 0o1777); // like /tmp: anyone may create a directory here
  const cache = join(shared, 'cache');
  const p = spawnSync(setpriv!, ['--reuid=nobody', '--regid=nogroup', '--clear-groups', process.execPath, '-e', plantScript(cache, forgedManifest(EVIL))], { encoding: 'utf8', cwd: '/' });
  assert.equal(p.status, 0, p.stderr);
  assert.equal(statSync(cache).uid, 65534);
  const r = installVictim(cache, 'env-shared');
  assert.equal(r.status, 0, r.stderr);
  const w = warnings(r.stderr);
  assert.equal(w.length, 1, r.stderr);
  assert.match(w[0]!, new RegExp(`${cache}: it is owned by uid 65534, not by you`));
  assert.equal(importVictim(r.env), 'True', 'the planted code must not be linked or run');
  assert.equal(readFileSync(join(r.env, 'lib', basename(readdirSync(join(r.env, 'lib'))[0]!), 'site-packages', 'victim', '__init__.py'), 'utf8'), GOOD);
  // Nothing of ours went into their directory.
  const ours = spawnSync('find', [cache, '-uid', '0'], { encoding: 'utf8' }).stdout.trim();
  assert.equal(ours, '');

  // Our own cache root whose wheels bucket leads (symlink) to their directory: refused the same way.
  const mine = join(tmp, 'mine');
  mkdirSync(mine, { mode: 0o700 });
  spawnSync('ln', ['-s', join(cache, 'wheels'), join(mine, 'wheels')]);
  const r2 = installVictim(mine, 'env-link');
  assert.equal(r2.status, 0, r2.stderr);
  assert.match(warnings(r2.stderr).join('\n'), new RegExp(`${join(mine, 'wheels')}: it is owned by uid 65534`));
  assert.equal(importVictim(r2.env), 'True');
});

test('a cache of ours that group or others can write is not used: wheels, interpreter probes, V8 code cache', { skip: !py ? 'no CPython 3.11/3.12 under $PYENV_ROOT' : undefined }, () => {
  const cache = join(tmp, 'group-writable');
  mkdirSync(cache, { mode: 0o775 });
  chmodSync(cache, 0o775);
  // 1. an unpacked wheel: the planted entry would run EVIL.
  const p = spawnSync(process.execPath, ['-e', plantScript(cache, forgedManifest(EVIL))], { encoding: 'utf8' });
  assert.equal(p.status, 0, p.stderr);
  const r = installVictim(cache, 'env-gw');
  assert.equal(r.status, 0, r.stderr);
  const w = warnings(r.stderr);
  assert.equal(w.length, 1, r.stderr);
  assert.match(w[0]!, new RegExp(`${cache}: it is writable by its group`));
  assert.match(w[0]!, /chmod go-w/);
  assert.equal(importVictim(r.env), 'True');

  // 2. an interpreter probe: a planted record naming another "bundled pip" to seed from.
  const good = join(tmp, 'probe-good');
  assert.equal(venvkit(['python', 'find', py!], { env: base(good) }).status, 0);
  const [probe] = readdirSync(join(good, 'interpreters'));
  const data = JSON.parse(readFileSync(join(good, 'interpreters', probe!), 'utf8'));
  const evilPip = buildWheel(wheels, { name: 'pip', version: '99.0', files: { 'pip/__init__.py': EVIL } });
  data.info.ensurepip = [{ name: 'pip', version: '99.0', wheel: evilPip }];
  mkdirSync(join(cache, 'interpreters'), { recursive: true });
  writeFileSync(join(cache, 'interpreters', probe!), JSON.stringify(data));
  const env2 = join(tmp, 'env-gw-seeded');
  const c = venvkit(['create', env2, '-p', py!], { env: base(cache) });
  assert.equal(c.status, 0, c.stderr);
  assert.equal(warnings(c.stderr).length, 1, c.stderr);
  const pipInit = spawnSync('sh', ['-c', `cat ${env2}/lib/python*/site-packages/pip/__init__.py`], { encoding: 'utf8' }).stdout;
  assert.ok(!pipInit.includes('PLANTED'), 'seeded from the planted probe record');
  assert.ok(pipInit.length > 0);

  // 3. the V8 code cache (its own directory, next to the cache: cache/dirs.ts codeCacheRoot), group
  // writable too: a file at the very name the bundle's cache has is neither read nor replaced.
  const bundle = join(ROOT, 'dist', 'commands', 'python.cjs');
  const st = statSync(bundle);
  const v8 = `${cache}-code`;
  mkdirSync(v8, { recursive: true });
  chmodSync(v8, 0o775);
  const planted = join(v8, `python.cjs-${process.version}-${process.arch}-${st.size}-${Math.trunc(st.mtimeMs)}.bin`);
  writeFileSync(planted, 'not V8 bytecode');
  const before = readdirSync(v8).sort();
  const f = spawnSync(BIN, ['python', 'find', py!], { encoding: 'utf8', env: { ...base(cache), VENVKIT_CODE_CACHE_DIR: '' } });
  assert.equal(f.status, 0, f.stderr);
  const fw = warnings(f.stderr);
  assert.equal(fw.length, 2, f.stderr);
  assert.match(fw.find((m) => m.includes(v8)) ?? '', /it is writable by its group.*VENVKIT_CODE_CACHE_DIR/);
  assert.equal(readFileSync(planted, 'utf8'), 'not V8 bytecode', 'read (rejected) and rewritten: the directory was used');
  assert.deepEqual(readdirSync(v8).sort(), before);
});

test('index pages cached in a directory others can write are not used', { skip: !py ? 'no CPython 3.11/3.12 under $PYENV_ROOT' : undefined }, async () => {
  const { startIndexServer } = await import('../helpers/index-server.js');
  const files = join(tmp, 'index-files');
  mkdirSync(files, { recursive: true });
  buildWheel(files, { name: 'pagepkg', version: '1.0', files: { 'pagepkg.py': GOOD } });
  const server = await startIndexServer(files);
  try {
    server.cacheControl = 'max-age=3600';
    const withIndex = (c: string) => {
      const e = base(c);
      delete e.PIP_NO_INDEX;
      return e;
    };
    const good = join(tmp, 'pages-good');
    const env = join(tmp, 'env-pages');
    assert.equal(venvkit(['create', env, '-p', py!, '--without-pip', '-q'], { env: base(good) }).status, 0);
    const ok = await venvkitAsync(['install', '--env', env, '-i', server.url, 'pagepkg', '--dry-run'], withIndex(good));
    assert.equal(ok.status, 0, ok.stderr);
    assert.ok(readdirSync(join(good, 'http')).length > 0, 'the page was cached');
    // The same cached page, planted in a group-writable cache, listing nothing: if read, nothing is found.
    const cache = join(tmp, 'pages-gw');
    cpSync(join(good, 'http'), join(cache, 'http'), { recursive: true });
    chmodSync(cache, 0o777);
    for (const sub of readdirSync(join(cache, 'http'))) {
      for (const f of readdirSync(join(cache, 'http', sub))) {
        const p = join(cache, 'http', sub, f);
        const e = JSON.parse(readFileSync(p, 'utf8'));
        e.body = e.contentType.includes('json') ? JSON.stringify({ meta: { 'api-version': '1.0' }, name: 'pagepkg', files: [] }) : '<html><body></body></html>';
        writeFileSync(p, JSON.stringify(e));
      }
    }
    const r = await venvkitAsync(['install', '--env', env, '-i', server.url, 'pagepkg'], withIndex(cache));
    assert.equal(r.status, 0, r.stderr);
    assert.equal(warnings(r.stderr).length, 1, r.stderr);
    assert.match(r.stderr, /\+ pagepkg==1\.0/);
  } finally {
    await server.close();
  }
});

test('an unusable cache directory (a file in the way) means going on without a cache; --no-cache never looks at it', { skip: !py ? 'no CPython 3.11/3.12 under $PYENV_ROOT' : undefined }, () => {
  const file = join(tmp, 'cache-is-a-file');
  writeFileSync(file, 'not a directory');
  const env = join(tmp, 'env-file-cache');
  const c = venvkit(['create', env, '-p', py!], { env: base(file) });
  assert.equal(c.status, 0, c.stderr);
  assert.equal(warnings(c.stderr).length, 1, c.stderr);
  assert.match(c.stderr, /it is not a directory/);
  assert.match(c.stderr, /Seeded .*pip/);
  const r = venvkit(['install', '--env', env, victimWheel], { env: base(file) });
  assert.equal(r.status, 0, r.stderr);
  assert.equal(warnings(r.stderr).length, 1, r.stderr);
  assert.equal(importVictim(env), 'True');
  const n = venvkit(['install', '--env', env, victimWheel, '--no-cache', '--force-reinstall'], { env: base(file) });
  assert.equal(n.status, 0, n.stderr);
  assert.deepEqual(warnings(n.stderr), [], n.stderr);
  assert.equal(readFileSync(file, 'utf8'), 'not a directory');
  assert.equal(importVictim(env), 'True');
});

test('a cache of yours you cannot write (here: nobody, mode 0555): one warning, the install goes on', { skip: noAttacker }, () => {
  const sysPy = ['/usr/bin/python3', '/usr/bin/pypy3'].find(existsSync);
  assert.ok(sysPy, 'a system python3 or pypy3 is needed to run venvkit as nobody');
  const home = join(tmp, 'nobody-home');
  mkdirSync(home, { mode: 0o755 });
  spawnSync('chown', ['65534:65534', home]);
  const cache = join(home, 'cache');
  const asNobody = (args: string[]) => spawnSync(setpriv!, ['--reuid=nobody', '--regid=nogroup', '--clear-groups', BIN, ...args], { encoding: 'utf8', cwd: '/', env: { ...base(cache), HOME: home } });
  const env = join(home, 'env');
  const c = asNobody(['create', env, '-p', sysPy!, '--without-pip', '-q']);
  assert.equal(c.status, 0, c.stderr);
  chmodSync(cache, 0o555);
  const r = asNobody(['install', '--env', env, victimWheel]);
  assert.equal(r.status, 0, r.stderr);
  const w = warnings(r.stderr);
  assert.equal(w.length, 1, r.stderr);
  assert.match(w[0]!, new RegExp(`${cache}: it cannot be used \\(EACCES\\)`));
  assert.equal(importVictim(env), 'True');
});
