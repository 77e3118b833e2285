// The public API as a host gets it from dist/: what is exported (and what is not), the isVenvkitError
// guard across the ESM and CommonJS copies, the exported types, and that importing venvkit loads only
// the small entry file (the rest on the first call that needs it).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ROOT } from '../helpers/cli.js';

const esmUrl = pathToFileURL(join(ROOT, 'dist', 'index.js')).href;
const cjsPath = join(ROOT, 'dist', 'index.cjs');

const PUBLIC = [
  'VenvkitError', 'isVenvkitError', 'findPython', 'listPythons', 'probeInterpreter', 'parseSpec', 'createVenv', 'openVenv',
  'removeVenv', 'checkHealth', 'locateVenv', 'installRequirements', 'installWheel', 'installWheels', 'uninstall',
  'readRequirementFiles', 'loadPipConfig', 'buildDistributions', 'readPyproject', 'listInstalled',
  'freeze', 'readDists', 'checkInstalled', 'resolveEnvironment', 'findEnvironments', 'watchEnvironments',
  'Version', 'parseVersion', 'compareVersions', 'Specifier', 'SpecifierSet', 'parseRequirement', 'parseMarker',
  'evaluateMarker', 'markerEnvironment', 'compatibleTags', 'lock', 'writeLock', 'sync',
  'cacheDir', 'cacheInfo', 'cleanCache', 'pruneCache', 'listBuiltWheels', 'removeBuiltWheels',
].sort();

test('ESM and CommonJS entries export the same public names, and no internal helper', async () => {
  const esm = Object.keys(await import(esmUrl)).sort();
  const cjs = Object.keys(createRequire(import.meta.url)(cjsPath)).filter((k) => k !== 'default' && k !== '__esModule').sort();
  assert.deepEqual(esm, PUBLIC);
  assert.deepEqual(cjs, PUBLIC);
  for (const internal of ['unpackForWorker', 'IndexClient', 'IndexProvider', 'lockEnv', 'chooseEnvDir', 'applyFlags', 'seedPackages', 'resolve', 'resolveRequirements', 'NoSolutionError', 'freezeLine']) {
    assert.ok(!esm.includes(internal), internal);
  }
});

test('isVenvkitError recognises errors thrown by either copy (ESM, CommonJS), by code, not instanceof', async () => {
  const esm = await import(esmUrl);
  const cjs = createRequire(import.meta.url)(cjsPath);
  const dir = mkdtempSync(join(tmpdir(), 'vk-guard-'));
  try {
    for (const [thrower, guard] of [[esm, cjs], [cjs, esm]]) {
      const e = await thrower.openVenv(join(dir, 'none')).catch((x: unknown) => x);
      assert.equal(guard.isVenvkitError(e), true);
      assert.equal(guard.isVenvkitError(e, 'VENV_NOT_FOUND'), true);
      assert.equal(guard.isVenvkitError(e, 'NO_SOLUTION'), false);
      assert.equal(e instanceof guard.VenvkitError, true);
    }
    for (const v of [new Error('x'), { code: 'VENV_NOT_FOUND', message: 'forged' }, null, undefined, 'VENV_NOT_FOUND']) {
      assert.equal(esm.isVenvkitError(v), false);
      assert.equal(cjs.isVenvkitError(v), false);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the declarations export OpenOptions, IndexFlags and the option types, and no internal helper', () => {
  const dts = readFileSync(join(ROOT, 'dist', 'types', 'index.d.ts'), 'utf8');
  for (const name of ['OpenOptions', 'IndexFlags', 'RemoveVenvOptions', 'isVenvkitError', 'removeVenv', 'InstallOptions', 'CreateVenvOptions']) assert.match(dts, new RegExp(`\\b${name}\\b`), name);
  assert.doesNotMatch(dts, /unpackForWorker|IndexClient|lockEnv|chooseEnvDir/);
  // A host's TypeScript file using them type-checks against the shipped declarations.
  const dir = mkdtempSync(join(ROOT, 'test', 'api', '.tmp-types-'));
  try {
    writeFileSync(join(dir, 'host.ts'), `import { openVenv, removeVenv, isVenvkitError, type OpenOptions, type IndexFlags, type InstallOptions } from '../../../dist/types/index.js';
const o: OpenOptions = { probe: false };
const f: IndexFlags = { noIndex: true, findLinks: ['/wheels'] };
const i: InstallOptions = { index: f };
export async function main(): Promise<string> {
  try {
    const v = await openVenv('.venv', o);
    await removeVenv(v.root);
    return String(i.index?.noIndex);
  } catch (e) {
    if (isVenvkitError(e, 'VENV_NOT_FOUND')) return e.code + (e.hint ?? '');
    throw e;
  }
}
`);
    const r = spawnSync(process.execPath, [join(ROOT, 'node_modules/typescript/bin/tsc'), '--noEmit', '--strict', '--skipLibCheck', 'false', '--module', 'node16', '--moduleResolution', 'node16', '--target', 'es2022', '--types', 'node', join(dir, 'host.ts')], { cwd: ROOT, encoding: 'utf8' });
    assert.equal(r.status, 0, r.stdout + r.stderr);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('importing venvkit loads only its entry file; the first call loads the rest', () => {
  const probe = (entry: string) => spawnSync(process.execPath, ['-e', `
    const before = new Set(Object.keys(require.cache));
    const vk = require(${JSON.stringify(entry)});
    const loaded = () => Object.keys(require.cache).filter((k) => !before.has(k)).map((k) => require('path').basename(k));
    const atImport = loaded();
    vk.openVenv('/nonexistent-venvkit-test').catch(() => { console.log(JSON.stringify({ atImport, afterCall: loaded() })); });
  `], { encoding: 'utf8' });
  const r = probe(cjsPath);
  assert.equal(r.status, 0, r.stderr);
  const { atImport, afterCall } = JSON.parse(r.stdout);
  assert.deepEqual(atImport, ['index.cjs']);
  assert.deepEqual(afterCall, ['index.cjs', 'lib.cjs']);
  // ESM: the entry has no static import of the library file.
  const index = readFileSync(join(ROOT, 'dist', 'index.js'), 'utf8');
  assert.doesNotMatch(index, /^import .*["']\.\/lib\.js["']/m);
  assert.match(index, /import\(["']\.\/lib\.js["']\)/);
});

test('importing the ESM entry loads no Node built-in that importing an empty module does not, but os and module (not fs streams)', () => {
  // `import ... from 'node:fs'` in an ES module builds fs's ESM facade, which loads fs streams and the
  // stream stack (scripts/build.mjs: builtins-direct); the entry gets its built-ins without facades.
  const dir = mkdtempSync(join(tmpdir(), 'vk-builtins-'));
  try {
    writeFileSync(join(dir, 'empty.mjs'), '');
    const extra = (url: string) => {
      const r = spawnSync(process.execPath, ['--input-type=module', '-e', `
        const before = new Set(process.moduleLoadList);
        await import(${JSON.stringify(url)});
        console.log(JSON.stringify(process.moduleLoadList.filter((m) => !before.has(m))));
      `], { encoding: 'utf8' });
      assert.equal(r.status, 0, r.stderr);
      return JSON.parse(r.stdout) as string[];
    };
    const floor = new Set(extra(pathToFileURL(join(dir, 'empty.mjs')).href));
    const added = extra(esmUrl).filter((m) => !floor.has(m));
    const allowed = /^(NativeModule (os|module|internal\/source_map\/source_map)|Internal Binding os)$/;
    assert.deepEqual(added.filter((m) => !allowed.test(m)), [], `importing dist/index.js loaded: ${added.join(', ')}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
