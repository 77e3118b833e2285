// HTTP(S) for indexes and downloads: keep-alive agents, a concurrency limit, retries with backoff on
// transient failures, connect and read timeouts, credentials (URL userinfo, ~/.netrc), proxies,
// a CA bundle loaded only when the first HTTPS request is made. Hosts that cannot be reached at
// all are remembered, so later requests to them fail at once instead of waiting again.
import * as http from 'node:http';
import * as https from 'node:https';
import { isIP } from 'node:net';
import type { Readable } from 'node:stream';
import { VenvkitError, errnoCode } from '../errors.js';
import { netrcCredentials, type Credentials } from './netrc.js';
import { proxyFor, proxyAuthorization, TunnelAgent } from './proxy.js';
import { trustContext } from './tls-context.js';
import { decoded, readAll, redirectTarget, watchRate } from './http-body.js';
import { redact, statusError } from './http-errors.js';

export { redirectTarget } from './http-body.js';
export { redact, statusError } from './http-errors.js';

export interface HttpOptions {
  /** Idle time allowed while waiting for response bytes (pip's `timeout`), seconds. */
  timeout?: number;
  /** Time allowed to connect, seconds (default min(timeout, 10)). */
  connectTimeout?: number;
  /** Retries after the first attempt on 5xx, resets and timeouts (default 3). */
  retries?: number;
  /** Base backoff in ms (doubles each retry; default 200). */
  backoffMs?: number;
  /** Parallel requests at most (default 16). */
  concurrency?: number;
  /** CA bundle file replacing Node's roots (pip's `cert`). */
  cert?: string;
  /** pip's trusted-host: hosts (or host:port) whose HTTPS certificates are not verified. */
  trustedHosts?: string[];
  /** pip's `client-cert`: one PEM file with the client's private key and certificate, shown to HTTPS servers that ask. */
  clientCert?: string;
  /** pip's `proxy`: the proxy for every http(s) URL, over the environment's (HTTP_PROXY...). */
  proxy?: string;
  /** pip's `no-proxy-env`: ignore HTTP_PROXY, HTTPS_PROXY, ALL_PROXY and NO_PROXY. */
  noProxyEnv?: boolean;
  env?: NodeJS.ProcessEnv;
  /** Largest body get() accepts, after decompression (default MAX_BODY_BYTES). */
  maxBodyBytes?: number;
  /** Slowest body accepted: at least this many bytes in every `timeout`-second window (default MIN_RATE, bytes/s). */
  minRate?: number;
  /** Longest a whole get() body may take, seconds (default max(300, 20 x timeout)). */
  bodyDeadline?: number;
  /** Called for each retry, with the reason (for -v output). */
  onRetry?: (url: string, attempt: number, reason: string) => void;
}

export interface HttpResponse { status: number; url: string; headers: http.IncomingHttpHeaders; body: Buffer }

/** Cap on a page, metadata file or requirements file read whole, after decompression: 128 MiB. */
export const MAX_BODY_BYTES = 128 * 2 ** 20;
/** A body slower than this (bytes/s, averaged over each `timeout`-second window) is timed out. */
export const MIN_RATE = 1024;

/** Errors after which a host is treated as down for the rest of the run. */
const UNREACHABLE = new Set(['ENOTFOUND', 'ECONNREFUSED', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_FAIL', 'ECONNECT_TIMEOUT', 'EPROXY']);
const TRANSIENT_STATUS = new Set([408, 429, 500, 502, 503, 504]);
/** Errors worth another try (a reset, a stalled read, a DNS hiccup). */
const TRANSIENT_ERRORS = new Set(['ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EAI_AGAIN', 'ECONNABORTED', 'ERR_STREAM_PREMATURE_CLOSE', 'Z_BUF_ERROR', 'Z_DATA_ERROR']);

export class HttpClient {
  private readonly opts: Required<Pick<HttpOptions, 'timeout' | 'connectTimeout' | 'retries' | 'backoffMs' | 'concurrency' | 'maxBodyBytes' | 'minRate' | 'bodyDeadline'>> & HttpOptions;
  private readonly agents = new Map<string, Promise<http.Agent>>();
  private readonly deadHosts = new Map<string, string>();
  /** Credentials learned from index URLs, applied to every URL on the same origin (as pip does). */
  private readonly originCredentials = new Map<string, Credentials>();
  private active = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(options: HttpOptions = {}) {
    const timeout = options.timeout ?? 15;
    this.opts = {
      ...options, timeout, connectTimeout: options.connectTimeout ?? Math.min(timeout, 10),
      retries: options.retries ?? 3, backoffMs: options.backoffMs ?? 200, concurrency: options.concurrency ?? 16,
      maxBodyBytes: options.maxBodyBytes ?? MAX_BODY_BYTES, minRate: options.minRate ?? MIN_RATE,
      bodyDeadline: options.bodyDeadline ?? Math.max(300, 20 * timeout),
    };
  }

  /** Remember credentials from a URL's userinfo for its origin; returns the URL without them. */
  addCredentialsFrom(url: string): string {
    const u = new URL(url);
    if (!u.username && !u.password) return url;
    this.originCredentials.set(u.origin, { username: decodeURIComponent(u.username), password: decodeURIComponent(u.password) });
    u.username = '';
    u.password = '';
    return u.href;
  }

  /**
   * GET a whole body (pages, small files). 404 and other 4xx come back as a status, 5xx after retries too.
   * The body is capped after decompression (maxBodyBytes) and must keep up the minimum rate and
   * arrive within the overall deadline; otherwise INDEX_ERROR names the URL.
   */
  async get(url: string, headers: Record<string, string> = {}, limits: { maxBytes?: number } = {}): Promise<HttpResponse> {
    return this.withRetries(url, async (attempt) => {
      const { res, finalUrl } = await this.open(url, { 'accept-encoding': 'gzip, deflate, br', ...headers }, attempt);
      const body = await readAll(res, decoded(res), {
        url: finalUrl, idleMs: this.opts.timeout * 1000, minRate: this.opts.minRate,
        deadlineMs: this.opts.bodyDeadline * 1000, maxBytes: limits.maxBytes ?? this.opts.maxBodyBytes,
      });
      return { status: res.statusCode ?? 0, url: finalUrl, headers: res.headers, body };
    });
  }

  /**
   * GET as a stream (downloads). Retries happen only before the first byte; a failure while
   * streaming is the caller's to handle. Non-2xx statuses throw INDEX_ERROR naming the URL.
   */
  async stream(url: string, headers: Record<string, string> = {}): Promise<{ url: string; status: number; headers: http.IncomingHttpHeaders; body: Readable }> {
    return this.withRetries(url, async (attempt) => {
      const { res, finalUrl, release } = await this.open(url, headers, attempt, true);
      const status = res.statusCode ?? 0;
      if (status < 200 || status >= 300) {
        res.resume();
        release();
        throw statusError(finalUrl, status, res.statusMessage);
      }
      res.setTimeout(this.opts.timeout * 1000, () => res.destroy(Object.assign(new Error(`no data for ${this.opts.timeout} s`), { code: 'ETIMEDOUT' })));
      watchRate(res, this.opts.timeout * 1000, this.opts.minRate, finalUrl);
      res.once('close', release);
      return { url: finalUrl, status, headers: res.headers, body: res };
    });
  }

  close(): void {
    for (const a of this.agents.values()) void a.then((agent) => agent.destroy(), () => {});
    this.agents.clear();
  }

  private async withRetries<T>(url: string, fn: (attempt: number) => Promise<T>): Promise<T> {
    for (let attempt = 0; ; attempt++) {
      try {
        const r = await fn(attempt);
        const status = (r as { status?: number }).status;
        if (status !== undefined && TRANSIENT_STATUS.has(status) && attempt < this.opts.retries) {
          await this.backoff(url, attempt, `HTTP ${status}`);
          continue;
        }
        return r;
      } catch (e) {
        const code = errnoCode(e);
        const transient = e instanceof VenvkitError ? /HTTP (408|429|5\d\d)/.test(e.message) : TRANSIENT_ERRORS.has(code ?? '');
        if (!transient || attempt >= this.opts.retries) throw asIndexError(url, e);
        await this.backoff(url, attempt, code ?? (e as Error).message);
      }
    }
  }

  private async backoff(url: string, attempt: number, reason: string): Promise<void> {
    this.opts.onRetry?.(redact(url), attempt + 1, reason);
    const ms = this.opts.backoffMs * 2 ** attempt * (0.75 + Math.random() * 0.5);
    await new Promise((r) => setTimeout(r, ms));
  }

  /** One request (following redirects), inside the concurrency limit. */
  private async open(url: string, headers: Record<string, string>, _attempt: number, holdSlot = false): Promise<{ res: http.IncomingMessage; finalUrl: string; release: () => void }> {
    await this.acquire();
    let released = false;
    const release = () => { if (!released) { released = true; this.releaseSlot(); } };
    try {
      let current = this.addCredentialsFrom(url);
      for (let hop = 0; hop < 6; hop++) {
        const res = await this.request(current, headers);
        const status = res.statusCode ?? 0;
        if ([301, 302, 303, 307, 308].includes(status) && res.headers.location) {
          res.resume();
          current = redirectTarget(current, res.headers.location);
          continue;
        }
        if (!holdSlot) res.once('end', release).once('close', release);
        return { res, finalUrl: current, release };
      }
      throw new VenvkitError('INDEX_ERROR', `too many redirects from ${redact(url)}`);
    } catch (e) {
      release();
      throw e;
    }
  }

  private async request(url: string, extraHeaders: Record<string, string>): Promise<http.IncomingMessage> {
    const u = new URL(url);
    const dead = this.deadHosts.get(u.host);
    if (dead) throw Object.assign(new Error(`${dead} (not retried: it failed earlier in this run)`), { code: 'EDEAD' });
    const headers: Record<string, string> = { 'user-agent': 'venvkit', ...extraHeaders };
    const creds = this.originCredentials.get(u.origin) ?? netrcCredentials(u.hostname, this.opts.env);
    if (creds) headers.authorization = `Basic ${Buffer.from(`${creds.username}:${creds.password}`).toString('base64')}`;
    const proxy = this.proxyFor(u);
    const isHttps = u.protocol === 'https:';
    const options: https.RequestOptions = { method: 'GET', headers, agent: await this.agentFor(u, proxy) };
    if (proxy && !isHttps) {
      // Plain HTTP through a proxy: the absolute URL goes to the proxy.
      Object.assign(options, { host: proxy.hostname, port: proxy.port || 80, path: u.href });
      headers.host = u.host;
      const pa = proxyAuthorization(proxy);
      if (pa) headers['proxy-authorization'] = pa;
    } else {
      Object.assign(options, { host: u.hostname.replace(/^\[|\]$/g, ''), port: u.port || (isHttps ? 443 : 80), path: u.pathname + u.search, servername: isHttps && !isIP(u.hostname.replace(/^\[|\]$/g, '')) ? u.hostname : undefined });
    }
    return new Promise((resolve, reject) => {
      const req = (isHttps ? https : http).request(options);
      let connected = false;
      const connectTimer = setTimeout(() => {
        req.destroy(Object.assign(new Error(`could not connect within ${this.opts.connectTimeout} s`), { code: 'ECONNECT_TIMEOUT' }));
      }, this.opts.connectTimeout * 1000);
      req.once('socket', (s) => {
        const onConnect = () => { connected = true; clearTimeout(connectTimer); };
        if ((s as { connecting?: boolean }).connecting) s.once(isHttps && !proxy ? 'secureConnect' : 'connect', onConnect);
        else onConnect();
      });
      req.setTimeout(this.opts.timeout * 1000, () => req.destroy(Object.assign(new Error(`no response for ${this.opts.timeout} s`), { code: 'ETIMEDOUT' })));
      req.once('response', (res) => { clearTimeout(connectTimer); resolve(res); });
      req.once('error', (e) => {
        clearTimeout(connectTimer);
        const code = errnoCode(e);
        if (proxy && !connected) e.message += ` (through proxy ${redact(proxy.href)})`;
        if (!connected && UNREACHABLE.has(code ?? '')) this.deadHosts.set(u.host, `${code}: ${e.message}`);
        reject(e);
      });
      req.end();
    });
  }

  /** --proxy for every URL (as requests uses a session's proxies), else the environment's unless --no-proxy-env. */
  private proxyFor(u: URL): URL | undefined {
    if (this.opts.proxy) return new URL(/^[a-z][a-z0-9+.-]*:\/\//i.test(this.opts.proxy) ? this.opts.proxy : `http://${this.opts.proxy}`);
    return this.opts.noProxyEnv ? undefined : proxyFor(u, this.opts.env);
  }

  private agentFor(u: URL, proxy: URL | undefined): Promise<http.Agent> {
    const trusted = u.protocol === 'https:' && (this.opts.trustedHosts ?? []).some((h) => h === u.host || h === u.hostname);
    const key = `${u.protocol}${proxy ? `via ${proxy.href}` : ''}${trusted ? ` unverified ${u.host}` : ''}`;
    const existing = this.agents.get(key);
    if (existing) return existing;
    const base = { keepAlive: true, maxSockets: this.opts.concurrency, scheduling: 'lifo' as const };
    const make = async (): Promise<http.Agent> => {
      if (u.protocol !== 'https:') return new http.Agent(base);
      // Verified: one context made once (tls-context.ts), not a CA list each connection parses again;
      // it holds pip's client-cert too. Unverified (--trusted-host): no CA list, the client-cert alone.
      const tlsOptions = trusted
        ? { rejectUnauthorized: false, ...(this.opts.clientCert ? { secureContext: await trustContext(this.opts.cert, this.opts.env ?? process.env, this.opts.clientCert) } : {}) }
        : { secureContext: await trustContext(this.opts.cert, this.opts.env ?? process.env, this.opts.clientCert) };
      return proxy
        ? (new TunnelAgent({ ...base, ...tlsOptions, proxy, connectTimeoutMs: this.opts.connectTimeout * 1000 }) as unknown as https.Agent)
        : new https.Agent({ ...base, ...tlsOptions });
    };
    const agent = make();
    this.agents.set(key, agent);
    agent.catch(() => this.agents.delete(key));
    return agent;
  }

  private async acquire(): Promise<void> {
    if (this.active < this.opts.concurrency) { this.active++; return; }
    await new Promise<void>((r) => this.waiting.push(r));
  }

  private releaseSlot(): void {
    const next = this.waiting.shift();
    if (next) next();
    else this.active--;
  }
}

function asIndexError(url: string, e: unknown): VenvkitError {
  if (e instanceof VenvkitError) return e;
  const code = errnoCode(e);
  const why = code === 'ENOTFOUND' ? `host ${new URL(url).hostname} not found` : (e as Error).message;
  return new VenvkitError('INDEX_ERROR', `cannot reach ${redact(url)}: ${why}`, {
    cause: e,
    hint: 'Check the index URL, your network and proxy settings (HTTPS_PROXY, NO_PROXY), or use the `noIndex` option with the `findLinks` option.',
  });
}
