// `import('venvkit')` as a host pays for it: a fresh Node process times the import (ESM) or the
// require (CommonJS) of the package's entry, against the same process importing an empty module
// (the floor: what Node's module loader costs anyway). NODE_EXTRA_CA_CERTS is unset, as in the
// issue's measure (Node reads that file before any code runs, in every process alike).
import { join } from 'node:path';
import { mkdirSync, writeFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { run, failureMessage } from './exec.mjs';
import { CHEAP_RUNS } from './tasks.mjs';

const ESM = (url) => `const t=performance.now();await import(${JSON.stringify(url)});process.stdout.write(String(performance.now()-t));`;
const CJS = (path) => `const t=performance.now();require(${JSON.stringify(path)});process.stdout.write(String(performance.now()-t));`;

function side(key, label, ctx, args) {
  return {
    key, label,
    exec: () => {
      const env = { ...ctx.baseEnv };
      delete env.NODE_EXTRA_CA_CERTS;
      const r = run(process.execPath, args(), { env, cwd: ctx.work });
      const ms = Number(r.stdout);
      return r.status === 0 && !r.error && Number.isFinite(ms) ? { ok: true, ms } : { ok: false, message: failureMessage(r) };
    },
  };
}

export function importTask(ctx) {
  const floorFile = join(ctx.work, 'import-floor', 'empty.mjs');
  const floorCjs = join(ctx.work, 'import-floor', 'empty.cjs');
  const cjsIndex = () => join(ctx.distIndex, '..', 'index.cjs');
  return {
    id: 'import',
    title: "import('venvkit') in a fresh Node process (NODE_EXTRA_CA_CERTS unset)",
    minRuns: CHEAP_RUNS,
    setup: async () => {
      mkdirSync(join(ctx.work, 'import-floor'), { recursive: true });
      writeFileSync(floorFile, '');
      writeFileSync(floorCjs, '');
    },
    sides: [
      side('esm', "import('venvkit')", ctx, () => ['--input-type=module', '-e', ESM(pathToFileURL(ctx.distIndex).href)]),
      side('cjs', "require('venvkit')", ctx, () => ['-e', CJS(cjsIndex())]),
      side('floor', 'import of an empty module', ctx, () => ['--input-type=module', '-e', ESM(pathToFileURL(floorFile).href)]),
      side('floor-cjs', 'require of an empty module', ctx, () => ['-e', CJS(floorCjs)]),
    ],
    rows: [
      { a: 'esm', b: 'floor', target: { kind: 'maxMs', ms: 20 } },
      { a: 'cjs', b: 'floor-cjs', target: { kind: 'maxMs', ms: 20 } },
    ],
    check: (keys) => new Map(keys.map((k) => [k, null])),
  };
}
