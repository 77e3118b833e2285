// venvkit shell in every shell this machine has: the user's start-up file runs, then the env is
// active; the exit status comes back. (Interactive use under tmux: interactive.test.ts.)
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { closeSync, mkdirSync, openSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { venvkit } from '../helpers/cli.js';
import { envFixture, HOSTILE_NAME, needProgram, nuRaw, sentinels, which } from '../helpers/shells.js';
import { launchPlan, shellKind } from '../../src/shell/launch.js';

const fx = envFixture('vk-shell-', ({ box }) => {
  const home = box.env.HOME;
  // Each shell's own start-up file sets a marker the test looks for.
  writeFileSync(join(home, '.bashrc'), 'USER_RC=bash\n');
  writeFileSync(join(home, '.zshrc'), 'USER_RC=zsh\n');
  writeFileSync(join(home, '.kshrc'), 'USER_RC=ksh\n');
  writeFileSync(join(home, '.mkshrc'), 'USER_RC=mksh\n');
  writeFileSync(join(home, '.tcshrc'), 'set USER_RC = tcsh\n');
  writeFileSync(join(home, '.cshrc'), 'set USER_RC = csh\n');
  writeFileSync(join(home, 'shrc'), 'USER_RC=sh\n');
});

const POSIX_INPUT = 'echo "@@rc=${USER_RC-none}"; echo "@@ve=$VIRTUAL_ENV"; echo "@@py=$(command -v python)"; echo "@@home=$HOME"; exit 7\n';
const CASES: { shell: string; input: string; rc: string; env?: Record<string, string> }[] = [
  { shell: 'bash', input: POSIX_INPUT, rc: 'bash' },
  { shell: 'zsh', input: POSIX_INPUT, rc: 'zsh' },
  { shell: 'ksh', input: POSIX_INPUT, rc: 'ksh' },
  { shell: 'mksh', input: POSIX_INPUT, rc: 'mksh' },
  { shell: 'dash', input: POSIX_INPUT, rc: 'sh', env: { ENV: 'SHRC' } },
  { shell: 'fish', input: 'echo "@@rc=none"; echo "@@ve=$VIRTUAL_ENV"; echo "@@py="(command -v python); echo "@@home=$HOME"; exit 7\n', rc: 'none' },
  { shell: 'tcsh', input: 'printf "@@rc=%s\\n" "$USER_RC"; printf "@@ve=%s\\n" "$VIRTUAL_ENV"; printf "@@py=%s\\n" "`which python`"; printf "@@home=%s\\n" "$HOME"; exit 7\n', rc: 'tcsh' },
  { shell: 'csh', input: 'printf "@@rc=%s\\n" "$USER_RC"; printf "@@ve=%s\\n" "$VIRTUAL_ENV"; printf "@@py=%s\\n" "`which python`"; printf "@@home=%s\\n" "$HOME"; exit 7\n', rc: 'csh' },
];

describe('venvkit shell', () => {
  for (const c of CASES) {
    test(`${c.shell}: starts with the env active after the user's start-up file; exit status passes through`, (t) => {
      const sh = needProgram(t, c.shell);
      if (!sh) return;
      const env = { ...fx.box.env, SHELL: sh, ...(c.env?.ENV ? { ENV: join(fx.box.env.HOME, 'shrc') } : {}) };
      // stdin from a file: fish cannot read commands from the socket node's `input` option uses.
      const inputFile = join(fx.box.dir, `input-${c.shell}`);
      writeFileSync(inputFile, c.input);
      const fd = openSync(inputFile, 'r');
      const r = venvkit(['shell', '-q', fx.envDir], { cwd: fx.box.dir, env, stdio: [fd, 'pipe', 'pipe'] });
      closeSync(fd);
      assert.equal(r.status, 7, `${c.shell}: ${r.stdout}\n${r.stderr}`);
      const out = Object.fromEntries([...r.stdout.matchAll(/@@(\w+)=(.*)/g)].map((m) => [m[1], m[2]]));
      assert.equal(out.ve, fx.envDir);
      assert.equal(unquoteKsh(out.py ?? ''), join(fx.envDir, 'bin', 'python'));
      assert.equal(out.rc, c.rc, 'the user start-up file ran');
      assert.equal(out.home, fx.box.env.HOME, 'HOME is as it was');
      assert.deepEqual(sentinels(fx.box.dir), []);
    });
  }

  test('zsh: a ZDOTDIR set by the user\'s .zshenv is honoured, and left as they set it', (t) => {
    const zsh = needProgram(t, 'zsh');
    if (!zsh) return;
    const home = join(fx.box.dir, 'zhome');
    mkdirSync(join(home, 'zdot'), { recursive: true });
    writeFileSync(join(home, '.zshenv'), 'ZDOTDIR=$HOME/zdot\n');
    writeFileSync(join(home, 'zdot', '.zshrc'), 'USER_RC=zdot\n');
    const inputFile = join(fx.box.dir, 'input-zdot');
    writeFileSync(inputFile, 'echo "@@rc=$USER_RC zd=$ZDOTDIR ve=$VIRTUAL_ENV"; exit 0\n');
    const fd = openSync(inputFile, 'r');
    const r = venvkit(['shell', '-q', fx.envDir, '--shell', zsh], { cwd: fx.box.dir, env: { ...fx.box.env, HOME: home }, stdio: [fd, 'pipe', 'pipe'] });
    closeSync(fd);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, new RegExp(`@@rc=zdot zd=${join(home, 'zdot')} ve=`));
    assert.ok(r.stdout.includes(`ve=${fx.envDir}`), r.stdout);
  });

  test('an env active in the parent is left first: its bin leaves PATH, and deactivate gives a plain shell', (t) => {
    const bash = needProgram(t, 'bash');
    if (!bash) return;
    const other = join(fx.box.dir, 'parent-env');
    const env = { ...fx.box.env, SHELL: bash, VIRTUAL_ENV: other, VIRTUAL_ENV_PROMPT: 'parent', PATH: `${join(other, 'bin')}:${fx.box.env.PATH}` };
    const inputFile = join(fx.box.dir, 'input-parent');
    writeFileSync(inputFile, 'echo "@@path=$PATH"; deactivate; echo "@@after=${VIRTUAL_ENV-none} $PATH"; exit 0\n');
    const fd = openSync(inputFile, 'r');
    const r = venvkit(['shell', '-q', fx.envDir], { cwd: fx.box.dir, env, stdio: [fd, 'pipe', 'pipe'] });
    closeSync(fd);
    assert.equal(r.status, 0, r.stderr);
    assert.ok(r.stdout.includes(`@@path=${join(fx.envDir, 'bin')}:${fx.box.env.PATH}\n`), r.stdout);
    assert.ok(r.stdout.includes(`@@after=none ${fx.box.env.PATH}\n`), r.stdout);
  });

  test('--shell picks the shell; an unknown one is a clear error', (t) => {
    const bash = needProgram(t, 'bash');
    if (!bash) return;
    const r = venvkit(['shell', '-q', fx.envDir, '--shell', 'bash'], { cwd: fx.box.dir, env: { ...fx.box.env, SHELL: '/bin/false' }, input: 'exit 0\n' });
    assert.equal(r.status, 0, r.stderr);
    const bad = venvkit(['shell', fx.envDir, '--shell', 'cmd-not-a-shell'], { cwd: fx.box.dir, env: fx.box.env });
    assert.equal(bad.status, 1);
    assert.match(bad.stderr, /does not know how to start/);
  });

  test('shell kinds and launch plans (nushell and PowerShell included)', () => {
    assert.equal(shellKind('/usr/bin/zsh'), 'zsh');
    assert.equal(shellKind('/bin/bsd-csh'), 'tcsh');
    assert.equal(shellKind('pwsh.exe'), 'pwsh');
    // nushell: a REPL in a terminal, else stdin as a script (nu.test.ts runs both for real).
    const nu = launchPlan({ shell: 'nu', bin: '/e "x"/bin', startupDir: '/tmp/s', env: {} });
    assert.equal(nu.args[0], '--no-config-file');
    assert.ok(nu.args.at(-1)!.includes('-e "overlay use \\"/e \\\\\\"x\\\\\\"/bin/activate.nu\\""'), nu.args.at(-1));
    const ps = launchPlan({ shell: 'pwsh', bin: "/e 'x'/bin", startupDir: '/tmp/s', env: {} });
    assert.deepEqual(ps.args.slice(-1), [". '/e ''x''/bin/Activate.ps1'"]);
  });
});

describe('nushell and PowerShell scripts', () => {
  // The full nushell checks (environment restored, prompt, hostile name) are in nu.test.ts.
  test('nu runs activate.nu (installed by scripts/test-tools.sh; CI installs it)', (t) => {
    const nu = needProgram(t, 'nu');
    if (!nu) return;
    const file = join(fx.envDir, 'bin', 'activate.nu');
    const code = `overlay use ${nuRaw(file)}; print $env.VIRTUAL_ENV; deactivate; print ('VIRTUAL_ENV' in ($env | columns))`;
    const r = spawnSync(nu, ['--no-config-file', '-c', code], { encoding: 'utf8', cwd: fx.box.dir, env: fx.box.env });
    assert.equal(r.status, 0, `${r.stdout}\n${r.stderr}`);
    assert.equal(r.stderr, '');
    assert.equal(r.stdout, `${fx.envDir}\nfalse\n`);
    assert.deepEqual(sentinels(fx.box.dir), []);
  });

  test('pwsh runs Activate.ps1 (skipped where pwsh is not installed: no Debian package, CI cannot install it)', (t) => {
    if (!which('pwsh')) {
      console.log('# skip: pwsh is not installed (no Debian package; CI cannot install it)');
      t.skip('pwsh is not installed');
      return;
    }
    const file = join(fx.envDir, 'bin', 'Activate.ps1');
    const out = spawnShell('pwsh', ['-NoProfile', '-Command', `. '${file.replace(/'/g, "''")}'; $env:VIRTUAL_ENV; deactivate; "after=$env:VIRTUAL_ENV"`]);
    assert.ok(out.includes(fx.envDir), out);
    assert.deepEqual(sentinels(fx.box.dir), []);
  });
});

/** ksh93's `command -v` prints unusual paths as $'...' or '...' literals. */
function unquoteKsh(s: string): string {
  const m = /^\$'(.*)'$/s.exec(s);
  if (m) return m[1].replace(/\\(.)/g, '$1');
  const q = /^'(.*)'$/s.exec(s);
  return q ? q[1] : s;
}

function spawnShell(program: string, args: readonly string[]): string {
  const r = spawnSync(program, [...args], { encoding: 'utf8', cwd: fx.box.dir, env: fx.box.env });
  return String(r.stdout) + String(r.stderr);
}
