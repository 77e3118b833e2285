// `venvkit install --report`: pip's installation report, compared field by field with the one real
// pip 26.2 writes for the same input (an index package with extras and dependencies, find-links
// wheels, a wheel path, rich METADATA with a body), with --dry-run and on a real install, and the
// empty report when everything is already installed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildWheel } from '../helpers/wheels.js';
import { venvkit } from '../helpers/cli.js';
import { removeDir, tempDir, testEnv } from '../helpers/venv.js';
import { pipRunEnv, realPip } from '../helpers/real-pip.js';

type Entry = { metadata: { name: string } & Record<string, unknown> } & Record<string, unknown>;
type Report = { version: string; pip_version: string; install: Entry[]; environment: Record<string, string> };

const RICH = `Metadata-Version: 2.1
Name: lyt-rich
Version: 1.0
Summary: A rich one
Keywords: alpha,beta, gamma
Classifier: Topic :: A
Classifier: Topic :: B
Requires-Dist: lyt-b
Requires-Dist: lyt-c; extra == "x"
Provides-Extra: x
Project-URL: Home, https://example.invalid/home
Description-Content-Type: text/markdown

# lyt-rich

A body: the description.
`;

function wheels(dir: string): string {
  const w = join(dir, 'wheels');
  mkdirSync(w);
  buildWheel(w, { name: 'lyt-rich', version: '1.0', metadata: RICH, files: { 'lyt_rich.py': 'V = 1\n' } });
  buildWheel(w, { name: 'lyt-b', version: '1.0', files: { 'lyt_b.py': 'V = 1\n' } });
  buildWheel(w, { name: 'lyt-c', version: '1.0', metadata: 'Metadata-Version: 2.1\nName: lyt-c\nVersion: 1.0\nKeywords: one two\n', files: { 'lyt_c.py': '' } });
  const direct = join(dir, 'direct');
  mkdirSync(direct);
  buildWheel(direct, { name: 'lyt-direct', version: '2.0', files: { 'lyt_direct.py': '' } });
  return w;
}

/** Every field of both reports, entry by entry (by name; pip's order is its resolver's), except pip_version. */
function assertSameReport(ours: Report, pips: Report): void {
  assert.equal(ours.version, '1');
  assert.equal(ours.version, pips.version);
  assert.match(ours.pip_version, /^\d+\.\d+\.\d+/, 'pip_version: venvkit\'s own version');
  assert.deepEqual(ours.environment, pips.environment, 'environment');
  const byName = (r: Report) => new Map(r.install.map((e) => [e.metadata.name, e]));
  const a = byName(ours);
  const b = byName(pips);
  assert.deepEqual([...a.keys()].sort(), [...b.keys()].sort(), 'the same distributions');
  for (const [name, theirs] of b) {
    const mine = a.get(name)!;
    assert.deepEqual(Object.keys(mine).sort(), Object.keys(theirs).sort(), `${name}: the same fields`);
    for (const field of Object.keys(theirs)) assert.deepEqual(mine[field], theirs[field], `${name}: ${field}`);
  }
}

test('--report matches pip 26.2\'s report field by field (--dry-run to stdout, a real install to a file, nothing to do)', (t) => {
  const dir = tempDir('report');
  try {
    const pip = realPip(t, join(dir, 'pipenv'), ['six']);
    if (!pip) return;
    const w = wheels(dir);
    const env = testEnv(join(dir, 'cache'));
    delete env.VIRTUAL_ENV;
    const direct = join(dir, 'direct', 'lyt_direct-2.0-py3-none-any.whl');
    const reqs = ['lyt-rich[x]', direct, 'requests[socks]'];
    const common = ['--index-url', pip.index, '--find-links', w];
    const p = pip.run(['-m', 'pip', 'install', '--quiet', '--dry-run', '--ignore-installed', '--report', '-', ...common, ...reqs], { env: pipRunEnv() });
    assert.equal(p.status, 0, p.stderr);
    const r = venvkit(['install', '--env', pip.dir, '--quiet', '--dry-run', '--ignore-installed', '--report', '-', ...common, ...reqs], { env, cwd: dir });
    assert.equal(r.status, 0, r.stderr);
    assertSameReport(JSON.parse(r.stdout) as Report, JSON.parse(p.stdout) as Report);

    // A real install (into a target directory) writes the same report to FILE before installing.
    const pr = pip.run(['-m', 'pip', 'install', '--quiet', '--target', join(dir, 'pip-target'), '--report', join(dir, 'pip.json'), ...common, 'lyt-rich'], { env: pipRunEnv() });
    assert.equal(pr.status, 0, pr.stderr);
    const vr = venvkit(['install', '--quiet', '--python', pip.python, '--target', join(dir, 'vk-target'), '--report', join(dir, 'vk.json'), ...common, 'lyt-rich'], { env, cwd: dir });
    assert.equal(vr.status, 0, vr.stderr);
    assert.ok(existsSync(join(dir, 'vk-target', 'lyt_rich.py')), 'installed as well as reported');
    assertSameReport(JSON.parse(readFileSync(join(dir, 'vk.json'), 'utf8')) as Report, JSON.parse(readFileSync(join(dir, 'pip.json'), 'utf8')) as Report);

    // Everything already installed: an empty install list (six is in pip's env).
    const ps = pip.run(['-m', 'pip', 'install', '--quiet', '--dry-run', '--report', '-', ...common, 'six'], { env: pipRunEnv() });
    const vs = venvkit(['install', '--env', pip.dir, '--quiet', '--dry-run', '--report', '-', ...common, 'six'], { env, cwd: dir });
    assert.equal(vs.status, 0, vs.stderr);
    assertSameReport(JSON.parse(vs.stdout) as Report, JSON.parse(ps.stdout) as Report);
    assert.equal((JSON.parse(vs.stdout) as Report).install.length, 0);
  } finally {
    removeDir(dir);
  }
});

test('--report to a path that cannot be written: REPORT error naming it, nothing installed', () => {
  const dir = tempDir('report-bad');
  try {
    const w = wheels(dir);
    const env = testEnv(join(dir, 'cache'));
    delete env.VIRTUAL_ENV;
    const bad = join(dir, 'no', 'such', 'dir', 'r.json');
    const r = venvkit(['install', '--target', join(dir, 't'), '--no-index', '--find-links', w, '--report', bad, 'lyt-b'], { env, cwd: dir });
    assert.notEqual(r.status, 0);
    assert.match(r.stderr, new RegExp(`cannot write the report to ${bad.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`));
    assert.match(r.stderr, /hint:/);
    assert.ok(!existsSync(join(dir, 't', 'lyt_b.py')), 'nothing installed');
  } finally {
    removeDir(dir);
  }
});
