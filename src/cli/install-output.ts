// What `venvkit install` prints besides its summary lines: pip's --report, the list of changed
// distributions, and --progress-bar raw's lines.
import { writeFileSync } from 'node:fs';
import { VenvkitError } from '../errors.js';
import { canonicalizeName } from '../pep/names.js';
import type { ResolvedForReport } from '../plan-apply/report.js';
import type { ProgressEvent } from '../progress.js';
import type { InterpreterInfo } from '../python/types.js';
import { stdout } from './output.js';

// (pip_version in --report: venvkit's version, as in src/cli/main.ts.)
const VENVKIT_VERSION = '0.1.0';

/** --report: pip's report to FILE or stdout (`-`). */
export async function writeReport(to: string, resolved: ResolvedForReport, base: InterpreterInfo): Promise<void> {
  const { pipReport } = await import('../plan-apply/report.js');
  const text = JSON.stringify(await pipReport(resolved, base, VENVKIT_VERSION), null, 2) + '\n';
  if (to === '-') stdout(text);
  else {
    try {
      writeFileSync(to, text);
    } catch (e) {
      throw new VenvkitError('REPORT_NOT_WRITTEN', `install: cannot write the report to ${to}: ${(e as Error).message}`, { hint: 'Give a writable file path, or - for stdout.', cause: e });
    }
  }
}

/** What changed, by name, as uv shows it: ` - name==old` then ` + name==new`, ` ~ name==v` for a reinstall. */
export function changeLines(report: { installed: { name: string; version: string; previous?: string }[]; removed: { name: string; version: string }[] }): string[] {
  const lines: [string, number, string][] = [];
  const key = canonicalizeName;
  for (const p of report.installed) {
    if (p.previous === p.version) lines.push([key(p.name), 1, ` ~ ${p.name}==${p.version}`]);
    else lines.push([key(p.name), 2, ` + ${p.name}==${p.version}`]);
  }
  for (const r of report.removed) {
    if (!report.installed.some((p) => key(p.name) === key(r.name) && p.previous === r.version && p.version === r.version)) lines.push([key(r.name), 0, ` - ${r.name}==${r.version}`]);
  }
  return lines.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : a[1] - b[1])).map((l) => l[2]);
}

/** --progress-bar raw: pip's machine-readable download progress, "Progress N of M" lines on stdout. */
export function rawProgress(): (e: ProgressEvent) => void {
  const shown = new Map<string, number>();
  return (e) => {
    if (e.phase !== 'download' || e.bytes === undefined) return;
    const total = e.totalBytes ?? 0;
    const last = shown.get(e.name);
    if (last !== undefined && e.bytes !== total && Date.now() - last < 250) return;
    shown.set(e.name, Date.now());
    stdout(`Progress ${e.bytes} of ${total}\n`);
  };
}
