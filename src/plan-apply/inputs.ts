// Turning what the user typed (requirement strings, wheel paths, file:// URLs, -r and -c files)
// into PEP 508 requirements, constraints, hash pins and the index settings they imply.
import { existsSync, statSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { VenvkitError } from '../errors.js';
import { applyFileOptions, applyFlags, checkBooleans, loadPipConfig, type IndexFlags } from '../index/pip-config.js';
import { checkRequireHashes, hashPins, type HashPins } from '../index/require-hashes.js';
import { fetchOverHttp, readRequirementFiles, type RequirementLine } from '../index/requirements-file.js';
import type { IndexSettings, ProjectCandidates } from '../index/types.js';
import type { InterpreterInfo } from '../python/types.js';
import { parseRequirement, type Requirement } from '../pep/pep508.js';
import { canonicalizeName } from '../pep/names.js';
import { tryParseWheelFilename } from '../pep/wheel-name.js';
import { editableSource, localSource, type LocalSource } from '../build/local-source.js';
import { parseEditable } from '../index/editable-requirement.js';
import { FormatControl } from '../index/format-control.js';
import { parseConfigSettings } from '../build/config-settings.js';
import type { ConfigSettings } from '../build/hooks.js';

export interface RequirementInputs {
  /** PEP 508 strings, local wheel paths, or file:// / https:// URLs of wheels. */
  requirements?: string[];
  /** -r files (paths or URLs). */
  requirementFiles?: string[];
  /** -c files. */
  constraintFiles?: string[];
  /** -e/--editable: project directories (with [extras]) to install in editable mode. */
  editables?: string[];
  /** --group [path:]name: PEP 735 dependency groups (of ./pyproject.toml by default). */
  groups?: string[];
  /** --requirements-from-script: the PEP 723 block's dependencies (as pip: built without the command line's -C). */
  scriptRequirements?: string[];
}

export interface CollectedInputs {
  requirements: Requirement[];
  constraints: Requirement[];
  pins: HashPins;
  /** Hash-checking mode: --require-hashes, or any requirement carrying --hash (as in pip). */
  hashMode: boolean;
  settings: IndexSettings;
  /** Requirements naming local source (project directories, sdists, -e): built before resolving. */
  local: LocalSource[];
  /**
   * Build settings of index sdists, by normalised name, as pip gives them: a command-line requirement's
   * are the `configSettings` option's; a requirements-file line's are its own `-C` (none without); a
   * project named only by a group or a dependency gets none.
   */
  configByName?: Map<string, ConfigSettings>;
  /** From -r pylock.toml: each selected project's one file (as pip 26 installs a lock: it overrides the indexes). */
  locked?: Map<string, ProjectCandidates>;
  /** From -r pylock.toml: the direct_url.json of each archive entry, by normalised name. */
  lockedDirect?: Map<string, object>;
}

const WHEEL_URL = /^(file|https?):\/\/.*\.whl(#.*)?$/i;

/** A wheel path or URL as `name @ url` (name from the filename); undefined when `text` is not one. */
export function wheelRequirement(text: string, cwd: string): string | undefined {
  let t = text.trim();
  if (/^[A-Za-z0-9][A-Za-z0-9._-]*\s*(\[[^\]]*\])?\s*@/.test(t)) return undefined;
  // `path/to/x.whl[extra1,extra2]`, as pip takes it: the extras go onto the name.
  let extras = '';
  const open = t.endsWith(']') ? t.lastIndexOf('[') : -1;
  if (open > 0 && /\.whl$/i.test(t.slice(0, open))) {
    extras = t.slice(open);
    t = t.slice(0, open);
  }
  let url: string;
  let file: string;
  if (WHEEL_URL.test(t)) {
    url = t;
    const bare = t.split('#', 1)[0]!;
    file = /^file:/i.test(bare) ? fileURLToPath(bare) : decodeURIComponent(new URL(bare).pathname);
    if (/^file:/i.test(bare) && !isFile(file)) throw new VenvkitError('BAD_PATH', `No such wheel file: ${file}`, { hint: 'Give the path of a .whl file.' });
  } else if (/\.whl$/i.test(t) && !/[<>=!~;\s]/.test(t)) {
    file = resolve(cwd, t);
    if (!isFile(file)) throw new VenvkitError('BAD_PATH', `No such wheel file: ${t}`, { hint: 'Give the path of a .whl file.' });
    url = pathToFileURL(file).href;
  } else {
    return undefined;
  }
  const parsed = tryParseWheelFilename(basename(file));
  if (typeof parsed === 'string') throw new VenvkitError('BAD_REQUIREMENT', parsed, { hint: 'A wheel file name is NAME-VERSION(-BUILD)?-PY-ABI-PLATFORM.whl.' });
  return `${parsed.name}${extras} @ ${url}`;
}

function isFile(p: string): boolean {
  try {
    return statSync(p).isFile();
  } catch {
    return false;
  }
}

function lineToRequirement(line: RequirementLine, cwd: string, local: LocalSource[]): Requirement | undefined {
  if (line.editable) {
    local.push(editableSource(line.editable));
    return undefined;
  }
  const source = localSource(line.text, cwd);
  if (source) {
    local.push({ ...source, ...(line.configSettings ? { configSettings: parseConfigSettings(line.configSettings) } : {}), ...(source.kind === 'sdist' && line.hashes.length ? { hashes: [...line.hashes] } : {}) });
    return undefined;
  }
  if (line.location) {
    const asWheel = wheelRequirement(line.location.url, cwd);
    if (!asWheel) {
      throw new VenvkitError('NO_WHEEL', `${line.text} (${line.file}:${line.line}) is not a wheel`, { hint: 'venvkit installs wheels only: point at a .whl file, or build one with `pip wheel`.' });
    }
    const marker = line.text.includes(';') ? line.text.slice(line.text.indexOf(';')) : '';
    return parseRequirement(`${asWheel}${marker ? ` ${marker}` : ''}`);
  }
  return parseRequirement(line.text);
}

/** Read everything the user gave, with pip's configuration and `flags` on top. */
export async function collectInputs(inputs: RequirementInputs, flags: IndexFlags, options: { env?: NodeJS.ProcessEnv; cwd?: string; interpreter?: InterpreterInfo; configSettings?: ConfigSettings } = {}): Promise<CollectedInputs> {
  const env = options.env ?? process.env;
  const cwd = options.cwd ?? process.cwd();
  // pip's configuration is read first, as pip parses its options: a bad value stops everything.
  const config = loadPipConfig({ env, isolated: flags.isolated });
  checkBooleans(config);
  const requirements: Requirement[] = [];
  const local: LocalSource[] = [];
  const configByName = new Map<string, ConfigSettings>();
  // The `configSettings` option is for the command line's requirements and editables only (pip's
  // get_requirements): not for groups, a script's dependencies, requirements-file lines or dependencies.
  const cli = options.configSettings && Object.keys(options.configSettings).length ? options.configSettings : undefined;
  const withCli = <T extends object>(o: T): T => (cli ? { ...o, configSettings: cli } : o);
  for (const text of inputs.editables ?? []) local.push(withCli(editableSource(parseEditable(text, cwd))));
  const texts: [string, boolean][] = (inputs.requirements ?? []).map((t) => [t, true]);
  if (inputs.groups?.length) {
    const { parseGroupArg, readGroupRequirements } = await import('../project/dependency-groups.js');
    for (const g of await readGroupRequirements(inputs.groups.map((a) => parseGroupArg(a, cwd)))) texts.push([g.requirement, false]);
  }
  for (const text of inputs.scriptRequirements ?? []) texts.push([text, false]);
  for (const [text, fromCli] of texts) {
    const source = localSource(text, cwd);
    if (source) local.push(fromCli ? withCli(source) : source);
    else {
      const req = parseRequirement(wheelRequirement(text, cwd) ?? text);
      requirements.push(req);
      if (fromCli && cli) configByName.set(req.key, cli);
    }
  }
  // -r pylock.toml (PEP 751), as pip 26 reads it: the lock's selection for this interpreter, each
  // package pinned to its version and hashes, its file the only candidate (hash-checking mode).
  const lockFiles = (inputs.requirementFiles ?? []).filter((f) => /^pylock(\.[^.]+)?\.toml$/.test(basename(f)));
  const lockPins: { text: string; hashes: string[] }[] = [];
  let locked: Map<string, ProjectCandidates> | undefined;
  let lockedDirect: Map<string, object> | undefined;
  if (lockFiles.length) {
    if (!options.interpreter) throw new VenvkitError('PYTHON_NOT_FOUND', `-r ${lockFiles[0]}: the environment's base interpreter is unknown, so what the lock selects for it is unknown`, { hint: 'Recreate the environment with `venvkit create`.' });
    const { lockedRequirements } = await import('../lock/pylock-install.js');
    const got = await lockedRequirements(lockFiles.map((f) => resolve(cwd, f)), options.interpreter);
    lockPins.push(...got.pins);
    locked = got.locked;
    lockedDirect = got.direct;
    local.push(...got.local);
    for (const p of got.pins) requirements.push(parseRequirement(p.text));
  }
  const files = [
    ...(inputs.requirementFiles ?? []).filter((f) => !lockFiles.includes(f)).map((path) => ({ path, constraint: false })),
    ...(inputs.constraintFiles ?? []).map((path) => ({ path, constraint: true })),
  ];
  for (const f of files) {
    if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(f.path) && !existsSync(resolve(cwd, f.path))) {
      throw new VenvkitError('BAD_PATH', `No such ${f.constraint ? 'constraints' : 'requirements'} file: ${f.path}`, { hint: 'Check the path given to -r/-c.' });
    }
  }
  // A -r/-c URL is fetched as pip fetches it: with the session the configuration and command line
  // give (certificates, proxy, trusted hosts), before any option inside the file is read.
  const http = () => applyFlags(config.settings, flags);
  const parsed = files.length
    ? await readRequirementFiles(files, { env, cwd, fetchText: (url) => fetchOverHttp(url, http()) })
    : { requirements: [], constraints: [], options: { extraIndexUrls: [], findLinks: [], noIndex: false, pre: false, requireHashes: false, trustedHosts: [] } };
  for (const line of parsed.requirements) {
    const req = lineToRequirement(line, cwd, local);
    if (req) requirements.push(req);
    if (req && line.configSettings) configByName.set(req.key, parseConfigSettings(line.configSettings));
  }
  const constraints = parsed.constraints.filter((l) => !l.location).map((l) => parseRequirement(l.text));
  let settings = applyFileOptions(config.settings, parsed.options);
  settings = applyFlags(settings, flags);
  if (settings.formatControl?.length) FormatControl.from(settings.formatControl); // a bad value is an error before anything is read
  // pip 26.2: --no-require-hashes (the options', a file's line, pip's configuration's) with --require-hashes is an
  // error; else a --hash on any requirement or constraint line turns hash-checking mode on, unless it is given.
  const noRequireHashes = !!(flags.noRequireHashes || ('noRequireHashes' in parsed.options && parsed.options.noRequireHashes) || settings.noRequireHashes);
  if (settings.requireHashes && noRequireHashes) {
    throw new VenvkitError('USAGE', 'the `requireHashes` option and the `noRequireHashes` option are mutually exclusive', {
      hint: 'Keep one of them: each is read from the options, from the option lines of the requirements files and from pip\'s configuration (require-hashes, no-require-hashes).',
      exitCode: 1, // pip's
    });
  }
  const hashed = (l: RequirementLine) => l.hashes.length > 0;
  const hashMode = settings.requireHashes || lockPins.length > 0 || (!noRequireHashes && (parsed.requirements.some(hashed) || parsed.constraints.some(hashed)));
  if (hashMode) checkRequireHashes(parsed.requirements, parsed.constraints);
  if (hashMode && (inputs.requirements?.length ?? 0) > 0) {
    throw new VenvkitError('BAD_REQUIREMENT', `in hash-checking mode every requirement needs --hash, so requirements on the command line (${inputs.requirements!.join(', ')}) cannot be used`, {
      hint: 'Put them in a requirements file with --hash=sha256:<hex>.',
    });
  }
  const pins = hashPins(parsed.requirements, parsed.constraints);
  for (const p of lockPins) pins.set(canonicalizeName(p.text.split('=', 1)[0]!), p.hashes);
  return { requirements, constraints, pins, hashMode, settings, local, ...(locked ? { locked } : {}), ...(lockedDirect?.size ? { lockedDirect } : {}), ...(configByName.size ? { configByName } : {}) };
}
