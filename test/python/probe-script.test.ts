// The probe script (src/python/probe-script.ts) on every interpreter here: it imports ensurepip
// with stand-ins for the modules ensurepip needs only when its functions run (subprocess,
// tempfile, importlib.resources), and must answer exactly as with the real ones; CPython on Linux
// and macOS answers without platform and json, and must answer as they would.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { rmSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { PROBE_SCRIPT } from '../../src/python/probe-script.js';
import { PYPY, pyenvPythons, tempDir } from './interpreters.js';

const pythons = [...pyenvPythons().filter((p) => p.version[0] === 3).map((p) => p.exe), ...(PYPY ? [PYPY] : [])];

test('the probe imports neither tempfile nor importlib.resources for ensurepip, and answers as with them imported', { skip: pythons.length ? false : 'no Python 3 here' }, () => {
  for (const exe of pythons) {
    const run = (prelude: string) => {
      const r = spawnSync(exe, ['-E', '-s', '-S', '-c', `${prelude}\n${PROBE_SCRIPT}\nimport sys as _s\n_s.stdout.write("\\n" + " ".join(sorted(_s.modules)))`], { encoding: 'utf8' });
      assert.equal(r.status, 0, `${exe}: ${r.stderr}`);
      const [json, modules] = r.stdout.split('\n');
      return { info: JSON.parse(json!) as { ensurepip: unknown[] }, modules: modules!.split(' ') };
    };
    const light = run('');
    const real = run('import subprocess, tempfile\ntry:\n    import importlib.resources\nexcept ImportError:\n    pass');
    assert.deepEqual(light.info, real.info, exe);
    assert.ok(light.info.ensurepip.length > 0, `${exe}: no ensurepip wheels found`);
    // (subprocess too from 3.11 on; before, platform imports it.)
    for (const m of ['tempfile', 'importlib.resources']) assert.ok(!light.modules.includes(m), `${exe}: the probe imported ${m}`);
  }
});

test('CPython on Linux: the probe imports neither platform nor json, and answers as they would', { skip: pythons.length ? false : 'no Python 3 here' }, () => {
  // Reached through a link whose path has non-ASCII, astral, quote, backslash and control
  // characters, so that the JSON written by hand has them all to escape.
  const tmp = tempDir('probe-lean');
  try {
    for (const exe of pythons) {
      const link = join(tmp, `py-\u00e9\u2603\u{1F600}-"q\\b\t-${pythons.indexOf(exe)}`);
      symlinkSync(exe, link);
      // After the probe, in the same process: what platform and json themselves say.
      const check = 'import platform as _p, json as _j\n_s.stdout.write("\\n" + _j.dumps([out, _p.python_version(), _p.machine(), _p.system(), _p.release(), _p.version()]))';
      const r = spawnSync(link, ['-E', '-s', '-S', '-c', `${PROBE_SCRIPT}\nimport sys as _s\n_s.stdout.write("\\n" + " ".join(sorted(_s.modules)))\n${check}`], { encoding: 'utf8', env: { ...process.env, PYTHONIOENCODING: 'utf-8' } });
      assert.equal(r.status, 0, `${exe}: ${r.stderr}`);
      const [text, modules, reference] = r.stdout.split('\n');
      const info = JSON.parse(text!) as Record<string, unknown>;
      const [out, version, machine, system, release, kernel] = JSON.parse(reference!) as [Record<string, unknown>, ...string[]];
      assert.deepEqual(info, out, `${exe}: the JSON written is not json.dumps's`);
      assert.equal(info.executable, link);
      assert.deepEqual([info.versionString, info.machine, info.platformSystem, info.platformRelease, info.platformVersion], [version, machine, system, release, kernel], exe);
      if (info.implementation === 'cpython' && process.platform === 'linux') {
        for (const m of ['platform', 'json']) assert.ok(!modules!.split(' ').includes(m), `${exe}: the probe imported ${m}`);
      }
    }
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
});
