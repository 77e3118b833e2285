// pip's optparse takes a unique prefix of a long option on every command, not only install: the
// venvkit commands that mirror pip's (uninstall, list, show, freeze, check, lock, cache) take them
// with pip's rules — pip's names first (the lists are pip 26.2's, compared here), an exact name
// wins, an ambiguous prefix is refused in pip's words (compared with pip 26.2 for list and
// uninstall), a prefix of a pip option the command does not take says so — and venvkit's own
// commands (sync, tree, create) take unique prefixes of their own options.
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pipCompare, versionWheel as wheel } from '../helpers/pip-compare.js';
import { python3x } from '../pip/helpers.js';
import { pipOptionNamesOf, type PipCommand } from '../../src/cli/pip-option-names.js';

const c = pipCompare('vk-abbrev-');
const { tmp, vk, pip } = c;
const python = python3x();
const skip = python ? false : 'no CPython 3.11/3.12 under $PYENV_ROOT';
if (!python && process.env.CI === 'true') throw new Error(skip as string);
let envDir: string;

before(async () => {
  if (skip) return;
  const files = join(tmp, 'files');
  mkdirSync(files, { recursive: true });
  wheel(files, 'pa', '1.0', ['pb']);
  wheel(files, 'pb', '1.0');
  envDir = join(tmp, 'env');
  assert.equal((await vk(['create', '-q', '--without-pip', '-p', python!, envDir])).status, 0);
  const r = await vk(['install', '--env', envDir, '--no-index', '-f', files, 'pa']);
  assert.equal(r.status, 0, r.stderr);
});
after(() => rmSync(tmp, { recursive: true, force: true }));

/** The same run with the whole option names and with abbreviations: the same output. */
async function same(full: string[], short: string[]) {
  const [a, b] = await Promise.all([vk(full), vk(short)]);
  assert.equal(a.status, 0, `${full.join(' ')}: ${a.stderr}`);
  assert.equal(b.status, 0, `${short.join(' ')}: ${b.stderr}`);
  assert.equal(b.stdout, a.stdout, short.join(' '));
  return b;
}

test('a unique prefix of a long option works on every pip-like command and on venvkit\'s own; an exact name wins', { skip, timeout: 300_000 }, async () => {
  const e = ['--env', envDir];
  const listed = await same(['list', ...e, '--not-required', '--format=freeze'], ['list', '--en', envDir, '--not-req', '--form=freeze']);
  assert.equal(listed.stdout, 'pa==1.0\n');
  await same(['list', ...e, '--format', 'json', '--exclude', 'pb'], ['list', ...e, '--forma', 'json', '--exclude', 'pb']); // --exclude: exact, though --exclude-editable starts with it
  await same(['show', ...e, '--files', 'pa'], ['show', ...e, '--fi', 'pa']);
  await same(['freeze', ...e, '--all'], ['freeze', ...e, '--al']);
  await same(['check', ...e], ['check', '--en', envDir]); // (--e would be pip's --exists-action)
  await same(['tree', ...e, '--reverse'], ['tree', ...e, '--rev']);
  await same(['cache', 'dir', '--verbose'], ['cache', 'dir', '--verb']);
  // Not only reading commands: uninstall --ye(s) asks nothing and removes.
  const r = await vk(['uninstall', ...e, '--ye', 'pb']);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout + r.stderr, /Uninstalled pb 1\.0/);
  const dry = await vk(['sync', ...e, '--dry', '--exa', '--js', writeLock()]);
  assert.equal(dry.status, 0, dry.stderr);
  assert.deepEqual(JSON.parse(dry.stdout).removed.map((p: { name: string }) => p.name), ['pa'], 'sync --exa --dry: an exact dry run');
  const made = join(tmp, 'made');
  assert.equal((await vk(['create', '--without-p', '-q', '--prom', 'x y', '-p', python!, made])).status, 0);
  assert.ok(existsSync(join(made, 'pyvenv.cfg')) && !existsSync(join(made, 'bin', 'pip')));
});

function writeLock(): string {
  const file = join(tmp, 'empty.txt');
  writeFileSync(file, '');
  return file;
}

test('an ambiguous prefix is refused in pip 26.2\'s words (list, uninstall); a prefix of a pip option the command does not take says so; pip\'s names are pip 26.2\'s', { skip, timeout: 300_000 }, async (t) => {
  const cases = [['list', '--ex'], ['uninstall', '--r', 'pa'], ['freeze', '--ex']];
  const mine = await Promise.all(cases.map((a) => vk([...a, '--env', envDir])));
  const words = (text: string) => /ambiguous option: [^\n]*/.exec(text)?.[0];
  for (const [i, r] of mine.entries()) {
    assert.equal(r.status, 2, r.stderr);
    assert.match(r.stderr, /\nhint: /);
    assert.ok(words(r.stderr), `${cases[i]!.join(' ')}: ${r.stderr}`);
  }
  assert.match(mine[0]!.stderr, /list: ambiguous option: --ex \(--exclude, --exclude-editable, --exists-action, --extra-index-url\?\)/);
  const own = await vk(['sync', '--ex', '--env', envDir, 'x.txt']);
  assert.equal(own.status, 2);
  assert.match(own.stderr, /sync: ambiguous option: --ex \(--exact, --extra, --extra-index-url\?\)/);
  const notTaken = await vk(['lock', '--uploaded', 'P3D', 'pa']);
  assert.equal(notTaken.status, 2);
  assert.match(notTaken.stderr, /lock: --uploaded stands for pip's --uploaded-prior-to, which venvkit lock does not take/);
  const p = pip(t);
  if (!p) return;
  const theirs = await p.pipManyAsync(cases, { env: c.env, cwd: tmp });
  theirs.forEach((r, i) => {
    assert.equal(r.status, 2, `pip ${cases[i]!.join(' ')}: ${r.stderr}`);
    assert.equal(words(mine[i]!.stderr), words(r.stderr) ?? `pip: ${r.stderr}`, cases[i]!.join(' '));
  });
  const commands: PipCommand[] = ['uninstall', 'list', 'show', 'freeze', 'check', 'lock', 'cache'];
  const names = p.run(['-c', `import json; from pip._internal.commands import create_command; print(json.dumps({n: sorted(o[2:] for o in create_command(n).parser._long_opt) for n in ${JSON.stringify(commands)}}))`]);
  assert.equal(names.status, 0, names.stderr);
  const want = JSON.parse(names.stdout) as Record<string, string[]>;
  for (const n of commands) assert.deepEqual([...new Set(pipOptionNamesOf(n))].sort(), want[n], n);
});
