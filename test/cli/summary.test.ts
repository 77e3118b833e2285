// What people see after create and install: the command that activates the new env in their shell
// (run here in real bash, zsh, dash and fish), and after an install the resolve/install summary
// and uv-style change lines on stderr.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, realpathSync } from 'node:fs';
import { join } from 'node:path';
import { buildWheel } from '../helpers/wheels.js';
import { venvkit } from '../helpers/cli.js';
import { interpreters, removeDir, tempDir, testEnv } from '../helpers/venv.js';
import { needProgram } from '../helpers/shells.js';

const py = () => (interpreters().find((i) => i.version.startsWith('3.12')) ?? interpreters()[0]!).path;

for (const shell of ['bash', 'zsh', 'dash', 'fish']) {
  test(`create prints the activation command for ${shell}, and it works there`, (t) => {
    const sh = needProgram(t, shell);
    if (!sh) return;
    const dir = realpathSync(tempDir(`activate-hint-${shell}`));
    try {
      const env = { ...testEnv(join(dir, 'cache')), SHELL: sh };
      const r = venvkit(['create', '--without-pip', '-p', py(), "my env's"], { env, cwd: dir });
      assert.equal(r.status, 0, r.stderr);
      const m = /^Activate with: (.*)$/m.exec(r.stderr);
      assert.ok(m, r.stderr);
      if (shell === 'fish') assert.match(m[1]!, /^source .*activate\.fish'?$/);
      const run = spawnSync(sh, ['-c', `${m[1]} && echo "$VIRTUAL_ENV"`], { cwd: dir, env, encoding: 'utf8' });
      assert.equal(run.status, 0, run.stderr);
      assert.equal(run.stdout.trim(), join(dir, "my env's"));
      assert.equal(venvkit(['create', '--without-pip', '-q', '-p', py(), 'quiet'], { env, cwd: dir }).stderr, '', '-q prints nothing');
    } finally {
      removeDir(dir);
    }
  });
}

test('install prints Resolved/Installed counts and the added, removed and reinstalled distributions by name', () => {
  const dir = tempDir('install-summary');
  try {
    const wheels = join(dir, 'wheels');
    mkdirSync(wheels);
    for (const [name, version] of [['zeta', '1.0'], ['alpha', '1.0'], ['alpha', '2.0'], ['mid', '1.0']] as const) {
      buildWheel(wheels, { name, version, files: { [`${name}/__init__.py`]: '' } });
    }
    const env = testEnv(join(dir, 'cache'));
    const target = join(dir, 'env');
    assert.equal(venvkit(['create', '--without-pip', '-q', '-p', py(), target], { env }).status, 0);
    const install = (...args: string[]) => {
      const r = venvkit(['install', '--env', target, '--no-index', '-f', wheels, ...args], { env });
      assert.equal(r.status, 0, r.stderr);
      return r.stderr;
    };
    let err = install('zeta', 'alpha==1.0', 'mid');
    assert.match(err, /^Resolved 3 packages in [\d.]+ m?s\n(Prepared 3 packages in [\d.]+ m?s\n)?Installed 3 packages in [\d.]+ m?s\n \+ alpha==1\.0\n \+ mid==1\.0\n \+ zeta==1\.0\n$/);
    err = install('-U', 'alpha');
    assert.match(err, /\nInstalled 1 package in [\d.]+ m?s\n - alpha==1\.0\n \+ alpha==2\.0\n$/);
    err = install('--force-reinstall', 'mid', 'alpha');
    assert.match(err, /\nInstalled 2 packages in [\d.]+ m?s\n ~ alpha==2\.0\n ~ mid==1\.0\n$/);
  } finally {
    removeDir(dir);
  }
});
