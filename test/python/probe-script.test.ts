// The probe script (src/python/probe-script.ts) on every interpreter here: it imports ensurepip
// with stand-ins for the modules ensurepip needs only when its functions run (subprocess,
// tempfile, importlib.resources), and must answer exactly as with the real ones.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { PROBE_SCRIPT } from '../../src/python/probe-script.js';
import { PYPY, pyenvPythons } from './interpreters.js';

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
