/**
 * A TOML writer that lays a document out as tomli-w does (the writer pip 26 uses for `pip lock`),
 * so venvkit's pylock.toml looks like pip's: scalars first, then sub-tables as [a.b] headers;
 * a list of tables as [[a.b]] unless every table fits inline in 100 columns; other arrays one item
 * a line with 4 spaces of indent and a trailing comma; keys in the order the object has them.
 * Values: strings, integers, booleans, arrays, plain objects, and TomlDateTime. Pure.
 */

/** An offset date-time, written bare (Python's str(datetime): "2024-01-02 03:04:05.123000+00:00"). */
export class TomlDateTime {
  constructor(readonly text: string) {}
}

/** RFC 3339 UTC ("2024-01-02T03:04:05.123Z") as tomli-w writes a datetime with tzinfo=UTC. */
export function utcDateTime(rfc3339: string): TomlDateTime | undefined {
  const m = /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2}:\d{2})(?:\.(\d{1,9}))?Z$/.exec(rfc3339);
  if (!m) return undefined;
  const micro = (m[3] ?? '').padEnd(6, '0').slice(0, 6);
  return new TomlDateTime(`${m[1]} ${m[2]}${/^0+$/.test(micro) ? '' : `.${micro}`}+00:00`);
}

export type TomlValue = string | number | boolean | TomlDateTime | TomlValue[] | TomlTable;
export interface TomlTable { [key: string]: TomlValue | undefined }

const MAX_LINE_LENGTH = 100;
const INDENT = '    ';
const BARE_KEY = /^[A-Za-z0-9_-]+$/;

const isTable = (v: unknown): v is TomlTable => typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof TomlDateTime);
const isArrayOfTables = (v: unknown): v is TomlTable[] => Array.isArray(v) && v.length > 0 && v.every(isTable);

const PLAIN = /^[^"\\\x00-\x1f\x7f]*$/;

function formatString(s: string): string {
  if (PLAIN.test(s)) return `"${s}"`;
  let out = '"';
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    if (ch === '"') out += '\\"';
    else if (ch === '\\') out += '\\\\';
    else if (ch === '\n') out += '\\n';
    else if (ch === '\t') out += '\\t';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\b') out += '\\b';
    else if (ch === '\f') out += '\\f';
    else if (c < 0x20 || c === 0x7f) out += `\\u${c.toString(16).padStart(4, '0')}`;
    else out += ch;
  }
  return `${out}"`;
}

const formatKey = (k: string) => (BARE_KEY.test(k) ? k : formatString(k));

function formatInlineTable(t: TomlTable): string {
  const items = Object.entries(t).filter(([, v]) => v !== undefined);
  if (!items.length) return '{}';
  return `{ ${items.map(([k, v]) => `${formatKey(k)} = ${formatLiteral(v!, 0)}`).join(', ')} }`;
}

function formatLiteral(v: TomlValue, nest: number): string {
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (typeof v === 'number') {
    if (!Number.isSafeInteger(v)) throw new TypeError(`TOML writer: ${v} is not an integer`);
    return String(v);
  }
  if (typeof v === 'string') return formatString(v);
  if (v instanceof TomlDateTime) return v.text;
  if (Array.isArray(v)) {
    if (!v.length) return '[]';
    const indent = INDENT.repeat(nest + 1);
    return `[\n${v.map((x) => indent + formatLiteral(x, nest + 1)).join(',\n')},\n${INDENT.repeat(nest)}]`;
  }
  return formatInlineTable(v);
}

const suitableInline = (t: TomlTable) => {
  const s = `${INDENT}${formatInlineTable(t)},`;
  return s.length <= MAX_LINE_LENGTH && !s.includes('\n');
};

function* tableChunks(table: TomlTable, name: string, insideAot: boolean): Generator<string> {
  let yielded = false;
  const literals: [string, TomlValue][] = [];
  const tables: [string, TomlTable, boolean][] = [];
  for (const [k, v] of Object.entries(table)) {
    if (v === undefined) continue;
    if (isTable(v)) tables.push([k, v, false]);
    else if (isArrayOfTables(v) && !v.every(suitableInline)) for (const t of v) tables.push([k, t, true]);
    else literals.push([k, v]);
  }
  if (insideAot || (name && (literals.length || !tables.length))) {
    yielded = true;
    yield insideAot ? `[[${name}]]\n` : `[${name}]\n`;
  }
  if (literals.length) {
    yielded = true;
    for (const [k, v] of literals) yield `${formatKey(k)} = ${formatLiteral(v, 0)}\n`;
  }
  for (const [k, v, aot] of tables) {
    if (yielded) yield '\n';
    else yielded = true;
    yield* tableChunks(v, name ? `${name}.${formatKey(k)}` : formatKey(k), aot);
  }
}

/** The document as tomli-w's dumps() would write it. */
export function stringifyToml(doc: TomlTable): string {
  return [...tableChunks(doc, '', false)].join('');
}
