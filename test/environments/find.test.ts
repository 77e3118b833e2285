// findEnvironments over fake layouts of every kind (their interpreters cannot run, so nothing is started).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findEnvironments } from '../../src/environments/find.js';
import { parseGitignore } from '../../src/environments/locators/gitignore.js';
import { buildMachine, fakeVenv } from './fixtures.js';
import { isVenvkitError } from '../../src/errors.js';

const tmp = mkdtempSync(join(tmpdir(), 'venvkit-findenv-'));
process.on('exit', () => rmSync(tmp, { recursive: true, force: true }));
const m = buildMachine(tmp);

test('every kind is found and labelled, with its version, from files alone', async () => {
  const found = await findEnvironments({ cwd: m.workspace, env: m.env });
  const got = found.map((e) => [e.kind, e.prefix, e.version]).sort((a, b) => String(a[1]).localeCompare(String(b[1])));
  const want = [...m.expected].sort((a, b) => a[1].localeCompare(b[1]));
  assert.deepEqual(got, want);
  for (const h of m.hidden) assert.ok(!found.some((e) => e.prefix === h), `${h} must not be found`);
  const ds = found.find((e) => e.prefix.endsWith(join('envs', 'ds')))!;
  assert.equal(ds.isVirtual, true);
  assert.equal(found.find((e) => e.prefix.endsWith('miniconda3'))!.isVirtual, false);
  assert.equal(found.find((e) => e.kind === 'uv')!.implementation, 'cpython');
});

test('depth bounds the workspace search; sources select the places', async () => {
  const deep = await findEnvironments({ cwd: m.workspace, env: m.env, depth: 6, sources: ['workspace'] });
  assert.ok(deep.some((e) => e.prefix === join(m.workspace, 'a', 'b', 'c', 'd', 'e', '.venv')));
  const shallow = await findEnvironments({ cwd: m.workspace, env: m.env, depth: 1, sources: ['workspace'] });
  assert.deepEqual(shallow.map((e) => e.prefix).sort(), ['.venv', 'env', 'ignored-env', 'venv'].map((n) => join(m.workspace, n)));
  const conda = await findEnvironments({ cwd: tmp, workspace: false, env: m.env, sources: ['conda'] });
  assert.deepEqual(new Set(conda.map((e) => e.kind)), new Set(['conda']));
});

test('$VIRTUAL_ENV and the nearest .venv upwards are found from cwd outside the workspace', async () => {
  const active = fakeVenv(join(tmp, 'active-env'), '3.12.1');
  const found = await findEnvironments({ cwd: join(m.workspace, 'services', 'api'), workspace: false, env: { ...m.env, VIRTUAL_ENV: active }, sources: ['active'] });
  assert.deepEqual(found.map((e) => e.prefix), [active, join(m.workspace, '.venv')]);
});

test('an aborted signal rejects with AbortError', async () => {
  const ac = new AbortController();
  ac.abort();
  await assert.rejects(findEnvironments({ cwd: m.workspace, env: m.env, signal: ac.signal }), (e) => isVenvkitError(e, 'INTERRUPTED') && (e as Error).name === 'AbortError');
});

test('.gitignore rules for directories: anchoring, globs, negation', () => {
  const rules = parseGitignore('build/\n/dist\nout*/\n**/cache\n!build\n');
  const ignored = (rel: string) => rules.reduce((acc, r) => (r.re.test(rel) ? !r.negate : acc), false);
  assert.equal(ignored('build'), false, 'negated by !build');
  assert.equal(ignored('dist'), true);
  assert.equal(ignored('sub/dist'), false, '/dist is anchored');
  assert.equal(ignored('sub/output'), true);
  assert.equal(ignored('a/b/cache'), true);
  assert.equal(ignored('src'), false);
});
