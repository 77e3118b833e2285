// docs/api/ is the API reference generated from the types (`npm run docs`: typedoc with its markdown
// plugin, typedoc.json). It is committed, so it must be what the sources generate now. (typedoc.json
// skips typedoc's own type-error check, about half its CPU: test/typecheck.test.ts reports type errors.)
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { ROOT } from '../helpers/cli.js';

const files = (dir: string): string[] => readdirSync(dir).flatMap((n) => (statSync(join(dir, n)).isDirectory() ? files(join(dir, n)) : [join(dir, n)]));

test('docs/api is up to date with the sources (run `npm run docs` when this fails)', { timeout: 600_000 }, () => {
  const out = mkdtempSync(join(tmpdir(), 'venvkit-docs-'));
  try {
    const r = spawnSync(process.execPath, [join(ROOT, 'node_modules', 'typedoc', 'bin', 'typedoc'), '--out', out, '--logLevel', 'Warn'], { cwd: ROOT, encoding: 'utf8' });
    assert.equal(r.status, 0, r.stdout + r.stderr);
    const want = join(ROOT, 'docs', 'api');
    const read = (root: string) => Object.fromEntries(files(root).map((f) => [relative(root, f), readFileSync(f, 'utf8')]));
    const fresh = read(out);
    const committed = read(want);
    assert.deepEqual(Object.keys(committed).sort(), Object.keys(fresh).sort(), 'the files of docs/api');
    for (const [name, text] of Object.entries(fresh)) assert.ok(committed[name] === text, `docs/api/${name} is stale: run \`npm run docs\``);
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
});
