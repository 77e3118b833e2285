// The packages a lock file wants in one environment: a pylock.toml through PEP 751's selection
// (pylock-select.ts), or a requirements.txt of pinned lines, hashed or not (and directories, checkouts at a
// commit and hashed archives, as `name @ URL` or `-e`: lock/requirements-read.ts). Only what the plan needs is
// read here, so that a sync with nothing to do stays cheap; where each file comes from is worked
// out later, for what must be installed (apply.ts).
import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { VenvkitError } from '../errors.js';
import { markerEnvironment } from '../pep/markers.js';
import { compatibleTags } from '../pep/tags.js';
import type { InterpreterInfo } from '../python/types.js';
import type { RequirementsFileOptions } from '../index/requirements-file.js';
import { isPylockName, readPylock, type LockedFile } from '../lock/pylock-read.js';
import { lockedVersion, pickFile, selectPackages } from '../lock/pylock-select.js';
import { directOrigin, lockedSource } from '../lock/pylock-sources.js';
import type { LocalSource } from '../build/local-source.js';
import type { Wanted } from './plan.js';

/** A package of the lock, and where its file is known to be. */
export interface LockTarget extends Wanted {
  /** `lock.toml packages[3]` or `requirements.txt:12`, for messages. */
  where: string;
  /** pylock.toml: the chosen file; its url (a relative `path` already made absolute). */
  file?: { kind: 'wheel' | 'sdist'; file: LockedFile; url: string };
  /** pylock.toml: a directory or VCS entry, built from source (src/build) when it is installed (an archive has `file` and `direct`). */
  source?: () => Promise<LocalSource>;
  /** requirements.txt: the allowed hashes (`algo:hex`); the file is found on the indexes (or is the line's archive). */
  hashes?: string[];
}

export interface LockTargets {
  /** The lock file, absolute. */
  path: string;
  format: 'pylock' | 'requirements';
  targets: LockTarget[];
  /** A requirements file's own index options. */
  fileOptions?: RequirementsFileOptions;
}

export interface ReadLockOptions {
  extras?: readonly string[];
  /** Do not read or write the cache of parsed locks. */
  noCache?: boolean;
  groups?: readonly string[];
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  onWarning?: (message: string) => void;
  /** A requirements file: refuse directories and checkouts (they have no hash), as pip's --require-hashes. */
  requireHashes?: boolean;
  /** A requirements file: a --hash on a line does not turn hash-checking mode on (pip's --no-require-hashes). */
  noRequireHashes?: boolean;
  /** A requirements file: constraint files its pins must satisfy (sync -c; the file's -c lines and pip's configuration's count too). */
  constraintFiles?: readonly string[];
  /** A requirements file: where its editable checkouts go (`-e git+URL@COMMIT#egg=name`: `<srcDir>/<name>`; pip's --src). */
  srcDir?: string;
}

/** The targets already worked out for a lock (as read: readPylock returns the same object while the file is unchanged), by selection. */
const selections = new WeakMap<object, Map<string, LockTargets>>();

/** A path (relative to the lock's directory) or URL of a locked file, as a URL. */
function fileUrl(lockPath: string, f: LockedFile): string {
  if (f.path !== undefined) {
    return pathToFileURL(resolve(dirname(lockPath), f.path)).href;
  }
  return f.url!;
}

/** The lock's packages for the interpreter `info` (an env's base interpreter). */
export async function readLockTargets(file: string, info: InterpreterInfo, options: ReadLockOptions = {}): Promise<LockTargets> {
  const path = resolve(options.cwd ?? process.cwd(), file);
  if (!existsSync(path)) throw new VenvkitError('BAD_PATH', `No such lock file: ${path}`, { hint: 'Give the path of a pylock.toml (or of a requirements.txt of pinned lines).' });
  const env = markerEnvironment(info);
  if (isPylockName(path) || path.endsWith('.toml')) {
    if (options.constraintFiles?.length) throw new VenvkitError('USAGE', `sync: -c/--constraint checks the pins of a requirements file; ${file} is a pylock.toml`, { hint: 'Leave out -c, or sync a requirements file.' });
    const lock = await readPylock(path, { onWarning: options.onWarning, env: options.env, noCache: options.noCache });
    // The same lock, env and selection give the same targets: a host syncing again reuses them.
    const key = JSON.stringify([info.realPath, env, options.extras ?? [], options.groups ?? null]);
    const known = selections.get(lock) ?? selections.set(lock, new Map()).get(lock)!;
    const hit = known.get(key);
    if (hit) return hit;
    let tags: readonly string[] | undefined;
    const targets: LockTargets = {
      path, format: 'pylock',
      targets: selectPackages(lock, { env, extras: options.extras, groups: options.groups }).map((pkg): LockTarget => {
        const where = `${path} packages[${pkg.index}]`;
        const direct = directOrigin(lock, pkg);
        if (direct && !pkg.archive) return { name: pkg.name, key: pkg.key, version: pkg.version ?? '', where, direct, source: async () => (await lockedSource(lock, pkg))! };
        let file: LockTarget['file'];
        return {
          name: pkg.name, key: pkg.key, version: lockedVersion(lock, pkg)!, where, ...(direct ? { direct } : {}),
          // Chosen on first use: only what is installed needs the interpreter's tags.
          get file() {
            if (!file) {
              const s = pickFile(lock, pkg, (tags ??= compatibleTags(info)));
              file = { kind: s.kind, file: s.file, url: fileUrl(path, s.file) };
            }
            return file;
          },
        };
      }),
    };
    known.set(key, targets);
    return targets;
  }
  if (options.extras?.length || options.groups?.length) throw new VenvkitError('USAGE', `sync: --extra and --group select from a pylock.toml; ${file} is a requirements file`);
  const { readRequirementsLock } = await import('../lock/requirements-read.js');
  const lock = await readRequirementsLock(path, env, { env: options.env, cwd: options.cwd, requireHashes: options.requireHashes, noRequireHashes: options.noRequireHashes, srcDir: options.srcDir, constraintFiles: options.constraintFiles });
  return {
    path, format: 'requirements', fileOptions: lock.options,
    targets: lock.pins.map((p): LockTarget => {
      const t: LockTarget = { name: p.name, key: p.key, version: p.version, where: p.where, hashes: p.hashes, ...(p.configSettings ? { configSettings: p.configSettings } : {}) };
      const d = p.direct;
      if (!d) return t;
      if (d.kind !== 'archive') {
        const source = d.source!;
        const checkout = d.checkout ? { checkout: d.checkout, sourceDir: d.projectDir! } : {};
        return { ...t, direct: { url: d.url, editable: d.editable, ...(d.commitId ? { commitId: d.commitId, requestedRevision: d.requestedRevision } : {}), ...(d.subdirectory ? { subdirectory: d.subdirectory } : {}), ...(d.kind === 'dir' ? { sourceDir: source.path } : {}), ...checkout }, source: async () => source };
      }
      // An archive: its file is the line's URL, checked against the line's hashes (all of them: `required`).
      const hashes: Record<string, string> = {};
      for (const h of p.hashes) {
        const [algo, hex] = h.split(':', 2) as [string, string];
        hashes[algo] ??= hex;
      }
      return { ...t, direct: { url: d.url, editable: false, archiveHashes: hashes, ...(d.subdirectory ? { subdirectory: d.subdirectory } : {}) }, file: { kind: d.wheel ? 'wheel' : 'sdist', file: { name: d.filename!, url: d.url, hashes }, url: d.url } };
    }),
  };
}
