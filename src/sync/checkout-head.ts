// The commit a git checkout's HEAD is at, read from its files (no git process: a no-op sync of an
// editable checkout stays a few file reads): a detached HEAD holds the hash; a branch's is in its
// ref file or in packed-refs. Undefined when it cannot be read that way (the entry is then
// installed again, which brings the checkout to the locked commit).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const read = (path: string): string | undefined => {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
};

export function checkoutHead(dir: string): string | undefined {
  const git = join(dir, '.git');
  const head = read(join(git, 'HEAD'))?.trim();
  if (!head) return undefined;
  if (/^[0-9a-f]{40}$/i.test(head)) return head.toLowerCase();
  const ref = /^ref: (refs\/[^\s]+)$/.exec(head)?.[1];
  if (!ref || ref.split('/').includes('..')) return undefined;
  const loose = read(join(git, ...ref.split('/')))?.trim();
  if (loose && /^[0-9a-f]{40}$/i.test(loose)) return loose.toLowerCase();
  for (const line of (read(join(git, 'packed-refs')) ?? '').split('\n')) {
    const [hash, name] = line.split(' ');
    if (name === ref && /^[0-9a-f]{40}$/i.test(hash ?? '')) return hash!.toLowerCase();
  }
  return undefined;
}
