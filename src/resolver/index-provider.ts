/**
 * The package provider backed by the index client (src/index/): one candidate per version, the
 * file index/pick-file.ts picks for the target interpreter (pip's order), metadata from PEP 658
 * files or the wheel itself; a version whose file is an sdist is that sdist, whose metadata the build frontend makes (through the SdistBuilder the caller hands
 * down, so this module never loads the frontend). Versions with neither stay in the list, marked
 * unusable with the reason, so explanations can name it.
 */
import { basename, resolve as resolvePath } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { VenvkitError } from '../errors.js';
import type { IndexClient } from '../index/index-client.js';
import { redact } from '../index/http-errors.js';
import type { Candidate as IndexFile, ProjectCandidates } from '../index/types.js';
import { tryParseVersion } from '../pep/pep440.js';
import { bestTagRank } from '../pep/tags.js';
import { pickFile, type PickFileOptions } from '../index/pick-file.js';
import { parseRequirement, type Requirement } from '../pep/pep508.js';
import type { Candidate, CandidateMetadata, PackageProvider } from './types.js';
import type { FormatControl } from '../index/format-control.js';
import type { SdistBuilder } from '../build/context.js';
import { checkUploadTimes } from '../index/upload-time.js';

export interface IndexCandidate extends Candidate {
  /** Normalised project name. */
  name: string;
  /** The file chosen for this version (a wheel, or an sdist when no wheel may be used); null when none can be installed here. */
  file: IndexFile | null;
  /** Position of the wheel's best tag in the target's tag list (0 = most specific). */
  tagRank: number | null;
  /** `file` is a source distribution: its metadata and its wheel come from a build. */
  sdist?: boolean;
}

export interface IndexProviderOptions {
  /** compatibleTags(info) of the target interpreter. */
  tags: readonly string[];
  /** The target's Python version (Requires-Python of files is checked against it). */
  pythonVersion: string;
  /** Short description of the target for messages ("CPython 3.12 on linux x86_64"). */
  targetName: string;
  /** --no-binary / --only-binary (pip's FormatControl); default: wheels and sdists allowed. */
  formatControl?: FormatControl;
  /** pip's --ignore-requires-python: a file's Requires-Python does not rank it below the others. */
  ignoreRequiresPython?: boolean;
  /** --prefer-binary: sdist-only versions are tried after every version with a wheel. */
  preferBinary?: boolean;
  /** Builds the metadata of sdist candidates; without it sdists are not candidates. */
  sdists?: SdistBuilder;
  /**
   * Hash-checking mode: the `algo:hex` hashes allowed per normalised project name. As in pip, the
   * files whose index-given hash is allowed are the only ones considered when any is; when none
   * is, all stay (the download's hash check then names the mismatch).
   */
  allowedHashes?: ReadonlyMap<string, readonly string[]>;
}

/** Keeps the files with an allowed hash, when there are any (pip's filter_unallowed_hashes). */
function hashAllowed(files: IndexFile[], sdists: IndexFile[], allowed: readonly string[] | undefined): [IndexFile[], IndexFile[]] {
  if (!allowed?.length) return [files, sdists];
  const ok = (f: IndexFile) => Object.entries(f.hashes).some(([algo, hex]) => allowed.includes(`${algo}:${hex.toLowerCase()}`));
  if (!files.some(ok) && !sdists.some(ok)) return [files, sdists];
  return [files.filter(ok), sdists.filter(ok)];
}

function wheelTags(filename: string): string[] {
  const parts = filename.slice(0, -4).split('-');
  return parts.length >= 5 ? [parts.slice(-3).join('-')] : [];
}

type VersionSlots = Map<string, { files: IndexFile[]; sdists: IndexFile[]; version: string }>;
const slotsOf = new WeakMap<ProjectCandidates, VersionSlots>();

/** Files by version (the normalised version as the key), in the order of the lists. */
function groupByVersion(files: readonly IndexFile[], sdists: readonly IndexFile[]): VersionSlots {
  const byVersion: VersionSlots = new Map();
  const slot = (version: string) => {
    const key = tryParseVersion(version)?.toString() ?? version;
    let s = byVersion.get(key);
    if (!s) byVersion.set(key, (s = { files: [], sdists: [], version }));
    return s;
  };
  for (const f of files) slot(f.version).files.push(f);
  for (const s of sdists) if (s.version) slot(s.version).sdists.push(s);
  return byVersion;
}

/** groupByVersion of all the project's files, once per project. */
function versionSlots(project: ProjectCandidates): VersionSlots {
  let byVersion = slotsOf.get(project);
  if (!byVersion) slotsOf.set(project, (byVersion = groupByVersion(project.candidates, project.sdists)));
  return byVersion;
}

function fileList(files: IndexFile[]): string {
  return `${files.slice(0, 3).map((f) => f.filename).join(', ')}${files.length > 3 ? ', ...' : ''}`;
}

export class IndexProvider implements PackageProvider<IndexCandidate> {
  constructor(private readonly client: IndexClient, private readonly options: IndexProviderOptions) {}

  /**
   * One candidate per version: the file index/pick-file.ts picks among the version's files (pip
   * 26.2's order); --no-binary/--only-binary remove wheels/sdists first.
   */
  async versions(name: string): Promise<IndexCandidate[]> {
    const project = await this.client.project(name);
    const formats = this.options.formatControl?.allowedFormats(name) ?? new Set(['binary', 'source']);
    if (project.noUploadTime) checkUploadTimes(project, { tags: this.options.tags, binary: formats.has('binary') });
    // (Files filtered by the hashes a lock allows are grouped afresh; the whole list once per project.)
    const allowed = this.options.allowedHashes?.get(name);
    const byVersion = allowed?.length ? groupByVersion(...hashAllowed(project.candidates, project.sdists, allowed)) : versionSlots(project);
    const out: IndexCandidate[] = [];
    // sdists are candidates only when there is a builder for their metadata.
    const pick: PickFileOptions = {
      tags: this.options.tags, python: this.options.pythonVersion, ignoreRequiresPython: this.options.ignoreRequiresPython,
      formats: this.options.sdists || !formats.has('source') ? formats : new Set([...formats].filter((f) => f !== 'source')),
    };
    for (const { files, sdists, version } of byVersion.values()) {
      // A file whose Requires-Python excludes the target is picked only when no file fits: the
      // resolver then says why the version cannot be used.
      const picked = pickFile(files, sdists, pick);
      if (picked?.kind === 'wheel') {
        const f = picked.file;
        out.push({ name, version: f.version, file: f, tagRank: picked.tagRank, requiresPython: f.requiresPython ?? null, yanked: f.yanked || false });
        continue;
      }
      if (picked) {
        const sdist = picked.file;
        out.push({
          name, version: sdist.version, file: sdist, tagRank: null, sdist: true, costly: true,
          requiresPython: sdist.requiresPython ?? null, yanked: sdist.yanked || false,
          ...(this.options.preferBinary ? { demoted: true } : {}),
        });
        continue;
      }
      let unusable: string;
      if (files.length > 0 && !formats.has('binary')) {
        unusable = `has only wheels (${fileList(files)}), and --no-binary excludes them`;
      } else if (files.length > 0) {
        unusable = `has no wheel for ${this.options.targetName} (only ${fileList(files)})${sdists.length ? ', and --only-binary excludes its source distribution' : ''}`;
      } else if (sdists.length > 0) {
        unusable = `has only a source distribution (${sdists[0]!.filename})${formats.has('source') ? ' (no builder was given to the resolver)' : ', and --only-binary excludes it'}`;
      } else {
        unusable = 'has no installable file';
      }
      out.push({ name, version, file: null, tagRank: null, unusable });
    }
    return out;
  }

  async dependencies(_name: string, c: IndexCandidate): Promise<CandidateMetadata> {
    if (!c.file) return { requiresDist: [] };
    const md = c.sdist ? await this.options.sdists!.metadata(c.file) : await this.client.fetchMetadata(c.file);
    return { requiresDist: md.requiresDist, requiresPython: md.requiresPython ?? null, providesExtra: md.providesExtra };
  }

  /** The indexes and find-links locations asked for `name`, and those that could not be read. */
  async sources(name: string): Promise<{ asked: string[]; unreadable: string[] }> {
    const project = await this.client.project(name).catch(() => undefined);
    const asked = [...this.client.indexes(), ...this.client.settings.findLinks].map(redact);
    return { asked, unreadable: [...new Set(project?.failures.map((f) => f.source) ?? [])] };
  }

  /** A `name @ file:///path/x.whl` (or https://) requirement: that one wheel. */
  async fromUrl(name: string, url: string): Promise<IndexCandidate> {
    const [bare, fragment] = url.split('#', 2);
    const filename = decodeURIComponent(basename(bare!.startsWith('file:') ? fileURLToPath(bare!) : new URL(bare!).pathname));
    if (!filename.endsWith('.whl')) {
      throw new VenvkitError('NO_WHEEL', `${name} @ ${url} is not a wheel`, { hint: 'venvkit installs wheels only: point at a .whl file, or build one with `pip wheel`.' });
    }
    const version = filename.slice(0, -4).split('-')[1] ?? '';
    const hashes: Record<string, string> = {};
    const m = /^(sha256|sha384|sha512|md5|sha1|sha224)=([0-9a-fA-F]+)$/.exec(fragment ?? '');
    if (m) hashes[m[1]!] = m[2]!.toLowerCase();
    const file: IndexFile = { name, version, filename, url: bare!, hashes, yanked: false, source: bare! };
    const rank = bestTagRank(wheelTags(filename), this.options.tags);
    return {
      name, version, file, tagRank: rank,
      ...(rank === null ? { unusable: `is a wheel for another platform or Python (${filename})` } : {}),
    };
  }
}

/**
 * A requirement for a local wheel path or a wheel URL ("./dist/foo-1.0-py3-none-any.whl",
 * "file:///w/foo-1.0-py3-none-any.whl", "https://host/foo-1.0-py3-none-any.whl#sha256=..."):
 * `foo @ <url>`, the name taken from the filename.
 */
export function wheelRequirement(location: string, cwd = process.cwd()): Requirement {
  const url = /^[A-Za-z][A-Za-z0-9+.-]+:\/\//.test(location) ? location : pathToFileURL(resolvePath(cwd, location)).href;
  const filename = decodeURIComponent(url.split('#')[0]!.split('/').pop() ?? '');
  const name = filename.endsWith('.whl') ? filename.split('-')[0] : undefined;
  if (!name) throw new VenvkitError('NO_WHEEL', `${location} is not a wheel file`, { hint: 'venvkit installs wheels only (files named name-version-tags.whl).' });
  return parseRequirement(`${name} @ ${url}`);
}
