// Conflict-driven priorities and deterministic order, on a generated index served over HTTP:
//
//   you require web and tool;  web 1.0 -> lib;  tool 1.0 -> mid -> sdk;  sdk N -> core==N (N = 1..30);
//   core N -> lib<2 for N >= 2 (core 1 has no such bound);  lib 1.0, 1.5, 2.0, 2.1.
//
// lib is met first (breadth first) and gets 2.1; every sdk then brings a core that needs lib<2. A
// naive solver keeps lib and walks sdk down to its oldest release (sdk 1.0, after 30 rejections);
// pip 26.2 picks sdk 30.0 with lib 1.5, and so must venvkit, without reading every sdk's metadata.
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeWheel, writeStaticIndex, startIndexServer, type WheelSpec, type IndexServer } from '../helpers/index-server.js';
import { realPip } from '../helpers/real-pip.js';
import { IndexClient } from '../../src/index/index-client.js';
import type { IndexSettings } from '../../src/index/types.js';
import { probeInterpreter } from '../../src/python/probe.js';
import type { InterpreterInfo } from '../../src/python/types.js';
import { resolveRequirements } from '../../src/resolver/resolve-index.js';

const tmp = mkdtempSync(join(tmpdir(), 'venvkit-conflicts-'));
const files = join(tmp, 'files');
const root = process.env.PYENV_ROOT ?? join(process.env.HOME ?? '', '.pyenv');
const python = join(root, 'versions', '3.11.7', 'bin', 'python');

const wheels: WheelSpec[] = [
  { name: 'web', version: '1.0', requires: ['lib'] },
  { name: 'tool', version: '1.0', requires: ['mid'] },
  { name: 'mid', version: '1.0', requires: ['sdk'] },
  ...['1.0', '1.5', '2.0', '2.1'].map((version) => ({ name: 'lib', version })),
  // For the order test: whichever of a and b is decided first gets its newest version.
  { name: 'a', version: '1.0' }, { name: 'a', version: '2.0', requires: ['c>=2'] },
  { name: 'b', version: '1.0' }, { name: 'b', version: '2.0', requires: ['c<2'] },
  { name: 'c', version: '1.0' }, { name: 'c', version: '2.0' },
];
for (let n = 1; n <= 30; n++) {
  wheels.push({ name: 'sdk', version: `${n}.0`, requires: [`core==${n}.0`] });
  wheels.push({ name: 'core', version: `${n}.0`, requires: n === 1 ? [] : ['lib<2'] });
}

let info: InterpreterInfo | undefined;
let server: IndexServer | undefined;
let fileIndex = '';

before(async () => {
  for (const w of wheels) writeWheel(files, w);
  fileIndex = writeStaticIndex(files, join(tmp, 'static'));
  server = await startIndexServer(files);
  if (existsSync(python)) info = await probeInterpreter(python, { env: { ...process.env, VENVKIT_CACHE_DIR: tmp } });
});
after(async () => {
  await server?.close();
  rmSync(tmp, { recursive: true, force: true });
});

function settings(indexUrl: string): IndexSettings {
  return { indexUrl, extraIndexUrls: [], findLinks: [], noIndex: false, pre: false, constraints: [], requireHashes: false, timeout: 10, trustedHosts: [] };
}

function needPython(t: { skip(m: string): void }): boolean {
  if (info) return true;
  if (process.env.CI === 'true') assert.fail(`${python} missing`);
  t.skip(`${python} missing`);
  return false;
}

async function resolveOver(url: string, reqs: string[]) {
  const client = new IndexClient({ settings: settings(url), cacheDir: false });
  try {
    const r = await resolveRequirements(reqs, { index: client, interpreter: info! });
    return { set: Object.fromEntries(r.packages.map((p) => [p.name, p.version])), stats: r.stats };
  } finally {
    client.close();
  }
}

test('a package that keeps rejecting another\'s versions is revisited; the other is not walked down to its oldest release', async (t) => {
  if (!needPython(t)) return;
  const { set, stats } = await resolveOver(server!.url, ['web', 'tool']);
  assert.deepEqual(set, { core: '30.0', lib: '1.5', mid: '1.0', sdk: '30.0', tool: '1.0', web: '1.0' });
  // The naive order reads the metadata of all 30 sdk and 30 core releases (65 reads in all).
  assert.ok(stats.metadataFetches <= 20, `metadata reads: ${stats.metadataFetches}`);
  t.diagnostic(`decisions ${stats.decisions}, conflicts ${stats.conflicts}, metadata reads ${stats.metadataFetches}`);

  // pip 26.2 (resolvelib, which prefers the causes of its backtracking) picks the same set.
  const pip = realPip(t, join(tmp, 'pip'));
  if (!pip) return;
  const report = join(tmp, 'report.json');
  const r = pip.run(['-m', 'pip', 'install', '--dry-run', '--ignore-installed', '--isolated', '--no-cache-dir', '-q', '--index-url', fileIndex, '--report', report, 'web', 'tool']);
  assert.equal(r.status, 0, r.stderr);
  const theirs = (JSON.parse(readFileSync(report, 'utf8')) as { install: { metadata: { name: string; version: string } }[] }).install;
  assert.deepEqual(Object.fromEntries(theirs.map((i) => [i.metadata.name, i.metadata.version]).sort()), set);
});

test('the order packages are decided in does not depend on which index answer arrives first', async (t) => {
  if (!needPython(t)) return;
  // a is required first, so a is decided first: a 2.0 (c>=2), then b 1.0.
  const want = { a: '2.0', b: '1.0', c: '2.0' };
  assert.deepEqual((await resolveOver(server!.url, ['a', 'b'])).set, want);
  // a's page now arrives long after b's: still a first.
  server!.faults = { pathPrefix: '/simple/a/', delayMs: 300 };
  try {
    assert.deepEqual((await resolveOver(server!.url, ['a', 'b'])).set, want);
  } finally {
    server!.faults = {};
  }
});
