// venvkit uninstall asks as pip 26.2 does: the same "Found existing installation / Would remove /
// Proceed (Y/n)?" text (on stderr, so stdout stays for results), the answer read from stdin even
// when it is not a terminal; n keeps the distribution, an unexpected answer is asked again, a closed
// stdin or PIP_NO_INPUT is an error that removes nothing; -y asks nothing; -r FILE names them.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { venvkit } from '../helpers/cli.js';
import { pipRunEnv, realPip } from '../helpers/real-pip.js';

const tmp = realpathSync(mkdtempSync(join(tmpdir(), 'vk-uninstall-')));
after(() => rmSync(tmp, { recursive: true, force: true }));
const PKGS = ['attrs', 'idna', 'six'];

test('uninstall without -y lists and asks as pip 26.2 does; n, y, -r FILE, -y, closed stdin', { timeout: 600_000 }, async (t) => {
  const pip = realPip(t, join(tmp, 'pip-env'), PKGS);
  if (!pip) return;
  const env = { ...pipRunEnv({ VENVKIT_CACHE_DIR: join(tmp, 'cache') }) };
  delete env.PIP_NO_INPUT;
  const vkEnv = join(tmp, 'vk-env');
  let r = venvkit(['create', vkEnv, '-p', pip.python, '--without-pip', '-q'], { env });
  assert.equal(r.status, 0, r.stderr);
  r = venvkit(['install', '--env', vkEnv, '--index-url', pip.index, '-q', ...PKGS], { env });
  assert.equal(r.status, 0, r.stderr);
  const site = (root: string) => join(root, 'lib', readdirSync(join(root, 'lib')).find((d) => d.startsWith('python'))!, 'site-packages');

  for (const name of PKGS) {
    const theirs = pip.run(['-c', `import subprocess,sys; sys.exit(subprocess.run([sys.executable,'-m','pip','uninstall',${JSON.stringify(name)}],input='n\\n',text=True,stdout=sys.stdout).returncode)`], { env });
    assert.equal(theirs.status, 0, theirs.stderr);
    const ours = venvkit(['uninstall', '--env', vkEnv, name], { env, input: 'n\n' });
    assert.equal(ours.status, 0, ours.stderr);
    assert.equal(ours.stdout, '', 'the question goes to stderr');
    assert.equal(ours.stderr, theirs.stdout.split(pip.dir).join(vkEnv), `the listing for ${name}`);
    assert.match(ours.stderr, /Would remove:\n/);
  }
  assert.ok(existsSync(join(site(vkEnv), 'six.py')), 'n kept six');

  // An unexpected answer is asked again; y removes.
  r = venvkit(['uninstall', '--env', vkEnv, 'six'], { env, input: 'maybe\ny\n' });
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stderr, /Your response \('maybe'\) was not one of the expected responses: y, n, \nProceed \(Y\/n\)\? Uninstalled six 1\./);
  assert.ok(!existsSync(join(site(vkEnv), 'six.py')));

  // A closed stdin: an error, nothing removed.
  r = venvkit(['uninstall', '--env', vkEnv, 'idna', '--json'], { env, input: '' });
  assert.equal(r.status, 1);
  assert.equal(JSON.parse(r.stdout).error.code, 'NO_INPUT');
  assert.ok(existsSync(join(site(vkEnv), 'idna')));
  r = venvkit(['uninstall', '--env', vkEnv, 'idna'], { env: { ...env, PIP_NO_INPUT: '1' }, input: 'y\n' });
  assert.equal(r.status, 1);
  assert.match(r.stderr, /No input was expected/);
  assert.ok(existsSync(join(site(vkEnv), 'idna')));

  // -r FILE, with a version and a marker (names are what count), answered with Enter (yes).
  const req = join(tmp, 'req.txt');
  writeFileSync(req, '# what to remove\nidna>=2 ; python_version >= "3"\n');
  r = venvkit(['uninstall', '--env', vkEnv, '-r', req], { env, input: '\n' });
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stderr, /Found existing installation: idna /);
  assert.ok(!existsSync(join(site(vkEnv), 'idna')));

  // -y: no question, stdin never read.
  r = venvkit(['uninstall', '--env', vkEnv, '-y', 'attrs'], { env, input: '' });
  assert.equal(r.status, 0, r.stderr);
  assert.doesNotMatch(r.stderr, /Proceed/);
  assert.ok(!existsSync(join(site(vkEnv), 'attrs')));
});
