// Runs every *.test.ts under test/ with Node's own test runner, compiled to JavaScript first
// (test/compile.mjs). Usage: node test/run.mjs [filter...]   (filters match file paths)
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { compileTests } from './compile.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const walk = (dir) => readdirSync(dir).flatMap((name) => {
  const p = join(dir, name);
  return statSync(p).isDirectory() ? (name === 'fixtures' ? [] : walk(p)) : name.endsWith('.test.ts') ? [p] : [];
});
// Tests run the built CLI (dist/), as users do; `npm test` builds it first.
if (!existsSync(join(root, 'dist', 'cli.cjs'))) {
  console.error('dist/ is missing: run `npm run build` first (or `npm test`, which builds)');
  process.exit(1);
}
const filters = process.argv.slice(2);
const files = walk(join(root, 'test')).filter((f) => filters.length === 0 || filters.some((x) => f.includes(x))).sort();
if (files.length === 0) {
  console.error('no test files matched');
  process.exit(1);
}
// Compiled into a directory of this run's own (runs may overlap); one a killed run left is removed
// by the next.
const cache = join(root, 'node_modules', '.cache', 'venvkit-tests');
mkdirSync(cache, { recursive: true });
const alive = (pid) => { try { process.kill(pid, 0); return true; } catch (e) { return e.code === 'EPERM'; } };
for (const name of readdirSync(cache)) {
  const pid = Number(/^run-(\d+)-/.exec(name)?.[1]);
  if (pid && !alive(pid)) rmSync(join(cache, name), { recursive: true, force: true });
}
const compiled = mkdtempSync(join(cache, `run-${process.pid}-`));
try {
  await compileTests(root, compiled, files);
} catch {
  // (esbuild has printed where and why)
  rmSync(compiled, { recursive: true, force: true });
  console.error('the tests do not compile: see above');
  process.exit(1);
}
const concurrency = process.env.VENVKIT_TEST_CONCURRENCY ?? '2';
const args = ['--enable-source-maps', '--test', `--test-concurrency=${concurrency}`, '--test-reporter=spec', ...files.map((f) => relative(root, join(compiled, relative(root, f).replace(/\.ts$/, '.js'))))];
// Test-only tools that Debian does not package (scripts/test-tools.sh) come first on PATH.
const env = { ...process.env, PATH: `${join(root, '.tools', 'bin')}:${process.env.PATH ?? ''}` };
// Every Node process started with NODE_EXTRA_CA_CERTS reads and parses that bundle first (~40 ms
// of CPU here, where the machine sets it), and the suite starts thousands of them. The tests reach
// only 127.0.0.1 (a test of TLS names its own certificates), so they run as on most users' machines.
delete env.NODE_EXTRA_CA_CERTS;
// pip's default index (pypi.org) cannot be reached from a test machine whose pip configuration adds
// local indexes beside it: pip (and venvkit, which reads the same setting) would wait through three
// retries with back-off (~8 s) for each project before using the local ones. One try fails at once.
// A test of retrying passes --retries itself.
env.PIP_RETRIES ??= '0';
// Things the test files may share within this run, rather than each file making its own: one pip
// 26.2 env to copy (test/helpers/real-pip.ts), and per interpreter a cache holding pip's compiled
// seed bytecode to copy (test/helpers/seed-cache.ts). Removed at the end.
env.VENVKIT_TEST_SHARED = mkdtempSync(join(tmpdir(), 'vk-test-shared-'));
const r = spawnSync(process.execPath, args, { cwd: root, stdio: 'inherit', env });
rmSync(env.VENVKIT_TEST_SHARED, { recursive: true, force: true });
rmSync(compiled, { recursive: true, force: true });
process.exit(r.status ?? 1);
