// Bytecode kept with the unpacked-wheel cache: each wheel is compiled once per interpreter (its
// cache tag, e.g. cpython-312), into <entry>.pyc-<tag>/{bytecode.json, files/<dir>/__pycache__/...}
// beside the wheel's entry, and placed into every env with the sources, so a warm install gets
// bytecode without running Python.
//
// The .pyc files are "checked-hash" (PEP 552): each records a hash of its source, which Python
// checks on every import, so an edited source is never shadowed by stale bytecode (whatever its
// mtime and size), and a .pyc does not depend on the mtimes a link or copy gives the sources.
// They are compiled from the staged (already verified) sources. A bytecode dir appears by renaming
// a complete temp dir into place; bytecode.json is used only when it is yours alone, and each .pyc
// taken from a dir this process did not just write is checked against the sha256 it lists. A
// damaged dir is removed and the wheel compiled again.
import { createHash } from 'node:crypto';
import { chmodSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { errnoCode, VenvkitError } from '../errors.js';
import { byteCompileAll } from '../install/compile.js';
import { throwIfInterrupted } from '../install/apply.js';
import type { Linker } from '../install/link.js';
import { writeGenerated } from '../install/link.js';
import { cacheWarning, readOwnText } from './trust.js';
import { Turns } from '../install/turns.js';
import { evict, tmpName, WRITE_FAILURES, type CachedWheel } from './wheels.js';

/** One wheel's modules to compile and place: archive path, staged path, final path. */
export interface BytecodeJob {
  wheel: CachedWheel;
  sources: { archive: string; staged: string; dest: string }[];
}

interface PycEntry { pyc: string; size: number; hash: string }
interface Bytecode {
  dir: string;
  files: Record<string, PycEntry>;
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
const sha256 = (data: Buffer) => `sha256=${createHash('sha256').update(data).digest('base64url')}`;

function readBytecode(dir: string, sha: string, tag: string): Bytecode | undefined {
  try {
    const m = JSON.parse(readOwnText(join(dir, 'bytecode.json')) ?? '') as { v: number; wheel: string; tag: string; files: Record<string, PycEntry> };
    if (m.v !== 1 || m.wheel !== sha || m.tag !== tag || typeof m.files !== 'object' || !m.files) return undefined;
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
    const items: { path: string; shown: string; cfile: string }[] = [];
    for (const [i, job] of jobs.entries()) {
      await turns.give();
      for (const s of job.sources) items.push({ path: s.staged, shown: s.archive, cfile: join(tmps[i]!.tmp, 'files', pycBeside(s.archive, tag)) });
    }
    const { written: list, complete } = await byteCompileAll(python, items, { mode: 'checked-hash', signal });
    throwIfInterrupted(signal);
    const written = new Set(list);
    const out: Bytecode[] = [];
    for (const [i, job] of jobs.entries()) {
      const { tmp, final } = tmps[i]!;
      const files: Record<string, PycEntry> = {};
      for (const s of job.sources) {
        await turns.give();
        const pyc = pycBeside(s.archive, tag);
        const path = join(tmp, 'files', pyc);
        if (!written.has(path)) continue;
        const data = readFileSync(path);
        chmodSync(path, 0o444);
        files[s.archive] = { pyc, size: data.length, hash: sha256(data) };
      }
      if (!complete) {
        // What a compiler that was killed or crashed left is used by this install only, never cached.
        kept.add(tmp);
        out.push({ dir: tmp, files, verified: true, temporary: true });
        continue;
      }
      writeFileSync(join(tmp, 'bytecode.json'), JSON.stringify({ v: 1, wheel: job.wheel.manifest.sha256, tag, files }), { mode: 0o444, flag: 'wx' });
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

/** Place a job's .pyc files beside its staged sources; the final paths placed, or undefined if the bytecode is damaged. */
async function place(job: BytecodeJob, bc: Bytecode, tag: string, linker: Linker, turns: Turns): Promise<string[] | undefined> {
  const placed: string[] = [];
  const made = new Set<string>();
  for (const s of job.sources) {
    await turns.give();
    const entry = bc.files[s.archive];
    if (!entry || entry.pyc !== pycBeside(s.archive, tag)) continue;
    const src = join(bc.dir, 'files', entry.pyc);
    const dst = pycBeside(s.staged, tag);
    if (!made.has(dirname(dst))) {
      mkdirSync(dirname(dst), { recursive: true });
      made.add(dirname(dst));
    }
    rmSync(dst, { force: true }); // a .pyc the wheel ships at that path: ours replaces it
    if (bc.verified) linker.place(src, dst, false);
    else {
      let data: Buffer;
      try {
        data = readFileSync(src);
      } catch (e) {
        if (errnoCode(e) === 'ENOENT') return undefined;
        throw e;
      }
      if (data.length !== entry.size || sha256(data) !== entry.hash) return undefined;
      writeGenerated(dst, data, false);
    }
    placed.push(pycBeside(s.dest, tag));
  }
  return placed;
}

/**
 * Give each job's staged sources their bytecode for interpreter `python` (cache tag `tag`): from
 * the cache when there, else compiled now (all missing wheels in one process) and kept there.
 * Returns, per job, the final paths of the .pyc files placed (for RECORD and the commit).
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
      placed = await place(job, fresh!, tag, linker, turns);
      if (!placed) throw new VenvkitError('BAD_WHEEL', `The cached bytecode of ${job.wheel.manifest.filename} is damaged again right after compiling it`, { hint: 'Something is changing the cache as venvkit uses it; try again with the `noCache` option.' });
    }
    result.push(placed);
  }
  return result;
}
