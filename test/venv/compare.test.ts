// Every interpreter here: venvkit's env must be what `python -m venv --without-pip` of the same
// interpreter makes (tree, link targets, pyvenv.cfg), and the env's own interpreter must agree.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { lstatSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { createVenv } from '../../src/venv/create.js';
import { GITIGNORE } from '../../src/venv/layout.js';
import { describeTree, interpreters, removeDir, tempDir, testEnv } from '../helpers/venv.js';

let dir: string;
let env: NodeJS.ProcessEnv;
before(() => {
  dir = tempDir('compare');
  env = testEnv(join(dir, 'cache'));
});
after(() => removeDir(dir));

interface Variant { name: string; venvArgs: string[]; options: Parameters<typeof createVenv>[1] }
const VARIANTS: Variant[] = [
  { name: 'default', venvArgs: [], options: {} },
  { name: 'copies', venvArgs: ['--copies'], options: { copies: true } },
  { name: 'ssp-prompt', venvArgs: ['--system-site-packages', '--prompt', "it's (mine)"], options: { systemSitePackages: true, prompt: "it's (mine)" } },
  { name: 'no-scm', venvArgs: ['--without-scm-ignore-files'], options: { withoutScmIgnoreFiles: true } },
];

/** venv's tree made under `root`, normalised like ours. */
function normalise(lines: string[], root: string): string[] {
  return lines.map((l) => l.split(root).join('<ENV>'));
}

const minorOf = (path: string) => Number(spawnSync(path, ['-c', 'import sys; print(sys.version_info[1])'], { encoding: 'utf8' }).stdout.trim());

for (const it of interpreters()) {
  test(`same env as python -m venv: ${it.name}`, async () => {
    const minor = minorOf(it.path);
    for (const v of VARIANTS) {
      if (v.name === 'no-scm' && minor < 13) continue; // the flag exists from 3.13
      // Debian's PyPy venv --copies also copies all of /usr/lib (and fails): venvkit copies the executables only.
      const refOk = !(it.version === 'pypy' && v.name === 'copies');
      const ours = join(dir, `${it.name}-${v.name}`, 'env');
      const theirs = join(dir, `${it.name}-${v.name}`, 'ref');
      const r = await createVenv(ours, { python: it.path, withoutPip: true, env, ...v.options });
      assert.equal(r.action, 'created');
      const mine = describeTree(ours).map((l) => l.split(ours).join('<ENV>'));
      if (refOk) {
        const made = spawnSync(it.path, ['-m', 'venv', '--without-pip', ...v.venvArgs, theirs], { encoding: 'utf8' });
        assert.equal(made.status, 0, made.stderr);
        // venv's `command` names the dir it was given; ours names our dir: normalise both to <ENV>.
        let expected = normalise(describeTree(theirs), theirs);
        // venvkit writes .gitignore for every version (venv from 3.13): expect it where venv does not.
        if (minor < 13 && v.name !== 'no-scm') expected = [...expected.filter((l) => !l.startsWith('pyvenv.cfg') ), ...GITIGNORE.split('\n').map((l) => `.gitignore: ${l}`), ...expected.filter((l) => l.startsWith('pyvenv.cfg'))];
        const sort = (a: string[]) => [...a].sort();
        // A fresh env has .gitignore as a file in the listing too.
        if (minor < 13 && v.name !== 'no-scm') expected.push('f .gitignore');
        assert.deepEqual(sort(mine), sort(expected), `${it.name} ${v.name}`);
        // Copies: same bytes as venv's copies.
        if (v.name === 'copies') {
          for (const l of mine.filter((x) => x.startsWith('f bin/'))) {
            const rel = l.split(' ')[1];
            assert.equal(statSync(join(ours, rel)).size, statSync(join(theirs, rel)).size, rel);
          }
        }
      }
      // Ask the env's own interpreter.
      const q = spawnSync(join(ours, 'bin', 'python'), ['-c', [
        'import sys, sysconfig, json, site',
        'print(json.dumps({"prefix": sys.prefix, "base": sys.base_prefix, "path": sys.path, "purelib": sysconfig.get_path("purelib"), "base_sp": [p for p in site.getsitepackages([sys.base_prefix])] if hasattr(site, "getsitepackages") else []}))',
      ].join('\n')], { encoding: 'utf8' });
      assert.equal(q.status, 0, q.stderr);
      const facts = JSON.parse(q.stdout);
      assert.equal(facts.prefix, ours, `${it.name} ${v.name}: sys.prefix is the env`);
      assert.notEqual(facts.base, ours);
      assert.equal(facts.purelib, r.paths.purelib);
      assert.ok(facts.path.includes(r.paths.purelib), `${it.name}: env site-packages on sys.path`);
      const baseSp: string[] = facts.base_sp.filter((p: string) => p.includes('site-packages') || p.includes('dist-packages'));
      const onPath = baseSp.filter((p) => facts.path.includes(p));
      if (v.options?.systemSitePackages) assert.ok(onPath.length > 0, `${it.name}: base site-packages on sys.path with --system-site-packages`);
      else assert.deepEqual(onPath, [], `${it.name}: base site-packages not on sys.path`);
      const exe = lstatSync(join(ours, 'bin', 'python'));
      assert.equal(exe.isSymbolicLink(), v.name !== 'copies', `${it.name} ${v.name}: bin/python is ${v.name === 'copies' ? 'a real file' : 'a link'}`);
      if (v.options?.prompt) {
        const cfg = readFileSync(join(ours, 'pyvenv.cfg'), 'utf8');
        if (minor >= 8) assert.match(cfg, /^prompt = "it's \(mine\)"$/m);
        assert.equal(r.prompt, "it's (mine)");
      }
    }
  });
}

test("a hostile directory name (spaces, quotes, $, unicode) gives venv's env too", async () => {
  const it = interpreters().find((i) => i.version.startsWith('3.13')) ?? interpreters()[0];
  const name = `my env 'q' "d" $HOME ü`;
  const ours = join(dir, 'hostile-ours', name);
  const theirs = join(dir, 'hostile-ref', name);
  await createVenv(ours, { python: it.path, withoutPip: true, env, prompt: name });
  const made = spawnSync(it.path, ['-m', 'venv', '--without-pip', '--prompt', name, theirs], { encoding: 'utf8' });
  assert.equal(made.status, 0, made.stderr);
  const sort = (a: string[]) => [...a].sort();
  assert.deepEqual(sort(describeTree(ours).map((l) => l.split(ours).join('<ENV>'))), sort(normalise(describeTree(theirs), theirs)));
  const q = spawnSync(join(ours, 'bin', 'python'), ['-c', 'import sys; print(sys.prefix)'], { encoding: 'utf8' });
  assert.equal(q.stdout.trim(), ours);
});
