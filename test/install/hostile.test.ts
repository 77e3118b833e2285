// Hostile and malformed wheels: each refused with a clear error, the env untouched, nothing written
// outside the test's temp dir, and no cache entry left behind.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, readlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { deflateRawSync } from 'node:zlib';
import { createVenv } from '../../src/venv/create.js';
import { installWheel } from '../../src/install/install-wheel.js';
import { isVenvkitError } from '../../src/errors.js';
import type { Venv } from '../../src/venv/types.js';
import { buildWheel, writeZip, recordHash } from '../helpers/wheels.js';
import { interpreters, removeDir, tempDir } from '../helpers/venv.js';

let tmp: string;
let cache: string;
let venv: Venv;
let env: NodeJS.ProcessEnv;
let wheels: string;

/** Every path under `dir` with a content hash (files), link target (links) or "dir". */
function snapshot(dir: string): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (d: string) => {
    for (const n of readdirSync(d)) {
      const p = join(d, n);
      const st = lstatSync(p);
      if (st.isSymbolicLink()) out.set(p, `-> ${readlinkSync(p)}`);
      else if (st.isDirectory()) {
        out.set(p, 'dir');
        walk(p);
      } else out.set(p, `${st.mode.toString(8)} ${createHash('sha256').update(readFileSync(p)).digest('hex')}`);
    }
  };
  walk(dir);
  return out;
}

before(async () => {
  tmp = tempDir('hostile');
  cache = join(tmp, 'cache');
  wheels = join(tmp, 'wheels');
  mkdirSync(wheels);
  env = { ...process.env, VENVKIT_CACHE_DIR: cache };
  const py = interpreters().find((i) => i.version.startsWith('3.12')) ?? interpreters()[0];
  venv = await createVenv(join(tmp, 'env'), { interpreter: undefined, python: py.path, withoutPip: true, env });
});

after(() => removeDir(tmp));

const good = { name: 'victim', version: '1.0', files: { 'victim/__init__.py': 'X = 1\n' } };

/** Install must fail with `code` (and a message matching `msg`), leaving env and cache as they were. */
async function refused(wheel: string, code: string, msg: RegExp, validWheel = false) {
  const envBefore = snapshot(venv.root);
  const cacheBefore = existsSync(cache) ? snapshot(cache) : new Map();
  const tmpBefore = readdirSync(tmp).sort();
  await assert.rejects(installWheel(venv, wheel, { env }), (e: unknown) => {
    assert.ok(isVenvkitError(e), `expected a VenvkitError, got ${(e as Error)?.stack}`);
    assert.equal(e.code, code, `${e.code}: ${e.message}`);
    assert.match(e.message, msg);
    return true;
  });
  assert.deepEqual(snapshot(venv.root), envBefore, 'the environment changed');
  const cacheAfter = existsSync(cache) ? snapshot(cache) : new Map();
  if (!validWheel) for (const k of cacheAfter.keys()) assert.ok(cacheBefore.has(k) || /\/wheels(\/v1)?$/.test(k), `left in the cache: ${k}`);
  assert.deepEqual(readdirSync(tmp).sort(), tmpBefore, 'something was written next to the env');
  assert.ok(!existsSync(join(tmp, 'evil.txt')) && !existsSync('/tmp/venvkit-evil.txt'), 'an escaping file was written');
}

test('a well-formed wheel installs (the control case)', async () => {
  const w = buildWheel(wheels, { ...good, version: '0.1' });
  const r = await installWheel(venv, w, { env });
  assert.equal(r.name, 'victim');
  assert.ok(existsSync(join(venv.paths.purelib, 'victim', '__init__.py')));
});

test('path traversal (..) is refused', async () => {
  const evil = `../../../../evil.txt`;
  await refused(buildWheel(wheels, { ...good, extra: [{ name: evil, data: 'pwned' }] }), 'UNSAFE_WHEEL', /climbs out/);
  await refused(buildWheel(wheels, { ...good, filename: 'victim-1.0-py3-none-any.whl', extra: [{ name: 'victim-1.0.data/data/../../../evil.txt', data: 'pwned' }] }), 'UNSAFE_WHEEL', /climbs out/);
});

test('absolute paths are refused', async () => {
  await refused(buildWheel(wheels, { ...good, extra: [{ name: '/tmp/venvkit-evil.txt', data: 'pwned' }] }), 'UNSAFE_WHEEL', /absolute/);
  await refused(buildWheel(wheels, { ...good, extra: [{ name: 'C:/evil.txt', data: 'pwned' }] }), 'UNSAFE_WHEEL', /absolute/);
});

test('symlink entries are refused', async () => {
  await refused(buildWheel(wheels, { ...good, extra: [{ name: 'victim/link', data: '/etc/passwd', mode: 0o120777 }] }), 'UNSAFE_WHEEL', /symbolic link/);
});

test("files that would replace the env's interpreter or pyvenv.cfg are refused", async () => {
  await refused(buildWheel(wheels, { ...good, files: { ...good.files, 'victim-1.0.data/scripts/python3': '#!/bin/sh\necho owned\n' } }), 'UNSAFE_WHEEL', /replace the environment's own bin\/python3/, true);
  await refused(buildWheel(wheels, { ...good, files: { ...good.files, 'victim-1.0.data/data/pyvenv.cfg': 'home = /evil\n' } }), 'UNSAFE_WHEEL', /pyvenv\.cfg/, true);
  await refused(buildWheel(wheels, { ...good, console: { python: 'victim:main' } }), 'UNSAFE_WHEEL', /bin\/python/, true);
});

test('a file that does not match its RECORD hash is refused', async () => {
  const tamper = (rows: string[]) => rows.map((r) => (r.startsWith('victim/__init__.py,') ? `victim/__init__.py,${recordHash('something else')},6` : r));
  await refused(buildWheel(wheels, { ...good, record: tamper }), 'HASH_MISMATCH', /does not match its hash/);
  await refused(buildWheel(wheels, { ...good, extra: [{ name: 'victim/sneaky.py', data: 'import os', unlisted: true }] }), 'HASH_MISMATCH', /not listed/);
  const wrongSize = (rows: string[]) => rows.map((r) => (r.startsWith('victim/__init__.py,') ? r.replace(/,\d+$/, ',999') : r));
  await refused(buildWheel(wheels, { ...good, record: wrongSize }), 'HASH_MISMATCH', /RECORD says 999/);
  const weak = (rows: string[]) => rows.map((r) => (r.startsWith('victim/__init__.py,') ? `victim/__init__.py,md5=${createHash('md5').update('X = 1\n').digest('base64url')},6` : r));
  await refused(buildWheel(wheels, { ...good, record: weak }), 'BAD_WHEEL', /md5/);
});

test('missing or malformed WHEEL / METADATA / RECORD are refused', async () => {
  await refused(buildWheel(wheels, { ...good, wheel: null }), 'BAD_WHEEL', /WHEEL is missing/);
  await refused(buildWheel(wheels, { ...good, wheel: 'Wheel-Version: 2.0\nRoot-Is-Purelib: true\nTag: py3-none-any\n' }), 'BAD_WHEEL', /Wheel-Version 2\.0 is not supported/);
  await refused(buildWheel(wheels, { ...good, wheel: 'Wheel-Version: 1.0\nRoot-Is-Purelib: maybe\nTag: py3-none-any\n' }), 'BAD_WHEEL', /Root-Is-Purelib/);
  await refused(buildWheel(wheels, { ...good, wheel: 'this is not a header\n' }), 'BAD_WHEEL', /malformed WHEEL/);
  await refused(buildWheel(wheels, { ...good, metadata: null }), 'BAD_WHEEL', /METADATA is missing/);
  await refused(buildWheel(wheels, { ...good, metadata: 'Metadata-Version: 2.1\nName: victim\n' }), 'BAD_WHEEL', /no Version/);
  await refused(buildWheel(wheels, { ...good, record: null }), 'BAD_WHEEL', /RECORD is missing/);
  await refused(buildWheel(wheels, { ...good, record: (rows) => [...rows, '"unterminated,sha256=x,1'] }), 'BAD_WHEEL', /malformed RECORD/);
  await refused(buildWheel(wheels, { ...good, console: { 'bad/name': 'victim:main' } }), 'UNSAFE_WHEEL', /entry point name/);
});

test('name, version or tags that do not match the file name are refused', async () => {
  await refused(buildWheel(wheels, { ...good, metadata: 'Metadata-Version: 2.1\nName: other\nVersion: 1.0\n' }), 'BAD_WHEEL', /names the project "other"/);
  await refused(buildWheel(wheels, { ...good, metadata: 'Metadata-Version: 2.1\nName: victim\nVersion: 2.0\n' }), 'BAD_WHEEL', /version 2\.0/);
  await refused(buildWheel(wheels, { ...good, tag: 'cp312-cp312-linux_x86_64', wheel: 'Wheel-Version: 1.0\nRoot-Is-Purelib: true\nTag: py3-none-any\n' }), 'BAD_WHEEL', /tags .* do not match/);
  await refused(buildWheel(wheels, { ...good, filename: 'victim-1.0.whl' }), 'BAD_WHEEL', /not a valid wheel file name/);
  await refused(buildWheel(wheels, { ...good, filename: 'other-1.0-py3-none-any.whl' }), 'BAD_WHEEL', /does not match the file name/);
});

test('zip bombs are refused before they fill the disk', async () => {
  const zeros = Buffer.alloc(64 << 20);
  // Sizes beyond the headers: 64 MiB that claims to be 1000 bytes.
  await refused(buildWheel(wheels, { ...good, extra: [{ name: 'victim/bomb.bin', data: zeros, declaredSize: 1000 }] }), 'BAD_WHEEL', /beyond its declared size/);
  // An extreme ratio: 4 GB claimed from a few KB.
  await refused(buildWheel(wheels, { ...good, extra: [{ name: 'victim/huge.bin', data: 'x'.repeat(3000), declaredSize: 4_000_000_000 }] }), 'BAD_WHEEL', /zip bomb/);
  // Overlapping entries (one compressed stream counted many times).
  await refused(buildWheel(wheels, { ...good, extra: [{ name: 'victim/a.bin', data: zeros.subarray(0, 1 << 20) }, { name: 'victim/b.bin', data: zeros.subarray(0, 1 << 20), sameOffsetAs: 'victim/a.bin' }] }), 'BAD_WHEEL', /overlap/);
});

test('corrupt archives are refused', async () => {
  const w = buildWheel(wheels, { ...good, version: '1.0' });
  const bytes = readFileSync(w);
  const trunc = join(wheels, 'trunc', 'victim-1.0-py3-none-any.whl');
  mkdirSync(join(wheels, 'trunc'));
  writeFileSync(trunc, bytes.subarray(0, bytes.length - 30));
  await refused(trunc, 'BAD_WHEEL', /corrupt|no end of central directory/);
  const notzip = join(wheels, 'notzip', 'victim-1.0-py3-none-any.whl');
  mkdirSync(join(wheels, 'notzip'));
  writeFileSync(notzip, 'this is not a zip file at all, not even close to one');
  await refused(notzip, 'BAD_WHEEL', /not a zip archive/);
  await refused(buildWheel(wheels, { ...good, extra: [{ name: 'victim/crc.py', data: 'pass\n', crc: 12345 }] }), 'BAD_WHEEL', /CRC-32 mismatch/);
  await refused(buildWheel(wheels, { ...good, extra: [{ name: 'victim/x.py', data: 'pass\n', localName: 'victim/y.py' }] }), 'BAD_WHEEL', /local header names a different file/);
  await refused(buildWheel(wheels, { ...good, extra: [{ name: 'victim/__init__.py', data: 'X = 2\n' }] }), 'BAD_WHEEL', /duplicate entry/);
  const garbled = join(wheels, 'garbled', 'victim-1.0-py3-none-any.whl');
  mkdirSync(join(wheels, 'garbled'));
  writeZip(garbled, [{ name: 'victim/__init__.py', data: deflateRawSync(Buffer.from('X')).subarray(0, 1), method: 0, declaredSize: 1 }]);
  await refused(garbled, 'BAD_WHEEL', /no \.dist-info|CRC/);
});

test('a failure half-way through moving files in leaves the env exactly as it was', async () => {
  // victim 0.1 is installed (control case). 0.2 installs victim/zz.py where a directory stands:
  // the commit fails after moving the old files aside and some new ones in, and must undo it all.
  mkdirSync(join(venv.paths.purelib, 'victim', 'zz.py'));
  writeFileSync(join(venv.paths.purelib, 'victim', 'zz.py', 'keep'), 'x');
  const w = buildWheel(wheels, { name: 'victim', version: '0.2', files: { 'victim/__init__.py': 'X = 2\n', 'victim/aa.py': '', 'victim/zz.py': '' } });
  await refused(w, 'PATH_CONFLICT', /a directory stands where the wheel installs a file/, true);
  assert.equal(readFileSync(join(venv.paths.purelib, 'victim', '__init__.py'), 'utf8'), 'X = 1\n');
  assert.ok(existsSync(join(venv.paths.purelib, 'victim-0.1.dist-info', 'RECORD')));
  assert.ok(!readdirSync(venv.root).some((n) => n.startsWith('.venvkit-txn')));
});

test('a wheel for another Python or platform is refused unless ignoreTags is set', async () => {
  const w = buildWheel(wheels, { ...good, version: '9.0', tag: 'cp27-cp27mu-win_amd64', rootIsPurelib: false });
  await assert.rejects(installWheel(venv, w, { env }), (e: unknown) => isVenvkitError(e, 'NO_WHEEL') && /not supported by this environment's Python/.test((e as Error).message));
  const r = await installWheel(venv, w, { env, ignoreTags: true });
  assert.equal(r.version, '9.0');
});
