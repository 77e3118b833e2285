// PEP 735 dependency groups: plain data (normalised names, include-group, cycles, unknown groups,
// duplicates after normalisation, bad items), pip's `--group [path:]name` syntax, and the same
// pyproject.toml files expanded by pip 26.2 itself (its parse_dependency_groups, and one
// `pip install --dry-run --report --group`) for comparison.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseGroupArg, readGroupRequirements, resolveDependencyGroups } from '../../src/project/dependency-groups.js';
import { isVenvkitError } from '../../src/errors.js';
import { parseRequirement } from '../../src/pep/pep508.js';
import { realPip } from '../helpers/real-pip.js';

const tmp = mkdtempSync(join(tmpdir(), 'vk-groups-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

const DATA = {
  'dependency-groups': {
    Test: ['pytest>=7', { 'include-group': 'Typing_Extras' }, 'coverage[toml] ; python_version >= "3.8"'],
    'typing.extras': ['mypy==1.*', 'types-requests'],
    docs: ['sphinx', { 'include-group': 'test' }],
    empty: [],
  },
};

test('groups: normalised names, includes expanded in place, several groups in order', () => {
  assert.deepEqual(resolveDependencyGroups(DATA, ['test'], 'p'), ['pytest>=7', 'mypy==1.*', 'types-requests', 'coverage[toml] ; python_version >= "3.8"']);
  assert.deepEqual(resolveDependencyGroups(DATA, ['TYPING-EXTRAS', 'empty', 'docs'], 'p'), ['mypy==1.*', 'types-requests', 'sphinx', 'pytest>=7', 'mypy==1.*', 'types-requests', 'coverage[toml] ; python_version >= "3.8"']);
});

test('groups: errors name the file and the group, with a hint', () => {
  const f = '/x/pyproject.toml';
  const cases: [unknown, string[], RegExp][] = [
    [{ project: {} }, ['a'], /\/x\/pyproject\.toml: \[dependency-groups\] table was missing/],
    [{ 'dependency-groups': ['a'] }, ['a'], /table was malformed/],
    [DATA, ['nope'], /resolution failed for 'nope': Dependency group 'nope' not found/],
    [{ 'dependency-groups': { a: [{ 'include-group': 'b' }], b: [{ 'include-group': 'c' }], c: [{ 'include-group': 'A' }] } }, ['a'], /Cyclic dependency group include while resolving a: a -> b -> c -> a/],
    [{ 'dependency-groups': { a: [{ 'include-group': 'a' }] } }, ['a'], /a includes itself/],
    [{ 'dependency-groups': { a: [{ 'include-group': 'missing' }] } }, ['a'], /Dependency group 'missing' not found/],
    [{ 'dependency-groups': { 'Foo.Bar': ['x'], foo_bar: ['y'] } }, ['foo-bar'], /Duplicate dependency group names: foo-bar \(Foo\.Bar, foo_bar\)/],
    [{ 'dependency-groups': { a: 'pytest' } }, ['a'], /contained a string rather than a list/],
    [{ 'dependency-groups': { a: [{ 'include-group': 'b', extra: 1 }], b: [] } }, ['a'], /Invalid dependency group item in 'a'/],
    [{ 'dependency-groups': { a: [3] } }, ['a'], /Invalid dependency group item in 'a': 3/],
    [{ 'dependency-groups': { a: ['not a req !!'] } }, ['a'], /invalid requirement 'not a req !!'/],
  ];
  for (const [data, names, msg] of cases) {
    assert.throws(() => resolveDependencyGroups(data, names, f), (e: unknown) => {
      assert.ok(isVenvkitError(e, 'BAD_DEPENDENCY_GROUP'), String(e));
      assert.match((e as Error).message, msg);
      assert.ok((e as Error).message.startsWith(f));
      assert.ok((e as { hint?: string }).hint);
      return true;
    });
  }
});

test('--group [path:]name, as pip 26 splits it', () => {
  assert.deepEqual(parseGroupArg('test', '/w'), { path: '/w/pyproject.toml', group: 'test' });
  assert.deepEqual(parseGroupArg('sub/pyproject.toml:dev', '/w'), { path: '/w/sub/pyproject.toml', group: 'dev' });
  assert.deepEqual(parseGroupArg('/abs/pyproject.toml:dev', '/w'), { path: '/abs/pyproject.toml', group: 'dev' });
  assert.deepEqual(parseGroupArg('a:b/pyproject.toml:dev', '/w'), { path: '/w/a:b/pyproject.toml', group: 'dev' });
  for (const bad of ['setup.cfg:dev', 'sub/:dev', 'pyproject.toml.bak:x']) {
    assert.throws(() => parseGroupArg(bad, '/w'), (e: unknown) => isVenvkitError(e, 'USAGE') && /group paths use 'pyproject\.toml' filenames/.test((e as Error).message));
  }
});

test('readGroupRequirements: files read once, missing file and bad TOML named with line and column', async () => {
  const dir = join(tmp, 'read');
  mkdirSync(join(dir, 'sub'), { recursive: true });
  writeFileSync(join(dir, 'pyproject.toml'), '[dependency-groups]\ntest = ["six", {include-group = "lint"}]\nlint = ["idna>=2"]\n');
  writeFileSync(join(dir, 'sub', 'pyproject.toml'), '[dependency-groups]\nother = [\n  "attrs",\n  oops\n]\n');
  const got = await readGroupRequirements([parseGroupArg('test', dir), parseGroupArg('lint', dir)]);
  assert.deepEqual(got.map((r) => r.requirement), ['six', 'idna>=2', 'idna>=2']);
  await assert.rejects(readGroupRequirements([parseGroupArg('sub/pyproject.toml:other', dir)]), (e: unknown) => isVenvkitError(e, 'BAD_DEPENDENCY_GROUP') && /sub\/pyproject\.toml at line 4, column \d+/.test((e as Error).message));
  await assert.rejects(readGroupRequirements([parseGroupArg('x', join(dir, 'nothing'))]), (e: unknown) => isVenvkitError(e, 'BAD_DEPENDENCY_GROUP') && /nothing\/pyproject\.toml not found/.test((e as Error).message));
});

test('the same files expanded by pip 26.2: same requirements, same failures', { timeout: 300_000 }, async (t) => {
  const pip = realPip(t, join(tmp, 'pipenv'));
  if (!pip) return;
  const projects: Record<string, string> = {
    plain: '[dependency-groups]\nTest = ["six>=1.0", {include-group = "Lint.Tools"}, "attrs ; python_version >= \'3.8\'"]\n"lint_tools" = ["idna", "certifi"]\ndocs = [{include-group = "test"}, "iniconfig"]\n',
    cycle: '[dependency-groups]\na = [{include-group = "b"}]\nb = [{include-group = "c"}]\nc = ["six", {include-group = "a"}]\n',
    dup: '[dependency-groups]\n"Foo.Bar" = ["six"]\nfoo_bar = ["idna"]\n',
    missing: '[project]\nname = "x"\n',
  };
  const runPip = (dir: string, groups: string[]) => pip.run(['-c', `import json,sys
from pip._internal.req.req_dependency_group import parse_dependency_groups
from pip._internal.exceptions import InstallationError
try:
    print(json.dumps(parse_dependency_groups([("pyproject.toml", g) for g in sys.argv[1:]])))
except InstallationError as e:
    print(json.dumps({"error": str(e)}))`, ...groups], { cwd: dir });
  const cases: [string, string[]][] = [['plain', ['test']], ['plain', ['DOCS', 'lint-tools']], ['plain', ['nope']], ['cycle', ['a']], ['dup', ['foo-bar']], ['missing', ['x']]];
  for (const [name, groups] of cases) {
    const dir = join(tmp, `cmp-${name}`);
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'pyproject.toml'), projects[name]!);
    const r = runPip(dir, groups);
    assert.equal(r.status, 0, r.stderr);
    const theirs = JSON.parse(r.stdout) as string[] | { error: string };
    let ours: string[] | { error: string };
    try {
      ours = (await readGroupRequirements(groups.map((g) => parseGroupArg(g, dir)))).map((x) => x.requirement);
    } catch (e) {
      ours = { error: (e as Error).message };
    }
    if (Array.isArray(theirs)) {
      assert.ok(Array.isArray(ours), `${name} ${groups}: pip resolved it, venvkit said ${JSON.stringify(ours)}`);
      // pip prints packaging's normal form; compare what each requirement means.
      const meaning = (s: string) => {
        const q = parseRequirement(s);
        return `${q.key}[${q.extras}]${String(q.specifier)};${q.marker ? 'marker' : ''}`;
      };
      assert.deepEqual(ours.map(meaning), theirs.map(meaning), `${name} ${groups}`);
    } else {
      assert.ok(!Array.isArray(ours), `${name} ${groups}: pip failed (${theirs.error}), venvkit resolved ${JSON.stringify(ours)}`);
    }
  }
  // And a real install plan: pip --dry-run --report with --group asks for exactly these projects.
  const dir = join(tmp, 'cmp-plain');
  const rep = pip.run(['-m', 'pip', 'install', '--dry-run', '--quiet', '--no-deps', '--report', '-', '--index-url', pip.index, '--group', 'docs'], { cwd: dir });
  assert.equal(rep.status, 0, rep.stderr);
  const requested = (JSON.parse(rep.stdout) as { install: { requested: boolean; metadata: { name: string } }[] }).install
    .filter((i) => i.requested).map((i) => i.metadata.name.toLowerCase()).sort();
  const ours = (await readGroupRequirements([parseGroupArg('docs', dir)])).map((x) => parseRequirement(x.requirement).key).sort();
  assert.deepEqual(ours, requested);
});
