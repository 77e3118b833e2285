/**
 * Locking projects that are not on an index — a project directory (`.`, `-e .`), a local sdist, a
 * git requirement — as pip 26.2's `pip lock` does: each is built first (src/build, for the host
 * interpreter) so that its dependencies can be resolved with the rest, and its lock entry then names
 * where it comes from instead of files: `[packages.directory]` (path relative to the lock's
 * directory, editable), `[packages.archive]` (url, hashes) or `[packages.vcs]` (type, url,
 * requested-revision, commit-id, subdirectory). A wheel given by path or URL is an archive too.
 */
import { statSync } from 'node:fs';
import { dirname, relative, sep } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { LocalSource } from '../build/local-source.js';
import { parseRequirement, type Requirement } from '../pep/pep508.js';
import type { InterpreterInfo } from '../python/types.js';
import type { RootInfo } from './merge.js';

/** A lock entry's source table, when it is not a set of index files. */
export type DirectSource =
  | { kind: 'directory'; path: string; editable: boolean; subdirectory?: string }
  | { kind: 'vcs'; type: 'git'; url: string; requestedRevision?: string; commitId: string; subdirectory?: string }
  /** `fileUrl`: the hashes are those of the file the resolution chose (file-facts.ts); else given. */
  | { kind: 'archive'; url: string; hashes?: Record<string, string>; size?: number; fileUrl?: string };

export interface BuiltLocalProjects {
  /** `name[extras] @ file://built.whl ; marker` for each, to resolve with the rest. */
  requirements: Requirement[];
  /** By normalised name. */
  direct: Map<string, DirectSource>;
  /** Removes the build directory. */
  remove(): void;
}

const posix = (p: string) => (sep === '\\' ? p.replaceAll('\\', '/') : p);

/** Builds each local source and says how its entry is written (see the module comment). */
export async function buildLocalProjects(local: readonly LocalSource[], o: { interpreter: InterpreterInfo; lockPath: string; roots: RootInfo; env: NodeJS.ProcessEnv; index?: import('../index/pip-config.js').IndexFlags; noCache?: boolean; onWarning?: (m: string) => void }): Promise<BuiltLocalProjects> {
  const { buildContext, lazyBuildWorkDir } = await import('../plan-apply/install.js');
  const { prepareLocalSources } = await import('../build/prepare-sources.js');
  const { sha256File } = await import('../cache/wheels.js');
  const workDir = lazyBuildWorkDir(o.env);
  const ctx = buildContext({ env: o.env, index: o.index, noCache: o.noCache, onWarning: o.onWarning });
  const requirements: Requirement[] = [];
  const direct = new Map<string, DirectSource>();
  try {
    // A VCS editable is locked as its commit: the lock is for any machine, not this checkout.
    const sources = local.map((s) => (s.kind === 'vcs' && s.editable ? { ...s, editable: false } : s));
    const prepared = await prepareLocalSources(sources, { ctx, interpreter: o.interpreter, isolation: true, workDir: workDir.get() });
    for (const p of prepared) {
      const s = p.source;
      const r = parseRequirement(`${p.name}${s.extras.length ? `[${s.extras.join(',')}]` : ''} @ ${pathToFileURL(p.wheelPath).href}${s.marker ? ` ${s.marker}` : ''}`);
      requirements.push(r);
      const acts = o.roots.activations.get(r.key) ?? o.roots.activations.set(r.key, []).get(r.key)!;
      acts.push({ kind: 'base' });
      if (s.kind === 'dir') {
        direct.set(r.key, { kind: 'directory', path: posix(relative(dirname(o.lockPath), s.path)) || '.', editable: s.editable });
      } else if (s.kind === 'vcs') {
        const spec = s.vcs!;
        const info = (p.directUrl as { vcs_info: { commit_id: string } }).vcs_info;
        direct.set(r.key, { kind: 'vcs', type: 'git', url: spec.url, ...(spec.rev !== undefined ? { requestedRevision: spec.rev } : {}), commitId: info.commit_id, ...(spec.subdirectory ? { subdirectory: spec.subdirectory } : {}) });
      } else {
        direct.set(r.key, { kind: 'archive', url: s.url, size: statSync(s.path).size, hashes: { sha256: sha256File(s.path) } });
      }
    }
    return { requirements, direct, remove: () => workDir.remove() };
  } catch (e) {
    workDir.remove();
    throw e;
  }
}

/** Wheels given by path or URL (`./x.whl`, `name @ https://.../x.whl`): archives whose hashes are the chosen file's. */
export function directWheels(requirements: readonly Requirement[], direct: Map<string, DirectSource>): void {
  for (const r of requirements) {
    if (r.url && !direct.has(r.key) && /\.whl$/i.test(r.url.split(/[?#]/, 1)[0]!)) direct.set(r.key, { kind: 'archive', url: r.url.split('#', 1)[0]!, fileUrl: r.url.split('#', 1)[0]! });
  }
}
