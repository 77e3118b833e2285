// Reading HTTP bodies from untrusted servers: decompression, a cap on the decoded size, an idle
// timeout, a minimum rate and an overall deadline; and which redirects are followed.
import type * as http from 'node:http';
import { createGunzip, createInflate, createBrotliDecompress } from 'node:zlib';
import type { Readable } from 'node:stream';
import { VenvkitError } from '../errors.js';
import { clip } from '../pep/quote.js';
import { redact } from './http-errors.js';

export { redact };

export function decoded(res: http.IncomingMessage): Readable {
  switch ((res.headers['content-encoding'] ?? '').toLowerCase()) {
    case 'gzip': case 'x-gzip': return res.pipe(createGunzip());
    case 'deflate': return res.pipe(createInflate());
    case 'br': return res.pipe(createBrotliDecompress());
    default: return res;
  }
}

/**
 * Where a redirect from `from` to `location` leads; INDEX_ERROR when it changes the scheme other
 * than http: -> https: (a redirect to file: would make a remote index read local files).
 */
export function redirectTarget(from: string, location: string): string {
  let to: URL;
  try {
    to = new URL(location, from);
  } catch {
    throw new VenvkitError('INDEX_ERROR', `${redact(from)} redirects to an invalid URL ${JSON.stringify(clip(location))}`);
  }
  const was = new URL(from).protocol;
  if (to.protocol !== was && !(was === 'http:' && to.protocol === 'https:')) {
    throw new VenvkitError('INDEX_ERROR', `refusing the redirect from ${redact(from)} to ${clip(redact(to.href))}: it changes the scheme from ${was} to ${to.protocol}`, {
      hint: 'Only http: to https: redirects are followed. Check the index URL, or do not trust this index.',
    });
  }
  return to.href;
}

interface BodyLimits { url: string; idleMs: number; minRate: number; deadlineMs: number; maxBytes: number }

/**
 * Destroy `res` when fewer than minRate bytes/s arrive from its socket over a window of `windowMs`
 * (the idle timeout handles silence). Counts the socket's bytes, so a compressed trickle is
 * measured as it arrives, whatever it inflates to; it adds no 'data' listener (that would change
 * how the caller reads), and a window in which the reader itself held the body back is not counted.
 */
export function watchRate(res: http.IncomingMessage, windowMs: number, minRate: number, url: string): void {
  if (!(minRate > 0) || !(windowMs > 0)) return;
  const socket = res.socket;
  if (!socket) return;
  const need = Math.ceil((minRate * windowMs) / 1000);
  let last = socket.bytesRead;
  const timer = setInterval(() => {
    const now = socket.bytesRead;
    const got = now - last;
    last = now;
    const heldBack = res.readableFlowing !== true || res.readableLength >= res.readableHighWaterMark;
    if (got < need && !heldBack && !res.readableEnded) {
      clearInterval(timer);
      res.destroy(Object.assign(new Error(`${redact(url)} is too slow: ${got} bytes in ${windowMs / 1000} s, below the minimum of ${minRate} bytes/s`), { code: 'ETOOSLOW' }));
    }
  }, windowMs);
  timer.unref?.();
  res.once('close', () => clearInterval(timer));
  res.once('end', () => clearInterval(timer));
}

/** Read `stream` (decoded from `res`) whole, within the limits. */
export function readAll(res: http.IncomingMessage, stream: Readable, limits: BodyLimits): Promise<Buffer> {
  const { url, idleMs, maxBytes, deadlineMs } = limits;
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let total = 0;
    let settled = false;
    const fail = (e: Error) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      clearTimeout(deadline);
      reject(e);
      res.destroy();
      if (stream !== res) stream.destroy();
    };
    let timer = setTimeout(onIdle, idleMs);
    const deadline = setTimeout(() => fail(new VenvkitError('INDEX_ERROR', `${redact(url)} took longer than ${deadlineMs / 1000} s to download`, {
      hint: 'The server sends too slowly; raise the `timeout` option (PIP_DEFAULT_TIMEOUT) if the network is really this slow.',
    })), deadlineMs);
    function onIdle() {
      fail(Object.assign(new Error(`no data for ${idleMs / 1000} s while reading ${redact(url)}`), { code: 'ETIMEDOUT' }));
    }
    watchRate(res, idleMs, limits.minRate, url);
    stream.on('data', (c: Buffer) => {
      total += c.length;
      if (total > maxBytes) {
        fail(new VenvkitError('INDEX_ERROR', `${redact(url)} is larger than ${maxBytes} bytes (after decompression); refusing to read more`, {
          hint: 'An index page or metadata file this large is not what an index serves: check the index URL, or do not trust this index.',
        }));
        return;
      }
      chunks.push(c);
      clearTimeout(timer);
      timer = setTimeout(onIdle, idleMs);
    });
    stream.once('end', () => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      clearTimeout(deadline);
      resolve(Buffer.concat(chunks));
    });
    const onError = (e: Error) => {
      if ((e as NodeJS.ErrnoException).code === 'ETOOSLOW') {
        fail(new VenvkitError('INDEX_ERROR', e.message, { hint: 'The server sends too slowly; raise the `timeout` option (PIP_DEFAULT_TIMEOUT) if the network is really this slow.' }));
      } else fail(e);
    };
    stream.once('error', onError);
    if (stream !== res) res.once('error', onError);
    stream.once('close', () => { if (!stream.readableEnded) fail(Object.assign(new Error('connection closed before the response ended'), { code: 'ECONNRESET' })); });
  });
}
