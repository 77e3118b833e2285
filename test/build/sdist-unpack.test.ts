// sdist unpacking: hostile tarballs and zips (made here with Python's tarfile and by hand) are refused
// with BAD_SDIST naming the member, and nothing is written outside the case's temp dir; a real sdist
// made by setuptools through `python -m build --sdist` unpacks to its project root.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { unpackSdist } from '../../src/build/sdist-unpack.js';
import { isVenvkitError } from '../../src/errors.js';
import { writeZip } from '../helpers/wheels.js';
import { python3x } from '../pip/helpers.js';
import { realPip } from '../helpers/real-pip.js';

const tmp = mkdtempSync(join(tmpdir(), 'vk-sdist-'));
after(() => rmSync(tmp, { recursive: true, force: true }));
const python = python3x();

/** Every path under dir, relative, sorted (symlinks not followed). */
function tree(dir: string): string[] {
  const out: string[] = [];
  const walk = (rel: string) => {
    for (const n of readdirSync(join(dir, rel)).sort()) {
      const r = rel ? `${rel}/${n}` : n;
      out.push(r);
      if (lstatSync(join(dir, r)).isDirectory()) walk(r);
    }
  };
  walk('');
  return out;
}

let caseNo = 0;
/** A case dir holding only a/b/dest; returns the dir, dest and where `..`-escapes would land. */
function caseDir(): { dir: string; dest: string } {
  const dir = join(tmp, `case${caseNo++}`);
  mkdirSync(join(dir, 'a', 'b', 'dest'), { recursive: true });
  return { dir, dest: join(dir, 'a', 'b', 'dest') };
}

/** Build a tar.gz with Python's tarfile from a list of member specs (JSON) handed to the script below. */
function pyTar(path: string, members: Record<string, unknown>[]): void {
  const script = `
import io, json, sys, tarfile
path, members = sys.argv[1], json.loads(sys.argv[2])
mode = 'w:bz2' if path.endswith('.bz2') else 'w:xz' if path.endswith('.xz') else 'w:gz'
with tarfile.open(path, mode, format=tarfile.PAX_FORMAT) as tf:
    for m in members:
        ti = tarfile.TarInfo(m['name'])
        ti.type = {'file': tarfile.REGTYPE, 'dir': tarfile.DIRTYPE, 'sym': tarfile.SYMTYPE, 'hard': tarfile.LNKTYPE,
                   'chr': tarfile.CHRTYPE, 'blk': tarfile.BLKTYPE, 'fifo': tarfile.FIFOTYPE}[m.get('type', 'file')]
        ti.mode = m.get('mode', 0o755 if ti.type == tarfile.DIRTYPE else 0o644)
        if 'link' in m: ti.linkname = m['link']
        data = m.get('data', '').encode()
        if ti.type == tarfile.REGTYPE:
            ti.size = len(data)
            tf.addfile(ti, io.BytesIO(data))
        else:
            tf.addfile(ti)
`;
  const r = spawnSync(python!, ['-c', script, path, JSON.stringify(members)], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
}

async function refused(archive: string, c: { dir: string; dest: string }, member: RegExp): Promise<void> {
  const before = tree(c.dir);
  await assert.rejects(unpackSdist(archive, c.dest), (e: unknown) => {
    assert.ok(isVenvkitError(e, 'BAD_SDIST'), String(e));
    assert.match((e as Error).message, member);
    assert.ok((e as { hint?: string }).hint);
    return true;
  });
  assert.deepEqual(tree(c.dir), before, 'nothing is left behind, inside or outside dest');
}

const needPython = (t: { skip(m: string): void }) => {
  if (python) return true;
  if (process.env.CI === 'true') assert.fail('no CPython 3.11/3.12 under $PYENV_ROOT');
  t.skip('no CPython 3.11/3.12');
  return false;
};

test('tar members that leave the destination are refused, naming the member', async (t) => {
  if (!needPython(t)) return;
  const cases: [string, Record<string, unknown>[], RegExp][] = [
    ['dotdot', [{ name: 'pkg-1.0', type: 'dir' }, { name: 'pkg-1.0/../../../evil', data: 'x' }], /'pkg-1\.0\/\.\.\/\.\.\/\.\.\/evil'.*'\.\.'/],
    ['abs', [{ name: 'pkg-1.0', type: 'dir' }, { name: '@ABS@/abs-evil', data: 'x' }], /abs-evil'.*absolute path/],
    ['sym-out', [{ name: 'pkg-1.0/link', type: 'sym', link: '../../../outside' }], /'pkg-1\.0\/link'.*symlink pointing outside/],
    ['sym-abs', [{ name: 'pkg-1.0/link', type: 'sym', link: '/etc' }], /'pkg-1\.0\/link'.*symlink to an absolute path/],
    // A symlink inside, then a member written through it (the classic two-step escape, harmless or not).
    ['through-sym', [{ name: 'pkg-1.0/sub', type: 'dir' }, { name: 'pkg-1.0/d', type: 'sym', link: 'sub' }, { name: 'pkg-1.0/d/x', data: 'x' }], /'pkg-1\.0\/d\/x'.*through the symlink pkg-1\.0\/d/],
    // A chain: sub -> .. stays inside, but l -> sub/../.. leaves once sub is followed.
    ['sym-chain', [{ name: 'pkg-1.0/q', type: 'dir' }, { name: 'pkg-1.0/q/sub', type: 'sym', link: '..' }, { name: 'pkg-1.0/q/l', type: 'sym', link: 'sub/../../..' }], /'pkg-1\.0\/q\/l'.*outside/],
    // l looks inside when made (x missing); x, made later, turns it outside: caught after the last member.
    ['sym-flip', [{ name: 'pkg-1.0/q', type: 'dir' }, { name: 'pkg-1.0/q/l', type: 'sym', link: 'x/../../..' }, { name: 'pkg-1.0/q/x', type: 'sym', link: '../..' }], /'pkg-1\.0\/q\/l'.*outside/],
    ['hard-abs', [{ name: 'pkg-1.0/h', type: 'hard', link: '/etc/passwd' }], /'pkg-1\.0\/h'.*hard link to an absolute path/],
    ['hard-out', [{ name: 'pkg-1.0/h', type: 'hard', link: '../outside' }], /'\.\.\/outside'|'pkg-1\.0\/h'/],
    ['hard-missing', [{ name: 'pkg-1.0/h', type: 'hard', link: 'pkg-1.0/nothing' }], /'pkg-1\.0\/h'.*not an earlier file/],
    ['chr', [{ name: 'pkg-1.0/null', type: 'chr' }], /'pkg-1\.0\/null'.*character device/],
    ['blk', [{ name: 'pkg-1.0/disk', type: 'blk' }], /'pkg-1\.0\/disk'.*block device/],
    ['fifo', [{ name: 'pkg-1.0/pipe', type: 'fifo' }], /'pkg-1\.0\/pipe'.*FIFO/],
  ];
  for (const [name, members, msg] of cases) {
    const c = caseDir();
    const fixed = members.map((m) => ({ ...m, name: String(m.name).replace('@ABS@', c.dir) }));
    writeFileSync(join(c.dir, 'placeholder'), ''); // something outside dest that must stay as it is
    const archive = join(tmp, `${name}.tar.gz`);
    pyTar(archive, fixed);
    await t.test(name, async () => refused(archive, c, msg));
    assert.ok(!existsSync(join(c.dir, 'abs-evil')) && !existsSync(join(c.dir, 'evil')) && !existsSync(join(c.dir, 'a', 'evil')));
  }
});

test('a tar member whose data is shorter or longer than its declared size is refused', async (t) => {
  if (!needPython(t)) return;
  // Declared longer than the data: cut the uncompressed tar inside the member's data.
  const whole = join(tmp, 'whole.tar.gz');
  pyTar(whole, [{ name: 'pkg-1.0', type: 'dir' }, { name: 'pkg-1.0/big', data: 'y'.repeat(5000) }, { name: 'pkg-1.0/after', data: 'z' }]);
  const raw = spawnSync(python!, ['-c', 'import gzip,sys; sys.stdout.buffer.write(gzip.open(sys.argv[1]).read())', whole], { maxBuffer: 1 << 24 }).stdout as Buffer;
  const bigAt = raw.indexOf(Buffer.from('y'.repeat(100)));
  const short = join(tmp, 'short.tar.gz');
  writeFileSync(short, gzipSync(raw.subarray(0, bigAt + 1000)));
  await refused(short, caseDir(), /ends before its declared size|'pkg-1\.0\/big'/);
  // Declared shorter than the data: patch the size field (octal, offset 124 of the header) to 100 bytes.
  const hdr = raw.lastIndexOf(Buffer.from('pkg-1.0/big\0'), bigAt);
  const lying = Buffer.from(raw);
  lying.write('00000000144\0', hdr + 124, 'latin1');
  let sum = 0;
  lying.fill(' ', hdr + 148, hdr + 156, 'latin1');
  for (let i = 0; i < 512; i++) sum += lying[hdr + i]!;
  lying.write(sum.toString(8).padStart(6, '0') + '\0 ', hdr + 148, 'latin1');
  const liar = join(tmp, 'liar.tar.gz');
  writeFileSync(liar, gzipSync(lying));
  await refused(liar, caseDir(), /checksum|damaged/);
  // The compressed stream itself cut short.
  const gz = readFileSync(whole);
  const cut = join(tmp, 'cut.tar.gz');
  writeFileSync(cut, gz.subarray(0, gz.length - 30));
  await refused(cut, caseDir(), /ends early|truncated/);
  // Not an archive at all.
  const junk = join(tmp, 'junk.tar.gz');
  writeFileSync(junk, 'this is not a tarball\n'.repeat(40));
  await refused(junk, caseDir(), /not a tar archive|junk\.tar\.gz/);
});

test('modes: setuid, setgid, sticky and group/other write bits are dropped; owner read/write kept', async (t) => {
  if (!needPython(t)) return;
  const archive = join(tmp, 'modes.tar.gz');
  pyTar(archive, [
    { name: 'pkg-1.0', type: 'dir' },
    { name: 'pkg-1.0/suid', data: '#!/bin/sh\n', mode: 0o7777 },
    { name: 'pkg-1.0/noexec', data: 'x', mode: 0o077 },
    { name: 'pkg-1.0/ro', data: 'x', mode: 0o444 },
    { name: 'pkg-1.0/hard', type: 'hard', link: 'pkg-1.0/ro' },
    { name: 'pkg-1.0/docs', type: 'dir' },
    { name: 'pkg-1.0/docs/readme', type: 'sym', link: '../ro' },
  ]);
  const c = caseDir();
  const root = await unpackSdist(archive, c.dest);
  assert.equal(root, join(c.dest, 'pkg-1.0'));
  const mode = (f: string) => (statSync(join(root, f)).mode & 0o7777).toString(8);
  assert.equal(mode('suid'), '755');
  assert.equal(mode('noexec'), '644');
  assert.equal(mode('ro'), '644');
  // Links that stay inside are kept: a hard link as a copy of the earlier file, a symlink as is.
  assert.equal(readFileSync(join(root, 'hard'), 'utf8'), 'x');
  assert.ok(lstatSync(join(root, 'docs', 'readme')).isSymbolicLink());
  assert.equal(readFileSync(join(root, 'docs', 'readme'), 'utf8'), 'x');
});

test('an archive without a single top-level directory is refused', async (t) => {
  if (!needPython(t)) return;
  const archive = join(tmp, 'two-tops.tar.gz');
  pyTar(archive, [{ name: 'a-1.0/x', data: '1' }, { name: 'b-1.0/y', data: '2' }]);
  await refused(archive, caseDir(), /one top-level directory.*a-1\.0, b-1\.0/);
  const flat = join(tmp, 'flat.tar.gz');
  pyTar(flat, [{ name: 'setup.py', data: '' }]);
  await refused(flat, caseDir(), /setup\.py, is not a directory/);
});

test('zip sdists: the same refusals; a good one unpacks', async () => {
  const cases: [string, Parameters<typeof writeZip>[1], RegExp][] = [
    ['dotdot', [{ name: 'pkg-1.0/../../evil', data: 'x' }], /'pkg-1\.0\/\.\.\/\.\.\/evil'/],
    ['abs', [{ name: '/tmp/abs-evil', data: 'x' }], /'\/tmp\/abs-evil'.*absolute/],
    ['sym-out', [{ name: 'pkg-1.0/l', data: '../../../x', mode: 0o120777 }], /'pkg-1\.0\/l'.*outside/],
    ['fifo', [{ name: 'pkg-1.0/p', data: '', mode: 0o010644 }], /'pkg-1\.0\/p'.*FIFO/],
    ['through-sym', [{ name: 'pkg-1.0/d', data: '.', mode: 0o120777 }, { name: 'pkg-1.0/d/x', data: 'x' }], /'pkg-1\.0\/d\/x'.*through the symlink/],
    ['crc', [{ name: 'pkg-1.0/x', data: 'hello', crc: 1 }], /'pkg-1\.0\/x'.*CRC/],
  ];
  for (const [name, entries, msg] of cases) {
    const archive = join(tmp, `${name}.zip`);
    writeZip(archive, entries);
    await refused(archive, caseDir(), msg);
  }
  const good = join(tmp, 'good-1.0.zip');
  writeZip(good, [
    { name: 'good-1.0/', data: '', mode: 0o040755 },
    { name: 'good-1.0/setup.py', data: 'from setuptools import setup\nsetup()\n', mode: 0o104755 },
    { name: 'good-1.0/good/__init__.py', data: 'X = 1\n' },
  ]);
  const c = caseDir();
  const root = await unpackSdist(good, c.dest);
  assert.equal(root, join(c.dest, 'good-1.0'));
  assert.equal(readFileSync(join(root, 'good', '__init__.py'), 'utf8'), 'X = 1\n');
  assert.equal(statSync(join(root, 'setup.py')).mode & 0o7777, 0o755);
});

test('a real sdist (setuptools through python -m build --sdist) unpacks to its project root', { timeout: 300_000 }, async (t) => {
  const pip = realPip(t, join(tmp, 'buildenv'), ['build', 'setuptools']);
  if (!pip) return;
  const proj = join(tmp, 'proj');
  mkdirSync(join(proj, 'src', 'demo_pkg'), { recursive: true });
  writeFileSync(join(proj, 'pyproject.toml'), '[build-system]\nrequires = ["setuptools"]\nbuild-backend = "setuptools.build_meta"\n\n[project]\nname = "demo-pkg"\nversion = "1.2.3"\n');
  writeFileSync(join(proj, 'src', 'demo_pkg', '__init__.py'), 'VALUE = 42\n');
  writeFileSync(join(proj, 'README.md'), '# demo\n');
  const r = pip.run(['-m', 'build', '--sdist', '--no-isolation', '--outdir', join(tmp, 'dist'), proj]);
  assert.equal(r.status, 0, r.stderr + r.stdout);
  const sdist = join(tmp, 'dist', readdirSync(join(tmp, 'dist')).find((f) => f.endsWith('.tar.gz'))!);
  const names = spawnSync(pip.python, ['-c', 'import sys,tarfile; print("\\n".join(sorted(m.name for m in tarfile.open(sys.argv[1]) if m.isfile())))', sdist], { encoding: 'utf8' }).stdout.trim().split('\n');
  const c = caseDir();
  const root = await unpackSdist(sdist, c.dest);
  assert.match(root, /\/demo[-_]pkg-1\.2\.3$/);
  assert.deepEqual(tree(c.dest).filter((p) => statSync(join(c.dest, p)).isFile()).sort(), names.sort());
  assert.equal(readFileSync(join(root, 'src', 'demo_pkg', '__init__.py'), 'utf8'), 'VALUE = 42\n');
  assert.match(readFileSync(join(root, 'PKG-INFO'), 'utf8'), /^Name: demo-pkg$/m);
  // An AbortSignal already aborted: INTERRUPTED, nothing written.
  const c2 = caseDir();
  await assert.rejects(unpackSdist(sdist, c2.dest, { signal: AbortSignal.abort() }), (e: unknown) => isVenvkitError(e, 'INTERRUPTED'));
  assert.deepEqual(readdirSync(c2.dest), []);
});

test('.tar.bz2 and .tar.xz sdists go through the system\'s bzip2/xz, with the same checks', async (t) => {
  if (!needPython(t)) return;
  for (const ext of ['tar.bz2', 'tar.xz']) {
    const good = join(tmp, `good-1.0.${ext}`);
    pyTar(good, [{ name: 'good-1.0', type: 'dir' }, { name: 'good-1.0/setup.py', data: 'print(1)\n' }]);
    const c = caseDir();
    const root = await unpackSdist(good, c.dest);
    assert.equal(readFileSync(join(root, 'setup.py'), 'utf8'), 'print(1)\n');
    const evil = join(tmp, `evil.${ext}`);
    pyTar(evil, [{ name: 'good-1.0/l', type: 'sym', link: '../../../x' }]);
    await refused(evil, caseDir(), /'good-1\.0\/l'.*outside/);
    const whole = readFileSync(good);
    const cut = join(tmp, `cut.${ext}`);
    writeFileSync(cut, whole.subarray(0, Math.floor(whole.length / 2)));
    await refused(cut, caseDir(), /could not decompress it/);
    // Sound compression around something that is not a tar archive.
    const junk = join(tmp, `junk.${ext}`);
    const z = spawnSync(ext.endsWith('xz') ? 'xz' : 'bzip2', ['-c'], { input: 'not a tarball\n'.repeat(100) });
    writeFileSync(junk, z.stdout as Buffer);
    await refused(junk, caseDir(), /not a tar archive|fails its checksum/);
  }
});
