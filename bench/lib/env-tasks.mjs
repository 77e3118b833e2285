// Discovery benchmarks: findEnvironments over a workspace of ~1,000 directories holding 10 envs
// (against `find -name pyvenv.cfg` over the same tree), and resolveEnvironment of a known env
// (against asking its python for sys.prefix). Both in-process, warm (probe cache filled).
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { mkdirSync, writeFileSync } from 'node:fs';
import { timedRun } from './exec.mjs';
import { discard } from './setup.mjs';

const ENVS = 10;

/** 10 x 10 x 9 directories (1,010) with a file in each, and 10 envs made by createVenv at depths 1-3. */
async function buildWorkspace(ws, mod, py, env) {
  discard(ws);
  for (let a = 0; a < 10; a++) {
    for (let b = 0; b < 10; b++) {
      for (let c = 0; c < 9; c++) {
        const dir = join(ws, `pkg${a}`, `mod${b}`, `sub${c}`);
        mkdirSync(dir, { recursive: true });
        writeFileSync(join(dir, '__init__.py'), '');
      }
    }
  }
  mkdirSync(join(ws, 'node_modules', 'left-pad'), { recursive: true });
  writeFileSync(join(ws, '.gitignore'), '.venv/\nbuild/\n');
  const roots = [join(ws, '.venv')];
  for (let i = 1; i < ENVS; i++) roots.push(i % 3 === 0 ? join(ws, `pkg${i}`, '.venv') : i % 3 === 1 ? join(ws, `pkg${i}`, `mod${i}`, 'venv') : join(ws, `pkg${i}`, `mod${i}`, `sub${i % 9}`, 'env'));
  for (const r of roots) await mod.createVenv(r, { python: py.path, withoutPip: true, env });
  return roots;
}

function libSide(key, label, ctx, call) {
  let mod;
  return {
    key, label,
    exec: async () => {
      try {
        process.env.VENVKIT_CACHE_DIR = ctx.cacheWarm;
        mod ??= await import(pathToFileURL(ctx.distIndex).href);
        const t0 = process.hrtime.bigint();
        await call(mod);
        return { ok: true, ms: Number(process.hrtime.bigint() - t0) / 1e6 };
      } catch (e) {
        return { ok: false, message: `${e?.code ? e.code + ': ' : ''}${e?.message ?? e}` };
      }
    },
  };
}

export function findEnvironmentsTask(ctx) {
  const ws = join(ctx.work, 'discovery-ws');
  const py = ctx.pythons.get('3.12');
  let roots = [];
  let last;
  const side = libSide('venvkit', 'findEnvironments()', ctx, async (mod) => {
    last = await mod.findEnvironments({ cwd: ws, env: ctx.venvkitEnv(ctx.cacheWarm) });
  });
  return {
    id: 'find-environments',
    title: 'findEnvironments, workspace of 1,010 dirs holding 10 envs (warm)',
    minRuns: 50,
    setup: async () => {
      const mod = await import(pathToFileURL(ctx.distIndex).href);
      roots = await buildWorkspace(ws, mod, py, ctx.venvkitEnv(ctx.cacheWarm));
    },
    sides: [
      { ...side, missing: py ? undefined : 'CPython 3.12 not found under $PYENV_ROOT/versions' },
      { key: 'find', label: 'find -name pyvenv.cfg', exec: () => timedRun('find', [ws, '-maxdepth', '5', '-name', 'node_modules', '-prune', '-o', '-name', 'pyvenv.cfg', '-print'], {}) },
    ],
    rows: [{ a: 'venvkit', b: 'find', target: { kind: 'maxMs', ms: 50 } }],
    check: (keys) => {
      const out = new Map(keys.map((k) => [k, null]));
      if (keys.includes('venvkit')) {
        const got = new Set((last ?? []).filter((e) => e.prefix.startsWith(ws)).map((e) => e.prefix));
        const missing = roots.filter((r) => !got.has(r));
        out.set('venvkit', missing.length || got.size !== ENVS ? `found ${got.size} of ${ENVS} workspace envs (missing ${missing.join(', ')})` : null);
      }
      return out;
    },
  };
}

export function resolveEnvironmentTask(ctx) {
  const root = join(ctx.work, 'envs', 'resolve-env');
  const py = ctx.pythons.get('3.12');
  let last;
  const side = libSide('venvkit', 'resolveEnvironment()', ctx, async (mod) => {
    last = await mod.resolveEnvironment(join(root, 'bin', 'python'), { env: ctx.venvkitEnv(ctx.cacheWarm) });
  });
  return {
    id: 'resolve-environment',
    title: 'resolveEnvironment of a known env (from its interpreter path)',
    minRuns: 50,
    setup: async () => {
      discard(root);
      const mod = await import(pathToFileURL(ctx.distIndex).href);
      await mod.createVenv(root, { python: py.path, withoutPip: true, env: ctx.venvkitEnv(ctx.cacheWarm) });
    },
    sides: [
      { ...side, missing: py ? undefined : 'CPython 3.12 not found under $PYENV_ROOT/versions' },
      { key: 'python', label: 'python -c "print(sys.prefix)"', exec: () => timedRun(join(root, 'bin', 'python'), ['-c', 'import sys; print(sys.prefix)'], { env: ctx.baseEnv }) },
    ],
    rows: [{ a: 'venvkit', b: 'python', target: { kind: 'maxMs', ms: 2 } }],
    check: (keys) => {
      const out = new Map(keys.map((k) => [k, null]));
      if (keys.includes('venvkit')) out.set('venvkit', last && last.prefix === root && last.kind === 'venv' && last.version ? null : `wrong answer: ${JSON.stringify(last)}`);
      return out;
    },
  };
}
