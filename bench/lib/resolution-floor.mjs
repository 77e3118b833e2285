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
  const check = task.check;
  return {
    ...task,
    sides: [...task.sides, floor],
    rows: task.rows.map((r) => ({ ...r, floor: 'floor', floorWhy: 'work the floor does not do (not timed one by one): starting the resolver (the CLI and its modules), parsing each page, reading each candidate\'s metadata (cached when warm, from the wheel when cold), choosing versions, writing pylock.toml with every file\'s hash' })),
    check: async (keys, c) => {
      const m = await check(keys.filter((k) => k !== 'floor'), c);
      if (keys.includes('floor')) m.set('floor', pages && last === pages.length ? null : `read ${last ?? 0} of ${pages?.length ?? '?'} index pages`);
      return m;
    },
  };
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
    prepare: () => {
      if (reads) return;
      if (!existsSync(lockFile)) throw new Error(`${lockFile} was not written`);
      reads = lockReads(readFileSync(lockFile, 'utf8'));
      const bad = reads.filter((r) => !r.page || !r.wheel);
      if (bad.length) throw new Error(`not on a file:// index: ${bad.map((r) => r.name).join(', ')}`);
    },
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
