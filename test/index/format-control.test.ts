// pip's FormatControl semantics (--no-binary / --only-binary with :all:, :none:, comma lists, later
// values overriding per name), checked against pip 26.2's own FormatControl on the same sequences.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FormatControl, type FormatControlOp } from '../../src/index/format-control.js';
import { isVenvkitError } from '../../src/errors.js';
import { realPip } from '../helpers/real-pip.js';

const tmp = mkdtempSync(join(tmpdir(), 'vk-fc-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

const nb = (value: string): FormatControlOp => ({ option: 'no-binary', value });
const ob = (value: string): FormatControlOp => ({ option: 'only-binary', value });
const fmt = (fc: FormatControl, name: string) => [...fc.allowedFormats(name)].sort().join('+');

const SEQUENCES: FormatControlOp[][] = [
  [],
  [nb(':all:')],
  [ob(':all:')],
  [nb(':all:'), ob('Foo_Bar')],
  [ob(':all:'), nb('foo-bar,baz')],
  [nb('foo'), ob('foo')],
  [ob('foo'), nb('foo')],
  [nb('foo,bar'), nb(':none:')],
  [nb(':all:,:none:,foo')],
  [nb('foo,:all:')],
  [nb(':all:'), nb(':none:')],
  [ob(':all:'), nb(':none:'), nb('baz')],
  [nb('a,:all:,b,:none:,c')],
  [ob('foo'), nb(':all:')],
];
const NAMES = ['foo', 'Foo.Bar', 'bar', 'baz', 'a', 'b', 'c', 'other'];

test('FormatControl: plain cases', () => {
  assert.equal(fmt(FormatControl.from([]), 'x'), 'binary+source');
  assert.equal(fmt(FormatControl.from([nb(':all:')]), 'x'), 'source');
  assert.equal(fmt(FormatControl.from([nb(':all:'), ob('X')]), 'x'), 'binary', 'a name beats :all:');
  assert.equal(fmt(FormatControl.from([ob('foo'), nb('FOO')]), 'foo'), 'source', 'the later option wins for a name');
  assert.equal(fmt(FormatControl.from([nb('foo,bar'), nb(':none:')]), 'foo'), 'binary+source');
  assert.throws(() => FormatControl.from([{ option: 'no-binary', value: '--pre', where: 'r.txt:3' }]), (e: unknown) => isVenvkitError(e, 'BAD_REQUIREMENT') && /r\.txt:3: --no-binary needs a value/.test((e as Error).message));
});

test('FormatControl: the same sequences give what pip 26.2\'s FormatControl gives', { timeout: 300_000 }, async (t) => {
  const pip = realPip(t, join(tmp, 'pipenv'));
  if (!pip) return;
  const script = `import json, sys
from pip._internal.models.format_control import FormatControl
from pip._vendor.packaging.utils import canonicalize_name
seqs, names = json.loads(sys.argv[1]), json.loads(sys.argv[2])
out = []
for seq in seqs:
    fc = FormatControl(set(), set())
    for op in seq:
        if op["option"] == "no-binary":
            FormatControl.handle_mutual_excludes(op["value"], fc.no_binary, fc.only_binary)
        else:
            FormatControl.handle_mutual_excludes(op["value"], fc.only_binary, fc.no_binary)
    out.append({n: "+".join(sorted(fc.get_allowed_formats(canonicalize_name(n)))) for n in names})
print(json.dumps(out))`;
  const r = pip.run(['-c', script, JSON.stringify(SEQUENCES), JSON.stringify(NAMES)]);
  assert.equal(r.status, 0, r.stderr);
  const theirs = JSON.parse(r.stdout) as Record<string, string>[];
  SEQUENCES.forEach((seq, i) => {
    const fc = FormatControl.from(seq);
    const ours = Object.fromEntries(NAMES.map((n) => [n, fmt(fc, n)]));
    assert.deepEqual(ours, theirs[i], JSON.stringify(seq));
  });
});
