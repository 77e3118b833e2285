import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { logicalLines, parseRequirementsText, readRequirementFiles } from '../../src/index/requirements-file.js';
import { isVenvkitError } from '../../src/errors.js';
import { applyFileOptions } from '../../src/index/pip-config.js';
import { checkRequireHashes, hashPins } from '../../src/index/require-hashes.js';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

const dir = mkdtempSync(join(tmpdir(), 'vk-reqs-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const write = (name: string, text: string) => { const p = join(dir, name); mkdirSync(join(p, '..'), { recursive: true }); writeFileSync(p, text); return p; };

test('logical lines: continuations keep the first line number, comments end lines', () => {
  assert.deepEqual(logicalLines('a\n\n# c\nb \\\n  >=1 \\\n  ,<2\nc # trailing\nd#not-a-comment\n'), [
    { text: 'a', line: 1 }, { text: 'b   >=1   ,<2', line: 4 }, { text: 'c', line: 7 }, { text: 'd#not-a-comment', line: 8 },
  ]);
});

test('requirements with markers, extras, URLs and several --hash; option lines', () => {
  const text = [
    'requests[socks] >= 2.0 ; python_version >= "3.8"',
    'six==1.16.0 --hash=sha256:AAAA --hash sha256:bbbb \\',
    '    --hash=sha512:cc',
    'pkg @ https://example.com/pkg-1.0-py3-none-any.whl',
    '--index-url http://i/simple',
    '-i=http://j/simple',
    '--extra-index-url=http://e/simple',
    '-f /wheels',
    '--pre',
    '--no-index',
    'name-with-${USER_PART}-suffix',
  ].join('\n');
  const lines = parseRequirementsText(text, 'r.txt', { USER_PART: 'x' });
  assert.deepEqual(lines, [
    { kind: 'requirement', line: 1, text: 'requests[socks] >= 2.0 ; python_version >= "3.8"', hashes: [] },
    { kind: 'requirement', line: 2, text: 'six==1.16.0', hashes: ['sha256:aaaa', 'sha256:bbbb', 'sha512:cc'] },
    { kind: 'requirement', line: 4, text: 'pkg @ https://example.com/pkg-1.0-py3-none-any.whl', hashes: [] },
    { kind: 'option', line: 5, name: 'index-url', value: 'http://i/simple' },
    { kind: 'option', line: 6, name: 'index-url', value: 'http://j/simple' },
    { kind: 'option', line: 7, name: 'extra-index-url', value: 'http://e/simple' },
    { kind: 'option', line: 8, name: 'find-links', value: '/wheels' },
    { kind: 'option', line: 9, name: 'pre', value: undefined },
    { kind: 'option', line: 10, name: 'no-index', value: undefined },
    { kind: 'requirement', line: 11, text: 'name-with-x-suffix', hashes: [] },
  ]);
  // Unset variables stay as written (pip does the same); lower-case names are not variables.
  assert.equal((parseRequirementsText('a${NOPE_VK}b$HOME${home}', 'r', {})[0] as { text: string }).text, 'a${NOPE_VK}b$HOME${home}');
});

test('errors name the file and the line', () => {
  const cases: [string, RegExp][] = [
    ['ok\n--frobnicate', /r\.txt:2: unknown option '--frobnicate'/],
    ['ok\n\nfoo --index-url http://x', /r\.txt:3: option --index-url cannot follow a requirement/],
    ['foo --hash=md5:abc', /r\.txt:1: bad --hash 'md5:abc'/],
    ['--hash=sha256:ab', /r\.txt:1: --hash must follow a requirement/],
    ['-r', /r\.txt:1: option '-r' needs a value/],
    ['foo; python_version < "3', /r\.txt:1: unterminated quote/],
  ];
  for (const [text, re] of cases) {
    assert.throws(() => parseRequirementsText(text, 'r.txt'), (e) => isVenvkitError(e, 'BAD_REQUIREMENT') && re.test(e.message), text);
  }
});

test('-r and -c includes relative to the including file; constraints marked; options collected', async () => {
  write('sub/base.txt', '# base\nclick>=8\n-c ../cons/c.txt\n--extra-index-url http://extra/simple\n-f wheels\n');
  mkdirSync(join(dir, 'sub', 'wheels'), { recursive: true });
  write('cons/c.txt', 'click<9\n-r more-cons.txt\n');
  write('cons/more-cons.txt', 'idna==3.4 --hash=sha256:00ff\n');
  const top = write('top.txt', '-r sub/base.txt\n--requirement=sub/extra.txt\nflask\n--require-hashes\n');
  write('sub/extra.txt', './local/pkg-1.0-py3-none-any.whl\nfile:///abs/other-2.0-py3-none-any.whl\njinja2 ; python_version > "3"\n');
  const r = await readRequirementFiles([{ path: top }], { cwd: '/work/cwd' });
  assert.deepEqual(r.requirements.map((x) => [x.text, x.file.slice(dir.length), x.line]), [
    ['click>=8', '/sub/base.txt', 2],
    ['./local/pkg-1.0-py3-none-any.whl', '/sub/extra.txt', 1],
    ['file:///abs/other-2.0-py3-none-any.whl', '/sub/extra.txt', 2],
    ['jinja2 ; python_version > "3"', '/sub/extra.txt', 3],
    ['flask', '/top.txt', 3],
  ]);
  // Local paths are taken from the current directory, as pip does.
  assert.deepEqual(r.requirements[1]!.location, { path: '/work/cwd/local/pkg-1.0-py3-none-any.whl', url: 'file:///work/cwd/local/pkg-1.0-py3-none-any.whl' });
  assert.deepEqual(r.requirements[2]!.location, { path: '/abs/other-2.0-py3-none-any.whl', url: 'file:///abs/other-2.0-py3-none-any.whl' });
  assert.equal(r.requirements[0]!.location, undefined);
  assert.deepEqual(r.constraints.map((x) => [x.text, x.constraint, x.hashes]), [['click<9', true, []], ['idna==3.4', true, ['sha256:00ff']]]);
  assert.deepEqual(r.options.extraIndexUrls, ['http://extra/simple']);
  assert.deepEqual(r.options.findLinks, [join(dir, 'sub', 'wheels')], 'a relative find-links path that exists next to the file');
  assert.equal(r.options.requireHashes, true);
  assert.equal(r.files.length, 5);
});

test('a constraints file given directly; file:// paths; missing files and include loops are errors naming the file', async () => {
  const c = write('c2.txt', 'urllib3<2\n');
  const r = await readRequirementFiles([{ path: pathToFileURL(c).href, constraint: true }]);
  assert.deepEqual(r.constraints.map((x) => x.text), ['urllib3<2']);
  const bad = write('bad.txt', 'ok\n-r missing.txt\n');
  await assert.rejects(readRequirementFiles([{ path: bad }]), (e) => isVenvkitError(e, 'BAD_REQUIREMENT') && e.message.includes(`${bad}:2: cannot read requirements file ${join(dir, 'missing.txt')}`));
  write('loop-a.txt', '-r loop-b.txt\n');
  write('loop-b.txt', 'x\n-r loop-a.txt\n');
  await assert.rejects(readRequirementFiles([{ path: join(dir, 'loop-a.txt') }]), /loop-b\.txt:2: requirement files include each other in a loop/);
  const ed = write('ed.txt', '-e ./proj\n');
  await assert.rejects(readRequirementFiles([{ path: ed }], { cwd: dir }), /ed\.txt:1: -e \.\/proj: .*proj is not a directory/);
});

test('requirement files by http URL, with includes relative to that URL', async () => {
  const pages: Record<string, string> = { '/reqs/top.txt': 'alpha\n-r sub/more.txt\n', '/reqs/sub/more.txt': 'beta==1\n' };
  const server = createServer((req, res) => {
    const body = pages[req.url ?? ''];
    res.writeHead(body === undefined ? 404 : 200).end(body ?? 'no');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  try {
    const r = await readRequirementFiles([{ path: `${origin}/reqs/top.txt` }]);
    assert.deepEqual(r.requirements.map((x) => `${x.text} ${x.file}:${x.line}`), [`alpha ${origin}/reqs/top.txt:1`, `beta==1 ${origin}/reqs/sub/more.txt:1`]);
    await assert.rejects(readRequirementFiles([{ path: `${origin}/reqs/nope.txt` }]), /cannot read requirements file http:.*nope\.txt: GET .* failed: HTTP 404/);
  } finally {
    server.close();
  }
});

test('file options over pip settings: --index-url replaces, lists add, switches turn on', () => {
  const base = { indexUrl: 'https://pypi.org/simple', extraIndexUrls: ['file:///a'], findLinks: [], noIndex: false, pre: false, constraints: [], requireHashes: false, timeout: 15, trustedHosts: [] };
  const s = applyFileOptions(base, { indexUrl: 'http://i/simple', extraIndexUrls: ['file:///a', 'http://b/simple'], findLinks: ['/w'], noIndex: false, pre: true, requireHashes: true, trustedHosts: ['b'] });
  assert.deepEqual(s, { ...base, indexUrl: 'http://i/simple', extraIndexUrls: ['file:///a', 'http://b/simple'], findLinks: ['/w'], pre: true, requireHashes: true, trustedHosts: ['b'] });
});

test('--require-hashes: pinned with == and hashed, else errors naming file:line; pins intersect with constraints', () => {
  const line = (text: string, hashes: string[] = [], constraint = false, location?: { url: string }) =>
    ({ text, hashes, constraint, file: 'r.txt', line: 3, ...(location ? { location } : {}) });
  const ok = [line('Foo_Bar==1.0', ['sha256:aa', 'sha256:bb']), line('./x-1.0-py3-none-any.whl', ['sha256:cc'], false, { url: 'file:///x-1.0-py3-none-any.whl' })];
  checkRequireHashes(ok);
  const pins = hashPins(ok, [line('foo-bar<2', ['sha256:bb', 'sha256:dd'], true)]);
  assert.deepEqual(pins.get('foo-bar'), ['sha256:bb']);
  assert.deepEqual(pins.get('file:///x-1.0-py3-none-any.whl'), ['sha256:cc']);
  assert.throws(() => checkRequireHashes([line('foo>=1', ['sha256:aa'])]), /must be pinned with ==; these are not:\n  foo>=1 \(r\.txt:3\)/);
  assert.throws(() => checkRequireHashes([line('foo==1.*', ['sha256:aa'])]), /pinned with ==/);
  assert.throws(() => checkRequireHashes([line('foo==1.0')]), /needs --hash; these have none:\n  foo==1\.0 \(r\.txt:3\)/);
  // A hash given only in a constraints file is enough (pip honours constraint hashes).
  checkRequireHashes([line('foo==1.0')], [line('foo==1.0', ['sha256:aa'], true)]);
});
