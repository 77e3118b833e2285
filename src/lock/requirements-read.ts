// A requirements.txt used as a lock: each line pinned to one version (`name==version`, as
// pip-compile and `pip freeze` write them), markers evaluated for this env. Nothing is resolved: a
// line that is not pinned is an error.
//
// Hashes follow pip 26.2's hash-checking mode. It is on when the file, the caller or pip's
// configuration says `--require-hashes`, or when any requirement or constraint line carries `--hash` (unless
// `--no-require-hashes`: both at once are an error, as in pip). In it every index pin needs its
// `--hash` (refused in pip's words otherwise). Outside it a pin without hashes is taken from the
// indexes as an install of `name==version` chooses its file, checked against the hash the index
// publishes (sync/apply.ts); a line's own hashes are checked whatever the mode. A constraint's
// hashes are its pin's too (with the line's own: the ones both allow), as pip merges them.
//
// Direct references, as `venvkit lock -o x.txt` and pip-compile write them, are pinned too: a
// directory (`name @ file:///abs/dir`, `-e file:///abs/dir`, or a bare path: `./pkg`, `.`,
// `file:///dir`, whose name is learnt when it is built) is built from where it is; a git checkout
// (`name @ git+URL@COMMIT`, `git+URL@COMMIT#egg=name`, or editable: `-e git+URL@COMMIT#egg=name`,
// checked out where pip puts it, `<src>/<name>`) must name the full commit; an archive (`name @
// URL` or a bare path or URL of a wheel or an sdist, `#subdirectory=` allowed) needs --hash like an
// index pin in hash-checking mode (a `#sha256=` fragment on its URL counts, as pip's). A directory
// or a checkout has no single file to hash, so it carries none (as uv); in hash-checking mode
// (asked for, or turned on by a line's --hash) they are refused with pip 26.2's messages, as pip does.
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { VenvkitError } from '../errors.js';
import { evaluateMarker, type MarkerEnvironment } from '../pep/markers.js';
import { parseRequirement } from '../pep/pep508.js';
import { canonicalizeName } from '../pep/names.js';
import { readRequirementFiles, type RequirementLine, type RequirementsFileOptions } from '../index/requirements-file.js';
import { editableSource, localSource, type LocalSource } from '../build/local-source.js';
import { directUrlForVcs } from '../build/vcs.js';
import { parseConfigSettings } from '../build/config-settings.js';
import { tryParseVersion } from '../pep/pep440.js';
import { checkBooleans, loadPipConfig } from '../index/pip-config.js';
import { unhashableRefusal } from '../index/require-hashes.js';
import type { ConfigSettings } from '../build/hooks.js';

/** A line naming where its project is, not a version on an index. */
export interface DirectPin {
  /** dir: a project directory (editable or not); vcs: a git checkout at a commit; archive: a wheel or an sdist by URL. */
  kind: 'dir' | 'vcs' | 'archive';
  /** What the installed distribution's direct_url.json records (no fragment). */
  url: string;
  editable: boolean;
  /** vcs: the commit (lower case), and the revision as written (recorded as requested_revision). */
  commitId?: string;
  requestedRevision?: string;
  /** archive (sdist): the project's directory inside it. */
  subdirectory?: string;
  /** archive: its file name, and whether it is a wheel. */
  filename?: string;
  wheel?: boolean;
  /** dir and vcs: what src/build builds. */
  source?: LocalSource;
  /** An editable checkout: where it is (`<src>/<name>`), and the project's directory in it (`url`'s path). */
  checkout?: string;
  projectDir?: string;
}

export interface PinnedRequirement {
  /** "" for `-e file:///dir` without a name: known once built (or from the installed distribution whose direct_url.json names the directory). */
  name: string;
  key: string;
  /** "" for a direct reference (a directory or a checkout: known once built; an archive: from its file name when it gives one). */
  version: string;
  /** `algo:hex`, lower case; none for a directory or a checkout. */
  hashes: string[];
  /** Where it was read, `file:line`. */
  where: string;
  direct?: DirectPin;
  /** The `-C KEY=VALUE` written after the line: that build's settings (as pip gives a line's). */
  configSettings?: ConfigSettings;
}

export interface RequirementsLock {
  path: string;
  pins: PinnedRequirement[];
  /** The file's own options (--index-url, --find-links...): they apply to the sync. */
  options: RequirementsFileOptions;
  /** pip's hash-checking mode, as worked out (see the module comment). */
  hashMode: HashMode;
}

function bad(where: string, what: string, hint: string): never {
  throw new VenvkitError('BAD_LOCK', `${where}: ${what}`, { hint });
}

const WHEEL = /^(.+?)-(\d[^-]*)-.*\.whl$/i;
const SDIST = /^(.+?)-(\d[^-]*?)\.(?:tar\.gz|tgz|tar\.bz2|tar\.xz|tar|zip)$/i;

/** pip 26.2's refusal in hash-checking mode (its wording): a directory or a checkout has no file to hash. */
function refuseUnhashable(message: string, hashMode: HashMode): never {
  throw new VenvkitError('BAD_LOCK', message, {
    hint: hashMode === 'implied'
      ? 'Hash-checking mode is on because a line of the file (or a constraint) has a --hash: turn it off (the `noRequireHashes` option, or a --no-require-hashes line in the file; every hash given is still checked), or lock a built wheel or sdist of the project instead.'
      : 'Turn hash-checking mode off where it was asked for (the `requireHashes` option, a --require-hashes line in the file, or require-hashes in pip\'s configuration; sync still checks every hash given), or lock a built wheel or sdist of the project instead.',
  });
}

function notACommit(where: string, text: string): never {
  bad(where, `${text} is not pinned to a commit`, 'sync resolves nothing: name the full commit hash (`name @ git+URL@<40 hex digits>`, `-e git+URL@<40 hex digits>#egg=name`), as `venvkit lock -o requirements.txt` writes it.');
}

/** Hash-checking mode: off, asked for (`--require-hashes`, the caller, pip's configuration), or implied by a line's `--hash`. */
export type HashMode = false | 'required' | 'implied';

/** A `-e` line, a `name @ URL` line or a bare path or URL as a pin (see the module comment); `srcDir`: where editable checkouts go. */
function directPin(line: RequirementLine, where: string, cwd: string, srcDir: string, hashMode: HashMode): PinnedRequirement {
  if (line.editable) {
    if (line.editable.vcs) {
      const vcs = line.editable.vcs;
      if (!vcs.rev || !/^[0-9a-f]{40}$/i.test(vcs.rev)) notACommit(where, `-e ${line.text}`);
      // As pip: checked out into <src>/<name>, and installed editable from there (its direct_url.json names that directory).
      const name = line.editable.name!;
      const checkout = join(srcDir, canonicalizeName(name));
      const projectDir = vcs.subdirectory ? join(checkout, ...vcs.subdirectory.split('/')) : checkout;
      return {
        name, key: canonicalizeName(name), version: '', hashes: [], where,
        direct: { kind: 'vcs', url: pathToFileURL(projectDir).href, editable: true, commitId: vcs.rev.toLowerCase(), requestedRevision: vcs.rev, source: editableSource(line.editable), checkout, projectDir },
      };
    }
    const source = editableSource(line.editable);
    const name = line.editable.name ?? '';
    return { name, key: name ? canonicalizeName(name) : '', version: '', hashes: [], where, direct: { kind: 'dir', url: source.url, editable: true, source } };
  }
  // `name @ URL`, or a bare path or URL (its name from the VCS URL's #egg=, the archive's file name, or the built project).
  const req = line.location ? undefined : parseRequirement(line.text);
  const url = req ? req.url : line.location!.url;
  if (!url) bad(where, `${line.text} does not say which project it is`, 'Write it as `name @ URL` (venvkit lock -o requirements.txt writes that form).');
  const source = localSource(line.text, cwd);
  const named = source?.name ?? req?.name ?? '';
  if (source?.kind === 'vcs') {
    const rev = source.vcs!.rev;
    if (!rev || !/^[0-9a-f]{40}$/i.test(rev)) notACommit(where, line.text);
    return {
      name: named, key: canonicalizeName(named), version: '', hashes: [], where,
      direct: { kind: 'vcs', url: directUrlForVcs(source.vcs!, rev).url, editable: false, commitId: rev.toLowerCase(), requestedRevision: rev, ...(source.vcs!.subdirectory ? { subdirectory: source.vcs!.subdirectory } : {}), source },
    };
  }
  if (source?.kind === 'dir') return { name: named, key: named ? canonicalizeName(named) : '', version: '', hashes: [], where, direct: { kind: 'dir', url: source.url, editable: false, source } };
  // An archive: a wheel, or an sdist (local or remote), checked against its --hash.
  const [bare, fragment = ''] = url.split('#', 2) as [string, string?];
  const sub = /(?:^|&)subdirectory=([^&]*)/.exec(fragment)?.[1];
  const filename = decodeURIComponent(bare.split(/[?]/, 1)[0]!.replace(/\/+$/, '').split('/').pop() ?? '');
  const wheel = /\.whl$/i.test(filename);
  if (!wheel && !/\.(tar\.gz|tgz|tar\.bz2|tar\.xz|tar|zip)$/i.test(filename)) {
    bad(where, `${line.text} is neither a wheel, an sdist, a project directory nor a git checkout`, 'A lock line names a file:// directory, a git+URL@COMMIT, or a .whl / .tar.gz / .zip archive.');
  }
  // As pip: the hashes of the line, and the one its URL's fragment gives (`#sha256=<hex>`).
  const hashes = line.hashes.map((h) => h.toLowerCase());
  const given = /(?:^|&)(sha256|sha384|sha512|sha224|sha1|md5)=([0-9a-f]+)(?:&|$)/i.exec(fragment);
  if (given) hashes.push(`${given[1]!.toLowerCase()}:${given[2]!.toLowerCase()}`);
  if (hashes.length === 0 && hashMode) bad(where, `${line.text} has no --hash`, `hash-checking mode is on${hashMode === 'implied' ? ' (another line has a --hash)' : ''}: add --hash=sha256:<hex> of the archive (venvkit lock -o requirements.txt writes it).`);
  const m = (wheel ? WHEEL : SDIST).exec(filename);
  const name = req?.name ?? (m ? m[1]! : '');
  if (!name) bad(where, `${line.text}: the name of ${filename} does not say which project it is`, 'Write it as `name @ URL` (venvkit lock -o requirements.txt writes that form).');
  const version = m && canonicalizeName(m[1]!) === canonicalizeName(name) ? m[2]! : '';
  let recorded = bare;
  if (/^file:/i.test(bare)) recorded = pathToFileURL(fileURLToPath(bare)).href;
  return {
    name, key: canonicalizeName(name), version, hashes, where,
    direct: { kind: 'archive', url: recorded, editable: false, filename, wheel, ...(sub ? { subdirectory: decodeURIComponent(sub) } : {}) },
  };
}

/** `pin` with its line's `-C` settings (a directory's or checkout's source carries them to its build). */
function withSettings(pin: PinnedRequirement, line: RequirementLine): PinnedRequirement {
  if (!line.configSettings?.length) return pin;
  const configSettings = parseConfigSettings(line.configSettings);
  const source = pin.direct?.source;
  return { ...pin, configSettings, ...(source ? { direct: { ...pin.direct!, source: { ...source, configSettings } } } : {}) };
}

/** Nothing is resolved, so a pinned version a constraint excludes is an error (as pip's and uv's resolvers find no version). */
function checkConstraints(pins: readonly PinnedRequirement[], constraints: readonly RequirementLine[], env: MarkerEnvironment): void {
  for (const c of constraints) {
    if (c.location || c.editable) continue;
    const req = parseRequirement(c.text);
    if (req.marker && !evaluateMarker(req.marker, env)) continue;
    for (const p of pins) {
      const v = p.key === req.key && p.version ? tryParseVersion(p.version) : undefined;
      if (v && !req.specifier.matches(v)) {
        bad(p.where, `${p.name}==${p.version} is excluded by the constraint ${c.text} (${c.file}:${c.line})`, 'sync resolves nothing: lock again with that constraint, or change the constraint.');
      }
    }
  }
}

/** The hashes constraint lines give, by project (those of two lines for one project: the ones both allow), as pip merges them. */
function constraintHashes(constraints: readonly RequirementLine[], env: MarkerEnvironment): Map<string, { hashes: string[]; where: string }> {
  const out = new Map<string, { hashes: string[]; where: string }>();
  for (const c of constraints) {
    if (c.location || c.editable || c.hashes.length === 0) continue;
    const req = parseRequirement(c.text);
    if (req.marker && !evaluateMarker(req.marker, env)) continue;
    const prior = out.get(req.key);
    const hashes = c.hashes.map((h) => h.toLowerCase());
    out.set(req.key, { hashes: prior ? prior.hashes.filter((h) => hashes.includes(h)) : hashes, where: `${prior ? `${prior.where}, ` : ''}${c.file}:${c.line}` });
  }
  return out;
}

/** pip's `Hashes &`: when both give hashes, those both allow; else the ones one gives. */
const bothAllow = (a: string[], b: string[]): string[] => (a.length && b.length ? a.filter((h) => b.includes(h)) : a.length ? a : b);

/** The marker of a bare path or URL line (`./pkg ; python_version < "3.12"`: pip takes `; ` after a URL, `;` after a path). */
function bareMarker(text: string) {
  const semi = /^[a-z][a-z0-9+.-]*:\/\//i.test(text.trim()) ? text.indexOf('; ') : text.indexOf(';');
  return semi === -1 ? null : parseRequirement(`x ; ${text.slice(semi + 1)}`).marker;
}

/** What readRequirementsLock needs besides the file. */
export interface ReadRequirementsLockOptions {
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /** Hash-checking mode asked for by the caller (pip's --require-hashes). */
  requireHashes?: boolean;
  /** A --hash does not switch hash-checking mode on (pip's --no-require-hashes). */
  noRequireHashes?: boolean;
  srcDir?: string;
  constraintFiles?: readonly string[];
}

/** Reads `path` and keeps the lines whose markers hold in `env`. */
export async function readRequirementsLock(path: string, env: MarkerEnvironment, options: ReadRequirementsLockOptions = {}): Promise<RequirementsLock> {
  const cwd = options.cwd ?? process.cwd();
  // Constraints: the file's own -c lines, the caller's (sync -c), pip's configuration's (as for pip install -r).
  const pipConfig = loadPipConfig({ env: options.env ?? process.env });
  checkBooleans(pipConfig);
  const config = pipConfig.settings;
  const more = [...(options.constraintFiles ?? []), ...config.constraints];
  const parsed = await readRequirementFiles([{ path, constraint: false }, ...more.map((f) => ({ path: f, constraint: true }))], { env: options.env ?? process.env, cwd });
  // pip 26.2's hash-checking mode (see the module comment).
  const requireHashes = !!(options.requireHashes || config.requireHashes || parsed.options.requireHashes);
  const noRequireHashes = !!(options.noRequireHashes || config.noRequireHashes || parsed.options.noRequireHashes);
  if (requireHashes && noRequireHashes) {
    throw new VenvkitError('USAGE', 'the `requireHashes` option and the `noRequireHashes` option are mutually exclusive', {
      hint: `Keep one of them: hash-checking mode was asked for by ${[options.requireHashes && "the sync's options", config.requireHashes && "pip's configuration (require-hashes)", parsed.options.requireHashes && path].filter(Boolean).join(', ')}, and turned off by ${[options.noRequireHashes && "the sync's options", config.noRequireHashes && "pip's configuration (no-require-hashes)", parsed.options.noRequireHashes && path].filter(Boolean).join(', ')}.`,
      exitCode: 1, // pip's
    });
  }
  // A constraint's --hash counts too (pip counts constraint lines among the requirements), and applies to the pin it constrains.
  const hashed = (l: RequirementLine) => l.hashes.length > 0;
  const hashMode: HashMode = requireHashes ? 'required' : !noRequireHashes && (parsed.requirements.some(hashed) || parsed.constraints.some(hashed)) ? 'implied' : false;
  const constrained = constraintHashes(parsed.constraints, env);
  const pins: PinnedRequirement[] = [];
  const unhashed: string[] = [];
  for (const line of parsed.requirements) {
    const where = `${line.file}:${line.line}`;
    if (line.editable || line.location || /^\s*[A-Za-z0-9][A-Za-z0-9._-]*\s*(\[[^\]]*\])?\s*@/.test(line.text)) {
      const marker = line.editable ? (line.editable.marker ? parseRequirement(`x ; ${line.editable.marker}`).marker : null) : line.location ? bareMarker(line.text) : parseRequirement(line.text).marker;
      if (marker && !evaluateMarker(marker, env)) continue;
      // In hash-checking mode (asked for, or turned on by another line's --hash), as pip 26.2.
      const refusal = hashMode ? unhashableRefusal(line) : undefined;
      if (refusal) refuseUnhashable(refusal, hashMode);
      pins.push(withSettings(directPin(line, where, cwd, options.srcDir ?? join(cwd, 'src'), hashMode), line));
      continue;
    }
    const req = parseRequirement(line.text);
    if (req.marker && !evaluateMarker(req.marker, env)) continue;
    const specs = req.specifier.specifiers;
    if (req.url || specs.length !== 1 || (specs[0]!.operator !== '==' && specs[0]!.operator !== '===') || specs[0]!.wildcard) {
      bad(where, `${line.text} is not pinned to one version`, 'sync installs exact pins and resolves nothing: write each line as `name==version` (`venvkit lock -o requirements.txt`, pip-compile or `pip freeze` write such files), or install the range with `venvkit install`.');
    }
    const c = constrained.get(req.key);
    const hashes = bothAllow(line.hashes.map((h) => h.toLowerCase()), c?.hashes ?? []);
    if (c && hashes.length === 0 && line.hashes.length > 0) {
      bad(where, `${req.name}==${specs[0]!.versionText}: none of its --hash values is one its constraint allows (${c.where})`, 'Make the hashes of the line and of its constraint agree (one file of the pin has both), or drop those of one of them.');
    }
    if (hashes.length === 0 && hashMode) unhashed.push(`${where}: ${req.name}==${specs[0]!.versionText} has no --hash`);
    pins.push(withSettings({ name: req.name, key: req.key, version: specs[0]!.versionText, hashes, where }, line));
  }
  if (unhashed.length) {
    // pip 26.2's words (it lists the hashes the downloaded files had; nothing is downloaded here).
    throw new VenvkitError('BAD_LOCK', `Hashes are required in --require-hashes mode, but they are missing from some requirements:\n    ${unhashed.join('\n    ')}`, {
      hint: hashMode === 'implied'
        ? 'Hash-checking mode turns on when any requirement or constraint line has a --hash: add --hash=sha256:<hex> to these lines (pip-compile --generate-hashes and `venvkit lock -o requirements.txt` write them), or turn it off (the `noRequireHashes` option, or a --no-require-hashes line in the file) to check them against the index\'s hashes only.'
        : 'Add --hash=sha256:<hex> to these lines (pip-compile --generate-hashes and `venvkit lock -o requirements.txt` write them), or turn hash-checking mode off where it was asked for (the `requireHashes` option, a --require-hashes line in the file, or require-hashes in pip\'s configuration).',
    });
  }
  checkConstraints(pins, parsed.constraints, env);
  return { path, pins, options: parsed.options, hashMode };
}
