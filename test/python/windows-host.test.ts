// The real Windows host's registry and launcher queries (windows-host.ts): run asynchronously, so a
// lookup holds no thread and an AbortSignal stops it. Windows is not here: `reg` and `py` are small
// POSIX scripts first on PATH, so the process handling (output, failure, kill on abort) is real.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { realWindowsHost } from '../../src/python/windows-host.js';
import { alive } from '../helpers/processes.js';

const skip = process.platform === 'win32' ? 'the fake reg/py are POSIX scripts' : false;

function withFakeTools(scripts: Record<string, string>): { dir: string; restore(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'vk-winhost-'));
  for (const [name, body] of Object.entries(scripts)) {
    writeFileSync(join(dir, name), `#!/bin/sh\n${body}\n`);
    chmodSync(join(dir, name), 0o755);
  }
  const old = process.env.PATH;
  process.env.PATH = `${dir}${delimiter}${old ?? ''}`;
  return {
    dir,
    restore() {
      process.env.PATH = old;
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

test('reg and py run without holding the thread: their output, undefined on failure; an abort kills them and rejects with AbortError', { skip, timeout: 60_000 }, async () => {
  const answers = withFakeTools({ reg: '[ "$1 $3" = "query /s" ] || exit 9\necho "HKEY_CURRENT_USER\\\\Software\\\\Python\\\\PythonCore"', py: 'exit 1' });
  try {
    const host = realWindowsHost(process.env);
    const reg = host.regQuery('HKCU\\Software\\Python');
    assert.ok(reg instanceof Promise, 'the query runs asynchronously');
    assert.equal((await reg)?.trim(), 'HKEY_CURRENT_USER\\Software\\Python\\PythonCore');
    assert.equal(await host.pyListPaths(), undefined);
  } finally {
    answers.restore();
  }
  const t = withFakeTools({ py: 'echo $$ > "$(dirname "$0")/pid"\nexec sleep 60', reg: 'exec sleep 60' });
  try {
    const ac = new AbortController();
    const host = realWindowsHost(process.env, ac.signal);
    const listing = host.pyListPaths();
    const query = host.regQuery('HKLM\\Software\\Python');
    // The launcher is running (its pid written) and this thread is free meanwhile: timers fire.
    const pidFile = join(t.dir, 'pid');
    // (The shell creates the file before it writes the pid: wait for the whole line, not the file.)
    const written = () => existsSync(pidFile) && readFileSync(pidFile, 'utf8').endsWith('\n');
    for (let i = 0; i < 600 && !written(); i++) await new Promise((r) => setTimeout(r, 50));
    const pid = Number(readFileSync(pidFile, 'utf8'));
    assert.ok(alive(pid), 'the launcher runs');
    ac.abort();
    const aborted = (e: unknown) => (e as Error).name === 'AbortError' && (e as { code?: string }).code === 'INTERRUPTED';
    await assert.rejects(listing, aborted);
    await assert.rejects(query, aborted);
    for (let i = 0; i < 100 && alive(pid); i++) await new Promise((r) => setTimeout(r, 50));
    assert.ok(!alive(pid), 'the launcher was killed');
    // A signal already aborted: nothing is started.
    await assert.rejects(realWindowsHost(process.env, ac.signal).regQuery('HKCU\\Software\\Python'), aborted);
  } finally {
    t.restore();
  }
});
