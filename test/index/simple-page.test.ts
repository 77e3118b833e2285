import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseHtmlPage, parseJsonPage, parseProjectPage, unescapeHtml } from '../../src/index/simple-page.js';
import { parseDistFilename, normalizeName } from '../../src/index/dist-filename.js';
import { parseMetadata } from '../../src/index/metadata.js';
import { parseNetrc } from '../../src/index/netrc.js';
import { bypassed, proxyFor } from '../../src/index/proxy.js';

const PAGE = 'https://idx.example/simple/foo/';

test('PEP 503 HTML: hrefs resolved, hash fragments, requires-python unescaped, yanked, core metadata, <base>', () => {
  const html = `<!DOCTYPE html><html><head><meta name="pypi:repository-version" content="1.1"></head><body>
    <a href="../../files/foo-1.0-py3-none-any.whl#sha256=ABCDEF" data-requires-python="&gt;=3.8,&lt;4">foo-1.0-py3-none-any.whl</a><br/>
    <a data-yanked="" href='https://cdn.example/f/foo-0.9-py3-none-any.whl#md5=00'>x</a>
    <a href="foo-0.8.tar.gz" data-yanked="broken &amp; bad">foo-0.8.tar.gz</a>
    <A HREF="/x/foo%2B1-2.0-py3-none-any.whl" data-dist-info-metadata="true" data-core-metadata="sha256=abc">y</A>
    <a href=foo-3.0-py3-none-any.whl data-core-metadata=true data-requires-python="&#62;=3.9">z</a>
    <a href="#nohref">nothing</a>
  </body></html>`;
  const links = parseHtmlPage(html, PAGE);
  assert.deepEqual(links[0], { filename: 'foo-1.0-py3-none-any.whl', url: 'https://idx.example/files/foo-1.0-py3-none-any.whl', hashes: { sha256: 'abcdef' }, requiresPython: '>=3.8,<4', yanked: false });
  assert.deepEqual(links[1], { filename: 'foo-0.9-py3-none-any.whl', url: 'https://cdn.example/f/foo-0.9-py3-none-any.whl', hashes: { md5: '00' }, yanked: true });
  assert.equal(links[2]!.yanked, 'broken & bad');
  assert.equal(links[3]!.filename, 'foo+1-2.0-py3-none-any.whl');
  assert.deepEqual(links[3]!.coreMetadata, { sha256: 'abc' }, 'data-core-metadata wins over the older data-dist-info-metadata (PEP 714)');
  assert.equal(links[4]!.coreMetadata, true);
  assert.equal(links[4]!.requiresPython, '>=3.9');
  assert.equal(links.length, 5, "an anchor to the page itself is not a file");
  const based = parseHtmlPage('<base href="https://other.example/pkgs/"><a href="foo-1.0.tar.gz">x</a>', PAGE);
  assert.equal(based[0]!.url, 'https://other.example/pkgs/foo-1.0.tar.gz');
});

test('PEP 691 JSON: relative URLs, hashes, requires-python, yanked reasons, core-metadata', () => {
  const body = JSON.stringify({
    meta: { 'api-version': '1.1' }, name: 'foo',
    files: [
      { filename: 'foo-1.0-py3-none-any.whl', url: '../../files/foo-1.0-py3-none-any.whl', hashes: { sha256: 'AA' }, 'requires-python': '>=3.8', yanked: false, 'core-metadata': { sha256: 'BB' } },
      { filename: 'foo-0.9-py3-none-any.whl', url: 'https://cdn.example/foo-0.9-py3-none-any.whl', hashes: {}, yanked: 'security', 'dist-info-metadata': true },
      { filename: 'foo-0.8.tar.gz', url: 'foo-0.8.tar.gz', hashes: {}, 'requires-python': null, yanked: true },
    ],
  });
  const links = parseProjectPage(body, PAGE, 'application/vnd.pypi.simple.v1+json');
  assert.deepEqual(links[0], { filename: 'foo-1.0-py3-none-any.whl', url: 'https://idx.example/files/foo-1.0-py3-none-any.whl', hashes: { sha256: 'aa' }, requiresPython: '>=3.8', yanked: false, coreMetadata: { sha256: 'bb' } });
  assert.equal(links[1]!.yanked, 'security');
  assert.equal(links[1]!.coreMetadata, true);
  assert.equal(links[2]!.yanked, true);
  assert.equal(links[2]!.requiresPython, undefined);
  assert.throws(() => parseJsonPage('{"nofiles": 1}', PAGE), /no "files" list/);
  // text/html goes to the HTML parser even if it looks odd.
  assert.equal(parseProjectPage('<a href="a-1.0-py3-none-any.whl">a</a>', PAGE, 'text/html; charset=utf-8').length, 1);
});

test('HTML unescaping: named, decimal and hex entities', () => {
  assert.equal(unescapeHtml('&lt;&gt;&amp;&quot;&#39;&#x27;&#60;x'), `<>&"''<x`);
});

test('distribution filenames: wheels, sdists with dashes in the name, normalisation', () => {
  assert.deepEqual(parseDistFilename('Foo_Bar-1.0.post1-py2.py3-none-any.whl'), { kind: 'wheel', name: 'Foo_Bar', version: '1.0.post1' });
  assert.deepEqual(parseDistFilename('torch-2.13.0+cpu-1build-cp311-cp311-manylinux_2_28_x86_64.whl'), { kind: 'wheel', name: 'torch', version: '2.13.0+cpu' });
  assert.deepEqual(parseDistFilename('zope-interface-5.0.tar.gz', 'zope-interface'), { kind: 'sdist', name: 'zope-interface', version: '5.0' });
  assert.equal(parseDistFilename('foo-1.0.exe'), undefined);
  assert.equal(parseDistFilename('bad-1.0.whl'), undefined);
  assert.equal(normalizeName('Zope.Interface__x'), 'zope-interface-x');
});

test('METADATA: multiple Requires-Dist and Provides-Extra, continuation lines, body ignored', () => {
  const md = parseMetadata('Metadata-Version: 2.1\nName: Foo\nVersion: 1.0\nSummary: a\n  continued\nRequires-Python: >=3.8\nRequires-Dist: bar>=1\nRequires-Dist: baz; extra == "x"\nProvides-Extra: x\n\nRequires-Dist: not-a-header\n');
  assert.equal(md.name, 'Foo');
  assert.equal(md.version, '1.0');
  assert.equal(md.requiresPython, '>=3.8');
  assert.deepEqual(md.requiresDist, ['bar>=1', 'baz; extra == "x"']);
  assert.deepEqual(md.providesExtra, ['x']);
  assert.equal(md.headers.get('summary')?.[0], 'a\ncontinued');
});

test('netrc: machine entries, default, quoted tokens, macdef skipped', () => {
  const n = parseNetrc('machine a.example login u1 password p1\n# c\nmachine B.example\n  login "u 2"\n  password p2\nmacdef init\nmachine evil login x password y\n\ndefault login anon password pw\n');
  assert.deepEqual(n.get('a.example'), { username: 'u1', password: 'p1' });
  assert.deepEqual(n.get('b.example'), { username: 'u 2', password: 'p2' });
  assert.equal(n.get('evil'), undefined);
  assert.deepEqual(n.get(''), { username: 'anon', password: 'pw' });
});

test('proxies: scheme variables, lower-case first, NO_PROXY suffixes, ports and *', () => {
  const env = { https_proxy: 'http://user:pw@proxy:3128', HTTP_PROXY: 'proxy2:8080', NO_PROXY: 'localhost,.internal.example,exact.example:8443' };
  assert.equal(proxyFor(new URL('https://pypi.org/simple/'), env)?.href, 'http://user:pw@proxy:3128/');
  assert.equal(proxyFor(new URL('http://pypi.org/simple/'), env)?.href, 'http://proxy2:8080/');
  assert.equal(proxyFor(new URL('http://localhost:8000/'), env), undefined);
  assert.equal(proxyFor(new URL('https://a.internal.example/'), env), undefined);
  assert.equal(proxyFor(new URL('https://exact.example:8443/'), env), undefined);
  assert.notEqual(proxyFor(new URL('https://exact.example/'), env), undefined);
  assert.equal(bypassed(new URL('https://x.y/'), '*'), true);
  assert.equal(bypassed(new URL('https://notinternal.example/'), 'internal.example'), false);
  assert.equal(bypassed(new URL('https://sub.internal.example/'), 'internal.example'), true);
});
