// venvkit cache dir|info|clean|prune|list|remove|purge: where the cache is, what it holds, and
// removing it safely (the rules are in src/cache/maintenance.ts); list, remove and purge as pip's.
import { readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pipOptionNamesOf } from '../pip-option-names.js';
import { parse } from '../args.js';
import { PIP_GENERAL_LOCAL, pipGeneralMeaning, withGeneral } from '../pip-general-local.js';
import { info, outColor, printJson, type Output, stdout, warn } from '../output.js';
import { VenvkitError } from '../../errors.js';
import { cacheRoot } from '../../cache/dirs.js';
import { builtWheels, CACHE_BUCKETS, cacheInfo, cleanCache, pruneCache, removeBuiltWheels, type RemovalResult } from '../../cache/maintenance.js';
import { codeCacheName } from '../code-cache.js';
import { formatBytes } from '../../plan-apply/progress.js';

declare const __dirname: string;

const HELP = `Usage: venvkit cache dir
       venvkit cache info [--json]
       venvkit cache clean [PART...] [--json]
       venvkit cache prune [--max-age DAYS] [--json]
       venvkit cache list [PATTERN] [--format human|abspath] [--json]
       venvkit cache remove PATTERN [--json]
       venvkit cache purge [--json]

  dir     print the cache directory ($VENVKIT_CACHE_DIR, else $XDG_CACHE_HOME/venvkit, else ~/.cache/venvkit)
  info    what each part of the cache holds (entries, size) and how many venvkit processes use it now
  clean   remove everything (or the PARTs named: ${CACHE_BUCKETS.join(', ')})
  prune   remove what has not been used for DAYS days (default 30) and what killed processes left
          (venvkit's own compiled code is kept beside the cache, in DIR-code, and is not touched by
          clean, purge or prune: it replaces itself when venvkit or Node changes)
  list    the wheels venvkit built from sources (as pip's cache list): PATTERN is a project name or a
          glob on the wheel's file name (as pip); --format abspath prints their paths
  remove  remove the built wheels PATTERN matches (as pip's cache remove; * also the index pages)
  purge   remove everything (as pip's cache purge; the same as clean)

An entry a running venvkit may be using (used since the oldest running venvkit started) is kept
by clean and prune, and counted as "in use". Nothing is done in a cache directory that is not
yours alone (owned by you, not writable by group or others).

Options:
      --cache-dir DIR     the cache directory for this run (as $VENVKIT_CACHE_DIR)
      --format FORMAT     list's format: human (the default) or abspath
      --max-age DAYS      prune's age (default 30)

pip's other general options are taken and change nothing here, as with pip (--no-cache-dir is
refused: the cache commands need a cache):
      --disable-pip-version-check, --no-input, --isolated, --require-virtualenv, --no-python-version-warning
      --timeout SEC, --retries N, --resume-retries N, --proxy URL, --no-proxy-env, --cert PATH
      --client-cert PATH, --trusted-host HOST, --keyring-provider NAME, --exists-action ACTION
      --python PY (checked: an environment or an interpreter inside one; the cache is the same)
      --debug, --use-feature FEATURE, --use-deprecated FEATURE (pip's choices are checked)

${pipGeneralMeaning(false)}`;

const SUBCOMMANDS = ['dir', 'info', 'clean', 'prune', 'list', 'remove', 'purge'];
const LIST_FORMATS = ['human', 'abspath'];

/** pip's size format (pip._internal.utils.misc.format_size). */
function pipSize(bytes: number): string {
  if (bytes > 1000 * 1000) return `${(bytes / 1000 / 1000).toFixed(1)} MB`;
  if (bytes > 10 * 1000) return `${Math.trunc(bytes / 1000)} kB`;
  if (bytes > 1000) return `${(bytes / 1000).toFixed(1)} kB`;
  return `${Math.trunc(bytes)} bytes`;
}

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
  if (argv.length === 0) {
    stdout(HELP);
    return 2;
  }
  // Options may come before the subcommand too (as pip's): the first positional is the subcommand.
  const { values, positionals: [sub, ...positionals], argv: full } = parse('cache', argv, { ...PIP_GENERAL_LOCAL, 'max-age': { type: 'string' }, format: { type: 'string' } }, pipOptionNamesOf('cache'));
  if (values.help) {
    stdout(HELP);
    return 0;
  }
  if (sub === undefined || !SUBCOMMANDS.includes(sub)) {
    throw new VenvkitError('USAGE', sub === undefined ? 'cache: give a subcommand' : `cache: unknown subcommand '${sub}'`, { hint: `Use \`venvkit cache ${SUBCOMMANDS.join('|')}\`.` });
  }
  if (values.format !== undefined && !LIST_FORMATS.includes(values.format)) {
    throw new VenvkitError('USAGE', `cache ${sub}: --format: invalid choice: '${values.format}' (choose from ${LIST_FORMATS.map((f) => `'${f}'`).join(', ')})`, { hint: 'Run `venvkit cache --help`.' });
  }
  return withGeneral(`cache ${sub}`, values, full, () => run(sub, values, positionals));
}

async function run(sub: string, values: { json?: boolean; quiet?: boolean; verbose?: boolean; 'max-age'?: string; format?: string; 'cache-dir'?: string; 'no-cache-dir'?: boolean; python?: string }, positionals: string[]): Promise<number> {
  if (values['no-cache-dir']) throw new VenvkitError('USAGE', `cache ${sub}: the cache commands cannot work with the cache disabled (--no-cache-dir)`, { hint: 'Leave out --no-cache-dir.' });
  if (values.python !== undefined) (await import('../pip-python.js')).envOfPython(values.python, `cache ${sub}`);
  if (values['cache-dir'] !== undefined) process.env.VENVKIT_CACHE_DIR = resolve(values['cache-dir']);
  const out: Output = { json: !!values.json, quiet: !!values.quiet, verbose: !!values.verbose };
  const takes = sub === 'clean' ? Infinity : sub === 'list' || sub === 'remove' ? 1 : 0;
  if (positionals.length > takes) throw new VenvkitError('USAGE', `cache ${sub}: unexpected argument '${positionals[takes]}'`, { hint: 'Run `venvkit cache --help`.' });
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
  if (sub === 'clean' || sub === 'purge') {
    const r = cleanCache({ buckets: positionals });
    if (sub === 'purge' && r.removed + r.keptInUse + r.keptOther === 0) warn(out, 'No matching packages'); // (as pip's purge)
    report(out, 'Removed', r);
    return 0;
  }
  if (sub === 'list') {
    const wheels = builtWheels({ pattern: positionals[0] });
    if (out.json) printJson({ wheels });
    else if (values.format === 'abspath') {
      if (wheels.length) stdout(wheels.map((w) => w.path).sort().join('\n') + '\n');
    } else if (!wheels.length) stdout('No locally built wheels cached.\n');
    else stdout(`Cache contents:\n\n${wheels.map((w) => ` - ${w.name} (${pipSize(w.bytes)})`).sort().join('\n')}\n`);
    return 0;
  }
  if (sub === 'remove') {
    const pattern = positionals[0];
    if (pattern === undefined) throw new VenvkitError('USAGE', 'cache remove: give a pattern (a project name or a glob on the wheel\'s file name)', { hint: 'For example `venvkit cache remove numpy`; `*` removes every built wheel.' });
    const r = removeBuiltWheels({ pattern });
    if (r.removed === 0 && r.keptInUse === 0 && r.keptOther === 0) warn(out, `No matching packages${pattern === '*' ? '' : ` for pattern "${pattern}"`}`);
    report(out, 'Removed', r);
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
