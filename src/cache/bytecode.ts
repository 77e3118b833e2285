// Bytecode kept with the unpacked-wheel cache: each wheel is compiled once per interpreter (its
// cache tag, e.g. cpython-312), into <entry>.pyc-<tag>/ beside the wheel's entry: bytecode.json (each
// .pyc's path, size, sha256 and mtime) and the .pyc files themselves at their places below it
// (<pkg>/__pycache__/<mod>.<tag>.pyc). They are placed into every env with the sources, by the same
// Linker (install/link.ts): on a file system without reflinks the env's .pyc are hard links to the
// cache's, so a warm install gets bytecode without running Python and without writing a byte of it.
// storeBytecode is the one function that writes a compiled wheel's bytecode in this format, whoever
// compiled it (a cold install compiles ahead as wheels are unpacked: plan-apply/compile-ahead.ts).
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
import { compileSet, type PoolFile, type WrittenPyc } from '../install/compile-pool.js';
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
function tempDirFor(wheel: CachedWheel, tag: string): { tmp: string; final: string } {
  const final = bytecodeDir(wheel, tag);
  let tmp = join(dirname(final), tmpName(`pyc${wheel.manifest.sha256.slice(0, 12)}`));
  try {
    mkdirSync(tmp, { mode: 0o700 });
  } catch (e) {
    const code = errnoCode(e);
    if (!code || !WRITE_FAILURES.has(code) || !wheel.store.root || !final.startsWith(wheel.store.root)) throw e;
    // The cache cannot be written: keep this bytecode for this operation only.
    mkdirSync(wheel.store.scratch, { recursive: true, mode: 0o700 });
    tmp = join(wheel.store.scratch, tmpName(`pyc${wheel.manifest.sha256.slice(0, 12)}`));
    mkdirSync(tmp, { mode: 0o700 });
    return { tmp, final: join(wheel.store.scratch, `${wheel.manifest.sha256}.pyc-${tag}`) };
  }
  return { tmp, final };
}

/** A wheel's bytecode, ready to place (see stageBytecode's `ready`). */
export type StoredBytecode = Bytecode;

/** A wheel's bytecode in the cache, if there (marks it used). */
export function findBytecode(wheel: CachedWheel, tag: string): StoredBytecode | undefined {
  return readBytecode(bytecodeDir(wheel, tag), wheel.manifest.sha256, tag);
}

/**
 * A wheel's bytecode dir being made: a fresh temp dir where each source's .pyc goes (`pycPath`),
 * written there by the compilers themselves (install/compile-pool.ts `out`) or by storeCompiled.
 */
export interface BytecodeDraft {
  wheel: CachedWheel;
  tag: string;
  /** Where the .pyc of the source at archive path `archive` goes. */
  pycPath(archive: string): string;
  /** Remove the temp dir (the draft was not stored: an abort, a compiler crash). */
  discard(): void;
  /** @internal */
  readonly tmp: string;
  /** @internal */
  readonly final: string;
}

/** Start storing a wheel's bytecode for `tag`: its temp dir (see BytecodeDraft). */
export function draftBytecode(wheel: CachedWheel, tag: string): BytecodeDraft {
  const { tmp, final } = tempDirFor(wheel, tag);
  return { wheel, tag, tmp, final, pycPath: (archive) => join(tmp, pycArchivePath(archive, tag)), discard: () => rmSync(tmp, { recursive: true, force: true }) };
}

/** One source's compiled form: its .pyc's bytes to write, or the .pyc already written at its draft path (`written`); neither when it did not compile. */
export interface CompiledSource {
  archive: string;
  pyc?: Buffer;
  written?: WrittenPyc;
}

/**
 * The one place compiled bytecode is stored: a wheel's .pyc (`compiled`: per source's archive path,
 * its .pyc bytes, or undefined where it did not compile), each a read-only file at its place below a
 * fresh temp dir, with bytecode.json listing them, renamed into the wheel's bytecode dir. `complete`
 * false (a compiler was killed or crashed): kept in the temp dir for this install only, never cached.
 */
export async function storeBytecode(wheel: CachedWheel, tag: string, compiled: { archive: string; pyc: Buffer | undefined }[], complete: boolean, turns = new Turns()): Promise<StoredBytecode> {
  return storeCompiled(draftBytecode(wheel, tag), compiled, complete, turns);
}

/** storeBytecode into `draft`, whose .pyc the compilers may have written already (`written`). */
export async function storeCompiled(draft: BytecodeDraft, compiled: CompiledSource[], complete: boolean, turns = new Turns()): Promise<StoredBytecode> {
  const { wheel, tag, tmp, final } = draft;
  let kept = false;
  try {
    const files: Record<string, PycEntry> = {};
    const made = new Set<string>();
    for (const [k, { archive, pyc: data, written }] of compiled.entries()) {
      const rel = pycArchivePath(archive, tag);
      if (written) {
        files[archive] = { pyc: rel, size: written.size, hash: written.hash, mtime: written.mtime };
        continue;
      }
      // A file each (a directory, an open, a write, a stat): a turn whenever the budget is spent.
      if (k > 0) await turns.give();
      if (!data) continue;
      const path = join(tmp, rel);
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
      files[archive] = { pyc: rel, size: data.length, hash: `sha256=${createHash('sha256').update(data).digest('base64url')}`, mtime };
    }
    if (!complete) {
      kept = true;
      return { dir: tmp, files, verified: true, temporary: true };
    }
    writeFileSync(join(tmp, 'bytecode.json'), JSON.stringify({ v: FORMAT, wheel: wheel.manifest.sha256, tag, files }), { mode: 0o444, flag: 'wx' });
    try {
      renameSync(tmp, final);
    } catch (e) {
      const code = errnoCode(e);
      if (code !== 'ENOTEMPTY' && code !== 'EEXIST') throw e;
      // Another process finished first: take its bytecode (checked as it is placed), or replace it.
      const theirs = readBytecode(final, wheel.manifest.sha256, tag);
      if (theirs) return theirs;
      evict(dirname(final), final);
      renameSync(tmp, final);
    }
    return { dir: final, files, verified: true };
  } finally {
    if (!kept) rmSync(tmp, { recursive: true, force: true });
  }
}

/** Compile the jobs' sources (in one go: see install/compile-pool.ts), each .pyc written by the compilers into its wheel's draft, and store each wheel's bytecode. */
async function compileAll(python: string, tag: string, jobs: BytecodeJob[], signal?: AbortSignal): Promise<Bytecode[]> {
  // Thousands of small writes and hashes: give a host's event loop a turn every few ms.
  const turns = new Turns();
  const drafts: BytecodeDraft[] = [];
  try {
    const items: PoolFile[] = [];
    for (const job of jobs) {
      await turns.give();
      const draft = draftBytecode(job.wheel, tag);
      drafts.push(draft);
      for (const s of job.sources) items.push({ path: s.staged, shown: s.archive, out: draft.pycPath(s.archive) });
    }
    const { pycs, written, complete } = await compileSet(python, items, signal);
    throwIfInterrupted(signal);
    const out: Bytecode[] = [];
    let n = 0;
    for (const [k, job] of jobs.entries()) {
      out.push(await storeCompiled(drafts[k]!, job.sources.map((s) => ({ archive: s.archive, pyc: pycs[n], written: written[n++] })), complete, turns));
    }
    return out;
  } catch (e) {
    for (const d of drafts) d.discard();
    throw e;
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
    if (turns.due()) await turns.give();
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
 * Give each job's staged sources their bytecode for interpreter `python` (cache tag `tag`): compiled
 * ahead of the transaction (`ready`: a wheel's bytecode stored while the install went on, or
 * undefined when not compiled ahead), from the cache when there, else compiled now (all missing
 * wheels in one go) and kept there; placed by `linker` (links where it links), each wheel's as soon
 * as its bytecode is ready. Returns, per job, the final paths of the .pyc files placed (for RECORD
 * and the commit).
 */
export async function stageBytecode(python: string, tag: string, jobs: BytecodeJob[], linker: Linker, signal?: AbortSignal, ready?: (wheel: CachedWheel) => Promise<StoredBytecode | undefined> | undefined): Promise<string[][]> {
  const turns = new Turns();
  const pending = new Map<number, Promise<Bytecode | undefined>>();
  const missing: { job: BytecodeJob; i: number }[] = [];
  for (const [i, job] of jobs.entries()) {
    await turns.give();
    if (job.sources.length === 0) continue;
    const early = ready?.(job.wheel);
    // Compiled ahead but not complete (a compiler crashed): compiled again here.
    if (early) pending.set(i, early.then(async (bc) => bc ?? (await compileAll(python, tag, [job], signal))[0]));
    else {
      const bc = readBytecode(bytecodeDir(job.wheel, tag), job.wheel.manifest.sha256, tag);
      if (bc) pending.set(i, Promise.resolve(bc));
      else missing.push({ job, i });
    }
  }
  if (missing.length) {
    const compiling = compileAll(python, tag, missing.map((m) => m.job), signal);
    missing.forEach((m, k) => pending.set(m.i, compiling.then((c) => c[k])));
  }
  // In the order they become ready.
  const done: number[] = [];
  let wake: (() => void) | undefined;
  for (const [i, p] of pending) {
    const note = () => (done.push(i), wake?.());
    p.then(note, note);
  }
  const result: string[][] = jobs.map(() => []);
  for (let left = pending.size; left > 0; left--) {
    while (done.length === 0) await new Promise<void>((r) => (wake = r));
    const i = done.shift()!;
    const job = jobs[i]!;
    const bc = await pending.get(i)!;
    throwIfInterrupted(signal);
    if (!bc) continue;
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
    result[i] = placed;
  }
  return result;
}
