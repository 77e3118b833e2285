// Local source -> a wheel the installer can take: a project directory is built (build_wheel, or
// build_editable for -e) into a work directory; an sdist is unpacked and built once, then the wheel
// is kept in <cache>/built-wheels/v1/<key>, the key being the sdist's sha256, the config settings
// and the target interpreter's tags, so a second env installing the same sdist builds nothing.
// sdists from indexes (index-sdists.ts) are built the same way; this module is the bundle part
// ("build-sources") install loads for either, so it re-exports that builder.
import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, isAbsolute, join, relative, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { sha256File } from '../cache/wheels.js';
import { VenvkitError } from '../errors.js';
import { canonicalizeName } from '../pep/names.js';
import { tryParseWheelFilename } from '../pep/wheel-name.js';
import { buildProject, type BuildOptions } from './frontend.js';
import { cachedWheel } from './built-wheels.js';
export { IndexSdists } from './index-sdists.js';
import type { LocalSource } from './local-source.js';
import { sourceState } from './source-state.js';
import { checkoutVcs, directUrlForVcs, updateVcs, type VcsDirectUrl } from './vcs.js';

export interface PreparedSource {
  source: LocalSource;
  /** The distribution's name and version, from the wheel's file name. */
  name: string;
  version: string;
  /** The wheel to install. */
  wheelPath: string;
  /** PEP 610 direct_url.json for the installed distribution. */
  directUrl: { url: string; dir_info?: { editable?: boolean }; archive_info?: { hash: string; hashes: Record<string, string> }; subdirectory?: string } | VcsDirectUrl;
  /** For editables: the source state recorded at install (source-state.ts). */
  state?: string;
}

async function wheelFromSdist(source: LocalSource, options: BuildOptions, workDir: string): Promise<{ wheel: string; sha256: string }> {
  const sha256 = sha256File(source.path);
  if (source.hashes?.length) checkArchiveHashes(source, sha256);
  const sub = source.subdirectory;
  const wheel = await cachedWheel(`sdist:${sha256}${sub ? `#${sub}` : ''}`, basename(source.path), options, workDir, async (tree) => {
    const { unpackSdist } = await import('./sdist-unpack.js');
    const root = await unpackSdist(source.path, tree, { signal: options.ctx.signal });
    return sub ? archiveSubdirectory(source, root, sub) : root;
  });
  return { wheel, sha256 };
}

/** The archive matches one of its line's `--hash` values (sha256, sha384 or sha512), before anything is built from it. */
function checkArchiveHashes(source: LocalSource, sha256: string): void {
  const got = new Map<string, string>([['sha256', sha256]]);
  const digest = (algo: string) => {
    if (!got.has(algo)) got.set(algo, createHash(algo).update(readFileSync(source.path)).digest('hex'));
    return got.get(algo)!;
  };
  const ok = source.hashes!.some((h) => {
    const [algo, hex] = h.split(':', 2) as [string, string];
    return ['sha256', 'sha384', 'sha512'].includes(algo) && digest(algo) === hex?.toLowerCase();
  });
  if (!ok) {
    throw new VenvkitError('HASH_MISMATCH', `hash mismatch for ${source.text}: expected ${source.hashes!.join(' or ')}, got sha256:${sha256}`, {
      hint: 'The archive is not the one the requirements file pins: check where it came from, or update its --hash.',
    });
  }
}

/** `sub` of an unpacked archive (as pip builds an archive's `#subdirectory=`): a directory inside it. */
function archiveSubdirectory(source: LocalSource, root: string, sub: string): string {
  const dir = resolve(root, sub);
  const rel = relative(root, dir);
  let isDir = false;
  try {
    isDir = statSync(dir).isDirectory();
  } catch {
    isDir = false;
  }
  if (!rel || rel.startsWith('..') || isAbsolute(rel) || !isDir) {
    throw new VenvkitError('BAD_SDIST', `${source.text}: the archive has no directory ${sub} (its subdirectory) under ${basename(root)}/`, { hint: 'The subdirectory is relative to the archive\'s top-level directory: fix it, or lock again.' });
  }
  return dir;
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
  const all = options;
  for (let source of sources) {
    options = source.configSettings ? { ...all, configSettings: source.configSettings } : all;
    let wheelPath: string;
    let directUrl: PreparedSource['directUrl'];
    let state: string | undefined;
    if (source.kind === 'vcs' && source.editable) {
      // As pip: the checkout goes to <env>/src/<name>, kept; an existing one is updated to the revision asked for.
      const dest = join(options.srcDir ?? join(options.workDir, 'src'), canonicalizeName(source.name ?? 'project'));
      let exists = false;
      try {
        exists = readdirSync(dest).length > 0;
      } catch {
        exists = false;
      }
      const vcsOptions = { signal: options.ctx.signal, env: options.ctx.env };
      const dir = (exists ? await updateVcs(source.vcs!, dest, vcsOptions) : await checkoutVcs(source.vcs!, dest, vcsOptions)).dir;
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
      directUrl = { url: source.url, archive_info: { hash: `sha256=${sha256}`, hashes: { sha256 } }, ...(source.subdirectory ? { subdirectory: source.subdirectory } : {}) };
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
