// sdists from indexes and find-links, for the resolver (the SdistBuilder of context.ts): each is
// downloaded and hash-checked as a wheel is (by the caller's `download`), unpacked with the PEP 706
// checks (sdist-unpack.ts) into a work directory, and asked for its metadata through
// prepare_metadata_for_build_wheel (else the wheel is built and read). Its wheel is built once and
// kept in the built-wheel cache under the sdist's sha256 with the config settings and the target's
// tags (prepare-sources.ts), so a second env installing the same sdist builds nothing: its metadata
// is then read from that cached wheel.
import { mkdtempSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { VenvkitError } from '../errors.js';
import { metadataFromFile, parseMetadata } from '../index/metadata.js';
import { canonicalizeName } from '../pep/names.js';
import { compareVersions, tryParseVersion } from '../pep/pep440.js';
import type { SdistBuilder, SdistFile } from './context.js';
import { prepareWheelMetadata, type BuildOptions } from './frontend.js';
import { builtWheelKey, cachedWheel, onlyWheel } from './built-wheels.js';
import { cacheDirOrPrivate } from '../cache/trust.js';
import { markUsed } from '../cache/users.js';

type Metadata = Awaited<ReturnType<SdistBuilder['metadata']>>;

export interface IndexSdistsOptions extends BuildOptions {
  /** A temporary directory (removed by the caller) for the unpacked trees. */
  workDir: string;
  /** Downloads (or finds) the sdist and checks its hashes; returns where it is and its sha256. */
  download: (file: SdistFile) => Promise<{ path: string; sha256: string }>;
}

interface Entry {
  path: string;
  sha256: string;
  /** The unpacked project, once unpacked. */
  tree?: Promise<string>;
}

export class IndexSdists implements SdistBuilder {
  private readonly entries = new Map<string, Promise<Entry>>();
  private readonly metadataMemo = new Map<string, Promise<Metadata>>();
  private readonly wheels = new Map<string, Promise<string>>();

  constructor(private readonly options: IndexSdistsOptions) {}

  metadata(file: SdistFile): Promise<Metadata> {
    let m = this.metadataMemo.get(file.url);
    if (!m) this.metadataMemo.set(file.url, (m = this.loadMetadata(file)));
    return m;
  }

  wheel(file: SdistFile): Promise<string> {
    let w = this.wheels.get(file.url);
    if (!w) {
      w = this.entry(file).then((e) => cachedWheel(`sdist:${e.sha256}`, file.filename, this.options, this.options.workDir, async () => this.tree(e)));
      this.wheels.set(file.url, w);
    }
    return w;
  }

  private entry(file: SdistFile): Promise<Entry> {
    let e = this.entries.get(file.url);
    if (!e) this.entries.set(file.url, (e = this.options.download(file).then((d) => ({ path: d.path, sha256: d.sha256 }))));
    return e;
  }

  private tree(e: Entry): Promise<string> {
    e.tree ??= (async () => {
      const { unpackSdist } = await import('./sdist-unpack.js');
      return unpackSdist(e.path, mkdtempSync(join(this.options.workDir, 'sdist-')), { signal: this.options.ctx.signal });
    })();
    return e.tree;
  }

  private async loadMetadata(file: SdistFile): Promise<Metadata> {
    const e = await this.entry(file);
    // Built before (by this env or another): read the cached wheel, build nothing.
    const entry = join(cacheDirOrPrivate('built-wheels', this.options.ctx.env), 'v1', builtWheelKey(`sdist:${e.sha256}`, this.options));
    markUsed(entry); // before reading: `venvkit cache prune|clean` then leaves it alone
    const cached = onlyWheel(entry);
    let text: string;
    if (cached) {
      text = metadataFromFile(cached, { name: file.name, filename: cached.split(/[\\/]/).pop()! });
    } else {
      const root = await this.tree(e);
      const dir = await prepareWheelMetadata(root, mkdtempSync(join(this.options.workDir, 'meta-')), { ...this.options, pyproject: undefined });
      if (dir) {
        text = readFileSync(join(dir, 'METADATA'), 'utf8');
      } else {
        const wheel = await this.wheel(file);
        text = metadataFromFile(wheel, { name: file.name, filename: wheel.split(/[\\/]/).pop()! });
      }
    }
    const md = parseMetadata(text);
    const a = tryParseVersion(md.version);
    const b = tryParseVersion(file.version);
    if (canonicalizeName(md.name) !== canonicalizeName(file.name) || !(a && b ? compareVersions(a, b) === 0 : md.version === file.version)) {
      throw new VenvkitError('BAD_SDIST', `${file.filename} (${file.url}) builds ${md.name || '(no name)'} ${md.version || '(no version)'}, not ${file.name} ${file.version}`, {
        hint: 'The index serves an sdist whose metadata does not match its file name.',
      });
    }
    return { name: md.name, version: md.version, requiresDist: md.requiresDist, providesExtra: md.providesExtra, ...(md.requiresPython ? { requiresPython: md.requiresPython } : {}) };
  }
}
