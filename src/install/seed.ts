// Seeding a new env with what `python -m venv` would put there (ensurepip's bundled wheels),
// through the wheel installer: no Python process runs.
import { realpathSync, writeFileSync } from 'node:fs';
import { installWheel } from './install-wheel.js';
import { join } from 'node:path';
import { closeWheelStore, openWheelStore, readWheelFile, unpackedWheelHere, type CachedWheel } from '../cache/wheels.js';
import { VenvkitError } from '../errors.js';
import type { Venv } from '../venv/types.js';
import { writePlans } from './apply.js';
import { byteCompile } from './compile.js';
import { Linker, LINK_MODES, type LinkMode } from './link.js';
import { planInstall, recordFor } from './plan.js';
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
  /** Byte-compile the seeded packages (python -m venv does; off by default for speed). */
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
    for (const w of wheels) {
      const r = await installWheel(venv, w.wheel!, { env, signal: options.signal, installer: 'pip', requested: pipWritesRequested(wheels.find((x) => x.name === 'pip')?.version), directUrl: false, ignoreTags: true, linkMode, compile: options.compile });
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
  const base = venv.base!;
  const target = installTarget(venv);
  const items = unpacked.map((c) => {
    const plan = planInstall(c.manifest, target, { installer: 'pip', requested }, (p) => readWheelFile(c, p));
    return { plan, filesDir: c.filesDir, name: c.manifest.name };
  });
  const rel = (p: string) => {
    if (p !== venv.root && !p.startsWith(venv.root + '/')) throw new VenvkitError('INTERNAL', `seed path ${p} is outside ${venv.root}`);
    return join(stageRoot, p.slice(venv.root.length));
  };
  const linker = new Linker(linkMode, unpacked);
  const turns = new Turns(options.signal, 'the environment was not created', 'nothing was changed');
  if (options.compile) {
    // Files must be in place to compile: link them first, then compile, then write the RECORDs.
    for (const [n, i] of items.entries()) {
      await writePlans([{ plan: i.plan, filesDir: i.filesDir, record: '' }], linker, rel, turns);
      options.onProgress?.({ phase: 'seed', name: i.name, done: n + 1, total: items.length });
    }
    const all = items.flatMap((i) => i.plan.pyFiles.map((p) => ({ path: rel(p), shown: p, plan: i.plan })));
    const written = new Set(await byteCompile(base.executable || base.path, all, options.signal));
    for (const i of items) {
      const pycs = i.plan.pyFiles
        .map((p) => join(p, '..', '__pycache__', `${p.slice(p.lastIndexOf('/') + 1, -3)}.${base.cacheTag}.pyc`))
        .filter((p) => written.has(rel(p)));
      writeFileSync(rel(i.plan.recordDest), recordFor(i.plan, pycs));
    }
  } else {
    for (const [n, i] of items.entries()) {
      await writePlans([{ plan: i.plan, filesDir: i.filesDir, record: recordFor(i.plan) }], linker, rel, turns);
      options.onProgress?.({ phase: 'seed', name: i.name, done: n + 1, total: items.length });
    }
  }
}
