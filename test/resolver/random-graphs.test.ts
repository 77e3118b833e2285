// Property test: on many small random package graphs, every answer the solver gives is a valid
// installation, and it reports "no solution" only when an exhaustive search finds none either.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { resolve, NoSolutionError } from '../../src/resolver/solver.js';
import { SpecifierSet } from '../../src/pep/pep440-specifiers.js';
import { parseVersion } from '../../src/pep/pep440.js';
import type { MarkerEnvironment } from '../../src/pep/markers.js';
import { MemoryProvider, type FakeIndex } from './memory-provider.js';

const env = { python_version: '3.11', python_full_version: '3.11.7' } as MarkerEnvironment;

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

const NAMES = ['a', 'b', 'c', 'd', 'e'];
const VERSIONS = ['1', '2', '3'];
const SPECS = ['', '>=2', '<2', '==1', '==2', '==3', '!=2', '<3', '>=3'];

function randomIndex(r: () => number, versions = VERSIONS, specs = SPECS, density = 0.35): { index: FakeIndex; roots: string[] } {
  const index: FakeIndex = {};
  for (const n of NAMES) {
    index[n] = {};
    for (const v of versions) {
      if (r() < 0.15) continue;
      const deps: string[] = [];
      for (const m of NAMES) if (m > n && r() < density) deps.push(m + specs[Math.floor(r() * specs.length)]);
      index[n]![v] = deps;
    }
  }
  const roots = NAMES.filter(() => r() < 0.4).map((n) => n + specs[Math.floor(r() * specs.length)]);
  if (roots.length === 0) roots.push('a');
  return { index, roots };
}

const split = (req: string) => {
  const m = /^([a-z]+)(.*)$/.exec(req)!;
  return { name: m[1]!, spec: new SpecifierSet(m[2]!) };
};

function valid(index: FakeIndex, roots: string[], chosen: Record<string, string>): boolean {
  const ok = (req: string) => {
    const { name, spec } = split(req);
    return chosen[name] !== undefined && spec.matches(parseVersion(chosen[name]!));
  };
  if (!roots.every(ok)) return false;
  return Object.entries(chosen).every(([n, v]) => index[n]?.[v] !== undefined && (index[n]![v] as string[]).every(ok));
}

function exists(index: FakeIndex, roots: string[]): boolean {
  const options = NAMES.map((n) => [undefined, ...Object.keys(index[n] ?? {})]);
  const pick: Record<string, string> = {};
  const walk = (k: number): boolean => {
    if (k === NAMES.length) return valid(index, roots, pick);
    for (const v of options[k]!) {
      if (v === undefined) delete pick[NAMES[k]!];
      else pick[NAMES[k]!] = v;
      if (walk(k + 1)) return true;
    }
    delete pick[NAMES[k]!];
    return false;
  };
  return walk(0);
}

test('random graphs: valid answers, and "no solution" only when there is none', async () => {
  let solved = 0;
  let unsolvable = 0;
  for (let seed = 1; seed <= 400; seed++) {
    const { index, roots } = randomIndex(rng(seed));
    const possible = exists(index, roots);
    try {
      const r = await resolve(roots, new MemoryProvider(index), { env });
      const chosen = Object.fromEntries(r.packages.map((p) => [p.name, p.version]));
      assert.ok(valid(index, roots, chosen), `seed ${seed}: invalid answer ${JSON.stringify(chosen)} for ${roots} in ${JSON.stringify(index)}`);
      solved++;
    } catch (e) {
      if (!(e instanceof NoSolutionError)) throw e;
      assert.ok(!possible, `seed ${seed}: solver found no solution but one exists for ${roots} in ${JSON.stringify(index)}\n${e.explanation}`);
      assert.ok(e.explanation.length > 0);
      unsolvable++;
    }
  }
  assert.ok(solved > 50 && unsolvable > 50, `a mix of cases (${solved} solved, ${unsolvable} unsolvable)`);
});

test('random graphs with many versions: re-prioritisation after repeated conflicts stays sound', async (t) => {
  // Seven versions each and dense, narrow dependencies: packages reject each other's versions
  // often enough that culprits are decided late and their decisions undone (priorities.ts).
  const versions = ['1', '2', '3', '4', '5', '6', '7'];
  const specs = ['', '>=4', '<3', '==1', '==5', '==7', '!=6', '<6', '>=6', '>=2,<4'];
  let solved = 0;
  let unsolvable = 0;
  let reprioritised = 0;
  for (let seed = 1; seed <= 150; seed++) {
    const { index, roots } = randomIndex(rng(seed), versions, specs, 0.6);
    const possible = exists(index, roots);
    try {
      const r = await resolve(roots, new MemoryProvider(index), { env });
      const chosen = Object.fromEntries(r.packages.map((p) => [p.name, p.version]));
      assert.ok(valid(index, roots, chosen), `seed ${seed}: invalid answer ${JSON.stringify(chosen)} for ${roots} in ${JSON.stringify(index)}`);
      reprioritised += r.stats.reprioritised;
      solved++;
    } catch (e) {
      if (!(e instanceof NoSolutionError)) throw e;
      assert.ok(!possible, `seed ${seed}: solver found no solution but one exists for ${roots} in ${JSON.stringify(index)}\n${e.explanation}`);
      unsolvable++;
    }
  }
  assert.ok(solved > 20 && unsolvable > 20, `a mix of cases (${solved} solved, ${unsolvable} unsolvable)`);
  t.diagnostic(`${solved} solved, ${unsolvable} unsolvable, ${reprioritised} packages re-prioritised`);
  assert.ok(reprioritised > 0, 'some resolutions re-prioritised packages');
});
