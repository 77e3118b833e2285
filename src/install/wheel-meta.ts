// Parsers for the text files inside a wheel's .dist-info (WHEEL, METADATA, RECORD, entry_points.txt)
// and the RECORD writer. Pure: strings in, data out.

/** Email-header style fields (WHEEL, METADATA): lowercased key -> values in order. Stops at the body. */
export function parseHeaderFields(text: string): Map<string, string[]> {
  const out = new Map<string, string[]>();
  let lastKey: string | undefined;
  for (const line of text.split(/\r?\n/)) {
    if (line === '') break;
    if (/^[ \t]/.test(line) && lastKey) {
      const vals = out.get(lastKey)!;
      vals[vals.length - 1] += '\n' + line.trim();
      continue;
    }
    const i = line.indexOf(':');
    if (i <= 0) throw new Error(`malformed line "${line.slice(0, 80)}"`);
    lastKey = line.slice(0, i).trim().toLowerCase();
    const value = line.slice(i + 1).trim();
    const vals = out.get(lastKey);
    if (vals) vals.push(value);
    else out.set(lastKey, [value]);
  }
  return out;
}

export interface RecordRow {
  path: string;
  /** "sha256" etc., with the urlsafe-base64 digest (no padding), or null when the row has no hash. */
  hash: { algorithm: string; digest: string } | null;
  size: number | null;
}

/** CSV rows as Python's csv module reads them (quotes, doubled quotes, quoted newlines). */
export function parseCsv(text: string): string[][] {
  // Nearly every RECORD has no quote at all: then its rows are its non-empty lines split on commas
  // (what the loop below gives, several times faster than building each field a character at a time).
  if (!text.includes('"')) {
    const rows: string[][] = [];
    for (const line of text.split(/\r\n|\r|\n/)) if (line !== '') rows.push(line.split(','));
    return rows;
  }
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  let i = 0;
  let any = false;
  while (i < text.length) {
    const c = text[i];
    if (quoted) {
      if (c === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i += 2;
          continue;
        }
        quoted = false;
      } else field += c;
      i++;
      continue;
    }
    if (c === '"' && field === '') {
      quoted = true;
      any = true;
    } else if (c === ',') {
      row.push(field);
      field = '';
      any = true;
    } else if (c === '\n' || c === '\r') {
      if (any || field !== '') {
        row.push(field);
        rows.push(row);
      }
      row = [];
      field = '';
      any = false;
      if (c === '\r' && text[i + 1] === '\n') i++;
    } else {
      field += c;
      any = true;
    }
    i++;
  }
  if (quoted) throw new Error('unterminated quoted field');
  if (any || field !== '') {
    row.push(field);
    rows.push(row);
  }
  return rows;
}

export function parseRecord(text: string): RecordRow[] {
  return parseCsv(text).map((cols, n) => {
    if (cols.length < 1 || cols.length > 3 || cols[0] === '') throw new Error(`row ${n + 1} is malformed`);
    const [path, hashText = '', sizeText = ''] = cols;
    let hash: RecordRow['hash'] = null;
    if (hashText !== '') {
      const eq = hashText.indexOf('=');
      if (eq <= 0) throw new Error(`row ${n + 1} (${path}) has a malformed hash "${hashText}"`);
      hash = { algorithm: hashText.slice(0, eq).toLowerCase(), digest: hashText.slice(eq + 1) };
    }
    let size: number | null = null;
    if (sizeText !== '') {
      if (!/^\d+$/.test(sizeText)) throw new Error(`row ${n + 1} (${path}) has a malformed size "${sizeText}"`);
      size = Number(sizeText);
    }
    return { path, hash, size };
  });
}

function csvField(s: string): string {
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** RECORD text: one `path,algo=digest,size` line per row (empty fields for rows without hash/size). */
export function formatRecord(rows: RecordRow[]): string {
  return rows
    .map((r) => [csvField(r.path), r.hash ? `${r.hash.algorithm}=${r.hash.digest}` : '', r.size === null ? '' : String(r.size)].join(','))
    .join('\n') + '\n';
}

/** entry_points.txt as configparser reads it (case-sensitive keys, `=` only, # and ; comments). */
export function parseEntryPoints(text: string): Record<string, Record<string, string>> {
  // Prototype-less objects: a section or key named __proto__ from a wheel must stay plain data.
  const out: Record<string, Record<string, string>> = Object.create(null);
  let section: Record<string, string> | undefined;
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#') || line.startsWith(';')) continue;
    const m = /^\[(.+)\]$/.exec(line);
    if (m) {
      section = out[m[1].trim()] ??= Object.create(null) as Record<string, string>;
      continue;
    }
    const eq = line.indexOf('=');
    if (eq <= 0 || !section) throw new Error(`malformed line "${line.slice(0, 80)}"`);
    section[line.slice(0, eq).trim()] = line.slice(eq + 1).trim();
  }
  // Back to plain objects; fromEntries defines keys as data, so "__proto__" stays an ordinary key.
  return Object.fromEntries(Object.entries(out).map(([k, v]) => [k, Object.fromEntries(Object.entries(v))]));
}

export interface EntryPointTarget {
  module: string;
  /** Dotted attribute path inside the module ("main", "cli.run"), or "" for the module itself. */
  attr: string;
}

/** "pkg.mod:obj.attr [extra1,extra2]" -> { module, attr }; throws on anything else. */
export function parseEntryPointValue(value: string): EntryPointTarget {
  // Trimmed first, and each optional part starts with its own punctuation: no two adjacent \s* that
  // could split the same spaces (that made a line of spaces take cubic time).
  const m = /^([A-Za-z_]\w*(?:\s*\.\s*[A-Za-z_]\w*)*)(?:\s*:\s*([A-Za-z_]\w*(?:\s*\.\s*[A-Za-z_]\w*)*))?(?:\s*\[[^\]]*\])?$/u.exec(value.trim());
  if (!m) throw new Error(`malformed entry point "${value.length > 200 ? `${value.slice(0, 200)}...` : value}"`);
  return { module: m[1].replace(/\s+/g, ''), attr: (m[2] ?? '').replace(/\s+/g, '') };
}
