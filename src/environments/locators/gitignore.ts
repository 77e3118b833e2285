// The workspace's top-level .gitignore, for directories only. Patterns follow git's rules: a pattern
// with no slash but a trailing one matches a name at any depth, one with a slash is anchored at the
// workspace, `*`, `?`, `[...]` and `**` glob, `!` re-includes, the last matching pattern wins.
// Nested .gitignore files, .git/info/exclude and the global excludes file are not read.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

interface Rule { re: RegExp; negate: boolean }

function globToRegExp(glob: string): string {
  let out = '';
  for (let i = 0; i < glob.length; i++) {
    const ch = glob[i]!;
    if (ch === '*') {
      if (glob[i + 1] === '*') {
        const slash = glob[i + 2] === '/';
        out += slash ? '(?:.*/)?' : '.*';
        i += slash ? 2 : 1;
      } else out += '[^/]*';
    } else if (ch === '?') out += '[^/]';
    else if (ch === '[') {
      const end = glob.indexOf(']', i + 1);
      if (end < 0) out += '\\[';
      else {
        out += '[' + glob.slice(i + 1, end).replace(/^!/, '^').replace(/\\/g, '\\\\') + ']';
        i = end;
      }
    } else if (ch === '\\' && i + 1 < glob.length) out += '\\' + glob[++i];
    else out += ch.replace(/[.+^${}()|\\]/g, '\\$&');
  }
  return out;
}

export function parseGitignore(text: string): Rule[] {
  const rules: Rule[] = [];
  for (let line of text.split(/\r?\n/)) {
    if (!line.endsWith('\\ ')) line = line.replace(/\s+$/, '');
    if (line === '' || line.startsWith('#')) continue;
    const negate = line.startsWith('!');
    if (negate) line = line.slice(1);
    line = line.replace(/\/+$/, '');
    if (line === '') continue;
    const anchored = line.includes('/');
    const body = globToRegExp(line.replace(/^\//, ''));
    rules.push({ re: new RegExp(anchored ? `^${body}$` : `(?:^|/)${body}$`), negate });
  }
  return rules;
}

/** A test for directories (paths relative to the workspace, '/'-separated): ignored or not. */
export function gitignoreMatcher(workspace: string): (relDir: string) => boolean {
  let rules: Rule[];
  try {
    rules = parseGitignore(readFileSync(join(workspace, '.gitignore'), 'utf8'));
  } catch {
    return () => false;
  }
  if (rules.length === 0) return () => false;
  return (rel) => {
    let ignored = false;
    for (const r of rules) if (r.re.test(rel)) ignored = !r.negate;
    return ignored;
  };
}
