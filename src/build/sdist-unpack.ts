// Unpacks a source distribution (.tar.gz/.tgz/.tar, .tar.bz2/.tar.xz through the system's bzip2/xz, or .zip) into a directory and returns its project
// root. sdists are archives from strangers, so every member is checked before anything is written,
// with the rules of Python's tarfile "data" filter (PEP 706) as the floor, and refused rather than
// silently fixed: absolute paths, `..`, links that are absolute or point outside, hard links to
// anything but an earlier file of the archive, devices, FIFOs and other special members, data that
// ends before its declared size. Nothing is ever written through a symlink (not even one the same
// archive made), so nothing lands outside destDir. setuid/setgid/sticky and group/other write bits
// are dropped. node-tar is used as a parser only: its own extractor strips bad paths silently.
import { closeSync, constants, copyFileSync, createReadStream, fchmodSync, lstatSync, mkdirSync, openSync, readdirSync, readlinkSync, realpathSync, rmSync, symlinkSync, unlinkSync, writeSync } from 'node:fs';
import { spawn } from 'node:child_process';
import { dirname, join, sep } from 'node:path';
import { VenvkitError } from '../errors.js';
import { fileMode, insideAfterResolving, lstatOrUndefined } from './extract-rules.js';

export interface UnpackOptions {
  signal?: AbortSignal;
  /** Largest total of extracted bytes (default 8 GiB): a gzip bomb stops here. */
  maxTotalSize?: number;
  /** Most members (default 200,000). */
  maxEntries?: number;
}

type Kind = 'file' | 'dir' | 'symlink' | 'hardlink';

/**
 * Extract `archive` into `destDir` (created if missing; must be empty) and return the absolute path
 * of the project root: the archive's single top-level directory. On any refusal, BAD_SDIST names
 * the archive and the member, and destDir is left empty.
 */
export async function unpackSdist(archive: string, destDir: string, opts: UnpackOptions = {}): Promise<string> {
  const format = archiveFormat(archive);
  mkdirSync(destDir, { recursive: true });
  destDir = realpathSync(destDir);
  if (readdirSync(destDir).length > 0) throw new VenvkitError('INTERNAL', `unpackSdist: ${destDir} is not empty`);
  const out = new Extractor(archive, destDir, opts);
  try {
    if (format === 'zip') await out.zip();
    else await out.tar(format === 'tar' ? undefined : format);
    out.checkLinks();
    return join(destDir, out.topLevel());
  } catch (e) {
    for (const name of readdirSync(destDir)) rmSync(join(destDir, name), { recursive: true, force: true });
    throw e;
  }
}

function archiveFormat(archive: string): 'zip' | 'tar' | 'bzip2' | 'xz' {
  const lower = archive.toLowerCase();
  if (lower.endsWith('.zip')) return 'zip';
  if (/\.(tar\.gz|tgz|tar)$/.test(lower)) return 'tar';
  if (/\.(tar\.bz2|tbz2?)$/.test(lower)) return 'bzip2';
  if (/\.(tar\.xz|txz)$/.test(lower)) return 'xz';
  throw new VenvkitError('BAD_SDIST', `${archive}: not a source distribution (expected .tar.gz, .tgz, .tar.bz2, .tar.xz, .tar or .zip)`, {
    hint: 'Give the path of an sdist archive, a project directory, or a wheel.',
  });
}

class Extractor {
  private readonly made = new Map<string, Kind>();
  private readonly symlinks: string[] = [];
  private total = 0;
  private count = 0;
  private readonly maxTotal: number;
  private readonly maxEntries: number;

  constructor(private readonly archive: string, private readonly dest: string, private readonly opts: UnpackOptions) {
    this.maxTotal = opts.maxTotalSize ?? 8 * 2 ** 30;
    this.maxEntries = opts.maxEntries ?? 200_000;
  }

  bad(member: string, why: string): VenvkitError {
    return new VenvkitError('BAD_SDIST', `${this.archive}: member '${member}' ${why}; the archive was not unpacked`, {
      hint: 'The sdist is damaged or hostile: get it again from a source you trust, or install a wheel.',
    });
  }

  private damaged(why: string, cause?: unknown): VenvkitError {
    return new VenvkitError('BAD_SDIST', `${this.archive}: ${why}; the archive was not unpacked`, {
      hint: 'The sdist is damaged or not an sdist: get it again, or install a wheel.', cause,
    });
  }

  private interrupted(): VenvkitError {
    return new VenvkitError('INTERRUPTED', `Interrupted: ${this.archive} was not unpacked`, { exitCode: 130 });
  }

  /** The member's path as components below dest; refuses absolute paths, `..` and names the platform cannot hold. */
  private parts(member: string): string[] {
    if (member.includes('\0')) throw this.bad(member, 'has a NUL byte in its name');
    if (member.startsWith('/') || (process.platform === 'win32' && /^[A-Za-z]:|^[\\/]{2}/.test(member))) throw this.bad(member, 'has an absolute path');
    if (process.platform === 'win32' && /[\\:]/.test(member)) throw this.bad(member, 'has a name Windows cannot hold');
    const parts = member.split('/').filter((p) => p !== '' && p !== '.');
    if (parts.includes('..')) throw this.bad(member, "has a '..' component (it would leave the destination)");
    return parts;
  }

  private counted(member: string): void {
    if (++this.count > this.maxEntries) throw this.bad(member, `is past the limit of ${this.maxEntries} members`);
  }

  /** Make every directory above `parts` (refusing to pass through anything that is not a real directory); returns the absolute path. */
  private prepare(member: string, parts: string[]): string {
    let cur = this.dest;
    for (const p of parts.slice(0, -1)) {
      cur = join(cur, p);
      const st = lstatOrUndefined(cur);
      if (!st) mkdirSync(cur, { mode: 0o755 });
      else if (st.isSymbolicLink()) throw this.bad(member, `would be written through the symlink ${relTo(this.dest, cur)}`);
      else if (!st.isDirectory()) throw this.bad(member, `needs ${relTo(this.dest, cur)} to be a directory, but it is a file`);
    }
    const target = join(cur, parts[parts.length - 1]!);
    const st = lstatOrUndefined(target);
    if (st?.isDirectory()) throw this.bad(member, 'replaces a directory of the archive');
    if (st) unlinkSync(target); // a later member of the same name wins, as with tar; a symlink is removed, never followed
    return target;
  }

  private directory(member: string, parts: string[]): void {
    if (parts.length === 0) return; // "./"
    let cur = this.dest;
    for (const p of parts) {
      cur = join(cur, p);
      const st = lstatOrUndefined(cur);
      if (!st) mkdirSync(cur, { mode: 0o755 });
      else if (st.isSymbolicLink()) throw this.bad(member, `would be written through the symlink ${relTo(this.dest, cur)}`);
      else if (!st.isDirectory()) throw this.bad(member, `needs ${relTo(this.dest, cur)} to be a directory, but it is a file`);
    }
    this.made.set(parts.join('/'), 'dir');
  }

  /** Open the file for a member (exclusive create, never following a link); returns the fd. */
  private openFile(member: string, parts: string[]): number {
    if (parts.length === 0) throw this.bad(member, 'has an empty name');
    const target = this.prepare(member, parts);
    this.made.set(parts.join('/'), 'file');
    const flags = constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | (constants.O_NOFOLLOW ?? 0);
    return openSync(target, flags, 0o600);
  }

  private addBytes(member: string, n: number): void {
    this.total += n;
    if (this.total > this.maxTotal) throw this.bad(member, `takes the archive past ${this.maxTotal} bytes unpacked (a decompression bomb?)`);
  }

  private symlink(member: string, parts: string[], linkpath: string): void {
    if (parts.length === 0) throw this.bad(member, 'has an empty name');
    if (!linkpath || linkpath.includes('\0')) throw this.bad(member, 'is a symlink without a valid target');
    if (linkpath.startsWith('/') || (process.platform === 'win32' && /^[A-Za-z]:|^[\\/]/.test(linkpath))) {
      throw this.bad(member, `is a symlink to an absolute path (${linkpath})`);
    }
    const target = this.prepare(member, parts);
    if (!insideAfterResolving(this.dest, dirname(target), linkpath)) throw this.bad(member, `is a symlink pointing outside the destination (${linkpath})`);
    symlinkSync(linkpath, target);
    this.made.set(parts.join('/'), 'symlink');
    this.symlinks.push(parts.join('/'));
  }

  /** A hard link becomes a copy of an earlier regular file of the same archive; anything else is refused. */
  private hardlink(member: string, parts: string[], linkpath: string): void {
    if (parts.length === 0) throw this.bad(member, 'has an empty name');
    if (linkpath.startsWith('/')) throw this.bad(member, `is a hard link to an absolute path (${linkpath})`);
    const from = this.parts(linkpath).join('/');
    if (this.made.get(from) !== 'file') throw this.bad(member, `is a hard link to '${linkpath}', which is not an earlier file of the archive`);
    const target = this.prepare(member, parts);
    copyFileSync(join(this.dest, from), target, constants.COPYFILE_EXCL);
    this.made.set(parts.join('/'), 'file');
  }

  /** Parse the tar stream (gzip detected by node-tar; bzip2 and xz through the system's own command). */
  async tar(decompressor?: 'bzip2' | 'xz'): Promise<void> {
    const { Parser } = await import('tar');
    const { signal } = this.opts;
    if (signal?.aborted) throw this.interrupted();
    await new Promise<void>((resolve, reject) => {
      let failed = false;
      const child = decompressor ? spawn(decompressor, ['-dc', '--', this.archive], { stdio: ['ignore', 'pipe', 'pipe'] }) : undefined;
      const input = child ? child.stdout! : createReadStream(this.archive);
      const parser = new Parser({ strict: true });
      let parsed = false;
      let parseError: VenvkitError | undefined;
      let childDone = !child;
      const maybeResolve = () => {
        if (failed || !parsed || !childDone) return;
        signal?.removeEventListener('abort', onAbort);
        resolve();
      };
      if (child) {
        let err = '';
        child.stderr!.on('data', (d: Buffer) => (err += d.toString('utf8')));
        child.on('error', (e: NodeJS.ErrnoException) => fail(new VenvkitError('BAD_SDIST', `${this.archive}: cannot decompress it: ${e.code === 'ENOENT' ? `the ${decompressor} command is not installed` : e.message}`, {
          hint: `Install ${decompressor}, or use a .tar.gz sdist or a wheel of the project.`, cause: e,
        })));
        child.on('close', (code) => {
          childDone = true;
          // The decompressor's own complaint says more than the parser's about what it was fed.
          if (code !== 0) fail(this.damaged(`${decompressor} could not decompress it (${err.trim().split('\n').pop() || `exit status ${code}`})`));
          else if (parseError) fail(parseError);
          else maybeResolve();
        });
      }
      const fail = (e: unknown) => {
        if (failed) return;
        failed = true;
        input.destroy();
        child?.kill('SIGKILL');
        parser.abort(e instanceof Error ? e : new Error(String(e)));
        signal?.removeEventListener('abort', onAbort);
        reject(e);
      };
      const onAbort = () => fail(this.interrupted());
      signal?.addEventListener('abort', onAbort, { once: true });
      const guard = (fn: () => void) => {
        if (failed) return;
        try {
          fn();
        } catch (e) {
          fail(e);
        }
      };
      parser.on('ignoredEntry', (entry: { path: string; type: string }) => guard(() => {
        throw this.bad(entry.path, `is of a type venvkit does not unpack (${entry.type})`);
      }));
      parser.on('entry', (entry: TarEntry) => guard(() => this.tarEntry(entry, (e) => guard(() => { throw e; }))));
      parser.on('error', (e: Error & { tarCode?: string }) => {
        if (child && !childDone) {
          // Let the decompressor run to its end (drained, unread) and say what it thinks first.
          parseError ??= this.damaged(tarMessage(e), e);
          input.unpipe(parser as unknown as NodeJS.WritableStream);
          input.resume();
        }
        else guard(() => {
          throw this.damaged(tarMessage(e), e);
        });
      });
      parser.on('end', () => {
        parsed = true;
        maybeResolve();
      });
      input.on('error', (e: Error) => fail(new VenvkitError('BAD_SDIST', `cannot read ${this.archive}: ${e.message}`, { cause: e })));
      input.pipe(parser as unknown as NodeJS.WritableStream);
    });
  }

  private tarEntry(entry: TarEntry, fail: (e: unknown) => void): void {
    const member = entry.path;
    this.counted(member);
    const parts = this.parts(member);
    switch (entry.type) {
      case 'Directory':
        this.directory(member, parts);
        entry.resume();
        return;
      case 'SymbolicLink':
        this.symlink(member, parts, entry.linkpath ?? '');
        entry.resume();
        return;
      case 'Link':
        this.hardlink(member, parts, entry.linkpath ?? '');
        entry.resume();
        return;
      case 'File':
      case 'OldFile':
      case 'ContiguousFile':
        break;
      default:
        throw this.bad(member, `is a ${describeType(entry.type)}, which an sdist has no use for`);
    }
    const fd = this.openFile(member, parts);
    let written = 0;
    let open = true;
    const close = () => {
      if (open) closeSync(fd);
      open = false;
    };
    entry.on('data', (chunk: Buffer) => {
      if (!open) return;
      try {
        this.addBytes(member, chunk.length);
        writeSync(fd, chunk);
        written += chunk.length;
      } catch (e) {
        close();
        fail(e);
      }
    });
    entry.on('end', () => {
      if (!open) return;
      try {
        if (written !== entry.size) throw this.bad(member, `declares ${entry.size} bytes but the archive holds ${written} (truncated or lying size)`);
        fchmodSync(fd, fileMode(entry.mode ?? 0o644));
        close();
      } catch (e) {
        close();
        fail(e);
      }
    });
  }

  async zip(): Promise<void> {
    const { ZipReader, ZipError } = await import('../zip/reader.js');
    let reader;
    try {
      reader = ZipReader.open(this.archive, { maxTotalSize: this.maxTotal, maxEntries: this.maxEntries });
    } catch (e) {
      throw e instanceof ZipError ? this.damaged(e.message, e) : e;
    }
    try {
      for (const entry of reader.entries) {
        if (this.opts.signal?.aborted) throw this.interrupted();
        const member = entry.name;
        this.counted(member);
        const parts = this.parts(member);
        const type = entry.unixMode & 0o170000;
        if (entry.isDirectory) {
          this.directory(member, parts);
          continue;
        }
        if (type !== 0 && type !== 0o100000 && type !== 0o120000) throw this.bad(member, `is a ${describeMode(type)}, which an sdist has no use for`);
        let data: Buffer;
        try {
          data = reader.read(entry);
        } catch (e) {
          throw e instanceof ZipError ? this.bad(member, `cannot be read: ${e.message}`) : e;
        }
        this.addBytes(member, data.length);
        if (entry.isSymlink) {
          this.symlink(member, parts, data.toString('utf8'));
          continue;
        }
        const fd = this.openFile(member, parts);
        try {
          writeSync(fd, data);
          fchmodSync(fd, fileMode(entry.unixMode & 0o7777 || 0o644));
        } finally {
          closeSync(fd);
        }
      }
    } finally {
      reader.close();
    }
  }

  /** After the last member: every symlink, resolved as the file system now stands, still ends inside. */
  checkLinks(): void {
    for (const link of this.symlinks) {
      const abs = join(this.dest, link);
      const st = lstatOrUndefined(abs);
      if (!st?.isSymbolicLink()) continue; // replaced by a later member
      if (!insideAfterResolving(this.dest, dirname(abs), readlinkSync(abs))) throw this.bad(link, `is a symlink pointing outside the destination (${readlinkSync(abs)})`);
    }
  }

  /** The single top-level directory every member lives in. */
  topLevel(): string {
    const tops = new Set([...this.made.keys()].map((k) => k.split('/')[0]!));
    if (tops.size !== 1) {
      const list = [...tops].slice(0, 5).join(', ');
      throw this.damaged(tops.size === 0 ? 'the archive is empty' : `an sdist has one top-level directory, this one has ${tops.size} entries at the top (${list})`);
    }
    const top = [...tops][0]!;
    const st = lstatSync(join(this.dest, top));
    if (!st.isDirectory()) throw this.damaged(`its only top-level member, ${top}, is not a directory`);
    return top;
  }
}

interface TarEntry {
  path: string;
  type: string;
  size: number;
  mode?: number;
  linkpath?: string;
  on(event: 'data', fn: (chunk: Buffer) => void): unknown;
  on(event: 'end', fn: () => void): unknown;
  resume(): void;
}

function relTo(root: string, p: string): string {
  return p.slice(root.length + 1).split(sep).join('/');
}

function describeType(type: string): string {
  const names: Record<string, string> = {
    CharacterDevice: 'character device', BlockDevice: 'block device', FIFO: 'FIFO', GNUDumpDir: 'GNU dump directory',
  };
  return names[type] ?? `member of type ${type}`;
}

function describeMode(type: number): string {
  return ({ 0o020000: 'character device', 0o060000: 'block device', 0o010000: 'FIFO', 0o140000: 'socket', 0o040000: 'directory' } as Record<number, string>)[type] ?? `special file (mode ${type.toString(8)})`;
}

function tarMessage(e: Error & { tarCode?: string; code?: string }): string {
  const m = e.message.replace(/^TAR_[A-Z_]+: /, '');
  if (e.code === 'Z_BUF_ERROR' || /unexpected end of file/i.test(m)) return 'the compressed data ends early (truncated download?)';
  if (/Truncated input/.test(m)) return `a member's data ends before its declared size (${m})`;
  if (/checksum/i.test(m)) return 'a tar header fails its checksum (damaged archive)';
  if (/Unrecognized archive format/i.test(m)) return 'it is not a tar archive';
  return m;
}
