// ~/.netrc (or $NETRC): credentials by host, as pip (through requests) uses them.
import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

export interface Credentials { username: string; password: string }

/** Parse netrc text: `machine H login L password P`, `default ...`, `macdef` blocks skipped. Pure. */
export function parseNetrc(text: string): Map<string, Credentials> {
  const out = new Map<string, Credentials>();
  const lines = text.split(/\r?\n/);
  const tokens: string[] = [];
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (/^\s*#/.test(line)) continue;
    const words = line.match(/"(?:[^"\\]|\\.)*"|\S+/g) ?? [];
    for (const w of words) tokens.push(w.startsWith('"') ? w.slice(1, -1).replace(/\\(.)/g, '$1') : w);
    if (words[0] === 'macdef') {
      while (i + 1 < lines.length && lines[i + 1]!.trim() !== '') i++; // a macro body ends at a blank line
      tokens.length = Math.max(0, tokens.length - words.length);
    }
  }
  let machine: string | undefined;
  let cur: Partial<Credentials> = {};
  const flush = () => {
    if (machine !== undefined && (cur.username !== undefined || cur.password !== undefined) && !out.has(machine)) {
      out.set(machine, { username: cur.username ?? '', password: cur.password ?? '' });
    }
  };
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i];
    if (t === 'machine' || t === 'default') {
      flush();
      machine = t === 'default' ? '' : tokens[++i]?.toLowerCase();
      cur = {};
    } else if (t === 'login') cur.username = tokens[++i];
    else if (t === 'password') cur.password = tokens[++i];
    else if (t === 'account') i++;
  }
  flush();
  return out;
}

let cached: { path: string; entries: Map<string, Credentials> } | undefined;

/** Credentials for `host` from the netrc file ($NETRC, else ~/.netrc), or undefined. */
export function netrcCredentials(host: string, env: NodeJS.ProcessEnv = process.env, home = homedir()): Credentials | undefined {
  const path = env.NETRC || join(home, '.netrc');
  if (cached?.path !== path) {
    let text = '';
    try {
      text = readFileSync(path, 'utf8');
    } catch {
      // no netrc: no credentials
    }
    cached = { path, entries: parseNetrc(text) };
  }
  return cached.entries.get(host.toLowerCase()) ?? cached.entries.get('');
}

/** Forget the parsed netrc (tests change it). */
export function resetNetrcCache(): void {
  cached = undefined;
}
