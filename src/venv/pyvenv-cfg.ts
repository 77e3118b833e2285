// pyvenv.cfg: the one file that makes a directory a virtual environment (PEP 405).
// Pure text <-> data, plus a Python-repr codec for the `prompt` key (venv writes `prompt = 'x'`).
import type { PyvenvCfg } from './types.js';

/** Parse pyvenv.cfg the way site.py does: `key = value` lines, split at the first '=', keys lower-cased. */
export function parsePyvenvCfg(text: string): PyvenvCfg {
  const cfg: PyvenvCfg = {};
  for (const line of text.split(/\r?\n/)) {
    const eq = line.indexOf('=');
    if (eq < 0) continue;
    const key = line.slice(0, eq).trim().toLowerCase();
    if (key) cfg[key] = line.slice(eq + 1).trim();
  }
  return cfg;
}

/** Serialise in insertion order, as venv does: `key = value\n` per key. */
export function formatPyvenvCfg(cfg: PyvenvCfg): string {
  let out = '';
  for (const [k, v] of Object.entries(cfg)) out += `${k} = ${v}\n`;
  return out;
}

const SIMPLE_ESCAPES: Record<string, string> = { '\\': '\\\\', '\n': '\\n', '\r': '\\r', '\t': '\\t' };

/** Python's repr() of a str (what venv writes for `prompt`): quote choice and escapes as CPython makes them. */
export function pythonRepr(s: string): string {
  const quote = s.includes("'") && !s.includes('"') ? '"' : "'";
  let out = quote;
  for (const ch of s) {
    const cp = ch.codePointAt(0)!;
    if (SIMPLE_ESCAPES[ch]) out += SIMPLE_ESCAPES[ch];
    else if (ch === quote) out += '\\' + ch;
    else if (cp < 0x20 || (cp >= 0x7f && cp < 0xa0)) out += '\\x' + cp.toString(16).padStart(2, '0');
    else if (cp === 0xad || (cp >= 0x2028 && cp <= 0x2029) || (cp >= 0xd800 && cp <= 0xdfff)) {
      out += cp <= 0xffff ? '\\u' + cp.toString(16).padStart(4, '0') : '\\U' + cp.toString(16).padStart(8, '0');
    } else out += ch;
  }
  return out + quote;
}

/** Undo pythonRepr when the value is a quoted Python literal; other values (uv, virtualenv write them bare) pass through. */
export function unquotePrompt(value: string): string {
  if (value.length < 2) return value;
  const q = value[0];
  if ((q !== "'" && q !== '"') || value[value.length - 1] !== q) return value;
  const body = value.slice(1, -1);
  let out = '';
  for (let i = 0; i < body.length; i++) {
    const ch = body[i];
    if (ch !== '\\' || i === body.length - 1) {
      out += ch;
      continue;
    }
    const n = body[++i];
    const hex = (len: number) => {
      const cp = parseInt(body.slice(i + 1, i + 1 + len), 16);
      i += len;
      return String.fromCodePoint(cp);
    };
    if (n === 'n') out += '\n';
    else if (n === 'r') out += '\r';
    else if (n === 't') out += '\t';
    else if (n === 'x') out += hex(2);
    else if (n === 'u') out += hex(4);
    else if (n === 'U') out += hex(8);
    else out += n;
  }
  return out;
}

/** [major, minor, micro] from cfg `version` (venv) or `version_info` (virtualenv, uv), if present. */
export function cfgVersion(cfg: PyvenvCfg): [number, number, number] | undefined {
  const m = /^(\d+)\.(\d+)(?:\.(\d+))?/.exec(cfg.version ?? cfg.version_info ?? '');
  return m ? [Number(m[1]), Number(m[2]), Number(m[3] ?? 0)] : undefined;
}
