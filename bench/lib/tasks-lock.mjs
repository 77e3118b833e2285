// Benchmark tasks of `venvkit lock` (issue 13): jupyter locked for this interpreter (CPython 3.11)
// against `pip lock` of pip 26.2, venvkit's cache cold and warm (>= 10x faster both); and jupyter
// for 3 platforms x 5 Python versions (15 targets) on a generated index (lock-mirror.mjs), cache
// warm, <= 3 s (the peer shown is pip locking one target: pip cannot lock for other platforms).
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { timedRun, must, run } from './exec.mjs';
import { discard, rmrf } from './setup.mjs';
import { lockMirror, MIRROR_PLATFORMS, MIRROR_PYTHONS } from './lock-mirror.mjs';

const LOCK_PYTHON = '3.11';
const PIP_SPEC = 'pip>=26.2,<26.3';

function spawnSide(key, label, command, { env, prepare, missing, timeoutMs = 600_000 } = {}) {
  return { key, label, missing, prepare, command, env, timeoutMs, exec: () => { const [cmd, ...args] = command(); return timedRun(cmd, args, { env: typeof env === 'function' ? env() : env, timeoutMs }); } };
}

/** pip 26.2 in its own env (made once, kept while it works). */
function pipTool(ctx, py, index) {
  const dir = join(ctx.work, 'peers', 'pip-lock');
  if (!existsSync(join(dir, 'bin', 'python')) || run(join(dir, 'bin', 'python'), ['-m', 'pip', '--version'], { env: ctx.baseEnv }).status !== 0) {
    rmrf(dir);
    must(py.path, ['-m', 'venv', dir], { env: ctx.baseEnv });
    must(join(dir, 'bin', 'python'), ['-m', 'pip', 'install', '-q', ...index, PIP_SPEC], { env: ctx.baseEnv });
  }
  return join(dir, 'bin', 'python');
}

/** The `name==version` pins of a pylock.toml, sorted (names as written: both tools normalise them). */
export function lockPins(path) {
  if (!existsSync(path)) return { error: `${path} was not written` };
  const text = readFileSync(path, 'utf8');
  return { pins: [...text.matchAll(/^name = "([^"]+)"\nversion = "([^"]+)"$/gm)].map((m) => `${m[1]}==${m[2]}`).sort() };
}

function samePins(a, b, la, lb) {
  if (a.error) return a.error;
  if (b.error) return `${lb}: ${b.error}`;
  const sa = new Set(a.pins);
  const sb = new Set(b.pins);
  const onlyA = a.pins.filter((p) => !sb.has(p));
  const onlyB = b.pins.filter((p) => !sa.has(p));
  if (!onlyA.length && !onlyB.length) return a.pins.length ? null : `${la} locked nothing`;
  return `${la} has ${onlyA.join(' ') || 'nothing more'}; ${lb} has ${onlyB.join(' ') || 'nothing more'}`;
}

function lockJupyter(ctx) {
  const id = 'lock-jupyter';
  const py = ctx.pythons.get(LOCK_PYTHON);
  const missing = py ? undefined : `CPython ${LOCK_PYTHON} not found under $PYENV_ROOT/versions`;
  const index = ctx.index.url ? ['-i', ctx.index.url] : [];
  const out = Object.fromEntries(['cold', 'warm', 'pip'].map((k) => [k, join(ctx.work, 'locks', `jupyter-${k}`, 'pylock.toml')]));
  let pipPython;
  const vk = (k) => () => [ctx.cli, 'lock', '-p', py.path, ...index, 'jupyter', '-o', out[k]];
  const fresh = (k) => () => { discard(out[k]); mkdirSync(dirname(out[k]), { recursive: true }); };
  return {
    id,
    title: `lock jupyter for this interpreter (CPython ${py?.version ?? LOCK_PYTHON})`,
    setup: () => { pipPython = pipTool(ctx, py, index); },
    sides: [
      spawnSide('cold', 'venvkit lock, cold cache', vk('cold'), {
        env: ctx.venvkitEnv(ctx.cacheCold), missing,
        prepare: () => { fresh('cold')(); discard(ctx.cacheCold); mkdirSync(ctx.cacheCold, { recursive: true }); },
      }),
      spawnSide('warm', 'venvkit lock, warm cache', vk('warm'), { env: ctx.venvkitEnv(ctx.cacheWarm), missing, prepare: fresh('warm') }),
      spawnSide('pip', 'pip 26.2 lock', () => [pipPython, '-m', 'pip', 'lock', '-q', ...index, 'jupyter', '-o', out.pip], { env: ctx.baseEnv, missing, prepare: fresh('pip') }),
    ],
    rows: [
      { a: 'cold', b: 'pip', task: 'lock jupyter (this interpreter), venvkit cache cold', target: { kind: 'speedup', min: 10 } },
      { a: 'warm', b: 'pip', task: 'lock jupyter (this interpreter), venvkit cache warm', target: { kind: 'speedup', min: 10 } },
    ],
    orderChecks: ['pip', 'cold', 'warm'],
    // The same pins as pip's lock, every file with a sha256.
    check: (keys) => new Map(keys.map((k) => {
      if (k === 'pip') return [k, lockPins(out.pip).error ?? null];
      const text = existsSync(out[k]) ? readFileSync(out[k], 'utf8') : '';
      const files = (text.match(/^\[\[packages\.wheels\]\]$/gm) ?? []).length;
      const hashes = (text.match(/^sha256 = "[0-9a-f]{64}"$/gm) ?? []).length;
      if (files === 0 || files !== hashes) return [k, `${files} wheels, ${hashes} sha256 hashes`];
      return [k, samePins(lockPins(out[k]), lockPins(out.pip), 'venvkit', 'pip lock')];
    })),
  };
}

function lockJupyterMulti(ctx) {
  const id = 'lock-jupyter-15';
  const py = ctx.pythons.get(LOCK_PYTHON);
  const missing = py ? undefined : `CPython ${LOCK_PYTHON} not found under $PYENV_ROOT/versions`;
  const index = ctx.index.url ? ['-i', ctx.index.url] : [];
  const out = { venvkit: join(ctx.work, 'locks', 'jupyter-15', 'pylock.toml'), one: join(ctx.work, 'locks', 'jupyter-15-one', 'pylock.toml'), pip: join(ctx.work, 'locks', 'jupyter-15-pip', 'pylock.toml') };
  // Only the mirror: pip's configured indexes and find-links are not for these targets.
  const env = { ...ctx.venvkitEnv(ctx.cacheWarm), PIP_CONFIG_FILE: '/dev/null' };
  for (const k of Object.keys(env)) if (k.startsWith('PIP_') && k !== 'PIP_CONFIG_FILE') delete env[k];
  let mirror;
  let pipPython;
  const targets = [...MIRROR_PLATFORMS.flatMap((p) => ['--platform', p]), ...MIRROR_PYTHONS.flatMap((v) => ['--python-version', v])];
  const fresh = (k) => () => { discard(out[k]); mkdirSync(dirname(out[k]), { recursive: true }); };
  return {
    id,
    title: `lock jupyter for ${MIRROR_PLATFORMS.length} platforms x CPython ${MIRROR_PYTHONS[0]}-${MIRROR_PYTHONS.at(-1)} (generated index)`,
    setup: () => {
      mirror = lockMirror(ctx, ctx.index.url, py.path);
      pipPython = pipTool(ctx, py, index);
    },
    sides: [
      spawnSide('venvkit', `venvkit lock, ${MIRROR_PLATFORMS.length * MIRROR_PYTHONS.length} targets, warm cache`, () => [ctx.cli, 'lock', '-i', mirror, 'jupyter', ...targets, '-o', out.venvkit], { env, missing, prepare: fresh('venvkit') }),
      spawnSide('pip', 'pip 26.2 lock (this interpreter only)', () => [pipPython, '-m', 'pip', 'lock', '-q', ...index, 'jupyter', '-o', out.pip], { env: ctx.baseEnv, missing, prepare: fresh('pip') }),
    ],
    rows: [{ a: 'venvkit', b: 'pip', target: { kind: 'maxMs', ms: 3000 } }],
    // The entries for Linux x86_64 CPython 3.11 are venvkit's lock of that target alone.
    check: async (keys) => {
      const lib = await import(pathToFileURL(ctx.distIndex).href);
      return new Map(await Promise.all(keys.map(async (k) => {
        if (k === 'pip') return [k, lockPins(out.pip).error ?? null];
        if (!existsSync(out.venvkit)) return [k, 'no lock written'];
        const text = readFileSync(out.venvkit, 'utf8');
        const envs = (text.match(/^environments = \[\n((?: {4}".*",\n)+)\]/m)?.[1] ?? '').split('\n').filter(Boolean).length;
        if (envs !== MIRROR_PLATFORMS.length) return [k, `environments has ${envs} entries, not ${MIRROR_PLATFORMS.length}`];
        must(ctx.cli, ['lock', '-i', mirror, 'jupyter', '--platform', 'linux-x86_64', '--python-version', '3.11', '-o', out.one], { env });
        const menv = { python_version: '3.11', python_full_version: '3.11.0', implementation_name: 'cpython', implementation_version: '3.11.0', platform_python_implementation: 'CPython', sys_platform: 'linux', os_name: 'posix', platform_machine: 'x86_64', platform_system: 'Linux', platform_release: '', platform_version: '' };
        const applies = [...text.matchAll(/^name = "([^"]+)"\nversion = "([^"]+)"\n(?:marker = "((?:[^"\\]|\\.)*)"\n)?/gm)]
          .filter((m) => !m[3] || lib.evaluateMarker(lib.parseMarker(JSON.parse(`"${m[3]}"`)), menv))
          .map((m) => `${m[1]}==${m[2]}`).sort();
        return [k, samePins({ pins: applies }, lockPins(out.one), 'the 15-target lock (Linux 3.11 entries)', 'the Linux 3.11 lock')];
      })));
    },
  };
}

export function lockTasks(ctx) {
  return [lockJupyter(ctx), lockJupyterMulti(ctx)];
}
