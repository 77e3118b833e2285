// Compiles the test files of a run, and the TypeScript they load (test/'s helpers, src/), to plain
// JavaScript once per run, so each test process starts as plain Node rather than loading tsx (its
// loader hooks and its esbuild service cost ~0.6 s of CPU in every one of the ~130 test processes).
//
// Each file is compiled on its own, as tsx does (no bundling: a test loads the same modules, in the
// same order, as from the sources), into OUT/<same path>.js, where relative imports (`./x.js`)
// resolve. `import.meta.url`, `.dirname` and `.filename` are the source file's, so what a file
// finds next to itself (fixtures, ROOT, dist/, a script it runs) is what it finds when run from the
// sources. OUT/bench points at bench/ (test/bench imports its .mjs files), and packages resolve from
// the checkout's node_modules (OUT is inside it). Inline source maps keep failure stacks pointing
// at the .ts lines.
import { build } from 'esbuild';
import { readdirSync, readFileSync, realpathSync, statSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const tsFiles = (dir) => readdirSync(dir).flatMap((name) => {
  const p = join(dir, name);
  return statSync(p).isDirectory() ? (name === 'fixtures' ? [] : tsFiles(p)) : name.endsWith('.ts') && !name.endsWith('.d.ts') ? [p] : [];
});

/**
 * Compiles the test files `tests` (paths), test/'s other modules (helpers) and src/ into out (an
 * empty directory inside root/node_modules).
 */
export async function compileTests(root, out, tests) {
  // (Node runs a file by its real path: the paths swapped in the compiled files must be real ones.)
  [root, out] = [realpathSync(root), realpathSync(out)];
  const { compilerOptions } = JSON.parse(readFileSync(join(root, 'tsconfig.json'), 'utf8'));
  const [rootUrl, outUrl] = [root, out].map((d) => pathToFileURL(join(d, '/')).href);
  // The compiled file's own location, with OUT swapped for root (and .js for .ts).
  const own = (meta, from, to, ext) => `${JSON.stringify(to)} + import.meta.${meta}?.slice(${from.length})${ext ? '.replace(/\\.js$/, ".ts")' : ''}`;
  const [rootDir, outDir] = [join(root, '/'), join(out, '/')];
  await build({
    entryPoints: [...tsFiles(join(root, 'test')).filter((f) => !f.endsWith('.test.ts')), ...tests, ...tsFiles(join(root, 'src'))],
    outdir: out,
    outbase: root,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    tsconfigRaw: { compilerOptions },
    sourcemap: 'inline',
    define: { 'import.meta.url': '__vk_url', 'import.meta.dirname': '__vk_dirname', 'import.meta.filename': '__vk_filename' },
    banner: { js: `const __vk_url = ${own('url', outUrl, rootUrl, true)}, __vk_filename = ${own('filename', outDir, rootDir, true)}, __vk_dirname = ${own('dirname', outDir, rootDir, false)};` },
    logLevel: 'error',
  });
  symlinkSync(join(root, 'bench'), join(out, 'bench'));
}
