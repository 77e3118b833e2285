// Compiling each wheel's bytecode as soon as the wheel is unpacked (a cold install): while the other
// wheels still download and unpack, and while the transaction stages the sources, the compilers
// (install/compile-pool.ts: one process per core, kept for the whole install) work through the
// wheels' modules, writing each .pyc straight into the wheel's bytecode dir being made (a draft:
// cache/bytecode.ts), which is stored in the cache (storeCompiled) the moment its last module is
// compiled, and the transaction places it from there (stageBytecode's `ready`). Only wheels this process has just unpacked are compiled here (their files were checked
// against RECORD as they were written); anything else is compiled by the transaction, as before.
import { join } from 'node:path';
import { draftBytecode, findBytecode, storeCompiled, type BytecodeDraft, type CompiledSource, type StoredBytecode } from '../cache/bytecode.js';
import type { CachedWheel } from '../cache/wheels.js';
import { CompilerPool } from '../install/compile-pool.js';
import { placeEntry } from '../install/entry-paths.js';
import { Turns } from '../install/turns.js';

/** The archive paths of a wheel's modules that an install byte-compiles (.py files bound for purelib or platlib). */
export function libSources(wheel: CachedWheel): string[] {
  const out: string[] = [];
  for (const f of wheel.manifest.files) {
    if (!f.path.endsWith('.py')) continue;
    try {
      const { key } = placeEntry(f.path, wheel.manifest.dataDir);
      if (key === 'lib' || key === 'purelib' || key === 'platlib') out.push(f.path);
    } catch {
      /* planning refuses the wheel */
    }
  }
  return out;
}

export class CompileAhead {
  private readonly pool: CompilerPool;
  private readonly stored = new Map<CachedWheel, Promise<StoredBytecode | undefined>>();
  /**
   * Stores run one after another, on one budget of turns: each gives the event loop a turn every few
   * ms, but wheels finishing together would otherwise each spend their budget in the same pass of
   * the event loop, holding it for that many budgets at once.
   */
  private storing: Promise<unknown> = Promise.resolve();
  private readonly turns = new Turns();

  constructor(python: string, private readonly tag: string, signal?: AbortSignal) {
    this.pool = new CompilerPool(python, signal);
  }

  /** Start compiling `wheel`'s modules, unless it was not unpacked just now or its bytecode is cached already. */
  add(wheel: CachedWheel): void {
    if (!wheel.verified || !wheel.unpacked || this.stored.has(wheel) || findBytecode(wheel, this.tag)) return;
    const sources = libSources(wheel);
    if (sources.length === 0) return;
    let draft: BytecodeDraft;
    try {
      draft = draftBytecode(wheel, this.tag);
    } catch {
      return; // no dir to compile into: the transaction compiles this wheel (and says why)
    }
    // The compilers write each .pyc into the draft: only its size, hash and mtime come back.
    const stored = this.pool.compile(sources.map((s) => ({ path: join(wheel.filesDir, s), shown: s, out: draft.pycPath(s) }))).then(
      (r) => {
        // Not complete (a compiler crashed): the transaction compiles this wheel again.
        if (r.complete) return this.store(draft, sources.map((archive, k) => ({ archive, pyc: r.pycs[k], written: r.written[k] })));
        draft.discard();
        return undefined;
      },
      (e) => {
        draft.discard();
        throw e;
      },
    );
    stored.catch(() => {}); // awaited by the transaction, or dropped when the install fails first
    this.stored.set(wheel, stored);
  }

  private store(draft: BytecodeDraft, compiled: CompiledSource[]): Promise<StoredBytecode> {
    const next = this.storing.then(() => storeCompiled(draft, compiled, true, this.turns));
    this.storing = next.catch(() => {});
    return next;
  }

  /** `wheel`'s bytecode being compiled ahead (undefined: it was not). */
  readonly ready = (wheel: CachedWheel): Promise<StoredBytecode | undefined> | undefined => this.stored.get(wheel);

  /** The install is over: the compilers end (killed if it failed with compiling still going on). */
  close(): void {
    this.pool.shutdown();
  }
}
