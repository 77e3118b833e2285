// Bundles the CLI into one file (fast start-up) and the library into another, then emits type
// declarations. Type errors do not stop the bundle; `npm run typecheck` (and the test suite) report them.
import { build } from 'esbuild';
import { spawnSync } from 'node:child_process';
import { rmSync, chmodSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
process.chdir(root);
rmSync('dist', { recursive: true, force: true });

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
  outdir: 'dist',
  splitting: true,
  chunkNames: 'chunks/[name]-[hash]',
  banner: { js: '#!/usr/bin/env node\n' + common.banner.js },
});
chmodSync('dist/cli.js', 0o755);

await build({ ...common, entryPoints: { index: 'src/index.ts' }, outdir: 'dist' });

if (!process.argv.includes('--no-types')) {
  const tsc = spawnSync(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.build.json'], { stdio: 'inherit' });
  if (tsc.status !== 0) console.error('build: type declarations emitted with errors (see above); run `npm run typecheck`');
}
