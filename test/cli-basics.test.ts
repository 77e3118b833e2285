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

test('bin/venvkit.cjs runs the bundled CLI also through a symlink (as npm links it on POSIX)', async () => {
  const { mkdtempSync, symlinkSync, rmSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const { join } = await import('node:path');
  const { spawnSync } = await import('node:child_process');
  const { BIN } = await import('./helpers/cli.js');
  const dir = mkdtempSync(join(tmpdir(), 'vk-bin-'));
  try {
    symlinkSync(BIN, join(dir, 'venvkit'));
    const r = spawnSync(join(dir, 'venvkit'), ['--version'], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /^venvkit \d+\.\d+\.\d+/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

// On Windows npm installs a bin through cmd-shim: a .cmd, a .ps1 and a sh script (Git Bash, MSYS)
// that start the program the file's #! line names. Made here by npm's own cmd-shim; the .cmd and
// .ps1 cannot run on Linux, so they are checked for starting `node`, and the sh one is run.
test("npm's Windows shims for the bin start node with bin/venvkit.cjs", async () => {
  const { existsSync, mkdtempSync, readFileSync, rmSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const { dirname, join } = await import('node:path');
  const { spawnSync, execFileSync } = await import('node:child_process');
  const { createRequire } = await import('node:module');
  const { BIN } = await import('./helpers/cli.js');
  const npmRoot = execFileSync('npm', ['root', '-g'], { encoding: 'utf8' }).trim();
  const cmdShimDir = [join(npmRoot, 'npm', 'node_modules', 'cmd-shim'), join(dirname(process.execPath), '..', 'lib', 'node_modules', 'npm', 'node_modules', 'cmd-shim')].find((d) => existsSync(d));
  assert.ok(cmdShimDir, "npm's cmd-shim module is installed with npm");
  const cmdShim = createRequire(import.meta.url)(cmdShimDir) as (from: string, to: string) => Promise<void>;
  const dir = mkdtempSync(join(tmpdir(), 'vk-shim-'));
  try {
    await cmdShim(BIN, join(dir, 'venvkit'));
    const cmd = readFileSync(join(dir, 'venvkit.cmd'), 'utf8');
    assert.match(cmd, /SET "_prog=node"/, cmd);
    assert.match(cmd, /"%_prog%"\s+"%dp0%\\[^"]*bin\\venvkit\.cjs" %\*/, cmd);
    const ps1 = readFileSync(join(dir, 'venvkit.ps1'), 'utf8');
    assert.match(ps1, /& "node\$exe"\s+"\$basedir\/[^"]*bin\/venvkit\.cjs" \$args/, ps1);
    assert.doesNotMatch(cmd + ps1, /\/bin\/sh/, 'no shell is needed');
    const r = spawnSync(join(dir, 'venvkit'), ['--version'], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /^venvkit \d+\.\d+\.\d+/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
