// What the file system refuses while installing or uninstalling, as errors a user can act on:
// each errno a user (or their system) can cause gets its own code, names the path, and hints.
import { join } from 'node:path';
import { errnoCode, VenvkitError, type ErrorCode } from '../errors.js';

const KINDS: Record<string, { code: ErrorCode; what: string; hint: string }> = {
  EACCES: { code: 'TARGET_NOT_WRITABLE', what: 'permission denied', hint: 'Check the permissions of the environment, or run as the user who owns it.' },
  EPERM: { code: 'NOT_PERMITTED', what: 'operation not permitted (an immutable or append-only file, or a file system that forbids it)', hint: 'Check the file\'s attributes (`lsattr`; `chattr -i` clears immutable) and the mount options.' },
  EROFS: { code: 'READ_ONLY_FS', what: 'the file system is read-only', hint: 'Remount it read-write, or use an environment on a writable file system.' },
  ENOTDIR: { code: 'PATH_CONFLICT', what: 'a file stands where a directory is needed', hint: 'Move away what is at that path (no installed distribution owns it), then try again.' },
  EEXIST: { code: 'PATH_CONFLICT', what: 'something already exists there', hint: 'Move away what is at that path (no installed distribution owns it), then try again.' },
  EISDIR: { code: 'PATH_CONFLICT', what: 'a directory stands where a file is needed', hint: 'Move away what is at that path (no installed distribution owns it), then try again.' },
  ENOTEMPTY: { code: 'PATH_CONFLICT', what: 'a directory that is not empty stands where a file is needed', hint: 'Move away what is at that path (no installed distribution owns it), then try again.' },
  ENAMETOOLONG: { code: 'NAME_TOO_LONG', what: 'the name is longer than this file system allows', hint: 'Use an environment at a shorter path, or a file system that takes longer names.' },
  EXDEV: { code: 'CROSS_DEVICE', what: 'it is on another file system (mount) than the environment\'s root, and venvkit moves files atomically within one', hint: 'Keep the whole environment on one file system (no separate mount inside it).' },
  ENOSPC: { code: 'NO_SPACE', what: 'no space left on the device', hint: 'Free some disk space and try again.' },
  EDQUOT: { code: 'NO_SPACE', what: 'disk quota exceeded', hint: 'Free some space within your quota and try again.' },
};

/** The env path an errno error is about: the first of its paths outside the stage, else the staged path mapped to where it goes. */
function envPathOf(e: NodeJS.ErrnoException & { dest?: string }, root: string, stage: string | undefined): string {
  const paths = [e.path, e.dest].filter((p): p is string => typeof p === 'string');
  if (!stage) return paths[0] ?? root;
  const outside = paths.find((p) => !p.startsWith(stage + '/') && p !== stage);
  if (outside) return outside;
  const staged = paths.find((p) => p.startsWith(join(stage, 'new') + '/'));
  return staged ? join(root, staged.slice(join(stage, 'new').length + 1)) : (paths[0] ?? root);
}

/**
 * A VenvkitError for a file-system error met while changing the env at `root` (`doing`: "install
 * into", "uninstall from"). VenvkitErrors and non-errno errors (real bugs) pass through unchanged.
 */
export function fsFailure(e: unknown, root: string, stage?: string, doing = 'install into'): unknown {
  const code = errnoCode(e);
  if (e instanceof VenvkitError || !code || !/^E[A-Z]+$/.test(code)) return e;
  const path = envPathOf(e as NodeJS.ErrnoException, root, stage);
  const kind = KINDS[code];
  if (!kind) return new VenvkitError('INTERNAL', `Cannot ${doing} ${root}: ${(e as Error).message}`, { cause: e });
  return new VenvkitError(kind.code, `Cannot ${doing} ${root}: ${path}: ${kind.what} (${code}). The environment was left as it was.`, { hint: kind.hint, cause: e });
}
