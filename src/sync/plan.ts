// What syncing an environment to a lock changes: each locked package is kept (the same version is
// installed), installed (missing) or replaces what is there; each installed distribution the lock
// does not list is removed, except pip and setuptools (what `venv` seeds) unless `exact`. Pure:
// what is installed and what the lock selects come in as data (and, for a project directory, the
// state of its metadata files: see `fresh`).
//
// A project directory (editable or not) is kept while the installed copy's direct_url.json names it
// and the hash of its metadata files (pyproject.toml, setup.cfg, setup.py, and the config settings)
// recorded at install (build/source-state.ts) is still the directory's: as uv, which rebuilds a
// local project only when those files change, not on every sync. One installed without a record
// (by pip) is kept: nothing says it changed. A locked line without a name (`-e file:///dir`) is the
// installed distribution whose direct_url.json names that directory. An editable checkout (`-e
// git+URL@COMMIT#egg=name`) is kept while the distribution is installed editable from its directory
// in `<src>/<name>` (as pip records it), the checkout's HEAD is the locked commit, and its metadata
// files are unchanged.
import { recordedState, sourceState } from '../build/source-state.js';
import { checkoutHead } from './checkout-head.js';
import type { ConfigSettings } from '../build/hooks.js';
import { sameVersion } from '../install/versions.js';

/** What the plan needs of a locked package. */
export interface Wanted {
  name: string;
  /** Normalised name. */
  key: string;
  /** "" when the lock gives none (a directory or a VCS checkout: known once built). */
  version: string;
  /** Its own build settings (a requirements-file line's `-C`), instead of the sync's. */
  configSettings?: ConfigSettings;
  /**
   * A directory or VCS entry: what the installed distribution's direct_url.json must say. `checkout`:
   * an editable checkout's directory (`<src>/<name>`), whose HEAD must be `commitId`.
   */
  direct?: { url: string; editable: boolean; commitId?: string; requestedRevision?: string; archiveHashes?: Record<string, string>; subdirectory?: string; sourceDir?: string; checkout?: string };
}

/** What the plan needs of an installed distribution (a DistInfo is one). */
export interface Have {
  name: string;
  normalizedName: string;
  version: string;
  /** PEP 610 direct_url.json: an editable or URL install is not the locked file, so it is replaced. */
  directUrl?: { url: string; dir_info?: { editable?: boolean }; vcs_info?: { commit_id?: string }; archive_info?: { hash?: string; hashes?: Record<string, string> }; subdirectory?: string };
  /** Its .dist-info directory (where the source state of a directory install is recorded). */
  distInfoDir?: string;
}

export interface PlanOptions {
  exact?: boolean;
  /** The config settings builds get: part of a directory's source state. */
  configSettings?: object;
  /** Installed again whatever is installed: built in this sync (an editable checkout already moved to its commit then). */
  reinstall?: ReadonlySet<Wanted>;
}

/** Whether an installed archive_info agrees with the lock's hashes (one algorithm both give, equal); none recorded agrees. */
function sameArchive(info: { hash?: string; hashes?: Record<string, string> }, locked: Record<string, string>): boolean {
  const recorded = Object.entries(info.hashes ?? {});
  const legacy = /^([a-z0-9]+)=([0-9a-f]+)$/i.exec(info.hash ?? '');
  if (legacy) recorded.push([legacy[1]!, legacy[2]!]);
  const shared = recorded.filter(([a]) => locked[a.toLowerCase()] !== undefined);
  return shared.every(([a, h]) => locked[a.toLowerCase()] === h.toLowerCase());
}

/** A directory install whose recorded source state is not the directory's now (see the module comment). */
function stale(w: Wanted, h: Have, options: PlanOptions): boolean {
  if (!w.direct?.sourceDir || !h.distInfoDir) return false;
  const recorded = recordedState(h.distInfoDir);
  return recorded !== undefined && recorded !== sourceState(w.direct.sourceDir, w.configSettings ?? options.configSettings);
}

/** Whether the one installed copy `h` is what `w` locks. */
function matches(w: Wanted, h: Have, options: PlanOptions): boolean {
  if (w.version && h.version !== w.version && !sameVersion(h.version, w.version)) return false;
  if (!w.direct) return !h.directUrl;
  const u = h.directUrl;
  if (!u || u.url !== w.direct.url || (u.dir_info?.editable === true) !== w.direct.editable) return false;
  if (w.direct.checkout) return checkoutHead(w.direct.checkout) === w.direct.commitId && !stale(w, h, options);
  if (w.direct.archiveHashes) return !!u.archive_info && u.subdirectory === w.direct.subdirectory && sameArchive(u.archive_info, w.direct.archiveHashes);
  if (w.direct.commitId !== undefined) return u.vcs_info?.commit_id?.toLowerCase() === w.direct.commitId && (u.subdirectory ?? undefined) === w.direct.subdirectory;
  return !stale(w, h, options);
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

export function planSync<W extends Wanted, H extends Have>(wanted: readonly W[], installed: readonly H[], options: PlanOptions = {}): SyncPlan<W, H> {
  const plan: SyncPlan<W, H> = { keep: [], install: [], remove: [] };
  const byName = new Map<string, H[]>();
  for (const d of installed) {
    const list = byName.get(d.normalizedName);
    if (list) list.push(d);
    else byName.set(d.normalizedName, [d]);
  }
  const locked = new Set<string>();
  for (const w of wanted) {
    // No name: the distribution installed from that directory, if one is.
    const key = w.key || (w.direct && installed.find((h) => h.directUrl?.url === w.direct!.url && (h.directUrl.dir_info?.editable === true) === w.direct!.editable)?.normalizedName) || '';
    if (!key) {
      plan.install.push({ wanted: w });
      continue;
    }
    locked.add(key);
    const have = byName.get(key) ?? [];
    const same = have.length === 1 && !options.reinstall?.has(w) && matches(w, have[0]!, options);
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
