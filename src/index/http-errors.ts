// URLs in messages without their passwords, and the error for an HTTP status: small enough for
// code that only may meet an http(s) URL to import without loading the HTTP client (node:https, tls).
import { VenvkitError } from '../errors.js';

/** A URL without its password, for messages. */
export function redact(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '****';
    return u.href;
  } catch {
    return url;
  }
}

/** INDEX_ERROR for a GET of `url` that answered `status`. */
export function statusError(url: string, status: number, text?: string): VenvkitError {
  const hint = status === 401 || status === 403
    ? 'The index wants credentials: put them in the URL (https://user:token@host/simple) or in ~/.netrc.'
    : undefined;
  return new VenvkitError('INDEX_ERROR', `GET ${redact(url)} failed: HTTP ${status}${text ? ` ${text}` : ''}`, { hint });
}
