// Proxies from the environment (HTTP_PROXY, HTTPS_PROXY, NO_PROXY; lower-case names win, as in
// requests/curl), and an HTTPS agent that tunnels through a proxy with CONNECT.
import * as http from 'node:http';
import * as https from 'node:https';
import * as tls from 'node:tls';
import { isIP } from 'node:net';
import type { Duplex } from 'node:stream';

/** The proxy URL to use for `target`, or undefined to connect directly. Pure. */
export function proxyFor(target: URL, env: NodeJS.ProcessEnv = process.env): URL | undefined {
  const scheme = target.protocol.replace(':', '');
  const raw = env[`${scheme}_proxy`] || env[`${scheme.toUpperCase()}_PROXY`] || env.all_proxy || env.ALL_PROXY;
  if (!raw) return undefined;
  if (bypassed(target, env.no_proxy ?? env.NO_PROXY ?? '')) return undefined;
  try {
    return new URL(/^[a-z][a-z0-9+.-]*:\/\//i.test(raw) ? raw : `http://${raw}`);
  } catch {
    return undefined;
  }
}

/** NO_PROXY: comma/space list of hosts, domain suffixes (`.example.com` or `example.com`), host:port, or `*`. */
export function bypassed(target: URL, noProxy: string): boolean {
  const host = target.hostname.toLowerCase().replace(/^\[|\]$/g, '');
  const port = target.port || (target.protocol === 'https:' ? '443' : '80');
  for (let entry of noProxy.split(/[\s,]+/).filter(Boolean)) {
    entry = entry.toLowerCase();
    if (entry === '*') return true;
    let entryPort: string | undefined;
    const m = /^(.*):(\d+)$/.exec(entry);
    if (m && !entry.startsWith('[') && m[1]!.indexOf(':') === -1) { entry = m[1]!; entryPort = m[2]; }
    entry = entry.replace(/^\*?\./, '.').replace(/^\[|\]$/g, '');
    if (entryPort && entryPort !== port) continue;
    if (host === entry.replace(/^\./, '') || host.endsWith(entry.startsWith('.') ? entry : `.${entry}`)) return true;
  }
  return false;
}

/** The Proxy-Authorization header for a proxy URL with userinfo. */
export function proxyAuthorization(proxy: URL): string | undefined {
  if (!proxy.username) return undefined;
  const user = decodeURIComponent(proxy.username);
  const pass = decodeURIComponent(proxy.password);
  return `Basic ${Buffer.from(`${user}:${pass}`).toString('base64')}`;
}

interface TunnelOptions extends https.AgentOptions { proxy: URL; connectTimeoutMs: number }

/** An https.Agent whose sockets are TLS over a CONNECT tunnel through `proxy` (keep-alive still works). */
export class TunnelAgent extends https.Agent {
  private readonly proxy: URL;
  private readonly connectTimeoutMs: number;

  constructor(options: TunnelOptions) {
    super(options);
    this.proxy = options.proxy;
    this.connectTimeoutMs = options.connectTimeoutMs;
  }

  // @ts-expect-error Node's typings omit the callback form of createConnection that Agent supports.
  override createConnection(options: tls.ConnectionOptions & { host?: string; port?: number }, callback?: (err: Error | null, socket?: Duplex) => void): Duplex {
    const target = `${options.host}:${options.port ?? 443}`;
    const headers: Record<string, string> = { host: target };
    const auth = proxyAuthorization(this.proxy);
    if (auth) headers['proxy-authorization'] = auth;
    const isTls = this.proxy.protocol === 'https:';
    const req = (isTls ? https : http).request({
      host: this.proxy.hostname, port: this.proxy.port || (isTls ? 443 : 80), method: 'CONNECT', path: target, headers, agent: false,
    });
    let done = false;
    const finish = (err: Error | null, socket?: Duplex) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      callback?.(err, socket);
    };
    const timer = setTimeout(() => {
      req.destroy();
      finish(Object.assign(new Error(`proxy ${this.proxy.host} did not open a tunnel to ${target} in ${this.connectTimeoutMs} ms`), { code: 'ETIMEDOUT' }));
    }, this.connectTimeoutMs);
    req.once('connect', (res, socket) => {
      if (res.statusCode !== 200) {
        socket.destroy();
        finish(Object.assign(new Error(`proxy ${this.proxy.host} refused CONNECT ${target}: HTTP ${res.statusCode}`), { code: 'EPROXY' }));
        return;
      }
      const host = options.host ?? '';
      const secure = tls.connect({ ...options, socket, servername: options.servername ?? (isIP(host) ? undefined : host) });
      finish(null, secure);
    });
    req.once('error', (e) => finish(e));
    req.end();
    // Node's Agent waits for the callback when createConnection returns nothing.
    return undefined as unknown as Duplex;
  }
}
