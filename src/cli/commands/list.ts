// venvkit list: the distributions installed in an env, as pip list shows them (columns, freeze,
// json; --outdated, --uptodate, --not-required), plus venvkit's own --json.
import { pipOptionNamesOf } from '../pip-option-names.js';
import { generalEnv, PIP_GENERAL_LOCAL, pipGeneralMeaning, withGeneral } from '../pip-general-local.js';
import { formatOps, parse } from '../args.js';
import { printJson, type Output, stdout, warn } from '../output.js';
import { resolve } from 'node:path';
import { VenvkitError } from '../../errors.js';
import { disableCaches } from '../../cache/trust.js';
import { locateVenv } from '../../venv/locate.js';
import { openVenv } from '../../venv/open.js';
import { recoverForRead } from '../../install/recover.js';
import { printRecovered } from '../recovered.js';
import type { DistInfo } from '../../installed/dists.js';
import { editableLocation } from '../../installed/editable-info.js';
import { filterDists, visibleDists } from '../../installed/select.js';
import { directDependencies } from '../../installed/show.js';
import { markerEnvironment } from '../../pep/markers.js';
import { canonicalizeName } from '../../pep/names.js';
import { compareVersions, normalizeVersion, tryParseVersion } from '../../pep/pep440.js';
import type { Latest } from '../../installed/latest.js';

const HELP = `Usage: venvkit list [--env DIR] [options]

List the distributions installed in an environment, as \`pip list\` does.

Options:
      --env DIR          the environment (default: $VIRTUAL_ENV, else the nearest .venv upwards)
      --format FORMAT    columns (the default), freeze (name==version) or json (pip's JSON list)
  -o, --outdated         only those with a newer version on the indexes (adds Latest and Type)
  -u, --uptodate         only those whose installed version is the newest
      --not-required     only those no other installed distribution requires
  -e, --editable         only editable installs
      --exclude-editable leave editable installs out (--include-editable: keep them, the default;
                         the last of the two wins)
      --exclude NAME     leave NAME out (repeatable)
      --path DIR         list what DIR holds instead of the environment (repeatable; the first of
                         each project in that order, as pip)
      --user             only what the interpreter's user site holds (nothing in an environment
                         made without --system-site-packages, as pip)
  -l, --local            only what the environment itself holds: in an environment that sees the
                         system site-packages, the user site and the base interpreter's
                         site-packages are otherwise listed too (as pip list)
  -v, --verbose          also show each one's location and installer
      --json             venvkit's JSON: {version, env, packages: [{name, version, location,
                         installer, editable_project_location?, latest_version?, latest_filetype?}]}

An "Editable project location" column appears when something is installed editable (as pip list).

With --outdated or --uptodate, which versions count as the latest (as for install and as pip list):
      --pre              pre-releases too (--all-releases NAMES|:all:, --only-final NAMES|:all:
                         per project; not with --pre)
      --no-binary NAMES, --only-binary NAMES, --prefer-binary
                         which files count (sdists, wheels; a wheel over a newer sdist)
      --uploaded-prior-to WHEN, --refresh-package NAMES
  -i, --index-url URL    the index to ask (default: pip's configuration), with --extra-index-url URL,
  -f, --find-links LOC   --find-links LOC and --no-index as for install
      --timeout SEC, --retries N, --proxy URL, --no-proxy-env, --cert PATH, --client-cert PATH,
      --trusted-host HOST, --isolated (no PIP_* variables or user configuration)
      --cache-dir DIR, --no-cache-dir (venvkit's cache for the index pages)

pip's other general options are taken and change nothing here, as with pip:
      --disable-pip-version-check, --no-input, --require-virtualenv, --no-python-version-warning
      --resume-retries N, --keyring-provider NAME, --exists-action ACTION
      --debug, --use-feature FEATURE, --use-deprecated FEATURE (pip's choices are checked)

${pipGeneralMeaning(true)}`;

export function table(rows: string[][]): string {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  const line = (r: string[]) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]!))).join(' ').trimEnd();
  return [line(rows[0]!), widths.map((w) => '-'.repeat(w)).join(' '), ...rows.slice(1).map(line)].join('\n') + '\n';
}

const FORMATS = ['columns', 'freeze', 'json'];

/** JSON as Python's json.dumps writes it (what pip list --format json prints): ", " and ": ", non-ASCII escaped. */
function pythonJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(pythonJson).join(', ')}]`;
  if (v !== null && typeof v === 'object') return `{${Object.entries(v).map(([k, x]) => `${pythonJson(k)}: ${pythonJson(x)}`).join(', ')}}`;
  return JSON.stringify(v).replace(/[\u0080-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

const OPTIONS = {
  ...PIP_GENERAL_LOCAL,
  env: { type: 'string' },
  format: { type: 'string' },
  outdated: { type: 'boolean', short: 'o' },
  uptodate: { type: 'boolean', short: 'u' },
  'not-required': { type: 'boolean' },
  pre: { type: 'boolean' },
  'index-url': { type: 'string', short: 'i' },
  'extra-index-url': { type: 'string', multiple: true },
  'find-links': { type: 'string', short: 'f', multiple: true },
  'no-index': { type: 'boolean' },
  'all-releases': { type: 'string', multiple: true },
  'only-final': { type: 'string', multiple: true },
  'no-binary': { type: 'string', multiple: true },
  'only-binary': { type: 'string', multiple: true },
  'prefer-binary': { type: 'boolean' },
  'refresh-package': { type: 'string', multiple: true },
  'uploaded-prior-to': { type: 'string' },
  editable: { type: 'boolean', short: 'e' },
  'exclude-editable': { type: 'boolean' },
  'include-editable': { type: 'boolean' },
  exclude: { type: 'string', multiple: true },
  path: { type: 'string', multiple: true },
  user: { type: 'boolean' },
  local: { type: 'boolean', short: 'l' },
} as const;

export default async function list(argv: string[]): Promise<number> {
  const { values, argv: full } = parse('list', argv, OPTIONS, pipOptionNamesOf('list'));
  if (values.help) {
    stdout(HELP);
    return 0;
  }
  return withGeneral('list', values, full, () => run(values, full));
}

type Values = ReturnType<typeof parse<typeof OPTIONS>>['values'];

async function run(values: Values, full: string[]): Promise<number> {
  // pip's network and selection options (the same checks and meanings as install's).
  const { checkPipCombinations, pipRun } = await import('../pip-install-options.js');
  const pip = pipRun(values, full, 'list');
  await checkPipCombinations({ pre: values.pre }, pip, 'list');
  if (values['cache-dir'] !== undefined) process.env.VENVKIT_CACHE_DIR = resolve(values['cache-dir']);
  if (values['no-cache-dir']) disableCaches();
  const timeout = values.timeout;
  const { FormatControl } = await import('../../index/format-control.js');
  FormatControl.from(formatOps(full)); // pip checks their values whatever else is asked
  const out: Output = { json: !!values.json, quiet: !!values.quiet, verbose: !!values.verbose };
  const format = values.format ?? 'columns';
  if (!FORMATS.includes(format)) throw new VenvkitError('USAGE', `list: --format must be one of ${FORMATS.join(', ')} (got "${format}")`, { hint: 'Use --json for venvkit\'s own JSON.' });
  if (values.outdated && values.uptodate) throw new VenvkitError('USAGE', 'list: --outdated and --uptodate cannot be combined', { hint: 'Use one of them.' });
  if (values.outdated && format === 'freeze') throw new VenvkitError('USAGE', "list: --format freeze cannot be used with --outdated", { hint: 'Use --format columns or json.' });
  if (values.path && (values.user || values.local)) throw new VenvkitError('USAGE', "list: --path cannot be combined with --user or --local", { hint: 'Use one of them.' });
  const venv = await openVenv(locateVenv({ explicit: generalEnv('list', values) }).root, { probe: !!(values['not-required'] || values.outdated || values.uptodate) });
  // A transaction a killed venvkit left is finished first (or this fails saying how to fix it).
  printRecovered(venv.root, await recoverForRead(venv.root));
  // pip sorts by the normalised name (readDists' order).
  let dists: DistInfo[] = visibleDists(venv, { paths: values.path, user: values.user, local: values.local });
  // pip: the last of --exclude-editable / --include-editable wins; -e keeps editables only.
  const withoutEditables = full.lastIndexOf('--exclude-editable') > full.lastIndexOf('--include-editable');
  dists = filterDists(dists, { editablesOnly: !!values.editable, withoutEditables });
  const needBase = () => {
    if (!venv.base) throw new VenvkitError('PYTHON_NOT_FOUND', `The base interpreter of ${venv.root} cannot be found`, { hint: 'Recreate the environment with `venvkit create`.' });
    return venv.base;
  };
  if (values['not-required']) {
    const env = markerEnvironment(needBase());
    const required = new Set(dists.flatMap((d) => directDependencies(d, env).map((r) => canonicalizeName(r.name))));
    dists = dists.filter((d) => !required.has(canonicalizeName(d.name)));
  }
  // (After --not-required, as pip: an excluded distribution still counts as requiring others.)
  if (values.exclude) dists = filterDists(dists, { exclude: values.exclude });
  let latest = new Map<string, Latest>();
  if (values.outdated || values.uptodate) {
    const { latestVersions } = await import('../../installed/latest.js');
    latest = await latestVersions(dists.map((d) => d.name), needBase(), {
      flags: {
        indexUrl: values['index-url'], extraIndexUrls: values['extra-index-url'], findLinks: values['find-links'], noIndex: values['no-index'], pre: values.pre,
        ...pip.index, formatControl: formatOps(full), preferBinary: values['prefer-binary'], ...(timeout !== undefined ? { timeout: Number(timeout) } : {}),
      },
      onWarning: (m) => warn(out, m),
    });
    dists = dists.filter((d) => {
      const l = latest.get(d.name);
      const have = tryParseVersion(d.version);
      const newest = l && tryParseVersion(l.version);
      if (!have || !newest) return false;
      const cmp = compareVersions(newest, have);
      return values.outdated ? cmp > 0 : cmp === 0;
    });
  }
  const rows = dists.map((d) => ({ d, editable: editableLocation(d), latest: latest.get(d.name) }));
  if (out.json) {
    printJson({ env: venv.root, packages: rows.map(({ d, editable, latest: l }) => ({ name: d.name, version: d.version, location: d.location, installer: d.installer, ...(editable !== undefined ? { editable_project_location: editable } : {}), ...(values.outdated && l ? { latest_version: l.version, latest_filetype: l.filetype } : {}) })) });
    return 0;
  }
  if (format === 'freeze') {
    for (const { d } of rows) stdout(`${d.name}${tryParseVersion(d.version) ? `==${normalizeVersion(d.version)}` : `===${d.version}`}${out.verbose ? ` (${d.location})` : ''}\n`);
    return 0;
  }
  if (format === 'json') {
    // pip's format exactly: one line, its keys in its order.
    stdout(pythonJson(rows.map(({ d, editable, latest: l }) => ({
      name: d.name,
      version: tryParseVersion(d.version) ? normalizeVersion(d.version) : d.version,
      ...(out.verbose ? { location: d.location, installer: d.installer } : {}),
      ...(values.outdated && l ? { latest_version: l.version, latest_filetype: l.filetype } : {}),
      ...(editable ? { editable_project_location: editable } : {}),
    }))) + '\n');
    return 0;
  }
  if (rows.length === 0) return 0;
  const withEditables = rows.some((x) => x.editable !== undefined);
  const head = ['Package', 'Version', ...(values.outdated ? ['Latest', 'Type'] : []), ...(withEditables ? ['Editable project location'] : []), ...(out.verbose ? ['Location', 'Installer'] : [])];
  const cells = rows.map(({ d, editable, latest: l }) => [d.name, d.version, ...(values.outdated ? [l!.version, l!.filetype] : []), ...(withEditables ? [editable ?? ''] : []), ...(out.verbose ? [d.location, d.installer] : [])]);
  stdout(table([head, ...cells]));
  return 0;
}
