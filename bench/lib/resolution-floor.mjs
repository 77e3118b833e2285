// The floor of resolution (lock jupyter): reading the index pages of the locked set alone -- one
// Node process that reads the project page of every package venvkit's lock pins, from the file://
// index, and nothing else (no parsing, no metadata, no choosing). Checked like a peer: it must have
// read a page for every pin of venvkit's lock, or the ratio is void.
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
    key: 'floor', label: 'reading the index pages of the locked set (one Node process)',
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
