// Colour is decided per stream: under a real pseudo-terminal (util-linux `script`), a stream
// redirected to a file gets no escape codes even when the other one is the terminal; FORCE_COLOR,
// NO_COLOR and --color auto|always|never decide as the README says.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BIN } from '../helpers/cli.js';
import { which } from '../helpers/shells.js';

const tmp = mkdtempSync(join(tmpdir(), 'vk-color-'));
after(() => rmSync(tmp, { recursive: true, force: true }));
const q = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;
const ESC = /\x1b\[/;

/** Run `shellCommand` (sh syntax; $VK is venvkit) with a pseudo-terminal for stdin, stdout and stderr; returns what reached the terminal. */
function onTerminal(shellCommand: string, env: NodeJS.ProcessEnv = {}): string {
  const base: NodeJS.ProcessEnv = { ...process.env, TERM: 'xterm', VK: BIN, ...env };
  for (const k of ['NO_COLOR', 'FORCE_COLOR']) if (!(k in env)) delete base[k];
  const r = spawnSync('script', ['-qec', shellCommand, '/dev/null'], { env: base, encoding: 'utf8', cwd: tmp, timeout: 60_000 });
  assert.equal(r.error, undefined);
  return r.stdout;
}

test('colour per stream under a pseudo-terminal; FORCE_COLOR, NO_COLOR, --color', (t) => {
  if (!which('script')) {
    if (process.env.CI === 'true') assert.fail('script (util-linux) is not installed, but CI has it');
    return t.skip('script (util-linux) is not installed');
  }
  const outFile = join(tmp, 'out.txt');
  const errFile = join(tmp, 'err.txt');
  const missing = join(tmp, 'no-such-env');

  // stdout redirected, stderr the terminal: the file is plain, the error on the terminal is coloured.
  let tty = onTerminal(`"$VK" python list > ${q(outFile)}; "$VK" info ${q(missing)} > ${q(outFile + '2')}`);
  const listing = readFileSync(outFile, 'utf8');
  assert.match(listing, /VERSION/);
  assert.doesNotMatch(listing, ESC, 'no escape codes in redirected stdout');
  assert.match(tty, /\x1b\[31merror\x1b\[0m: /, 'the error on the terminal is red');

  // stderr redirected, stdout the terminal: the header on the terminal is bold, the error file plain.
  tty = onTerminal(`"$VK" python list 2> ${q(errFile)}; "$VK" info ${q(missing)} 2> ${q(errFile)}`);
  assert.match(tty, /\x1b\[1m +VERSION/, 'the header on the terminal is bold');
  const err = readFileSync(errFile, 'utf8');
  assert.match(err, /^error: /);
  assert.doesNotMatch(err, ESC);

  // NO_COLOR: none, even on the terminal; --color always wins over it, also into a file.
  assert.doesNotMatch(onTerminal(`"$VK" python list; "$VK" info ${q(missing)}`, { NO_COLOR: '1' }), ESC);
  onTerminal(`"$VK" python list --color always > ${q(outFile)}`, { NO_COLOR: '1' });
  assert.match(readFileSync(outFile, 'utf8'), ESC);
  onTerminal(`"$VK" --color=always python list > ${q(outFile)}`);
  assert.match(readFileSync(outFile, 'utf8'), ESC, '--color before the command');
  // --color never: none on the terminal either.
  assert.doesNotMatch(onTerminal(`"$VK" --color never python list; "$VK" info --color never ${q(missing)}`), ESC);
  // FORCE_COLOR (as Node reads it): 1 colours a file, even with NO_COLOR; 0 turns colour off on a terminal.
  onTerminal(`"$VK" python list > ${q(outFile)}`, { FORCE_COLOR: '1', NO_COLOR: '1' });
  assert.match(readFileSync(outFile, 'utf8'), ESC);
  assert.doesNotMatch(onTerminal(`"$VK" python list`, { FORCE_COLOR: '0' }), ESC);
  // TERM=dumb: none.
  assert.doesNotMatch(onTerminal(`"$VK" python list`, { TERM: 'dumb' }), ESC);
});

test('--color with a bad value is a usage error naming it', () => {
  const r = spawnSync(BIN, ['--color', 'sometimes', 'python', 'list'], { encoding: 'utf8' });
  assert.equal(r.status, 2);
  assert.match(r.stderr, /--color must be one of auto, always, never \(got "sometimes"\)/);
  const r2 = spawnSync(BIN, ['python', 'list', '--color=rainbow'], { encoding: 'utf8' });
  assert.equal(r2.status, 2);
  assert.match(r2.stderr, /rainbow/);
});
