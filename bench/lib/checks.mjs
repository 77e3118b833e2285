// Correctness checks run on each tool's result before (and after) it is timed, so that a fast
// wrong answer cannot win. Each returns null when the result is right, else what is wrong.
import { realpathSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { run, failureMessage } from './exec.mjs';

const PROBE = 'import sys, json; print(json.dumps({"prefix": sys.prefix, "base": sys.base_prefix, "site": [p[len(sys.prefix):] for p in sys.path if p.startswith(sys.prefix) and p.endswith("site-packages")]}))';

function real(p) {
  try { return realpathSync(p); } catch { return p; }
}

/** What the env's own python says about itself, or { error }. */
export function envFacts(dir, env) {
  const py = join(dir, 'bin', 'python');
  if (!existsSync(py)) return { error: `${py} does not exist` };
  const r = run(py, ['-c', PROBE], { env, timeoutMs: 60_000 });
  if (r.status !== 0) return { error: `the env's python does not run: ${failureMessage(r)}` };
  try { return JSON.parse(r.stdout); } catch { return { error: `unexpected output from the env's python: ${r.stdout.slice(0, 200)}` }; }
}

/**
 * The env runs, sys.prefix is the env, sys.base_prefix is the interpreter's, and the env's own
 * site-packages is on sys.path. `reference` (facts of the peer's env for the same interpreter) is
 * compared when given.
 */
export function checkEnv(dir, env, reference) {
  const f = envFacts(dir, env);
  if (f.error) return f.error;
  if (real(f.prefix) !== real(dir)) return `sys.prefix is ${f.prefix}, not the env ${dir}`;
  if (f.site.length === 0) return "the env's site-packages is not on sys.path";
  if (reference && !reference.error) {
    if (real(f.base) !== real(reference.base)) return `sys.base_prefix is ${f.base}, the peer's env says ${reference.base}`;
    if (JSON.stringify(f.site) !== JSON.stringify(reference.site)) return `site-packages on sys.path: ${f.site.join(', ')}; the peer's env: ${reference.site.join(', ')}`;
  }
  return null;
}

/** `pip list --format=freeze` of an env as sorted "name==version" lines (names normalised), or { error }. */
export function installedSet(dir, env) {
  const r = run(join(dir, 'bin', 'python'), ['-m', 'pip', 'list', '--format=freeze', '--disable-pip-version-check'], { env, timeoutMs: 120_000 });
  if (r.status !== 0) return { error: `pip list failed in ${dir}: ${failureMessage(r)}` };
  return {
    lines: r.stdout.split('\n').map((l) => l.trim()).filter(Boolean)
      .map((l) => l.replace(/^[^=]+/, (n) => n.toLowerCase().replace(/[-_.]+/g, '-'))).sort(),
  };
}

/** Null when two installed sets are equal, else what differs (pure). */
export function compareSets(mine, theirs, myName = 'venvkit', theirName = 'the peer') {
  const a = new Set(mine);
  const b = new Set(theirs);
  const onlyA = mine.filter((x) => !b.has(x));
  const onlyB = theirs.filter((x) => !a.has(x));
  if (onlyA.length === 0 && onlyB.length === 0) return null;
  const list = (xs) => (xs.length > 6 ? `${xs.slice(0, 6).join(', ')} and ${xs.length - 6} more` : xs.join(', ')) || 'nothing';
  return `installed sets differ: only ${myName} has ${list(onlyA)}; only ${theirName} has ${list(onlyB)}`;
}

/** `python -m pip --version` in the env names the env's own pip. */
export function checkPipRuns(dir, env) {
  const r = run(join(dir, 'bin', 'python'), ['-m', 'pip', '--version'], { env, timeoutMs: 60_000 });
  if (r.status !== 0) return `pip does not run in the env: ${failureMessage(r)}`;
  if (!r.stdout.includes(real(dir)) && !r.stdout.includes(dir)) return `pip --version does not point into the env: ${r.stdout.trim()}`;
  return null;
}

/** `pip check` passes, the modules import and the commands run, inside the env. */
export function checkUsable(dir, env, { imports = [], commands = [] } = {}) {
  const py = join(dir, 'bin', 'python');
  const c = run(py, ['-m', 'pip', 'check', '--disable-pip-version-check'], { env, timeoutMs: 120_000 });
  if (c.status !== 0) return `pip check fails: ${c.stdout.trim().split('\n').slice(0, 3).join('; ')}`;
  if (imports.length) {
    const r = run(py, ['-c', imports.map((m) => `import ${m}`).join('; ')], { env, timeoutMs: 120_000 });
    if (r.status !== 0) return `import ${imports.join(', ')} fails: ${failureMessage(r)}`;
  }
  for (const [name, ...args] of commands) {
    const r = run(join(dir, 'bin', name), args, { env, timeoutMs: 120_000 });
    if (r.status !== 0) return `bin/${name} ${args.join(' ')} fails: ${failureMessage(r)}`;
  }
  return null;
}
