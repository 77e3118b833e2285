// The TLS context verified HTTPS connections use. Giving Node a `ca` list makes it parse every
// certificate in it (a system bundle: 100+ ms of the calling thread on a loaded machine), and an
// agent given `ca` did that again for each new connection. Here it is parsed once per process and
// bundle, a few certificates at a time with event-loop turns between (a host's event loop is never
// held for the whole bundle).
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import * as tls from 'node:tls';
import { VenvkitError } from '../errors.js';

/** Certificates parsed between two turns of the event loop. */
const PER_TURN = 16;

const contexts = new Map<string, Promise<tls.SecureContext>>();

/**
 * The context for Node's roots (or pip's `cert` bundle instead), plus VENVKIT_EXTRA_CA_CERTS and
 * NODE_EXTRA_CA_CERTS from `env`. Without a bundle of our own, Node's default store (its roots and
 * the process's NODE_EXTRA_CA_CERTS, parsed natively once per process) is used.
 */
export function trustContext(cert: string | undefined, env: NodeJS.ProcessEnv, clientCert?: string): Promise<tls.SecureContext> {
  let own: { key: Buffer; cert: Buffer } | undefined;
  if (clientCert) {
    try {
      const both = readFileSync(clientCert);
      own = { key: both, cert: both };
    } catch (e) {
      return Promise.reject(new VenvkitError('INDEX_ERROR', `cannot read the client certificate ${clientCert} (pip's \`client-cert\` setting): ${(e as Error).message}`, {
        cause: e, hint: 'Give one PEM file holding the private key and the certificate, or remove `client-cert` from your pip configuration (PIP_CLIENT_CERT).',
      }));
    }
  }
  const pem: string[] = [];
  if (cert) {
    try {
      pem.push(readFileSync(cert, 'latin1'));
    } catch (e) {
      return Promise.reject(new VenvkitError('INDEX_ERROR', `cannot read the CA bundle ${cert} (pip's \`cert\` setting): ${(e as Error).message}`, {
        cause: e, hint: 'Fix or remove `cert` in your pip configuration (pip config list), or PIP_CERT.',
      }));
    }
  }
  const extra = [env.VENVKIT_EXTRA_CA_CERTS, env.NODE_EXTRA_CA_CERTS].filter((v): v is string => !!v && v !== cert);
  // Node's default store already holds the process's NODE_EXTRA_CA_CERTS.
  if (!cert && extra.every((v) => v === process.env.NODE_EXTRA_CA_CERTS)) return cached(`default ${clientCert ?? ''}`, async () => tls.createSecureContext(own));
  if (!cert) pem.push(...tls.rootCertificates);
  for (const v of new Set(extra)) {
    try {
      pem.push(readFileSync(v, 'latin1'));
    } catch {
      // An unreadable extra bundle is ignored, as Node does (it only warns).
    }
  }
  const key = createHash('sha256').update(pem.join('\n')).digest('hex');
  return cached(`${key} ${clientCert ?? ''}`, () => parsed(pem, own));
}

function cached(key: string, make: () => Promise<tls.SecureContext>): Promise<tls.SecureContext> {
  let p = contexts.get(key);
  if (!p) {
    p = make();
    contexts.set(key, p);
    p.catch(() => contexts.delete(key));
  }
  return p;
}

/** The certificates of PEM bundles, each on its own. */
function certificates(pem: string[]): string[] {
  return pem.flatMap((b) => b.match(/-----BEGIN (?:TRUSTED )?CERTIFICATE-----[^-]+-----END (?:TRUSTED )?CERTIFICATE-----/g) ?? []);
}

/** `own`: the client's key and certificate (pip's `client-cert`), if any. */
async function parsed(pem: string[], own?: { key: Buffer; cert: Buffer }): Promise<tls.SecureContext> {
  const certs = certificates(pem);
  // Anything else PEM in the bundles (a form this split does not know): let Node read it whole.
  if (certs.length !== pem.reduce((n, b) => n + (b.match(/-----BEGIN /g)?.length ?? 0), 0)) return tls.createSecureContext({ ca: pem, ...own });
  // The first few make the context (a store of its own: only these CAs); the rest are added to it
  // a few at a time through its native handle, when this Node has one (else all at once).
  const context = tls.createSecureContext({ ca: certs.slice(0, PER_TURN), ...own });
  const native = (context as unknown as { context?: { addCACert?: (pem: string) => void } }).context;
  if (typeof native?.addCACert !== 'function') return tls.createSecureContext({ ca: pem, ...own });
  for (let i = PER_TURN; i < certs.length; i += PER_TURN) {
    await new Promise<void>((r) => setImmediate(r));
    native.addCACert(certs.slice(i, i + PER_TURN).join('\n'));
  }
  return context;
}
