// Bytecode kept with the unpacked-wheel cache: each wheel is compiled once per interpreter (its
// cache tag, e.g. cpython-312), into <entry>.pyc-<tag>/{bytecode.json, pyc.pack} beside the wheel's
// entry, and placed into every env with the sources, so a warm install gets bytecode without
// running Python. pyc.pack holds every .pyc of the wheel one after another (bytecode.json: each
// one's offset and size): a warm install reads one file per wheel, not one per module.
//
// The .pyc files are "checked-hash" (PEP 552): each records a hash of its source, which Python
// checks on every import, so an edited source is never shadowed by stale bytecode (whatever its
// mtime and size), and a .pyc does not depend on the mtimes a link or copy gives the sources.
// They are compiled from the staged (already verified) sources. A bytecode dir appears by renaming
// a complete temp dir into place; bytecode.json is used only when it is yours alone, and a pack
// taken from a dir this process did not just write is checked against the sha256 it lists. A
// damaged dir is removed and the wheel compiled again. Reading it marks it used (cache prune).
import { createHash } from 'node:crypto';
import { closeSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { errnoCode, VenvkitError } from '../errors.js';
import { byteCompileToMemory } from '../install/compile.js';
import { throwIfInterrupted } from '../install/apply.js';
import { cacheWarning, readOwnText } from './trust.js';
import { markUsed } from './users.js';
import { Turns } from '../install/turns.js';
import { evict, tmpName, WRITE_FAILURES, type CachedWheel } from './wheels.js';

/** One wheel's modules to compile and place: archive path, staged path, final path. */
export interface BytecodeJob {
  wheel: CachedWheel;
  sources: { archive: string; staged: string; dest: string }[];
}

/** A .pyc in the pack: its path below the files' root, and where its bytes are. */
interface PycEntry { pyc: string; offset: number; size: number }
interface Bytecode {
  dir: string;
  files: Record<string, PycEntry>;
  /** The pack's size and sha256 (checked unless verified). */
  pack: { size: number; hash: string };
  verified: boolean;
  /** Not in the cache (a compiler was killed or crashed): removed once placed. */
  temporary?: boolean;
}

/** Can bytecode for this interpreter be cached (checked-hash .pyc need Python 3.7)? */
export function cacheableTag(version: [number, number, number] | undefined, tag: string | null | undefined): tag is string {
  return !!version && !!tag && (version[0] > 3 || (version[0] === 3 && version[1] >= 7)) && /^[A-Za-z0-9_.-]+$/.test(tag);
}

const pycName = (py: string, tag: string) => `${basename(py, '.py')}.${tag}.pyc`;
const pycBeside = (py: string, tag: string) => join(dirname(py), '__pycache__', pycName(py, tag));
/** The pack's sha256, a slice at a time with turns between (a big wheel's pack is tens of MB: one update would hold a host's event loop). */
async function sha256(data: Buffer, turns: Turns): Promise<string> {
  const h = createHash('sha256');
  for (let at = 0; at < data.length; at += HASH_SLICE) {
    await turns.give();
    h.update(data.subarray(at, at + HASH_SLICE));
  }
  return `sha256=${h.digest('base64url')}`;
}
const HASH_SLICE = 1 << 20;

function readBytecode(dir: string, sha: string, tag: string): Bytecode | undefined {
  markUsed(dir); // before reading: `venvkit cache prune|clean` then leaves it alone
  try {
    const m = JSON.parse(readOwnText(join(dir, 'bytecode.json')) ?? '') as { v: number; wheel: string; tag: string; files: Record<string, PycEntry>; pack: Bytecode['pack'] };
    if (m.v !== 2 || m.wheel !== sha || m.tag !== tag || typeof m.files !== 'object' || !m.files || typeof m.pack?.hash !== 'string' || typeof m.pack.size !== 'number') return undefined;
    return { dir, files: m.files, pack: m.pack, verified: false };
  } catch {
    return undefined;
  }
}

/** Where a wheel's bytecode lives: beside its entry (in the cache, or the private scratch dir). */
function bytecodeDir(wheel: CachedWheel, tag: string): string {
  return `${dirname(wheel.filesDir)}.pyc-${tag}`;
}

/** A fresh temp dir for a wheel's bytecode beside its final place (or in the scratch dir when the cache cannot be written). */
function tempDirFor(job: BytecodeJob, tag: string): { tmp: string; final: string } {
  const final = bytecodeDir(job.wheel, tag);
  let tmp = join(dirname(final), tmpName(`pyc-${job.wheel.manifest.sha256.slice(0, 12)}`));
  try {
    mkdirSync(tmp, { mode: 0o700 });
  } catch (e) {
    const code = errnoCode(e);
    if (!code || !WRITE_FAILURES.has(code) || !job.wheel.store.root || !final.startsWith(job.wheel.store.root)) throw e;
    // The cache cannot be written: keep this bytecode for this operation only.
    mkdirSync(job.wheel.store.scratch, { recursive: true, mode: 0o700 });
    tmp = join(job.wheel.store.scratch, tmpName(`pyc-${job.wheel.manifest.sha256.slice(0, 12)}`));
    mkdirSync(tmp, { mode: 0o700 });
    return { tmp, final: join(job.wheel.store.scratch, `${job.wheel.manifest.sha256}.pyc-${tag}`) };
  }
  return { tmp, final };
}

/** Compile the jobs' sources into fresh bytecode dirs (in one go: see install/compile.ts). */
async function compileAll(python: string, tag: string, jobs: BytecodeJob[], signal?: AbortSignal): Promise<Bytecode[]> {
  // Thousands of small reads and hashes (and a temp dir per wheel): give a host's event loop a turn every few ms.
  const turns = new Turns();
  const tmps: { tmp: string; final: string }[] = [];
  const kept = new Set<string>();
  try {
    for (const job of jobs) {
      await turns.give();
      tmps.push(tempDirFor(job, tag));
    }
    // Compiled straight into memory (no .pyc file per module to write, read back and remove).
    const items: { path: string; shown: string }[] = [];
    for (const job of jobs) {
      await turns.give();
      for (const s of job.sources) items.push({ path: s.staged, shown: s.archive });
    }
    const { pycs, complete } = await byteCompileToMemory(python, items, signal);
    throwIfInterrupted(signal);
    const out: Bytecode[] = [];
    let n = 0;
    for (const [i, job] of jobs.entries()) {
      const { tmp, final } = tmps[i]!;
      const files: Record<string, PycEntry> = {};
      // The pack is written and hashed a .pyc at a time (one Buffer.concat of a big wheel's tens of
      // MB held a host's event loop 30-50 ms, and its garbage made the collector's pauses longer).
      const hash = createHash('sha256');
      const fd = openSync(join(tmp, 'pyc.pack'), 'wx', 0o444);
      let offset = 0;
      try {
        for (const s of job.sources) {
          if ((n & 63) === 0) await turns.give();
          const data = pycs.get(n++);
          if (!data) continue;
          writeAll(fd, data);
          hash.update(data);
          files[s.archive] = { pyc: pycBeside(s.archive, tag), offset, size: data.length };
          offset += data.length;
        }
      } finally {
        closeSync(fd);
      }
      const pack = { size: offset, hash: `sha256=${hash.digest('base64url')}` };
      if (!complete) {
        // What a compiler that was killed or crashed left is used by this install only, never cached.
        kept.add(tmp);
        out.push({ dir: tmp, files, pack, verified: true, temporary: true });
        continue;
      }
      writeFileSync(join(tmp, 'bytecode.json'), JSON.stringify({ v: 2, wheel: job.wheel.manifest.sha256, tag, pack, files }), { mode: 0o444, flag: 'wx' });
      try {
        renameSync(tmp, final);
      } catch (e) {
        const code = errnoCode(e);
        if (code !== 'ENOTEMPTY' && code !== 'EEXIST') throw e;
        // Another process finished first: take its bytecode (checked as it is placed), or replace it.
        const theirs = readBytecode(final, job.wheel.manifest.sha256, tag);
        if (theirs) {
          out.push(theirs);
          continue;
        }
        evict(dirname(final), final);
        renameSync(tmp, final);
      }
      out.push({ dir: final, files, pack, verified: true });
    }
    return out;
  } finally {
    for (const { tmp } of tmps) if (!kept.has(tmp)) rmSync(tmp, { recursive: true, force: true });
  }
}

/** All of `data` at the end of what `fd` holds so far. */
function writeAll(fd: number, data: Buffer): void {
  for (let at = 0; at < data.length; ) at += writeSync(fd, data, at, data.length - at);
}

/** Write a .pyc (replacing one the wheel ships at that path). */
function writePyc(dst: string, data: Buffer): void {
  try {
    writeFileSync(dst, data, { mode: 0o644, flag: 'wx' });
  } catch (e) {
    if (errnoCode(e) !== 'EEXIST') throw e;
    rmSync(dst, { force: true });
    writeFileSync(dst, data, { mode: 0o644, flag: 'wx' });
  }
}

/** Place a job's .pyc files beside its staged sources; the final paths placed, or undefined if the bytecode is damaged. */
async function place(job: BytecodeJob, bc: Bytecode, tag: string, turns: Turns): Promise<string[] | undefined> {
  let pack: Buffer;
  try {
    pack = await readFile(join(bc.dir, 'pyc.pack')); // tens of MB for a big wheel: read off the main thread
  } catch (e) {
    if (errnoCode(e) === 'ENOENT') return undefined;
    throw e;
  }
  if (!bc.verified && (pack.length !== bc.pack.size || (await sha256(pack, turns)) !== bc.pack.hash)) return undefined;
  const placed: string[] = [];
  const made = new Set<string>();
  for (const s of job.sources) {
    await turns.give();
    const entry = bc.files[s.archive];
    if (!entry || entry.pyc !== pycBeside(s.archive, tag)) continue;
    if (!(entry.offset >= 0 && entry.size >= 0 && entry.offset + entry.size <= pack.length)) return undefined;
    const dst = pycBeside(s.staged, tag);
    if (!made.has(dirname(dst))) {
      mkdirSync(dirname(dst), { recursive: true });
      made.add(dirname(dst));
    }
    writePyc(dst, pack.subarray(entry.offset, entry.offset + entry.size));
    placed.push(pycBeside(s.dest, tag));
  }
  return placed;
}

/**
 * Give each job's staged sources their bytecode for interpreter `python` (cache tag `tag`): from
 * the cache when there, else compiled now (all missing wheels in one process) and kept there.
 * Returns, per job, the final paths of the .pyc files placed (for RECORD and the commit).
 */
export async function stageBytecode(python: string, tag: string, jobs: BytecodeJob[], signal?: AbortSignal): Promise<string[][]> {
  const turns = new Turns();
  const found: (Bytecode | undefined)[] = [];
  for (const job of jobs) {
    await turns.give();
    found.push(job.sources.length === 0 ? undefined : readBytecode(bytecodeDir(job.wheel, tag), job.wheel.manifest.sha256, tag));
  }
  const missing = jobs.map((job, i) => ({ job, i })).filter(({ job, i }) => job.sources.length > 0 && !found[i]);
  const compiled = await compileAll(python, tag, missing.map((m) => m.job), signal);
  missing.forEach((m, k) => (found[m.i] = compiled[k]));
  const result: string[][] = [];
  for (const [i, job] of jobs.entries()) {
    const bc = found[i];
    if (!bc) {
      result.push([]);
      continue;
    }
    let placed: string[] | undefined;
    try {
      placed = await place(job, bc, tag, turns);
    } finally {
      if (bc.temporary) rmSync(bc.dir, { recursive: true, force: true });
    }
    if (!placed) {
      cacheWarning(`damaged-pyc:${bc.dir}`, `the cached bytecode of ${job.wheel.manifest.filename} was damaged; compiling it again`);
      try {
        evict(dirname(bc.dir), bc.dir);
      } catch {
        /* compileAll replaces it */
      }
      const [fresh] = await compileAll(python, tag, [job], signal);
      placed = await place(job, fresh!, tag, turns);
      if (!placed) throw new VenvkitError('BAD_WHEEL', `The cached bytecode of ${job.wheel.manifest.filename} is damaged again right after compiling it`, { hint: 'Something is changing the cache as venvkit uses it; try again with the `noCache` option.' });
    }
    result.push(placed);
  }
  return result;
}
