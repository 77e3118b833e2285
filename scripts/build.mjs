// Builds dist/: the CLI as CommonJS bundles — a small dispatcher (dist/cli.cjs) and one
// self-contained file per command (dist/commands/NAME.cjs), so a command loads two files through
// Node's synchronous CommonJS loader and no code it does not use (measured: ~30 ms less CPU per
// `venvkit create` than ESM chunks) — the library as one ESM file (dist/index.js) and one CommonJS
// file (dist/index.cjs), the unpack worker (dist/venvkit-worker.cjs), then type declarations. Type
// errors do not stop the bundle; `npm run typecheck` (and the test suite) report them.
import { build } from 'esbuild';
import { spawnSync } from 'node:child_process';
import { rmSync, chmodSync, cpSync, renameSync, existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, join, resolve } from 'node:path';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
process.chdir(root);
// Build into a fresh directory and swap it in at the end, so a test or command running from dist/
// during a rebuild never finds it half-written.
const out = `dist.build-${process.pid}`;
rmSync(out, { recursive: true, force: true });

const common = { bundle: true, platform: 'node', target: 'node20', sourcemap: false, logLevel: 'warning' };

const cjs = {
  ...common,
  format: 'cjs',
  // import() of bundled or external modules becomes require(): no trip through the ESM loader.
  supported: { 'dynamic-import': false },
  // Bundled modules that ask for their own URL (worker threads re-import their bundle) get the file's.
  // (computed when asked: node:url is not needed at start-up).
  define: { 'import.meta.url': '__venvkit_meta.url' },
  // (typeof: a host that bundles dist/index.cjs into an ES module has no __filename).
  banner: { js: 'var __venvkit_meta = { get url() { return typeof __filename === "string" ? require("node:url").pathToFileURL(__filename).href : undefined; } };' },
};
await build({ ...cjs, entryPoints: { cli: 'src/cli/main.ts' }, outdir: out, outExtension: { '.js': '.cjs' }, banner: { js: '#!/usr/bin/env node\n' + cjs.banner.js } });
chmodSync(`${out}/cli.cjs`, 0o755);
// Code that only some runs of a command reach (seeding pip, for `create` without --without-pip) is
// its own bundle, dist/commands/parts/NAME.cjs: a command bundle's dynamic import of it becomes a
// require() of that file when it is reached, so the other runs neither read nor compile it.
const PARTS = { seed: 'src/install/seed.ts', 'build-sources': 'src/build/prepare-sources.ts', 'dependency-groups': 'src/project/dependency-groups.ts', 'sync-apply': 'src/sync/apply.ts', 'pylock-install': 'src/lock/pylock-install.ts', 'resolve-lock': 'src/lock/resolve-lock.ts' };
const partOf = new Map(Object.entries(PARTS).map(([name, file]) => [resolve(file), name]));
const partsExternal = (prefix) => ({
  name: 'parts-external',
  setup(b) {
    b.onResolve({ filter: /^\./ }, (args) => {
      if (args.kind !== 'dynamic-import') return undefined;
      const name = partOf.get(resolve(args.resolveDir, args.path.replace(/\.js$/, '.ts')));
      return name ? { path: `${prefix}/${name}.cjs`, external: true } : undefined;
    });
  },
});
// resolve-lock (what a lock that is not a resolution-cache hit needs) reaches build-sources for a
// local project: it requires that part as `../parts/build-sources.cjs` (src/cli/code-cache.ts
// loads it the same way) rather than holding a copy the usual lock never runs.
const { 'resolve-lock': resolveLock, ...otherParts } = PARTS;
await build({ ...cjs, entryPoints: otherParts, outdir: `${out}/commands/parts`, outExtension: { '.js': '.cjs' } });
await build({ ...cjs, entryPoints: { 'resolve-lock': resolveLock }, outdir: `${out}/commands/parts`, outExtension: { '.js': '.cjs' }, plugins: [partsExternal('../parts')] });
const commands = readdirSync('src/cli/commands').filter((f) => f.endsWith('.ts')).map((f) => f.slice(0, -3));
await build({ ...cjs, entryPoints: Object.fromEntries(commands.map((c) => [c, `src/cli/commands/${c}.ts`])), outdir: `${out}/commands`, outExtension: { '.js': '.cjs' }, plugins: [partsExternal('./parts')] });

// The library: ESM (dist/index.js) and CommonJS (dist/index.cjs), and the unpack workers' own file
// (dist/venvkit-worker.cjs: the unpacker only, so a worker never loads the library or a host's bundle).
// src/index.ts is small (importing venvkit must be fast: bench task `import`); what does the work is
// src/lib.ts, which index.ts imports dynamically on the first call that needs it. So each format gets
// two files, dist/index.{js,cjs} and dist/lib.{js,cjs} (the few small modules both use are in both).
// One file each, not esbuild's ESM chunks: each ES module file costs a load of its own.
const libExternal = (file) => ({
  name: 'lib-external',
  setup(b) {
    b.onResolve({ filter: /^\.\/lib\.js$/ }, (args) => (args.kind === 'dynamic-import' ? { path: file, external: true } : undefined));
  },
});
// In an ES module, `import { readFileSync } from 'node:fs'` makes Node build fs's ESM facade, which
// reads every export of fs and so loads its lazy ones: fs streams and the whole stream stack, ~20
// internal modules (a third of what importing dist/index.js cost above an empty module). The entry
// takes the built-in modules it imports statically from process.getBuiltinModule instead (Node
// 20.16+; createRequire on older Node), each name picked only if used. Test: test/api/exports.test.ts.
const builtinsDirect = {
  name: 'builtins-direct',
  setup(b) {
    b.onResolve({ filter: /^node:/ }, (args) => {
      if (args.namespace === 'builtin') return { path: args.path, external: true }; // node:module, for the loader
      return args.kind === 'import-statement' ? { path: args.path, namespace: 'builtin' } : undefined;
    });
    b.onResolve({ filter: /^builtin-loader$/ }, () => ({ path: 'loader', namespace: 'builtin' }));
    b.onLoad({ filter: /^loader$/, namespace: 'builtin' }, () => ({
      loader: 'js',
      contents: "import { createRequire } from 'node:module';\n" +
        "export const builtin = typeof process.getBuiltinModule === 'function' ? (id) => process.getBuiltinModule(id) : createRequire(process.execPath);",
    }));
    b.onLoad({ filter: /^node:/, namespace: 'builtin' }, async (args) => {
      const { createRequire } = await import('node:module');
      const names = Object.keys(createRequire(import.meta.url)(args.path)).filter((k) => /^[A-Za-z_$][\w$]*$/.test(k) && k !== 'default');
      return {
        loader: 'js',
        contents: [
          "import { builtin } from 'builtin-loader';",
          `const m = builtin(${JSON.stringify(args.path)});`,
          'const pick = (k) => m[k];',
          'export default m;',
          // Pure: esbuild drops the names nobody imports, so their getters never run.
          ...names.map((k) => `export const ${k} = /* @__PURE__ */ pick(${JSON.stringify(k)});`),
        ].join('\n'),
      };
    });
  },
};
await build({ ...common, format: 'esm', entryPoints: { index: 'src/index.ts' }, outdir: out, plugins: [libExternal('./lib.js'), builtinsDirect] });
await build({ ...common, format: 'esm', entryPoints: { lib: 'src/lib.ts' }, outdir: out });
await build({ ...cjs, entryPoints: { index: 'src/index.ts' }, outdir: out, outExtension: { '.js': '.cjs' }, plugins: [libExternal('./lib.cjs')] });
await build({ ...cjs, entryPoints: { lib: 'src/lib.ts', 'venvkit-worker': 'src/plan-apply/unpack-worker.ts' }, outdir: out, outExtension: { '.js': '.cjs' } });

// The CLI reads its bundles as Latin-1 (src/cli/code-cache.ts), which is right because esbuild
// writes ASCII only (non-ASCII characters escaped): make sure it stays so.
for (const file of [`${out}/cli.cjs`, ...readdirSync(`${out}/commands`, { recursive: true }).filter((f) => f.endsWith('.cjs')).map((f) => `${out}/commands/${f}`)]) {
  if (/[^\x00-\x7f]/.test(readFileSync(file, 'latin1'))) throw new Error(`build: ${file} is not ASCII; src/cli/code-cache.ts reads bundles as Latin-1`);
}

if (!process.argv.includes('--no-types')) {
  const tsc = spawnSync(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.build.json', '--declarationDir', `${out}/types`], { stdio: 'inherit' });
  if (tsc.status !== 0) console.error('build: type declarations emitted with errors (see above); run `npm run typecheck`');
  // The same declarations for `require` (package.json exports): TypeScript (module node16/nodenext)
  // reads dist/types as ES modules ("type": "module"); under dist/types-cjs a package.json says
  // CommonJS, so a CommonJS consumer's `require('venvkit')` type-checks as what it gets, dist/index.cjs.
  cpSync(`${out}/types`, `${out}/types-cjs`, { recursive: true });
  writeFileSync(`${out}/types-cjs/package.json`, '{ "type": "commonjs" }\n');
}

const old = `dist.old-${process.pid}`;
if (existsSync('dist')) renameSync('dist', old);
renameSync(out, 'dist');
rmSync(old, { recursive: true, force: true });
