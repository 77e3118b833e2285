// What the suite finds and prepares on this machine: interpreters, the configured index, the
// virtualenv peer, template environments, machine facts.
import { existsSync, readdirSync, readFileSync, rmSync, mkdirSync, writeFileSync, renameSync, lstatSync } from 'node:fs';
import { join } from 'node:path';
import os from 'node:os';
import { run, must } from './exec.mjs';
import { parsePipConfigList, benchIndexUrl } from './pipconfig.mjs';

/** Real interpreters under $PYENV_ROOT/versions (never the shims), newest patch per X.Y. */
export function findInterpreters(env = process.env) {
  const found = new Map();
  const root = env.PYENV_ROOT || join(os.homedir(), '.pyenv');
  const versions = join(root, 'versions');
  let names = [];
  try { names = readdirSync(versions); } catch { /* no pyenv */ }
  for (const name of names) {
    const m = /^(\d+)\.(\d+)\.(\d+)$/.exec(name);
    if (!m) continue;
    const minor = `${m[1]}.${m[2]}`;
    const path = join(versions, name, 'bin', `python${minor}`);
    if (!existsSync(path)) continue;
    const prev = found.get(minor);
    if (!prev || Number(m[3]) > prev.patch) found.set(minor, { minor, version: name, patch: Number(m[3]), path });
  }
  // Fall back to the system's pythonX.Y for versions pyenv does not have.
  for (const dir of ['/usr/local/bin', '/usr/bin']) {
    let entries = [];
    try { entries = readdirSync(dir); } catch { continue; }
    for (const e of entries) {
      const m = /^python(3\.\d+)$/.exec(e);
      if (!m || found.has(m[1])) continue;
      const path = join(dir, e);
      const v = run(path, ['-c', 'import platform; print(platform.python_version())']);
      if (v.status === 0) found.set(m[1], { minor: m[1], version: v.stdout.trim(), patch: 0, path });
    }
  }
  return found;
}

/** The index both tools get with -i, read from pip's own configuration. */
export function findIndex(python, env) {
  const r = run(python, ['-m', 'pip', 'config', 'list'], { env });
  if (r.status !== 0) return { url: null, config: null, detail: `pip config list failed: ${r.stderr.trim()}` };
  const config = parsePipConfigList(r.stdout);
  const url = benchIndexUrl(config, env);
  return { url, config, detail: url ? '' : 'pip is configured with no index-url or extra-index-url' };
}

/**
 * A private copy of the built package (package.json, bin/, dist/) under the work dir, so that a
 * rebuild of dist/ while the suite runs (other work in the same checkout) cannot change or break
 * what is measured. Waits for a build in progress; checks the copy runs.
 */
export async function snapshotPackage(root, work, binRel, env) {
  const pkg = join(work, 'pkg');
  let last = '';
  for (let attempt = 0; attempt < 20; attempt++) {
    if (attempt) await new Promise((r) => setTimeout(r, 1500));
    if (!existsSync(join(root, 'dist', 'index.js'))) {
      last = 'dist/ is not built';
      continue;
    }
    rmrf(pkg);
    mkdirSync(pkg, { recursive: true });
    const parts = ['package.json', 'dist', ...(existsSync(join(root, 'bin')) ? ['bin'] : [])];
    const cp = run('cp', ['-a', ...parts.map((p) => join(root, p)), pkg]);
    if (cp.status !== 0) { last = cp.stderr.trim(); continue; }
    const v = run(join(pkg, binRel), ['--version'], { env });
    if (v.status === 0) return { dir: pkg, version: v.stdout.trim() };
    last = `${binRel} --version failed: ${v.stderr.trim()}`;
  }
  throw new Error(`could not take a working copy of the built package: ${last}`);
}

let trashDir = null;
let trashCount = 0;

/** Where discard() moves things; emptied by the caller once nothing is being timed. */
export function useTrash(dir) {
  rmrf(dir);
  mkdirSync(dir, { recursive: true });
  trashDir = dir;
}

/**
 * Gets a directory out of the way between runs by renaming it into the trash (instant), so that
 * deleting hundreds of MB does not load the disk while the next run is timed.
 */
export function discard(path) {
  try { lstatSync(path); } catch { return; }
  if (trashDir) {
    try {
      renameSync(path, join(trashDir, String(trashCount++)));
      return;
    } catch { /* another filesystem: delete instead */ }
  }
  rmrf(path);
}

/** Removes a directory tree (quietly when absent). */
export function rmrf(path) {
  rmSync(path, { recursive: true, force: true, maxRetries: 3 });
}

/**
 * virtualenv in its own environment, installed with pip from the configured index; reused
 * between runs of the suite while it still works. Returns { ok, bin, version } or { ok: false, reason }.
 */
export function setupVirtualenv(work, python, indexUrl, env) {
  const dir = join(work, 'peers', 'virtualenv');
  const bin = join(dir, 'bin', 'virtualenv');
  const version = () => run(bin, ['--version'], { env });
  let v = existsSync(bin) ? version() : null;
  if (!v || v.status !== 0) {
    try {
      rmrf(dir);
      must(python.path, ['-m', 'venv', dir], { env });
      must(join(dir, 'bin', 'python'), ['-m', 'pip', 'install', ...(indexUrl ? ['-i', indexUrl] : []), 'virtualenv'], { env });
    } catch (e) {
      return { ok: false, reason: `could not install virtualenv from the configured index: ${e.message}` };
    }
    v = version();
    if (v.status !== 0) return { ok: false, reason: `virtualenv --version failed: ${v.stderr.trim()}` };
  }
  return { ok: true, bin, version: (/virtualenv (\S+)/.exec(v.stdout) ?? [])[1] ?? v.stdout.trim(), appData: join(work, 'peers', 'virtualenv-app-data') };
}

/**
 * Makes `dir` a fresh environment made by `python -m venv` (with pip). The first time it is built
 * in place and copied aside; later calls copy it back (`cp -a`, the same path, so every script and
 * shebang is what `python -m venv` would write there).
 */
export function freshVenv(work, dir, python, env) {
  const tmplRoot = join(work, 'templates');
  const key = dir.replace(/[^A-Za-z0-9._-]+/g, '_');
  const tmpl = join(tmplRoot, key);
  const marker = tmpl + '.json';
  const want = JSON.stringify({ dir, python: python.path, version: python.version });
  discard(dir);
  if (existsSync(tmpl) && existsSync(marker) && readFileSync(marker, 'utf8') === want) {
    must('cp', ['-a', tmpl, dir]);
    return;
  }
  must(python.path, ['-m', 'venv', dir], { env });
  mkdirSync(tmplRoot, { recursive: true });
  rmrf(tmpl);
  must('cp', ['-a', dir, tmpl]);
  writeFileSync(marker, want);
}

/** Machine facts for results.md, as [label, value] pairs. */
export function machineFacts({ root, pythons, pipVersion, virtualenv, env, loadNote }) {
  let cpu = os.cpus()[0]?.model ?? 'unknown';
  try {
    const m = /^model name\s*:\s*(.+)$/m.exec(readFileSync('/proc/cpuinfo', 'utf8'));
    if (m) cpu = m[1].trim();
  } catch { /* not Linux */ }
  let osName = `${os.type()} ${os.release()}`;
  try {
    const m = /^PRETTY_NAME="?([^"\n]+)"?$/m.exec(readFileSync('/etc/os-release', 'utf8'));
    if (m) osName = `${m[1]} (kernel ${os.release()})`;
  } catch { /* no os-release */ }
  const commit = run('git', ['rev-parse', '--short', 'HEAD'], { cwd: root }).stdout.trim() || 'unknown';
  const dirty = run('git', ['status', '--porcelain', '--', 'src'], { cwd: root }).stdout.trim() ? ' (with uncommitted changes in src/)' : '';
  const py = [...pythons.values()].filter((p) => /^3\.1[1-3]$/.test(p.minor)).sort((a, b) => a.version.localeCompare(b.version, 'en', { numeric: true })).map((p) => `${p.version} (${p.path})`);
  return [
    ['CPU', `${cpu}, ${os.cpus().length} cores`],
    ['Memory', `${Math.round(os.totalmem() / 2 ** 30)} GiB`],
    ['OS', osName],
    ['Node.js', process.version],
    ['Python', py.join(', ') || 'none found'],
    ['pip (peer)', pipVersion ?? 'missing'],
    ['virtualenv (peer)', virtualenv.ok ? virtualenv.version : `missing: ${virtualenv.reason}`],
    ['venvkit', `commit ${commit}${dirty}`],
    ['NODE_EXTRA_CA_CERTS', env.NODE_EXTRA_CA_CERTS ? 'set' : 'not set'],
    ['Load average (1 min)', loadNote ?? os.loadavg()[0].toFixed(2)],
  ];
}
