// Benchmark tasks of bytecode (issue 14): jupyter installed by venvkit (cache cold and warm) against
// pip 26.2 (the newest pip on the local index, installed into a peer env and run with `--python`
// against each fresh target env), with bytecode on both sides (the defaults) and off
// (`--no-compile` on both); and importing a real app (`import jupyter_server.serverapp`, a fresh
// process, PYTHONDONTWRITEBYTECODE=1) in venvkit's env against pip 26.2's.
import { existsSync, mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { timedRun, must, run } from './exec.mjs';
import { discard, freshVenv, rmrf } from './setup.mjs';
import { installedSet, compareSets, checkUsable } from './checks.mjs';

const PYTHON = '3.11';
const PIP_SPEC = 'pip>=26.2,<26.3';
const REQS = ['jupyter'];
const APP = 'jupyter_server.serverapp';
const TIMEOUT_MS = 900_000;

function spawnSide(key, label, command, { env, prepare, missing, timeoutMs = TIMEOUT_MS } = {}) {
  return { key, label, missing, prepare, command, env, timeoutMs, exec: () => { const [cmd, ...args] = command(); return timedRun(cmd, args, { env, timeoutMs }); } };
}

/** pip 26.2 in its own env under bench/.work/peers (reused while it works): its python, or { missing }. */
function pip26(ctx, py, index) {
  const dir = join(ctx.work, 'peers', 'pip26');
  const python = join(dir, 'bin', 'python');
  const version = () => run(python, ['-m', 'pip', '--version'], { env: ctx.baseEnv });
  let v = existsSync(python) ? version() : null;
  if (!v || v.status !== 0 || !/^pip 26\.2/.test(v.stdout)) {
    try {
      rmrf(dir);
      must(py.path, ['-m', 'venv', dir], { env: ctx.baseEnv });
      must(python, ['-m', 'pip', 'install', '-q', ...index, PIP_SPEC], { env: ctx.baseEnv });
    } catch (e) {
      return { missing: `could not install ${PIP_SPEC} from the configured index: ${e.message}` };
    }
    v = version();
    if (v.status !== 0 || !/^pip 26\.2/.test(v.stdout)) return { missing: `the peer's pip is not 26.2: ${v.stdout.trim()}${v.stderr.trim()}` };
  }
  return { python, version: v.stdout.split(' ')[1] };
}

/**
 * Modules of the app's import that Python compiled from source (site-packages only): none when the
 * env has usable bytecode; and the .pyc files it loaded there (paths below site-packages). From
 * `python -v`, with PYTHONDONTWRITEBYTECODE=1 so nothing is written.
 */
function compiledOnImport(dir, env) {
  const r = run(join(dir, 'bin', 'python'), ['-v', '-c', `import ${APP}`], { env: { ...env, PYTHONDONTWRITEBYTECODE: '1' }, timeoutMs: 120_000 });
  if (r.status !== 0) return { error: `import ${APP} fails: ${r.stderr.trim().split('\n').slice(-3).join('; ')}` };
  const lines = r.stderr.split('\n');
  return {
    compiled: lines.filter((l) => /^# code object from .*site-packages\/.*\.py'?$/.test(l)).length,
    fromPyc: lines.map((l) => /^# \S*\/site-packages\/(\S+\.pyc) matches /.exec(l)?.[1]).filter(Boolean),
  };
}

/** The .pyc files below site-packages of a fresh env (the seeded pip and setuptools: compiled by venv, not by the install measured). */
function seededPycs(ctx, py) {
  const dir = join(ctx.work, 'envs', 'bytecode-seeded');
  freshVenv(ctx.work, dir, py, ctx.baseEnv);
  const out = new Set();
  const lib = join(dir, 'lib');
  for (const v of readdirSync(lib)) {
    const site = join(lib, v, 'site-packages');
    if (!existsSync(site)) continue;
    for (const f of readdirSync(site, { recursive: true })) if (String(f).endsWith('.pyc')) out.add(String(f));
  }
  rmrf(dir);
  return out;
}

/**
 * The bytecode check of one side: compiled (every imported module from .pyc) or not (no module of
 * the installed set from .pyc: the fresh env's own seeded modules, e.g. setuptools' _distutils_hack
 * loaded by its .pth at start-up, have the .pyc venv gave them on both sides).
 */
export function bytecodeCheck(dir, env, compiled, seeded) {
  const c = compiledOnImport(dir, env);
  if (c.error) return c.error;
  if (compiled) return c.compiled === 0 && c.fromPyc.length > 100 ? null : `import ${APP}: ${c.compiled} modules compiled from source, ${c.fromPyc.length} from .pyc (expected all from .pyc)`;
  const installed = c.fromPyc.filter((p) => !seeded.has(p));
  return installed.length === 0 ? null : `--no-compile, yet ${installed.length} modules of ${APP} were loaded from .pyc (e.g. ${installed.slice(0, 3).join(', ')})`;
}

function installJupyterBytecode(ctx) {
  const id = 'install-jupyter-bytecode';
  const py = ctx.pythons.get(PYTHON);
  const index = ctx.index.url ? ['-i', ctx.index.url] : [];
  let peer = null;
  const keys = ['cold', 'warm', 'pip26', 'cold-nc', 'warm-nc', 'pip26-nc'];
  const dirs = Object.fromEntries(keys.map((k) => [k, join(ctx.work, 'envs', `bytecode-${k}`)]));
  const vk = (k) => () => [ctx.cli, 'install', '--env', dirs[k], ...index, ...REQS, ...(k.endsWith('-nc') ? ['--no-compile'] : [])];
  const pp = (k) => () => [peer.python, '-m', 'pip', '--python', join(dirs[k], 'bin', 'python'), 'install', '-q', ...index, ...REQS, ...(k.endsWith('-nc') ? ['--no-compile'] : [])];
  const cold = (k) => () => { freshVenv(ctx.work, dirs[k], py, ctx.baseEnv); discard(ctx.cacheCold); mkdirSync(ctx.cacheCold, { recursive: true }); };
  const fresh = (k) => () => freshVenv(ctx.work, dirs[k], py, ctx.baseEnv);
  const missing = py ? undefined : `CPython ${PYTHON} not found under $PYENV_ROOT/versions`;
  const sets = new Map();
  let seeded = null;
  const task = {
    id,
    title: `install jupyter with and without bytecode, against pip 26.2 (CPython ${py?.version ?? PYTHON})`,
    timeoutMs: TIMEOUT_MS,
    setup: () => {
      if (missing) return;
      peer = pip26(ctx, py, index);
      if (peer.missing) throw new Error(peer.missing);
    },
    sides: [
      spawnSide('cold', 'venvkit install (bytecode), cold cache', vk('cold'), { env: ctx.venvkitEnv(ctx.cacheCold), missing, prepare: cold('cold') }),
      spawnSide('warm', 'venvkit install (bytecode), warm cache', vk('warm'), { env: ctx.venvkitEnv(ctx.cacheWarm), missing, prepare: fresh('warm') }),
      spawnSide('pip26', 'pip 26.2 install (bytecode)', pp('pip26'), { env: ctx.baseEnv, missing, prepare: fresh('pip26') }),
      spawnSide('cold-nc', 'venvkit install --no-compile, cold cache', vk('cold-nc'), { env: ctx.venvkitEnv(ctx.cacheCold), missing, prepare: cold('cold-nc') }),
      spawnSide('warm-nc', 'venvkit install --no-compile, warm cache', vk('warm-nc'), { env: ctx.venvkitEnv(ctx.cacheWarm), missing, prepare: fresh('warm-nc') }),
      spawnSide('pip26-nc', 'pip 26.2 install --no-compile', pp('pip26-nc'), { env: ctx.baseEnv, missing, prepare: fresh('pip26-nc') }),
    ],
    rows: [
      { a: 'cold', b: 'pip26', task: 'install jupyter with bytecode, venvkit cache cold, vs pip 26.2', target: { kind: 'speedup', min: 3 } },
      { a: 'warm', b: 'pip26', task: 'install jupyter with bytecode, venvkit cache warm, vs pip 26.2', target: { kind: 'speedup', min: 10 } },
      { a: 'cold-nc', b: 'pip26-nc', task: 'install jupyter --no-compile, venvkit cache cold, vs pip 26.2 --no-compile' },
      { a: 'warm-nc', b: 'pip26-nc', task: 'install jupyter --no-compile, venvkit cache warm, vs pip 26.2 --no-compile' },
    ],
    orderChecks: ['pip26', 'cold', 'warm'],
    check: (ks, c) => {
      const out = new Map();
      for (const k of ks.filter((x) => x.startsWith('pip26')).concat(ks.filter((x) => !x.startsWith('pip26')))) {
        const s = installedSet(dirs[k], c.baseEnv);
        if (s.error) { out.set(k, s.error); continue; }
        sets.set(k, s.lines);
        const ref = sets.get(k.endsWith('-nc') ? 'pip26-nc' : 'pip26');
        const diff = !k.startsWith('pip26') && ref ? compareSets(s.lines, ref, 'venvkit', 'pip 26.2') : null;
        // The bytecode first: checkUsable imports modules and so writes .pyc files.
        if (k.endsWith('-nc')) seeded ??= seededPycs(ctx, py);
        out.set(k, diff ?? bytecodeCheck(dirs[k], c.baseEnv, !k.endsWith('-nc'), seeded) ?? checkUsable(dirs[k], c.baseEnv, { imports: ['jupyter_core'] }));
      }
      return out;
    },
  };
  return task;
}

function importApp(ctx) {
  const id = 'import-jupyter-server';
  const py = ctx.pythons.get(PYTHON);
  const index = ctx.index.url ? ['-i', ctx.index.url] : [];
  const dirs = { venvkit: join(ctx.work, 'envs', 'import-venvkit'), pip26: join(ctx.work, 'envs', 'import-pip26') };
  const missing = py ? undefined : `CPython ${PYTHON} not found under $PYENV_ROOT/versions`;
  const env = { ...ctx.baseEnv, PYTHONDONTWRITEBYTECODE: '1' };
  const task = {
    id,
    title: `import ${APP} in a fresh process, PYTHONDONTWRITEBYTECODE=1: env filled by venvkit vs by pip 26.2 (CPython ${py?.version ?? PYTHON})`,
    setup: () => {
      if (missing) return;
      const peer = pip26(ctx, py, index);
      if (peer.missing) throw new Error(peer.missing);
      freshVenv(ctx.work, dirs.pip26, py, ctx.baseEnv);
      must(peer.python, ['-m', 'pip', '--python', join(dirs.pip26, 'bin', 'python'), 'install', '-q', ...index, ...REQS], { env: ctx.baseEnv, timeoutMs: TIMEOUT_MS });
      freshVenv(ctx.work, dirs.venvkit, py, ctx.baseEnv);
      must(ctx.cli, ['install', '--env', dirs.venvkit, '-q', ...index, ...REQS], { env: ctx.venvkitEnv(ctx.cacheWarm), timeoutMs: TIMEOUT_MS });
    },
    sides: [
      spawnSide('venvkit', `import ${APP} (env filled by venvkit)`, () => [join(dirs.venvkit, 'bin', 'python'), '-c', `import ${APP}`], { env, missing, timeoutMs: 120_000 }),
      spawnSide('pip26', `import ${APP} (env filled by pip 26.2)`, () => [join(dirs.pip26, 'bin', 'python'), '-c', `import ${APP}`], { env, missing, timeoutMs: 120_000 }),
    ],
    rows: [{ a: 'venvkit', b: 'pip26', target: { kind: 'within', factor: 1 } }],
    check: (ks, c) => new Map(ks.map((k) => [k, bytecodeCheck(dirs[k], c.baseEnv, true)])),
  };
  return task;
}

export function bytecodeTasks(ctx) {
  return [installJupyterBytecode(ctx), importApp(ctx)];
}
