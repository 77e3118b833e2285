// PEP 751: a file whose lock entry gives its `size` must have that size. One check for both ways a
// pylock.toml is installed (`sync`, and `install -r pylock.toml`), made after the download has
// checked the hashes: a mismatch then means the lock contradicts itself.
import { statSync } from 'node:fs';
import { VenvkitError } from '../errors.js';

/** Throws BAD_LOCK when the file at `path` (downloaded from `url`) is not `size` bytes long. */
export function checkLockedSize(where: string, size: number | undefined, url: string, path: string): void {
  if (size === undefined) return;
  const got = statSync(path).size;
  if (got !== size) {
    throw new VenvkitError('BAD_LOCK', `${where}: size is ${size}, but ${url} (whose hash matches) has ${got} bytes`, {
      hint: "The entry's size does not fit its file: lock again.",
    });
  }
}
