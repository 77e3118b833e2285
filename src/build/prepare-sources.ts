// Local source -> a wheel the installer can take: a project directory is built (build_wheel, or
// build_editable for -e) into a work directory; an sdist is unpacked and built once, then the wheel
// is kept in <cache>/built-wheels/v1/<key>, the key being the sdist's sha256, the config settings
// and the target interpreter's tags, so a second env installing the same sdist builds nothing.
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { basename, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { cacheDirOrPrivate } from '../cache/trust.js';
import { sha256File } from '../cache/wheels.js';
import { errnoCode, VenvkitError } from '../errors.js';
import { canonicalizeName } from '../pep/names.js';
import { compatibleTags } from '../pep/tags.js';
import { tryParseWheelFilename } from '../pep/wheel-name.js';
import { buildProject, type BuildOptions } from './frontend.js';
import type { LocalSource } from './local-source.js';
import { sourceState } from './source-state.js';
import { checkoutVcs, directUrlForVcs, type VcsDirectUrl } from './vcs.js';

export interface PreparedSource {
  source: LocalSource;
  /** The distribution's name and version, from the wheel's file name. */
  name: string;
  version: string;
  /** The wheel to install. */
  wheelPath: string;
  /** PEP 610 direct_url.json for the installed distribution. */
  directUrl: { url: string; dir_info?: { editable?: boolean }; archive_info?: { hash: string; hashes: Record<string, string> } } | VcsDirectUrl;
  /** For editables: the source state recorded at install (source-state.ts). */
  state?: string;
}

export function builtWheelKey(source: string, options: BuildOptions): string {
  return createHash('sha256')
    .update(JSON.stringify({ v: 1, source, config: options.configSettings ?? {}, isolation: options.isolation !== false, tags: compatibleTags(options.interpreter) }))
    .digest('hex')
    .slice(0, 40);
}

export function onlyWheel(dir: string): string | undefined {
  try {
    const w = readdirSync(dir).filter((f) => f.endsWith('.whl'));
    return w.length === 1 ? join(dir, w[0]!) : undefined;
  } catch {
    return undefined;
  }
}

/** The cached wheel for `key`, else the one `make` builds from the project it returns (then cached). */
export async function cachedWheel(key: string, label: string, options: BuildOptions, workDir: string, make: (tree: string) => Promise<string>): Promise<string> {
  const root = join(cacheDirOrPrivate('built-wheels', options.ctx.env), 'v1');
  const final = join(root, builtWheelKey(key, options));
  const hit = onlyWheel(final);
  if (hit) {
    options.ctx.onEvent?.({ kind: 'built', project: label, file: hit, ms: 0, cached: true });
    return hit;
  }
  const tree = mkdtempSync(join(workDir, 'src-'));
  const projectRoot = await make(tree);
  mkdirSync(root, { recursive: true });
  const tmp = mkdtempSync(join(root, '.tmp-'));
  try {
    await buildProject(projectRoot, 'wheel', tmp, { ...options, pyproject: undefined });
    try {
      renameSync(tmp, final);
    } catch (e) {
      // Another process built the same wheel first: use its copy.
      if (errnoCode(e) !== 'ENOTEMPTY' && errnoCode(e) !== 'EEXIST') throw e;
    }
    const wheel = onlyWheel(final);
    if (!wheel) throw new VenvkitError('BUILD_FAILED', `Building ${label} did not leave one wheel in ${final}`, { hint: `Remove ${final} and try again.` });
    return wheel;
  } finally {
    rmSync(tmp, { recursive: true, force: true });
    rmSync(tree, { recursive: true, force: true });
  }
}

async function wheelFromSdist(source: LocalSource, options: BuildOptions, workDir: string): Promise<{ wheel: string; sha256: string }> {
  const sha256 = sha256File(source.path);
  const wheel = await cachedWheel(`sdist:${sha256}`, basename(source.path), options, workDir, async (tree) => {
    const { unpackSdist } = await import('./sdist-unpack.js');
    return unpackSdist(source.path, tree, { signal: options.ctx.signal });
  });
  return { wheel, sha256 };
}

/** A VCS requirement: checked out (a full commit hash found in the cache needs no checkout), built, cached by commit. */
async function wheelFromVcs(source: LocalSource, options: BuildOptions, workDir: string): Promise<{ wheel: string; directUrl: VcsDirectUrl }> {
  const spec = source.vcs!;
  const checkoutOpts = { signal: options.ctx.signal, env: options.ctx.env };
  const sub = spec.subdirectory ?? '';
  let commit = spec.rev && /^[0-9a-f]{40}$/i.test(spec.rev) ? spec.rev.toLowerCase() : undefined;
  let checkout: { dir: string; commitId: string } | undefined;
  if (!commit) {
    checkout = await checkoutVcs(spec, mkdtempSync(join(workDir, 'vcs-')), checkoutOpts);
    commit = checkout.commitId;
  }
  const wheel = await cachedWheel(`git:${spec.url}@${commit}#${sub}`, source.text, options, workDir, async (tree) => checkout?.dir ?? (await checkoutVcs(spec, tree, checkoutOpts)).dir);
  return { wheel, directUrl: directUrlForVcs(spec, commit) };
}

/** Builds each local source (in turn: backends are often heavy) and says what to install. */
export async function prepareLocalSources(sources: readonly LocalSource[], options: BuildOptions & { workDir: string; srcDir?: string }): Promise<PreparedSource[]> {
  const out: PreparedSource[] = [];
  for (let source of sources) {
    let wheelPath: string;
    let directUrl: PreparedSource['directUrl'];
    let state: string | undefined;
    if (source.kind === 'vcs' && source.editable) {
      // As pip: the checkout goes to <env>/src/<name> (kept, and reused as it is when it exists).
      const dest = join(options.srcDir ?? join(options.workDir, 'src'), canonicalizeName(source.name ?? 'project'));
      let exists = false;
      try {
        exists = readdirSync(dest).length > 0;
      } catch {
        exists = false;
      }
      const dir = exists ? join(dest, source.vcs!.subdirectory ?? '') : (await checkoutVcs(source.vcs!, dest, { signal: options.ctx.signal, env: options.ctx.env })).dir;
      source = { ...source, kind: 'dir', path: dir, url: pathToFileURL(dir).href };
    }
    if (source.kind === 'vcs') {
      const got = await wheelFromVcs(source, options, options.workDir);
      wheelPath = got.wheel;
      directUrl = got.directUrl;
    } else if (source.kind === 'dir') {
      const outDir = mkdtempSync(join(options.workDir, 'wheel-'));
      if (source.editable) state = sourceState(source.path, options.configSettings);
      wheelPath = (await buildProject(source.path, source.editable ? 'editable' : 'wheel', outDir, options)).path;
      directUrl = { url: source.url, dir_info: source.editable ? { editable: true } : {} };
    } else {
      const { wheel, sha256 } = await wheelFromSdist(source, options, options.workDir);
      wheelPath = wheel;
      directUrl = { url: source.url, archive_info: { hash: `sha256=${sha256}`, hashes: { sha256 } } };
    }
    const parsed = tryParseWheelFilename(basename(wheelPath));
    if (typeof parsed === 'string') throw new VenvkitError('BUILD_FAILED', `The build of ${source.text} made ${basename(wheelPath)}, which is not a valid wheel name: ${parsed}`, { hint: 'This is a bug in the build backend.' });
    if (source.name && canonicalizeName(source.name) !== canonicalizeName(parsed.name)) {
      throw new VenvkitError('BAD_REQUIREMENT', `${source.text}: the requirement names ${source.name}, but the project at ${source.path} is ${parsed.name}`, { hint: `Write it as ${parsed.name} @ ${source.url}.` });
    }
    out.push({ source, name: parsed.name, version: parsed.version, wheelPath, directUrl, ...(state ? { state } : {}) });
  }
  return out;
}
