// Which file of a version venvkit installs, against the file pip 26.2 installs, on an index the test
// generates: wheels of one version differing by build tag (number and rest), by tag specificity,
// by Requires-Python, yanked, and equal on all of these (pip takes the one its page lists last). For
// `venvkit install` (the resolver's provider), with --ignore-requires-python too, and for `venvkit
// sync` of a requirements file, with and without hashes (hash-checking mode). One rule for both:
// src/index/pick-file.ts. pip's choice is its --report's download URL; venvkit's the URL its --json
// report gives.
import { test, before, after, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { venvkit } from '../helpers/cli.js';
import { writeStaticIndex, type FileAttrs } from '../helpers/index-server.js';
import { realPip, type RealPip } from '../helpers/real-pip.js';
import { buildWheel } from '../helpers/wheels.js';
import { python3x } from '../pip/helpers.js';

const tmp = mkdtempSync(join(tmpdir(), 'vk-pick-file-'));
after(() => rmSync(tmp, { recursive: true, force: true }));
const python = python3x();
const files = join(tmp, 'files');
let index = '';
let pip: RealPip | undefined;
/** The interpreter's own tag (cp311), more specific than py3-none-any. */
let cp = '';

/** No pip configuration, proxies or VIRTUAL_ENV of this machine: every run names the index. */
const env: NodeJS.ProcessEnv = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^(PIP_|VIRTUAL_ENV$|(https?|all|no)_proxy$)/i.test(k)));
Object.assign(env, { PIP_CONFIG_FILE: '/dev/null', PIP_DISABLE_PIP_VERSION_CHECK: '1', PIP_NO_INPUT: '1', PIP_CACHE_DIR: join(tmp, 'pip-cache'), VENVKIT_CACHE_DIR: join(tmp, 'cache') });

/** Project -> its wheels of version 1.0 (the tag part of each file name, a build tag first if any), and their attributes. */
const PROJECTS = (cpTag: string): Record<string, [string, FileAttrs?][]> => ({
  // Build tags: the higher number wins; none is below any; the same number: the rest, in code-unit order.
  bt: [['1-py3-none-any'], ['2-py3-none-any'], ['py3-none-any']],
  bz: [['0-py3-none-any'], ['py3-none-any']],
  bs: [['1a-py3-none-any'], ['1b-py3-none-any']],
  // The most specific tag wins, over a build tag too.
  tg: [['py3-none-any'], [`${cpTag}-none-any`], [`py${cpTag.slice(2)}-none-any`], ['5-py3-none-any']],
  // Equal files: pip takes the last its page lists (py2.py3-none-any sorts first).
  tie: [['py2.py3-none-any'], ['py3-none-any']],
  // A better tag whose Requires-Python excludes the interpreter: left out (picked with --ignore-requires-python).
  rp: [[`${cpTag}-none-any`, { requiresPython: '>=3.99' }], ['py3-none-any']],
  // A better tag that is yanked: not picked while a file of the version is not yanked.
  yk: [[`${cpTag}-none-any`, { yanked: 'broken' }], ['py3-none-any']],
});
const PINS = () => Object.keys(PROJECTS(cp)).map((p) => `${p}==1.0`);

before(() => {
  if (!python) return;
  cp = `cp${spawnSync(python, ['-c', 'import sys; print("%d%d" % sys.version_info[:2])'], { encoding: 'utf8' }).stdout.trim()}`;
  mkdirSync(files, { recursive: true });
  const attrs: Record<string, FileAttrs> = {};
  for (const [name, wheels] of Object.entries(PROJECTS(cp))) {
    for (const [tag, a] of wheels) {
      const filename = `${name}-1.0-${tag}.whl`;
      const plain = tag.split('-').slice(-3).join('-');
      buildWheel(files, { name, version: '1.0', tag: plain, filename, files: { [`${name}/__init__.py`]: `FILE = ${JSON.stringify(filename)}\n` } });
      if (a) attrs[filename] = a;
    }
  }
  index = writeStaticIndex(files, join(tmp, 'index'), attrs);
});

/** This file's pip 26.2 env, made once; realPip skips the test (fails under CI) where there is no CPython 3.11/3.12. */
function needsPip(t: TestContext): RealPip | undefined {
  return (pip ??= realPip(t, join(tmp, 'pip')));
}

const fileOf = (url: string) => decodeURIComponent(url.split('#')[0]!.split('/').pop()!);
const sha256 = (name: string) => createHash('sha256').update(readFileSync(join(files, name))).digest('hex');
let n = 0;

/** The file pip 26.2 installs for each project of `args` (its --report), as project -> file name (or `key` of its URL), from `ix` (default the generated index). */
function pipPicks(p: RealPip, args: string[], { ix = index, key = fileOf }: { ix?: string; key?: (url: string) => string } = {}): Record<string, string> {
  const report = join(tmp, `report-${n++}.json`);
  const r = p.run(['-m', 'pip', 'install', '--dry-run', '-q', '--no-deps', '--report', report, '-i', ix, ...args], { cwd: tmp, env });
  assert.equal(r.status, 0, r.stderr);
  const got = JSON.parse(readFileSync(report, 'utf8')).install as { metadata: { name: string }; download_info: { url: string } }[];
  return Object.fromEntries(got.map((i) => [i.metadata.name, key(i.download_info.url)]).sort());
}

/** project -> file name (or `key` of its URL), from a venvkit --json report's `installed` list. */
const picks = (stdout: string, key = fileOf) => Object.fromEntries((JSON.parse(stdout).installed as { name: string; url: string }[]).map((i) => [i.name, key(i.url)]).sort());

function newEnv(): string {
  const dir = join(tmp, `env${n++}`);
  const r = venvkit(['create', '-q', '--without-pip', '-p', python!, dir], { env });
  assert.equal(r.status, 0, r.stderr);
  return dir;
}

test('install: the file of each pinned version is the one pip 26.2 installs (build tags, tags, Requires-Python, yanked, equal files); --ignore-requires-python too', { timeout: 600_000 }, (t) => {
  const p = needsPip(t);
  if (!p) return;
  const target = newEnv();
  for (const extra of [[], ['--ignore-requires-python']]) {
    const theirs = pipPicks(p, [...extra, ...PINS()]);
    const r = venvkit(['install', '--env', target, '--dry-run', '--json', '--no-deps', '-i', index, ...extra, ...PINS()], { env, cwd: tmp });
    assert.equal(r.status, 0, r.stderr);
    assert.deepEqual(picks(r.stdout), theirs, `install ${extra.join(' ')}`);
  }
  // What pip picks, spelled out (so a change of pip's rules shows here first).
  const theirs = pipPicks(p, PINS());
  assert.deepEqual(
    [theirs.bt, theirs.bz, theirs.bs, theirs.tg, theirs.tie, theirs.rp, theirs.yk],
    ['bt-1.0-2-py3-none-any.whl', 'bz-1.0-0-py3-none-any.whl', 'bs-1.0-1b-py3-none-any.whl', `tg-1.0-${cp}-none-any.whl`, 'tie-1.0-py3-none-any.whl', 'rp-1.0-py3-none-any.whl', 'yk-1.0-py3-none-any.whl'],
  );
  assert.equal(pipPicks(p, ['--ignore-requires-python', 'rp==1.0']).rp, `rp-1.0-${cp}-none-any.whl`);
});

test('sync of a requirements file: the file pip 26.2 installs from it, without hashes and in hash-checking mode (a pinned file whose Requires-Python excludes the interpreter is left out)', { timeout: 600_000 }, (t) => {
  const p = needsPip(t);
  if (!p) return;
  const plain = join(tmp, 'plain.txt');
  writeFileSync(plain, `${PINS().join('\n')}\n`);
  // Every file of each pin hashed: hash-checking mode, and the same choice to make.
  const hashed = join(tmp, 'hashed.txt');
  writeFileSync(hashed, Object.entries(PROJECTS(cp)).map(([name, wheels]) => `${name}==1.0 ${wheels.map(([tag]) => `--hash=sha256:${sha256(`${name}-1.0-${tag}.whl`)}`).join(' ')}`).join('\n') + '\n');
  // One file pinned (the less specific one): in hash-checking mode the pinned file wins over a better tag.
  const one = join(tmp, 'one.txt');
  writeFileSync(one, `tg==1.0 --hash=sha256:${sha256('tg-1.0-py3-none-any.whl')}\n`);
  for (const file of [plain, hashed, one]) {
    const theirs = pipPicks(p, ['-r', file]);
    // (A new env each time: sync keeps an installed version whatever its file.)
    const r = venvkit(['sync', '--env', newEnv(), '--json', '-i', index, file], { env, cwd: tmp });
    assert.equal(r.status, 0, r.stderr);
    assert.deepEqual(picks(r.stdout), theirs, file);
  }
});

test('find-links beside an index: pip 26.2\'s order decides between equal files (find-links\' own files by URL from the highest, then the indexes\' pages; the last wins), for install and sync', { timeout: 600_000 }, (t) => {
  const p = needsPip(t);
  if (!p) return;
  const fl = join(tmp, 'find-links');
  const ixFiles = join(tmp, 'fl-index-files');
  const make = (dir: string, name: string, tag: string) => buildWheel(dir, { name, version: '1.0', tag, filename: `${name}-1.0-${tag}.whl`, files: { [`${name}/__init__.py`]: `WHERE = ${JSON.stringify(dir)}\n` } });
  mkdirSync(fl, { recursive: true });
  mkdirSync(ixFiles, { recursive: true });
  // Two equal files in one directory; an equal file in each place; the same file name in both.
  make(fl, 'fdir', 'py3-none-any');
  make(fl, 'fdir', 'py2.py3-none-any');
  make(fl, 'fmix', 'py2.py3-none-any');
  make(ixFiles, 'fmix', 'py3-none-any');
  make(fl, 'fsame', 'py3-none-any');
  make(ixFiles, 'fsame', 'py3-none-any');
  const ix = writeStaticIndex(ixFiles, join(tmp, 'fl-index'));
  const pins = ['fdir==1.0', 'fmix==1.0', 'fsame==1.0'];
  const where = (url: string) => decodeURIComponent(new URL(url.split('#')[0]!).pathname);
  const theirs = pipPicks(p, ['-f', fl, ...pins], { ix, key: where });
  // What pip picks, spelled out.
  assert.equal(theirs.fdir, join(fl, 'fdir-1.0-py2.py3-none-any.whl'));
  assert.ok(!theirs.fmix!.startsWith(fl) && !theirs.fsame!.startsWith(fl), `pip takes the index's file: ${JSON.stringify(theirs)}`);
  const file = join(tmp, 'fl-pins.txt');
  writeFileSync(file, `${pins.join('\n')}\n`);
  for (const args of [['install', '--env', newEnv(), '--dry-run', '--no-deps', ...pins], ['sync', '--env', newEnv(), file]]) {
    const r = venvkit([...args, '--json', '-i', ix, '-f', fl], { env, cwd: tmp });
    assert.equal(r.status, 0, r.stderr);
    assert.deepEqual(picks(r.stdout, where), theirs, args[0]);
  }
});
