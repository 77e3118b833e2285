// Bytecode of a cold install compiled as the wheels are unpacked (plan-apply/compile-ahead.ts), by
// compilers kept for the whole install (install/compile-pool.ts): a wheel's bytecode is in the cache
// while another wheel of the same install is still downloading; the pool's .pyc are byte for byte
// what py_compile writes (checked-hash); a compiler killed mid-way marks only the sets it had as
// incomplete and is replaced.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { buildWheel } from '../helpers/wheels.js';
import { htmlPage, scanFiles } from '../helpers/index-server.js';
import { venvkit } from '../helpers/cli.js';
import { interpreters, removeDir, tempDir, testEnv } from '../helpers/venv.js';
import { openVenv } from '../../src/venv/open.js';
import { installRequirements } from '../../src/plan-apply/install.js';
import { CompilerPool, compileTimestamp } from '../../src/install/compile-pool.js';

const py = interpreters().find((i) => i.version.startsWith('3.12.'))!;
const py36 = interpreters().find((i) => i.version.startsWith('3.6.'));
const dir = tempDir('compile-ahead');
after(() => removeDir(dir));

/** Sources: plain modules, one that does not compile, one not UTF-8 declared, one big. */
function sources(into: string, n: number): string[] {
  mkdirSync(into, { recursive: true });
  const out: string[] = [];
  for (let i = 0; i < n; i++) {
    const p = join(into, `m${i}.py`);
    const body = i === 3 ? 'def broken(:\n' : i === 4 ? '# -*- coding: latin-1 -*-\nS = "\xe9"\n' : i === 5 ? Array.from({ length: 4000 }, (_, k) => `def f${k}(x):\n    return x + ${k}\n`).join('') : `N = ${i}\nclass C${i}:\n    def m(self):\n        return [k * ${i} for k in range(3)]\n`;
    writeFileSync(p, i === 4 ? Buffer.from(body, 'latin1') : body);
    out.push(p);
  }
  return out;
}

/** What py_compile.compile(invalidation_mode=CHECKED_HASH, dfile=shown) writes for each source (undefined: it does not compile). */
function pyCompile(files: { path: string; shown: string }[]): (Buffer | undefined)[] {
  const out = join(dir, `ref-${Math.random().toString(36).slice(2)}`);
  mkdirSync(out);
  const script = 'import sys, json, py_compile\nfor i, (src, shown) in enumerate(json.loads(sys.argv[1])):\n    try:\n        py_compile.compile(src, cfile=f"{sys.argv[2]}/{i}.pyc", dfile=shown, doraise=True, invalidation_mode=py_compile.PycInvalidationMode.CHECKED_HASH)\n    except py_compile.PyCompileError:\n        pass\n';
  const r = spawnSync(py.path, ['-c', script, JSON.stringify(files.map((f) => [f.path, f.shown])), out], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  return files.map((_, i) => (existsSync(join(out, `${i}.pyc`)) ? readFileSync(join(out, `${i}.pyc`)) : undefined));
}

test('the pool\'s .pyc are byte for byte py_compile\'s checked-hash output, over several sets and processes', async () => {
  const files = sources(join(dir, 'same'), 120).map((path, i) => ({ path, shown: `pkg/m${i}.py` }));
  const pool = new CompilerPool(py.path, undefined, 2);
  try {
    const [a, b] = await Promise.all([pool.compile(files.slice(0, 70)), pool.compile(files.slice(70))]);
    assert.ok(a.complete && b.complete);
    const want = pyCompile(files);
    const got = [...a.pycs, ...b.pycs];
    assert.equal(got[3], undefined, 'the broken module has no .pyc');
    assert.equal(got.filter(Boolean).length, 119);
    for (const [i, w] of want.entries()) assert.ok(w === got[i] || (w && got[i] && w.equals(got[i]!)), `m${i}.py: not what py_compile writes`);
  } finally {
    pool.close();
  }
});

test('a .pyc given a place is written there by the compiler (py_compile\'s bytes; its size, hash and mtime answered, no bytes sent back); one that cannot be written there comes back in memory', async () => {
  const files = sources(join(dir, 'out'), 12).map((path, i) => ({ path, shown: `o/m${i}.py` }));
  const blocker = join(dir, 'out', 'not-a-dir');
  writeFileSync(blocker, '');
  const outs = files.map((_, i) => (i === 7 ? join(blocker, 'm7.pyc') : join(dir, 'out-pyc', `d${i % 3}`, '__pycache__', `m${i}.pyc`)));
  const pool = new CompilerPool(py.path, undefined, 2);
  try {
    const r = await pool.compile(files.map((f, i) => ({ ...f, out: outs[i] })));
    assert.ok(r.complete);
    const want = pyCompile(files);
    for (const [i, w] of want.entries()) {
      if (i === 3) {
        assert.ok(!w && !r.written[i] && !r.pycs[i] && !existsSync(outs[i]!), 'the broken module: nothing written, nothing answered');
      } else if (i === 7) {
        assert.equal(r.written[i], undefined);
        assert.ok(r.pycs[i]?.equals(w!), 'its place is under a file: the .pyc came back in memory');
      } else {
        const got = r.written[i];
        assert.ok(got, `m${i}.py: written`);
        assert.equal(r.pycs[i], undefined, `m${i}.py: no bytes sent back`);
        const bytes = readFileSync(outs[i]!);
        assert.ok(bytes.equals(w!), `m${i}.py: not what py_compile writes`);
        const st = statSync(outs[i]!);
        assert.deepEqual(got, { size: st.size, hash: `sha256=${createHash('sha256').update(bytes).digest('base64url')}`, mtime: st.mtimeMs });
        if (process.platform !== 'win32') assert.equal(st.mode & 0o777, 0o444 & ~process.umask());
      }
    }
  } finally {
    pool.close();
  }
});

test('timestamp mode (Python 3.6, no hash-based .pyc): each .pyc is py_compile\'s own, written at the place asked with the source\'s mode; a module that does not compile is skipped', { skip: py36 ? false : 'no CPython 3.6 here' }, async () => {
  const src = join(dir, 'ts36');
  const files = sources(src, 80).map((path, i) => ({ path, shown: `pkg/m${i}.py`, out: join(src, '__pycache__', `m${i}.cpython-36.pyc`) }));
  const written = await compileTimestamp(py36!.path, files);
  assert.deepEqual(written, files.filter((_, i) => i !== 3).map((f) => f.out), 'every module but the broken one, in order');
  assert.ok(!existsSync(files[3]!.out));
  const ref = join(dir, 'ts36-ref');
  mkdirSync(ref);
  const script = 'import sys, json, py_compile\nfor i, (src, shown) in enumerate(json.loads(sys.argv[1])):\n    try:\n        py_compile.compile(src, cfile="%s/%d.pyc" % (sys.argv[2], i), dfile=shown, doraise=True)\n    except py_compile.PyCompileError:\n        pass\n';
  const r = spawnSync(py36!.path, ['-c', script, JSON.stringify(files.map((f) => [f.path, f.shown])), ref], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  for (const [i, f] of files.entries()) {
    if (i === 3) continue;
    assert.deepEqual(readFileSync(f.out), readFileSync(join(ref, `${i}.pyc`)), `m${i}.py: not what py_compile writes`);
    assert.equal(statSync(f.out).mode & 0o777, statSync(f.path).mode & 0o777, 'the source\'s mode, as py_compile gives it');
  }
});

test('a compiler killed mid-way: only the sets it was compiling are incomplete; it is replaced and later sets are compiled', { skip: process.platform !== 'linux' && 'reads /proc' }, async () => {
  const files = sources(join(dir, 'kill'), 400).map((path, i) => ({ path, shown: `k/m${i}.py` }));
  const pool = new CompilerPool(py.path, undefined, 1);
  try {
    const first = pool.compile(files.slice(0, 300));
    // The pool's one compiler: a python child of this process running the script.
    let pid: number | undefined;
    for (let i = 0; i < 2000 && pid === undefined; i++) {
      await new Promise((r) => setTimeout(r, 5));
      pid = readdirSync('/proc').filter((n) => /^\d+$/.test(n)).map(Number).find((p) => {
        try {
          return readFileSync(`/proc/${p}/cmdline`, 'latin1').includes('py_compile') && readFileSync(`/proc/${p}/stat`, 'latin1').split(') ')[1]!.split(' ')[1] === String(process.pid);
        } catch {
          return false;
        }
      });
    }
    assert.ok(pid, 'the compiler was seen');
    process.kill(pid, 'SIGKILL');
    const r1 = await first;
    assert.equal(r1.complete, false, 'the set the killed compiler had is incomplete');
    const r2 = await pool.compile(files.slice(300));
    assert.equal(r2.complete, true);
    assert.equal(r2.pycs.filter(Boolean).length, 100, 'a new compiler compiled the next set');
  } finally {
    pool.close();
  }
});

test('a cold install compiles a wheel while another is still downloading (bytecode in the cache before the last wheel arrives)', { timeout: 600_000 }, async () => {
  const wheels = join(dir, 'wheels');
  mkdirSync(wheels, { recursive: true });
  const mods = (name: string) => Object.fromEntries(Array.from({ length: 40 }, (_, i) => [`${name}/m${i}.py`, `X = ${i}\n`]));
  buildWheel(wheels, { name: 'early', version: '1.0', files: mods('early') });
  const late = buildWheel(wheels, { name: 'late', version: '1.0', files: mods('late') });
  // PEP 658 metadata beside each wheel: the resolver reads that, not the wheel.
  for (const name of ['early', 'late']) writeFileSync(join(wheels, `${name}-1.0-py3-none-any.whl.metadata`), `Metadata-Version: 2.1\nName: ${name}\nVersion: 1.0\n`);
  const cache = join(dir, 'cache');
  const files = scanFiles(wheels);
  // An index that holds the `late` wheel back until `early`'s bytecode is in the cache (or, without
  // compiling ahead, until it gives up waiting: then the install goes on and the test fails).
  let sawBytecode: boolean | undefined;
  const bytecodeOfEarly = () => {
    const root = join(cache, 'wheels', 'v1');
    return existsSync(root) && readdirSync(root).some((n) => n.includes('.pyc-') && !n.startsWith('.') && existsSync(join(root, n, 'bytecode.json')));
  };
  const server = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    const m = /^\/simple\/([^/]+)\/$/.exec(path);
    if (m) return void res.writeHead(200, { 'content-type': 'text/html' }).end(htmlPage(files.filter((f) => f.project === m[1]), '/files/'));
    const f = /^\/files\/(.+)$/.exec(path)?.[1];
    if (!f || !existsSync(join(wheels, f))) return void res.writeHead(404).end();
    const send = () => res.writeHead(200, { 'content-type': 'application/octet-stream' }).end(readFileSync(join(wheels, f)));
    if (join(wheels, f) !== late || req.headers.range) return send();
    const started = Date.now();
    const poll = setInterval(() => {
      const seen = bytecodeOfEarly();
      if (!seen && Date.now() - started < 120_000) return;
      sawBytecode = seen;
      clearInterval(poll);
      send();
    }, 20);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  try {
    const target = join(dir, 'env');
    assert.equal(venvkit(['create', '--without-pip', '-p', py.path, target], { env: testEnv(cache) }).status, 0);
    const venv = await openVenv(target, { env: testEnv(cache) });
    // Every cache the install uses is the one its `env` names, not this process's (index pages and
    // downloads went to the process's once: a `late` wheel downloaded there before was taken from it).
    const processCache = join(dir, 'process-cache');
    const saved = process.env.VENVKIT_CACHE_DIR;
    process.env.VENVKIT_CACHE_DIR = processCache;
    try {
      await installRequirements(venv, { requirements: ['early', 'late'] }, { env: testEnv(cache), index: { indexUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}/simple` } });
    } finally {
      if (saved === undefined) delete process.env.VENVKIT_CACHE_DIR;
      else process.env.VENVKIT_CACHE_DIR = saved;
    }
    assert.ok(!existsSync(processCache), `nothing in the process's cache: ${existsSync(processCache) ? readdirSync(processCache).join(', ') : ''}`);
    assert.ok(existsSync(join(cache, 'http')) && existsSync(join(cache, 'downloads')), `pages and downloads in the env's cache: ${readdirSync(cache).join(', ')}`);
    assert.equal(sawBytecode, true, 'early\'s bytecode was stored while late was still being served');
    const sp = join(target, 'lib', readdirSync(join(target, 'lib'))[0]!, 'site-packages');
    for (const name of ['early', 'late']) assert.equal(readdirSync(join(sp, name, '__pycache__')).length, 40, `${name}: every module has its .pyc`);
  } finally {
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  }
});
