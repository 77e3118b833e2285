// Packse-style scenarios on a real index built from tiny wheels: the index client, the index
// provider (best wheel per version, yanked, Requires-Python, sdists) and the solver together,
// over file:// and over HTTP on 127.0.0.1.
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeWheel, writeStaticIndex, startIndexServer, type WheelSpec, type FileAttrs, type IndexServer } from '../helpers/index-server.js';
import { IndexClient } from '../../src/index/index-client.js';
import type { IndexSettings } from '../../src/index/types.js';
import { probeInterpreter } from '../../src/python/probe.js';
import type { InterpreterInfo } from '../../src/python/types.js';
import { resolveRequirements } from '../../src/resolver/resolve-index.js';

const tmp = mkdtempSync(join(tmpdir(), 'venvkit-scenarios-'));
const files = join(tmp, 'files');
const root = process.env.PYENV_ROOT ?? join(process.env.HOME ?? '', '.pyenv');
const python = join(root, 'versions', '3.11.7', 'bin', 'python');

const wheels: WheelSpec[] = [
  { name: 'app', version: '1.0', requires: ['lib<2'] },
  { name: 'app', version: '2.0', requires: ['lib>=2', 'helper'] },
  { name: 'helper', version: '1.0', requires: ['lib<2'] },
  { name: 'lib', version: '1.0' },
  { name: 'lib', version: '2.0' },
  { name: 'native', version: '1.0' },
  { name: 'native', version: '1.0', tag: 'cp311-cp311-manylinux_2_17_x86_64.manylinux2014_x86_64' },
  { name: 'native', version: '2.0', tag: 'cp312-cp312-manylinux_2_17_x86_64' },
  { name: 'yank', version: '1.0' },
  { name: 'yank', version: '2.0' },
  { name: 'newpy', version: '1.0' },
  { name: 'newpy', version: '2.0', requiresPython: '>=3.99' },
  { name: 'ext', version: '1.0', extras: ['fast'], requires: ['speedup>=1; extra == "fast"', 'never; extra == "other"'] },
  { name: 'speedup', version: '1.5', requires: ['ext'] },
  { name: 'Name_With.Dots', version: '3.0' },
  { name: 'beta', version: '1.0' },
  { name: 'beta', version: '2.0b1' },
  { name: 'onlybeta', version: '0.1a1' },
  { name: 'epoch', version: '2024.1' },
  { name: 'epoch', version: '1!0.5' },
  { name: 'local', version: '1.0' },
  { name: 'local', version: '1.0+cpu' },
  { name: 'conflict-a', version: '1.0', requires: ['shared>=2'] },
  { name: 'conflict-b', version: '1.0', requires: ['shared<2'] },
  { name: 'shared', version: '1.0' },
  { name: 'shared', version: '2.0' },
  { name: 'marked', version: '1.0', requires: ['winonly; sys_platform == "win32"', 'lib; python_version >= "3.8"'] },
];
const attrs: Record<string, FileAttrs> = {
  'yank-2.0-py3-none-any.whl': { yanked: 'broken release' },
  'newpy-2.0-py3-none-any.whl': { requiresPython: '>=3.99' },
};

type Want = Record<string, string> | RegExp;
const scenarios: [string[], Want][] = [
  [['app'], { app: '1.0', lib: '1.0' }], // app 2.0 needs lib>=2 but its helper needs lib<2: backtrack
  [['app', 'lib>=2'], /Because app==1\.0 depends on lib<2 and app==2\.0 depends on helper, app depends on lib==1\.0 or helper\.\n.*And because helper depends on lib<2, app depends on lib==1\.0\./],
  [['native'], { native: '1.0' }],
  [['native>=2'], /native==2\.0 has no wheel for CPython 3\.11 on linux x86_64/],
  [['yank'], { yank: '1.0' }],
  [['yank==2.0'], { yank: '2.0' }],
  [['yank>1'], /yank==2\.0 is yanked/],
  [['newpy'], { newpy: '1.0' }],
  [['newpy>=2'], /newpy==2\.0 requires Python >=3\.99/],
  [['ext[fast]'], { ext: '1.0', speedup: '1.5' }],
  [['speedup'], { ext: '1.0', speedup: '1.5' }],
  [['name-with-dots', 'NAME.with_dots>=3'], { 'name-with-dots': '3.0' }],
  [['beta'], { beta: '1.0' }],
  [['beta>=2.0a1'], { beta: '2.0b1' }],
  [['onlybeta'], { onlybeta: '0.1a1' }],
  [['epoch'], { epoch: '1!0.5' }],
  [['local==1.0'], { local: '1.0+cpu' }],
  [['conflict-a', 'conflict-b'], /Because conflict-a depends on shared>=2 and conflict-b depends on shared<2, conflict-a and conflict-b are incompatible/],
  [['marked'], { marked: '1.0', lib: '2.0' }],
  [['sdistonly'], /sdistonly has only a source distribution/],
  [['missing-project'], /^no project named missing-project on the configured indexes$/],
];
/** What the hint of a failure says (the real cause, not "relax the version constraints"). */
const hints: Record<string, RegExp> = {
  'newpy>=2': /newpy 2\.0, requires Python >=3\.99, and the target is Python 3\.11\.7.*the newest is 1\.0/,
  'yank>1': /The only versions of yank that fit are yanked \(2\.0; reason: broken release\).*\(yank==2\.0\)/,
  'missing-project': /Check the spelling of 'missing-project'; looked in (file|http):\/\/\S+\/simple\./,
};

let info: InterpreterInfo | undefined;
let server: IndexServer | undefined;
let fileIndex = '';

before(async () => {
  for (const w of wheels) writeWheel(files, w);
  writeFileSync(join(files, 'sdistonly-1.0.tar.gz'), 'not really a tarball');
  fileIndex = writeStaticIndex(files, join(tmp, 'static'), attrs);
  server = await startIndexServer(files, attrs);
  if (existsSync(python)) info = await probeInterpreter(python, { env: { ...process.env, VENVKIT_CACHE_DIR: tmp } });
});
after(async () => {
  await server?.close();
  rmSync(tmp, { recursive: true, force: true });
});

function settings(indexUrl: string): IndexSettings {
  return { indexUrl, extraIndexUrls: [], findLinks: [], noIndex: false, pre: false, constraints: [], requireHashes: false, timeout: 10, trustedHosts: [] };
}

for (const transport of ['file', 'http'] as const) {
  test(`scenarios over ${transport === 'file' ? 'file://' : 'HTTP'}`, async (t) => {
    if (!info) {
      if (process.env.CI === 'true') assert.fail(`${python} missing`);
      t.skip(`${python} missing`);
      return;
    }
    const client = new IndexClient({ settings: settings(transport === 'file' ? fileIndex : server!.url), cacheDir: false });
    try {
      for (const [reqs, want] of scenarios) {
        const label = reqs.join(' ');
        const run = resolveRequirements(reqs, { index: client, interpreter: info });
        if (want instanceof RegExp) {
          await assert.rejects(run, (e: Error & { code?: string; hint?: string }) => {
            assert.equal(e.code, label === 'missing-project' ? 'NOT_FOUND' : 'NO_SOLUTION', `${label}: ${e.message}`);
            assert.match(e.message, want, label);
            if (hints[label]) assert.match(e.hint ?? '', hints[label]!, label);
            return true;
          });
        } else {
          const r = await run;
          assert.deepEqual(Object.fromEntries(r.packages.map((p) => [p.name, p.version])), want, label);
          if (label === 'native') assert.match(r.packages[0]!.candidate.file!.filename, /cp311-cp311-manylinux/, 'the most specific wheel is chosen');
          if (label === 'ext[fast]') assert.deepEqual(r.packages.find((p) => p.name === 'ext')!.extras, ['fast']);
        }
      }
    } finally {
      client.close();
    }
  });
}
