// Errors for both audiences: the library's errors name options ("the `python` option"), never a
// command-line flag; the CLI prints the same errors with its flags (src/cli/cli-text.ts).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ROOT, venvkit } from '../helpers/cli.js';
import { interpreters, removeDir, tempDir, testEnv } from '../helpers/venv.js';
import { OPTION_NAMES } from '../../src/cli/cli-text.js';

let dir: string;
let env: NodeJS.ProcessEnv;
let py: string;
before(() => {
  dir = tempDir('hints');
  env = testEnv(join(dir, 'cache'));
  py = interpreters()[0].path;
});
after(() => removeDir(dir));

const walk = (d: string): string[] => readdirSync(d).flatMap((n) => (statSync(join(d, n)).isDirectory() ? walk(join(d, n)) : n.endsWith('.ts') ? [join(d, n)] : []));
const libraryFiles = () => walk(join(ROOT, 'src')).filter((f) => !f.includes('/src/cli/'));

// Flags that are also the syntax of requirement files (`--hash=...`, `--no-binary :all:` lines), or
// inside a quoted `venvkit ...` command given next to the library call: fine for both audiences.
const ALLOWED = /`venvkit [^`]*`|--hash\b|--(no|only)-binary\b(?= :all:| numpy| :none:| lines)|--only-binary \/ --no-binary lines|\(--hash\)|--\$\{op\.option\}/g;

test('no hint written outside the CLI names a command-line flag', () => {
  const offenders: string[] = [];
  for (const file of libraryFiles()) {
    // The hint texts: `hint: '...'`, `hint: \`...\``, `hints.push('...')` (one line each, as written here).
    for (const m of readFileSync(file, 'utf8').matchAll(/(?:\bhint: |hints\.push\()(['`])((?:\\.|(?!\1).)*)\1/g)) {
      if (/(^|[\s(`'"])--[a-z]/.test(m[2].replace(ALLOWED, ''))) offenders.push(`${file.slice(ROOT.length)}: ${m[2]}`);
    }
  }
  assert.deepEqual(offenders, []);
});

test('every option a library error names has a CLI flag to print instead', () => {
  const unknown = new Set<string>();
  for (const file of libraryFiles()) {
    for (const m of readFileSync(file, 'utf8').matchAll(/the \\?`([A-Za-z]+)\\?` option/g)) if (!OPTION_NAMES.includes(m[1])) unknown.add(`${m[1]} (${file.slice(ROOT.length)})`);
  }
  assert.deepEqual([...unknown], []);
});

test('through the library: options, not flags; through the CLI: flags (text and --json)', async () => {
  const vk = await import(pathToFileURL(join(ROOT, 'dist', 'index.js')).href);
  await assert.rejects(vk.createVenv(join(dir, 'a'), { python: py, copies: true, symlinks: true, env }), (e: { code: string; message: string }) => {
    assert.equal(e.code, 'USAGE');
    assert.equal(e.message, 'the `symlinks` option and the `copies` option contradict each other');
    return true;
  });
  await assert.rejects(vk.createVenv(join(dir, 'missing'), { python: py, upgrade: true, withoutPip: true, env }), (e: { code: string; message: string; hint: string }) => {
    assert.equal(e.code, 'VENV_NOT_FOUND');
    assert.doesNotMatch(`${e.message} ${e.hint}`, /--/);
    assert.equal(e.hint, 'Drop the `upgrade` option to create it.');
    return true;
  });

  const r = venvkit(['create', '--copies', '--symlinks', '-p', py, join(dir, 'b')], { env });
  assert.equal(r.status, 2);
  assert.match(r.stderr, /^error: --symlinks and --copies contradict each other$/m);
  const j = venvkit(['create', '--upgrade', '--without-pip', '-p', py, '--json', join(dir, 'missing')], { env });
  assert.equal(j.status, 1);
  const err = JSON.parse(j.stdout).error;
  assert.equal(err.code, 'VENV_NOT_FOUND');
  assert.equal(err.message, `--upgrade: there is no environment at ${join(dir, 'missing')}`);
  assert.equal(err.hint, 'Drop --upgrade to create it.');
});
