// A hostile index on 127.0.0.1: file names that climb out of the download directory, hashes that
// are not strings, links venvkit must not follow (javascript:, data:, file: from a remote page),
// redirects to file://, a gzip bomb and 1 byte/s trickles. Each case is refused, nothing is written
// outside venvkit's directories, and the costs stay bounded.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type ServerResponse, type Server } from 'node:http';
import { createHash } from 'node:crypto';
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { constants, createGzip } from 'node:zlib';
import type { AddressInfo } from 'node:net';
import { IndexClient } from '../../src/index/index-client.js';
import { DEFAULT_INDEX_URL } from '../../src/index/pip-config.js';
import type { Candidate, IndexSettings } from '../../src/index/types.js';
import { isVenvkitError } from '../../src/errors.js';
import { writeWheel } from '../helpers/index-server.js';
import { removeDir, tempDir, interpreters } from '../helpers/venv.js';
import { BIN, ROOT, venvkit } from '../helpers/cli.js';

let tmp: string;
let files: string;
let escape: string;
let origin: string;
let server: Server;
let wheelSha: string;
let bomb: Buffer;
const BOMB_BYTES = 512 * 2 ** 20;
/** Hostile cases tried, and those refused (reported by the last test). */
const tally = { tried: 0, refused: 0 };
const refused = (ok: boolean) => { tally.tried++; if (ok) tally.refused++; return ok; };

const W = 'vkt-1.0-py3-none-any.whl';

/** Run a process without blocking this one (the hostile server lives in this process). */
function run(cmd: string, args: string[], options: { env?: NodeJS.ProcessEnv; cwd?: string; timeoutMs?: number } = {}): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { cwd: options.cwd, env: options.env ?? process.env });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c) => { stdout += c; });
    child.stderr.on('data', (c) => { stderr += c; });
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 120_000);
    child.on('close', (status) => { clearTimeout(timer); resolve({ status, stdout, stderr }); });
  });
}

function jsonPage(entries: Record<string, unknown>[]): string {
  return JSON.stringify({ meta: { 'api-version': '1.1' }, name: 'vkt', files: entries });
}

/** A gzip of `n` zero bytes, compressed as a stream. */
async function gzipZeros(n: number): Promise<Buffer> {
  const gz = createGzip({ level: constants.Z_BEST_COMPRESSION });
  const out: Buffer[] = [];
  gz.on('data', (c: Buffer) => out.push(c));
  const done = new Promise((r) => gz.once('end', r));
  const chunk = Buffer.alloc(1 << 20);
  for (let left = n; left > 0; left -= chunk.length) {
    if (!gz.write(chunk)) await new Promise((r) => gz.once('drain', r));
  }
  gz.end();
  await done;
  return Buffer.concat(out);
}

function trickle(res: ServerResponse, headers: Record<string, string>): void {
  res.writeHead(200, headers);
  res.write('{');
  const t = setInterval(() => res.write(' '), 1000);
  res.once('close', () => clearInterval(t));
}

function route(req: IncomingMessage, res: ServerResponse): void {
  const path = new URL(req.url ?? '/', 'http://x').pathname;
  const json = { 'content-type': 'application/vnd.pypi.simple.v1+json' };
  const good = { filename: 'vkt-2.0-py3-none-any.whl', url: '/files/vkt-2.0-py3-none-any.whl', hashes: { sha256: wheelSha } };
  switch (path) {
    case '/names/vkt/':
      res.writeHead(200, json).end(jsonPage([
        { filename: `../../../../../../../..${escape}/${W}`, url: `/files/${W}`, hashes: { sha256: wheelSha } },
        { filename: `..\\..\\${W}`, url: `/files/${W}` },
        { filename: `vkt-1.1-py3-none-any.whl\u0000.txt`, url: `/files/${W}` },
        { filename: '..', url: `/files/${W}` },
        { filename: `sub/${W}`, url: `/files/${W}` },
        { filename: 'vkt-1.2-py3-none-any.whl', url: 'javascript:alert(1)//vkt-1.2-py3-none-any.whl' },
        { filename: 'vkt-1.3-py3-none-any.whl', url: 'data:application/zip;base64,UEsFBgAAAAAAAAAAAAAAAAAAAAAAAA==' },
        { filename: 'vkt-1.4-py3-none-any.whl', url: `${pathToFileURL(join(files, W)).href}` },
        good,
      ]));
      return;
    case '/html/vkt/':
      res.writeHead(200, { 'content-type': 'text/html' }).end([
        `<a href="/files/%2e%2e%2f%2e%2e%2f%2e%2e%2f%2e%2e%2f%2e%2e%2f%2e%2e%2f%2e%2e%2f%2e%2e${encodeURIComponent(escape)}%2F${W}">x</a>`,
        `<a href="/files/..%5C..%5C${W}">backslash</a>`,
        `<a href="javascript:alert(1)//vkt-1.2-py3-none-any.whl">js</a>`,
        `<a href="data:application/zip;base64,UEsFBg==#vkt-1.3-py3-none-any.whl">data</a>`,
        `<a href="${pathToFileURL(join(files, W)).href}">local file</a>`,
        `<a href="/files/vkt-2.0-py3-none-any.whl#sha256=${wheelSha}">vkt-2.0</a>`,
      ].join('\n'));
      return;
    case '/numhash/vkt/':
      res.writeHead(200, json).end(jsonPage([{ ...good, hashes: { sha256: 12345 } }]));
      return;
    case '/nullhash/vkt/':
      res.writeHead(200, json).end(jsonPage([{ ...good, hashes: { sha256: null } }]));
      return;
    case '/objhash/vkt/':
      res.writeHead(200, json).end(jsonPage([{ ...good, hashes: { sha256: { hex: wheelSha } } }]));
      return;
    case '/redirect/vkt/':
      res.writeHead(302, { location: pathToFileURL(join(tmp, 'page')).href + '/' }).end();
      return;
    case '/redirect-dl/vkt/':
      res.writeHead(200, json).end(jsonPage([{ ...good, url: '/to-file/vkt-2.0-py3-none-any.whl' }]));
      return;
    case '/to-file/vkt-2.0-py3-none-any.whl':
      res.writeHead(302, { location: pathToFileURL(join(files, 'vkt-2.0-py3-none-any.whl')).href }).end();
      return;
    case '/bomb/vkt/':
      res.writeHead(200, { ...json, 'content-encoding': 'gzip', 'content-length': String(bomb.length) }).end(bomb);
      return;
    case '/trickle/vkt/':
      trickle(res, json);
      return;
    case '/trickle-dl/vkt/':
      res.writeHead(200, json).end(jsonPage([{ ...good, url: '/slow/vkt-2.0-py3-none-any.whl' }]));
      return;
    case '/slow/vkt-2.0-py3-none-any.whl':
      trickle(res, { 'content-type': 'application/octet-stream', 'content-length': '100000' });
      return;
    default: {
      const m = /^\/files\/([^/]+)$/.exec(path);
      if (m && existsSync(join(files, m[1]!))) {
        res.writeHead(200, { 'content-type': 'application/octet-stream' }).end(readFileSync(join(files, m[1]!)));
        return;
      }
      res.writeHead(404).end('not found');
    }
  }
}

before(async () => {
  tmp = tempDir('hostile-index');
  files = join(tmp, 'files');
  escape = join(tmp, 'escaped');
  mkdirSync(escape, { recursive: true });
  writeWheel(files, { name: 'vkt', version: '1.0' });
  const good = writeWheel(files, { name: 'vkt', version: '2.0' });
  wheelSha = createHash('sha256').update(readFileSync(join(files, good))).digest('hex');
  bomb = await gzipZeros(BOMB_BYTES);
  server = createServer(route);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

after(async () => {
  server.closeAllConnections();
  await new Promise<void>((r) => server.close(() => r()));
  removeDir(tmp);
});

function settings(over: Partial<IndexSettings>): IndexSettings {
  return { indexUrl: DEFAULT_INDEX_URL, extraIndexUrls: [], findLinks: [], noIndex: false, pre: false, constraints: [], requireHashes: false, timeout: 5, trustedHosts: [], ...over };
}

function client(index: string, over: Partial<IndexSettings> = {}) {
  const notes: string[] = [];
  const warnings: string[] = [];
  const c = new IndexClient({
    settings: settings({ indexUrl: `${origin}/${index}`, ...over }), cacheDir: join(tmp, 'cache'), pageCacheDir: false,
    onNote: (n) => notes.push(n), onWarning: (w) => warnings.push(w), http: { retries: 0, backoffMs: 10, env: {} },
  });
  return { c, notes, warnings };
}

const nothingEscaped = () => assert.deepEqual(readdirSync(escape), [], 'a file was written where the index pointed');

test('index file names with separators, "..", NUL or links venvkit does not fetch are ignored (PEP 691 JSON)', async () => {
  const { c, notes } = client('names');
  try {
    const p = await c.project('vkt');
    const offered = 8; // the hostile entries of /names/vkt/
    const kept = p.candidates.map((x) => x.filename);
    assert.deepEqual(kept, ['vkt-2.0-py3-none-any.whl']);
    for (let i = 0; i < offered; i++) refused(true);
    assert.ok(notes.some((n) => /unsafe file name: it contains a path separator/.test(n)), notes.join('\n'));
    assert.ok(notes.some((n) => /NUL/.test(n)), notes.join('\n'));
    const got = await c.download(p.candidates[0]!);
    assert.match(got.path, new RegExp(`^${join(tmp, 'cache')}`));
    nothingEscaped();
  } finally {
    c.close();
  }
});

test('the same from an HTML page: percent-encoded traversal, backslashes, javascript:, data: and file: links', async () => {
  const { c } = client('html');
  try {
    const p = await c.project('vkt');
    assert.deepEqual(p.candidates.map((x) => [x.filename, x.url.replace(origin, '')]), [['vkt-2.0-py3-none-any.whl', '/files/vkt-2.0-py3-none-any.whl']]);
    for (let i = 0; i < 5; i++) refused(true);
    nothingEscaped();
  } finally {
    c.close();
  }
});

test('the download writer refuses a candidate whose file name would leave its directory, with or without a cache', async () => {
  const { c } = client('names');
  try {
    for (const name of [`../../../../../../../..${escape}/${W}`, `..\\..\\${W}`, `vkt-1.0-py3-none-any.whl\u0000`, '..', 'x.whl', 'other-1.0-py3-none-any.whl']) {
      const cand: Candidate = { name: 'vkt', version: '1.0', filename: name, url: `${origin}/files/${W}`, hashes: {}, yanked: false, source: origin };
      for (const cacheDir of [join(tmp, 'cache'), false as const]) {
        const dl = new IndexClient({ settings: settings({}), cacheDir, http: { retries: 0, env: {} } });
        try {
          await assert.rejects(dl.download(cand, { dest: join(tmp, 'dest') }), (e: unknown) => refused(isVenvkitError(e, 'INDEX_ERROR') && /refusing to download/.test((e as Error).message)));
        } finally {
          dl.close();
        }
      }
    }
    nothingEscaped();
  } finally {
    c.close();
  }
});

test('a PEP 691 hash that is not a string is a malformed page, not "no hash"', async () => {
  for (const index of ['numhash', 'nullhash', 'objhash']) {
    const { c } = client(index);
    try {
      await assert.rejects(c.project('vkt'), (e: unknown) => refused(isVenvkitError(e, 'INDEX_ERROR') && /malformed JSON project page: the "sha256" hash .* not a string/.test((e as Error).message)));
    } finally {
      c.close();
    }
  }
});

test('a redirect from HTTP to file:// is refused, for a page and for a download', async () => {
  mkdirSync(join(tmp, 'page'), { recursive: true });
  writeFileSync(join(tmp, 'page', 'index.html'), `<a href="${pathToFileURL(join(files, 'vkt-2.0-py3-none-any.whl')).href}">planted</a>`);
  const page = client('redirect');
  try {
    await assert.rejects(page.c.project('vkt'), (e: unknown) => refused(isVenvkitError(e, 'INDEX_ERROR') && /refusing the redirect .* from http: to file:/.test((e as Error).message)));
  } finally {
    page.c.close();
  }
  const dl = client('redirect-dl');
  try {
    const p = await dl.c.project('vkt');
    await assert.rejects(dl.c.download(p.candidates[0]!), (e: unknown) => refused(isVenvkitError(e, 'INDEX_ERROR') && /refusing the redirect/.test((e as Error).message)));
  } finally {
    dl.c.close();
  }
});

test('a gzip bomb page is cut off after decompression, in bounded memory (peak RSS of a child process)', async (t) => {
  const script = join(tmp, 'bomb-child.mts');
  writeFileSync(script, `import { IndexClient } from ${JSON.stringify(pathToFileURL(join(ROOT, 'src/index/index-client.ts')).href)};
const c = new IndexClient({ settings: { indexUrl: process.argv[2], extraIndexUrls: [], findLinks: [], noIndex: false, pre: false, constraints: [], requireHashes: false, timeout: 30, trustedHosts: [] }, cacheDir: false, http: { retries: 0, env: {} } });
let error = '';
try { await c.project('vkt'); } catch (e) { error = (e as Error).message; }
c.close();
console.log(JSON.stringify({ error, maxRssKiB: process.resourceUsage().maxRSS }));
`);
  const r = await run(process.execPath, ['--import', 'tsx', script, `${origin}/bomb`], { cwd: ROOT });
  assert.equal(r.status, 0, r.stderr);
  const out = JSON.parse(r.stdout.trim().split('\n').pop()!) as { error: string; maxRssKiB: number };
  const peakMiB = out.maxRssKiB / 1024;
  t.diagnostic(`${bomb.length} gzip bytes inflating to ${BOMB_BYTES}: peak RSS ${peakMiB.toFixed(0)} MiB; ${out.error}`);
  assert.ok(refused(/larger than 134217728 bytes \(after decompression\)/.test(out.error)), out.error);
  // The cap is 128 MiB: reading the whole 512 MiB page (and its string) takes well over a GiB.
  assert.ok(peakMiB < 400, `peak RSS ${peakMiB.toFixed(0)} MiB`);
});

// The timeout is 2 s, so the 1 byte/s trickle is never idle for that long: only the rate check stops it.
test('a page or a download trickling in at 1 byte/s times out after --timeout seconds', async () => {
  for (const [index, step] of [['trickle', 'page'], ['trickle-dl', 'download']] as const) {
    const { c } = client(index, { timeout: 2 });
    const started = Date.now();
    try {
      const run = step === 'page' ? c.project('vkt') : c.project('vkt').then((p) => c.download(p.candidates[0]!));
      await assert.rejects(run, (e: unknown) => refused(isVenvkitError(e, 'INDEX_ERROR') && /too slow: \d+ bytes in 2 s, below the minimum of 1024 bytes\/s/.test((e as Error).message)));
    } finally {
      c.close();
    }
    const took = Date.now() - started;
    assert.ok(took < 15_000, `${step}: gave up after ${took} ms`);
  }
});

test('the CLI honours --timeout and PIP_DEFAULT_TIMEOUT against a trickling index', async (t) => {
  const py = interpreters()[0];
  if (!py) {
    t.skip('no interpreter');
    return;
  }
  const env = join(tmp, 'env');
  const cache = join(tmp, 'cli-cache');
  const base = { ...process.env, VENVKIT_CACHE_DIR: cache, PIP_CONFIG_FILE: '/dev/null', PIP_EXTRA_INDEX_URL: '', PIP_FIND_LINKS: '' };
  const made = venvkit(['create', env, '-p', py.path, '--without-pip'], { env: base });
  assert.equal(made.status, 0, made.stderr);
  for (const [args, extraEnv] of [[['--timeout', '2'], {}], [[], { PIP_DEFAULT_TIMEOUT: '2' }]] as const) {
    const started = Date.now();
    const r = await run(BIN, ['install', '--env', env, '--no-cache', '--index-url', `${origin}/trickle`, ...args, 'vkt'], { env: { ...base, ...extraEnv }, timeoutMs: 60_000 });
    const took = Date.now() - started;
    assert.notEqual(r.status, 0);
    assert.ok(refused(/too slow: \d+ bytes in 2 s/.test(r.stderr)), r.stderr);
    assert.ok(took < 20_000, `took ${took} ms`);
  }
  t.diagnostic(`hostile cases tried: ${tally.tried}, refused: ${tally.refused}`);
  assert.equal(tally.refused, tally.tried);
});

test('without a download cache a file goes to a private directory, not to a predictable name in the temp directory', async () => {
  const shared = join(tmp, 'shared-tmp');
  mkdirSync(shared, { recursive: true, mode: 0o1777 });
  const saved = process.env.TMPDIR;
  process.env.TMPDIR = shared;
  const notes: string[] = [];
  const c = new IndexClient({
    settings: settings({ indexUrl: `${origin}/names` }), cacheDir: false, pageCacheDir: false,
    onNote: (n) => notes.push(n), http: { retries: 0, backoffMs: 10, env: {} },
  });
  try {
    const p = await c.project('vkt');
    const got = await c.download(p.candidates[0]!);
    // Another user could create (or hold) shared/<filename> first: the file must not be there.
    assert.ok(!existsSync(join(shared, 'vkt-2.0-py3-none-any.whl')), 'the download was written under a name others can predict');
    const dir = join(got.path, '..');
    assert.notEqual(dir, shared);
    assert.equal(statSync(dir).mode & 0o077, 0, 'the download directory is open to others');
    c.close();
    assert.ok(!existsSync(dir), 'close() leaves the private download directory behind');
  } finally {
    c.close();
    if (saved === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = saved;
  }
});
