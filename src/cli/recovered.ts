// Telling people that a transaction a killed venvkit left was finished (one line each, on stderr).
import { describeRecovery, type Recovered } from '../install/journal.js';
import { stderr } from './output.js';

export function printRecovered(root: string, recovered: Recovered[] | undefined): void {
  for (const r of recovered ?? []) stderr(`note: ${describeRecovery(root, r)}\n`);
}

/** The one line printed when another venvkit holds the env's lock (also when stderr is not a terminal). */
export function printWaiting(root: string, pid: number): void {
  stderr(`Waiting for another venvkit (pid ${pid}) to finish with ${root} (Ctrl-C to stop waiting)...\n`);
}
