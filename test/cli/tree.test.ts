// venvkit tree: the installed set as a dependency tree (pipdeptree's text), --reverse, a missing
// dependency, a cycle, NAME roots, --depth, --json.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { metadataText } from '../helpers/index-server.js';
import { buildWheel } from '../helpers/wheels.js';
import { venvkit } from '../helpers/cli.js';
import { interpreters, removeDir, tempDir, testEnv } from '../helpers/venv.js';

test('tree and tree --reverse of a real env', () => {
  const dir = tempDir('tree');
  try {
    const py = interpreters().find((i) => i.version.startsWith('3.12')) ?? interpreters()[0]!;
    const wheels = join(dir, 'wheels');
    mkdirSync(wheels);
    const w = (name: string, requires: string[]) => buildWheel(wheels, { name, version: '1.0', files: { [`${name}/__init__.py`]: '' }, metadata: metadataText({ name, version: '1.0', requires }) });
    w('app', ['lib>=1', 'util', 'ghost<2', 'never; python_version < "3"']);
    w('lib', ['util']);
    w('util', []);
    w('ping', ['pong']);
    w('pong', ['ping']);
    const env = testEnv(join(dir, 'cache'));
    const target = join(dir, 'env');
    assert.equal(venvkit(['create', '--without-pip', '-q', '-p', py.path, target], { env }).status, 0);
    const r0 = venvkit(['install', '--env', target, '--no-index', '-f', wheels, '--no-deps', 'app', 'lib', 'util', 'ping', 'pong'], { env });
    assert.equal(r0.status, 0, r0.stderr);
    let r = venvkit(['tree', '--env', target], { env });
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stdout, [
      'app==1.0',
      '├── ghost [required: <2, installed: ?]',
      '├── lib [required: >=1, installed: 1.0]',
      '│   └── util [required: Any, installed: 1.0]',
      '└── util [required: Any, installed: 1.0]',
      // ping and pong require each other: nothing is above them, so they are shown from the first.
      'ping==1.0',
      '└── pong [required: Any, installed: 1.0]',
      '    └── ping [required: Any, installed: 1.0] (cycle)',
    ].join('\n') + '\n');
    r = venvkit(['tree', '--env', target, 'ping'], { env });
    assert.equal(r.stdout, 'ping==1.0\n└── pong [required: Any, installed: 1.0]\n    └── ping [required: Any, installed: 1.0] (cycle)\n');
    r = venvkit(['tree', '--env', target, '--reverse'], { env });
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stdout, [
      'ping==1.0',
      '└── pong==1.0 [requires: Any]',
      '    └── ping==1.0 [requires: Any] (cycle)',
      'util==1.0',
      '├── app==1.0 [requires: Any]',
      '└── lib==1.0 [requires: Any]',
      '    └── app==1.0 [requires: >=1]',
    ].join('\n') + '\n');
    const j = JSON.parse(venvkit(['tree', '--env', target, '--json', 'lib'], { env }).stdout);
    assert.equal(j.version, '1');
    assert.deepEqual(j.tree, [{ name: 'lib', installed: '1.0', required: '', children: [{ name: 'util', installed: '1.0', required: 'Any', children: [] }] }]);
    // --depth N (pipdeptree's): N levels below the top ones.
    r = venvkit(['tree', '--env', target, '--depth', '0'], { env });
    assert.equal(r.stdout, 'app==1.0\nping==1.0\n', r.stderr);
    r = venvkit(['tree', '--env', target, '-d', '1'], { env });
    assert.equal(r.stdout, [
      'app==1.0',
      '├── ghost [required: <2, installed: ?]',
      '├── lib [required: >=1, installed: 1.0]',
      '└── util [required: Any, installed: 1.0]',
      'ping==1.0',
      '└── pong [required: Any, installed: 1.0]',
    ].join('\n') + '\n');
    r = venvkit(['tree', '--env', target, '--reverse', '--depth=1', 'util'], { env });
    assert.equal(r.stdout, 'util==1.0\n├── app==1.0 [requires: Any]\n└── lib==1.0 [requires: Any]\n');
    r = venvkit(['tree', '--env', target, '--depth', 'deep'], { env });
    assert.equal(r.status, 2, r.stderr);
    assert.match(r.stderr, /--depth must be a whole number of levels \(got "deep"\)/);
    r = venvkit(['tree', '--env', target, 'nothing-here'], { env });
    assert.equal(r.status, 1);
    assert.match(r.stderr, /Not installed in .*: nothing-here/);
  } finally {
    removeDir(dir);
  }
});
