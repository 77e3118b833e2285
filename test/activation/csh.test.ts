// bin/activate.csh in real tcsh and csh, on an environment whose name is full of special characters.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { cshPromptText, tcshPromptText } from '../../src/venv/activators/csh.js';
import { activationFixture, assertRestored, assertSwitched, fields, HOSTILE_NAME, needProgram, run } from '../helpers/shells.js';

const fx = activationFixture('vk-act-csh-', ({ box }) => {
  copyFileSync(join(import.meta.dirname, 'fixtures', 'csh-driver.csh'), join(box.dir, 'driver.csh'));
  copyFileSync(join(import.meta.dirname, 'fixtures', 'csh-snap.csh'), join(box.dir, 'snap.csh'));
});

for (const shell of ['tcsh', 'csh']) {
  describe(`bin/activate.csh in ${shell}`, () => {
    for (const prompt of ['prompt', 'noprompt']) {
      test(`${shell}: activate, re-activate, switch, deactivate restores everything (${prompt})`, (t) => {
        const sh = needProgram(t, shell);
        if (!sh) return;
        const { box, envDir } = fx;
        const env = { ...box.env, PYTHONHOME: '', EMPTY_VAR: '' };
        const r = run(sh, ['-f', 'driver.csh', envDir, fx.otherDir, prompt], { cwd: box.dir, env });
        assert.equal(r.status, 0, `${shell} failed:\n${r.stdout}\n${r.stderr}`);
        assert.equal(r.stderr, '');
        const f = fields(r.stdout);
        const bin = join(envDir, 'bin');
        assert.equal(f.python, join(bin, 'python'));
        assert.equal(f.VIRTUAL_ENV, envDir);
        assert.equal(f.VIRTUAL_ENV_PROMPT, HOSTILE_NAME);
        assert.equal(f.PYTHONHOME, undefined);
        assert.equal(f.prefix, envDir);
        const text = shell === 'tcsh' ? tcshPromptText(HOSTILE_NAME) : cshPromptText(HOSTILE_NAME);
        assert.equal(f.prompt, prompt === 'prompt' ? `(${text}) base> ` : undefined);
        assertSwitched(f, fx);
        assert.notEqual(f.nondestructive, '0');
        assert.equal(f.VE_after_nd, 'unset');
        assertRestored(f, fx);
      });
    }
  });
}
