// watchEnvironments: report environments appearing, disappearing, or their installed packages
// changing. Node 20 has no recursive fs.watch on Linux, so this watches, non-recursively, the
// directories a scan looked in (the workspace levels searched, each tool's env directory) and each
// environment's site-packages; any event re-scans after a quiet period, and the results are compared.
import { type FSWatcher, readdirSync, watch } from 'node:fs';
import { join } from 'node:path';
import { type FindEnvironmentsOptions, scanEnvironments } from './find.js';
import type { FoundEnvironment } from './types.js';

export type EnvironmentEvent =
  | { type: 'added'; environment: FoundEnvironment }
  | { type: 'removed'; environment: FoundEnvironment }
  | { type: 'packages-changed'; environment: FoundEnvironment; added: string[]; removed: string[] };

export interface WatchEnvironmentsOptions extends FindEnvironmentsOptions {
  /** Quiet time after the last file-system event before re-scanning (default 200 ms). */
  debounceMs?: number;
}

export interface EnvironmentWatcher {
  /** The environments as of the last scan. */
  readonly environments: FoundEnvironment[];
  close(): void;
}

/** site-packages directories of an environment (lib/pythonX.Y/site-packages, lib/site-packages, Lib\site-packages). */
function sitePackages(prefix: string): string[] {
  const out: string[] = [];
  for (const lib of ['lib', 'Lib', 'lib64']) {
    let names: string[];
    try {
      names = readdirSync(join(prefix, lib));
    } catch {
      continue;
    }
    if (names.includes('site-packages')) out.push(join(prefix, lib, 'site-packages'));
    for (const n of names) if (/^(python|pypy)\d/.test(n)) out.push(join(prefix, lib, n, 'site-packages'));
  }
  return out;
}

/** The installed distributions (their *.dist-info / *.egg-info names) of an environment. */
function installed(prefix: string): Set<string> {
  const out = new Set<string>();
  for (const dir of sitePackages(prefix)) {
    try {
      for (const n of readdirSync(dir)) if (n.endsWith('.dist-info') || n.endsWith('.egg-info')) out.add(n);
    } catch {
      // gone
    }
  }
  return out;
}

export function watchEnvironments(options: WatchEnvironmentsOptions, listener: (event: EnvironmentEvent) => void): EnvironmentWatcher {
  const debounceMs = options.debounceMs ?? 200;
  const watchers = new Map<string, FSWatcher>();
  let envs = new Map<string, { env: FoundEnvironment; packages: Set<string> }>();
  let timer: NodeJS.Timeout | undefined;
  let closed = false;

  const schedule = () => {
    if (closed) return;
    if (timer) clearTimeout(timer);
    timer = setTimeout(rescan, debounceMs);
  };

  const sync = (dirs: Set<string>) => {
    for (const [dir, w] of watchers) {
      if (!dirs.has(dir)) {
        w.close();
        watchers.delete(dir);
      }
    }
    for (const dir of dirs) {
      if (watchers.has(dir)) continue;
      try {
        const w = watch(dir, { persistent: true }, schedule);
        w.on('error', () => {
          w.close();
          watchers.delete(dir);
          schedule();
        });
        watchers.set(dir, w);
      } catch {
        // not there (yet): its parent is watched when it matters
      }
    }
  };

  const scan = () => {
    const { environments, watch: dirs } = scanEnvironments(options);
    const next = new Map<string, { env: FoundEnvironment; packages: Set<string> }>();
    const all = new Set(dirs);
    for (const env of environments) {
      next.set(env.prefix, { env, packages: installed(env.prefix) });
      for (const sp of sitePackages(env.prefix)) all.add(sp);
      // The env's root too: deleting it (or its pyvenv.cfg) must be seen where no parent is watched.
      all.add(env.prefix);
    }
    sync(all);
    return next;
  };

  function rescan() {
    timer = undefined;
    if (closed) return;
    let next: typeof envs;
    try {
      next = scan();
    } catch {
      return; // aborted, or a directory vanished mid-scan: the next event scans again
    }
    const before = envs;
    envs = next;
    for (const [prefix, cur] of next) {
      const old = before.get(prefix);
      if (!old) {
        listener({ type: 'added', environment: cur.env });
        continue;
      }
      const added = [...cur.packages].filter((p) => !old.packages.has(p)).sort();
      const removed = [...old.packages].filter((p) => !cur.packages.has(p)).sort();
      if (added.length || removed.length) listener({ type: 'packages-changed', environment: cur.env, added, removed });
    }
    for (const [prefix, old] of before) if (!next.has(prefix)) listener({ type: 'removed', environment: old.env });
  }

  envs = scan();
  const close = () => {
    closed = true;
    if (timer) clearTimeout(timer);
    timer = undefined;
    for (const w of watchers.values()) w.close();
    watchers.clear();
    options.signal?.removeEventListener('abort', close);
  };
  options.signal?.addEventListener('abort', close, { once: true });
  return {
    get environments() {
      return [...envs.values()].map((e) => e.env);
    },
    close,
  };
}
