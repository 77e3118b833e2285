import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { IndexClient } from '../../src/index/index-client.js';
import { DEFAULT_INDEX_URL } from '../../src/index/pip-config.js';
import type { IndexSettings } from '../../src/index/types.js';
import { isVenvkitError } from '../../src/errors.js';
import { writeWheel, startIndexServer, startProxy, selfSignedCert, type IndexServer } from '../helpers/index-server.js';

const root = mkdtempSync(join(tmpdir(), 'vk-https-'));
const files = join(root, 'files');
let plain: IndexServer;
let secure: IndexServer | undefined;
let cert: ReturnType<typeof selfSignedCert>;
let proxy: Awaited<ReturnType<typeof startProxy>>;

before(async () => {
  writeWheel(files, { name: 'alpha', version: '1.0' });
  plain = await startIndexServer(files);
  cert = selfSignedCert(root);
  if (cert) secure = await startIndexServer(files, {}, cert);
  proxy = await startProxy();
});
after(async () => {
  await Promise.all([plain?.close(), secure?.close(), proxy?.close()]);
  rmSync(root, { recursive: true, force: true });
});

function client(over: Partial<IndexSettings>, env: NodeJS.ProcessEnv) {
  const settings: IndexSettings = { indexUrl: DEFAULT_INDEX_URL, extraIndexUrls: [], findLinks: [], noIndex: false, pre: false, constraints: [], requireHashes: false, timeout: 5, trustedHosts: [], ...over };
  return new IndexClient({ settings, cacheDir: join(root, 'cache'), pageCacheDir: join(root, 'pages'), http: { env, retries: 0 } });
}

function needCert(t: { skip: (m: string) => void }): boolean {
  if (secure) return true;
  console.log('# skip: the openssl command could not make a test certificate: HTTPS is not covered');
  t.skip('no openssl to make a test certificate');
  return false;
}

test('HTTP through a proxy (absolute-URI requests), NO_PROXY bypasses it', async () => {
  const c = client({ indexUrl: plain.url }, { HTTP_PROXY: proxy.url });
  const p = await c.project('alpha');
  assert.equal(p.candidates.length, 1);
  await c.download(p.candidates[0]!);
  assert.ok(proxy.seen.includes(`GET ${plain.url}/alpha/`), proxy.seen.join('\n'));
  assert.ok(proxy.seen.some((s) => s.startsWith(`GET ${plain.origin}/files/alpha-1.0`)), proxy.seen.join('\n'));
  c.close();
  const before = proxy.seen.length;
  const direct = client({ indexUrl: plain.url }, { HTTP_PROXY: proxy.url, NO_PROXY: 'localhost,127.0.0.1' });
  assert.equal((await direct.project('alpha')).candidates.length, 1);
  assert.equal(proxy.seen.length, before);
  direct.close();
});

test('HTTPS with a custom CA (pip `cert` or VENVKIT_EXTRA_CA_CERTS); an unknown CA is a clear, fast error', async (t) => {
  if (!needCert(t)) return;
  const viaCert = client({ indexUrl: secure!.url, cert: cert!.certPath }, {});
  assert.equal((await viaCert.project('alpha')).candidates.length, 1);
  viaCert.close();
  const viaEnv = client({ indexUrl: secure!.url }, { VENVKIT_EXTRA_CA_CERTS: cert!.certPath });
  const p = await viaEnv.project('alpha');
  assert.equal((await viaEnv.download(p.candidates[0]!)).hashes.sha256, p.candidates[0]!.hashes.sha256);
  viaEnv.close();
  const untrusted = client({ indexUrl: secure!.url }, {});
  const t0 = Date.now();
  await assert.rejects(untrusted.project('alpha'), (e) => isVenvkitError(e, 'INDEX_ERROR') && e.message.includes(`${secure!.url}/alpha/`) && /certificate/i.test(e.message));
  assert.ok(Date.now() - t0 < 2000);
  untrusted.close();
  const badCert = client({ indexUrl: secure!.url, cert: join(root, 'no-such-bundle.pem') }, {});
  await assert.rejects(badCert.project('alpha'), (e) => isVenvkitError(e, 'INDEX_ERROR') && e.message.includes("cannot read the CA bundle") && e.message.includes('no-such-bundle.pem'));
  badCert.close();
  // pip's trusted-host: that host's certificate is not checked.
  const trusted = client({ indexUrl: secure!.url, trustedHosts: [`127.0.0.1:${new URL(secure!.origin).port}`] }, {});
  assert.equal((await trusted.project('alpha')).candidates.length, 1);
  trusted.close();
});

test('HTTPS through a proxy: a CONNECT tunnel, the proxy sees no URL', async (t) => {
  if (!needCert(t)) return;
  const start = proxy.seen.length;
  const c = client({ indexUrl: secure!.url }, { HTTPS_PROXY: proxy.url, VENVKIT_EXTRA_CA_CERTS: cert!.certPath });
  const p = await c.project('alpha');
  await c.download(p.candidates[0]!);
  const port = new URL(secure!.origin).port;
  const seen = proxy.seen.slice(start);
  assert.deepEqual(seen, [`CONNECT 127.0.0.1:${port}`], 'one tunnel, kept alive for the page and the download');
  c.close();
  // A proxy that is not there: fails fast, naming the URL.
  const dead = client({ indexUrl: secure!.url }, { HTTPS_PROXY: 'http://127.0.0.1:1' });
  await assert.rejects(dead.project('alpha'), (e) => isVenvkitError(e, 'INDEX_ERROR') && e.message.includes(secure!.url) && e.message.includes('through proxy http://127.0.0.1:1'));
  dead.close();
});
