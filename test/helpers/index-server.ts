// A package index for tests: tiny wheels built on the fly, written as a static file:// index, and
// served over HTTP on 127.0.0.1 as PEP 503 HTML or PEP 691 JSON (by the Accept header), with
// switches for failures (500s, resets, slow answers, corrupt files) and basic auth.
import { createServer, type IncomingMessage, type ServerResponse, type Server } from 'node:http';
import { createServer as createTlsServer } from 'node:https';
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, writeFileSync, existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { deflateRawSync, crc32, gzipSync } from 'node:zlib';
import { connect as netConnect, type AddressInfo, type Socket } from 'node:net';
import { request as httpRequest } from 'node:http';
import { spawnSync } from 'node:child_process';
import assert from 'node:assert/strict';
import type { TestContext } from 'node:test';

/** A zip archive from name -> content (deflated). */
export function zip(files: Record<string, string | Buffer>): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const [name, content] of Object.entries(files)) {
    const data = Buffer.isBuffer(content) ? content : Buffer.from(content);
    const packed = deflateRawSync(data);
    const nameBuf = Buffer.from(name);
    const crc = crc32(data);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0); local.writeUInt16LE(20, 4); local.writeUInt16LE(0x0800, 6); local.writeUInt16LE(8, 8);
    local.writeUInt32LE(crc, 14); local.writeUInt32LE(packed.length, 18); local.writeUInt32LE(data.length, 22); local.writeUInt16LE(nameBuf.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0); central.writeUInt16LE(20, 4); central.writeUInt16LE(20, 6); central.writeUInt16LE(0x0800, 8); central.writeUInt16LE(8, 10);
    central.writeUInt32LE(crc, 16); central.writeUInt32LE(packed.length, 20); central.writeUInt32LE(data.length, 24); central.writeUInt16LE(nameBuf.length, 28);
    central.writeUInt32LE(offset, 42);
    locals.push(local, nameBuf, packed);
    centrals.push(central, nameBuf);
    offset += 30 + nameBuf.length + packed.length;
  }
  const cd = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  const count = Object.keys(files).length;
  end.writeUInt32LE(0x06054b50, 0); end.writeUInt16LE(count, 8); end.writeUInt16LE(count, 10); end.writeUInt32LE(cd.length, 12); end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, cd, end]);
}

export interface WheelSpec {
  name: string;
  version: string;
  tag?: string;
  requires?: string[];
  requiresPython?: string;
  extras?: string[];
}

/** METADATA text for a spec. */
export function metadataText(w: WheelSpec): string {
  const lines = ['Metadata-Version: 2.1', `Name: ${w.name}`, `Version: ${w.version}`];
  if (w.requiresPython) lines.push(`Requires-Python: ${w.requiresPython}`);
  for (const e of w.extras ?? []) lines.push(`Provides-Extra: ${e}`);
  for (const r of w.requires ?? []) lines.push(`Requires-Dist: ${r}`);
  return `${lines.join('\n')}\n\nA test package.\n`;
}

/** The filename of a spec's wheel. */
export function wheelFilename(w: WheelSpec): string {
  return `${w.name.replace(/[-_.]+/g, '_')}-${w.version}-${w.tag ?? 'py3-none-any'}.whl`;
}

/** Write a tiny but valid wheel into `dir`; returns its filename. */
export function writeWheel(dir: string, w: WheelSpec): string {
  const dist = `${w.name.replace(/[-_.]+/g, '_')}-${w.version}.dist-info`;
  const mod = w.name.replace(/[-.]+/g, '_').toLowerCase();
  const files: Record<string, string> = {
    [`${mod}/__init__.py`]: `__version__ = ${JSON.stringify(w.version)}\n`,
    [`${dist}/METADATA`]: metadataText(w),
    [`${dist}/WHEEL`]: `Wheel-Version: 1.0\nGenerator: venvkit-tests\nRoot-Is-Purelib: true\nTag: ${w.tag ?? 'py3-none-any'}\n`,
  };
  files[`${dist}/RECORD`] = Object.keys(files).map((f) => `${f},,`).join('\n') + `\n${dist}/RECORD,,\n`;
  mkdirSync(dir, { recursive: true });
  const filename = wheelFilename(w);
  writeFileSync(join(dir, filename), zip(files));
  return filename;
}

/** Per-file attributes the index advertises. */
export interface FileAttrs { requiresPython?: string; yanked?: boolean | string; /** PEP 700 upload-time (JSON pages). */ uploadTime?: string }

export interface IndexFile { filename: string; project: string; sha256: string; size: number; attrs: FileAttrs; hasMetadata: boolean }

const norm = (n: string) => n.replace(/[-_.]+/g, '-').toLowerCase();

/** The distribution files of a flat directory, grouped by project, with their hashes. */
export function scanFiles(filesDir: string, attrs: Record<string, FileAttrs> = {}): IndexFile[] {
  return readdirSync(filesDir)
    .filter((f) => /\.(whl|tar\.gz|zip)$/.test(f))
    .sort()
    .map((filename) => ({
      filename,
      size: statSync(join(filesDir, filename)).size,
      project: norm(filename.endsWith('.whl') ? filename.split('-')[0]! : filename.replace(/-\d.*$/, '')),
      sha256: createHash('sha256').update(readFileSync(join(filesDir, filename))).digest('hex'),
      attrs: attrs[filename] ?? {},
      hasMetadata: existsSync(join(filesDir, `${filename}.metadata`)),
    }));
}

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** A PEP 503 project page linking to `${filesHref}${filename}`. */
export function htmlPage(files: IndexFile[], filesHref: string): string {
  const links = files.map((f) => {
    let a = `<a href="${filesHref}${encodeURIComponent(f.filename)}#sha256=${f.sha256}"`;
    if (f.attrs.requiresPython) a += ` data-requires-python="${esc(f.attrs.requiresPython)}"`;
    if (f.attrs.yanked !== undefined && f.attrs.yanked !== false) a += ` data-yanked="${f.attrs.yanked === true ? '' : esc(f.attrs.yanked)}"`;
    if (f.hasMetadata) a += ` data-dist-info-metadata="true" data-core-metadata="true"`;
    return `${a}>${esc(f.filename)}</a><br/>`;
  });
  return `<!DOCTYPE html>\n<html><body>\n${links.join('\n')}\n</body></html>\n`;
}

/** A PEP 691 project page. */
export function jsonPage(project: string, files: IndexFile[], filesHref: string): string {
  return JSON.stringify({
    meta: { 'api-version': '1.1' },
    name: project,
    files: files.map((f) => ({
      filename: f.filename, url: `${filesHref}${encodeURIComponent(f.filename)}`, hashes: { sha256: f.sha256 },
      'requires-python': f.attrs.requiresPython ?? null, yanked: f.attrs.yanked ?? false, size: f.size,
      ...(f.attrs.uploadTime ? { 'upload-time': f.attrs.uploadTime } : {}),
      ...(f.hasMetadata ? { 'core-metadata': true } : {}),
    })),
  });
}

/** Write a static PEP 503 index (simple/<project>/index.html) for the files of `filesDir`; returns the file:// URL of simple/. */
export function writeStaticIndex(filesDir: string, outDir: string, attrs: Record<string, FileAttrs> = {}): string {
  const files = scanFiles(filesDir, attrs);
  const projects = new Map<string, IndexFile[]>();
  for (const f of files) projects.set(f.project, [...(projects.get(f.project) ?? []), f]);
  for (const [project, list] of projects) {
    mkdirSync(join(outDir, 'simple', project), { recursive: true });
    writeFileSync(join(outDir, 'simple', project, 'index.html'), htmlPage(list, `file://${filesDir}/`));
  }
  mkdirSync(join(outDir, 'simple'), { recursive: true });
  writeFileSync(join(outDir, 'simple', 'index.html'), [...projects.keys()].map((p) => `<a href="${p}/">${p}</a>`).join('\n'));
  return `file://${join(outDir, 'simple')}`;
}

export interface Faults {
  /** Answer the next N requests with HTTP 500. */
  status500?: number;
  /** Reset the connection of the next N requests without answering. */
  resets?: number;
  /** Wait this long before answering every request. */
  delayMs?: number;
  /** Serve these files with altered bytes (their hash then fails). */
  corrupt?: Set<string>;
  /** Only these paths get faults (default: all). */
  pathPrefix?: string;
}

export interface IndexServer {
  /** http://127.0.0.1:PORT */
  origin: string;
  /** The index URL (origin + /simple). */
  url: string;
  faults: Faults;
  /** Require these credentials (HTTP basic). */
  auth?: { username: string; password: string };
  /** gzip project pages when the client accepts it. */
  gzip?: boolean;
  /** Requests being answered now, and the most at once so far. */
  inFlight: number;
  maxInFlight: number;
  /** Cache-Control sent with project pages (every page also gets an ETag and honours If-None-Match). */
  cacheControl?: string;
  /** Serve only this format regardless of Accept ('negotiate' by default). */
  format: 'negotiate' | 'html' | 'json';
  /** Every request seen: method, path, accept, authorization, range. */
  log: { path: string; accept?: string; authorization?: string; range?: string; ifNoneMatch?: string }[];
  /** Re-read the files directory (after adding wheels). */
  rescan(): void;
  close(): Promise<void>;
}

/** Serve `filesDir` as an index on 127.0.0.1 (HTTPS when `tls` gives a key and certificate). */
export async function startIndexServer(filesDir: string, attrs: Record<string, FileAttrs> = {}, tls?: { key: Buffer; cert: Buffer }): Promise<IndexServer> {
  let files = scanFiles(filesDir, attrs);
  const state: IndexServer = {
    origin: '', url: '', faults: {}, format: 'negotiate', log: [], inFlight: 0, maxInFlight: 0,
    rescan: () => { files = scanFiles(filesDir, attrs); },
    close: () => new Promise((r) => { server.closeAllConnections(); server.close(() => r()); }),
  };
  const onRequest = (req: IncomingMessage, res: ServerResponse) => {
    state.inFlight++;
    state.maxInFlight = Math.max(state.maxInFlight, state.inFlight);
    let counted = true;
    const done = () => { if (counted) { counted = false; state.inFlight--; } };
    res.once('finish', done).once('close', done);
    void handle(req, res).catch((e) => { res.statusCode = 500; res.end(String(e)); });
  };
  const server: Server = tls ? createTlsServer(tls, onRequest) : createServer(onRequest);
  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://x');
    const path = decodeURIComponent(url.pathname);
    state.log.push({ path, accept: req.headers.accept, authorization: req.headers.authorization, range: req.headers.range, ifNoneMatch: req.headers['if-none-match'] });
    const f = state.faults;
    const faulty = !f.pathPrefix || path.startsWith(f.pathPrefix);
    if (faulty && f.delayMs) await new Promise((r) => setTimeout(r, f.delayMs));
    if (faulty && f.resets && f.resets > 0) { f.resets--; req.socket.destroy(); return; }
    if (faulty && f.status500 && f.status500 > 0) { f.status500--; res.writeHead(500).end('boom'); return; }
    if (state.auth) {
      const want = `Basic ${Buffer.from(`${state.auth.username}:${state.auth.password}`).toString('base64')}`;
      if (req.headers.authorization !== want) { res.writeHead(401, { 'www-authenticate': 'Basic realm="test"' }).end('unauthorized'); return; }
    }
    let m;
    if ((m = /^\/simple\/([^/]+)\/?$/.exec(path))) {
      const project = m[1]!;
      const list = files.filter((x) => x.project === project);
      if (list.length === 0 || project !== norm(project)) { res.writeHead(404).end('not found'); return; }
      const accept = req.headers.accept ?? '';
      const json = state.format === 'json' || (state.format === 'negotiate' && accept.includes('application/vnd.pypi.simple.v1+json'));
      const body = json ? jsonPage(project, list, '../../files/') : htmlPage(list, '../../files/');
      const etag = `"${createHash('sha256').update(body).digest('hex').slice(0, 16)}"`;
      const headers: Record<string, string> = { etag, 'content-type': json ? 'application/vnd.pypi.simple.v1+json' : 'text/html; charset=utf-8' };
      if (state.cacheControl) headers['cache-control'] = state.cacheControl;
      if (req.headers['if-none-match'] === etag) { res.writeHead(304, headers).end(); return; }
      if (state.gzip && /gzip/.test(String(req.headers['accept-encoding'] ?? ''))) {
        res.writeHead(200, { ...headers, 'content-encoding': 'gzip' }).end(gzipSync(body));
        return;
      }
      res.writeHead(200, headers).end(body);
      return;
    }
    if ((m = /^\/files\/([^/]+)$/.exec(path))) {
      const name = m[1]!;
      const full = join(filesDir, name);
      if (!existsSync(full)) { res.writeHead(404).end('not found'); return; }
      let body = readFileSync(full);
      if (f.corrupt?.has(name)) { body = Buffer.from(body); body[body.length >> 1] ^= 0xff; }
      const range = /^bytes=(\d*)-(\d*)$/.exec(req.headers.range ?? '');
      if (range) {
        const start = range[1] === '' ? Math.max(0, body.length - Number(range[2])) : Number(range[1]);
        const end = range[1] !== '' && range[2] !== '' ? Math.min(Number(range[2]), body.length - 1) : body.length - 1;
        res.writeHead(206, { 'content-range': `bytes ${start}-${end}/${body.length}`, 'content-length': end - start + 1 }).end(body.subarray(start, end + 1));
        return;
      }
      res.writeHead(200, { 'content-length': body.length, 'content-type': 'application/octet-stream' }).end(body);
      return;
    }
    res.writeHead(404).end('not found');
  }
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  state.origin = `${tls ? 'https' : 'http'}://127.0.0.1:${(server.address() as AddressInfo).port}`;
  state.url = `${state.origin}/simple`;
  return state;
}

/** A self-signed certificate for 127.0.0.1 (via the openssl command), or undefined without openssl. */
export function selfSignedCert(dir: string): { key: Buffer; cert: Buffer; certPath: string } | undefined {
  const r = spawnSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '2', '-subj', '/CN=127.0.0.1',
    '-addext', 'subjectAltName=IP:127.0.0.1', '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem')], { encoding: 'utf8' });
  if (r.status !== 0) return undefined;
  return { key: readFileSync(join(dir, 'key.pem')), cert: readFileSync(join(dir, 'cert.pem')), certPath: join(dir, 'cert.pem') };
}

/**
 * selfSignedCert into `dir` (made here) for a test: without openssl the test is skipped, or fails
 * under CI=true (CI installs it); undefined then, and the test returns.
 */
export function certOrSkip(t: TestContext, dir: string): ReturnType<typeof selfSignedCert> {
  mkdirSync(dir, { recursive: true });
  const cert = selfSignedCert(dir);
  if (!cert) {
    if (process.env.CI === 'true') assert.fail('openssl is missing');
    t.skip('no openssl');
  }
  return cert;
}

/** A forward proxy on 127.0.0.1: absolute-URI requests for http, CONNECT tunnels for https. */
export async function startProxy(): Promise<{ url: string; seen: string[]; close(): Promise<void> }> {
  const seen: string[] = [];
  const server = createServer((req, res) => {
    seen.push(`${req.method} ${req.url}`);
    const target = new URL(req.url ?? '');
    const up = httpRequest({ host: target.hostname, port: target.port, path: target.pathname + target.search, method: req.method, headers: req.headers }, (r) => {
      res.writeHead(r.statusCode ?? 502, r.headers);
      r.pipe(res);
    });
    up.on('error', () => res.writeHead(502).end());
    req.pipe(up);
  });
  const tunnels = new Set<Socket>();
  server.on('connect', (req: IncomingMessage, socket: Socket, head: Buffer) => {
    seen.push(`CONNECT ${req.url}`);
    tunnels.add(socket);
    const [host, port] = (req.url ?? '').split(':');
    const up = netConnect(Number(port), host!, () => {
      socket.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      up.write(head);
      up.pipe(socket);
      socket.pipe(up);
    });
    up.on('error', () => socket.destroy());
    socket.on('error', () => up.destroy());
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    seen,
    close: () => new Promise((r) => { for (const t of tunnels) t.destroy(); server.closeAllConnections(); server.close(() => r()); }),
  };
}
