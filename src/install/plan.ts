// What installing one verified wheel into one environment means, file by file: pure, no I/O
// (the caller passes a reader for the few archive files whose content decides their fate).
import { join, posix, relative, sep } from 'node:path';
import { createHash } from 'node:crypto';
import type { VenvPaths } from '../venv/types.js';
import { joinerBelow, placeEntry } from './entry-paths.js';
import { consoleScriptNames, launcherScript, rewritePythonShebang } from './scripts.js';
import type { WheelManifest } from './unpack.js';
import { formatRecord, type RecordRow } from './wheel-meta.js';
import { isReservedEnvPath } from './reserved.js';
import { VenvkitError } from '../errors.js';

/** The longest file name (one path segment, in bytes) the usual file systems take (ext4, XFS, Btrfs, APFS, NTFS). */
const NAME_MAX = 255;

/** A relative path join() leaves as it is on POSIX (it only adds a separator): no empty, "." or ".." segment, no backslash or NUL. */
function plainPath(p: string): boolean {
  if (sep !== '/' || p === '' || p.charCodeAt(0) === 0x2f || p.charCodeAt(p.length - 1) === 0x2f) return false;
  return !p.includes('//') && !p.includes('\\') && !p.includes('\0') && !/(?:^|\/)\.\.?(?:\/|$)/.test(p);
}

/** The first segment of `rel` longer than NAME_MAX bytes, or undefined (no split: a UTF-16 unit is at most 3 bytes, so only long segments are measured). */
function longSegment(rel: string): string | undefined {
  for (let start = 0; start <= rel.length; ) {
    let end = rel.indexOf('/', start);
    if (end < 0) end = rel.length;
    if (end - start > NAME_MAX / 3) {
      const seg = rel.slice(start, end);
      if (Buffer.byteLength(seg) > NAME_MAX) return seg;
    }
    start = end + 1;
  }
  return undefined;
}

export interface InstallTarget {
  /** Final install locations (the env as it will be used, not where it is staged). */
  paths: VenvPaths;
  /** The env's Python version (pip3.X names, headers dir). */
  pyVersion: [number, number];
  /** The interpreter launchers and `#!python` scripts run (venv.paths.python). */
  python: string;
}

export interface PlanFile {
  /** Absolute final path. */
  dest: string;
  /** Archive path to link from the unpacked wheel, or... */
  source?: string;
  /** ...generated content. */
  data?: Buffer;
  exec: boolean;
  hash: string | null;
  size: number | null;
}

export interface InstallPlan {
  name: string;
  version: string;
  normalizedName: string;
  libDir: string;
  distInfoDir: string;
  files: PlanFile[];
  recordDest: string;
  /** Installed .py files under the lib dir, for byte-compiling. */
  pyFiles: string[];
}

export interface PlanOptions {
  /** INSTALLER content (default "venvkit"). */
  installer?: string;
  /** Write REQUESTED (the user asked for this distribution by name or path). */
  requested?: boolean;
  /** PEP 610 direct_url.json content, when installed from a URL or local file. */
  directUrl?: object;
  /** More files venvkit writes into the dist-info (name -> content), listed in RECORD. */
  extraMeta?: Record<string, string>;
}

export const sha256Record = (data: Buffer | string) => `sha256=${createHash('sha256').update(data).digest('base64url')}`;

/** Install files of `manifest` for `target`. `readArchiveFile` gives an archive file's bytes (scripts only). */
export function planInstall(manifest: WheelManifest, target: InstallTarget, options: PlanOptions, readArchiveFile: (path: string) => Buffer): InstallPlan {
  const steps = planning(manifest, target, options, readArchiveFile);
  for (;;) {
    const r = steps.next();
    if (r.done) return r.value;
  }
}

/** planInstall, calling `between` (which gives the event loop a turn) every few hundred files: a wheel can hold thousands. */
export async function planInstallAsync(manifest: WheelManifest, target: InstallTarget, options: PlanOptions, readArchiveFile: (path: string) => Buffer, between: () => Promise<unknown>): Promise<InstallPlan> {
  const steps = planning(manifest, target, options, readArchiveFile);
  for (;;) {
    const r = steps.next();
    if (r.done) return r.value;
    await between();
  }
}

function* planning(manifest: WheelManifest, target: InstallTarget, options: PlanOptions, readArchiveFile: (path: string) => Buffer): Generator<void, InstallPlan> {
  const { paths } = target;
  const libDir = manifest.rootIsPurelib ? paths.purelib : paths.platlib;
  const distInfoDir = join(libDir, manifest.distInfo);
  const [maj, min] = target.pyVersion;
  const headers = join(paths.include, 'site', `python${maj}.${min}`, manifest.name);
  const roots = { lib: libDir, purelib: paths.purelib, platlib: paths.platlib, headers, scripts: paths.scripts, data: paths.data };
  const below = Object.fromEntries(Object.entries(roots).map(([k, dir]) => [k, joinerBelow(dir)])) as Record<keyof typeof roots, (rel: string) => string>;
  const skip = new Set(['RECORD', 'RECORD.jws', 'RECORD.p7s', 'INSTALLER', 'REQUESTED', 'direct_url.json'].map((f) => `${manifest.distInfo}/${f}`));
  const files: PlanFile[] = [];
  const taken = new Map<string, string>();
  const rootPrefix = paths.root + '/';
  const dataPrefix = manifest.dataDir + '/';
  const libPrefix = join(libDir) === libDir ? libDir + '/' : undefined;
  const scriptsPrefix = paths.scripts + '/';
  const add = (f: PlanFile, what: string) => {
    const prev = taken.get(f.dest);
    if (prev !== undefined) throw new Error(`${what} and ${prev} would both be installed as ${f.dest}`);
    const rel = f.dest.startsWith(rootPrefix) ? f.dest.slice(rootPrefix.length) : relative(paths.root, f.dest);
    if (rel.startsWith('..') || rel === '' || posix.isAbsolute(rel)) throw new Error(`${what} would be installed outside the environment (${f.dest})`);
    if (isReservedEnvPath(rel)) {
      throw new VenvkitError('BAD_WHEEL', `${manifest.filename}: ${what} would be installed as ${f.dest}, a name venvkit reserves for itself in the environment`, { hint: 'Refusing to install it: the wheel is broken or hostile.' });
    }
    const long = longSegment(rel);
    if (long !== undefined) {
      throw new VenvkitError('NAME_TOO_LONG', `${manifest.filename}: ${what} would be installed as ${f.dest}, whose name "${long.slice(0, 40)}..." is ${Buffer.byteLength(long)} bytes long (file systems allow ${NAME_MAX})`, {
        hint: 'No file system can hold this name: the wheel cannot be installed here. Report it to its authors.',
      });
    }
    if (rel === 'pyvenv.cfg' || (f.dest.startsWith(scriptsPrefix) && /^(python|pypy)[\d.]*w?(\.exe)?$/.test(rel.slice(rel.lastIndexOf('/') + 1)))) {
      throw new Error(`${what} would replace the environment's own ${rel}`);
    }
    taken.set(f.dest, what);
    files.push(f);
  };
  let n = 0;
  for (const file of manifest.files) {
    if ((++n & 127) === 0) yield;
    if (skip.has(file.path)) continue;
    // An ordinary file (most): below the lib dir, joined without normalising when there is nothing to normalise.
    if (libPrefix && !file.path.startsWith(dataPrefix) && plainPath(file.path)) {
      add({ dest: libPrefix + file.path, source: file.path, exec: file.exec, hash: file.hash, size: file.size }, file.path);
      continue;
    }
    const place = placeEntry(file.path, manifest.dataDir);
    const dest = below[place.key](place.rel);
    if (place.key === 'scripts') {
      const content = readArchiveFile(file.path);
      const rewritten = rewritePythonShebang(content, target.python);
      if (rewritten) {
        add({ dest, data: rewritten, exec: true, hash: sha256Record(rewritten), size: rewritten.length }, file.path);
        continue;
      }
      // Scripts are always executable; one the archive did not mark so is written, not linked (a link shares the mode).
      if (file.exec) add({ dest, source: file.path, exec: true, hash: file.hash, size: file.size }, file.path);
      else add({ dest, data: content, exec: true, hash: file.hash, size: file.size }, file.path);
      continue;
    }
    add({ dest, source: file.path, exec: file.exec, hash: file.hash, size: file.size }, file.path);
  }
  const launchers: [string, string][] = [
    ...Object.entries(consoleScriptNames(manifest.entryPoints.console, maj, min)),
    ...Object.entries(manifest.entryPoints.gui),
  ];
  for (const [name, value] of launchers) {
    const data = Buffer.from(launcherScript(target.python, value), 'utf8');
    add({ dest: join(paths.scripts, name), data, exec: true, hash: sha256Record(data), size: data.length }, `entry point ${name}`);
  }
  const meta = (name: string, content: string) => {
    const data = Buffer.from(content, 'utf8');
    add({ dest: join(distInfoDir, name), data, exec: false, hash: sha256Record(data), size: data.length }, `${manifest.distInfo}/${name}`);
  };
  meta('INSTALLER', `${options.installer ?? 'venvkit'}\n`);
  if (options.requested) meta('REQUESTED', '');
  if (options.directUrl) meta('direct_url.json', JSON.stringify(options.directUrl));
  for (const [name, content] of Object.entries(options.extraMeta ?? {})) meta(name, content);
  const purePrefix = paths.purelib + '/';
  const platPrefix = paths.platlib + '/';
  const pyFiles = files.filter((f) => f.dest.endsWith('.py') && (f.dest.startsWith(purePrefix) || f.dest.startsWith(platPrefix))).map((f) => f.dest);
  return {
    name: manifest.name,
    version: manifest.version,
    normalizedName: manifest.normalizedName,
    libDir,
    distInfoDir,
    files,
    recordDest: join(distInfoDir, 'RECORD'),
    pyFiles,
  };
}

/** RECORD for `plan` (+ extra installed files such as .pyc, listed without hashes like pip does). */
export function recordFor(plan: InstallPlan, extra: string[] = []): string {
  return formatRecord(recordRows(plan, plan.files, extra, true));
}

/** recordFor in slices of rows, calling `give` (an event-loop turn when due) between them: a wheel can have thousands of files. */
export async function recordForAsync(plan: InstallPlan, extra: string[], give: () => Promise<unknown>): Promise<string> {
  const parts: string[] = [];
  const SLICE = 512;
  for (let i = 0; i < plan.files.length; i += SLICE) {
    await give();
    parts.push(formatRecord(recordRows(plan, plan.files.slice(i, i + SLICE), [], false)));
  }
  for (let i = 0; i < extra.length; i += SLICE) {
    await give();
    parts.push(formatRecord(recordRows(plan, [], extra.slice(i, i + SLICE), false)));
  }
  await give();
  return parts.join('') + formatRecord(recordRows(plan, [], [], true));
}

/** RECORD rows of `files`, of `extra` (no hashes), and with `self` of the RECORD itself. */
function recordRows(plan: InstallPlan, files: InstallPlan['files'], extra: string[], self: boolean): RecordRow[] {
  const prefix = plan.libDir + '/';
  const rel = (p: string) => (p.startsWith(prefix) ? p.slice(prefix.length) : relative(plan.libDir, p).split('\\').join('/'));
  const rows: RecordRow[] = files.map((f) => ({ path: rel(f.dest), hash: f.hash ? splitHash(f.hash) : null, size: f.size }));
  for (const p of extra) rows.push({ path: rel(p), hash: null, size: null });
  if (self) rows.push({ path: rel(plan.recordDest), hash: null, size: null });
  return rows;
}

function splitHash(h: string): RecordRow['hash'] {
  const i = h.indexOf('=');
  return { algorithm: h.slice(0, i), digest: h.slice(i + 1) };
}
