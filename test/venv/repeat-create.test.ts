// createVenv called again in one process (a program making many envs): the second create makes no
// system call it does not need (strace), and a path given again still means what it points at now.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ROOT } from '../helpers/cli.js';
import { run, strace, straceFollow } from '../helpers/syscall-faults.js';
import { interpreters, removeDir, tempDir, testEnv } from '../helpers/venv.js';

let dir: string;
let env: NodeJS.ProcessEnv;
let py: string;
before(() => {
  dir = tempDir('repeat-create');
  env = testEnv(join(dir, 'cache'));
  py = interpreters().find((i) => i.version.startsWith('3.12'))?.path ?? interpreters()[0]!.path;
});
after(() => removeDir(dir));

const INDEX = pathToFileURL(join(ROOT, 'dist', 'index.js')).href;

/** A Node program creating envs at `targets` in turn from interpreter path `python`, a line on fd 2 before each. */
const program = (python: string, targets: string[]) => `
import { writeSync } from 'node:fs';
const { createVenv } = await import(${JSON.stringify(INDEX)});
for (const [i, t] of ${JSON.stringify(targets)}.entries()) {
  writeSync(2, 'create ' + i + '\\n');
  await createVenv(t, { python: ${JSON.stringify(python)}, withoutPip: true });
}
writeSync(2, 'done\\n');
`;

test('the second createVenv in a process: the target looked at once, no mkdir -p, no second lookup of the interpreter', async (t) => {
  const st = strace();
  if (!st) return t.skip('needs strace');
  const parent = join(dir, 'p1');
  mkdirSync(parent);
  const [first, second] = [join(parent, 'one'), join(parent, 'two')];
  const log = join(dir, 'p1.strace');
  const r = await run(st, [...straceFollow(st), '-qq', '-o', log, '-e', 'trace=%file,%desc', process.execPath, '--input-type=module', '-e', program(py, [first, second])], { env });
  assert.equal(r.status, 0, r.stderr);
  const lines = readFileSync(log, 'utf8').split('\n');
  const from = lines.findIndex((l) => l.includes('"create 1\\n"'));
  const to = lines.findIndex((l) => l.includes('"done\\n"'));
  assert.ok(from > 0 && to > from, 'the markers are in the trace');
  const calls = lines.slice(from + 1, to);
  const shown = calls.join('\n');
  // Each of these was made by a create before: a second lstat of a missing target (with an
  // exception built for it), mkdir -p of the parent just listed and of bin/ just made, the
  // interpreter's directory and pyenv's shims looked at to rule out a shim.
  assert.equal(calls.filter((l) => l.includes(`"${second}"`) && /stat/.test(l)).length, 1, `the target is looked at once:\n${shown}`);
  assert.deepEqual(calls.filter((l) => /mkdir/.test(l) && /EEXIST/.test(l)), [], `no mkdir of what exists:\n${shown}`);
  const pyDir = py.slice(0, py.lastIndexOf('/'));
  assert.deepEqual(calls.filter((l) => /stat/.test(l) && (l.includes(`"${pyDir}"`) || l.includes('/shims"'))), [], `the interpreter is not looked up again:\n${shown}`);
  for (const target of [first, second]) assert.match(readFileSync(join(target, 'pyvenv.cfg'), 'utf8'), /^version(_info)? = 3\./m);
});

test('an interpreter path given again that now points elsewhere: the env is made for what it points at now', async () => {
  const pys = interpreters().filter((i) => i.version !== 'pypy');
  const [a, b] = [pys[0]!, pys[pys.length - 1]!];
  assert.notEqual(a.version, b.version, 'two CPython versions are installed');
  const link = join(dir, 'python');
  symlinkSync(a.path, link);
  // Between the creates, the program's link is moved to the other interpreter (renamed over: atomic).
  const swap = join(dir, 'python.new');
  symlinkSync(b.path, swap);
  const targets = [join(dir, 'a1'), join(dir, 'a2'), join(dir, 'b1')];
  const code = `
import { renameSync } from 'node:fs';
const { createVenv } = await import(${JSON.stringify(INDEX)});
await createVenv(${JSON.stringify(targets[0])}, { python: ${JSON.stringify(link)}, withoutPip: true });
await createVenv(${JSON.stringify(targets[1])}, { python: ${JSON.stringify(link)}, withoutPip: true });
renameSync(${JSON.stringify(swap)}, ${JSON.stringify(link)});
await createVenv(${JSON.stringify(targets[2])}, { python: ${JSON.stringify(link)}, withoutPip: true });
`;
  const r = await run(process.execPath, ['--input-type=module', '-e', code], { env });
  assert.equal(r.status, 0, r.stderr);
  const version = (target: string) => /^version(?:_info)? = (\S+)/m.exec(readFileSync(join(target, 'pyvenv.cfg'), 'utf8'))?.[1];
  assert.equal(version(targets[0]!), a.version);
  assert.equal(version(targets[1]!), a.version);
  assert.equal(version(targets[2]!), b.version);
});
