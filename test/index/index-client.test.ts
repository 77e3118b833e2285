import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync, readdirSync, readFileSync, existsSync, copyFileSync, utimesSync, statSync } from 'node:fs';
import { createHash, randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { IndexClient, noWheelReason } from '../../src/index/index-client.js';
import { loadPipConfig, DEFAULT_INDEX_URL } from '../../src/index/pip-config.js';
import type { IndexSettings, Candidate } from '../../src/index/types.js';
import { isVenvkitError } from '../../src/errors.js';
import { writeWheel, writeStaticIndex, startIndexServer, metadataText, type IndexServer } from '../helpers/index-server.js';

const root = mkdtempSync(join(tmpdir(), 'vk-index-'));
const files = join(root, 'files');
const cache = join(root, 'cache');
const ATTRS = {
  'alpha-2.0-py3-none-any.whl': { requiresPython: '>=3.99,<4' },
  'alpha-1.5-py3-none-any.whl': { yanked: 'broken build' },
};
let fileIndex: string;
let server: IndexServer;

before(async () => {
  writeWheel(files, { name: 'alpha', version: '1.0' });
  writeWheel(files, { name: 'alpha', version: '1.5' });
  const a2 = writeWheel(files, { name: 'alpha', version: '2.0', requires: ['beta>=1', 'gamma; extra == "g"'], extras: ['g'], requiresPython: '>=3.99,<4' });
  writeFileSync(join(files, `${a2}.metadata`), metadataText({ name: 'alpha', version: '2.0', requires: ['beta>=1', 'gamma; extra == "g"'], extras: ['g'], requiresPython: '>=3.99,<4' }));
  writeWheel(files, { name: 'Beta.Pkg', version: '1.0', requires: ['alpha'] });
  writeFileSync(join(files, 'srconly-1.0.tar.gz'), 'not really an sdist');
  fileIndex = writeStaticIndex(files, join(root, 'static'), ATTRS);
  server = await startIndexServer(files, ATTRS);
});
after(async () => {
  await server?.close();
  rmSync(root, { recursive: true, force: true });
});

function settings(over: Partial<IndexSettings>): IndexSettings {
  return { indexUrl: DEFAULT_INDEX_URL, extraIndexUrls: [], findLinks: [], noIndex: false, pre: false, constraints: [], requireHashes: false, timeout: 5, trustedHosts: [], ...over };
}
function client(over: Partial<IndexSettings>, extra: { retries?: number; env?: NodeJS.ProcessEnv; pageCache?: string } = {}) {
  const warnings: string[] = [];
  const c = new IndexClient({
    settings: settings(over), onWarning: (w) => warnings.push(w), cacheDir: cache, pageCacheDir: extra.pageCache ?? false,
    http: { backoffMs: 20, retries: extra.retries, env: extra.env ?? {} },
  });
  return { c, warnings };
}
const byVersion = (cs: Candidate[]) => [...cs].sort((a, b) => a.version.localeCompare(b.version));

async function checkAlpha(c: IndexClient, source: string) {
  const p = await c.project('Alpha');
  assert.equal(p.name, 'alpha');
  const [v1, v15, v2] = byVersion(p.candidates);
  assert.deepEqual([v1!.version, v15!.version, v2!.version], ['1.0', '1.5', '2.0']);
  assert.equal(v1!.yanked, false);
  assert.equal(v15!.yanked, 'broken build');
  assert.equal(v2!.requiresPython, '>=3.99,<4');
  assert.match(v2!.hashes.sha256!, /^[0-9a-f]{64}$/);
  assert.equal(v2!.source, source);
  assert.equal(v2!.filename, 'alpha-2.0-py3-none-any.whl');
  return { v1: v1!, v2: v2! };
}

test('file:// index: wheels with hashes, requires-python, yanked; sdist-only projects; unknown projects', async () => {
  const { c, warnings } = client({ indexUrl: fileIndex });
  const { v2 } = await checkAlpha(c, fileIndex);
  assert.equal(v2.metadataUrl, `${v2.url}.metadata`);
  const beta = await c.project('beta_pkg');
  assert.deepEqual(beta.candidates.map((x) => [x.name, x.version]), [['Beta_Pkg', '1.0']]);
  const src = await c.project('srconly');
  assert.equal(src.candidates.length, 0);
  assert.match(noWheelReason(src)!, /only a source distribution is available for srconly \(srconly-1\.0\.tar\.gz\); it is built when installed/);
  const none = await c.project('nothing-here');
  assert.deepEqual([none.candidates, none.failures], [[], []]);
  assert.deepEqual(warnings, []);
});

test('file:// index without index.html pages (directory listing) and find-links directories and pages', async () => {
  const listing = join(root, 'listing');
  mkdirSync(join(listing, 'alpha'), { recursive: true });
  copyFileSync(join(files, 'alpha-1.0-py3-none-any.whl'), join(listing, 'alpha', 'alpha-1.0-py3-none-any.whl'));
  const page = join(root, 'links.html');
  writeFileSync(page, `<a href="${pathToFileURL(join(files, 'alpha-1.5-py3-none-any.whl')).href}">x</a>`);
  const { c, warnings } = client({ noIndex: true, indexUrl: 'http://127.0.0.1:1/never', extraIndexUrls: [pathToFileURL(listing).href], findLinks: [files, page, join(root, 'missing-dir')] });
  const p = await c.project('alpha');
  assert.deepEqual(byVersion(p.candidates).map((x) => [x.version, x.source]), [['1.0', files], ['1.5', page], ['2.0', files]], '--no-index: only find-links; a file found twice kept once, as the later place gives it (pip lists the directory\'s files before the page\'s links)');
  assert.match(warnings.join('\n'), /find-links location .*missing-dir is ignored: it does not exist/);
  const { c: c2 } = client({ indexUrl: pathToFileURL(listing).href });
  assert.deepEqual((await c2.project('alpha')).candidates.map((x) => x.version), ['1.0']);
});

test('HTTP index: PEP 691 JSON by content negotiation, and PEP 503 HTML, give the same candidates', async () => {
  server.format = 'negotiate';
  const { c } = client({ indexUrl: server.url });
  const json = await checkAlpha(c, server.url);
  const pageReq = server.log.find((l) => l.path === '/simple/alpha/')!;
  assert.match(pageReq.accept!, /application\/vnd\.pypi\.simple\.v1\+json/);
  server.format = 'html';
  const { c: c2 } = client({ indexUrl: server.url });
  const html = await checkAlpha(c2, server.url);
  server.format = 'negotiate';
  // PEP 700: only the JSON page gives sizes.
  assert.equal(json.v2.size, statSync(join(files, 'alpha-2.0-py3-none-any.whl')).size);
  const { size: _s1, ...json1 } = json.v1;
  const { size: _s2, ...json2 } = json.v2;
  assert.deepEqual(html, { v1: json1, v2: json2 });
  assert.equal(json.v2.url, `${server.origin}/files/alpha-2.0-py3-none-any.whl`);
  // 404: the project is not on this index (no candidates, not a failure).
  const missing = await c.project('not-on-this-index');
  assert.deepEqual([missing.candidates, missing.sdists, missing.failures], [[], [], []]);
  assert.ok(server.log.some((l) => l.path === '/simple/not-on-this-index/'));
  c.close(); c2.close();
});

test('parallel requests stay within the concurrency limit; gzip pages are decoded', async () => {
  for (const v of ['1', '2', '3', '4', '5', '6']) writeWheel(files, { name: `par${v}`, version: '1.0' });
  server.rescan();
  server.faults = { delayMs: 150, pathPrefix: '/simple/par' };
  server.maxInFlight = 0;
  server.gzip = true;
  try {
    const c = new IndexClient({ settings: settings({ indexUrl: server.url }), cacheDir: cache, pageCacheDir: false, http: { concurrency: 2, env: {} } });
    const t0 = Date.now();
    const all = await Promise.all(['par1', 'par2', 'par3', 'par4', 'par5', 'par6'].map((n) => c.project(n)));
    assert.deepEqual(all.map((p) => p.candidates.length), [1, 1, 1, 1, 1, 1]);
    assert.equal(server.maxInFlight, 2);
    assert.ok(Date.now() - t0 >= 3 * 150 - 20, 'three rounds of two');
    c.close();
    const wide = new IndexClient({ settings: settings({ indexUrl: server.url }), cacheDir: cache, pageCacheDir: false, http: { env: {} } });
    server.maxInFlight = 0;
    await Promise.all(['par1', 'par2', 'par3', 'par4', 'par5', 'par6'].map((n) => wide.project(n)));
    assert.equal(server.maxInFlight, 6, 'the default limit lets all six run at once');
    wide.close();
  } finally {
    server.faults = {};
    server.gzip = false;
  }
});

test('index pages are cached: revalidated with ETags (304), or not requested at all while fresh (max-age)', async () => {
  const pages = join(root, 'http-cache');
  const alphaRequests = () => server.log.filter((l) => l.path === '/simple/alpha/');
  const n0 = alphaRequests().length;
  const first = await client({ indexUrl: server.url }, { pageCache: pages }).c.project('alpha');
  const second = await client({ indexUrl: server.url }, { pageCache: pages }).c.project('alpha');
  assert.deepEqual(second, first);
  const reqs = alphaRequests().slice(n0);
  assert.equal(reqs.length, 2);
  assert.equal(reqs[0]!.ifNoneMatch, undefined);
  assert.match(reqs[1]!.ifNoneMatch!, /^"[0-9a-f]+"$/, 'the second run revalidates');
  server.cacheControl = 'max-age=600';
  try {
    await client({ indexUrl: server.url }, { pageCache: pages }).c.project('alpha'); // 304 with max-age: now fresh
    const n1 = alphaRequests().length;
    assert.deepEqual(await client({ indexUrl: server.url }, { pageCache: pages }).c.project('alpha'), first);
    assert.equal(alphaRequests().length, n1, 'a fresh page costs no request');
  } finally {
    server.cacheControl = undefined;
  }
});

test('downloads are verified and cached; a wrong hash is refused and leaves nothing behind', async () => {
  const { c } = client({ indexUrl: server.url });
  const { v1 } = await checkAlpha(c, server.url);
  const first = await c.download(v1);
  assert.equal(first.cached, false);
  assert.equal(first.hashes.sha256, v1.hashes.sha256);
  const again = await c.download(v1);
  assert.deepEqual([again.cached, again.path], [true, first.path]);
  const dest = join(root, 'dest');
  assert.equal((await c.download(v1, { dest })).path, join(dest, v1.filename));
  // --require-hashes: the caller's pins must match too.
  await assert.rejects(c.download(v1, { requiredHashes: ['sha256:' + '0'.repeat(64)] }), (e) => isVenvkitError(e, 'HASH_MISMATCH') && e.message.includes('0'.repeat(64)));
  await c.download(v1, { requiredHashes: [`sha256:${v1.hashes.sha256}`] });
  // A corrupt file from the server.
  const p = await c.project('beta-pkg');
  const beta = p.candidates[0]!;
  server.faults.corrupt = new Set([beta.filename]);
  try {
    await assert.rejects(c.download(beta), (e) => {
      assert.ok(isVenvkitError(e, 'HASH_MISMATCH'));
      assert.match(e.message, new RegExp(`hash mismatch for ${beta.url.replace(/[.]/g, '\\.')}: expected sha256:${beta.hashes.sha256}, got sha256:[0-9a-f]{64}`));
      return true;
    });
  } finally {
    server.faults.corrupt = undefined;
  }
  const leftovers = readdirSync(cache, { recursive: true }).map(String).filter((f) => f.includes('Beta') || f.includes('.part-'));
  assert.deepEqual(leftovers, []);
  // file:// candidates are verified where they lie, not copied.
  const { c: local } = client({ indexUrl: fileIndex });
  const l1 = (await local.project('alpha')).candidates.find((x) => x.version === '1.0')!;
  assert.deepEqual(await local.download(l1), { path: join(files, l1.filename), hashes: { sha256: l1.hashes.sha256 }, cached: true });
  await assert.rejects(local.download({ ...l1, hashes: { sha256: 'f'.repeat(64) } }), (e) => isVenvkitError(e, 'HASH_MISMATCH') && e.message.includes(l1.url));
  c.close();
});

test('local files over 64 KiB: hashes remembered by path, size and mtime; a changed file is hashed again', async () => {
  const dir = join(root, 'big');
  mkdirSync(dir, { recursive: true });
  const path = join(dir, 'big-1.0-py3-none-any.whl');
  const data = randomBytes(2 << 20);
  writeFileSync(path, data);
  const sha = createHash('sha256').update(data).digest('hex');
  const cand: Candidate = { name: 'big', version: '1.0', filename: 'big-1.0-py3-none-any.whl', url: pathToFileURL(path).href, hashes: { sha256: sha }, yanked: false, source: dir };
  const { c } = client({ indexUrl: fileIndex });
  assert.equal((await c.download(cand)).hashes.sha256, sha);
  const memos = readdirSync(join(cache, 'local-hashes'));
  assert.equal(memos.length, 1);
  // Most wheels of a real set are well under 1 MiB (jupyter's): remembered too.
  const mid = join(dir, 'mid-1.0-py3-none-any.whl');
  const midData = randomBytes(200 << 10);
  writeFileSync(mid, midData);
  const midSha = createHash('sha256').update(midData).digest('hex');
  assert.equal((await c.download({ ...cand, name: 'mid', filename: 'mid-1.0-py3-none-any.whl', url: pathToFileURL(mid).href, hashes: { sha256: midSha } })).hashes.sha256, midSha);
  assert.equal(readdirSync(join(cache, 'local-hashes')).length, 2);
  // The memo is what the second run uses (proved by planting a wrong one with the same stamp)...
  const memoPath = join(cache, 'local-hashes', memos[0]!);
  const memo = JSON.parse(readFileSync(memoPath, 'utf8'));
  writeFileSync(memoPath, JSON.stringify({ ...memo, hashes: { sha256: 'e'.repeat(64) } }));
  await assert.rejects(c.download(cand), (e) => isVenvkitError(e, 'HASH_MISMATCH'));
  // ...and a rewritten file (new mtime) is read again.
  data[0] ^= 1;
  writeFileSync(path, data);
  utimesSync(path, new Date(), new Date(Date.now() + 60_000)); // a distinct mtime even on coarse clocks
  await assert.rejects(c.download(cand), (e) => isVenvkitError(e, 'HASH_MISMATCH') && e.message.includes(createHash('sha256').update(data).digest('hex')));
  data[0] ^= 1;
  writeFileSync(path, data);
  utimesSync(path, new Date(), new Date(Date.now() + 120_000));
  assert.equal((await c.download(cand)).hashes.sha256, sha);
});

test('retries: 500s and connection resets are retried with backoff, then succeed', async () => {
  server.faults = { status500: 2, pathPrefix: '/simple/alpha' };
  const { c } = client({ indexUrl: server.url });
  const before = server.log.length;
  assert.equal((await c.project('alpha')).candidates.length, 3);
  assert.equal(server.log.slice(before).filter((l) => l.path === '/simple/alpha/').length, 3);
  server.faults = { resets: 1, pathPrefix: '/files/' };
  const v1 = (await c.project('alpha')).candidates.find((x) => x.version === '1.0')!;
  rmSync(cache, { recursive: true, force: true });
  assert.equal((await c.download(v1)).hashes.sha256, v1.hashes.sha256);
  // Persistent 500s: an error naming the URL and the status.
  server.faults = { status500: 100, pathPrefix: '/simple/beta-pkg' };
  const { c: c2, warnings } = client({ indexUrl: server.url }, { retries: 1 });
  await assert.rejects(c2.project('beta-pkg'), (e) => isVenvkitError(e, 'INDEX_ERROR') && e.message.includes(`GET ${server.url}/beta-pkg/ failed: HTTP 500`));
  assert.equal(warnings.length, 1);
  server.faults = {};
  c.close(); c2.close();
});

test('timeouts and unreachable indexes fail fast with the URL; another index still serves (a warning)', async () => {
  server.faults = { delayMs: 3000, pathPrefix: '/simple/' };
  const { c } = client({ indexUrl: server.url, timeout: 0.4 }, { retries: 0 });
  let t = Date.now();
  await assert.rejects(c.project('alpha'), (e) => isVenvkitError(e, 'INDEX_ERROR') && e.message.includes(`${server.url}/alpha/`) && /no response for 0\.4 s/.test(e.message));
  assert.ok(Date.now() - t < 2000, `timed out in ${Date.now() - t} ms`);
  server.faults = {};
  c.close();
  // A refused connection: no retries, and later projects do not wait for the dead host again.
  const dead = 'http://127.0.0.1:1/simple';
  const { c: c2, warnings } = client({ indexUrl: dead, extraIndexUrls: [fileIndex] });
  t = Date.now();
  assert.equal((await c2.project('alpha')).candidates.length, 3);
  const p = await c2.project('beta-pkg');
  assert.ok(Date.now() - t < 1000, `took ${Date.now() - t} ms`);
  assert.equal(p.candidates.length, 1);
  assert.equal(p.failures[0]!.source, dead);
  assert.equal(warnings.length, 1, 'one warning per index, not per project');
  assert.match(warnings[0]!, /index http:\/\/127\.0\.0\.1:1\/simple could not be read, continuing without it: cannot reach http:\/\/127\.0\.0\.1:1\/simple\/alpha\/: .*ECONNREFUSED/);
  const { c: c3 } = client({ indexUrl: dead });
  await assert.rejects(c3.project('alpha'), (e) => isVenvkitError(e, 'INDEX_ERROR') && e.message.includes('http://127.0.0.1:1/simple/alpha/') && !!e.hint);
});

test('credentials: from the index URL (also sent for its files), from ~/.netrc, and a 401 says what to do', async () => {
  server.auth = { username: 'user', password: 'p@ss word' };
  try {
    const withUrl = `${server.origin.replace('//', '//user:p%40ss%20word@')}/simple`;
    const { c } = client({ indexUrl: withUrl });
    const p = await c.project('alpha');
    assert.equal(p.candidates.length, 3);
    assert.ok(!p.candidates[0]!.url.includes('p%40ss'), 'credentials are not copied into candidate URLs');
    rmSync(cache, { recursive: true, force: true });
    await c.download(p.candidates[0]!);
    c.close();
    const netrc = join(root, 'netrc');
    writeFileSync(netrc, 'machine 127.0.0.1\n  login user\n  password "p@ss word"\n');
    const { c: c2 } = client({ indexUrl: server.url }, { env: { NETRC: netrc } });
    assert.equal((await c2.project('alpha')).candidates.length, 3);
    c2.close();
    const { c: c3 } = client({ indexUrl: server.url });
    await assert.rejects(c3.project('alpha'), (e) => isVenvkitError(e, 'INDEX_ERROR') && /HTTP 401/.test(e.message) && /netrc/.test(e.hint ?? ''));
    c3.close();
  } finally {
    server.auth = undefined;
  }
});

test('metadata: PEP 658 file when advertised, else HTTP range reads of the wheel, else the file in place', async () => {
  const { c } = client({ indexUrl: server.url });
  const p = await c.project('alpha');
  const v2 = p.candidates.find((x) => x.version === '2.0')!;
  const v1 = p.candidates.find((x) => x.version === '1.0')!;
  const start = server.log.length;
  const md2 = await c.fetchMetadata(v2);
  assert.deepEqual([md2.name, md2.version, md2.requiresDist, md2.providesExtra, md2.requiresPython], ['alpha', '2.0', ['beta>=1', 'gamma; extra == "g"'], ['g'], '>=3.99,<4']);
  assert.deepEqual(server.log.slice(start).map((l) => l.path), ['/files/alpha-2.0-py3-none-any.whl.metadata']);
  const mid = server.log.length;
  const md1 = await c.fetchMetadata(v1);
  assert.equal(md1.version, '1.0');
  const reqs = server.log.slice(mid);
  assert.ok(reqs.length > 0 && reqs.every((l) => l.range?.startsWith('bytes=')), JSON.stringify(reqs));
  const { c: local } = client({ indexUrl: fileIndex });
  const beta = (await local.project('beta-pkg')).candidates[0]!;
  assert.deepEqual((await local.fetchMetadata(beta)).requiresDist, ['alpha']);
  c.close();
});

test("this machine's own index (from pip's config) lists requests and gives its metadata", async (t) => {
  const cfg = loadPipConfig();
  const local = [cfg.settings.indexUrl, ...cfg.settings.extraIndexUrls].filter((u) => u.startsWith('file:'));
  if (local.length === 0) {
    t.skip("pip's configuration names no file:// index on this machine");
    return;
  }
  const warnings: string[] = [];
  const c = new IndexClient({ settings: cfg.settings, onWarning: (w) => warnings.push(w), cacheDir: cache, pageCacheDir: join(root, 'real-pages') });
  const t0 = Date.now();
  const p = await c.project('requests');
  assert.ok(p.candidates.length > 0, 'requests has wheels');
  assert.ok(Date.now() - t0 < 5000, `listing took ${Date.now() - t0} ms`);
  const newest = p.candidates.find((x) => x.filename.endsWith('py3-none-any.whl'))!;
  assert.ok(existsSync(new URL(newest.url)) || !newest.url.startsWith('file:'));
  const md = await c.fetchMetadata(newest);
  assert.equal(md.name.toLowerCase(), 'requests');
  assert.equal(md.version, newest.version);
  assert.ok(md.requiresDist.some((r) => r.startsWith('idna')), md.requiresDist.join(', '));
  // An unreachable default index (pypi.org, when configured and offline) is only a warning.
  for (const w of warnings) assert.match(w, /could not be read, continuing without it/);
  c.close();
});

test('an index given twice (as the index and among the extra indexes) is read once, and still listed as given', async () => {
  const { c } = client({ indexUrl: server.url, extraIndexUrls: [server.url] });
  try {
    const before = server.log.length;
    await checkAlpha(c, server.url);
    assert.equal(server.log.slice(before).filter((l) => l.path === '/simple/alpha/').length, 1);
    assert.deepEqual(c.indexes(), [server.url, server.url]);
  } finally {
    c.close();
  }
});
