// The real local index this machine's pip is configured for: venvkit must choose what pip chooses.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { IndexClient } from '../../src/index/index-client.js';
import { applyFlags, loadPipConfig } from '../../src/index/pip-config.js';
import { probeInterpreter } from '../../src/python/probe.js';
import { resolveRequirements } from '../../src/resolver/resolve-index.js';

const tmp = mkdtempSync(join(tmpdir(), 'venvkit-real-index-'));
after(() => rmSync(tmp, { recursive: true, force: true }));
const env = { ...process.env, VENVKIT_CACHE_DIR: tmp };
const root = process.env.PYENV_ROOT ?? join(process.env.HOME ?? '', '.pyenv');
const python = join(root, 'versions', '3.11.7', 'bin', 'python');

/** pip's configuration, with the main index replaced by the first local file:// index it lists (pypi.org is not reachable here). */
function localSettings() {
  const settings = loadPipConfig({ env }).settings;
  const local = [settings.indexUrl, ...settings.extraIndexUrls].find((u) => u.startsWith('file:'));
  return local ? applyFlags(settings, { indexUrl: local }) : undefined;
}

function pipResolve(req: string, indexUrl: string, n: number): Promise<Record<string, string>> {
  const report = join(tmp, `report-${n}.json`);
  return new Promise((resolvePromise, reject) => {
    const child = spawn(python, ['-m', 'pip', 'install', '--dry-run', '--ignore-installed', '--index-url', indexUrl, '--report', report, '-q', req], {
      env: { ...process.env, PIP_NO_INPUT: '1', PIP_DISABLE_PIP_VERSION_CHECK: '1' }, stdio: ['ignore', 'ignore', 'pipe'],
    });
    let err = '';
    child.stderr.on('data', (d) => (err += d));
    child.on('close', (code) => {
      if (code !== 0) return reject(new Error(`pip failed for ${req}: ${err}`));
      const data = JSON.parse(readFileSync(report, 'utf8')) as { install: { metadata: { name: string; version: string } }[] };
      resolvePromise(Object.fromEntries(data.install.map((i) => [i.metadata.name.replace(/[-_.]+/g, '-').toLowerCase(), i.metadata.version])));
    });
  });
}

const corpus = ['jupyter', 'uvicorn[standard]', 'torch', 'requests[socks]'];

test('resolutions equal pip install --dry-run --report on the local index', async (t) => {
  const settings = localSettings();
  if (!existsSync(python) || !settings) {
    t.skip(!settings ? 'pip is not configured with a local file:// index' : `${python} missing`);
    return;
  }
  const info = await probeInterpreter(python, { env });
  const theirs = corpus.map((req, n) => pipResolve(req, settings.indexUrl, n));
  theirs.forEach((p) => p.catch(() => {}));
  const client = new IndexClient({ settings, cacheDir: false });
  try {
    for (const [n, req] of corpus.entries()) {
      const started = Date.now();
      const r = await resolveRequirements([req], { index: client, interpreter: info });
      const ms = Date.now() - started;
      const mine = Object.fromEntries(r.packages.map((p) => [p.name, p.version]));
      assert.deepEqual(mine, await theirs[n], req);
      t.diagnostic(`${req}: ${r.packages.length} packages in ${ms} ms (${r.stats.metadataFetches} metadata reads)`);
    }
    await assert.rejects(resolveRequirements(['sqlalchemy<2'], { index: client, interpreter: info }), (e: Error & { code?: string }) =>
      e.code === 'NO_SOLUTION' && /you require sqlalchemy<2 \(but only sqlalchemy [\d.]+/.test(e.message));
  } finally {
    client.close();
  }
});
