// Bytecode kept with the unpacked-wheel cache: each wheel is compiled once per interpreter (its
// cache tag, e.g. cpython-312), into <entry>.pyc-<tag>/ beside the wheel's entry: bytecode.json (each
// .pyc's path, size, sha256 and mtime) and the .pyc files themselves at their places below it
// (<pkg>/__pycache__/<mod>.<tag>.pyc). They are placed into every env with the sources, by the same
// Linker (install/link.ts): on a file system without reflinks the env's .pyc are hard links to the
// cache's, so a warm install gets bytecode without running Python and without writing a byte of it.
// storeCompiled is the one function that writes a compiled wheel's bytecode in this format.
//
// The .pyc files are "checked-hash" (PEP 552): each records a hash of its source, which Python
// checks on every import, so an edited source is never shadowed by stale bytecode (whatever its
// mtime and size), and a .pyc does not depend on the mtimes a link or copy gives the sources.
// They are compiled from the staged (already verified) sources. A bytecode dir appears by renaming
// a complete temp dir into place; bytecode.json is used only when it is yours alone, and a .pyc
// taken from a dir this process did not just write is checked as a wheel's files are (size and
// mtime, else its sha256). A damaged dir is removed and the wheel compiled again. Reading it marks
// it used (cache prune).
import { createHash } from 'node:crypto';
import { closeSync, fstatSync, mkdirSync, openSync, renameSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { errnoCode, VenvkitError } from '../errors.js';
import { byteCompileToMemory } from '../install/compile.js';
import { throwIfInterrupted } from '../install/apply.js';
import type { Linker } from '../install/link.js';
import type { WheelFile } from '../install/unpack.js';
import { cacheWarning, readOwnText } from './trust.js';
import { markUsed } from './users.js';
import { Turns } from '../install/turns.js';
import { evict, tmpName, WRITE_FAILURES, type CachedWheel } from './wheels.js';

/** One wheel's modules to compile and place: archive path, staged path, final path. */
export interface BytecodeJob {
  wheel: CachedWheel;
  sources: { archive: string; staged: string; dest: string }[];
}

/** A .pyc of a wheel's bytecode dir: its path below the dir, size, sha256 (RECORD form) and mtime once written. */
interface PycEntry { pyc: string; size: number; hash: string; mtime: number }
interface Bytecode {
  dir: string;
  /** By the source's archive path. */
  files: Record<string, PycEntry>;
  /** This process wrote it just now: placed unchecked. */
  verified: boolean;
  /** Not in the cache (a compiler was killed or crashed): removed once placed. */
  temporary?: boolean;
}

const FORMAT = 3;

/** Can bytecode for this interpreter be cached (checked-hash .pyc need Python 3.7)? */
export function cacheableTag(version: [number, number, number] | undefined, tag: string | null | undefined): tag is string {
  return !!version && !!tag && (version[0] > 3 || (version[0] === 3 && version[1] >= 7)) && /^[A-Za-z0-9_.-]+$/.test(tag);
}

const pycName = (py: string, tag: string) => `${basename(py, '.py')}.${tag}.pyc`;
const pycBeside = (py: string, tag: string) => join(dirname(py), '__pycache__', pycName(py, tag));
/** The archive-form (`/`) path of a source's .pyc. */
const pycArchivePath = (archive: string, tag: string) => `${archive.slice(0, archive.lastIndexOf('/') + 1)}__pycache__/${pycName(archive, tag)}`;

function readBytecode(dir: string, sha: string, tag: string): Bytecode | undefined {
  markUsed(dir); // before reading: `venvkit cache prune|clean` then leaves it alone
  try {
    const m = JSON.parse(readOwnText(join(dir, 'bytecode.json')) ?? '') as { v: number; wheel: string; tag: string; files: Record<string, PycEntry> };
    if (m.v !== FORMAT || m.wheel !== sha || m.tag !== tag || typeof m.files !== 'object' || !m.files) return undefined;
    return { dir, files: m.files, verified: false };
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
  let tmp = join(dirname(final), tmpName(`pyc${job.wheel.manifest.sha256.slice(0, 12)}`));
  try {
    mkdirSync(tmp, { mode: 0o700 });
  } catch (e) {
    const code = errnoCode(e);
    if (!code || !WRITE_FAILURES.has(code) || !job.wheel.store.root || !final.startsWith(job.wheel.store.root)) throw e;
    // The cache cannot be written: keep this bytecode for this operation only.
    mkdirSync(job.wheel.store.scratch, { recursive: true, mode: 0o700 });
    tmp = join(job.wheel.store.scratch, tmpName(`pyc${job.wheel.manifest.sha256.slice(0, 12)}`));
    mkdirSync(tmp, { mode: 0o700 });
    return { tmp, final: join(job.wheel.store.scratch, `${job.wheel.manifest.sha256}.pyc-${tag}`) };
  }
  return { tmp, final };
}

/**
 * Store a compiled wheel's bytecode in `dir` (a fresh temp dir): each .pyc (`pyc(k)` for the job's
 * k-th source; undefined when it did not compile) as a read-only file at its place below `dir`, and,
 * when `complete`, bytecode.json listing them. The one writer of this format: whoever compiles
 * (install/compile.ts) hands the bytes here.
 */
export async function storeCompiled(dir: string, job: BytecodeJob, tag: string, pyc: (k: number) => Buffer | undefined, complete: boolean, turns: Turns): Promise<Record<string, PycEntry>> {
  const files: Record<string, PycEntry> = {};
  const made = new Set<string>();
  for (const [k, s] of job.sources.entries()) {
    if ((k & 63) === 0) await turns.give();
    const data = pyc(k);
    if (!data) continue;
    const rel = pycArchivePath(s.archive, tag);
    const path = join(dir, rel);
    if (!made.has(dirname(path))) {
      mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
      made.add(dirname(path));
    }
    const fd = openSync(path, 'wx', 0o444);
    let mtime: number;
    try {
      for (let at = 0; at < data.length; ) at += writeSync(fd, data, at, data.length - at);
      mtime = fstatSync(fd).mtimeMs;
    } finally {
      closeSync(fd);
    }
    files[s.archive] = { pyc: rel, size: data.length, hash: `sha256=${createHash('sha256').update(data).digest('base64url')}`, mtime };
  }
  if (complete) writeFileSync(join(dir, 'bytecode.json'), JSON.stringify({ v: FORMAT, wheel: job.wheel.manifest.sha256, tag, files }), { mode: 0o444, flag: 'wx' });
  return files;
}

/** Compile the jobs' sources into fresh bytecode dirs (in one go: see install/compile.ts). */
async function compileAll(python: string, tag: string, jobs: BytecodeJob[], signal?: AbortSignal): Promise<Bytecode[]> {
  // Thousands of small writes and hashes (and a temp dir per wheel): give a host's event loop a turn every few ms.
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
      const first = n;
      n += job.sources.length;
      const files = await storeCompiled(tmp, job, tag, (k) => pycs.get(first + k), complete, turns);
      if (!complete) {
        // What a compiler that was killed or crashed left is used by this install only, never cached.
        kept.add(tmp);
        out.push({ dir: tmp, files, verified: true, temporary: true });
        continue;
      }
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
      out.push({ dir: final, files, verified: true });
    }
    return out;
  } finally {
    for (const { tmp } of tmps) if (!kept.has(tmp)) rmSync(tmp, { recursive: true, force: true });
  }
}

/**
 * Place a job's .pyc files beside its staged sources with `linker` (a .pyc the wheel ships at that
 * path is replaced); the final paths placed, or undefined if the bytecode is damaged (what was
 * placed of it then stays staged, and is replaced by the next try).
 */
async function place(job: BytecodeJob, bc: Bytecode, tag: string, linker: Linker, turns: Turns): Promise<string[] | undefined> {
  const placed: string[] = [];
  const made = new Set<string>();
  for (const s of job.sources) {
    await turns.give();
    const entry = bc.files[s.archive];
    if (!entry) continue;
    if (entry.pyc !== pycArchivePath(s.archive, tag) || typeof entry.size !== 'number' || typeof entry.hash !== 'string') return undefined;
    const src = join(bc.dir, entry.pyc);
    const dst = pycBeside(s.staged, tag);
    if (!made.has(dirname(dst))) {
      mkdirSync(dirname(dst), { recursive: true });
      made.add(dirname(dst));
    }
    const file: WheelFile = { path: entry.pyc, size: entry.size, hash: entry.hash, exec: false, mtime: entry.mtime };
    for (let attempt = 0; ; attempt++) {
      try {
        if (bc.verified) linker.place(src, dst, false);
        else if (linker.placeChecked(src, dst, false, file)) return undefined;
        break;
      } catch (e) {
        if (errnoCode(e) !== 'EEXIST' || attempt > 0) throw e;
        rmSync(dst, { force: true }); // shipped by the wheel, or placed by an earlier try
      }
    }
    placed.push(pycBeside(s.dest, tag));
  }
  return placed;
}

/**
 * Give each job's staged sources their bytecode for interpreter `python` (cache tag `tag`): from
 * the cache when there, else compiled now (all missing wheels in one process) and kept there;
 * placed by `linker` (links where it links). Returns, per job, the final paths of the .pyc files
 * placed (for RECORD and the commit).
 */
export async function stageBytecode(python: string, tag: string, jobs: BytecodeJob[], linker: Linker, signal?: AbortSignal): Promise<string[][]> {
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
      placed = await place(job, bc, tag, linker, turns);
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
      try {
        placed = await place(job, fresh!, tag, linker, turns);
      } finally {
        if (fresh!.temporary) rmSync(fresh!.dir, { recursive: true, force: true });
      }
      if (!placed) throw new VenvkitError('BAD_WHEEL', `The cached bytecode of ${job.wheel.manifest.filename} is damaged again right after compiling it`, { hint: 'Something is changing the cache as venvkit uses it; try again with the `noCache` option.' });
    }
    result.push(placed);
  }
  return result;
}
