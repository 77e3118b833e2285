// pip 26.2's general options (--log, --python, --debug, --use-feature, --use-deprecated and the
// network ones) on freeze, show, check, list, uninstall and cache; list's selection options with
// --outdated/--uptodate (--pre, --all-releases, --only-final, --no-binary, --only-binary,
// --prefer-binary, --refresh-package, --uploaded-prior-to); uninstall's --root-user-action and
// --break-system-packages; cache list/remove/purge with --format and --cache-dir — each compared
// with pip 26.2 run the same way, bad values refused by both; and the network options where they
// matter (list --outdated against an HTTPS index, uninstall -r https://...).
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { venvkit, venvkitAsync } from '../helpers/cli.js';
import { certOrSkip, startIndexServer } from '../helpers/index-server.js';
import { realPip } from '../helpers/real-pip.js';
import { versionWheel } from '../helpers/pip-compare.js';
import { writeInTreeProject } from '../build/helpers.js';

const tmp = realpathSync(mkdtempSync(join(tmpdir(), 'vk-pip-general-')));
after(() => rmSync(tmp, { recursive: true, force: true }));

/** No pip configuration, no PIP_* variables: both tools see only the command line. */
function cleanEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!/^(PIP_|VIRTUAL_ENV$|(https?|all|no)_proxy$)/i.test(k)) env[k] = v;
  return {
    ...env, PIP_CONFIG_FILE: '/dev/null', PIP_DISABLE_PIP_VERSION_CHECK: '1', PIP_NO_INPUT: '1', VENVKIT_CACHE_DIR: join(tmp, 'vk-cache'),
    PIP_CACHE_DIR: join(tmp, 'pip-cache'), XDG_CONFIG_HOME: join(tmp, 'xdg'),
  };
}

/** Warnings without their "WARNING: " / "warning: " prefixes. */
const warnings = (stderr: string, prefix: string) => stderr.split('\n').filter((l) => l.startsWith(prefix)).map((l) => l.slice(prefix.length));

test('pip\'s general options and list\'s selection options on freeze, show, check, list, uninstall and cache equal pip 26.2\'s', { timeout: 600_000 }, async (t) => {
  const pip = realPip(t, join(tmp, 'env'));
  if (!pip) return;
  const env = cleanEnv();
  const files = join(tmp, 'files');
  mkdirSync(files, { recursive: true });
  versionWheel(files, 'vkga', '1.0');
  versionWheel(files, 'vkga', '2.0');
  versionWheel(files, 'vkga', '2.1b1');
  versionWheel(files, 'vkgb', '1.0', ['vkga']);
  versionWheel(files, 'vkgb', '1.1b1', ['vkga']);
  // An sdist newer than every wheel (list reads only its name).
  writeFileSync(join(files, 'vkga-3.0.tar.gz'), 'not read');
  const inst = pip.run(['-m', 'pip', 'install', '-q', '--no-index', '-f', files, 'vkga==1.0', 'vkgb==1.0'], { env });
  assert.equal(inst.status, 0, inst.stderr);

  const log = (name: string, who: string) => join(tmp, 'logs', who, `${name}.log`);
  // (pip's --debug also prints its debug log on stdout, where it has one: not with list --outdated.)
  const general = (name: string, who: string, debug = true) => [
    '--log', log(name, who), ...(debug ? ['--debug'] : []), '--use-feature', 'fast-deps', '--use-deprecated', 'legacy-certs', '--timeout', '5', '--retries', '2',
    '--proxy', 'http://127.0.0.1:9', '--no-proxy-env', '--no-cache-dir', '--isolated', '--keyring-provider', 'disabled', '--exists-action', 'i',
  ];
  const outdated = ['--no-index', '-f', files];
  const emptyCache = join(tmp, 'empty-cache');
  const cases: { args: (who: string) => string[]; compare: 'stdout' | 'warnings' | 'fails'; log?: string }[] = [
    { args: (w) => ['freeze', ...general('freeze', w)], compare: 'stdout', log: 'freeze' },
    { args: (w) => ['show', 'vkgb', ...general('show', w)], compare: 'stdout', log: 'show' },
    { args: (w) => ['check', ...general('check', w)], compare: 'stdout', log: 'check' },
    { args: (w) => ['list', ...general('list', w)], compare: 'stdout', log: 'list' },
    { args: (w) => ['list', '--outdated', ...outdated, ...general('outdated', w, false)], compare: 'stdout', log: 'outdated' },
    { args: () => ['list', '--outdated', ...outdated, '--format', 'json'], compare: 'stdout' },
    { args: () => ['list', '--outdated', ...outdated, '--prefer-binary'], compare: 'stdout' },
    { args: () => ['list', '--outdated', ...outdated, '--only-binary', ':all:'], compare: 'stdout' },
    { args: () => ['list', '--outdated', ...outdated, '--only-binary', ':all:', '--pre'], compare: 'stdout' },
    { args: () => ['list', '--outdated', ...outdated, '--only-binary', 'vkga', '--all-releases', 'vkga'], compare: 'stdout' },
    { args: () => ['list', '--outdated', ...outdated, '--all-releases', ':all:', '--only-final', 'vkga'], compare: 'stdout' },
    { args: () => ['list', '--outdated', ...outdated, '--no-binary', ':all:', '--refresh-package', 'vkga'], compare: 'stdout' },
    { args: () => ['list', '--uptodate', ...outdated, '--only-binary', ':all:', '--all-releases', 'vkga', '--only-final', 'vkga'], compare: 'stdout' },
    { args: () => ['list', '--outdated', ...outdated, '--pre', '--all-releases', 'vkga'], compare: 'fails' },
    { args: () => ['list', '--uploaded-prior-to', 'yesterday'], compare: 'fails' },
    { args: () => ['list', '--use-feature', 'nope'], compare: 'fails' },
    { args: () => ['list', '--timeout', 'soon'], compare: 'fails' },
    { args: () => ['freeze', '--use-deprecated', 'nope'], compare: 'fails' },
    { args: (w) => ['uninstall', '-y', '--root-user-action', 'ignore', '--break-system-packages', 'vknone', ...general('uninstall', w)], compare: 'warnings', log: 'uninstall' },
    { args: () => ['uninstall', '-y', '--root-user-action', 'never', 'vknone'], compare: 'fails' },
    { args: () => ['uninstall', '-y', '--use-feature', 'nope', 'vknone'], compare: 'fails' },
    { args: () => ['cache', '--cache-dir', emptyCache, 'list'], compare: 'stdout' },
    { args: () => ['cache', 'list', 'vkga', '--cache-dir', emptyCache, '--format', 'abspath'], compare: 'stdout' },
    { args: () => ['cache', '--cache-dir', emptyCache, 'dir'], compare: 'stdout' },
    { args: () => ['cache', 'remove', 'vkga', '--cache-dir', emptyCache], compare: 'warnings' },
    { args: () => ['cache', 'list', '--format', 'paths'], compare: 'fails' },
    { args: () => ['cache', '--no-cache-dir', 'dir'], compare: 'fails' },
    { args: () => ['cache', 'remove', '--cache-dir', emptyCache], compare: 'fails' },
    { args: () => ['cache', 'dir', '--keyring-provider', 'os'], compare: 'fails' },
    // pip's other names of --log (the last given counts).
    { args: (w) => ['freeze', '--log', log('unused', w), '--local-log', log('alias', w), '--default-timeout=3'], compare: 'stdout', log: 'alias' },
    { args: (w) => ['show', 'vkga', '--log-file', log('alias2', w)], compare: 'stdout', log: 'alias2' },
  ];
  const theirs = pip.pipMany(cases.map((c) => c.args('pip')), { env, cwd: tmp });
  for (const [i, c] of cases.entries()) {
    const args = c.args('venvkit');
    const ours = venvkit([...args, ...(args[0] === 'cache' ? [] : ['--env', pip.dir])], { env, cwd: tmp });
    const what = `venvkit ${args.join(' ')}\n${ours.stderr}\npip: ${theirs[i]!.stderr}`;
    if (c.compare === 'fails') {
      assert.notEqual(theirs[i]!.status, 0, `pip ${args.join(' ')} fails`);
      assert.equal(ours.status, 2, what);
      // The error names the option (or what is missing), as pip's does.
      const named = args.find((a) => /^--(use-|root-user|timeout|format|no-cache-dir|uploaded|keyring|all-releases)/.test(a)) ?? 'pattern';
      assert.ok(ours.stderr.includes(named.replace(/^--all-releases$/, '--pre')), `${what}\nshould name ${named}`);
      continue;
    }
    assert.equal(ours.status, theirs[i]!.status, what);
    if (c.compare === 'stdout') assert.equal(ours.stdout, theirs[i]!.stdout, what);
    assert.deepEqual(warnings(ours.stderr, 'warning: '), warnings(theirs[i]!.stderr, 'WARNING: '), what);
    if (c.log) {
      // Both append a log there; venvkit's holds the command and all the run printed.
      assert.ok(existsSync(log(c.log, 'pip')), `pip wrote ${log(c.log, 'pip')}`);
      const mine = readFileSync(log(c.log, 'venvkit'), 'utf8');
      assert.match(mine, new RegExp(`^\\S+ venvkit ${args[0]} `, 'm'));
      for (const line of [...ours.stdout.split('\n'), ...warnings(ours.stderr, 'warning: ')].filter((l) => l.trim())) {
        assert.ok(mine.includes(line), `${c.log}: venvkit's log lacks ${JSON.stringify(line)}:\n${mine}`);
      }
    }
  }
  // What the comparisons covered.
  const out = (k: number) => theirs[k]!.stdout;
  assert.match(out(0), /^vkga==1\.0\nvkgb==1\.0\n$/);
  assert.match(out(4), /^vkga\s+1\.0\s+3\.0\s+sdist$/m);
  assert.match(out(6), /^vkga\s+1\.0\s+2\.0\s+wheel$/m);
  assert.match(out(8), /^vkga\s+1\.0\s+2\.1b1\s+wheel$/m);
  assert.match(out(8), /^vkgb\s+1\.0\s+1\.1b1\s+wheel$/m);
  assert.match(out(9), /^vkga\s+1\.0\s+2\.1b1\s+wheel$/m);
  assert.doesNotMatch(out(9), /vkgb/);
  assert.match(out(10), /^vkga\s+1\.0\s+3\.0\s+sdist$/m);
  assert.match(out(10), /^vkgb\s+1\.0\s+1\.1b1\s+wheel$/m);
  assert.match(out(11), /^vkga\s+1\.0\s+3\.0\s+sdist$/m);
  assert.match(out(12), /^vkgb\s+1\.0$/m);
  assert.equal(out(21), 'No locally built wheels cached.\n');
  assert.equal(out(23), `${emptyCache}\n`);
  assert.match(theirs[24]!.stderr, /No matching packages for pattern "vkga"/);
  assert.ok(!existsSync(log('unused', 'venvkit')) && !existsSync(log('unused', 'pip')), 'only the last of --log/--local-log is written');

  // -V: each prints its own version.
  assert.match(venvkit(['list', '-V'], { env }).stdout, /^venvkit \d/);
  assert.match(venvkit(['cache', 'dir', '--version'], { env }).stdout, /^venvkit \d/);
});

test('--python PY names the environment (its directory or an interpreter inside it) for freeze, show, check, list and uninstall — as pip 26.2\'s --python', { timeout: 600_000 }, async (t) => {
  const pip = realPip(t, join(tmp, 'env-py'));
  if (!pip) return;
  const env = cleanEnv();
  const files = join(tmp, 'files-py');
  mkdirSync(files, { recursive: true });
  versionWheel(files, 'vkgc', '1.0');
  // Another env, without pip: pip reaches it only through --python.
  const other = join(tmp, 'other');
  const base = pip.run(['-c', 'import sys; print(sys._base_executable)']).stdout.trim();
  assert.equal(spawnSync(base, ['-m', 'venv', '--without-pip', other]).status, 0);
  const put = () => {
    const r = venvkit(['install', '--env', other, '--no-index', '-f', files, 'vkgc==1.0'], { env });
    assert.equal(r.status, 0, r.stderr);
  };
  put();
  const py = join(other, 'bin', 'python');
  const cases = [['freeze'], ['list', '--format', 'json'], ['show', 'vkgc'], ['check']];
  for (const args of cases) {
    for (const spec of [other, py]) {
      const theirs = pip.run(['-m', 'pip', '--python', spec, ...args], { env });
      const ours = venvkit([args[0]!, '--python', spec, ...args.slice(1)], { env, cwd: tmp });
      assert.equal(ours.status, theirs.status, `${args.join(' ')} --python ${spec}: ${ours.stderr}`);
      assert.equal(ours.stdout, theirs.stdout, `${args.join(' ')} --python ${spec}`);
    }
  }
  assert.match(pip.run(['-m', 'pip', '--python', other, 'freeze'], { env }).stdout, /^vkgc==1\.0$/m);
  // Nothing there: both fail.
  const missing = join(tmp, 'no-such-env');
  assert.notEqual(pip.run(['-m', 'pip', '--python', missing, 'freeze'], { env }).status, 0);
  const bad = venvkit(['freeze', '--python', missing], { env });
  assert.equal(bad.status, 2);
  assert.match(bad.stderr, /--python .*no-such-env is not an environment or an interpreter inside one/);
  // uninstall: pip's removes it from that env, and so does venvkit's.
  const theirs = pip.run(['-m', 'pip', '--python', py, 'uninstall', '-y', 'vkgc'], { env });
  assert.equal(theirs.status, 0, theirs.stderr);
  assert.doesNotMatch(venvkit(['freeze', '--env', other], { env }).stdout, /vkgc/);
  put();
  const ours = venvkit(['uninstall', '--python', py, '-y', 'vkgc'], { env });
  assert.equal(ours.status, 0, ours.stderr);
  assert.doesNotMatch(venvkit(['freeze', '--env', other], { env }).stdout, /vkgc/);
  assert.ok(!existsSync(join(other, 'lib', basename(realpathSync(base)).replace(/^python(\d+\.\d+).*$/, 'python$1'), 'site-packages', 'vkgc')));
});

test('cache list, remove and purge act on the wheels built from sources — as pip 26.2\'s cache', { timeout: 600_000 }, async (t) => {
  const pip = realPip(t, join(tmp, 'env-cache'));
  if (!pip) return;
  const env = cleanEnv();
  // One sdist, built by both (an in-tree backend: nothing to fetch), each keeping the wheel in its cache.
  const proj = join(tmp, 'vkgs-1.0');
  writeInTreeProject(proj, 'vkgs');
  writeFileSync(join(proj, 'PKG-INFO'), 'Metadata-Version: 2.1\nName: vkgs\nVersion: 1.0\n');
  const sdist = join(tmp, 'vkgs-1.0.tar.gz');
  const tar = pip.run(['-c', `import tarfile; t = tarfile.open(${JSON.stringify(sdist)}, "w:gz"); t.add(${JSON.stringify(proj)}, "vkgs-1.0"); t.close()`]);
  assert.equal(tar.status, 0, tar.stderr);
  const target = (who: string) => join(tmp, `target-${who}`);
  const p = pip.run(['-m', 'pip', 'install', '-q', '--no-index', '--target', target('pip'), sdist], { env, cwd: tmp });
  assert.equal(p.status, 0, p.stderr);
  const v = venvkit(['install', '--no-index', '--python', pip.python, '--target', target('venvkit'), sdist], { env, cwd: tmp });
  assert.equal(v.status, 0, v.stderr);
  const sizes = (s: string) => s.replace(/\(\d[\d.]* (bytes|kB|MB)\)/g, '(SIZE)');
  const lists = [['list'], ['list', 'vkgs'], ['list', 'vkgs-1.0'], ['list', 'vk?s-*'], ['list', 'other'], ['list', '--format', 'abspath']];
  const theirs = pip.pipMany(lists.map((a) => ['cache', ...a]), { env });
  for (const [i, a] of lists.entries()) {
    const ours = venvkit(['cache', ...a], { env });
    assert.equal(ours.status, 0, ours.stderr);
    if (a.includes('abspath')) assert.deepEqual(ours.stdout.trim().split('\n').map((l) => basename(l)), theirs[i]!.stdout.trim().split('\n').map((l) => basename(l)), a.join(' '));
    else assert.equal(sizes(ours.stdout), sizes(theirs[i]!.stdout), a.join(' '));
  }
  assert.match(theirs[0]!.stdout, /^Cache contents:\n\n - vkgs-1\.0-py3-none-any\.whl \(\d/);
  assert.equal(theirs[4]!.stdout, 'No locally built wheels cached.\n');
  // remove PATTERN, then purge: the built wheel is gone from each cache.
  for (const args of [['remove', 'other'], ['remove', 'vkgs'], ['purge']]) {
    const [their] = pip.pipMany([['cache', ...args]], { env });
    const ours = venvkit(['cache', ...args], { env });
    assert.equal(ours.status, their!.status, ours.stderr);
    // (purge: venvkit's cache holds more than built wheels, so there is something to remove.)
    if (args[0] === 'remove') assert.deepEqual(warnings(ours.stderr, 'warning: '), warnings(their!.stderr, 'WARNING: '), args.join(' '));
    const after = venvkit(['cache', 'list'], { env }).stdout;
    assert.equal(after, pip.pipMany([['cache', 'list']], { env })[0]!.stdout, `after cache ${args.join(' ')}`);
    assert.equal(/vkgs/.test(after), args[1] === 'other', after);
  }
});

test('list --outdated/--uptodate ask an HTTPS index with --trusted-host or --cert, newest before --uploaded-prior-to; uninstall -r https://... likewise — as pip 26.2', { timeout: 600_000 }, async (t) => {
  const pip = realPip(t, join(tmp, 'env-https'));
  if (!pip) return;
  const cert = certOrSkip(t, join(tmp, 'certs'));
  if (!cert) return;
  const env = cleanEnv();
  const served = join(tmp, 'served');
  mkdirSync(served, { recursive: true });
  for (const v of ['1.0', '1.5', '2.0']) versionWheel(served, 'vkha', v);
  writeFileSync(join(served, 'reqs.zip'), 'vkha\n'); // served as /files/reqs.zip
  const https = await startIndexServer(served, {
    'vkha-1.0-py3-none-any.whl': { uploadTime: '2023-01-01T00:00:00Z' },
    'vkha-1.5-py3-none-any.whl': { uploadTime: '2024-06-01T00:00:00Z' },
    'vkha-2.0-py3-none-any.whl': { uploadTime: '2025-06-01T00:00:00Z' },
  }, cert);
  try {
    const put = async () => {
      const [r] = await pip.pipManyAsync([['install', '-q', '--no-index', '-f', served, 'vkha==1.0']], { env });
      assert.equal(r!.status, 0, r!.stderr);
    };
    await put();
    const ix = ['--index-url', https.url, '--retries', '0'];
    const host = new URL(https.origin).host;
    // (pip 26.2 does not take this self-signed certificate as a CA with --cert: it is compared with
    // --trusted-host, venvkit's --cert checked on its own below.)
    const cases = [
      ['list', '--outdated', ...ix, '--trusted-host', host],
      ['list', '--outdated', ...ix, '--trusted-host', host, '--format', 'json'],
      ['list', '--outdated', ...ix, '--trusted-host', host, '--uploaded-prior-to', '2025-01-01'],
      ['list', '--uptodate', ...ix, '--trusted-host', host, '--timeout', '30', '--uploaded-prior-to', '2023-06-01T00:00:00Z'],
      ['list', '--outdated', ...ix],
    ];
    const theirs = await pip.pipManyAsync(cases, { env, cwd: tmp });
    for (const [i, args] of cases.entries()) {
      const ours = await venvkitAsync([...args, '--env', pip.dir], { env, cwd: tmp });
      assert.equal(ours.status, theirs[i]!.status, `${args.join(' ')}: ${ours.stderr}\nstdout: ${ours.stdout}\npip: ${theirs[i]!.stderr}`);
      if (i < 4) assert.equal(ours.stdout, theirs[i]!.stdout, `${args.join(' ')}: ${ours.stderr}`);
      // The server not trusted: each says so (pip "Could not fetch URL", logged on stdout) and lists nothing.
      else assert.ok(ours.stdout === '' && /could not be read.*self[- ]signed/.test(ours.stderr), `${ours.stdout}\n${ours.stderr}`);
    }
    assert.match(theirs[4]!.stdout, /Could not fetch URL .*self[- ]signed/);
    assert.match(theirs[0]!.stdout, /^vkha\s+1\.0\s+2\.0\s+wheel$/m);
    assert.match(theirs[2]!.stdout, /^vkha\s+1\.0\s+1\.5\s+wheel$/m);
    assert.match(theirs[3]!.stdout, /^vkha\s+1\.0$/m);
    assert.doesNotMatch(theirs[4]!.stdout, /^vkha/m);
    const withCert = await venvkitAsync(['list', '--outdated', ...ix, '--cert', cert.certPath, '--env', pip.dir], { env, cwd: tmp });
    assert.equal(withCert.stdout, theirs[0]!.stdout, withCert.stderr);
    // uninstall -r https://...: refused without a way to trust the server, done with --trusted-host
    // (pip's, then venvkit's; and venvkit's with --cert).
    const url = `${https.origin}/files/reqs.zip`;
    const [refused, done] = await pip.pipManyAsync([['uninstall', '-y', '--retries', '0', '-r', url], ['uninstall', '-y', '--trusted-host', host, '-r', url]], { env });
    assert.notEqual(refused!.status, 0);
    assert.equal(done!.status, 0, done!.stderr);
    const gone = async () => !/vkha/.test((await venvkitAsync(['freeze', '--env', pip.dir], { env, cwd: tmp })).stdout);
    assert.ok(await gone(), 'pip uninstalled vkha');
    await put();
    assert.ok(!(await gone()));
    const mineRefused = await venvkitAsync(['uninstall', '-y', '--retries', '0', '-r', url, '--env', pip.dir], { env, cwd: tmp });
    assert.notEqual(mineRefused.status, 0);
    assert.ok(!(await gone()), 'nothing removed when the file cannot be read');
    for (const trust of [['--trusted-host', host], ['--cert', cert.certPath]]) {
      const mine = await venvkitAsync(['uninstall', '-y', ...trust, '-r', url, '--env', pip.dir], { env, cwd: tmp });
      assert.equal(mine.status, 0, mine.stderr);
      assert.ok(await gone(), `venvkit uninstalled vkha (${trust[0]})`);
      await put();
    }
  } finally {
    await https.close();
  }
});
