// Floors of the build frontend's tasks: the backend's own hooks called in one Python process with
// the backend already installed (no frontend, no build env to find or fill). install -e: the
// project's build_editable hook, its wheel extracted into a fresh env's site-packages, and the
// dependencies' files copied from venvkit's cache entries (shutil.copytree), then compileall of
// site-packages (venvkit writes .pyc too); checked to leave the same files in site-packages as
// venvkit (placedTree: the .pyc are not compared). build: build_sdist and build_wheel into an
// empty directory; checked to make the same two files as venvkit build.
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { timedRun, must } from './exec.mjs';
import { discard, rmrf } from './setup.mjs';
import { entriesFor, sitePackages, checkInstallFloor } from './install-floors.mjs';

/** The backend of each bench project: what to install, and the hooks' module. */
export const BACKENDS = {
  hatchling: { req: 'hatchling', api: 'hatchling.build' },
  'flit-core': { req: 'flit_core>=3.4', api: 'flit_core.buildapi' },
  setuptools: { req: 'setuptools>=64', api: 'setuptools.build_meta' },
};

const EDITABLE = `
import importlib, os, shutil, sys, zipfile
api, site, out = sys.argv[1:4]
hooks = importlib.import_module(api)
name = hooks.build_editable(out)
with zipfile.ZipFile(os.path.join(out, name)) as z:
    z.extractall(site)
for d in sys.argv[4:]:
    shutil.copytree(d, site, dirs_exist_ok=True)
# venvkit writes the .pyc of what it places (checked-hash); so does the floor (what is compiled already is skipped).
import compileall, py_compile
compileall.compile_dir(site, quiet=2, workers=0, invalidation_mode=py_compile.PycInvalidationMode.CHECKED_HASH)
`;

const BUILD = `
import importlib, sys
hooks = importlib.import_module(sys.argv[1])
hooks.build_sdist(sys.argv[2])
hooks.build_wheel(sys.argv[2])
`;

const REQUIRES = `
import importlib, sys
hooks = importlib.import_module(sys.argv[1])
need = set()
for h in ('get_requires_for_build_editable', 'get_requires_for_build_wheel', 'get_requires_for_build_sdist'):
    if hasattr(hooks, h):
        need.update(getattr(hooks, h)())
print('\\n'.join(sorted(need)))
`;

/**
 * An env holding `backend` and what its hooks ask for (get_requires_for_build_*) in the project at
 * `projectDir`, from the configured index; made once under bench/.work/peers. Its python.
 */
export function backendPython(ctx, py, index, backend, projectDir) {
  const dir = join(ctx.work, 'peers', `backend-${backend}`);
  const python = join(dir, 'bin', 'python');
  const ready = join(dir, 'ready');
  if (existsSync(ready)) return python;
  rmrf(dir);
  must(py.path, ['-m', 'venv', dir], { env: ctx.baseEnv });
  must(python, ['-m', 'pip', 'install', '-q', ...index, BACKENDS[backend].req], { env: ctx.baseEnv, timeoutMs: 300_000 });
  const more = must(python, ['-c', REQUIRES, BACKENDS[backend].api], { env: ctx.baseEnv, cwd: projectDir }).stdout.split('\n').filter(Boolean);
  if (more.length) must(python, ['-m', 'pip', 'install', '-q', ...index, ...more], { env: ctx.baseEnv, timeoutMs: 300_000 });
  writeFileSync(ready, more.join('\n'));
  return python;
}

/**
 * The install -e floor side. `proj()` is the project ({ dir, name }), `fresh(dir)` makes the same
 * fresh env venvkit installs into, `model` is venvkit's warm env (which cache entries it placed).
 */
export function editableFloorSide(ctx, { py, index, backend, dir, model, proj, fresh, missing }) {
  const out = `${dir}-wheel`;
  let python;
  let deps;
  return {
    key: 'floor', missing,
    label: `${backend}'s build_editable hook, its wheel extracted, the dependencies copied from the cache, compileall (one Python process)`,
    prepare: () => {
      python ??= backendPython(ctx, py, index, backend, proj().dir);
      if (!deps) {
        const own = new Set(readdirSync(sitePackages(model)).filter((n) => n.startsWith(`${proj().name}-`) && n.endsWith('.dist-info')));
        const { entries, missing: gone } = entriesFor(ctx.cacheWarm, model, own);
        if (gone.length) throw new Error(`no cache entry for ${gone.join(', ')}`);
        deps = entries.map((e) => e.files);
      }
      fresh(dir);
      discard(out);
      mkdirSync(out, { recursive: true });
    },
    exec: () => timedRun(python, ['-c', EDITABLE, BACKENDS[backend].api, sitePackages(dir), out, ...deps], { env: ctx.baseEnv, cwd: proj().dir, timeoutMs: 300_000 }),
    check: () => checkInstallFloor(dir, model),
  };
}

/** The build floor side: build_sdist and build_wheel of the project into `out`. */
export function buildFloorSide(ctx, { py, index, out, proj, missing }) {
  let python;
  return {
    key: 'floor', missing,
    label: 'hatchling\'s build_sdist and build_wheel hooks (one Python process)',
    prepare: () => {
      python ??= backendPython(ctx, py, index, 'hatchling', proj().dir);
      discard(out);
      mkdirSync(out, { recursive: true });
    },
    exec: () => timedRun(python, ['-c', BUILD, BACKENDS.hatchling.api, out], { env: ctx.baseEnv, cwd: proj().dir, timeoutMs: 300_000 }),
  };
}

/** What venvkit's -e install does that the floor does not (for rows over 2x without a breakdown). */
export const EDITABLE_FLOOR_WHY = 'work the floor does not do (not timed one by one): starting Node; finding or filling the build env (the backend installed from the cache); starting the backend in a subprocess; resolving the dependencies; RECORD, direct_url.json and console scripts';
export const BUILD_FLOOR_WHY = 'work the floor does not do (not timed one by one): starting Node; finding or filling the build env; the backend started in a subprocess for each hook (get_requires, sdist, then the wheel built from the sdist)';
