// `venvkit install --report`: pip's installation report, compared field by field with the one real
// pip 26.2 writes for the same input (an index package with extras and dependencies, find-links
// wheels, a wheel path, rich METADATA with a body), with --dry-run and on a real install, and the
// empty report when everything is already installed; and the wheel chosen for another interpreter
// (--python-version, --platform, --implementation, --abi) is pip's.
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
  for (const tag of ['cp310-cp310-manylinux2014_aarch64', 'cp311-cp311-manylinux_2_17_x86_64.manylinux2014_x86_64', 'cp311-abi3-macosx_10_9_universal2', 'cp39-abi3-win_amd64', 'py3-none-any']) {
    buildWheel(w, { name: 'lyt-native', version: '1.0', tag, files: { 'lyt_native.py': `T = "${tag}"\n` } });
  }
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

    // For another interpreter (--python-version, --platform, --implementation, --abi): the same wheel as pip.
    const forOther = [
      ['--python-version', '3.10', '--platform', 'manylinux2014_aarch64'],
      ['--platform', 'macosx_11_0_arm64'],
      ['--python-version', '3.12', '--platform', 'win_amd64'],
      ['--python-version', '3.12', '--platform', 'linux_x86_64', '--abi', 'cp312'],
      ['--implementation', 'pp', '--python-version', '3.10', '--platform', 'manylinux2014_aarch64'],
    ];
    for (const args of forOther) {
      const all = ['--quiet', '--dry-run', '--report', '-', '--only-binary', ':all:', ...common, ...args, 'lyt-native'];
      const po = pip.run(['-m', 'pip', 'install', ...all], { env: pipRunEnv() });
      assert.equal(po.status, 0, po.stderr);
      const vo = venvkit(['install', '--env', pip.dir, ...all], { env, cwd: dir });
      assert.equal(vo.status, 0, vo.stderr);
      const file = (out: string) => (JSON.parse(out) as Report).install.map((e) => (e.download_info as { url: string }).url.split('/').pop());
      assert.deepEqual(file(vo.stdout), file(po.stdout), args.join(' '));
      assertSameReport(JSON.parse(vo.stdout) as Report, JSON.parse(po.stdout) as Report);
    }
    // As pip: only with --only-binary :all: (or --no-deps), and only into --target or with --dry-run.
    assert.match(venvkit(['install', '--env', pip.dir, '--dry-run', ...common, '--platform', 'win_amd64', 'lyt-native'], { env, cwd: dir }).stderr, /either --no-deps must be set, or --only-binary :all:/);
    assert.match(venvkit(['install', '--env', pip.dir, '--only-binary', ':all:', ...common, '--platform', 'win_amd64', 'lyt-native'], { env, cwd: dir }).stderr, /only into a --target directory, or with --dry-run/);
    // The Lambda bundle: a --target install of the aarch64 wheel for Python 3.10.
    const lambda = join(dir, 'lambda');
    const vl = venvkit(['install', '--quiet', '--python', pip.python, '--target', lambda, '--python-version', '3.10', '--platform', 'manylinux2014_aarch64', '--only-binary', ':all:', ...common, 'lyt-native'], { env, cwd: dir });
    assert.equal(vl.status, 0, vl.stderr);
    assert.equal(readFileSync(join(lambda, 'lyt_native.py'), 'utf8'), 'T = "cp310-cp310-manylinux2014_aarch64"\n');
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
