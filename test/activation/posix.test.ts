// bin/activate in real POSIX shells (bash, dash, zsh, ksh93, mksh), on an environment whose name is
// full of characters shells treat specially.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { activationFixture, assertRestored, assertSwitched, fields, HOSTILE_NAME, needProgram, run, sentinels } from '../helpers/shells.js';

const SHELLS = ['bash', 'dash', 'zsh', 'ksh', 'mksh'];

// Records the state activation may touch, activates (twice, then another env), checks, deactivates
// and records again. $1 = env, $2 = another env, $3 = the state before: plain | export | unset (PS1) | allexport (set -a).
const DRIVER = join(import.meta.dirname, 'fixtures', 'posix-driver.sh');
/** ksh93's `command -v` prints unusual paths as $'...' literals. */
function unquoteKsh(s: string): string {
  const m = /^\$'(.*)'$/s.exec(s);
  if (m) return m[1].replace(/\\(.)/g, '$1');
  const q = /^'(.*)'$/s.exec(s);
  return q ? q[1] : s;
}

const fx = activationFixture('vk-act-posix-', ({ box }) => copyFileSync(DRIVER, join(box.dir, 'driver.sh')));

describe('bin/activate in POSIX shells', () => {
  for (const shell of SHELLS) {
    for (const ps1 of ['plain', 'export', 'unset', 'allexport']) {
      test(`${shell}: activate, re-activate, switch, deactivate restores everything (PS1 ${ps1})`, (t) => {
        const sh = needProgram(t, shell);
        if (!sh) return;
        // PYTHONHOME exported but empty: activation unsets it, deactivate must put it back empty.
        const { box, envDir } = fx;
        const env = { ...box.env, PYTHONHOME: '', EMPTY_VAR: '' };
        const r = run(sh, ['driver.sh', envDir, fx.otherDir, ps1], { cwd: box.dir, env });
        const f = fields(r.stdout);
        assert.equal(r.status, 0, `${shell} failed:\n${r.stdout}\n${r.stderr}`);
        assert.equal(r.stderr, '');
        const bin = join(envDir, 'bin');
        assert.equal(unquoteKsh(f.python), join(bin, 'python'));
        assert.equal(f.VIRTUAL_ENV, envDir);
        assert.equal(f.VIRTUAL_ENV_PROMPT, HOSTILE_NAME);
        assert.equal(f.PYTHONHOME, '<unset>');
        assert.equal(f.prefix, envDir);
        assertSwitched(f, fx, unquoteKsh);
        assert.equal(f.nondestructive, 'deactivate');
        assert.equal(f.VE_after_nd, '<unset>');
        // The prompt refers to the name (or carries it escaped); it never ends up exported.
        assert.equal(f.PS1exported, ps1 === 'export' || ps1 === 'allexport' ? '1' : '0');
        assert.equal(f.leaked, '0', 'activation state stays in shell variables');
        assert.equal(f.flags_after.includes('a'), ps1 === 'allexport', 'set -a is kept as it was');
        assert.match(f.PS1, ps1 === 'unset' ? /^\(.*\) $/ : /^\(.*\) base\$ $/);
        assertRestored(f, fx);
      });
    }
  }
});

// What a person sees: interactive shells print their prompt (to stderr when stdin is not a terminal).
const PROMPT_CASES: { shell: string; args: string[]; setup: string; label: string }[] = [
  { shell: 'bash', args: ['--norc', '--noprofile', '-i'], setup: '', label: 'bash' },
  { shell: 'bash', args: ['--norc', '--noprofile', '-i'], setup: 'shopt -u promptvars', label: 'bash without promptvars' },
  { shell: 'dash', args: ['-i'], setup: '', label: 'dash' },
  { shell: 'ksh', args: ['-i'], setup: '', label: 'ksh93' },
  { shell: 'mksh', args: ['-i'], setup: '', label: 'mksh' },
  { shell: 'zsh', args: ['-f', '-i'], setup: 'unsetopt promptsp promptcr', label: 'zsh' },
  { shell: 'zsh', args: ['-f', '-i'], setup: 'unsetopt promptsp promptcr; setopt promptsubst promptbang', label: 'zsh with PROMPT_SUBST and PROMPT_BANG' },
];

describe('the prompt a person sees', () => {
  for (const c of PROMPT_CASES) {
    test(`${c.label}: shows "(name) " literally, runs nothing, and deactivate restores it`, (t) => {
      const sh = needProgram(t, c.shell);
      if (!sh) return;
      const input = [c.setup, `PS1='base$ '`, 'echo one', '. "$TEST_ENV/bin/activate"', 'echo two', 'deactivate', 'echo three', 'exit 0', ''].join('\n');
      const { box, envDir } = fx;
      const r = run(sh, c.args, { cwd: box.dir, env: { ...box.env, TEST_ENV: envDir }, input });
      assert.equal(r.status, 0, r.stderr);
      // bash wraps long prompt lines when stdin is not a terminal.
      const shown = c.shell === 'bash' ? r.stderr.replace(/\n\r?/g, '') : r.stderr;
      assert.ok(shown.includes(`(${HOSTILE_NAME}) base$ `), `prompt not shown as expected:\n${shown}`);
      // After deactivate the plain prompt is back.
      const afterDeactivate = shown.slice(shown.lastIndexOf(`(${HOSTILE_NAME}) base$ `) + 1);
      assert.ok(afterDeactivate.includes('base$ '), shown);
      assert.deepEqual(sentinels(box.dir), []);
    });
  }

  test('VIRTUAL_ENV_DISABLE_PROMPT leaves the prompt alone', (t) => {
    const sh = needProgram(t, 'bash');
    if (!sh) return;
    const input = [`PS1='base$ '`, '. "$TEST_ENV/bin/activate"', 'echo "[$PS1]"', 'deactivate', 'exit 0', ''].join('\n');
    const r = run(sh, ['--norc', '--noprofile', '-i'], { cwd: fx.box.dir, env: { ...fx.box.env, TEST_ENV: fx.envDir, VIRTUAL_ENV_DISABLE_PROMPT: '1' }, input });
    assert.equal(r.status, 0);
    assert.match(r.stdout, /^\[base\$ \]$/m);
    assert.ok(!r.stderr.includes(`(${HOSTILE_NAME})`), r.stderr);
  });
});

describe('running bin/activate instead of sourcing it', () => {
  for (const shell of SHELLS) {
    test(`${shell} says to source it and exits non-zero`, (t) => {
      const sh = needProgram(t, shell);
      if (!sh) return;
      const r = run(sh, [join(fx.envDir, 'bin', 'activate')], { cwd: fx.box.dir, env: fx.box.env });
      assert.notEqual(r.status, 0);
      assert.match(r.stderr, /must be sourced/);
      assert.deepEqual(sentinels(fx.box.dir), []);
    });
  }
});
