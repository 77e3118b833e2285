// Requirement files: -e/--editable lines (paths with extras, file:// URLs, VCS URLs with #egg=,
// `name @ URL`), bare VCS URL lines, and --no-binary/--only-binary/--prefer-binary carried in the
// parsed result (they were accepted and ignored before).
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { readRequirementFiles } from '../../src/index/requirements-file.js';
import { parseEditable } from '../../src/index/editable-requirement.js';
import { FormatControl } from '../../src/index/format-control.js';
import { isVenvkitError } from '../../src/errors.js';

const dir = mkdtempSync(join(tmpdir(), 'vk-reqs-ed-'));
after(() => rmSync(dir, { recursive: true, force: true }));
mkdirSync(join(dir, 'proj'));
mkdirSync(join(dir, 'other dir'));
const write = (name: string, text: string) => {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
};

test('-e lines: paths (with extras), file:// URLs, VCS URLs with #egg=, name @ URL; each marked editable', async () => {
  const f = write('dev.txt', [
    '-e ./proj[test,docs]',
    '--editable=proj',
    `-e ${pathToFileURL(join(dir, 'proj')).href}`,
    '-e git+https://example.com/org/repo.git@v1.2#egg=demo&subdirectory=py',
    "-e 'other @ git+ssh://git@example.com/org/other.git@main'",
    '-e "./other dir"',
    'requests>=2',
  ].join('\n') + '\n');
  const r = await readRequirementFiles([{ path: f }], { cwd: dir });
  const eds = r.requirements.map((x) => x.editable);
  const proj = pathToFileURL(join(dir, 'proj')).href;
  assert.deepEqual(eds[0], { text: './proj[test,docs]', url: proj, path: join(dir, 'proj'), extras: ['test', 'docs'] });
  assert.deepEqual(eds[1], { text: 'proj', url: proj, path: join(dir, 'proj'), extras: [] });
  assert.equal(eds[2]!.path, join(dir, 'proj'));
  assert.equal(eds[3]!.name, 'demo');
  assert.equal(eds[3]!.url, 'git+https://example.com/org/repo.git@v1.2#egg=demo&subdirectory=py');
  assert.deepEqual([eds[3]!.vcs!.url, eds[3]!.vcs!.rev, eds[3]!.vcs!.subdirectory], ['https://example.com/org/repo.git', 'v1.2', 'py']);
  assert.equal(eds[4]!.name, 'other');
  assert.equal(eds[4]!.vcs!.rev, 'main');
  assert.equal(eds[5]!.path, join(dir, 'other dir'));
  assert.equal(eds[6], undefined);
  assert.deepEqual(r.requirements.map((x) => x.line), [1, 2, 3, 4, 5, 6, 7]);
});

test('-e errors: not a directory, no project name for a VCS URL, not a URL pip knows, in a constraints file', async () => {
  const cases: [string, RegExp][] = [
    ['-e ./missing\n', /bad1\.txt:1: -e \.\/missing: .*missing is not a directory/],
    ['-e git+https://example.com/repo.git\n', /cannot tell the project name/],
    ['-e https://example.com/x.tar.gz\n', /not a valid editable requirement/],
    ['-e git+https://example.com/repo.git@--upload-pack=x#egg=a\n', /starts with '-'/],
  ];
  for (const [i, [text, msg]] of cases.entries()) {
    const f = write(`bad${i + 1}.txt`, text);
    await assert.rejects(readRequirementFiles([{ path: f }], { cwd: dir }), (e: unknown) => isVenvkitError(e, 'BAD_REQUIREMENT') && msg.test((e as Error).message) && !!(e as { hint?: string }).hint, text);
  }
  const c = write('cons.txt', '-e ./proj\n');
  await assert.rejects(readRequirementFiles([{ path: c, constraint: true }], { cwd: dir }), /cons\.txt:1: editable requirements are not allowed as constraints/);
  const file = write('afile', '');
  assert.throws(() => parseEditable(file, dir), /afile is not a directory/);
});

test('bare VCS URL lines are located as VCS (also with userinfo and @rev), name @ git+ stays a named requirement', async () => {
  const f = write('vcs.txt', [
    'git+https://user@example.com/org/repo.git@v1#egg=demo',
    'git+git@example.com:org/repo.git@main#egg=scp',
    'named @ git+https://example.com/n.git@v2',
  ].join('\n') + '\n');
  const r = await readRequirementFiles([{ path: f }], { cwd: dir });
  assert.deepEqual(r.requirements[0]!.location, { url: 'git+https://user@example.com/org/repo.git@v1#egg=demo', vcs: true });
  assert.deepEqual(r.requirements[1]!.location, { url: 'git+git@example.com:org/repo.git@main#egg=scp', vcs: true });
  assert.equal(r.requirements[2]!.location, undefined);
});

test('--no-binary / --only-binary / --prefer-binary lines are carried, in order, with pip\'s meaning', async () => {
  const inc = write('inc.txt', '--only-binary numpy\n');
  const f = write('fmt.txt', `--no-binary :all:\n--only-binary=Foo_Bar,baz\n-r ${inc}\n--prefer-binary\n--no-binary numpy\nx\n`);
  const r = await readRequirementFiles([{ path: f }], { cwd: dir });
  assert.deepEqual(r.options.formatControl!.map((o) => `${o.option}=${o.value}`), ['no-binary=:all:', 'only-binary=Foo_Bar,baz', 'only-binary=numpy', 'no-binary=numpy']);
  assert.equal(r.options.formatControl![0]!.where, `${f}:1`);
  assert.equal(r.options.preferBinary, true);
  // The command line's values come first, the files' after (as pip applies them).
  const fc = FormatControl.from([{ option: 'only-binary', value: 'six' }, ...r.options.formatControl!]);
  assert.deepEqual(fc.toJSON(), { noBinary: [':all:', 'numpy'], onlyBinary: ['baz', 'foo-bar'] });
  assert.deepEqual([...fc.allowedFormats('six')], ['source'], ':all: in a file overrides the command line\'s name');
  const bad = write('fmt-bad.txt', '--no-binary --pre\n');
  await assert.rejects(readRequirementFiles([{ path: bad }], { cwd: dir }), /fmt-bad\.txt:1: --no-binary needs a value/);
  const plain = await readRequirementFiles([{ path: write('plain.txt', 'x\n') }], { cwd: dir });
  assert.deepEqual([plain.options.formatControl, plain.options.preferBinary], [[], false]);
});
