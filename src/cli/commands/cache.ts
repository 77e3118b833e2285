// venvkit cache dir|info|clean|prune: where the cache is, what it holds, and removing it safely
// (the rules are in src/cache/maintenance.ts).
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { pipOptionNamesOf } from '../pip-option-names.js';
import { parse } from '../args.js';
import { info, outColor, printJson, type Output, stdout } from '../output.js';
import { VenvkitError } from '../../errors.js';
import { cacheRoot } from '../../cache/dirs.js';
import { CACHE_BUCKETS, cacheInfo, cleanCache, pruneCache, type RemovalResult } from '../../cache/maintenance.js';
import { codeCacheName } from '../code-cache.js';
import { formatBytes } from '../../plan-apply/progress.js';

declare const __dirname: string;

const HELP = `Usage: venvkit cache dir
       venvkit cache info [--json]
       venvkit cache clean [PART...] [--json]
       venvkit cache prune [--max-age DAYS] [--json]

  dir     print the cache directory ($VENVKIT_CACHE_DIR, else $XDG_CACHE_HOME/venvkit, else ~/.cache/venvkit)
  info    what each part of the cache holds (entries, size) and how many venvkit processes use it now
  clean   remove everything (or the PARTs named: ${CACHE_BUCKETS.join(', ')})
  prune   remove what has not been used for DAYS days (default 30), code caches of other venvkit
          or Node versions, and what killed processes left

An entry a running venvkit may be using (used since the oldest running venvkit started) is kept
by clean and prune, and counted as "in use". Nothing is done in a cache directory that is not
yours alone (owned by you, not writable by group or others).
`;

/** V8 code cache names of this build's bundles and their first-run marks (the others are of other builds). */
function currentCodeCaches(): string[] {
  const names: string[] = [];
  for (const dir of [__dirname, join(__dirname, 'parts')]) {
    let files: string[] = [];
    try {
      files = readdirSync(dir).filter((f) => f.endsWith('.cjs'));
    } catch {
      continue;
    }
    for (const f of files) {
      const name = codeCacheName(join(dir, f), statSync(join(dir, f)));
      names.push(name, `${name}.seen`); // (the mark a bundle's first run leaves, code-cache.ts)
    }
  }
  return names;
}

function report(out: Output, verb: string, r: RemovalResult): void {
  if (out.json) return printJson(r);
  const kept = [r.keptInUse ? `kept ${r.keptInUse} in use by a running venvkit` : '', r.keptOther ? `kept ${r.keptOther} not yours or not removable` : ''].filter(Boolean);
  info(out, `${verb} ${r.removed} ${r.removed === 1 ? 'entry' : 'entries'} (${formatBytes(r.bytes)}) from ${r.root}${kept.length ? `; ${kept.join(', ')}` : ''}`);
}

export default async function cache(argv: string[]): Promise<number> {
  const [sub, ...rest] = argv;
  if (sub === undefined || sub === '-h' || sub === '--help') {
    stdout(HELP);
    return sub === undefined ? 2 : 0;
  }
  if (!['dir', 'info', 'clean', 'prune'].includes(sub)) {
    throw new VenvkitError('USAGE', `cache: unknown subcommand '${sub}'`, { hint: 'Use `venvkit cache dir|info|clean|prune`.' });
  }
  const { values, positionals } = parse(`cache ${sub}`, rest, { 'max-age': { type: 'string' } }, pipOptionNamesOf('cache'));
  if (values.help) {
    stdout(HELP);
    return 0;
  }
  const out: Output = { json: !!values.json, quiet: !!values.quiet, verbose: !!values.verbose };
  if (sub !== 'clean' && positionals.length) throw new VenvkitError('USAGE', `cache ${sub}: unexpected argument '${positionals[0]}'`, { hint: 'Run `venvkit cache --help`.' });
  if (sub !== 'prune' && values['max-age'] !== undefined) throw new VenvkitError('USAGE', `cache ${sub}: --max-age is for \`cache prune\``);
  if (sub === 'dir') {
    if (out.json) printJson({ root: cacheRoot() });
    else stdout(cacheRoot() + '\n');
    return 0;
  }
  if (sub === 'info') {
    const i = cacheInfo();
    if (out.json) {
      printJson(i);
      return 0;
    }
    const rows = i.buckets.map((b) => `  ${b.name.padEnd(13)} ${String(b.entries).padStart(7)}  ${formatBytes(b.bytes).padStart(10)}`);
    stdout(`${outColor.bold(i.root)}\n  ${'part'.padEnd(13)} ${'entries'.padStart(7)}  ${'size'.padStart(10)}\n${rows.join('\n')}\n  ${'total'.padEnd(13)} ${String(i.entries).padStart(7)}  ${formatBytes(i.bytes).padStart(10)}\n` + (i.inUseBy ? `In use by ${i.inUseBy} running venvkit process${i.inUseBy === 1 ? '' : 'es'}.\n` : ''));
    return 0;
  }
  if (sub === 'clean') {
    report(out, 'Removed', cleanCache({ buckets: positionals }));
    return 0;
  }
  const raw = values['max-age'];
  const days = raw === undefined ? undefined : Number(raw);
  if (raw !== undefined && (raw.trim() === '' || !Number.isFinite(days) || days! < 0)) {
    throw new VenvkitError('USAGE', `cache prune: --max-age must be a number of days, 0 or more (got "${raw}")`, { hint: 'For example `venvkit cache prune --max-age 7`.' });
  }
  report(out, 'Pruned', pruneCache({ maxAgeDays: days, currentCodeCaches: currentCodeCaches() }));
  return 0;
}
