// What a person sees: bash and fish driven under tmux (a real terminal), sourcing the activation
// script by hand, and `venvkit shell` started from a bash prompt.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { BIN } from '../helpers/cli.js';
import { envFixture, HOSTILE_NAME, needProgram, sentinels, Tmux } from '../helpers/shells.js';

const fx = envFixture('vk-tmux-', ({ box }) => {
  // The user's own start-up file: venvkit shell must still run it.
  const home = box.env.HOME;
  writeFileSync(join(home, '.bashrc'), "PS1='home$ '\nFROM_RC=yes\n");
  writeFileSync(join(home, '.zshrc'), "PS1='home$ '\nFROM_RC=yes\n");
  mkdirSync(join(home, '.config', 'fish'), { recursive: true });
  writeFileSync(join(home, '.config', 'fish', 'config.fish'), "function fish_prompt; echo -n 'home> '; end\nset -g FROM_RC yes\n");
});

const lines = (s: string) => s.split('\n').map((l) => l.trimEnd());

describe('interactive shells under tmux', () => {
  test('bash: the prompt shows (name) after sourcing activate, and is back after deactivate', async (t) => {
    const tmuxPath = needProgram(t, 'tmux');
    const bash = needProgram(t, 'bash');
    if (!tmuxPath || !bash) return;
    const tmux = new Tmux(tmuxPath, fx.box.dir, { ...fx.box.env, TEST_ENV: fx.envDir });
    try {
      tmux.start([bash, '--norc', '--noprofile'], fx.box.dir);
      tmux.type("PS1='base$ '");
      tmux.type('. "$TEST_ENV/bin/activate"');
      const active = await tmux.waitFor((s) => lines(s).some((l) => l === `(${HOSTILE_NAME}) base$`), 'the activated prompt');
      assert.ok(active.includes(`(${HOSTILE_NAME}) base$`));
      tmux.type('deactivate; echo "VE=${VIRTUAL_ENV-none}"');
      const back = await tmux.waitFor((s) => s.includes('VE=none') && lines(s).at(-1) !== undefined && /(^|\n)base\$\s*$/.test(s.trimEnd()), 'the plain prompt');
      assert.ok(back.trimEnd().endsWith('base$'));
      assert.deepEqual(sentinels(fx.box.dir), []);
    } finally {
      tmux.kill();
    }
  });

  test('fish: the prompt shows (name) after sourcing activate.fish, and is back after deactivate', async (t) => {
    const tmuxPath = needProgram(t, 'tmux');
    const fish = needProgram(t, 'fish');
    if (!tmuxPath || !fish) return;
    const tmux = new Tmux(tmuxPath, fx.box.dir, { ...fx.box.env, TEST_ENV: fx.envDir });
    try {
      tmux.start([fish, '--no-config', '-C', "function fish_prompt; echo -n 'base> '; end"], fx.box.dir);
      await tmux.waitFor((s) => s.includes('base>'), 'the first prompt');
      tmux.type('source $TEST_ENV/bin/activate.fish');
      await tmux.waitFor((s) => lines(s).some((l) => l === `(${HOSTILE_NAME}) base>`), 'the activated prompt');
      tmux.type('deactivate; echo VE=(set -q VIRTUAL_ENV; and echo set; or echo none)');
      const back = await tmux.waitFor((s) => s.includes('VE=none') && s.trimEnd().endsWith('base>'), 'the plain prompt');
      assert.ok(!lines(back).at(-1)?.includes('('));
      assert.deepEqual(sentinels(fx.box.dir), []);
    } finally {
      tmux.kill();
    }
  });

  for (const shell of ['tcsh', 'csh']) {
    test(`${shell}: the prompt shows (name) after sourcing activate.csh, and is back after deactivate`, async (t) => {
      const tmuxPath = needProgram(t, 'tmux');
      const sh = needProgram(t, shell);
      if (!tmuxPath || !sh) return;
      const tmux = new Tmux(tmuxPath, fx.box.dir, { ...fx.box.env, TEST_ENV: fx.envDir });
      try {
        tmux.start([sh, '-f'], fx.box.dir);
        // Type only at a prompt: csh echoes typed-ahead lines before its prompts, on one line.
        await tmux.waitFor((s) => s.trim() !== '', 'the first prompt');
        tmux.type("set prompt = 'base> '");
        await tmux.waitFor((s) => lines(s).some((l) => l === 'base>'), 'the plain prompt');
        tmux.type('source "$TEST_ENV/bin/activate.csh"');
        await tmux.waitFor((s) => lines(s).some((l) => l === `(${HOSTILE_NAME}) base>`), 'the activated prompt');
        tmux.type('deactivate');
        tmux.type('printf "VE=%s\\n" "$?VIRTUAL_ENV"');
        const back = await tmux.waitFor((s) => s.includes('VE=0') && s.trimEnd().endsWith('base>'), 'the plain prompt');
        assert.ok(!lines(back.trimEnd()).at(-1)?.includes('('));
        assert.deepEqual(sentinels(fx.box.dir), []);
      } finally {
        tmux.kill();
      }
    });
  }

  test('venvkit run in a terminal: Ctrl-C reaches the command once, and the shell sees 130', async (t) => {
    const tmuxPath = needProgram(t, 'tmux');
    const bash = needProgram(t, 'bash');
    if (!tmuxPath || !bash) return;
    const tmux = new Tmux(tmuxPath, fx.box.dir, { ...fx.box.env, TEST_ENV: fx.envDir, VENVKIT: BIN });
    try {
      tmux.start([bash, '--norc', '--noprofile'], fx.box.dir);
      tmux.type("PS1='parent$ '");
      writeFileSync(join(fx.box.dir, 'sleeper.py'), 'import time\ntry:\n    print("sleeping", flush=True)\n    time.sleep(30)\nexcept KeyboardInterrupt:\n    print("interrupted once", flush=True)\n    time.sleep(0.5)\n    raise\n');
      tmux.type('"$VENVKIT" run --env "$TEST_ENV" python sleeper.py');
      await tmux.waitFor((s) => s.includes('sleeping'), 'the command to start');
      tmux.key('C-c');
      // venvkit dies of SIGINT as the command did, so bash drops the rest of a command list, as
      // it would for python itself: ask for the status on the next line.
      await tmux.waitFor((x) => x.includes('KeyboardInterrupt') && x.trimEnd().endsWith('parent$'), 'the prompt back');
      tmux.type('echo "status=$?"');
      const s = await tmux.waitFor((x) => /status=\d/.test(x), 'the command to end');
      assert.ok(s.includes('status=130'), s);
      assert.equal(s.split('interrupted once').length, 2, s);
    } finally {
      tmux.kill();
    }
  });

  const SHELL_CASES = [
    { shell: 'bash', prompt: 'home$', probe: 'echo "rc=$FROM_RC py=$(command -v python)"' },
    { shell: 'zsh', prompt: 'home$', probe: 'echo "rc=$FROM_RC py=$(command -v python)"' },
    { shell: 'fish', prompt: 'home>', probe: 'echo "rc=$FROM_RC py="(command -v python)' },
  ];
  for (const c of SHELL_CASES) {
    test(`venvkit shell (${c.shell}) from a bash prompt: user config runs, prompt shows (name), exit returns its status, parent untouched`, async (t) => {
      const tmuxPath = needProgram(t, 'tmux');
      const bash = needProgram(t, 'bash');
      const sh = needProgram(t, c.shell);
      if (!tmuxPath || !bash || !sh) return;
      const tmux = new Tmux(tmuxPath, fx.box.dir, { ...fx.box.env, TEST_ENV: fx.envDir, VENVKIT: BIN, SHELL: sh });
      try {
        tmux.start([bash, '--norc', '--noprofile'], fx.box.dir);
        tmux.type("PS1='parent$ '");
        tmux.type('"$VENVKIT" shell -q "$TEST_ENV"');
        await tmux.waitFor((s) => lines(s).some((l) => l === `(${HOSTILE_NAME}) ${c.prompt}`), `${c.shell} with the env active`);
        tmux.type(c.probe);
        await tmux.waitFor((s) => s.includes(`rc=yes py=${join(fx.envDir, 'bin', 'python')}`), 'python from the env');
        tmux.type('exit 3');
        tmux.type('echo "status=$? VE=${VIRTUAL_ENV-none} rc=${FROM_RC-none}"');
        const s = await tmux.waitFor((x) => x.includes('status=3'), 'the parent shell');
        assert.ok(s.includes('status=3 VE=none rc=none'), s);
        assert.ok(s.trimEnd().endsWith('parent$'), s);
        assert.deepEqual(sentinels(fx.box.dir), []);
      } finally {
        tmux.kill();
      }
    });
  }
});
