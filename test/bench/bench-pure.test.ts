// Unit tests of the benchmark suite's pure parts (no timing here).
import { test } from 'node:test';
import assert from 'node:assert/strict';
// @ts-ignore plain .mjs without declarations
import { parseBenchArgs, matchesOnly } from '../../bench/lib/args.mjs';
// @ts-ignore
import { median, summarize, speedup, formatMs, formatSpeedup } from '../../bench/lib/stats.mjs';
// @ts-ignore
import { verdict, describeTarget, targetSpeedup } from '../../bench/lib/targets.mjs';
// @ts-ignore
import { parsePipConfigList, benchIndexUrl } from '../../bench/lib/pipconfig.mjs';
// @ts-ignore
import { compareSets } from '../../bench/lib/checks.mjs';

test('median, summarize and speedup', () => {
  assert.equal(median([3, 1, 2]), 2);
  assert.equal(median([4, 1, 3, 2]), 2.5);
  assert.equal(median([7]), 7);
  assert.throws(() => median([]));
  assert.deepEqual(summarize([5, 1, 9, 3]), { median: 4, min: 1, max: 9, n: 4 });
  assert.equal(summarize([]), null);
  assert.equal(speedup(100, 2000), 20); // venvkit 100 ms, peer 2 s: 20x faster
  assert.equal(speedup(125, 100), 0.8);
  assert.equal(speedup(0, 100), null);
  assert.equal(speedup(undefined, 100), null);
});

test('durations and speed-ups are formatted for people', () => {
  assert.equal(formatMs(3.214), '3.21 ms');
  assert.equal(formatMs(123.4), '123 ms');
  assert.equal(formatMs(4530), '4.53 s');
  assert.equal(formatMs(19400), '19.4 s');
  assert.equal(formatMs(null), '–');
  assert.equal(formatSpeedup(23.44), '23.4x faster');
  assert.equal(formatSpeedup(150.2), '150x faster');
  assert.equal(formatSpeedup(0.8), '0.80x (1.25x slower)');
  assert.equal(formatSpeedup(null), '–');
});

test('targets: PASS, SHORT, FAILED, MISSING, NOT RUN', () => {
  const ok = (sp: number, med = 100) => ({ status: 'ok', speedup: sp, venvkit: { median: med } });
  const within = { kind: 'within', factor: 1.25 };
  assert.equal(verdict(within, ok(0.8)), 'PASS');
  assert.equal(verdict(within, ok(0.79)), 'SHORT');
  assert.equal(verdict({ kind: 'speedup', min: 20 }, ok(20)), 'PASS');
  assert.equal(verdict({ kind: 'speedup', min: 20 }, ok(19.9)), 'SHORT');
  assert.equal(verdict({ kind: 'maxMs', ms: 5 }, ok(30, 4.9)), 'PASS');
  assert.equal(verdict({ kind: 'maxMs', ms: 5 }, ok(30, 5.1)), 'SHORT');
  // An absolute target is judged even when the peer is missing; a ratio target is not.
  assert.equal(verdict({ kind: 'maxMs', ms: 200 }, { status: 'missing', venvkit: { median: 150 } }), 'PASS');
  assert.equal(verdict({ kind: 'speedup', min: 3 }, { status: 'missing', venvkit: { median: 150 } }), 'MISSING');
  assert.equal(verdict({ kind: 'speedup', min: 3 }, { status: 'failed' }), 'FAILED');
  assert.equal(verdict({ kind: 'maxMs', ms: 5 }, { status: 'failed' }), 'FAILED');
  assert.equal(targetSpeedup(within), 0.8);
  assert.equal(targetSpeedup({ kind: 'maxMs', ms: 5 }), null);
  assert.equal(describeTarget({ kind: 'maxMs', ms: 200 }), '≤ 200 ms');
  assert.equal(describeTarget({ kind: 'speedup', min: 10 }), '≥ 10x faster');
});

test('argument parsing: defaults, values, errors', () => {
  assert.deepEqual(parseBenchArgs([]), { runs: 10, warmup: 1, only: [], list: false, write: true, help: false });
  const o = parseBenchArgs(['--runs', '5', '--only', 'create,install-jupyter', '--only=noop', '--no-write', '--warmup=2']);
  assert.equal(o.runs, 5);
  assert.equal(o.warmup, 2);
  assert.deepEqual(o.only, ['create', 'install-jupyter', 'noop']);
  assert.equal(o.write, false);
  assert.equal(parseBenchArgs(['--list']).list, true);
  // A subset does not overwrite bench/results.md unless --write says so.
  assert.equal(parseBenchArgs(['--only', 'bare']).write, false);
  assert.equal(parseBenchArgs(['--only', 'bare', '--write']).write, true);
  assert.equal(parseBenchArgs(['--runs', '3']).write, true);
  assert.equal(parseBenchArgs(['-h']).help, true);
  assert.throws(() => parseBenchArgs(['--runs']), /--runs needs a whole number/);
  assert.throws(() => parseBenchArgs(['--runs', '0']), /at least 1/);
  assert.throws(() => parseBenchArgs(['--runs', '2.5']), /whole number/);
  assert.throws(() => parseBenchArgs(['--warmup', '0']), /at least 1/);
  assert.throws(() => parseBenchArgs(['--only']), /needs a pattern/);
  assert.throws(() => parseBenchArgs(['--fast']), /unknown option '--fast'/);
});

test('--only matches substrings and globs, case-insensitively', () => {
  assert.equal(matchesOnly('create-bare-3.12', []), true);
  assert.equal(matchesOnly('create-bare-3.12', ['bare']), true);
  assert.equal(matchesOnly('create-bare-3.12', ['BARE']), true);
  assert.equal(matchesOnly('create-bare-3.12', ['install']), false);
  assert.equal(matchesOnly('create-pip-3.11', ['create-*-3.11']), true);
  assert.equal(matchesOnly('create-pip-3.12', ['create-*-3.11']), false);
  assert.equal(matchesOnly('install-jupyter', ['noop', 'jupyter']), true);
  // A dot in a glob is a dot, not any character.
  assert.equal(matchesOnly('create-bare-3x11', ['create-bare-3.11*']), false);
});

test('pip config list: index-url, extra indexes, find-links', () => {
  const text = [
    ":env:.cert='/etc/ssl/certs/ca-certificates.crt'",
    ":env:.find-links='/opt/wheels'",
    "global.constraint='/etc/xdg/pip/constraints.txt'",
    "global.extra-index-url='file:///opt/pypi/simple file:///opt/pypi-more/simple'",
    "global.find-links='/elsewhere'",
    '',
  ].join('\n');
  const c = parsePipConfigList(text);
  assert.equal(c.indexUrl, null);
  assert.deepEqual(c.extraIndexUrls, ['file:///opt/pypi/simple', 'file:///opt/pypi-more/simple']);
  assert.deepEqual(c.findLinks, ['/opt/wheels']); // the environment variable wins over the file
  assert.equal(benchIndexUrl(c), 'file:///opt/pypi/simple');
  assert.equal(benchIndexUrl(c, { PIP_INDEX_URL: 'http://127.0.0.1/simple' }), 'http://127.0.0.1/simple');
  const d = parsePipConfigList("global.index-url='https://a/simple'\ninstall.index-url='https://b/simple'\n");
  assert.equal(benchIndexUrl(d), 'https://b/simple');
  assert.equal(benchIndexUrl(parsePipConfigList('')), null);
});

test('installed sets are compared line by line', () => {
  assert.equal(compareSets(['a==1', 'b==2'], ['a==1', 'b==2']), null);
  const msg = compareSets(['a==1', 'b==3'], ['a==1', 'b==2', 'c==1'], 'venvkit', 'pip');
  assert.match(msg, /only venvkit has b==3; only pip has b==2, c==1/);
});
