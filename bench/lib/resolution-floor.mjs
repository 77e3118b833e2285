// The floor of resolution (lock jupyter): reading the index pages of the locked set alone -- one
// Node process that reads the project page of every package venvkit's lock pins, from the file://
// index, and nothing else (no parsing, no metadata, no choosing). Checked like a peer: it must have
// read a page for every pin of venvkit's lock, or the ratio is void.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { timedRun } from './exec.mjs';
import { lockPins } from './tasks-lock.mjs';

const READER = `const fs=require('fs');let n=0,b=0;for(const p of process.argv.slice(1)){const t=fs.readFileSync(p);n++;b+=t.length}process.stdout.write(n+' '+b)`;

// The same pages, then each locked wheel's METADATA the quickest way a Node process can: the zip's
// last 64 KiB read once (the directory, unless it is longer), its records walked comparing name
// bytes (none decoded) to the top-level *.dist-info/METADATA, then that member read and inflated.
// No zip64 (none of these wheels is): such a wheel would void the floor, not slow it. Prints
// "pages metas".
const METADATA_NODE = `const fs=require('fs'),zlib=require('zlib');
const a=process.argv.slice(1),n=+a[0];let pages=0,metas=0;
for(const p of a.slice(1,1+n)){fs.readFileSync(p);pages++}
const tail=Buffer.allocUnsafe(65536),want=Buffer.from('.dist-info/METADATA'),sig=Buffer.from([80,75,5,6]);
for(const w of a.slice(1+n)){
  const fd=fs.openSync(w,'r'),size=fs.fstatSync(fd).size,len=Math.min(size,65536);
  fs.readSync(fd,tail,0,len,size-len);
  const e=tail.subarray(0,len).lastIndexOf(sig);if(e<0)throw new Error('no end record: '+w);
  const cdSize=tail.readUInt32LE(e+12),cdOff=tail.readUInt32LE(e+16);
  let cd=tail,base=size-len;if(cdOff<base){cd=Buffer.allocUnsafe(cdSize);fs.readSync(fd,cd,0,cdSize,cdOff);base=cdOff}
  let p=cdOff-base;const end=p+cdSize;let hit=-1;
  while(p<end){const nl=cd.readUInt16LE(p+28),ne=p+46+nl;
    if(nl>want.length&&cd.compare(want,0,want.length,ne-want.length,ne)===0&&cd.indexOf(47,p+46)===ne-9){hit=p;break}
    p=ne+cd.readUInt16LE(p+30)+cd.readUInt16LE(p+32)}
  if(hit<0)throw new Error('no METADATA: '+w);
  const csize=cd.readUInt32LE(hit+20),off=cd.readUInt32LE(hit+42),lh=Buffer.allocUnsafe(30);
  fs.readSync(fd,lh,0,30,off);const data=Buffer.allocUnsafe(csize);
  fs.readSync(fd,data,0,csize,off+30+lh.readUInt16LE(26)+lh.readUInt16LE(28));
  if((cd.readUInt16LE(hit+10)===8?zlib.inflateRawSync(data):data).length>0)metas++;fs.closeSync(fd)}
process.stdout.write(pages+' '+metas)`;

/** The page files of the pins' projects in a file:// index (names normalised as PEP 503 says). */
export function indexPages(indexUrl, pins) {
  const root = fileURLToPath(indexUrl.endsWith('/') ? indexUrl : `${indexUrl}/`);
  return pins.map((p) => join(root, p.split('==')[0].toLowerCase().replace(/[-_.]+/g, '-'), 'index.html'));
}

/** Adds the floor side and column to the lock-jupyter task (its warm lock names the set). */
export function withResolutionFloor(task, ctx) {
  if (task.id !== 'lock-jupyter' || !ctx.index.url?.startsWith('file:')) return task;
  const lockFile = join(ctx.work, 'locks', 'jupyter-warm', 'pylock.toml');
  let pages = null;
  let last = null;
  let reads = null;
  let lastMd = null;
  const floor = {
    key: 'floor', label: 'reading the index pages of the locked set (one Node process; only what was finally locked, so below what a resolution must read)',
    prepare: () => {
      if (pages) return;
      const l = lockPins(lockFile);
      if (l.error) throw new Error(l.error);
      pages = indexPages(ctx.index.url, l.pins);
    },
    exec: () => {
      const r = timedRun(process.execPath, ['-e', READER, ...pages], { env: ctx.baseEnv });
      last = r.ok ? Number(r.stdout.split(' ')[0]) : null;
      return r;
    },
  };
  const floorMd = {
    key: 'floor-md', label: 'reading the index pages of the locked set and each locked wheel\'s METADATA (one Node process: the zip\'s tail once, its directory walked without decoding names; only what was finally locked, so below what a resolution must read)',
    prepare: () => { reads ??= fileIndexReads(lockFile); },
    exec: () => {
      const r = timedRun(process.execPath, ['-e', METADATA_NODE, String(reads.length), ...reads.map((x) => x.page), ...reads.map((x) => x.wheel)], { env: ctx.baseEnv });
      lastMd = r.ok ? r.stdout.trim() : null;
      return r;
    },
  };
  const check = task.check;
  return {
    ...task,
    sides: [...task.sides, floor, floorMd],
    // The cold lock's floor also reads each locked wheel's METADATA (the index has no PEP 658 files);
    // the warm lock has it cached, so its floor is the pages alone.
    rows: task.rows.map((r) => (r.a === 'cold'
      ? { ...r, floor: 'floor-md', floorWhy: 'work the floor does not do (not timed one by one): starting the resolver (the CLI and its modules), finding out the interpreter (a Python process: its facts are not cached when cold), parsing each page and METADATA, choosing versions, writing pylock.toml with every file\'s hash' }
      : { ...r, floor: 'floor', floorWhy: 'work the floor does not do (not timed one by one): starting the resolver (the CLI and its modules), parsing each page, reading each candidate\'s metadata (cached when warm, from the wheel when cold), choosing versions, writing pylock.toml with every file\'s hash' })),
    check: async (keys, c) => {
      const m = await check(keys.filter((k) => k !== 'floor' && k !== 'floor-md'), c);
      if (keys.includes('floor')) m.set('floor', pages && last === pages.length ? null : `read ${last ?? 0} of ${pages?.length ?? '?'} index pages`);
      if (keys.includes('floor-md')) m.set('floor-md', reads && lastMd === `${reads.length} ${reads.length}` ? null : `read ${lastMd ?? 'nothing'} (pages, METADATA) of ${reads?.length ?? '?'} locked packages`);
      return m;
    },
  };
}

/** lockReads of a lock written by a task, every package on a file:// index (or an error saying which are not). */
function fileIndexReads(lockFile) {
  if (!existsSync(lockFile)) throw new Error(`${lockFile} was not written`);
  const reads = lockReads(readFileSync(lockFile, 'utf8'));
  const bad = reads.filter((r) => !r.page || !r.wheel);
  if (bad.length) throw new Error(`not on a file:// index: ${bad.map((r) => r.name).join(', ')}`);
  return reads;
}

/**
 * Each package of a pylock.toml (pure): its name, its index page on disk (a file:// index, PEP 503
 * names) and its first wheel's path -- what a resolver must read for it, at least.
 */
export function lockReads(text) {
  const out = [];
  for (const block of text.split(/^\[\[packages\]\]$/m).slice(1)) {
    const name = /^name = "([^"]+)"$/m.exec(block)?.[1];
    const index = /^index = "([^"]+)"$/m.exec(block)?.[1];
    const wheel = /^url = "(file:[^"]+\.whl)"$/m.exec(block)?.[1];
    if (!name) continue;
    out.push({
      name,
      page: index?.startsWith('file:') ? join(fileURLToPath(index.endsWith('/') ? index : `${index}/`), name.toLowerCase().replace(/[-_.]+/g, '-'), 'index.html') : null,
      wheel: wheel ? fileURLToPath(wheel) : null,
    });
  }
  return out;
}

// Reads every page, and the METADATA of every wheel given (from the zip's directory, as pip does); prints the counts.
const METADATA_READER = `
import sys, zipfile
pages = metas = 0
args = sys.argv[1:]
n = int(args[0])
for p in args[1:1 + n]:
    open(p, 'rb').read(); pages += 1
for w in args[1 + n:]:
    with zipfile.ZipFile(w) as z:
        z.read(next(i for i in z.namelist() if i.endswith('.dist-info/METADATA') and i.count('/') == 1)); metas += 1
print(pages, metas)
`;

/** Adds the floor side and column to the lock-jupyter-15 task: the mirror's pages and each locked wheel's METADATA, read by one Python process. */
export function withMultiLockFloor(task, ctx) {
  if (task.id !== 'lock-jupyter-15') return task;
  const py = ctx.pythons.get('3.11');
  const lockFile = join(ctx.work, 'locks', 'jupyter-15', 'pylock.toml');
  let reads = null;
  let last = null;
  const floor = {
    key: 'floor', label: 'reading the locked packages\' index pages and each one\'s METADATA (one Python process, -I -S; only what was finally locked, so below what a resolution must read)',
    missing: py ? undefined : 'CPython 3.11 not found under $PYENV_ROOT/versions',
    prepare: () => { reads ??= fileIndexReads(lockFile); },
    exec: () => {
      const r = timedRun(py.path, ['-I', '-S', '-c', METADATA_READER, String(reads.length), ...reads.map((x) => x.page), ...reads.map((x) => x.wheel)], { env: ctx.baseEnv });
      last = r.ok ? r.stdout.trim() : null;
      return r;
    },
  };
  const check = task.check;
  return {
    ...task,
    sides: [...task.sides, floor],
    rows: task.rows.map((r) => ({ ...r, floor: 'floor', floorWhy: 'work the floor does not do (not timed one by one): starting the resolver (the CLI and its modules), parsing each page, choosing versions for 15 targets (markers, wheel tags), writing pylock.toml with every file\'s hash; and the floor reads only what was finally locked (one METADATA per package), while a resolution also reads candidates it tries and drops and packages needed on some targets only (what a resolution must read at least is not known before resolving), so this floor is below the true least' })),
    check: async (keys, c) => {
      const m = await check(keys.filter((k) => k !== 'floor'), c);
      if (keys.includes('floor')) m.set('floor', reads && last === `${reads.length} ${reads.length}` ? null : `read ${last ?? 'nothing'} (pages, METADATA) of ${reads?.length ?? '?'} locked packages`);
      return m;
    },
  };
}
