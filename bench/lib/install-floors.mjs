// Floors of the install tasks. Warm: the files of the same cache entries venvkit placed, put into a
// fresh env's site-packages by `cp -r` (copy) or `cp -al` (hard links) in one process. Cold: the same
// wheels, from the local index, extracted into a fresh env's site-packages by the fastest plain
// extractor this machine has (unzip, or Python's zipfile). venvkit writes .pyc by default, and so do
// the floors: warm copies the .pyc too (taken once from venvkit's env: the cache keeps them packed),
// cold runs compileall over site-packages (checked-hash, as venvkit writes them). Each is checked to
// hold the same files in site-packages as venvkit's env, .pyc by name (bytecodeTree), else the ratio
// is void.
import { cpSync, existsSync, readdirSync, readFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { timedRun } from './exec.mjs';
import { discard, freshVenv } from './setup.mjs';
import { treeOf, placedTree, compareTrees, cpCommand, extractors, fastestExtractor, INSTALLER_FILES } from './floors.mjs';

/** compileall of a directory (argv[1]) with the .pyc invalidation mode argv[2], in one Python process. */
export const COMPILE = 'import compileall, py_compile, sys; compileall.compile_dir(sys.argv[1], quiet=2, workers=0, invalidation_mode=py_compile.PycInvalidationMode[sys.argv[2]])';

/** site-packages as placed, .pyc included by name (their bytes embed the env's path), the installer's own records left out. */
export function bytecodeTree(sp) {
  const tree = treeOf(sp, { contents: false, skip: (r) => INSTALLER_FILES.test(r) || /^[^/]+\.data$/.test(r) });
  for (const [k, v] of tree) if (k.endsWith('.pyc')) tree.set(k, 'pyc');
  return tree;
}

/** The __pycache__ dirs of `env`'s site-packages that `fresh` lacks, copied (as a tree) under `dest`. */
export function copyNewPycache(env, fresh, dest) {
  const sp = sitePackages(env);
  const have = new Set(treeOf(sitePackages(fresh), { contents: false }).keys());
  discard(dest);
  mkdirSync(dest, { recursive: true });
  let n = 0;
  for (const [rel, what] of treeOf(sp, { contents: false, skip: (r) => /\.dist-info$/.test(r) })) {
    if (what !== 'dir' || !/(^|\/)__pycache__$/.test(rel) || have.has(rel)) continue;
    cpSync(join(sp, rel), join(dest, rel), { recursive: true });
    n += readdirSync(join(sp, rel)).length;
  }
  return n;
}


export function sitePackages(env) {
  const lib = join(env, 'lib');
  const py = readdirSync(lib).find((n) => /^python3\.\d+$/.test(n));
  return join(lib, py, 'site-packages');
}

/** The cache entries (wheel.json + files dir) whose dist-info directories are in `env`'s site-packages, less `exclude` (what the fresh env had). */
export function entriesFor(cacheDir, env, exclude = new Set()) {
  const want = new Set(readdirSync(sitePackages(env)).filter((n) => n.endsWith('.dist-info') && !exclude.has(n)));
  const root = join(cacheDir, 'wheels', 'v1');
  const found = new Map();
  for (const sha of existsSync(root) ? readdirSync(root) : []) {
    let m;
    try { m = JSON.parse(readFileSync(join(root, sha, 'wheel.json'), 'utf8')); } catch { continue; }
    if (want.has(m.distInfo) && !found.has(m.distInfo)) found.set(m.distInfo, { manifest: m, files: join(root, sha, 'files') });
  }
  const missing = [...want].filter((d) => !found.has(d));
  return { entries: [...found.values()], missing };
}

/** Where a wheel of a file:// index is on disk: its project page's link to it, resolved. */
export function wheelPath(indexUrl, manifest) {
  if (!indexUrl?.startsWith('file:')) return null;
  const page = new URL(`${manifest.normalizedName}/`, indexUrl.endsWith('/') ? indexUrl : `${indexUrl}/`);
  let html;
  try { html = readFileSync(join(fileURLToPath(page), 'index.html'), 'utf8'); } catch { return null; }
  for (const m of html.matchAll(/href="([^"#]+)(#[^"]*)?"/g)) {
    const url = new URL(m[1], page);
    if (decodeURIComponent(url.pathname.split('/').pop()) === manifest.filename) return fileURLToPath(url);
  }
  return null;
}

/**
 * The floor sides of an install task: warm (cp -r), warm-hardlink (cp -al) and cold (extracting the
 * wheels), each with the .pyc venvkit's env has (warm: copied; cold: compileall). `model` is the key
 * of venvkit's side whose env says which packages (its dist-info dirs) and which .pyc.
 */
export function installFloorSides(ctx, { py, dirs, model, missing, timeoutMs, log = () => {} }) {
  let plan = null;
  const fresh = new Set();
  const planFor = () => {
    if (plan) return plan;
    // What a fresh env already has (pip, setuptools) is not part of the install.
    freshVenv(ctx.work, dirs['floor-warm'], py, ctx.baseEnv);
    for (const n of readdirSync(sitePackages(dirs['floor-warm']))) if (n.endsWith('.dist-info')) fresh.add(n);
    const { entries, missing: gone } = entriesFor(ctx.cacheWarm, dirs[model], fresh);
    if (gone.length) throw new Error(`no cache entry for ${gone.join(', ')}`);
    const wheels = entries.map((e) => wheelPath(ctx.index.url, e.manifest));
    // venvkit's .pyc (none with --no-compile), as files, for the warm floors to copy.
    const pycs = join(ctx.work, `floor-pyc-${model}-${entries.length}`);
    const pycCount = copyNewPycache(dirs[model], dirs['floor-warm'], pycs);
    // The extractor is picked (best of three each, on the whole set) only for a task that has the cold floor.
    let extractor;
    plan = {
      entries, wheels, pycs: pycCount ? pycs : null,
      get extractor() {
        if (extractor === undefined) {
          extractor = wheels.every(Boolean) ? fastestExtractor(extractors(py.path), wheels, join(ctx.work, 'extract-pick'), discard) : null;
          plan.picked = extractor;
          log(`install floors: ${entries.length} cache entries; extractor: ${extractor ? `${extractor.name} (${extractor.ms.toFixed(0)} ms)` : 'none'}`);
        }
        return extractor;
      },
    };
    return plan;
  };
  // Each floor: one or more commands, timed one after the other.
  const side = (key, label, commands) => ({
    key, label, missing,
    prepare: () => { const p = planFor(); if (key === 'floor-cold') void p.extractor; freshVenv(ctx.work, dirs[key], py, ctx.baseEnv); },
    exec: () => {
      const cmds = commands(planFor(), sitePackages(dirs[key]));
      if (!cmds) return { ok: false, message: 'the wheels are not files of a file:// index, or no extractor works here' };
      let ms = 0;
      for (const [cmd, ...args] of cmds) {
        const r = timedRun(cmd, args, { env: ctx.baseEnv, timeoutMs });
        if (!r.ok) return r;
        ms += r.ms;
      }
      return { ok: true, ms };
    },
  });
  const files = (p) => p.entries.map((e) => e.files);
  const pycLabel = () => (plan && !plan.pycs ? '' : ' and their .pyc');
  return [
    { ...side('floor-warm', '', (p, sp) => [cpCommand([...files(p), ...(p.pycs ? [p.pycs] : [])], sp, false)]), get label() { return `cp -r of the cache entries' files${pycLabel()}`; } },
    { ...side('floor-warm-hardlink', '', (p, sp) => [cpCommand(files(p), sp, true), ...(p.pycs ? [cpCommand([p.pycs], sp, false)] : [])]), get label() { return `cp -al of the cache entries' files${plan && !plan.pycs ? '' : ', cp -r of their .pyc'}`; } },
    {
      ...side('floor-cold', '', (p, sp) => (p.extractor ? [p.extractor.command(p.wheels, sp), ...(p.pycs ? [[py.path, '-c', COMPILE, sp, 'CHECKED_HASH']] : [])] : null)),
      get label() { return `${plan?.picked ? `${plan.picked.name} of the wheels (the fastest plain extractor here)` : 'extracting the wheels'}${plan && !plan.pycs ? '' : ', then compileall of site-packages (checked-hash)'}`; },
    },
  ];
}

/**
 * The floor's site-packages holds the same files as venvkit's (the installer's own records and the
 * wheels' .data aside); with `pyc`, every .pyc too, by name (their bytes embed the env's path).
 */
export function checkInstallFloor(floorEnv, venvkitEnv, { pyc = false } = {}) {
  try {
    const tree = pyc ? bytecodeTree : placedTree;
    return compareTrees(tree(sitePackages(floorEnv)), tree(sitePackages(venvkitEnv)), 'the floor', 'venvkit');
  } catch (e) {
    return `cannot compare: ${e.message}`;
  }
}

/** What stands between an install and its floor, for results.md: the work venvkit does that the floor does not (not timed one by one). */
export const INSTALL_FLOOR_WHY = {
  cold: 'work the floor does not do (not timed one by one): starting Node; resolving (the index pages, each wheel\'s metadata); checking each wheel\'s hash; unpacking into the cache and placing from there (every file written twice); RECORD, INSTALLER and console scripts',
  warm: 'work the floor does not do (not timed one by one): starting Node; resolving (the index pages, the cached metadata); hashing every cached file as it is copied (the floor copies blindly); RECORD, INSTALLER and console scripts',
  'warm-hardlink': 'work the floor does not do (not timed one by one): starting Node; resolving (the index pages, the cached metadata); checking each linked cache entry; RECORD, INSTALLER and console scripts',
};

/** Keys of the floor sides for each venvkit side of an install task. */
export const INSTALL_FLOOR_OF = { cold: 'floor-cold', warm: 'floor-warm', 'cold-hardlink': 'floor-cold', 'warm-hardlink': 'floor-warm-hardlink' };

export function installFloorRows(rows) {
  return rows.map((r) => (r.b === 'pip' && INSTALL_FLOOR_OF[r.a] ? { ...r, floor: INSTALL_FLOOR_OF[r.a], floorWhy: INSTALL_FLOOR_WHY[r.a.startsWith('cold') ? 'cold' : r.a] } : r));
}
