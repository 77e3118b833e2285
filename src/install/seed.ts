// Seeding a new env with what `python -m venv` would put there (ensurepip's bundled wheels),
// through the wheel installer, with bytecode as venv's (ensurepip's pip) compiles it. The bytecode
// comes from the wheel cache (cache/bytecode.ts): compiled once per interpreter, at the first create
// (checked-hash .pyc, PEP 552), then linked (or cloned, or copied, as the sources are) into every
// new env, so a warm create runs no Python. Python 3.6 has no hash-based .pyc: there each create
// compiles timestamp .pyc in the staged env, as venv does.
import { realpathSync, writeFileSync } from 'node:fs';
import { closeWheelStore, openWheelStore, readWheelFile, unpackedWheelHere, type CachedWheel } from '../cache/wheels.js';
import { VenvkitError } from '../errors.js';
import type { Venv } from '../venv/types.js';
import type { InterpreterInfo } from '../python/types.js';
import { cacheableTag, stageBytecode } from '../cache/bytecode.js';
import { writePlans } from './apply.js';
import { interruptedError } from './interrupted.js';
import { joinerBelow } from './entry-paths.js';
import { Linker, LINK_MODES, type LinkMode } from './link.js';
import { planInstall, recordFor, type InstallPlan } from './plan.js';
import { installTarget } from './target.js';
import { Turns } from './turns.js';
import type { ProgressListener } from '../progress.js';

export interface SeedOptions {
  /** Where the environment is being built (files are written here)... */
  stageRoot: string;
  /** ...and what it will be (venv.root is the final absolute path: shebangs point there). */
  venv: Venv;
  /** Seed the newest pip (and setuptools where venv would) from the configured index. */
  upgradeDeps?: boolean;
  /** Default: $VENVKIT_LINK_MODE, else reflink, hard link or copy (see install/link.ts). */
  linkMode?: LinkMode;
  /**
   * Give the seeded packages bytecode, as `python -m venv` does (default true): from the wheel cache,
   * compiled there at the first create for this interpreter. A compile that cannot run (no usable
   * interpreter process) leaves the env without bytecode, nothing else.
   */
  compile?: boolean;
  env?: NodeJS.ProcessEnv;
  /** Stops seeding (INTERRUPTED); files already written into a staged env are the caller's to remove. */
  signal?: AbortSignal;
  /** 'seed' events: each package placed. */
  onProgress?: ProgressListener;
}

export interface SeedResult {
  /** What was installed, e.g. [{ name: 'pip', version: '23.2.1' }]. */
  installed: { name: string; version: string }[];
  /** Set when seeding could not be done by this build: why (the caller tells the user). */
  skipped?: string;
}

function sameDir(a: string, b: string): boolean {
  if (a === b) return true;
  try {
    return realpathSync(a) === realpathSync(b);
  } catch {
    return false;
  }
}

/** pip writes REQUESTED from 20.2 on; ensurepip's bundled pip installs itself, so follow its version. */
function pipWritesRequested(pipVersion: string | undefined): boolean {
  if (!pipVersion) return true;
  const [a, b] = pipVersion.split('.').map((x) => parseInt(x, 10));
  return a > 20 || (a === 20 && (b || 0) >= 2);
}

export async function seedPackages(options: SeedOptions): Promise<SeedResult> {
  const { venv, stageRoot } = options;
  const env = options.env ?? process.env;
  const base = venv.base;
  if (!base) return { installed: [], skipped: 'the base interpreter could not be probed, so its bundled pip is unknown' };
  let wheels: { name: string; version: string; wheel: string | null }[] = base.ensurepip;
  if (wheels.length === 0) return { installed: [], skipped: `${base.path} has no ensurepip with bundled wheels` };
  if (options.upgradeDeps) wheels = await (await import('./upgrade-deps.js')).newestSeedWheels(base, wheels, env);
  const missing = wheels.filter((w) => !w.wheel);
  if (missing.length) return { installed: [], skipped: `the wheel for ${missing.map((m) => m.name).join(', ')} bundled with ${base.path} is missing` };
  const envMode = env.VENVKIT_LINK_MODE as LinkMode | undefined;
  const linkMode = options.linkMode ?? (envMode && LINK_MODES.includes(envMode) ? envMode : undefined);
  if (sameDir(stageRoot, venv.root)) {
    // Seeding a live env (created over an existing one): install like any wheel, replacing what is there.
    const installed: SeedResult['installed'] = [];
    const { installWheel } = await import('./install-wheel.js');
    for (const w of wheels) {
      const r = await installWheel(venv, w.wheel!, { env, signal: options.signal, installer: 'pip', requested: pipWritesRequested(wheels.find((x) => x.name === 'pip')?.version), directUrl: false, ignoreTags: true, linkMode, compile: options.compile !== false });
      installed.push({ name: r.name, version: r.version });
      options.onProgress?.({ phase: 'seed', name: r.name, done: installed.length, total: wheels.length });
    }
    return { installed };
  }
  const pip = wheels.find((w) => w.name === 'pip');
  const requested = pipWritesRequested(pip?.version);
  const store = openWheelStore(env);
  try {
    const unpacked: CachedWheel[] = wheels.map((w) => unpackedWheelHere(w.wheel!, { store }));
    await seedUnpacked(unpacked, options, linkMode, requested);
    return { installed: unpacked.map((c) => ({ name: c.manifest.name, version: c.manifest.version })) };
  } finally {
    closeWheelStore(store);
  }
}

async function seedUnpacked(unpacked: CachedWheel[], options: SeedOptions, linkMode: LinkMode | undefined, requested: boolean): Promise<void> {
  const { venv, stageRoot } = options;
  const target = installTarget(venv);
  const items = unpacked.map((c) => {
    const plan = planInstall(c.manifest, target, { installer: 'pip', requested }, (p) => readWheelFile(c, p));
    return { plan, wheel: c };
  });
  const under = joinerBelow(stageRoot);
  const rel = (p: string) => {
    if (p !== venv.root && !p.startsWith(venv.root + '/')) throw new VenvkitError('INTERNAL', `seed path ${p} is outside ${venv.root}`);
    return p === venv.root ? stageRoot : under(p.slice(venv.root.length + 1));
  };
  const linker = new Linker(linkMode, unpacked);
  const turns = new Turns(options.signal, 'the environment was not created', 'nothing was changed');
  const compile = options.compile !== false;
  // The files first (the bytecode is placed beside them), then the bytecode, then the RECORDs listing it.
  for (const [n, i] of items.entries()) {
    await writePlans([{ plan: i.plan, filesDir: i.wheel.filesDir, record: compile ? '' : recordFor(i.plan) }], linker, rel, turns);
    options.onProgress?.({ phase: 'seed', name: i.plan.name, done: n + 1, total: items.length });
  }
  if (!compile) return;
  let pycs: string[][];
  try {
    pycs = await seedBytecode(venv.base!, items, linker, rel, options.signal);
  } catch (e) {
    if (options.signal?.aborted) throw interruptedError(options.signal, 'the environment was not created', 'nothing was changed');
    throw e;
  }
  for (const [k, i] of items.entries()) writeFileSync(rel(i.plan.recordDest), recordFor(i.plan, pycs[k]));
}

/** The .pyc (final paths) placed beside each item's staged modules, compiled by `base`. */
async function seedBytecode(base: InterpreterInfo, items: { plan: InstallPlan; wheel: CachedWheel }[], linker: Linker, rel: (p: string) => string, signal?: AbortSignal): Promise<string[][]> {
  const python = base.executable || base.path;
  const tag = base.cacheTag;
  if (cacheableTag(base.version, tag)) {
    const jobs = items.map(({ plan, wheel }) => {
      const py = new Set(plan.pyFiles);
      return { wheel, sources: plan.files.filter((f) => f.source && py.has(f.dest)).map((f) => ({ archive: f.source!, staged: rel(f.dest), dest: f.dest })) };
    });
    return stageBytecode(python, tag, jobs, linker, signal);
  }
  // Python 3.6: timestamp .pyc written beside the staged modules, for this env only.
  if (!tag) return items.map(() => []);
  const { compileTimestamp, pycPath } = await import('./compile-pool.js');
  const written = new Set(await compileTimestamp(python, items.flatMap((i) => i.plan.pyFiles.map((p) => ({ path: rel(p), shown: p, out: rel(pycPath(p, tag)) }))), signal));
  return items.map((i) => i.plan.pyFiles.map((p) => pycPath(p, tag)).filter((p) => written.has(rel(p))));
}
