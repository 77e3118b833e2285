// bin/activate.nu in real nushell (installed by scripts/test-tools.sh; CI runs it), on an environment
// whose name is full of characters shells treat specially; and `venvkit shell --shell nu` in a
// real terminal (nushell's REPL refuses to start without one).
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { BIN, venvkit } from '../helpers/cli.js';
import { quoteNu } from '../../src/venv/activators/quote.js';
import { activationFixture, assertSwitched, fields, HOSTILE_NAME, needProgram, nuRaw, run, sentinels, Tmux } from '../helpers/shells.js';

const TEMPLATE = readFileSync(join(import.meta.dirname, 'fixtures', 'nu-driver.nu'), 'utf8');

// The snapshots are compared whole, with nothing left out. nushell's own volatile variables do not
// get in the way: LAST_EXIT_CODE appears once an external command has run, so the driver runs
// `^true` right before each snapshot (same value in both); CMD_DURATION_MS is set only by the REPL,
// after each line, never in a script; CURRENT_FILE, FILE_PWD and PROCESS_PATH are fixed for the
// whole script run.

const fx = activationFixture('vk-act-nu-', ({ box }) => {
  // The user's own config (for venvkit shell): it must still run.
  mkdirSync(join(box.env.HOME, '.config', 'nushell'), { recursive: true });
  writeFileSync(join(box.env.HOME, '.config', 'nushell', 'config.nu'), "$env.USER_RC = 'nu'\n");
});

function driver(prompt: string, snapDir: string): string {
  return TEMPLATE.replaceAll('__ENV__', nuRaw(join(fx.envDir, 'bin', 'activate.nu')))
    .replaceAll('__OTHER__', nuRaw(join(fx.otherDir, 'bin', 'activate.nu')))
    .replaceAll('__PROMPT__', nuRaw(prompt))
    .replaceAll('__SNAP_DIR__', nuRaw(snapDir));
}

function snapshot(name: string): { nu: Record<string, unknown>; external: string[] } {
  const nu = JSON.parse(readFileSync(join(fx.box.dir, `${name}.json`), 'utf8')) as Record<string, unknown>;
  const external = readFileSync(join(fx.box.dir, `${name}.env`), 'utf8').split('\0').sort();
  return { nu, external };
}

describe('bin/activate.nu', () => {
  for (const prompt of ['closure', 'string', 'none']) {
    test(`nu: overlay use, re-activate, switch, deactivate restores everything (PROMPT_COMMAND ${prompt})`, (t) => {
      const nu = needProgram(t, 'nu');
      if (!nu) return;
      const script = join(fx.box.dir, `driver-${prompt}.nu`);
      writeFileSync(script, driver(prompt, fx.box.dir));
      // PYTHONHOME set but empty: activation hides it, deactivate must put it back empty.
      const env = { ...fx.box.env, PYTHONHOME: '', EMPTY_VAR: '' };
      const r = run(nu, ['--no-config-file', script], { cwd: fx.box.dir, env });
      assert.equal(r.status, 0, `nu failed:\n${r.stdout}\n${r.stderr}`);
      assert.equal(r.stderr, '');
      const f = fields(r.stdout);
      const bin = join(fx.envDir, 'bin');
      assert.equal(f.python, join(bin, 'python'));
      assert.equal(f.VIRTUAL_ENV, fx.envDir);
      assert.equal(f.VIRTUAL_ENV_PROMPT, HOSTILE_NAME);
      const base = prompt === 'none' ? fx.box.dir : 'base> ';
      assert.equal(f.prompt, `(${HOSTILE_NAME}) ${base}`);
      assert.equal(f.PYTHONHOME, '<unset>');
      assert.equal(f.prefix, fx.envDir);
      assert.equal(f.ext, `${fx.envDir} False`, 'external programs see VIRTUAL_ENV and no PYTHONHOME');
      assertSwitched(f, fx);
      assert.equal(f.prompt3, `(other) ${base}`, 'the prompt carries one name, the active one');
      assert.equal(f.VE_after, '<unset>');
      assert.equal(f.PYTHONHOME_after, 'set');
      assert.equal(f.done, 'yes');
      const before = snapshot('before');
      const afterSnap = snapshot('after');
      assert.deepEqual(afterSnap.nu, before.nu, "nushell's $env after deactivate differs from before");
      assert.deepEqual(afterSnap.external, before.external, 'the environment external programs see differs from before');
      assert.ok(before.external.includes('PYTHONHOME='));
      assert.deepEqual(sentinels(fx.box.dir), []);
    });
  }

  test('nu: VIRTUAL_ENV_DISABLE_PROMPT leaves PROMPT_COMMAND alone', (t) => {
    const nu = needProgram(t, 'nu');
    if (!nu) return;
    const code = `$env.PROMPT_COMMAND = {|| 'base> ' }; overlay use ${nuRaw(join(fx.envDir, 'bin', 'activate.nu'))}; print (do $env.PROMPT_COMMAND); print $env.VIRTUAL_ENV; deactivate; print ('VIRTUAL_ENV' in ($env | columns))`;
    const r = run(nu, ['--no-config-file', '-c', code], { cwd: fx.box.dir, env: { ...fx.box.env, VIRTUAL_ENV_DISABLE_PROMPT: '1' } });
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stdout, `base> \n${fx.envDir}\nfalse\n`);
    assert.deepEqual(sentinels(fx.box.dir), []);
  });
});

describe('quoteNu in real nushell', () => {
  test('every string reads back exactly, nothing runs', (t) => {
    const nu = needProgram(t, 'nu');
    if (!nu) return;
    const values = [HOSTILE_NAME, '', '\\', '\\"', '"', "'", "r#'x'#", "'#", '$"(touch PWNED4)"', '(touch PWNED5)', '{ x }', '# not a comment', '\\u{41}', '\\n', '\u2028\u00a0\u200b', 'é🐍 \u{10ffff}'];
    const code = `[${values.map((v) => quoteNu(v)).join(' ')}] | to json -r`;
    const r = run(nu, ['--no-config-file', '-c', code], { cwd: fx.box.dir, env: fx.box.env });
    assert.equal(r.status, 0, r.stderr);
    assert.deepEqual(JSON.parse(r.stdout), values);
    assert.deepEqual(sentinels(fx.box.dir), []);
  });
});

describe('venvkit shell --shell nu', () => {
  test('stdin not a terminal: the commands run as a script with the env active; deactivate works; exit status passes through', (t) => {
    const nu = needProgram(t, 'nu');
    if (!nu) return;
    const input = join(fx.box.dir, 'nu-shell-input');
    writeFileSync(
      input,
      [
        'print $"@@ve=($env.VIRTUAL_ENV)"',
        'print $"@@vp=($env.VIRTUAL_ENV_PROMPT)"',
        'print $"@@py=(which python | get 0.path)"',
        'print $"@@prefix=(^python -c \'import sys; print(sys.prefix)\')"',
        'print $"@@prompt=(do $env.PROMPT_COMMAND)"',
        'deactivate',
        "print $\"@@after=('VIRTUAL_ENV' in ($env | columns)) ($env.PATH | str join (char esep))\"",
        'exit 7',
        '',
      ].join('\n'),
    );
    const fd = openSync(input, 'r');
    // SHELL names nu: the --shell flag is tested in a terminal below.
    const r = venvkit(['shell', '-q', fx.envDir], { cwd: fx.box.dir, env: { ...fx.box.env, SHELL: nu }, stdio: [fd, 'pipe', 'pipe'] });
    closeSync(fd);
    assert.equal(r.status, 7, `${r.stdout}\n${r.stderr}`);
    assert.equal(r.stderr, '');
    const f = fields(r.stdout);
    assert.equal(f.ve, fx.envDir);
    assert.equal(f.vp, HOSTILE_NAME);
    assert.equal(f.py, join(fx.envDir, 'bin', 'python'));
    assert.equal(f.prefix, fx.envDir);
    assert.equal(f.prompt, `(${HOSTILE_NAME}) ${fx.box.dir}`);
    assert.equal(f.after, `false ${fx.box.env.PATH}`);
    assert.deepEqual(sentinels(fx.box.dir), []);
  });

  test('in a terminal: the user config runs, the env is active with (name) in the prompt, exit status passes through', async (t) => {
    const tmuxPath = needProgram(t, 'tmux');
    const nu = needProgram(t, 'nu');
    if (!tmuxPath || !nu) return;
    const status = join(fx.box.dir, 'nu-shell-status');
    const tmux = new Tmux(tmuxPath, fx.box.dir, { ...fx.box.env, TEST_ENV: fx.envDir, TEST_NU: nu, TEST_BIN: BIN, TEST_STATUS: status });
    try {
      // A plain sh starts venvkit (so the exit status can be recorded); nushell's default prompt
      // is a closure showing the directory, ~ for HOME.
      tmux.start(['/bin/sh', '-c', `"$TEST_NU" --version >/dev/null; "$TEST_BIN" shell -q "$TEST_ENV" --shell "$TEST_NU"; echo $? > "$TEST_STATUS"; sleep 60`], fx.box.dir);
      const prefix = `(${HOSTILE_NAME}) `;
      await tmux.waitFor((s) => s.split('\n').some((l) => l.startsWith(`${prefix}${fx.box.dir}>`)), 'the activated prompt', 15_000);
      tmux.type('print $"@@ve=($env.VIRTUAL_ENV)@@"; print $"@@rc=($env.USER_RC)@@"; print $"@@py=(which python | get 0.path)@@"');
      // The typed line itself holds '@@py=(which…': wait for the printed value, not the echo.
      const printed = `@@py=${join(fx.envDir, 'bin', 'python')}@@`;
      const screen = await tmux.waitFor((s) => s.replace(/\n/g, '').includes(printed), 'the printed fields', 15_000);
      const flat = screen.replace(/\n/g, '');
      assert.ok(flat.includes(`@@ve=${fx.envDir}@@`), screen);
      assert.ok(flat.includes(`@@py=${join(fx.envDir, 'bin', 'python')}@@`), screen);
      assert.ok(flat.includes('@@rc=nu@@'), `the user's config.nu ran\n${screen}`);
      tmux.type('exit 7');
      const end = Date.now() + 15_000;
      while (!existsSync(status) && Date.now() < end) await new Promise((r) => setTimeout(r, 100));
      assert.equal(readFileSync(status, 'utf8').trim(), '7');
      assert.deepEqual(sentinels(fx.box.dir), []);
    } finally {
      tmux.kill();
    }
  });
});
