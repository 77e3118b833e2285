// The lock's METADATA cache (src/lock/metadata-cache.ts): one pack file per flush, read whole by
// the next lock, merged into one by the lock that finds eight; a pack that does not parse is
// only a miss.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { MetadataCache } from '../../src/lock/metadata-cache.js';
import { tempDir } from '../helpers/venv.js';

const dir = tempDir('metadata-cache');
after(() => rmSync(dir, { recursive: true, force: true }));

const sha = (i: number) => i.toString(16).padStart(64, '0');
const md = (i: number) => ({ requiresDist: [`dep${i}>=1`], requiresPython: '>=3.8', providesExtra: [] });

test('each lock writes one pack; with eight packs there, the next lock merges them into one; a broken pack is a miss', () => {
  const env = { ...process.env, VENVKIT_CACHE_DIR: join(dir, 'cache') };
  const packs = () => readdirSync(join(dir, 'cache', 'lock-metadata')).sort();
  // Eight locks, each reading two wheels no earlier lock read.
  for (let run = 0; run < 8; run++) {
    const cache = new MetadataCache(env);
    for (const i of [2 * run, 2 * run + 1]) {
      assert.equal(cache.get(sha(i)), undefined);
      cache.set(sha(i), md(i));
    }
    assert.equal(cache.get(sha(0))?.requiresDist[0], 'dep0>=1', 'an earlier lock\'s entry');
    cache.flush();
    assert.equal(packs().length, run + 1, `after lock ${run + 1}: ${packs().join(' ')}`);
  }
  // The ninth finds eight packs: what it writes is all of them in one, and the eight are removed.
  const ninth = new MetadataCache(env);
  for (let i = 0; i < 16; i++) assert.deepEqual(ninth.get(sha(i)), md(i));
  ninth.set(sha(100), md(100));
  ninth.flush();
  assert.equal(packs().length, 1, packs().join(' '));
  const again = new MetadataCache(env);
  for (const i of [0, 15, 100]) assert.deepEqual(again.get(sha(i)), md(i));
  // Nothing new read: nothing written.
  again.flush();
  assert.equal(packs().length, 1);
  // A pack that does not parse: its entries are misses, the others are read.
  writeFileSync(join(dir, 'cache', 'lock-metadata', `${'f'.repeat(16)}.json`), '{ not json');
  const broken = new MetadataCache(env);
  assert.deepEqual(broken.get(sha(100)), md(100));
  assert.equal(broken.get(sha(999)), undefined);
});
