// The real local index this machine's pip is configured for (found through pip's config, never by
// path): venvkit installs exactly what `pip install --dry-run --report` resolves for the same env,
// the result passes `pip check`, imports and console scripts run, and pip uninstalls it cleanly.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadPipConfig } from '../../src/index/pip-config.js';
import { BIN } from '../helpers/cli.js';
import { seedCache } from '../helpers/seed-cache.js';
import { pipManyIn } from '../helpers/real-pip.js';
import { python3x } from './helpers.js';

const tmp = mkdtempSync(join(tmpdir(), 'vk-pip-real-'));
after(() => rmSync(tmp, { recursive: true, force: true }));
const env: NodeJS.ProcessEnv = { ...process.env, VENVKIT_CACHE_DIR: join(tmp, 'cache'), PIP_DISABLE_PIP_VERSION_CHECK: '1', PIP_NO_INPUT: '1' };
delete env.VIRTUAL_ENV;
const python = python3x();
seedCache(join(tmp, 'cache'), [python]); // pip's bytecode compiled once per run (test/helpers/seed-cache.ts)

/** The first file:// index pip is configured with (pypi.org itself is not reachable here). */
function localIndex(): string | undefined {
  const s = loadPipConfig({ env }).settings;
  return [s.indexUrl, ...s.extraIndexUrls].find((u) => u.startsWith('file:'));
}

const norm = (n: string) => n.replace(/[-_.]+/g, '-').toLowerCase();

function run(cmd: string, args: string[]): Promise<{ code: number | null; out: string; err: string }> {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    child.on('close', (code) => resolve({ code, out, err }));
  });
}

const CORPUS: { req: string; imports: string[]; script?: string[] }[] = [
  { req: 'requests', imports: ['requests'] },
  { req: 'requests[socks]', imports: ['requests', 'socks'] },
  { req: 'flask', imports: ['flask'], script: ['flask', '--version'] },
  { req: 'rich', imports: ['rich.console'] },
  { req: 'pytest', imports: ['pytest'], script: ['pytest', '--version'] },
  { req: 'httpx', imports: ['httpx'] },
];

const site = (envDir: string) => join(envDir, 'lib', 'python3.11', 'site-packages');

test('real requirement sets: same set as pip, pip check passes, imports and scripts run, pip uninstalls it', { timeout: 1_800_000 }, async (t) => {
  const index = localIndex();
  if (!python || !python.includes('3.11')) return t.skip('no CPython 3.11 under $PYENV_ROOT');
  if (!index) {
    if (process.env.CI === 'true') assert.fail('pip is not configured with a local file:// index on this machine');
    return t.skip('pip is not configured with a local file:// index');
  }
  const envs = CORPUS.map((_, i) => join(tmp, `env${i}`));
  for (const e of envs) {
    const r: SpawnSyncReturns<string> = spawnSync(BIN, ['create', '-q', '-p', python, e], { env, encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
  }
  // pip's answers first, for the untouched envs: all from one pip process (pip's main() per set) in
  // the first env. The envs are alike until venvkit installs (one create each, of the same
  // interpreter, same seeded pip and setuptools), so its answer is the answer for each of them.
  const pipAnswers = (await pipManyIn(join(envs[0]!, 'bin', 'python'), CORPUS.map((c) => ['install', '--dry-run', '--report', '-', '--quiet', '--index-url', index, c.req]), { env })).map((r, i) => {
    assert.equal(r.status, 0, `pip --dry-run ${CORPUS[i]!.req}: ${r.stderr}`);
    const report = JSON.parse(r.stdout) as { install: { metadata: { name: string; version: string } }[] };
    return Object.fromEntries(report.install.map((x) => [norm(x.metadata.name), x.metadata.version]));
  });
  for (const [i, c] of CORPUS.entries()) {
    const e = envs[i]!;
    const before = readdirSync(site(e)).sort();
    const r = await run(BIN, ['install', '--env', e, '-i', index, '--json', c.req]);
    assert.equal(r.code, 0, `${c.req}: ${r.err}`);
    const report = JSON.parse(r.out) as { installed: { name: string; version: string }[] };
    const mine = Object.fromEntries(report.installed.map((p) => [norm(p.name), p.version]));
    assert.deepEqual(mine, pipAnswers[i], `${c.req}: venvkit vs pip`);
    const py = join(e, 'bin', 'python');
    const imp = await run(py, ['-c', c.imports.map((m) => `import ${m}`).join('; ')]);
    assert.equal(imp.code, 0, `${c.req}: import: ${imp.err}`);
    if (c.script) {
      const s = await run(join(e, 'bin', c.script[0]!), c.script.slice(1));
      assert.equal(s.code, 0, `${c.req}: ${c.script.join(' ')}: ${s.err}`);
    }
    // pip check, then pip uninstall, in one pip process (this pip reads the env afresh per command).
    const [check, un] = await pipManyIn(py, [['check'], ['uninstall', '-y', '-y', ...Object.keys(mine)]], { env });
    assert.equal(check!.status, 0, `${c.req}: pip check: ${check!.stdout}${check!.stderr}`);
    assert.equal(un!.status, 0, `${c.req}: pip uninstall: ${un!.stderr}`);
    assert.deepEqual(readdirSync(site(e)).sort(), before, `${c.req}: pip uninstall leaves site-packages as before`);
  }
});
