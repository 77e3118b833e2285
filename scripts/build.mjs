// Bundles the CLI into one file (fast start-up) and the library into another, then emits type
// declarations. Type errors do not stop the bundle; `npm run typecheck` (and the test suite) report them.
import { build } from 'esbuild';
import { spawnSync } from 'node:child_process';
import { rmSync, chmodSync, renameSync, existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
process.chdir(root);
// Build into a fresh directory and swap it in at the end, so a test or command running from dist/
// during a rebuild never finds it half-written.
const out = `dist.build-${process.pid}`;
rmSync(out, { recursive: true, force: true });

const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'esm',
  sourcemap: false,
  logLevel: 'warning',
  // createRequire lets bundled ESM use require() for Node built-ins if a dependency needs it.
  banner: { js: "import { createRequire as __vkCreateRequire } from 'node:module'; const require = __vkCreateRequire(import.meta.url);" },
};

await build({
  ...common,
  entryPoints: { cli: 'src/cli/main.ts' },
  outdir: out,
  splitting: true,
  chunkNames: 'chunks/[name]-[hash]',
  banner: { js: '#!/usr/bin/env node\n' + common.banner.js },
});
chmodSync(`${out}/cli.js`, 0o755);

await build({ ...common, entryPoints: { index: 'src/index.ts' }, outdir: out });

if (!process.argv.includes('--no-types')) {
  const tsc = spawnSync(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.build.json', '--declarationDir', `${out}/types`], { stdio: 'inherit' });
  if (tsc.status !== 0) console.error('build: type declarations emitted with errors (see above); run `npm run typecheck`');
}

const old = `dist.old-${process.pid}`;
if (existsSync('dist')) renameSync('dist', old);
renameSync(out, 'dist');
rmSync(old, { recursive: true, force: true });
