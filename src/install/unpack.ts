// Open a wheel, check everything the format promises, and unpack it into a directory.
// Every check happens before or while writing into `dest` (a private temp dir): a refused wheel
// leaves nothing behind but that dir, which the caller removes.
import { createHash, getHashes } from 'node:crypto';
import { closeSync, fstatSync, mkdirSync, openSync, writeSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { VenvkitError } from '../errors.js';
import { canonicalizeName } from '../pep/names.js';
import { tryParseWheelFilename, type WheelFilename } from '../pep/wheel-name.js';
import { ZipError, ZipReader, type ZipEntry, type ZipLimits } from '../zip/reader.js';
import { placeEntry, unsafeEntryReason } from './entry-paths.js';
import { parseEntryPoints, parseHeaderFields, parseRecord, type RecordRow } from './wheel-meta.js';
import { sameVersion } from './versions.js';

/** One file of an unpacked wheel. `hash` is sha256 in RECORD form ("sha256=<urlsafe b64>"). */
export interface WheelFile {
  path: string;
  size: number;
  hash: string;
  exec: boolean;
  /** The unpacked file's mtime (ms) once written: placing checks a link by size and mtime (install/link.ts). */
  mtime?: number;
}

/** What a verified wheel holds: kept as wheel.json next to its unpacked files in the cache. */
export interface WheelManifest {
  v: 1;
  sha256: string;
  filename: string;
  /** Name and Version as METADATA gives them. */
  name: string;
  version: string;
  normalizedName: string;
  distInfo: string;
  dataDir: string;
  rootIsPurelib: boolean;
  wheelVersion: string;
  tags: string[];
  requiresPython?: string;
  entryPoints: { console: Record<string, string>; gui: Record<string, string> };
  files: WheelFile[];
}

const bad = (wheel: string, what: string, hint?: string) =>
  new VenvkitError('BAD_WHEEL', `${wheel}: ${what}`, { hint: hint ?? 'The wheel is malformed; rebuild it or get it again from its source.' });
const unsafe = (wheel: string, what: string) =>
  new VenvkitError('UNSAFE_WHEEL', `${wheel}: ${what}`, { hint: 'Refusing to install it: this wheel would write outside the environment. Do not trust its source.' });

const SIGNATURE_FILES = new Set(['RECORD', 'RECORD.jws', 'RECORD.p7s']);
const STRONG = new Set(['sha256', 'sha384', 'sha512', 'sha3_256', 'sha3_384', 'sha3_512', 'blake2b']);

function nodeAlgorithm(name: string): string {
  if (name === 'blake2b') return 'blake2b512';
  return name.replace('_', '-');
}

function b64url(buf: Buffer): string {
  return buf.toString('base64url');
}

function text(zip: ZipReader, entry: ZipEntry, wheel: string): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(zip.read(entry));
  } catch (e) {
    if (e instanceof ZipError) throw bad(wheel, `corrupt archive: ${e.message}`);
    throw bad(wheel, `${entry.name} is not valid UTF-8`);
  }
}

interface Checked {
  parsed: WheelFilename;
  manifestBase: Omit<WheelManifest, 'files' | 'sha256'>;
  record: Map<string, RecordRow>;
  fileEntries: ZipEntry[];
}

/** Check names, layout and metadata of an opened archive (reads only the .dist-info text files). */
function checkArchive(zip: ZipReader, wheelPath: string): Checked {
  const wheel = wheelPath.replace(/^.*[\\/]/, '');
  const parsed = tryParseWheelFilename(wheel);
  if (typeof parsed === 'string') throw bad(wheel, parsed, 'Wheel files are named name-version[-build]-python-abi-platform.whl; do not rename them.');
  const byName = new Map<string, ZipEntry>();
  const fileEntries: ZipEntry[] = [];
  const distInfos = new Set<string>();
  for (const e of zip.entries) {
    const why = unsafeEntryReason(e.name);
    if (why) throw unsafe(wheel, `entry "${e.name}" ${why}`);
    if (e.isSymlink) throw unsafe(wheel, `entry "${e.name}" is a symbolic link`);
    const top = e.name.split('/')[0];
    if (top.endsWith('.dist-info') && e.name.includes('/')) distInfos.add(top);
    if (e.isDirectory) continue;
    if ((e.unixMode & 0o170000) !== 0 && (e.unixMode & 0o170000) !== 0o100000) throw unsafe(wheel, `entry "${e.name}" is not a regular file`);
    byName.set(e.name, e);
    fileEntries.push(e);
  }
  if (distInfos.size !== 1) {
    throw bad(wheel, distInfos.size === 0 ? 'it has no .dist-info directory' : `it has ${distInfos.size} .dist-info directories (${[...distInfos].join(', ')})`);
  }
  const distInfo = [...distInfos][0];
  const stem = distInfo.slice(0, -'.dist-info'.length);
  const dash = stem.lastIndexOf('-');
  if (dash <= 0) throw bad(wheel, `${distInfo} is not named <name>-<version>.dist-info`);
  const diName = stem.slice(0, dash);
  const diVersion = stem.slice(dash + 1);
  if (canonicalizeName(diName) !== parsed.normalizedName || !sameVersion(diVersion, parsed.version)) {
    throw bad(wheel, `its ${distInfo} does not match the file name (${parsed.name} ${parsed.version})`);
  }
  const need = (f: string) => {
    const e = byName.get(`${distInfo}/${f}`);
    if (!e) throw bad(wheel, `${distInfo}/${f} is missing`);
    return e;
  };
  // WHEEL
  let wheelFields: Map<string, string[]>;
  try {
    wheelFields = parseHeaderFields(text(zip, need('WHEEL'), wheel));
  } catch (e) {
    if (e instanceof VenvkitError) throw e;
    throw bad(wheel, `malformed WHEEL file: ${(e as Error).message}`);
  }
  const wheelVersion = wheelFields.get('wheel-version')?.[0];
  if (!wheelVersion || !/^\d+\.\d+$/.test(wheelVersion)) throw bad(wheel, `WHEEL has ${wheelVersion ? `a malformed Wheel-Version "${wheelVersion}"` : 'no Wheel-Version'}`);
  if (Number(wheelVersion.split('.')[0]) !== 1) {
    throw new VenvkitError('BAD_WHEEL', `${wheel}: Wheel-Version ${wheelVersion} is not supported (venvkit installs version 1.x wheels)`, { hint: 'Use an installer that supports this wheel format, or a wheel built for format 1.x.' });
  }
  const purelibText = wheelFields.get('root-is-purelib')?.[0]?.toLowerCase();
  if (purelibText !== 'true' && purelibText !== 'false') throw bad(wheel, `WHEEL has ${purelibText === undefined ? 'no Root-Is-Purelib' : `a malformed Root-Is-Purelib "${purelibText}"`}`);
  const tags = wheelFields.get('tag') ?? [];
  if (tags.length === 0) throw bad(wheel, 'WHEEL lists no Tag');
  // Some published wheels were retagged without rewriting WHEEL (auditwheel-style manylinux renames,
  // py2.py3 in the name but py3 in WHEEL): accept overlap, with Linux platforms compared by architecture.
  const wheelTags = new Set(tags.flatMap(expandTag).map(looseTag));
  if (!parsed.tags.some((t) => wheelTags.has(looseTag(t)))) {
    throw bad(wheel, `its file name tags (${parsed.tags.join(', ')}) do not match WHEEL's (${tags.join(', ')})`);
  }
  // METADATA
  let meta: Map<string, string[]>;
  try {
    meta = parseHeaderFields(text(zip, need('METADATA'), wheel));
  } catch (e) {
    if (e instanceof VenvkitError) throw e;
    throw bad(wheel, `malformed METADATA: ${(e as Error).message}`);
  }
  const name = meta.get('name')?.[0];
  const version = meta.get('version')?.[0];
  if (!name || !version) throw bad(wheel, `METADATA has no ${name ? 'Version' : 'Name'}`);
  if (canonicalizeName(name) !== parsed.normalizedName) throw bad(wheel, `METADATA names the project "${name}", the file name "${parsed.name}"`);
  if (!sameVersion(version, parsed.version)) throw bad(wheel, `METADATA says version ${version}, the file name ${parsed.version}`);
  // RECORD
  let rows: RecordRow[];
  try {
    rows = parseRecord(text(zip, need('RECORD'), wheel));
  } catch (e) {
    if (e instanceof VenvkitError) throw e;
    throw bad(wheel, `malformed RECORD: ${(e as Error).message}`);
  }
  const record = new Map<string, RecordRow>();
  for (const r of rows) record.set(r.path, r);
  // entry points
  let entryPoints: WheelManifest['entryPoints'] = { console: {}, gui: {} };
  const epEntry = byName.get(`${distInfo}/entry_points.txt`);
  if (epEntry) {
    try {
      const ep = parseEntryPoints(text(zip, epEntry, wheel));
      entryPoints = { console: ep.console_scripts ?? {}, gui: ep.gui_scripts ?? {} };
    } catch (e) {
      if (e instanceof VenvkitError) throw e;
      throw bad(wheel, `malformed entry_points.txt: ${(e as Error).message}`);
    }
    for (const script of [...Object.keys(entryPoints.console), ...Object.keys(entryPoints.gui)]) {
      if (!script || /[\/\\\0]/.test(script) || script === '.' || script === '..') throw unsafe(wheel, `entry point name "${script}" is not a plain file name`);
    }
  }
  const dataDir = `${stem}.data`;
  for (const e of fileEntries) {
    try {
      placeEntry(e.name, dataDir);
    } catch (err) {
      throw bad(wheel, (err as Error).message);
    }
  }
  return {
    parsed,
    record,
    fileEntries,
    manifestBase: {
      v: 1,
      filename: wheel,
      name,
      version,
      normalizedName: canonicalizeName(name),
      distInfo,
      dataDir,
      rootIsPurelib: purelibText === 'true',
      wheelVersion,
      tags,
      ...(meta.get('requires-python')?.[0] ? { requiresPython: meta.get('requires-python')![0] } : {}),
      entryPoints,
    },
  };
}

/** A tag with its Linux platform reduced to the architecture (manylinux_2_17_x86_64 ~ linux_x86_64). */
function looseTag(tag: string): string {
  return tag.replace(/-(?:many|musl)?linux(?:1|2010|2014|_\d+_\d+)?_([a-z0-9_]+)$/, '-linux_$1');
}

/** "py2.py3-none-any" -> every combination. */
function expandTag(tag: string): string[] {
  const [py, abi, plat] = tag.split('-');
  if (!py || !abi || !plat) return [tag];
  const out: string[] = [];
  for (const a of py.split('.')) for (const b of abi.split('.')) for (const c of plat.split('.')) out.push(`${a}-${b}-${c}`);
  return out;
}

/**
 * Verify the wheel at `wheelPath` and unpack its files under `dest` (created; files at dest/<path>,
 * read-only: mode 0444 or 0555). Throws VenvkitError BAD_WHEEL / UNSAFE_WHEEL / HASH_MISMATCH.
 */
export function unpackWheel(wheelPath: string, dest: string, sha256: string, limits?: ZipLimits): WheelManifest {
  const wheel = wheelPath.replace(/^.*[\\/]/, '');
  let zip: ZipReader;
  try {
    zip = ZipReader.open(wheelPath, limits);
  } catch (e) {
    if (e instanceof ZipError) throw bad(wheel, `corrupt or hostile archive: ${e.message}`);
    throw new VenvkitError('BAD_WHEEL', `Cannot read ${wheelPath}: ${(e as Error).message}`, { cause: e });
  }
  try {
    const checked = checkArchive(zip, wheelPath);
    const { record, fileEntries, manifestBase } = checked;
    const distInfo = manifestBase.distInfo;
    const hashes = new Set(getHashes());
    const files: WheelFile[] = [];
    const madeDirs = new Set<string>();
    const seen = new Set<string>();
    for (const e of fileEntries) {
      const inDistInfo = e.name.startsWith(distInfo + '/');
      const base = inDistInfo ? e.name.slice(distInfo.length + 1) : '';
      const row = record.get(e.name);
      const checkHash = !(inDistInfo && SIGNATURE_FILES.has(base));
      let algo = 'sha256';
      if (checkHash) {
        if (!row || !row.hash) throw new VenvkitError('HASH_MISMATCH', `${wheel}: ${e.name} is not listed with a hash in RECORD`, { hint: 'The wheel was altered after it was built, or built wrongly; get it again from its source.' });
        algo = row.hash.algorithm;
        if (!STRONG.has(algo) || !hashes.has(nodeAlgorithm(algo))) throw bad(wheel, `RECORD uses the hash "${algo}" for ${e.name}, which venvkit does not accept (sha256 or stronger)`);
      }
      seen.add(e.name);
      const out = join(dest, e.name);
      const dir = dirname(out);
      if (!madeDirs.has(dir)) {
        mkdirSync(dir, { recursive: true });
        madeDirs.add(dir);
      }
      const exec = (e.unixMode & 0o111) !== 0;
      // Streamed to disk piece by piece and hashed on the way: a big entry is never held whole in
      // memory, and one that inflates past its declared size is stopped there.
      const hasher = createHash('sha256');
      const other = algo === 'sha256' ? undefined : createHash(nodeAlgorithm(algo));
      let size = 0;
      let mtime: number | undefined;
      const fd = openSync(out, 'w', exec ? 0o555 : 0o444); // read-only: see cache/wheels.ts
      try {
        zip.stream(e, (piece) => {
          hasher.update(piece);
          other?.update(piece);
          for (let off = 0; off < piece.length; ) off += writeSync(fd, piece, off, piece.length - off);
          size += piece.length;
        });
        mtime = fstatSync(fd).mtimeMs; // after the last write (placing checks a link against it)
      } catch (err) {
        if (err instanceof ZipError) throw bad(wheel, `corrupt or hostile archive: ${err.message}`);
        throw err;
      } finally {
        closeSync(fd);
      }
      const sha = hasher.digest();
      if (checkHash) {
        const digest = other ? other.digest() : sha;
        if (b64url(digest) !== row!.hash!.digest.replace(/=+$/, '')) {
          throw new VenvkitError('HASH_MISMATCH', `${wheel}: ${e.name} does not match its hash in RECORD`, { hint: 'The wheel was altered after it was built; get it again from its source.' });
        }
        if (row!.size !== null && row!.size !== size) throw new VenvkitError('HASH_MISMATCH', `${wheel}: ${e.name} is ${size} bytes, RECORD says ${row!.size}`, { hint: 'The wheel was altered after it was built; get it again from its source.' });
      }
      files.push({ path: e.name, size, hash: `sha256=${b64url(sha)}`, exec, mtime });
    }
    for (const r of record.values()) {
      if (r.hash && !seen.has(r.path)) throw bad(wheel, `RECORD lists ${r.path}, which the archive does not contain`);
    }
    return { ...manifestBase, sha256, files };
  } finally {
    zip.close();
  }
}
