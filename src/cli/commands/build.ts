// venvkit build: what `python -m build` does (src/plan-apply/build-dists.ts).
import { resolve } from 'node:path';
import { parse } from '../args.js';
import { info, printJson, stdout, warn, type Output } from '../output.js';
import { VenvkitError } from '../../errors.js';
import { parseConfigSettings } from '../../build/config-settings.js';

const HELP = `Usage: venvkit build [DIR] [--sdist] [--wheel] [-o DIR] [options]

Build the Python project in DIR (default: the current directory) as \`python -m build\` does: an
sdist, then a wheel built from that sdist. --sdist and --wheel build only those, from DIR. The
backend runs in an isolated build environment venvkit makes (and keeps in its cache).

Options:
  -s, --sdist                build an sdist
  -w, --wheel                build a wheel
  -o, --outdir DIR           where to put them (default: DIR/dist)
  -p, --python SPEC          the interpreter to build for (default: the active env's or the nearest
                             .venv's, else .python-version, else python3)
  -n, --no-isolation         build with that interpreter's own packages (no build environment)
  -C, --config-setting K=V   a setting for the build backend (repeatable; a repeated key is a list)
  -i, --index-url URL        the package index for build requirements (replaces pip's)
      --extra-index-url URL  another index (repeatable)
  -f, --find-links LOC       a directory or page of wheels (repeatable)
      --no-index             use only --find-links locations
  -q, --quiet                print nothing but errors
  -v, --verbose              show the backend's output
      --json                 print the files made as JSON
`;

export default async function build(argv: string[]): Promise<number> {
  const { values, positionals } = parse('build', argv, {
    sdist: { type: 'boolean', short: 's' },
    wheel: { type: 'boolean', short: 'w' },
    outdir: { type: 'string', short: 'o' },
    python: { type: 'string', short: 'p' },
    'no-isolation': { type: 'boolean', short: 'n' },
    'no-build-isolation': { type: 'boolean' },
    'config-setting': { type: 'string', short: 'C', multiple: true },
    'config-settings': { type: 'string', multiple: true },
    'index-url': { type: 'string', short: 'i' },
    'extra-index-url': { type: 'string', multiple: true },
    'find-links': { type: 'string', short: 'f', multiple: true },
    'no-index': { type: 'boolean' },
  });
  if (values.help) {
    stdout(HELP);
    return 0;
  }
  if (positionals.length > 1) throw new VenvkitError('USAGE', `build: give one project directory (got ${positionals.length})`, { hint: 'Run `venvkit build --help`.' });
  const out: Output = { json: !!values.json, quiet: !!values.quiet, verbose: !!values.verbose };
  const dir = resolve(positionals[0] ?? '.');
  const settings = [...(values['config-setting'] ?? []), ...(values['config-settings'] ?? [])];
  const abort = new AbortController();
  const onSignal = () => abort.abort();
  for (const s of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(s, onSignal);
  try {
    const { buildDistributions } = await import('../../plan-apply/build-dists.js');
    const started = Date.now();
    const files = await buildDistributions(dir, {
      sdist: values.sdist, wheel: values.wheel, outDir: values.outdir ? resolve(values.outdir) : undefined,
      python: values.python,
      isolation: !(values['no-isolation'] || values['no-build-isolation']),
      configSettings: settings.length ? parseConfigSettings(settings) : undefined,
      index: { indexUrl: values['index-url'], extraIndexUrls: values['extra-index-url'], findLinks: values['find-links'], noIndex: values['no-index'] },
      verbose: out.verbose,
      signal: abort.signal,
      onProgress: (e) => {
        if (out.verbose && e.phase === 'build' && e.step === 'build-env') info(out, `${e.detail === 'reused' ? 'Using' : 'Making'} the build environment for ${e.name || '(no requirements)'}`);
      },
      onWarning: (m) => warn(out, m),
    });
    if (out.json) printJson({ files, ms: Date.now() - started });
    else info(out, `Successfully built ${files.map((f) => f.split('/').pop()).join(' and ')}`);
    return 0;
  } finally {
    for (const s of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.off(s, onSignal);
  }
}
