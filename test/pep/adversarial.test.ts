// Untrusted text (requirement files, metadata, markers) costs linear time and gives bounded errors:
// 300 KB lines shaped to make backtracking regexes go quadratic, 100k nested parentheses, 100k-term
// marker chains, and a 10 MB field whose error message stays a few lines long.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { readRequirementFiles, localLocation, parseRequirementsText } from '../../src/index/requirements-file.js';
import { parseRequirement } from '../../src/pep/pep508.js';
import { parseMarker, evaluateMarker, markerToString, markerUsesExtra, type MarkerEnvironment } from '../../src/pep/markers.js';
import { SpecifierSet } from '../../src/pep/pep440-specifiers.js';
import { parseVersion } from '../../src/pep/pep440.js';
import { isVenvkitError } from '../../src/errors.js';
import { parseEntryPoints, parseEntryPointValue } from '../../src/install/wheel-meta.js';
import { removeDir, tempDir } from '../helpers/venv.js';

let tmp: string;
before(() => { tmp = tempDir('adversarial'); });
after(() => removeDir(tmp));

const N = 300_000;
/** Generous: these inputs took from seconds to minutes (97 s for one) with the backtracking regexes. */
const LIMIT_MS = 5000;

const ENV: MarkerEnvironment = {
  python_version: '3.11', python_full_version: '3.11.4', implementation_name: 'cpython', implementation_version: '3.11.4',
  platform_python_implementation: 'CPython', sys_platform: 'linux', os_name: 'posix', platform_machine: 'x86_64',
  platform_system: 'Linux', platform_release: '6.1', platform_version: '#1',
};

function timed<T>(what: string, f: () => T): T {
  const started = performance.now();
  const r = f();
  const ms = performance.now() - started;
  assert.ok(ms < LIMIT_MS, `${what}: ${ms.toFixed(0)} ms`);
  return r;
}

/** Lines shaped against each regex the line parser used (name@url test, [extras] strip, ; split, # comments). */
const LINES: [string, string][] = [
  ['a name with no @', 'a'.repeat(N)],
  ['a name and spaces with no @', `a${' '.repeat(N)}b`],
  ['unclosed brackets', `x${'['.repeat(N)}]`],
  ['brackets then @', `x${'[a'.repeat(N / 2)}`],
  ['spaces around no ;', `x ; '${' '.repeat(N)}'`],
  ['" #" runs cut by a lone CR', `${' #'.repeat(N / 2)}\rx`],
  ['a long quoted marker', `x ; os_name == '${'a'.repeat(N)}`],
  ['many --hash options', `x ${'--hash=sha256:ab '.repeat(N / 20)}`],
  ['a long specifier list', `x${'>=1,'.repeat(N / 4)}>=1`],
  ['dashes in a name', `a${'-'.repeat(N)}!`],
  ['dotted version', `x==${'1.'.repeat(N / 2)}x`],
];

test('300 KB requirement lines parse in linear time, whatever their shape', () => {
  for (const [what, line] of LINES) {
    timed(`${what} (parseRequirementsText)`, () => {
      try {
        parseRequirementsText(line, 'req.txt');
      } catch (e) {
        assert.ok(isVenvkitError(e, 'BAD_REQUIREMENT'), `${what}: ${(e as Error).message.slice(0, 200)}`);
      }
    });
    timed(`${what} (localLocation)`, () => localLocation(line, tmp));
    timed(`${what} (parseRequirement)`, () => {
      try {
        parseRequirement(line);
      } catch (e) {
        assert.ok(isVenvkitError(e, 'BAD_REQUIREMENT'), `${what}: ${(e as Error).message.slice(0, 200)}`);
        assert.ok((e as Error).message.length < 2000, `${what}: a ${(e as Error).message.length}-character message`);
      }
    });
  }
});

test('a requirements file of such lines is read in linear time', async () => {
  const file = join(tmp, 'hostile.txt');
  const keep = ['a name with no @', 'unclosed brackets', 'brackets then @', 'dashes in a name', 'dotted version', 'a long specifier list'];
  writeFileSync(file, LINES.filter(([what]) => keep.includes(what)).map(([, l]) => l).join('\n'));
  const started = performance.now();
  const read = await readRequirementFiles([{ path: file }], { env: {}, cwd: tmp });
  assert.equal(read.requirements.length, keep.length);
  assert.ok(performance.now() - started < LIMIT_MS * 2);
});

test('100k nested parentheses in a marker are a clear BAD_REQUIREMENT, not a stack overflow', () => {
  const deep = `${'('.repeat(100_000)}os_name == "posix"${')'.repeat(100_000)}`;
  for (const parse of [() => parseMarker(deep), () => parseRequirement(`x ; ${deep}`)]) {
    assert.throws(parse, (e: unknown) => {
      const m = (e as Error).message;
      return isVenvkitError(e, 'BAD_REQUIREMENT') && /nested more than 100 parentheses deep/.test(m) && m.length < 2000;
    });
  }
  // 100 levels are fine.
  const ok = `${'('.repeat(100)}os_name == "posix"${')'.repeat(100)}`;
  assert.equal(evaluateMarker(parseMarker(ok), ENV), true);
});

test('a 50k-term and/or chain parses, evaluates and prints without deep recursion', () => {
  const terms = 50_000;
  const chain = Array.from({ length: terms }, (_, i) => (i % 2 ? 'os_name == "posix"' : 'extra == "x"')).join(' and ');
  const m = timed('parse', () => parseMarker(chain));
  assert.equal(timed('evaluate', () => evaluateMarker(m, ENV, 'x')), true);
  assert.equal(evaluateMarker(m, ENV, 'y'), false);
  assert.equal(markerUsesExtra(m), true);
  assert.equal(timed('print', () => markerToString(m)).length, chain.length);
  const ors = Array.from({ length: terms }, () => 'os_name == "nt"').join(' or ');
  assert.equal(evaluateMarker(parseMarker(`(${ors}) or os_name == "posix"`), ENV), true);
});

test('a 10 MB metadata field gives an error of a few lines, not megabytes', () => {
  const huge = 'A'.repeat(10 * 2 ** 20);
  const cases: [string, () => unknown][] = [
    ['Requires-Dist name', () => parseRequirement(`${huge}!`)],
    ['Requires-Dist specifier', () => parseRequirement(`x (>=${huge})`)],
    ['Requires-Dist marker', () => parseRequirement(`x ; os_name == "posix" and ${huge} == "1"`)],
    ['Requires-Dist url', () => parseRequirement(`x @ ${huge}`)],
    ['marker', () => parseMarker(`os_name ${huge}`)],
    ['Requires-Python', () => new SpecifierSet(`>=${huge}`)],
    ['Version', () => parseVersion(huge)],
  ];
  for (const [what, f] of cases) {
    assert.throws(f, (e: unknown) => {
      const len = (e as Error).message.length + ((e as { hint?: string }).hint?.length ?? 0);
      assert.ok(isVenvkitError(e, 'BAD_REQUIREMENT'), `${what}: ${String(e).slice(0, 200)}`);
      assert.ok(len < 2000, `${what}: a ${len}-character error`);
      return true;
    });
  }
});

test('a wheel\'s entry_points.txt: a line of spaces parses in linear time, and __proto__ stays plain data', () => {
  const line = `a${' '.repeat(N)}!`;
  timed('entry point value', () => assert.throws(() => parseEntryPointValue(line), (e: unknown) => (e as Error).message.length < 1000));
  assert.deepEqual(parseEntryPointValue('  pkg . mod : main . run  [extra]  '), { module: 'pkg.mod', attr: 'main.run' });
  const eps = parseEntryPoints('[__proto__]\npolluted = yes\n[console_scripts]\n__proto__ = x:y\n');
  assert.equal(({} as Record<string, unknown>).polluted, undefined, 'Object.prototype was written');
  const own = (o: object | undefined, k: string) => (o ? Object.getOwnPropertyDescriptor(o, k)?.value : undefined);
  assert.deepEqual({ ...own(eps, '__proto__') }, { polluted: 'yes' });
  assert.equal(own(eps.console_scripts, '__proto__'), 'x:y');
});
