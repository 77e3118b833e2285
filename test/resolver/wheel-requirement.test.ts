import { test } from 'node:test';
import assert from 'node:assert/strict';
import { wheelRequirement } from '../../src/resolver/index-provider.js';

test('wheel paths and URLs become name @ url requirements', () => {
  const r = wheelRequirement('dist/My_Pkg-1.0-py3-none-any.whl', '/work');
  assert.equal(r.key, 'my-pkg');
  assert.equal(r.url, 'file:///work/dist/My_Pkg-1.0-py3-none-any.whl');
  assert.equal(wheelRequirement('https://h/x/a-2.0-py3-none-any.whl#sha256=00').url, 'https://h/x/a-2.0-py3-none-any.whl#sha256=00');
  assert.throws(() => wheelRequirement('pkg-1.0.tar.gz'), /is not a wheel file/);
});
