// bin/activate.csh in real tcsh and csh, on an environment whose name is full of special characters.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { cshPromptText, tcshPromptText } from '../../src/venv/activators/csh.js';
import { createEnv, fields, HOSTILE_NAME, needProgram, run, sandbox, sentinels, type Sandbox } from '../helpers/shells.js';

let box: Sandbox;
let envDir: string;
let otherDir: string;

before(() => {
  box = sandbox('vk-act-csh-');
  envDir = createEnv(box, HOSTILE_NAME);
  otherDir = createEnv(box, 'other env', ['--prompt', 'other']);
  copyFileSync(join(import.meta.dirname, 'fixtures', 'csh-driver.csh'), join(box.dir, 'driver.csh'));
  copyFileSync(join(import.meta.dirname, 'fixtures', 'csh-snap.csh'), join(box.dir, 'snap.csh'));
});
after(() => box?.cleanup());

for (const shell of ['tcsh', 'csh']) {
  describe(`bin/activate.csh in ${shell}`, () => {
    for (const prompt of ['prompt', 'noprompt']) {
      test(`${shell}: activate, re-activate, switch, deactivate restores everything (${prompt})`, (t) => {
        const sh = needProgram(t, shell);
        if (!sh) return;
        const env = { ...box.env, PYTHONHOME: '', EMPTY_VAR: '' };
        const r = run(sh, ['-f', 'driver.csh', envDir, otherDir, prompt], { cwd: box.dir, env });
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
        assert.equal(f.PATH1, `${bin}:${box.env.PATH}`);
        assert.equal(f.PATH2, f.PATH1);
        assert.equal(f.switched, otherDir);
        assert.equal(f.PATH3, `${join(otherDir, 'bin')}:${box.env.PATH}`);
        assert.equal(f.python3, join(otherDir, 'bin', 'python'));
        assert.notEqual(f.nondestructive, '0');
        assert.equal(f.VE_after_nd, 'unset');
        const diff = f.same === 'yes' ? '' : `\n--- before\n${readFileSync(join(box.dir, 'before.txt'), 'utf8')}\n--- after\n${readFileSync(join(box.dir, 'after.txt'), 'utf8')}`;
        assert.equal(f.same, 'yes', `the state after deactivate differs from before${diff}`);
        assert.deepEqual(sentinels(box.dir), []);
      });
    }
  });
}
