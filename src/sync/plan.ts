// What syncing an environment to a lock changes: each locked package is kept (the same version is
// installed), installed (missing) or replaces what is there; each installed distribution the lock
// does not list is removed, except pip and setuptools (what `venv` seeds) unless `exact`. Pure:
// what is installed and what the lock selects come in as data.
import { sameVersion } from '../install/versions.js';

/** What the plan needs of a locked package. */
export interface Wanted {
  name: string;
  /** Normalised name. */
  key: string;
  /** "" when the lock gives none (a directory or a VCS checkout: known once built). */
  version: string;
  /** A directory or VCS entry: what the installed distribution's direct_url.json must say. */
  direct?: { url: string; editable: boolean; commitId?: string; requestedRevision?: string; archiveHashes?: Record<string, string>; subdirectory?: string };
}

/** What the plan needs of an installed distribution (a DistInfo is one). */
export interface Have {
  name: string;
  normalizedName: string;
  version: string;
  /** PEP 610 direct_url.json: an editable or URL install is not the locked file, so it is replaced. */
  directUrl?: { url: string; dir_info?: { editable?: boolean }; vcs_info?: { commit_id?: string }; archive_info?: { hash?: string; hashes?: Record<string, string> }; subdirectory?: string };
}

/** Whether an installed archive_info agrees with the lock's hashes (one algorithm both give, equal); none recorded agrees. */
function sameArchive(info: { hash?: string; hashes?: Record<string, string> }, locked: Record<string, string>): boolean {
  const recorded = Object.entries(info.hashes ?? {});
  const legacy = /^([a-z0-9]+)=([0-9a-f]+)$/i.exec(info.hash ?? '');
  if (legacy) recorded.push([legacy[1]!, legacy[2]!]);
  const shared = recorded.filter(([a]) => locked[a.toLowerCase()] !== undefined);
  return shared.every(([a, h]) => locked[a.toLowerCase()] === h.toLowerCase());
}

/** Whether the one installed copy `h` is what `w` locks. */
function matches(w: Wanted, h: Have): boolean {
  if (w.version && h.version !== w.version && !sameVersion(h.version, w.version)) return false;
  if (!w.direct) return !h.directUrl;
  const u = h.directUrl;
  if (!u || u.url !== w.direct.url || (u.dir_info?.editable === true) !== w.direct.editable) return false;
  if (w.direct.archiveHashes) return !!u.archive_info && u.subdirectory === w.direct.subdirectory && sameArchive(u.archive_info, w.direct.archiveHashes);
  return w.direct.commitId === undefined || u.vcs_info?.commit_id?.toLowerCase() === w.direct.commitId;
}

export interface SyncPlan<W extends Wanted, H extends Have> {
  keep: { wanted: W; have: H }[];
  /** New or replacing (then `have` is what goes). */
  install: { wanted: W; have?: H }[];
  /** Installed, not in the lock. */
  remove: H[];
}

/** Names `venv` seeds into an env (ensurepip): left alone unless the sync is exact. */
export const SEEDED = new Set(['pip', 'setuptools']);

export function planSync<W extends Wanted, H extends Have>(wanted: readonly W[], installed: readonly H[], options: { exact?: boolean } = {}): SyncPlan<W, H> {
  const plan: SyncPlan<W, H> = { keep: [], install: [], remove: [] };
  const byName = new Map<string, H[]>();
  for (const d of installed) {
    const list = byName.get(d.normalizedName);
    if (list) list.push(d);
    else byName.set(d.normalizedName, [d]);
  }
  const locked = new Set<string>();
  for (const w of wanted) {
    locked.add(w.key);
    const have = byName.get(w.key) ?? [];
    const same = have.length === 1 && matches(w, have[0]!);
    if (same) plan.keep.push({ wanted: w, have: have[0]! });
    else {
      plan.install.push({ wanted: w, ...(have[0] ? { have: have[0] } : {}) });
      // A second copy of a project (two .dist-info dirs) goes too.
      plan.remove.push(...have.slice(1));
    }
  }
  for (const [key, list] of byName) {
    if (locked.has(key)) continue;
    if (!options.exact && SEEDED.has(key)) continue;
    plan.remove.push(...list);
  }
  return plan;
}
