import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { compatibleTags, bestTagRank, expandTags } from '../../src/pep/tags.js';
import { probeInterpreter } from '../../src/python/probe.js';
import type { InterpreterInfo } from '../../src/python/types.js';

const cacheDir = mkdtempSync(join(tmpdir(), 'venvkit-tags-'));
after(() => rmSync(cacheDir, { recursive: true, force: true }));

const fake = (over: Partial<InterpreterInfo>): InterpreterInfo => ({
  implementation: 'cpython', version: [3, 11, 4], versionString: '3.11.4', platform: 'linux', machine: 'x86_64', pointerBits: 64,
  libc: ['glibc', '2.17'], abiflags: '', configVars: {}, ...over,
} as InterpreterInfo);

test('tag list shape for plain facts', () => {
  const tags = compatibleTags(fake({}));
  assert.equal(tags[0], 'cp311-cp311-manylinux_2_17_x86_64');
  assert.equal(tags[1], 'cp311-cp311-manylinux2014_x86_64');
  assert.ok(tags.indexOf('cp311-cp311-manylinux1_x86_64') < tags.indexOf('cp311-cp311-linux_x86_64'));
  assert.ok(tags.indexOf('cp311-abi3-linux_x86_64') < tags.indexOf('cp311-none-manylinux_2_17_x86_64'));
  assert.ok(tags.includes('cp32-abi3-manylinux1_x86_64') && !tags.includes('cp31-abi3-manylinux1_x86_64'));
  assert.deepEqual(tags.slice(-4), ['py33-none-any', 'py32-none-any', 'py31-none-any', 'py30-none-any']);
  assert.ok(!tags.includes('cp311-cp311-manylinux_2_18_x86_64'), 'nothing newer than the real glibc');
  const arm = compatibleTags(fake({ machine: 'aarch64' }));
  assert.ok(arm.includes('cp311-cp311-manylinux2014_aarch64') && !arm.some((t) => t.includes('manylinux2010')));
  const musl = compatibleTags(fake({ libc: ['musl', '1.2'] }));
  assert.deepEqual(musl.slice(0, 4), ['cp311-cp311-musllinux_1_2_x86_64', 'cp311-cp311-musllinux_1_1_x86_64', 'cp311-cp311-musllinux_1_0_x86_64', 'cp311-cp311-linux_x86_64']);
  const ft = compatibleTags(fake({ version: [3, 13, 0], configVars: { Py_GIL_DISABLED: 1 } }));
  assert.equal(ft[0], 'cp313-cp313t-manylinux_2_17_x86_64');
  assert.ok(!ft.some((t) => t.includes('abi3')));
  assert.equal(compatibleTags(fake({ version: [3, 7, 9], abiflags: 'm' }))[0], 'cp37-cp37m-manylinux_2_17_x86_64');
  const win = compatibleTags(fake({ platform: 'win32', machine: 'AMD64', libc: ['', ''] }));
  assert.deepEqual(win.slice(0, 3), ['cp311-cp311-win_amd64', 'cp311-abi3-win_amd64', 'cp311-none-win_amd64']);
});

test('bestTagRank picks the most specific tag and rejects incompatible wheels', () => {
  const tags = compatibleTags(fake({}));
  assert.deepEqual(expandTags('py2.py3-none-any'), ['py2-none-any', 'py3-none-any']);
  const pure = bestTagRank(['py2.py3-none-any'], tags)!;
  const abi3 = bestTagRank(['cp38-abi3-manylinux_2_17_x86_64.manylinux2014_x86_64'], tags)!;
  const exact = bestTagRank(['cp311-cp311-manylinux_2_5_x86_64', 'cp311-cp311-manylinux1_x86_64'], tags)!;
  assert.ok(exact < abi3 && abi3 < pure, `${exact} < ${abi3} < ${pure}`);
  assert.equal(bestTagRank(['cp312-cp312-manylinux_2_17_x86_64'], tags), null);
  assert.equal(bestTagRank(['cp311-cp311-manylinux_2_28_x86_64'], tags), null);
  assert.equal(bestTagRank(['cp311-cp311-win_amd64'], tags), null);
});

// pip's own list (what it uses to choose wheels) inside each real interpreter: same tags, same order.
const root = process.env.PYENV_ROOT ?? join(process.env.HOME ?? '', '.pyenv');
const versionsDir = join(root, 'versions');
const pythons = [
  ...(existsSync(versionsDir) ? readdirSync(versionsDir).filter((v) => /^3\.(\d+)/.test(v) && Number(v.split('.')[1]) >= 7).map((v) => join(versionsDir, v, 'bin', 'python')) : []),
  '/usr/bin/pypy3',
];
for (const py of pythons) {
  test(`compatibleTags matches pip's supported tags in ${py}`, async (t) => {
    if (!existsSync(py)) {
      if (process.env.CI === 'true') assert.fail(`${py} missing`);
      t.skip(`${py} not installed`);
      return;
    }
    const info = await probeInterpreter(py, { env: { ...process.env, VENVKIT_CACHE_DIR: cacheDir } });
    const r = spawnSync(py, ['-c', 'import json\nfrom pip._internal.utils.compatibility_tags import get_supported\nprint(json.dumps([str(t) for t in get_supported()]))'], { encoding: 'utf8' });
    if (r.status !== 0 && /No module named/.test(r.stderr)) {
      t.skip(`pip in ${py} has no compatibility_tags`);
      return;
    }
    assert.equal(r.status, 0, r.stderr);
    assert.deepEqual(compatibleTags(info), JSON.parse(r.stdout));
  });
}
