import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { FormatControl } from '../../src/index/format-control.js';
import { applyFileOptions } from '../../src/index/pip-config.js';
import { applyFlags, checkBooleans, LIST_BOOLEAN_KEYS, loadPipConfig, parseIni, strToBool, pipConfigFiles, pipConfigListLines, DEFAULT_INDEX_URL } from '../../src/index/pip-config.js';

const files = (m: Record<string, string>) => (p: string) => m[p];

test('INI: sections, = and :, comments, continuation lines, lower-cased keys', () => {
  const ini = parseIni('# c\n[global]\nIndex-URL = http://a/simple\n; c2\nextra-index-url =\n    http://b/simple\n    http://c/simple\ntimeout: 5\n[install]\npre = yes\n');
  assert.equal(ini.get('global')?.get('index-url'), 'http://a/simple');
  assert.equal(ini.get('global')?.get('extra-index-url'), 'http://b/simple\nhttp://c/simple');
  assert.equal(ini.get('global')?.get('timeout'), '5');
  assert.equal(ini.get('install')?.get('pre'), 'yes');
});

test('files in pip order: global (XDG_CONFIG_DIRS, /etc), user (legacy, XDG), site, PIP_CONFIG_FILE', () => {
  const env = { XDG_CONFIG_DIRS: '/a:/b', XDG_CONFIG_HOME: '/h/cfg', VIRTUAL_ENV: '/venv' };
  assert.deepEqual(pipConfigFiles({ env, home: '/h', readFile: () => undefined }).map((f) => `${f.variant}:${f.path}`), [
    'global:/a/pip/pip.conf', 'global:/b/pip/pip.conf', 'global:/etc/pip.conf',
    'user:/h/.pip/pip.conf', 'user:/h/cfg/pip/pip.conf', 'site:/venv/pip.conf',
  ]);
  // An existing PIP_CONFIG_FILE replaces the user files and comes last.
  const withEnvFile = pipConfigFiles({ env: { ...env, PIP_CONFIG_FILE: '/x.conf' }, home: '/h', readFile: files({ '/x.conf': '' }) });
  assert.deepEqual(withEnvFile.map((f) => f.variant), ['global', 'global', 'global', 'site', 'env']);
});

test('later files override earlier, [install] overrides [global], PIP_* variables override files', () => {
  const readFile = files({
    '/etc/xdg/pip/pip.conf': '[global]\nindex-url = http://global/simple\ntimeout = 3\nconstraint = /c.txt\n',
    '/h/.config/pip/pip.conf': '[global]\nindex-url = http://user/simple\nextra_index_url = http://x/simple http://y/simple\n[install]\nfind-links = /wheels\n  /more\n',
    '/venv/pip.conf': '[install]\npre = true\n',
  });
  const c = loadPipConfig({ env: { VIRTUAL_ENV: '/venv', PIP_DEFAULT_TIMEOUT: '60', PIP_REQUIRE_HASHES: '1' }, home: '/h', readFile });
  assert.equal(c.settings.indexUrl, 'http://user/simple');
  assert.deepEqual(c.settings.extraIndexUrls, ['http://x/simple', 'http://y/simple']);
  assert.deepEqual(c.settings.findLinks, ['/wheels', '/more']);
  assert.deepEqual(c.settings.constraints, ['/c.txt']);
  assert.equal(c.settings.pre, true);
  assert.equal(c.settings.timeout, 60, 'PIP_DEFAULT_TIMEOUT is the --timeout option');
  assert.equal(c.settings.requireHashes, true);
  assert.equal(c.settings.noIndex, false);
  const env2 = { PIP_INDEX_URL: 'http://env/simple', PIP_EXTRA_INDEX_URL: 'http://e1/simple  http://e2/simple', PIP_NO_INDEX: 'yes', PIP_PRE: 'off', PIP_FIND_LINKS: '/f', PIP_CONSTRAINT: '/k.txt' };
  const d = loadPipConfig({ env: env2, home: '/h', readFile });
  assert.equal(d.settings.indexUrl, 'http://env/simple');
  assert.deepEqual(d.settings.extraIndexUrls, ['http://e1/simple', 'http://e2/simple']);
  assert.equal(d.settings.noIndex, true);
  assert.equal(d.settings.pre, false);
  assert.deepEqual(d.settings.findLinks, ['/f']);
  assert.deepEqual(d.settings.constraints, ['/k.txt']);
});

test('booleans as pip\'s strtobool: its words only, any case, not trimmed; a bad value is an error (exit 2) even when overridden; an empty value is skipped', () => {
  for (const w of ['y', 'YES', 't', 'True', 'on', '1']) assert.equal(strToBool(w), true, w);
  for (const w of ['n', 'No', 'f', 'FALSE', 'off', '0']) assert.equal(strToBool(w), false, w);
  for (const w of ['', ' yes', 'yes ', 'maybe', '2', 'enable']) assert.equal(strToBool(w), undefined, JSON.stringify(w));
  const read = files({ '/c.conf': '[global]\npre = yes\n[install]\nrequire-hashes = sure\n' });
  const env = { PIP_CONFIG_FILE: '/c.conf', PIP_PRE: '', PIP_REQUIRE_HASHES: '0' };
  const config = loadPipConfig({ env, home: '/h', readFile: read });
  assert.equal(config.settings.pre, true, 'an empty PIP_PRE does not override the file');
  assert.equal(config.settings.requireHashes, false, 'the environment overrides the bad file value');
  assert.throws(() => checkBooleans(config), (e: any) => e.code === 'USAGE' && e.exitCode === 2 && /^sure is not a valid value for require-hashes option \(\/c\.conf, \[install\]\)$/.test(e.message) && /yes\/no, true\/false or 1\/0/.test(e.hint));
  checkBooleans(config, LIST_BOOLEAN_KEYS); // pip list has no --require-hashes: it ignores that key
  const fromEnv = loadPipConfig({ env: { PIP_CONFIG_FILE: '/dev/null', PIP_NO_INDEX: 'maybe' }, home: '/h', readFile: read });
  assert.throws(() => checkBooleans(fromEnv, LIST_BOOLEAN_KEYS), /^VenvkitError: maybe is not a valid value for no-index option \(the environment variable PIP_NO_INDEX\)$/);
});

test('defaults, and PIP_CONFIG_FILE=/dev/null skips every file', () => {
  const readFile = files({ '/etc/pip.conf': '[global]\nindex-url = http://global/simple\n' });
  assert.equal(loadPipConfig({ env: {}, home: '/h', readFile }).settings.indexUrl, 'http://global/simple');
  const none = loadPipConfig({ env: { PIP_CONFIG_FILE: '/dev/null' }, home: '/h', readFile });
  assert.equal(none.settings.indexUrl, DEFAULT_INDEX_URL);
  assert.equal(none.settings.timeout, 15);
  assert.deepEqual(none.settings.extraIndexUrls, []);
});

test('flags: --index-url replaces, --extra-index-url/-f/-c add to the configured lists (as pip)', () => {
  const base = loadPipConfig({ env: { PIP_EXTRA_INDEX_URL: 'http://a/simple', PIP_FIND_LINKS: '/w' }, home: '/h', readFile: () => undefined }).settings;
  const s = applyFlags(base, { indexUrl: 'http://i/simple', extraIndexUrls: ['http://b/simple'], findLinks: ['/x'], constraints: ['/c'], pre: true, noIndex: true });
  assert.equal(s.indexUrl, 'http://i/simple');
  assert.deepEqual(s.extraIndexUrls, ['http://a/simple', 'http://b/simple']);
  assert.deepEqual(s.findLinks, ['/w', '/x']);
  assert.deepEqual(s.constraints, ['/c']);
  assert.equal(s.pre && s.noIndex, true);
});

/** A real CPython with pip (never the pyenv shims). */
function pythonWithPip(): { python: string; prefix: string } | undefined {
  const root = process.env.PYENV_ROOT || join(process.env.HOME ?? '/root', '.pyenv');
  const dir = join(root, 'versions');
  if (!existsSync(dir)) return undefined;
  for (const v of readdirSync(dir).filter((v) => /^3\.\d+\.\d+$/.test(v)).sort().reverse()) {
    const prefix = join(dir, v);
    const minor = v.split('.').slice(0, 2).join('.');
    if (existsSync(join(prefix, 'lib', `python${minor}`, 'site-packages', 'pip'))) return { python: join(prefix, 'bin', 'python3'), prefix };
  }
  return undefined;
}

test('this machine: the same entries as `pip config list`, and the settings pip uses', (t) => {
  const py = pythonWithPip();
  if (!py) {
    if (process.env.CI === 'true') assert.fail('no CPython with pip under $PYENV_ROOT/versions');
    t.skip('no CPython with pip under $PYENV_ROOT/versions');
    return;
  }
  const env = { ...process.env };
  delete env.VIRTUAL_ENV;
  const r = spawnSync(py.python, ['-m', 'pip', 'config', 'list'], { encoding: 'utf8', env });
  assert.equal(r.status, 0, r.stderr);
  const theirs = r.stdout.split('\n').filter(Boolean).sort();
  // pip's "site" file is the pip.conf of the interpreter it runs in.
  const ours = loadPipConfig({ env, sitePrefix: py.prefix });
  assert.deepEqual(pipConfigListLines(ours), theirs);
  // And what `pip install` would use: the index lines pip prints.
  const d = spawnSync(py.python, ['-m', 'pip', 'download', '--no-deps', '--dest', '/nonexistent-vk', '--no-index', 'x-vk-none'], { encoding: 'utf8', env });
  const links = /Looking in links: (.*)/.exec(d.stdout)?.[1];
  if (ours.settings.findLinks.length) assert.equal(links, ours.settings.findLinks.join(', '));
  for (const c of ours.settings.constraints) assert.ok(existsSync(c) || /^\w+:\/\//.test(c), `constraint file ${c} from pip's config`);
});

test('no-binary, only-binary and prefer-binary from the config and PIP_* variables, applied before the command line and the files (as pip)', () => {
  const readFile = (p: string) => (p === '/etc/pip.conf' ? '[install]\nonly-binary = :all:\nprefer-binary = yes\n' : undefined);
  const base = loadPipConfig({ env: { PIP_NO_BINARY: 'mixed' }, home: '/h', readFile }).settings;
  assert.equal(base.preferBinary, true);
  assert.deepEqual(FormatControl.from(base.formatControl ?? []).allowedFormats('Mixed'), new Set(['source']));
  assert.deepEqual(FormatControl.from(base.formatControl ?? []).allowedFormats('other'), new Set(['binary']));
  // The order pip applies them: configuration (files, then PIP_* variables), command line, requirement files.
  const withFile = applyFileOptions(base, { extraIndexUrls: [], findLinks: [], noIndex: false, pre: false, requireHashes: false, trustedHosts: [], formatControl: [{ option: 'only-binary', value: 'late', where: 'r.txt:1' }] });
  const s = applyFlags(withFile, { formatControl: [{ option: 'no-binary', value: ':all:' }] });
  assert.deepEqual(s.formatControl?.map((o) => `${o.option}=${o.value}`), ['only-binary=:all:', 'no-binary=mixed', 'no-binary=:all:', 'only-binary=late']);
  const fc = FormatControl.from(s.formatControl ?? []);
  assert.deepEqual(fc.allowedFormats('other'), new Set(['source']), "the command line's :all: wins over the configuration");
  assert.deepEqual(fc.allowedFormats('late'), new Set(['binary']), "the file's value comes last");
});
