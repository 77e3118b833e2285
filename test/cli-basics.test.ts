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

test('bin/venvkit runs the bundled CLI also through a symlink (as npm links it)', async () => {
  const { mkdtempSync, symlinkSync, rmSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const { join } = await import('node:path');
  const { spawnSync } = await import('node:child_process');
  const { BIN } = await import('./helpers/cli.js');
  const dir = mkdtempSync(join(tmpdir(), 'vk-bin-'));
  try {
    symlinkSync(BIN, join(dir, 'venvkit'));
    const r = spawnSync(join(dir, 'venvkit'), ['--version'], { encoding: 'utf8', env: { ...process.env, NODE_EXTRA_CA_CERTS: '/nonexistent/ca.pem' } });
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /^venvkit \d+\.\d+\.\d+/);
    // Node would warn about the unreadable file if it had read NODE_EXTRA_CA_CERTS at start-up.
    assert.doesNotMatch(r.stderr, /extra certs/i);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
