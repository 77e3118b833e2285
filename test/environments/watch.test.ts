// watchEnvironments: events for an env appearing, its packages changing, and it disappearing; and
// close() leaves nothing that keeps the process alive.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type EnvironmentEvent, watchEnvironments } from '../../src/environments/watch.js';
import { fakeVenv, file } from './fixtures.js';

const tmp = mkdtempSync(join(tmpdir(), 'venvkit-watch-'));
process.on('exit', () => rmSync(tmp, { recursive: true, force: true }));

function nextEvent(events: EnvironmentEvent[], count: number, ms = 5000): Promise<void> {
  return new Promise((resolve, reject) => {
    const t0 = Date.now();
    const tick = () => {
      if (events.length >= count) resolve();
      else if (Date.now() - t0 > ms) reject(new Error(`timed out waiting for event ${count}; got ${JSON.stringify(events)}`));
      else setTimeout(tick, 20);
    };
    tick();
  });
}

test('added, packages-changed, removed', async () => {
  const ws = join(tmp, 'ws');
  mkdirSync(join(ws, 'src', 'pkg'), { recursive: true });
  const events: EnvironmentEvent[] = [];
  const w = watchEnvironments({ cwd: ws, env: { HOME: join(tmp, 'home') }, sources: ['workspace'], debounceMs: 50 }, (e) => events.push(e));
  try {
    assert.deepEqual(w.environments, []);
    const root = fakeVenv(join(ws, 'src', 'pkg', '.venv'), '3.12.1');
    await nextEvent(events, 1);
    assert.deepEqual([events[0]!.type, events[0]!.environment.prefix], ['added', root]);
    file(join(root, 'lib', 'python3.12', 'site-packages', 'requests-2.32.3.dist-info', 'METADATA'));
    await nextEvent(events, 2);
    assert.deepEqual(events[1], { type: 'packages-changed', environment: events[0]!.environment, added: ['requests-2.32.3.dist-info'], removed: [] });
    rmSync(join(root, 'lib', 'python3.12', 'site-packages', 'requests-2.32.3.dist-info'), { recursive: true });
    await nextEvent(events, 3);
    assert.deepEqual([events[2]!.type, (events[2] as { removed: string[] }).removed], ['packages-changed', ['requests-2.32.3.dist-info']]);
    rmSync(root, { recursive: true });
    await nextEvent(events, 4);
    assert.deepEqual([events[3]!.type, events[3]!.environment.prefix], ['removed', root]);
    assert.equal(events.length, 4);
  } finally {
    w.close();
  }
});

test('close() (or aborting the signal) leaves no handle: the process exits', () => {
  const mod = fileURLToPath(new URL('../../src/environments/watch.ts', import.meta.url));
  const ws = join(tmp, 'ws2');
  fakeVenv(join(ws, '.venv'));
  for (const how of ['w.close()', 'ac.abort()']) {
    const script = `import { watchEnvironments } from ${JSON.stringify(mod)};
      const ac = new AbortController();
      const w = watchEnvironments({ cwd: ${JSON.stringify(ws)}, sources: ['workspace'], signal: ac.signal }, () => {});
      if (w.environments.length !== 1) throw new Error('env not found');
      setTimeout(() => { ${how}; console.log('closed'); }, 100);`;
    const r = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { encoding: 'utf8', timeout: 10_000 });
    assert.equal(r.signal, null, `${how}: the process did not exit after close (${r.stderr})`);
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stdout.trim(), 'closed');
  }
});
