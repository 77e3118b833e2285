// Floors: for each task, the least the machine needs to do the same work with plain tools, so that
// results.md can show how close venvkit is to the limit ("venvkit / floor") beside how far ahead of
// its peers it is. A floor is a side like a peer: timed in alternation, and checked to produce the
// same files as venvkit (treeOf/compareTrees), else the comparison is void.
import { lstatSync, readdirSync, readFileSync, readlinkSync, mkdirSync, symlinkSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { timedRun } from './exec.mjs';

/**
 * An env's tree as a Map of relative path -> what it is ('dir', 'link -> TARGET', 'file MODE SIZE
 * <digest of the text>'), with every occurrence of `dir` itself in link targets and file texts
 * replaced by <ENV> (an env's scripts name their own path). `skip(rel)` leaves entries out.
 */
export function treeOf(dir, { skip = () => false, contents = true } = {}) {
  const out = new Map();
  const walk = (rel) => {
    for (const name of readdirSync(rel ? join(dir, rel) : dir).sort()) {
      const r = rel ? `${rel}/${name}` : name;
      if (skip(r)) continue;
      const p = join(dir, r);
      const st = lstatSync(p);
      if (st.isSymbolicLink()) out.set(r, `link -> ${readlinkSync(p).split(dir).join('<ENV>')}`);
      else if (st.isDirectory()) {
        out.set(r, 'dir');
        walk(r);
      } else {
        const mode = (st.mode & 0o111) ? 'x' : '-';
        out.set(r, contents ? `file ${mode} ${readFileSync(p, 'latin1').split(dir).join('<ENV>')}` : `file ${mode} ${st.size}`);
      }
    }
  };
  walk('');
  return out;
}

/** Null when two trees (treeOf) are the same, else the first few differences, in words (pure). */
export function compareTrees(mine, theirs, myName, theirName) {
  const diffs = [];
  for (const [k, v] of mine) {
    if (!theirs.has(k)) diffs.push(`only ${myName} has ${k}`);
    else if (theirs.get(k) !== v) diffs.push(`${k} differs (${v.split('\n')[0].slice(0, 40)} vs ${theirs.get(k).split('\n')[0].slice(0, 40)})`);
  }
  for (const k of theirs.keys()) if (!mine.has(k)) diffs.push(`only ${theirName} has ${k}`);
  if (diffs.length === 0) return null;
  return `${myName} and ${theirName} differ in ${diffs.length} entr${diffs.length === 1 ? 'y' : 'ies'}: ${diffs.slice(0, 4).join('; ')}${diffs.length > 4 ? '; ...' : ''}`;
}

/**
 * The create floor's program, from a model env: the list of what to make, in order (directories
 * before what they hold), with the model's own path in texts and link targets left as <ENV>.
 */
export function createScript(modelDir) {
  const ops = [];
  for (const [rel, what] of treeOf(modelDir)) {
    if (what === 'dir') ops.push({ kind: 'dir', rel });
    else if (what.startsWith('link -> ')) ops.push({ kind: 'link', rel, target: what.slice(8) });
    else ops.push({ kind: 'file', rel, exec: what[5] === 'x', text: what.slice(7) });
  }
  return ops;
}

/**
 * The create floor: makes the directories, links and files of `ops` under `dir` with one plain
 * synchronous system call each (mkdir, symlink, open+write+close), straight into place: no interpreter
 * lookup, no staging, no rename. What a minimal program doing the same work costs.
 */
export function runCreateScript(ops, dir) {
  mkdirSync(dir);
  for (const op of ops) {
    const p = join(dir, op.rel);
    if (op.kind === 'dir') mkdirSync(p);
    else if (op.kind === 'link') symlinkSync(op.target.split('<ENV>').join(dir), p);
    else writeFileSync(p, op.text.split('<ENV>').join(dir), { encoding: 'latin1', mode: op.exec ? 0o755 : 0o644 });
  }
}

/** What an installer writes itself into a dist-info dir: RECORD, INSTALLER, REQUESTED, direct_url.json, and venvkit's record of an editable project's source state. */
export const INSTALLER_FILES = /\.dist-info\/(RECORD|INSTALLER|REQUESTED|direct_url\.json|venvkit_source\.json)$/;

/** The files an install placed in site-packages, leaving out what an installer writes itself (INSTALLER_FILES), the wheels' .data dirs and byte code. */
export function placedTree(sitePackages) {
  return treeOf(sitePackages, { contents: false, skip: (r) => /(^|\/)__pycache__$/.test(r) || INSTALLER_FILES.test(r) || /^[^/]+\.data$/.test(r) });
}

/** A plain tool's command line that puts the files of the cache entries `dirs` into `dest`: `cp -r` (copy) or `cp -al` (hard links). */
export function cpCommand(dirs, dest, hardlink) {
  return ['cp', hardlink ? '-al' : '-r', ...dirs.map((d) => `${d}/.`), dest];
}

/** Extracting wheels into `dest` with unzip (one process, one unzip per wheel). */
export function unzipCommand(wheels, dest) {
  return ['sh', '-c', 'd="$1"; shift; for w in "$@"; do unzip -qo "$w" -d "$d" || exit 1; done', 'sh', dest, ...wheels];
}

/**
 * Extracting wheels into `dest` with Python's zipfile (one interpreter for them all). extractall
 * drops the files' modes; the mode bits the archive records are put back (as unzip and installers do).
 */
export function zipfileCommand(python, wheels, dest) {
  const script = [
    'import os, sys, zipfile',
    'for w in sys.argv[2:]:',
    '    z = zipfile.ZipFile(w)',
    '    for i in z.infolist():',
    '        p = z.extract(i, sys.argv[1])',
    '        m = (i.external_attr >> 16) & 0o777',
    '        if m and not i.is_dir(): os.chmod(p, m)',
  ].join('\n');
  return [python, '-c', script, dest, ...wheels];
}

/** Which plain extractors this machine has (unzip, python zipfile), as { name, command(wheels, dest) }. */
export function extractors(python) {
  const out = [];
  if (spawnSync('unzip', ['-v'], { stdio: 'ignore' }).status === 0) out.push({ name: 'unzip -qo', command: unzipCommand });
  if (python && existsSync(python)) out.push({ name: 'python zipfile (modes kept)', command: (w, d) => zipfileCommand(python, w, d) });
  return out;
}

/** The fastest of the extractors on these wheels (best of three each into scratch dirs), or null. */
export function fastestExtractor(candidates, wheels, scratch, discard) {
  let best = null;
  for (const c of candidates) {
    const times = [];
    for (let i = 0; i < 3; i++) {
      const d = join(scratch, `pick-${i}`);
      discard(d);
      mkdirSync(d, { recursive: true });
      const [cmd, ...args] = c.command(wheels, d);
      const r = timedRun(cmd, args, { timeoutMs: 300_000 });
      discard(d);
      if (!r.ok) { times.length = 0; break; }
      times.push(r.ms);
    }
    if (times.length && (!best || Math.min(...times) < best.ms)) best = { ...c, ms: Math.min(...times) };
  }
  return best;
}
