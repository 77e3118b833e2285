// The zip readers: the file reader (installer) and the range reader (METADATA over HTTP) share one
// parser, so each archive, good or hostile, must read the same or be refused the same by both.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { deflateRawSync } from 'node:zlib';
import { RangeZipReader, ZipError, ZipReader, type ReadAt } from '../../src/zip/reader.js';
import { writeZip, type RawEntry } from '../helpers/wheels.js';
import { removeDir, tempDir } from '../helpers/venv.js';

const tmp = tempDir('zip');
after(() => removeDir(tmp));
let n = 0;

function zipFile(entries: RawEntry[], patch?: (bytes: Buffer) => Buffer): string {
  const path = join(tmp, `${n++}.zip`);
  writeZip(path, entries);
  if (patch) writeFileSync(path, patch(readFileSync(path)));
  return path;
}

/** A ReadAt over the file's bytes that records every read, as an HTTP Range reader would see them. */
function rangeOver(bytes: Buffer, log: [number, number][] = []): ReadAt {
  return async (offset, length) => {
    log.push([offset, length]);
    return bytes.subarray(offset, offset + length);
  };
}

/** Every entry's name and bytes, through the file reader and through the range reader. */
async function readBoth(path: string): Promise<{ file: [string, string][]; range: [string, string][] }> {
  const z = ZipReader.open(path);
  const file = z.entries.map((e) => [e.name, z.read(e).toString('latin1')] as [string, string]);
  z.close();
  const bytes = readFileSync(path);
  const r = await RangeZipReader.open(rangeOver(bytes), bytes.length);
  const range: [string, string][] = [];
  for (const e of r.entries) range.push([e.name, (await r.read(e)).toString('latin1')]);
  return { file, range };
}

async function refusedByBoth(path: string, why: RegExp): Promise<void> {
  assert.throws(() => {
    const z = ZipReader.open(path);
    try {
      for (const e of z.entries) z.read(e);
    } finally {
      z.close();
    }
  }, (e: unknown) => e instanceof ZipError && why.test(e.message), `file reader: ${why}`);
  const bytes = readFileSync(path);
  await assert.rejects(async () => {
    const r = await RangeZipReader.open(rangeOver(bytes), bytes.length);
    for (const e of r.entries) await r.read(e);
  }, (e: unknown) => e instanceof ZipError && why.test(e.message), `range reader: ${why}`);
}

/** Turn a plain archive into a zip64 one (saturated EOCD, zip64 record and locator), with an optional comment. */
function toZip64(bytes: Buffer, commentLen = 0): Buffer {
  const eocd = bytes.subarray(bytes.length - 22);
  const count = eocd.readUInt16LE(10);
  const cdSize = eocd.readUInt32LE(12);
  const cdOffset = eocd.readUInt32LE(16);
  const body = bytes.subarray(0, bytes.length - 22);
  const e64 = Buffer.alloc(56);
  e64.writeUInt32LE(0x06064b50, 0);
  e64.writeBigUInt64LE(44n, 4);
  e64.writeUInt16LE(45, 12);
  e64.writeBigUInt64LE(BigInt(count), 24);
  e64.writeBigUInt64LE(BigInt(count), 32);
  e64.writeBigUInt64LE(BigInt(cdSize), 40);
  e64.writeBigUInt64LE(BigInt(cdOffset), 48);
  const loc = Buffer.alloc(20);
  loc.writeUInt32LE(0x07064b50, 0);
  loc.writeBigUInt64LE(BigInt(body.length), 8);
  loc.writeUInt32LE(1, 16);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(0xffff, 8);
  end.writeUInt16LE(0xffff, 10);
  end.writeUInt32LE(0xffffffff, 12);
  end.writeUInt32LE(0xffffffff, 16);
  end.writeUInt16LE(commentLen, 20);
  return Buffer.concat([body, e64, loc, end, Buffer.alloc(commentLen, 0x61)]);
}

const plain: RawEntry[] = [
  { name: 'a.txt', data: 'hello' },
  { name: 'bin/tool', data: '#!/bin/sh\n', mode: 0o100755, method: 0 },
  { name: 'big.bin', data: Buffer.alloc(200_000, 7) },
  { name: 'dir/', data: '' },
];

test('the file reader and the range reader read the same entries and bytes', async () => {
  const path = zipFile(plain);
  const { file, range } = await readBoth(path);
  assert.deepEqual(file, range);
  assert.deepEqual(file.map(([name]) => name), ['a.txt', 'bin/tool', 'big.bin', 'dir/']);
  assert.equal(file[0]![1], 'hello');
  assert.equal(file[2]![1], '\x07'.repeat(200_000));
});

test('a member is read in one read (local header, name, a short extra field and the data); a longer local extra field costs a second read', async () => {
  const bytes = readFileSync(zipFile(plain));
  const log: [number, number][] = [];
  const r = await RangeZipReader.open(rangeOver(bytes, log), bytes.length);
  assert.ok(bytes.length < 16 * 1024);
  assert.deepEqual(log, [[0, bytes.length]], 'one read: the tail (here the whole archive) holds the end record and the directory');
  log.length = 0;
  assert.equal((await r.read(r.entries[0]!)).toString(), 'hello');
  assert.deepEqual(log, [[0, 30 + 'a.txt'.length + 64 + deflateRawSync('hello').length]], 'header, name, room for a 64-byte extra field, and the data');
  // Local extra fields (the central directory's have none): one short enough to be in that read, one longer.
  const extras = zipFile([
    { name: 'short.txt', data: 'in one read', localExtra: Buffer.alloc(40, 1) },
    { name: 'long.txt', data: 'in two reads', localExtra: Buffer.alloc(300, 2) },
    { name: 'last.txt', data: 'x'.repeat(1000), method: 0 },
  ]);
  const { file, range } = await readBoth(extras);
  assert.deepEqual(file, [['short.txt', 'in one read'], ['long.txt', 'in two reads'], ['last.txt', 'x'.repeat(1000)]]);
  assert.deepEqual(range, file);
  const eb = readFileSync(extras);
  const er = await RangeZipReader.open(rangeOver(eb, log), eb.length);
  for (const [i, reads] of [[0, 1], [1, 2], [2, 1]] as const) {
    log.length = 0;
    await er.read(er.entries[i]!);
    assert.equal(log.length, reads, `${er.entries[i]!.name}: ${JSON.stringify(log)}`);
  }
});

test('a directory larger than the first tail is read apart; an end record behind a long comment needs the longest tail', async () => {
  const many: RawEntry[] = Array.from({ length: 400 }, (_, i) => ({ name: `pkg/module_${String(i).padStart(4, '0')}.py`, data: `x = ${i}\n` }));
  const bytes = readFileSync(zipFile(many));
  const log: [number, number][] = [];
  const r = await RangeZipReader.open(rangeOver(bytes, log), bytes.length);
  assert.equal(r.entries.length, 400);
  assert.equal(log.length, 2, JSON.stringify(log)); // the tail, then the directory
  const commented = readFileSync(zipFile(plain, (b) => { b.writeUInt16LE(20_000, b.length - 2); return Buffer.concat([b, Buffer.alloc(20_000, 0x61)]); }));
  log.length = 0;
  const c = await RangeZipReader.open(rangeOver(commented, log), commented.length);
  assert.deepEqual(c.entries.map((e) => e.name), ['a.txt', 'bin/tool', 'big.bin', 'dir/']);
  assert.deepEqual(log.map(([, length]) => length), [16 * 1024, commented.length], 'the short tail, then the longest one (here the whole archive)');
});

test('find() reads only the members named *suffix: the other records are skipped, not decoded', async () => {
  const entries: RawEntry[] = [
    { name: 'demo/__init__.py', data: 'x = 1\n' },
    { name: 'demo-1.0.dist-info/METADATA', data: 'Metadata-Version: 2.1\nName: demo\nVersion: 1.0\n' },
    { name: 'demo-1.0.dist-info/RECORD', data: '' },
  ];
  // The first entry's name made invalid UTF-8: open() refuses the archive, find() never decodes that name.
  const path = zipFile(entries, (b) => { b[b.indexOf(Buffer.from([0x50, 0x4b, 1, 2])) + 46] = 0xff; return b; });
  assert.throws(() => ZipReader.open(path), /not valid UTF-8/);
  const z = ZipReader.find(path, '.dist-info/METADATA');
  try {
    assert.deepEqual(z.entries.map((e) => e.name), ['demo-1.0.dist-info/METADATA']);
    assert.match(z.read(z.entries[0]!).toString(), /^Name: demo$/m);
  } finally {
    z.close();
  }
  const bytes = readFileSync(path);
  const r = await RangeZipReader.find(rangeOver(bytes), bytes.length, '.dist-info/METADATA');
  assert.match((await r.read(r.entries[0]!)).toString(), /^Version: 1.0$/m);
  // The matching entries are checked as open() checks every entry.
  const twice = zipFile([entries[1]!, { ...entries[1]!, data: 'Name: other\n' }]);
  assert.throws(() => ZipReader.find(twice, '.dist-info/METADATA'), /duplicate entry demo-1.0.dist-info\/METADATA/);
  const encrypted = zipFile(entries, (b) => { const cd = b.indexOf(Buffer.from('demo-1.0.dist-info/METADATA'), b.indexOf(Buffer.from([0x50, 0x4b, 1, 2]))) - 46; b.writeUInt16LE(0x801, cd + 8); return b; });
  assert.throws(() => ZipReader.find(encrypted, '.dist-info/METADATA'), /encrypted entries are not supported/);
});

test('find() reads the archive\'s last 64 KiB once: a member there is not read again; hostile members are refused as by open()', () => {
  const metadata = 'Metadata-Version: 2.1\nName: demo\nVersion: 1.0\n\n' + 'A description. '.repeat(200);
  const entries: RawEntry[] = [
    { name: 'demo/__init__.py', data: 'x = 1\n' },
    { name: 'demo-1.0.dist-info/METADATA', data: metadata },
    { name: 'demo-1.0.dist-info/RECORD', data: '' },
  ];
  const path = zipFile(entries);
  const z = ZipReader.find(path, '.dist-info/METADATA', {}, Buffer.alloc(70_000));
  try {
    // The file changed on disk after find(): the member still comes from the bytes read first.
    const bytes = readFileSync(path);
    writeFileSync(path, Buffer.alloc(bytes.length, 0x20));
    assert.equal(z.read(z.entries[0]!).toString(), metadata);
  } finally {
    z.close();
  }
  // Members read one after another through the kept inflater: a hostile one is refused as open()
  // refuses it, and the next good one still reads.
  const hostile: [RawEntry, RegExp][] = [
    [{ name: 'x-1.dist-info/METADATA', data: Buffer.alloc(4 << 20), declaredSize: 1000 }, /beyond its declared size/],
    [{ name: 'x-1.dist-info/METADATA', data: 'Name: x\n', crc: 12345 }, /CRC-32 mismatch/],
    [{ name: 'x-1.dist-info/METADATA', data: 'Name: x\n'.repeat(50), declaredSize: 10_000 }, /where the header declares 10000/],
  ];
  const good = zipFile(entries);
  for (const [entry, why] of hostile) {
    const bad = ZipReader.find(zipFile([entry]), '.dist-info/METADATA');
    try {
      assert.throws(() => bad.read(bad.entries[0]!), (e: unknown) => e instanceof ZipError && why.test(e.message), String(why));
    } finally {
      bad.close();
    }
    const ok = ZipReader.find(good, '.dist-info/METADATA');
    try {
      assert.equal(ok.read(ok.entries[0]!).toString(), metadata);
    } finally {
      ok.close();
    }
  }
});

test('zip64 archives, with the locator in the tail or pushed out of it by a 64 KiB comment', async () => {
  for (const comment of [0, 0xffff]) {
    const path = zipFile(plain, (b) => toZip64(b, comment));
    const { file, range } = await readBoth(path);
    assert.deepEqual(file, range);
    assert.equal(file.length, 4);
    assert.equal(file[0]![1], 'hello');
  }
  await refusedByBoth(zipFile(plain, (b) => { const z = toZip64(b); z.writeUInt32LE(0, z.length - 42); return z; }), /zip64 locator missing/);
  await refusedByBoth(zipFile(plain, (b) => { const z = toZip64(b); z.writeUInt32LE(0, z.length - 98); return z; }), /bad zip64 end of central directory/);
});

test('a local name of another length is read apart: accepted when it is the same name in Latin-1', async () => {
  // The central directory says "cafÃ©" (7 UTF-8 bytes); the local header has the 5 bytes of "café",
  // which read as Latin-1 are that same name.
  const { file, range } = await readBoth(zipFile([{ name: 'caf\u00c3\u00a9', localName: 'caf\u00e9', data: 'x' }]));
  assert.deepEqual(file, [['caf\u00c3\u00a9', 'x']]);
  assert.deepEqual(range, file);
  await refusedByBoth(zipFile([{ name: 'x.py', localName: 'longer/y.py', data: 'x' }]), /local header names a different file/);
  await refusedByBoth(zipFile([{ name: 'x.py', localName: 'y.py', data: 'x' }]), /local header names a different file/);
});

test('hostile and corrupt archives are refused by both readers', async () => {
  const zeros = Buffer.alloc(4 << 20);
  await refusedByBoth(zipFile([{ name: 'bomb', data: zeros, declaredSize: 1000 }]), /beyond its declared size/);
  await refusedByBoth(zipFile([{ name: 'short', data: 'hello', declaredSize: 10 }]), /5 bytes where the header declares 10/);
  await refusedByBoth(zipFile([{ name: 'huge', data: 'x'.repeat(3000), declaredSize: 4_000_000_000 }]), /ratio beyond/);
  await refusedByBoth(zipFile([{ name: 'a', data: zeros }, { name: 'b', data: zeros, sameOffsetAs: 'a' }]), /overlap/);
  await refusedByBoth(zipFile([{ name: 'a', data: 'x' }, { name: 'a', data: 'y' }]), /duplicate entry a/);
  await refusedByBoth(zipFile([{ name: 'c', data: 'pass\n', crc: 12345 }]), /CRC-32 mismatch/);
  await refusedByBoth(zipFile([{ name: 's', data: 'hello', method: 0, declaredSize: 4 }]), /stored entry with mismatched sizes/);
  await refusedByBoth(zipFile([{ name: 'z', data: 'hello', method: 12 }]), /unsupported compression method 12/);
  await refusedByBoth(zipFile([{ name: 'g', data: Buffer.from([0xff, 0xff, 0xff]), method: 0, declaredSize: 3, crc: 0 }], (b) => { b.writeUInt16LE(8, 8); b.writeUInt16LE(8, b.indexOf(Buffer.from([0x50, 0x4b, 1, 2])) + 10); return b; }), /corrupt deflate data/);
  // Central directory fields patched after writing (offsets into writeZip's layout).
  const cdAt = (b: Buffer) => b.indexOf(Buffer.from([0x50, 0x4b, 1, 2]));
  await refusedByBoth(zipFile([{ name: 'e', data: 'x' }], (b) => { b.writeUInt16LE(0x801, cdAt(b) + 8); return b; }), /encrypted entries are not supported/);
  await refusedByBoth(zipFile([{ name: 'e', data: 'x' }], (b) => { b[cdAt(b) + 46] = 0xff; return b; }), /not valid UTF-8/);
  await refusedByBoth(zipFile([{ name: 'e', data: 'x' }], (b) => { b.writeUInt32LE(0xffffffff, cdAt(b) + 24); return b; }), /zip64 sizes without a zip64 extra field/);
  await refusedByBoth(zipFile([{ name: 'e', data: 'x' }], (b) => { b.writeUInt32LE(0, cdAt(b)); return b; }), /corrupt central directory/);
  await refusedByBoth(zipFile([{ name: 'e', data: 'x' }], (b) => { b.writeUInt32LE(0, 0); return b; }), /bad local header/);
  // The end record.
  await refusedByBoth(zipFile([{ name: 'e', data: 'x' }], (b) => { b.writeUInt16LE(1, b.length - 18); return b; }), /multi-disk/);
  await refusedByBoth(zipFile([{ name: 'e', data: 'x' }], (b) => Buffer.concat([b, Buffer.from('trailing')])), /no end of central directory/);
  await refusedByBoth(zipFile([{ name: 'e', data: 'x' }], (b) => { b.writeUInt32LE(b.length, b.length - 6); return b; }), /central directory points past the end/);
  await refusedByBoth(zipFile([{ name: 'e', data: 'x' }], (b) => b.subarray(0, 10)), /not a zip archive \(too small\)/);
  // Limits.
  const many = zipFile([{ name: 'a', data: 'x' }, { name: 'b', data: 'y' }]);
  assert.throws(() => ZipReader.open(many, { maxEntries: 1 }), /too many entries \(2 > 1\)/);
  const bytes = readFileSync(many);
  await assert.rejects(RangeZipReader.open(rangeOver(bytes), bytes.length, { maxTotalSize: 1 }), /expands to more than 1 bytes/);
});

test('the range reader refuses a short answer to a read', async () => {
  const bytes = readFileSync(zipFile(plain));
  const short: ReadAt = async (offset, length) => bytes.subarray(offset, offset + Math.max(0, length - 1));
  await assert.rejects(RangeZipReader.open(short, bytes.length), /truncated archive/);
  await assert.rejects(RangeZipReader.open(rangeOver(bytes), bytes.length + 5), /no end of central directory|truncated/);
});
