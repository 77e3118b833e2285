// The pure pieces: names, wheel file names, .dist-info parsers, launchers, entry paths, and the zip
// reader (including zip64 archives written by a real Python).
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { join, sep } from 'node:path';
import { canonicalizeName, escapeWheelName, isValidProjectName } from '../../src/pep/names.js';
import { parseWheelFilename, tryParseWheelFilename } from '../../src/pep/wheel-name.js';
import { formatRecord, parseCsv, parseEntryPoints, parseEntryPointValue, parseHeaderFields, parseRecord } from '../../src/install/wheel-meta.js';
import { consoleScriptNames, launcherScript, rewritePythonShebang, shebang } from '../../src/install/scripts.js';
import { joinerBelow, placeEntry, unsafeEntryReason } from '../../src/install/entry-paths.js';
import { sameVersion } from '../../src/install/versions.js';
import { ZipReader } from '../../src/zip/reader.js';
import { writeZip } from '../helpers/wheels.js';
import { interpreters, removeDir, tempDir } from '../helpers/venv.js';

const tmp = tempDir('units');
after(() => removeDir(tmp));

test('PEP 503 names', () => {
  assert.equal(canonicalizeName('Foo.Bar__baz-Qux'), 'foo-bar-baz-qux');
  assert.equal(escapeWheelName('jaraco.classes'), 'jaraco_classes');
  assert.ok(isValidProjectName('a.b-c_d'));
  assert.ok(!isValidProjectName('-bad'));
});

test('wheel file names', () => {
  const w = parseWheelFilename('/x/greenlet-3.5.6-cp311-cp311-manylinux_2_24_x86_64.manylinux_2_28_x86_64.whl');
  assert.equal(w.normalizedName, 'greenlet');
  assert.equal(w.version, '3.5.6');
  assert.deepEqual(w.tags, ['cp311-cp311-manylinux_2_24_x86_64', 'cp311-cp311-manylinux_2_28_x86_64']);
  const b = parseWheelFilename('cmeel_urdfdom-6.0.0-0-py3-none-manylinux_2_28_x86_64.whl');
  assert.deepEqual(b.build, [0, '']);
  assert.deepEqual(parseWheelFilename('six-1.17.0-py2.py3-none-any.whl').tags, ['py2-none-any', 'py3-none-any']);
  assert.match(String(tryParseWheelFilename('six-1.17.0.whl')), /not a valid wheel file name/);
  assert.match(String(tryParseWheelFilename('six-1.17.0-x-py3-none-any.whl')), /build tag/);
  assert.throws(() => parseWheelFilename('six.tar.gz'), /does not end in \.whl/);
});

test('versions compare after PEP 440 normalisation', () => {
  assert.ok(sameVersion('1.0', '1.0.0'));
  assert.ok(sameVersion('2.0rc1', '2.0.rc1'));
  assert.ok(sameVersion('1.0-post1', '1.0_post1'));
  assert.ok(!sameVersion('1.0', '1.1'));
});

test('WHEEL/METADATA header fields, RECORD CSV, entry points', () => {
  const f = parseHeaderFields('Wheel-Version: 1.0\nTag: py2-none-any\nTag: py3-none-any\nDescription: a\n  b\n\nbody: ignored\n');
  assert.deepEqual(f.get('tag'), ['py2-none-any', 'py3-none-any']);
  assert.equal(f.get('description')![0], 'a\nb');
  assert.equal(f.get('body'), undefined);
  assert.deepEqual(parseCsv('a,"b,c",d\n"x""y",,\n'), [['a', 'b,c', 'd'], ['x"y', '', '']]);
  // Text without quotes (split by lines) gives the rows the quote-aware parser gives (a quoted row appended, then dropped).
  for (const text of ['a,b,c\r\nd,,\r\n\n\ne', ',\r,x\r\r\n y ,z', 'p/a.py,sha256=x,1\np/RECORD,,\n', '', '\n\n']) {
    assert.deepEqual(parseCsv(text), parseCsv(`${text}\n"q"\n`).slice(0, -1), JSON.stringify(text));
  }
  const rows = parseRecord('pkg/a.py,sha256=abc,12\npkg-1.dist-info/RECORD,,\n"odd,name.py",sha256=x,1\n');
  assert.deepEqual(rows[0], { path: 'pkg/a.py', hash: { algorithm: 'sha256', digest: 'abc' }, size: 12 });
  assert.equal(rows[1].hash, null);
  assert.equal(formatRecord(rows), 'pkg/a.py,sha256=abc,12\npkg-1.dist-info/RECORD,,\n"odd,name.py",sha256=x,1\n');
  assert.throws(() => parseRecord('a,sha256=x,notanumber\n'), /malformed size/);
  const ep = parseEntryPoints('[console_scripts]\nFoo = a.b:c.d [extra]\n# comment\n[gui_scripts]\ng=m:f\n');
  assert.deepEqual(ep, { console_scripts: { Foo: 'a.b:c.d [extra]' }, gui_scripts: { g: 'm:f' } });
  assert.deepEqual(parseEntryPointValue('a.b:c.d [extra]'), { module: 'a.b', attr: 'c.d' });
  assert.deepEqual(parseEntryPointValue('mod'), { module: 'mod', attr: '' });
  assert.throws(() => parseEntryPointValue('os; import evil'), /malformed entry point/);
});

test('shebangs: plain when short, the /bin/sh trick with spaces or over 127 bytes', () => {
  assert.equal(shebang('/e/bin/python'), '#!/e/bin/python\n');
  assert.match(shebang('/a b/bin/python'), /^#!\/bin\/sh\n'''exec' "\/a b\/bin\/python" "\$0" "\$@"\n' '''\n$/);
  assert.match(shebang('/' + 'x'.repeat(130) + '/python'), /^#!\/bin\/sh\n/);
  assert.match(shebang("/it's $HOME/python"), /'\/it'\\''s \$HOME\/python'/);
  const l = launcherScript('/e/bin/python', 'pkg.cli:App.run');
  assert.match(l, /^from pkg\.cli import App$/m);
  assert.match(l, /sys\.exit\(App\.run\(\)\)/);
  assert.equal(rewritePythonShebang(Buffer.from('#!python\nprint(1)\n'), '/e/bin/python')!.toString(), '#!/e/bin/python\nprint(1)\n');
  assert.equal(rewritePythonShebang(Buffer.from('#!/usr/bin/env python\n'), '/e/bin/python'), undefined);
  assert.equal(rewritePythonShebang(Buffer.from('#!pythonista\n'), '/e/bin/python'), undefined);
  assert.deepEqual(Object.keys(consoleScriptNames({ pip: 'm:f', pip3: 'm:f', 'pip3.8': 'm:f', other: 'x:y' }, 3, 12)).sort(), ['other', 'pip', 'pip3', 'pip3.12']);
  assert.deepEqual(Object.keys(consoleScriptNames({ easy_install: 'm:f', 'easy_install-3.8': 'm:f' }, 3, 6)).sort(), ['easy_install', 'easy_install-3.6']);
});

test('entry paths: unsafe names and .data placement', () => {
  assert.match(unsafeEntryReason('../x')!, /climbs/);
  assert.match(unsafeEntryReason('a/../../x')!, /climbs/);
  assert.match(unsafeEntryReason('/etc/passwd')!, /absolute/);
  assert.match(unsafeEntryReason('a\\b')!, /backslash/);
  assert.match(unsafeEntryReason('a//b')!, /empty/);
  assert.equal(unsafeEntryReason('pkg/sub/'), undefined);
  assert.deepEqual(placeEntry('p-1.data/scripts/tool', 'p-1.data'), { key: 'scripts', rel: 'tool' });
  assert.deepEqual(placeEntry('pkg/mod.py', 'p-1.data'), { key: 'lib', rel: 'pkg/mod.py' });
  assert.throws(() => placeEntry('p-1.data/etc/x', 'p-1.data'), /unknown scheme directory "etc"/);
});

test('joinerBelow: what path.join gives, for clean archive paths and any other', () => {
  const dirs = ['/env/lib/site-packages', '/env/lib/', '/', '/env/./lib', '/env//lib', '/env/x/../lib', 'relative/dir'];
  const rels = ['pkg/mod.py', 'mod.py', 'pkg/sub/', './pkg', 'pkg/./mod.py', 'pkg/../mod.py', '../up', 'pkg//mod.py', '/abs', '', '.', '..', 'a\\b', '..pkg/..mod', 'pkg/...', 'pkg/.', 'pkg/..', '.hidden/x'];
  for (const dir of dirs) {
    const below = joinerBelow(dir);
    for (const rel of rels) assert.equal(below(rel), join(dir, rel), `${dir} + ${rel}`);
  }
  if (sep === '/') assert.equal(joinerBelow('/env/lib')('pkg/mod.py'), '/env/lib/pkg/mod.py');
});

test('zip reader: stored and deflated entries, modes, and zip64 archives from Python', () => {
  const path = join(tmp, 'a.zip');
  writeZip(path, [{ name: 'a.txt', data: 'hello' }, { name: 'bin/tool', data: '#!/bin/sh\n', mode: 0o100755, method: 0 }, { name: 'dir/', data: '' }]);
  const z = ZipReader.open(path);
  assert.deepEqual(z.entries.map((e) => [e.name, e.isDirectory]), [['a.txt', false], ['bin/tool', false], ['dir/', true]]);
  assert.equal(z.read(z.entries[0]).toString(), 'hello');
  assert.equal(z.entries[1].unixMode & 0o777, 0o755);
  z.close();
  const py = interpreters().find((i) => i.version.startsWith('3.'));
  assert.ok(py, 'a Python 3 is needed to write a zip64 archive');
  const z64 = join(tmp, 'z64.zip');
  execFileSync(py.path, ['-c', `import zipfile\nwith zipfile.ZipFile(${JSON.stringify(z64)}, 'w', zipfile.ZIP_DEFLATED) as z:\n    for i in range(70000):\n        z.writestr('f%d' % i, '')\n    with z.open('big', 'w', force_zip64=True) as f:\n        f.write(b'x' * 1000)\n`]);
  const r = ZipReader.open(z64);
  assert.equal(r.entries.length, 70001);
  assert.equal(r.read(r.entries[70000]).toString(), 'x'.repeat(1000));
  r.close();
});
