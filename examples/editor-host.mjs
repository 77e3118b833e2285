#!/usr/bin/env node
// What an editor extension or desktop app does with venvkit, as one small program:
// list the interpreters, pick one, create an environment, install packages with a progress bar
// (cancellable: Ctrl-C, or --cancel-on PHASE for a demonstration), then list what is installed.
// Every long call reports the same progress events (`onProgress`), so one bar draws them all.
//
//   node examples/editor-host.mjs DIR [--python SPEC] [--cancel-on PHASE] [REQUIREMENT...]
//
// Run from a checkout (after `npm run build`) or from a project with venvkit installed: `venvkit`
// resolves to the package either way. The test suite runs it (test/api/example.test.ts).
import { parseArgs } from 'node:util';
import { listPythons, findPython, createVenv, installRequirements, listInstalled, isVenvkitError } from 'venvkit';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { python: { type: 'string' }, 'cancel-on': { type: 'string' } },
});
const [dir, ...requirements] = positionals;
if (!dir) {
  console.error('usage: node examples/editor-host.mjs DIR [--python SPEC] [--cancel-on PHASE] [REQUIREMENT...]');
  process.exit(2);
}

const bar = progressBar();

// 1. The interpreters on the machine, as a picker would show them (discovery and probes on the bar).
const pythons = await listPythons({ onProgress: bar.update });
bar.done();
console.log(`Found ${pythons.length} interpreters:`);
for (const p of pythons) console.log(`  ${p.implementation} ${p.versionString}  ${p.path}  (${p.source})`);

// 2. Pick one: the user's choice, else the newest CPython 3.
const newest = pythons
  .filter((p) => p.implementation === 'cpython' && p.version[0] === 3)
  .sort((a, b) => b.version[1] - a.version[1] || b.version[2] - a.version[2])[0];
const python = values.python ? await findPython(values.python) : newest;
if (!python) throw new Error('no CPython 3 found');
console.log(`Using ${python.implementation} ${python.versionString} (${python.path})`);

// 3. Create the environment (no pip: the host installs through venvkit).
const venv = await createVenv(dir, { python: python.path, withoutPip: true, onProgress: bar.update });
bar.done();
console.log(`Environment ${venv.action}: ${venv.root}`);

// 4. Install, with a progress bar on stderr, cancellable. The host owns Ctrl-C: venvkit adds no
//    process-wide signal handler of its own; the host turns its own into an abort.
const controller = new AbortController();
process.once('SIGINT', () => controller.abort());
try {
  const report = await installRequirements(venv, { requirements }, {
    signal: controller.signal,
    onProgress: (e) => {
      bar.update(e);
      if (values['cancel-on'] === e.phase) controller.abort();
    },
    onWarning: (m) => console.error(`warning: ${m}`),
  });
  bar.done();
  console.log(`Installed ${report.installed.map((p) => `${p.name} ${p.version}`).join(', ') || 'nothing new'}`);
} catch (e) {
  bar.done();
  if (e?.name === 'AbortError') console.log(`Cancelled: the environment is as it was (${e.message})`);
  else if (isVenvkitError(e)) {
    console.error(`error [${e.code}]: ${e.message}${e.hint ? `\nhint: ${e.hint}` : ''}`);
    process.exitCode = 1;
  } else throw e;
}

// 5. What the environment holds now.
const installed = await listInstalled(venv.paths);
console.log(`Packages in ${venv.root}: ${installed.map((d) => `${d.name}==${d.version}`).sort().join(' ') || '(none)'}`);

/**
 * A one-line progress bar drawn from venvkit's progress events (redrawn in place on a terminal):
 * every event has a `phase`, the `name` of what it is about, and `done` of `total` (when known);
 * downloads also carry `bytes` of `totalBytes`.
 */
function progressBar() {
  const tty = process.stderr.isTTY;
  let last = '';
  const draw = (text, ratio) => {
    const width = 24;
    const filled = ratio === undefined ? 0 : Math.round(Math.min(1, ratio) * width);
    const line = `[${'#'.repeat(filled)}${'-'.repeat(width - filled)}] ${text}`;
    if (line === last) return;
    last = line;
    process.stderr.write(tty ? `\r\x1b[K${line}` : `${line}\n`);
  };
  const kib = (n) => `${(n / 1024).toFixed(1)} KiB`;
  return {
    update(e) {
      const of = e.total ? `${e.done}/${e.total}` : `${e.done}`;
      const ratio = e.total ? e.done / e.total : undefined;
      if (e.phase === 'download') draw(`download ${e.name} ${kib(e.bytes)}${e.totalBytes ? ` of ${kib(e.totalBytes)}` : ''}`, e.totalBytes ? e.bytes / e.totalBytes : undefined);
      else if (e.phase === 'wait') draw(`waiting for process ${e.pid}`, undefined);
      else if (e.phase === 'resolve') draw(e.total === undefined ? 'resolving' : `resolved ${e.total} packages`, ratio);
      else draw(`${e.phase}${'step' in e ? ` ${e.step}` : ''} ${of} ${e.name}`.trimEnd(), ratio);
    },
    done() {
      if (tty && last) process.stderr.write('\n');
      last = '';
    },
  };
}
