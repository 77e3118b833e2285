import { test } from 'node:test';
import assert from 'node:assert/strict';
import { venvkit } from './helpers/cli.js';

test('--help lists the commands and exits 0', () => {
  const r = venvkit(['--help']);
  assert.equal(r.status, 0);
  assert.match(r.stdout, /create/);
  assert.match(r.stdout, /install/);
});

test('an unknown command is a usage error (exit 2) with a hint', () => {
  const r = venvkit(['frobnicate']);
  assert.equal(r.status, 2);
  assert.match(r.stderr, /unknown command 'frobnicate'/);
  assert.match(r.stderr, /hint:/);
});
