// `venvkit install` with pip 26.2's install options: the network ones against servers on 127.0.0.1
// (an HTTPS index with a self-signed certificate for --trusted-host and --cert, one that demands a
// client certificate for --client-cert, a forward proxy for --proxy and --no-proxy-env, failing
// answers for --retries), compared with pip 26.2 run the same way; --upgrade-strategy eager and
// --no-require-hashes compared with pip's report; --isolated, --log, --python, --cache-dir,
// --no-cache-dir, --progress-bar raw, --all-releases; every pip-only no-op in one table; pip's
// choices checked; "did you mean"; requirement files take pip's file options and nothing else.
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { certOrSkip, startIndexServer, startProxy, type IndexServer } from '../helpers/index-server.js';
import { pipCompare, versionWheel } from '../helpers/pip-compare.js';
import { python3x } from '../pip/helpers.js';
import { createVenv } from '../../src/venv/create.js';
import { pipOptionNames } from '../../src/cli/pip-install-options.js';
import { OPTIONS } from '../../src/cli/commands/install.js';
import { COMMON_OPTIONS } from '../../src/cli/args.js';

const c = pipCompare('vk-pipopts-');
const { tmp, env, cleanEnv, vk, wouldInstall, pip, pipWouldInstall, pipCalls, compare } = c;
const python = python3x();
const skip = python ? false : 'no CPython 3.11/3.12 under $PYENV_ROOT';
if (!python && process.env.CI === 'true') throw new Error(skip as string);
const files = join(tmp, 'files');
let http: IndexServer;
let envDir: string;

before(async () => {
  if (skip) return;
  mkdirSync(files, { recursive: true });
  for (const [name, version, requires] of [['pa', '1.0'], ['pa', '2.0', ['pb']], ['pb', '1.0'], ['pb', '2.0'], ['pc', '1.0'], ['pc', '2.0b1'], ['pd', '1.0']] as const) {
    versionWheel(files, name, version, requires ? [...requires] : []);
  }
  http = await startIndexServer(files);
  envDir = c.envDir = (await createVenv(join(tmp, 'env'), { python: python!, env, withoutPip: true })).root;
});
after(async () => {
  await http?.close();
  rmSync(tmp, { recursive: true, force: true });
});

test('--trusted-host and --cert against an HTTPS index with a self-signed certificate, as pip 26.2', { skip, timeout: 600_000 }, async (t) => {
  const cert = certOrSkip(t, join(tmp, 'certs'));
  if (!cert) return;
  const https = await startIndexServer(files, {}, cert);
  try {
    const hostPort = new URL(https.origin).host;
    const refused = await vk(['install', '--env', envDir, '--dry-run', '--index-url', https.url, '--retries', '0', 'pa==1.0']);
    assert.notEqual(refused.status, 0);
    assert.match(refused.stderr, /self[- ]signed|certificate/i);
    assert.deepEqual(await wouldInstall(['--index-url', https.url, '--trusted-host', hostPort, 'pa==1.0']), ['pa==1.0']);
    assert.deepEqual(await wouldInstall(['--index-url', https.url, '--trusted-host', '127.0.0.1', 'pa==1.0']), ['pa==1.0'], 'a host without port: any port');
    assert.deepEqual(await wouldInstall(['--index-url', https.url, '--cert', cert.certPath, 'pa==1.0']), ['pa==1.0']);
    const reqs = join(tmp, 'trusted.txt');
    writeFileSync(reqs, `--index-url ${https.url}\n--trusted-host ${hostPort}\npa==1.0\n`);
    assert.deepEqual(await wouldInstall(['-r', reqs]), ['pa==1.0'], 'the same in a requirements file');

    const p = pip(t);
    if (!p) return;
    const [pipRefused, pipTrusted] = await pipCalls(p, [
      ['run', ['install', '--dry-run', '--index-url', https.url, '--retries', '0', 'pa==1.0']],
      ['would', ['--index-url', https.url, '--retries', '0', '--trusted-host', hostPort, 'pa==1.0']],
    ]);
    assert.notEqual(pipRefused!.status, 0, 'pip refuses the unverified index too');
    assert.deepEqual(pipTrusted!.installed, ['pa==1.0']);
    // (pip 26.2 here rejects this self-signed certificate given as --cert, with and without
    // --use-deprecated=legacy-certs, so --cert is not compared.)
  } finally {
    await https.close();
  }
});

test('--client-cert: a server that demands a client certificate, as pip 26.2', { skip, timeout: 600_000 }, async (t) => {
  const dir = join(tmp, 'client-certs');
  const server = certOrSkip(t, dir);
  if (!server) return;
  const client = certOrSkip(t, join(dir, 'client'));
  if (!client) return;
  const both = join(dir, 'client.pem');
  writeFileSync(both, Buffer.concat([client.key, client.cert]));
  const tls = { ...server, requestCert: true, rejectUnauthorized: true, ca: [client.cert] };
  const https = await startIndexServer(files, {}, tls as { key: Buffer; cert: Buffer });
  try {
    const base = ['--index-url', https.url, '--trusted-host', new URL(https.origin).host, '--retries', '0', 'pa==1.0'];
    const without = await vk(['install', '--env', envDir, '--dry-run', ...base]);
    assert.notEqual(without.status, 0, 'no client certificate: the server hangs up');
    assert.deepEqual(await wouldInstall(['--client-cert', both, ...base]), ['pa==1.0']);
    assert.deepEqual(await wouldInstall(['--client-cert', both, '--index-url', https.url, '--cert', server.certPath, 'pa==1.0']), ['pa==1.0'], 'with the server verified too');
    const missing = await vk(['install', '--env', envDir, '--dry-run', '--client-cert', join(dir, 'none.pem'), ...base]);
    assert.equal(missing.status, 1);
    assert.match(missing.stderr, /--client-cert .*none\.pem: no such file/);
    const p = pip(t);
    if (!p) return;
    const [pipWithout, pipWith] = await pipCalls(p, [['run', ['install', '--dry-run', ...base]], ['would', ['--client-cert', both, ...base]]]);
    assert.notEqual(pipWithout!.status, 0);
    assert.deepEqual(pipWith!.installed, ['pa==1.0']);
  } finally {
    await https.close();
  }
});

test('--proxy takes every request through the proxy (NO_PROXY or not), --no-proxy-env ignores HTTP_PROXY, as pip 26.2', { skip, timeout: 600_000 }, async (t) => {
  const proxy = await startProxy();
  try {
    const e = cleanEnv({ NO_PROXY: '127.0.0.1', no_proxy: '127.0.0.1' });
    assert.deepEqual(await wouldInstall(['--no-cache', '--index-url', http.url, '--proxy', proxy.url, 'pa==1.0'], e), ['pa==1.0']);
    assert.ok(proxy.seen.some((s) => s.startsWith(`GET ${http.url}/pa/`)), proxy.seen.join('\n'));
    proxy.seen.length = 0;
    const viaEnv = cleanEnv({ HTTP_PROXY: proxy.url, http_proxy: proxy.url });
    assert.deepEqual(await wouldInstall(['--no-cache', '--index-url', http.url, '--no-proxy-env', 'pa==1.0'], viaEnv), ['pa==1.0']);
    assert.equal(proxy.seen.length, 0, `--no-proxy-env: HTTP_PROXY not used: ${proxy.seen.join(', ')}`);
    await wouldInstall(['--no-cache', '--index-url', http.url, 'pa==1.0'], viaEnv);
    assert.ok(proxy.seen.length > 0, 'without it, HTTP_PROXY is used');
    const p = pip(t);
    if (!p) return;
    proxy.seen.length = 0;
    assert.deepEqual(await pipWouldInstall(p, ['--no-cache-dir', '--index-url', http.url, '--proxy', proxy.url, 'pa==1.0'], e), ['pa==1.0']);
    assert.ok(proxy.seen.some((s) => s.startsWith(`GET ${http.url}/pa/`)), `pip too: ${proxy.seen.join('\n')}`);
  } finally {
    await proxy.close();
  }
});

test('--retries N: N more tries after a failing answer', { skip, timeout: 300_000 }, async () => {
  http.faults.status500 = 2;
  const r = await vk(['install', '--env', envDir, '--dry-run', '--no-cache', '--index-url', http.url, '--retries', '1', 'pa==1.0']);
  assert.notEqual(r.status, 0, 'two failures, one retry');
  http.faults.status500 = 2;
  assert.deepEqual(await wouldInstall(['--no-cache', '--index-url', http.url, '--retries', '2', 'pa==1.0']), ['pa==1.0']);
  http.faults.status500 = 0;
  const bad = await vk(['install', '--env', envDir, '--retries', 'many', 'pa']);
  assert.equal(bad.status, 2);
  assert.match(bad.stderr, /--retries must be a whole number/);
});

test('--upgrade-strategy eager upgrades the dependencies too; --no-require-hashes; --all-releases :all: — as pip 26.2 reports', { skip, timeout: 600_000 }, async (t) => {
  const ix = ['--index-url', http.url];
  let r = await vk(['install', '--env', envDir, ...ix, 'pa==2.0', 'pb==1.0']);
  assert.equal(r.status, 0, r.stderr);
  assert.deepEqual(await wouldInstall([...ix, '-U', 'pa']), [], 'only-if-needed: pb 1.0 is enough');
  assert.deepEqual(await wouldInstall([...ix, '-U', '--upgrade-strategy', 'only-if-needed', 'pa']), []);
  assert.deepEqual(await wouldInstall([...ix, '-U', '--upgrade-strategy', 'eager', 'pa']), ['pb==2.0']);
  r = await vk(['install', '--env', envDir, '--upgrade-strategy', 'lazy', 'pa']);
  assert.equal(r.status, 2);
  assert.match(r.stderr, /--upgrade-strategy must be one of only-if-needed, eager \(got "lazy"\)/);

  const sha = (f: string) => spawnSync('sha256sum', [join(files, f)], { encoding: 'utf8' }).stdout.split(' ')[0];
  const hashed = join(tmp, 'hashed.txt');
  writeFileSync(hashed, `pc==1.0 --hash=sha256:${sha('pc-1.0-py3-none-any.whl')}\npd\n`);
  r = await vk(['install', '--env', envDir, '--dry-run', ...ix, '-r', hashed]);
  assert.notEqual(r.status, 0, 'a --hash line turns on hash-checking mode: pd has none');
  assert.deepEqual(await wouldInstall([...ix, '--no-require-hashes', '-r', hashed]), ['pc==1.0', 'pd==1.0']);
  writeFileSync(hashed, `--no-require-hashes\npc==1.0 --hash=sha256:${sha('pc-1.0-py3-none-any.whl')}\npd\n`);
  assert.deepEqual(await wouldInstall([...ix, '-r', hashed]), ['pc==1.0', 'pd==1.0'], 'the same in the file');

  assert.deepEqual(await wouldInstall([...ix, 'pc']), ['pc==1.0']);
  assert.deepEqual(await wouldInstall([...ix, '--all-releases', ':all:', 'pc']), ['pc==2.0b1']);
  const pre = join(tmp, 'pre.txt');
  writeFileSync(pre, '--all-releases :all:\npc\n');
  assert.deepEqual(await wouldInstall([...ix, '-r', pre]), ['pc==2.0b1']);

  // --no-binary :all: in a file takes effect (these projects have wheels only): both refuse.
  const nobin = join(tmp, 'nobin.txt');
  writeFileSync(nobin, '--no-binary :all:\npd==1.0\n');
  r = await vk(['install', '--env', envDir, '--dry-run', ...ix, '-r', nobin]);
  assert.equal(r.status, 1);
  assert.match(r.stderr, /--no-binary excludes them/);

  const p = pip(t);
  if (!p) return;
  writeFileSync(hashed, `pc==1.0 --hash=sha256:${sha('pc-1.0-py3-none-any.whl')}\npd\n`);
  // In one pip process: the install first changes pip's env, the calls after it see that (pip reads the env per call).
  const [nobinRun, pr, upgrade, eager, hashedRun, noRequire, allReleases, preFile] = await pipCalls(p, [
    ['run', ['install', '--dry-run', ...ix, '-r', nobin]],
    ['run', ['install', '-q', ...ix, 'pa==2.0', 'pb==1.0']],
    ['would', [...ix, '-U', 'pa']],
    ['would', [...ix, '-U', '--upgrade-strategy', 'eager', 'pa']],
    ['run', ['install', '--dry-run', ...ix, '-r', hashed]],
    ['would', [...ix, '--no-require-hashes', '-r', hashed]],
    ['would', [...ix, '--all-releases', ':all:', 'pc']],
    ['would', [...ix, '-r', pre]],
  ]);
  assert.notEqual(nobinRun!.status, 0, 'pip: no sdist of pd');
  assert.equal(pr!.status, 0, pr!.stderr);
  assert.deepEqual(upgrade!.installed, []);
  assert.deepEqual(eager!.installed, ['pb==2.0']);
  assert.notEqual(hashedRun!.status, 0);
  assert.deepEqual(noRequire!.installed, ['pc==1.0', 'pd==1.0']);
  assert.deepEqual(allReleases!.installed, ['pc==2.0b1']);
  assert.deepEqual(preFile!.installed, ['pc==2.0b1']);
});

test('--requirements-from-script: the PEP 723 block\'s dependencies, its requires-python checked, as pip 26.2', { skip, timeout: 600_000 }, async (t) => {
  const ix = ['--index-url', http.url];
  const script = join(tmp, 'tool.py');
  writeFileSync(script, '#!/usr/bin/env python3\n# /// script\n# requires-python = ">=3.8"\n# dependencies = [\n#   "pc",\n#   "pd==1.0",\n# ]\n# ///\nimport pc\n');
  const picky = join(tmp, 'picky.py');
  writeFileSync(picky, '# /// script\n# requires-python = ">=3.99"\n# dependencies = ["pc"]\n# ///\n');
  const none = join(tmp, 'plain.py');
  writeFileSync(none, 'print(1)\n');
  assert.deepEqual(await wouldInstall([...ix, '--requirements-from-script', script]), ['pc==1.0', 'pd==1.0']);
  let r = await vk(['install', '--env', envDir, '--dry-run', ...ix, '--requirements-from-script', picky]);
  assert.equal(r.status, 1);
  assert.match(r.stderr, /picky\.py' requires a different Python: 3\.\d+\.\d+ not in '>=3\.99'/);
  r = await vk(['install', '--env', envDir, '--dry-run', ...ix, '--requirements-from-script', none]);
  assert.equal(r.status, 1);
  assert.match(r.stderr, /File does not contain 'script' metadata: .*plain\.py/);
  const p = pip(t);
  if (!p) return;
  const [fromScript, pickyRun, noneRun] = await pipCalls(p, [
    ['would', [...ix, '--requirements-from-script', script]],
    ['run', ['install', '--dry-run', ...ix, '--requirements-from-script', picky]],
    ['run', ['install', '--dry-run', ...ix, '--requirements-from-script', none]],
  ]);
  assert.deepEqual(fromScript!.installed.filter((x) => !x.startsWith('pa') && !x.startsWith('pb')), ['pc==1.0', 'pd==1.0']);
  assert.notEqual(pickyRun!.status, 0);
  assert.notEqual(noneRun!.status, 0);
});

test('--isolated ignores PIP_* variables and the user pip.conf; PIP_CONFIG_FILE still counts, as in pip', { skip, timeout: 300_000 }, async () => {
  const xdg = join(tmp, 'xdg-isolated');
  mkdirSync(join(xdg, 'pip'), { recursive: true });
  writeFileSync(join(xdg, 'pip', 'pip.conf'), `[global]\nindex-url = ${http.url}\n`);
  const userConf = cleanEnv({ XDG_CONFIG_HOME: xdg, PIP_CONFIG_FILE: '' });
  assert.deepEqual(await wouldInstall(['pa==1.0'], userConf), ['pa==1.0'], 'the user file names the index');
  let r = await vk(['install', '--env', envDir, '--dry-run', '--isolated', '--no-cache', 'pa==1.0'], userConf);
  assert.notEqual(r.status, 0, '--isolated: the user file is not read');
  const byEnv = cleanEnv({ PIP_INDEX_URL: http.url });
  assert.deepEqual(await wouldInstall(['pa==1.0'], byEnv), ['pa==1.0']);
  r = await vk(['install', '--env', envDir, '--dry-run', '--isolated', '--no-cache', 'pa==1.0'], byEnv);
  assert.notEqual(r.status, 0, '--isolated: PIP_INDEX_URL is not read');
  const envFile = join(tmp, 'env-pip.conf');
  writeFileSync(envFile, `[global]\nindex-url = ${http.url}\n`);
  assert.deepEqual(await wouldInstall(['--isolated', 'pa==1.0'], cleanEnv({ PIP_CONFIG_FILE: envFile })), ['pa==1.0']);
});

test('--log appends a verbose log (also under -q, and the error that ended a run); --python picks the env; --cache-dir and --no-cache-dir; --progress-bar raw', { skip, timeout: 300_000 }, async () => {
  const log = join(tmp, 'logs', 'install.log');
  const other = (await createVenv(join(tmp, 'env-py'), { python: python!, env, withoutPip: true })).root;
  const cache = join(tmp, 'cache-dir');
  let r = await vk(['install', '-q', '--log', log, '--python', join(other, 'bin', 'python'), '--cache-dir', cache, '--index-url', http.url, 'pa==1.0']);
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stderr, '', '-q');
  assert.ok(existsSync(join(other, 'lib')) && readdirSync(join(other, 'lib')).some((d) => existsSync(join(other, 'lib', d, 'site-packages', 'pa'))), '--python: installed into that env');
  assert.ok(readdirSync(cache).length > 0, '--cache-dir: the cache is there');
  let text = readFileSync(log, 'utf8');
  assert.match(text, /^\S+ venvkit install -q --log /m);
  assert.match(text, /Installed 1 package/);
  r = await vk(['install', '--log', log, '--python', other, '--index-url', http.url, 'nothere']);
  assert.notEqual(r.status, 0);
  text = readFileSync(log, 'utf8');
  assert.match(text, /venvkit install -q --log [^\n]+\n[\s\S]*venvkit install --log [^\n]+nothere\n[\s\S]*error: .*nothere/, 'appended, with the error');
  r = await vk(['install', '--python', join(tmp, 'nowhere', 'python'), 'pa']);
  assert.equal(r.status, 2);
  assert.match(r.stderr, /--python .*nowhere.* is not an environment or an interpreter inside one/);

  const bare = join(tmp, 'cache-none');
  r = await vk(['install', '--env', other, '--no-cache-dir', '--index-url', http.url, 'pb==1.0'], cleanEnv({ VENVKIT_CACHE_DIR: bare }));
  assert.equal(r.status, 0, r.stderr);
  assert.ok(!existsSync(join(bare, 'downloads')) && !existsSync(join(bare, 'http')), `--no-cache-dir: no cache written: ${existsSync(bare) ? readdirSync(bare) : ''}`);

  r = await vk(['install', '--env', other, '--no-cache', '--progress-bar', 'raw', '--index-url', http.url, 'pc==1.0']);
  assert.equal(r.status, 0, r.stderr);
  const size = readFileSync(join(files, 'pc-1.0-py3-none-any.whl')).length;
  assert.match(r.stdout, new RegExp(`^Progress ${size} of ${size}$`, 'm'));
});

/** pip-only options accepted with no effect (a valid value each), run against an install already satisfied. */
const NO_OPS: string[][] = [
  ['--disable-pip-version-check'], ['--no-input'], ['--root-user-action', 'ignore'], ['--root-user-action=warn'], ['--no-warn-script-location'],
  ['--no-warn-conflicts'], ['--exists-action', 'w'], ['--exists-action', 'a'], ['--keyring-provider', 'disabled'], ['--use-pep517'], ['--no-clean'],
  ['--src', 'somewhere'], ['--source-dir', 'x'], ['--require-virtualenv'], ['--require-venv'], ['--use-feature', 'fast-deps'], ['--use-feature=truststore'],
  ['--use-deprecated', 'legacy-certs'], ['--resume-retries', '3'], ['--debug'], ['--no-python-version-warning'], ['--progress-bar', 'off'], ['--progress-bar', 'on'],
  ['--no-color'], ['-vvv'], ['-qqq'], ['--timeout', '30'], ['--default-timeout', '30'], ['--no-dependencies'], ['--only-final', ':all:'], ['--all-releases', ':none:'],
  ['--no-proxy-env'], ['--isolated'], ['--upgrade-strategy', 'eager'],
];

test('every pip-only option is accepted and checked as pip checks it', { skip, timeout: 300_000 }, async () => {
  const args = ['install', '--env', envDir, '--no-index', '-f', files, 'pa'];
  // All in one run (each alone would cost a process start apiece).
  const all = await vk([...args, ...NO_OPS.flat()]);
  assert.equal(all.status, 0, all.stderr);
  for (const [o, v] of [['--root-user-action', 'fail'], ['--exists-action', 'x'], ['--keyring-provider', 'os'], ['--use-feature', 'nope'], ['--use-deprecated', 'nope'], ['--progress-bar', 'fancy'], ['--resume-retries', '-1']] as const) {
    const r = await vk([...args, `${o}=${v}`]);
    assert.equal(r.status, 2, `${o} ${v}`);
    assert.match(r.stderr, new RegExp(`${o} must be`), r.stderr);
  }
  const v = await vk(['install', '-V']);
  assert.equal(v.status, 0);
  assert.match(v.stdout, /^venvkit \d+\.\d+\.\d+\n$/);
});

test('an unknown option gets "did you mean", on the command line and in a requirements file (with its line); a file takes only pip\'s file options', { skip, timeout: 300_000 }, async () => {
  for (const [typo, want] of [['--no-cache-dri', '--no-cache-dir'], ['--trusted-hots', '--trusted-host'], ['--upgrade-stratgy', '--upgrade-strategy'], ['--progres-bar', '--progress-bar']]) {
    const r = await vk(['install', '--env', envDir, typo!, 'x', 'pa']);
    assert.equal(r.status, 2);
    assert.match(r.stderr, new RegExp(`Unknown option '${typo}' \\(did you mean ${want}\\?\\)`), r.stderr);
    assert.match(r.stderr, /hint: Run `venvkit install --help`/);
  }
  const reqs = join(tmp, 'opts.txt');
  // Every option pip 26.2 takes in a file, each with a value it accepts.
  writeFileSync(reqs, [
    `--index-url ${http.url}`, `-i ${http.url}`, `--extra-index-url ${http.url}`, '--no-index', `-f ${files}`, `--find-links ${files}`, '--no-binary :none:',
    '--only-binary :none:', '--prefer-binary', '--no-require-hashes', '--pre', '--all-releases :none:', '--only-final :none:', '--trusted-host 127.0.0.1',
    '--use-feature fast-deps', 'pa==1.0 -C k=v', 'pb==1.0 --config-settings k=v',
  ].join('\n') + '\n');
  const r0 = await vk(['install', '--env', envDir, '--dry-run', '--json', '-r', reqs]);
  assert.equal(r0.status, 0, r0.stderr);
  assert.deepEqual((JSON.parse(r0.stdout).resolved as { name: string; version: string }[]).map((p) => `${p.name}==${p.version}`).sort(), ['pa==1.0', 'pb==1.0']);
  for (const [line, want] of [
    ['--no-cache-dir', /opts2\.txt:2: unknown option '--no-cache-dir'/],
    ['--trusted-hots 127.0.0.1', /opts2\.txt:2: unknown option '--trusted-hots' \(did you mean --trusted-host\?\)/],
    ['--global-option=x', /opts2\.txt:2: unknown option '--global-option=x'/],
    ['--use-feature nope', /opts2\.txt:2: --use-feature: 'nope' is not one of pip's features/],
  ] as const) {
    writeFileSync(join(tmp, 'opts2.txt'), `pa\n${line}\n`);
    const r = await vk(['install', '--env', envDir, '--dry-run', '-r', join(tmp, 'opts2.txt')]);
    assert.notEqual(r.status, 0, line);
    assert.match(r.stderr, want, r.stderr);
  }
});

test('long options abbreviated as pip\'s optparse takes them, on the command line and in a requirements file; an ambiguous prefix names the candidates in pip\'s words; --build-constraint is not a file option — as pip 26.2', { skip, timeout: 600_000 }, async (t) => {
  const ix = ['--index-url', http.url];
  const file = join(tmp, 'abbrev.txt');
  writeFileSync(file, `--index ${http.url}\n--all-rel pc\n--prefer\npc\n`);
  const ambiguous = join(tmp, 'abbrev-ambiguous.txt');
  writeFileSync(ambiguous, '--pr\npc\n');
  const bcFile = join(tmp, 'build-constraint-in-file.txt');
  writeFileSync(bcFile, `--build-constraint ${ambiguous}\npc\n`);
  await compare(t, [
    [[...ix, '--ignore-inst', '--no-depe', 'pa==2.0'], ['pa==2.0']],
    [[...ix, '--ignore-inst', 'pa==2.0'], ['pa==2.0', 'pb==2.0']],
    [[...ix, '--all-rel', 'pc', 'pc'], ['pc==2.0b1']],
    [['--index-u', http.url, '--upgrade-strat', 'eager', '-U', 'pd'], ['pd==1.0']],
    [[`--index-u=${http.url}`, '--dry', 'pd'], ['pd==1.0']],
    [['-r', file], ['pc==2.0b1']],
    [[...ix, '--no-dep', 'pa'], 'fails'],
    [[...ix, '--pr', 'pa'], 'fails'],
    [[...ix, '-r', ambiguous], 'fails'],
    [[...ix, '-r', bcFile], 'fails'],
  ]);
  const words = (text: string) => /ambiguous option: [^\n]*/.exec(text)?.[0];
  const cases = [['--no-dep'], ['--pr'], ['--no-c'], ['-r', ambiguous]];
  const mine = await Promise.all(cases.map((a) => vk(['install', '--env', envDir, '--dry-run', ...ix, ...a, 'pa'])));
  mine.forEach((r, i) => assert.equal(r.status, i < 3 ? 2 : 1, r.stderr)); // usage on the command line; a bad requirements file
  assert.match(mine[0]!.stderr, /install: ambiguous option: --no-dep \(--no-dependencies, --no-deps\?\)/);
  assert.match(mine[3]!.stderr, /abbrev-ambiguous\.txt:1: ambiguous option: --pr \(--pre, --prefer-binary\?\)/);
  const p = pip(t);
  if (!p) return;
  const theirs = await p.pipManyAsync(cases.map((a) => ['install', '--dry-run', ...ix, ...a, 'pa']), { env, cwd: tmp });
  theirs.forEach((r, i) => assert.equal(words(mine[i]!.stderr), words(r.stderr) ?? `pip: ${r.stderr}`, cases[i]!.join(' ')));
  // The names venvkit matches a prefix against are pip's own.
  const names = p.run(['-c', 'import json; from pip._internal.commands import create_command; print(json.dumps(sorted(o[2:] for o in create_command("install").parser._long_opt)))']);
  assert.equal(names.status, 0, names.stderr);
  assert.deepEqual([...pipOptionNames({ ...COMMON_OPTIONS, ...OPTIONS })].sort(), JSON.parse(names.stdout));
});
