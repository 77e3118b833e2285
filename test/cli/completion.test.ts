// venvkit completion bash|zsh|fish: the scripts load in real bash, zsh (driven under tmux, Tab
// pressed) and fish, and complete commands, subcommands, flags and flag values; the table they come
// from matches every command's parser (all its flags accepted) and --help (every flag listed there
// is offered), and the commands `venvkit --help` lists.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { venvkit } from '../helpers/cli.js';
import { needProgram, Tmux } from '../helpers/shells.js';
import { COMPLETION } from '../../src/cli/completion-spec.js';

test('the completion table matches the commands, their parsers and their --help', () => {
  const listed = [...venvkit(['--help']).stdout.matchAll(/^ {2}([a-z]+) /gm)].map((m) => m[1]);
  assert.deepEqual(listed.sort(), Object.keys(COMPLETION).sort(), 'every command of `venvkit --help` has completions');
  for (const [name, spec] of Object.entries(COMPLETION)) {
    if (name === 'help' || name === 'completion' || name === 'run') continue;
    const prefix = spec.subcommands ? [name, spec.subcommands[0]!] : [name];
    const args = spec.flags.filter((f) => f.long !== 'help').map((f) => (f.value ? `--${f.long}=${Array.isArray(f.value) ? f.value[0] : 'x'}` : `--${f.long}`));
    const r = venvkit([...prefix, ...args, '--help']);
    assert.equal(r.status, 0, `${prefix.join(' ')} does not take every flag offered: ${r.stderr}`);
    const shorts = spec.flags.filter((f) => f.short && !f.value).map((f) => `-${f.short}`);
    assert.equal(venvkit([...prefix, ...shorts, '--help']).status, 0, `${name}: short flags ${shorts.join(' ')}`);
    const inHelp = [...r.stdout.matchAll(/^\s+(?:-[a-zA-Z], )?--([a-z][a-z-]*)/gm)].map((m) => m[1]!);
    for (const flag of inHelp) assert.ok(spec.flags.some((f) => f.long === flag), `${name} --help lists --${flag}, completion does not offer it`);
  }
});

test('completion takes options as every command does: unique prefixes, --color, anywhere on the line', () => {
  const bash = venvkit(['completion', 'bash']);
  assert.equal(bash.status, 0, bash.stderr);
  for (const args of [['completion', 'bash', '--col=never'], ['completion', '--colo', 'always', 'bash'], ['completion', 'bash', '-q']]) {
    const r = venvkit(args);
    assert.equal(r.status, 0, `${args.join(' ')}: ${r.stderr}`);
    assert.equal(r.stdout, bash.stdout, args.join(' '));
  }
  for (const args of [['completion', '--he'], ['completion', '--hel', 'zsh'], ['completion', 'fish', '-h']]) {
    const r = venvkit(args);
    assert.equal(r.status, 0, `${args.join(' ')}: ${r.stderr}`);
    assert.match(r.stdout, /^Usage: venvkit completion bash\|zsh\|fish\n/, args.join(' '));
  }
  const unknown = venvkit(['completion', 'bash', '--hepl']);
  assert.equal(unknown.status, 2);
  assert.match(unknown.stderr, /completion: Unknown option '--hepl' \(did you mean --help\?\)\nhint: /);
  const json = venvkit(['completion', 'bash', '--json']);
  assert.equal(json.status, 2);
  // (An error under --json is reported as JSON on stdout, as for every command.)
  assert.equal(JSON.parse(json.stdout).error.code, 'USAGE');
  assert.match(JSON.parse(json.stdout).error.message, /--json does not apply/);
});

test('bash: the script completes commands, subcommands, flags and their values', (t) => {
  const bash = needProgram(t, 'bash');
  if (!bash) return;
  const script = venvkit(['completion', 'bash']).stdout;
  const complete = (...words: string[]) => {
    const r = spawnSync(bash, ['--norc', '--noprofile', '-c', `eval "$VK_SCRIPT"; COMP_WORDS=("$@"); COMP_CWORD=$((\${#COMP_WORDS[@]}-1)); _venvkit; printf '%s\\n' "\${COMPREPLY[@]}"`, 'bash', ...words], { env: { ...process.env, VK_SCRIPT: script }, encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    return r.stdout.split('\n').filter(Boolean);
  };
  assert.deepEqual(complete('venvkit', 'cr'), ['create']);
  assert.deepEqual(complete('venvkit', 'cache', 'p'), ['prune', 'purge']);
  assert.deepEqual(complete('venvkit', 'install', '--link-mode', ''), ['clone', 'copy', 'hardlink']);
  assert.deepEqual(complete('venvkit', 'list', '--form'), ['--format']);
  assert.deepEqual(complete('venvkit', '--color', 'never', 'unin'), ['uninstall']);
  assert.deepEqual(complete('venvkit', 'help', 'tr'), ['tree']);
  assert.deepEqual(complete('venvkit', 'completion', ''), ['bash', 'zsh', 'fish']);
  assert.ok(complete('venvkit', 'uninstall', '-').includes('--yes'));
});

test('fish: the script completes through fish\'s own engine', (t) => {
  const fish = needProgram(t, 'fish');
  if (!fish) return;
  const dir = mkdtempSync(join(tmpdir(), 'vk-compl-fish-'));
  try {
    const file = join(dir, 'venvkit.fish');
    writeFileSync(file, venvkit(['completion', 'fish']).stdout);
    const complete = (line: string) => {
      const r = spawnSync(fish, ['--no-config', '-c', `source ${file}; complete -C ${JSON.stringify(line)}`], { encoding: 'utf8' });
      assert.equal(r.status, 0, r.stderr);
      return r.stdout.split('\n').filter(Boolean).map((l) => l.split('\t')[0]);
    };
    assert.deepEqual(complete('venvkit cr'), ['create']);
    assert.deepEqual(complete('venvkit cache ').sort(), ['clean', 'dir', 'info', 'list', 'prune', 'purge', 'remove']);
    assert.deepEqual(complete('venvkit list --format ').sort(), ['columns', 'freeze', 'json']);
    assert.deepEqual(complete('venvkit install --link-m'), ['--link-mode']);
    assert.deepEqual(complete('venvkit tree --rev'), ['--reverse']);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('zsh: Tab in an interactive zsh (under tmux) completes with the native (compsys) script, sourced or autoloaded', async (t) => {
  const zsh = needProgram(t, 'zsh');
  const tmuxPath = needProgram(t, 'tmux');
  if (!zsh || !tmuxPath) return;
  const dir = mkdtempSync(join(tmpdir(), 'vk-compl-zsh-'));
  const file = join(dir, 'venvkit.zsh');
  writeFileSync(file, venvkit(['completion', 'zsh']).stdout);
  const env: Record<string, string> = { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: dir, TERM: 'xterm', ZDOTDIR: dir };
  const tmux = new Tmux(tmuxPath, dir, env);
  try {
    tmux.start([zsh, '-f', '-i'], dir);
    tmux.type("PS1='z%% '; autoload -Uz compinit && compinit -u -D; source " + file);
    await tmux.waitFor((s) => /z% $/m.test(s), 'the prompt', 60_000);
    tmux.key('C-l');
    tmux.key('venvkit cache cl');
    tmux.key('Tab');
    await tmux.waitFor((s) => s.includes('venvkit cache clean'), 'venvkit cache clean');
    tmux.key('C-u');
    tmux.key('venvkit install --link-mode ha');
    tmux.key('Tab');
    await tmux.waitFor((s) => s.includes('--link-mode hardlink'), '--link-mode hardlink');
    tmux.key('C-u');
    tmux.key('venvkit tree --rev');
    tmux.key('Tab');
    await tmux.waitFor((s) => s.includes('venvkit tree --reverse'), 'venvkit tree --reverse');
    tmux.key('C-u');
    tmux.key('venvkit list --format=fr');
    tmux.key('Tab');
    await tmux.waitFor((s) => s.includes('venvkit list --format=freeze'), 'venvkit list --format=freeze');
    // Native compsys: no bash emulation loaded, and _venvkit is an _arguments function.
    tmux.key('C-u');
    tmux.type("print -r -- bci=${+functions[bashcompinit]} ${${(M)${functions[_venvkit]}:#*_arguments*}:+native}");
    await tmux.waitFor((s) => /bci=0 native/.test(s), 'bci=0 native');
    // Saved as _venvkit in $fpath, it autoloads through compinit (the #compdef line).
    mkdirSync(join(dir, 'fp'));
    writeFileSync(join(dir, 'fp', '_venvkit'), venvkit(['completion', 'zsh']).stdout);
    tmux.type(`exec ${zsh} -f -i`);
    tmux.type(`PS1='y%% '; fpath=(${join(dir, 'fp')} $fpath); autoload -Uz compinit && compinit -u -D`);
    await tmux.waitFor((s) => /y% $/m.test(s), 'the second prompt', 60_000);
    tmux.key('C-l');
    tmux.key('venvkit cache pr');
    tmux.key('Tab');
    await tmux.waitFor((s) => s.includes('venvkit cache prune'), 'venvkit cache prune (autoloaded from $fpath)');
  } finally {
    tmux.kill();
    rmSync(dir, { recursive: true, force: true });
  }
});
