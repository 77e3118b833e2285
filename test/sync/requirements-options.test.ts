// Options of a requirements file that `venvkit sync` used to pass over in silence, compared with pip
// 26.2 installing the same file: `--no-binary` picks the pinned sdist over the pinned wheel (and
// `--only-binary` leaves a pin that has only an sdist nothing to install, the env unchanged); a line's `-C KEY=VALUE`
// reaches that line's build (an index sdist or a project directory), and sync's own `-C` the
// others; a directory built with its line's settings is kept by the next sync; a pin a constraint
// (the file's -c, sync -c, pip's configuration) excludes is refused. An in-tree backend
// records the settings its build saw in the module it writes. And sync --no-compile places no .pyc.
import { test, before, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildWheel } from '../helpers/wheels.js';
import { venvkit } from '../helpers/cli.js';
import { realPip, type RealPip } from '../helpers/real-pip.js';
import { directRefsSetup, writeInTreeProject } from '../build/helpers.js';

const { tmp, env, python, vk, sha256 } = directRefsSetup('vk-sync-opts-');
const links = join(tmp, 'links');
const record = 'import json\nopen(NAME + ".py", "w").write("CONFIG = %r\\n" % json.dumps(config_settings or {}, sort_keys=True))';
const seen = (root: string, module: string) => {
  const r = spawnSync(join(root, 'bin', 'python'), ['-c', `import ${module}; print(getattr(${module}, "CONFIG", "wheel"))`], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  return r.stdout.trim();
};
const write = (name: string, lines: string[]) => (writeFileSync(join(tmp, name), `${lines.join('\n')}\n`), join(tmp, name));
let pin = '';

before(() => {
  mkdirSync(links, { recursive: true });
  writeInTreeProject(join(tmp, 'stage', 'recsd-1.0'), 'recsd', record);
  assert.equal(spawnSync('tar', ['-C', join(tmp, 'stage'), '-czf', join(links, 'recsd-1.0.tar.gz'), 'recsd-1.0']).status, 0);
  buildWheel(links, { name: 'recsd', version: '1.0', files: { 'recsd.py': 'VALUE = 1\n' } });
  pin = `recsd==1.0 --hash=sha256:${sha256(join(links, 'recsd-1.0-py3-none-any.whl'))} --hash=sha256:${sha256(join(links, 'recsd-1.0.tar.gz'))}`;
  writeInTreeProject(join(tmp, 'recdir'), 'recdir', record);
});

function needs(t: TestContext): RealPip | undefined | false {
  if (!python) {
    if (process.env.CI === 'true') assert.fail('no CPython 3.11/3.12 under $PYENV_ROOT');
    t.skip('no CPython 3.11/3.12 under $PYENV_ROOT');
    return false;
  }
  return realPip(t, join(tmp, 'pip'));
}

test('--no-binary / --only-binary, a line\'s -C and constraints in a requirements file: sync does what pip 26.2 does with them', { timeout: 600_000 }, (t) => {
  const p = needs(t);
  if (p === false) return;
  const head = ['--no-index', `--find-links ${links}`];
  const files = {
    plain: write('plain.txt', [...head, pin]),
    noBinary: write('no-binary.txt', [...head, '--no-binary recsd', pin]),
    lineC: write('line-c.txt', [...head, '--no-binary :all:', `${pin} -C mode=line`]),
    dir: write('dir.txt', ['./recdir -C mode=dir']),
  };
  const envs: string[] = [];
  const fresh = () => {
    const dir = join(tmp, `env-${envs.length}`);
    assert.equal(vk(['create', '-q', '--without-pip', '-p', python!, dir]).status, 0);
    envs.push(dir);
    return dir;
  };
  const syncInto = (file: string, more: string[] = []) => {
    const target = fresh();
    const r = vk(['sync', '--env', target, '--json', ...more, file]);
    assert.equal(r.status, 0, `${file}: ${r.stdout}${r.stderr}`);
    return { target, report: JSON.parse(r.stdout) as { alreadySynced: boolean; installed: { name: string; kind: string }[] } };
  };
  const mine: string[] = [];
  const pycs = (root: string) => {
    const cache = join(root, 'lib', readdirSync(join(root, 'lib'))[0]!, 'site-packages', '__pycache__');
    return existsSync(cache) ? readdirSync(cache).filter((f) => f.startsWith('recsd.')).length : 0;
  };
  let s = syncInto(files.plain);
  assert.deepEqual(s.report.installed.map((i) => i.kind), ['wheel']);
  assert.equal(pycs(s.target), 1, 'bytecode by default');
  mine.push(seen(s.target, 'recsd'));
  // sync --no-compile (its --compile was the default already, and nothing turned it off).
  assert.equal(pycs(syncInto(files.plain, ['--no-compile']).target), 0, '--no-compile: no .pyc');
  s = syncInto(files.noBinary);
  assert.deepEqual(s.report.installed.map((i) => i.kind), ['sdist'], '--no-binary: the pinned sdist');
  mine.push(seen(s.target, 'recsd'));
  s = syncInto(files.lineC, ['-C', 'mode=sync']);
  mine.push(seen(s.target, 'recsd'));
  s = syncInto(files.noBinary, ['-C', 'mode=sync']);
  mine.push(seen(s.target, 'recsd'));
  s = syncInto(files.dir, ['-C', 'mode=sync']);
  mine.push(seen(s.target, 'recdir'));
  const again = vk(['sync', '--env', s.target, '--json', '-C', 'mode=sync', files.dir]);
  assert.equal(again.status, 0, again.stderr);
  assert.equal(JSON.parse(again.stdout).alreadySynced, true, 'a directory built with its line\'s -C is kept');
  assert.deepEqual(mine, ['wheel', '{}', '{"mode": "line"}', '{"mode": "sync"}', '{"mode": "dir"}']);

  // --only-binary with only the sdist pinned: nothing to install; the env is unchanged.
  const target = fresh();
  const before = readdirSync(target, { recursive: true }).length;
  const onlySdist = write('only-binary.txt', [...head, '--only-binary :all:', `recsd==1.0 --hash=sha256:${sha256(join(links, 'recsd-1.0.tar.gz'))}`]);
  const r = vk(['sync', '--env', target, onlySdist]);
  assert.equal(r.status, 1, r.stdout + r.stderr);
  // (find-links give no hashes: the wheel is the candidate, and its hash is not the pinned one, as for pip.)
  assert.match(r.stderr, /hash mismatch for .*recsd-1\.0-py3-none-any\.whl/);
  assert.match(r.stderr, /\nhint: /);
  assert.equal(readdirSync(target, { recursive: true }).length, before);

  // Constraints: the file's -c line, sync -c, pip's configuration (PIP_CONSTRAINT): a pin one excludes is refused, nothing changed.
  const cons = write('cons.txt', ['recsd<1.0']);
  const withC = write('with-c.txt', [...head, '-c cons.txt', pin]);
  const refusals = [
    vk(['sync', '--env', target, withC]),
    vk(['sync', '--env', target, '-c', cons, files.plain]),
    venvkit(['sync', '--env', target, files.plain], { env: { ...env, PIP_CONSTRAINT: cons }, cwd: tmp }),
  ];
  for (const [i, c] of refusals.entries()) {
    assert.equal(c.status, 1, `${i}: ${c.stdout}${c.stderr}`);
    assert.match(c.stderr, /recsd==1\.0 is excluded by the constraint recsd<1\.0 \(.*cons\.txt:1\)/, `${i}`);
    assert.match(c.stderr, /\nhint: /);
  }
  assert.equal(readdirSync(target, { recursive: true }).length, before);
  assert.equal(vk(['sync', '--env', target, '-c', write('cons-ok.txt', ['recsd>=1.0']), files.plain]).status, 0, 'a constraint the pins meet');

  if (!p) return;
  const pipC = p.run(['-m', 'pip', 'install', '--dry-run', '--no-cache-dir', '-r', withC], { cwd: tmp, env });
  assert.notEqual(pipC.status, 0, 'pip refuses the constrained pin too');
  // pip 26.2, the same files (without sync's own -C, which pip install does not give a file's lines).
  const theirs = [files.plain, files.noBinary, files.lineC, files.dir].map((file, i) => {
    const dir = join(tmp, `pip-env-${i}`);
    assert.equal(spawnSync(python!, ['-m', 'venv', '--without-pip', dir]).status, 0);
    const out = p.run(['-m', 'pip', '--python', join(dir, 'bin', 'python'), 'install', '-q', '--no-cache-dir', '--no-build-isolation', '-r', file], { cwd: tmp, env });
    assert.equal(out.status, 0, out.stderr);
    return seen(dir, file === files.dir ? 'recdir' : 'recsd');
  });
  assert.deepEqual(theirs, ['wheel', '{}', '{"mode": "line"}', '{"mode": "dir"}']);
  const pipOnly = p.run(['-m', 'pip', 'install', '--dry-run', '--no-cache-dir', '-r', onlySdist], { cwd: tmp, env });
  assert.notEqual(pipOnly.status, 0, 'pip refuses it too');
});
