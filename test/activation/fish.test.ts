// bin/activate.fish in real fish, on an environment whose name is full of special characters.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { activationFixture, assertRestored, assertSwitched, fields, HOSTILE_NAME, needProgram, run } from '../helpers/shells.js';

const fx = activationFixture('vk-act-fish-', ({ box }) => {
  copyFileSync(join(import.meta.dirname, 'fixtures', 'fish-driver.fish'), join(box.dir, 'driver.fish'));
});

describe('bin/activate.fish', () => {
  for (const prompt of ['default', 'custom']) {
    test(`fish: activate, re-activate, switch, deactivate restores everything (${prompt} fish_prompt)`, (t) => {
      const fish = needProgram(t, 'fish');
      if (!fish) return;
      const { box, envDir } = fx;
      const env = { ...box.env, PYTHONHOME: '', EMPTY_VAR: '' };
      const r = run(fish, ['--no-config', 'driver.fish', envDir, fx.otherDir, prompt], { cwd: box.dir, env });
      assert.equal(r.status, 0, `fish failed:\n${r.stdout}\n${r.stderr}`);
      assert.equal(r.stderr, '');
      const f = fields(r.stdout);
      const bin = join(envDir, 'bin');
      assert.equal(f.python, join(bin, 'python'));
      assert.equal(f.VIRTUAL_ENV, envDir);
      assert.equal(f.VIRTUAL_ENV_PROMPT, HOSTILE_NAME);
      assert.equal(f.PYTHONHOME, '<unset>');
      assert.equal(f.prefix, envDir);
      assert.ok(f.prompt.startsWith(`(${HOSTILE_NAME}) `), f.prompt);
      if (prompt === 'custom') assert.equal(f.prompt, `(${HOSTILE_NAME}) base> `);
      // The default prompt shows the last status when it failed: activation must pass it through.
      // An autoloaded prompt comes back from its own file.
      if (prompt === 'default') assert.equal(f.details_after, f.details_before);
      if (prompt === 'default') assert.match(f.status_prompt.replace(/\x1b(\[[0-9;]*m|\(B)/g, ''), /\[1\]/);
      assertSwitched(f, fx);
      assert.equal(f.nondestructive, 'yes');
      assert.equal(f.VE_after_nd, '<unset>');
      assertRestored(f, fx);
    });
  }

  test('VIRTUAL_ENV_DISABLE_PROMPT leaves fish_prompt alone', (t) => {
    const fish = needProgram(t, 'fish');
    if (!fish) return;
    const script = 'function fish_prompt; echo -n "base> "; end; source $argv[1]/bin/activate.fish; fish_prompt; echo; deactivate; fish_prompt';
    const r = run(fish, ['--no-config', '-c', script, fx.envDir], { cwd: fx.box.dir, env: { ...fx.box.env, VIRTUAL_ENV_DISABLE_PROMPT: '1' } });
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stdout, 'base> \nbase> ');
  });
});
