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

function randomIndex(r: () => number): { index: FakeIndex; roots: string[] } {
  const index: FakeIndex = {};
  for (const n of NAMES) {
    index[n] = {};
    for (const v of VERSIONS) {
      if (r() < 0.15) continue;
      const deps: string[] = [];
      for (const m of NAMES) if (m > n && r() < 0.35) deps.push(m + SPECS[Math.floor(r() * SPECS.length)]);
      index[n]![v] = deps;
    }
  }
  const roots = NAMES.filter(() => r() < 0.4).map((n) => n + SPECS[Math.floor(r() * SPECS.length)]);
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
