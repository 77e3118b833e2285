// What `venvkit install` shows while it works: one status line on a terminal (stderr), redrawn in
// place at most every 80 ms; nothing at all when stderr is not a terminal. Drawn from the library's
// progress events (src/progress.ts), as any host would draw them.
import type { ProgressEvent } from '../progress.js';

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KiB`;
  return `${(n / 1024 / 1024).toFixed(1)} MiB`;
}

export function formatMs(ms: number): string {
  return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(2)} s`;
}

/** `Built FILE in 1.2 s` (or `(cached)`): the -v line of a finished build. */
export function builtLine(e: Extract<ProgressEvent, { phase: 'build' }>): string {
  return `Built ${e.detail}${e.cached ? ' (cached)' : ` in ${formatMs(e.ms ?? 0)}`}`;
}

export class ProgressLine {
  private last = 0;
  private shown = false;

  constructor(private readonly stream: NodeJS.WriteStream = process.stderr, private readonly enabled = !!process.stderr.isTTY) {}

  private draw(text: string, force = false): void {
    if (!this.enabled) return;
    const now = Date.now();
    if (!force && now - this.last < 80) return;
    this.last = now;
    const width = (this.stream.columns || 80) - 1;
    this.stream.write(`\r\x1b[2K${text.length > width ? text.slice(0, width) : text}`);
    this.shown = true;
  }

  private allBytes = 0;

  event(e: ProgressEvent): void {
    switch (e.phase) {
      case 'resolve':
        return e.total === undefined ? this.draw('Resolving...', true) : this.draw(`Resolved ${e.total} packages${e.ms === undefined ? '' : ` in ${formatMs(e.ms)}`}`, true);
      case 'wait':
        return this.draw(`Waiting for another venvkit (pid ${e.pid}) to finish with this environment...`, true);
      case 'download':
        this.allBytes = e.allBytes;
        return this.draw(`Downloading ${e.done}/${e.total ?? '?'} (${formatBytes(e.allBytes)}) ${e.name}`);
      case 'unpack':
        return this.draw(`Fetched ${e.done}/${e.total ?? '?'} (${formatBytes(this.allBytes)}) ${e.name}`, e.done === e.total);
      case 'install':
        return e.step === 'stage' ? this.draw(`Installing ${e.done}/${e.total ?? '?'} ${e.name}`, e.done === 1) : this.draw(`Installing: moving ${e.total} entries into place`, e.done === 0);
      case 'uninstall':
        return this.draw(`Uninstalling ${e.name}: ${e.done}/${e.total ?? '?'}`);
      case 'seed':
        return this.draw(`Seeding ${e.name} (${e.done}/${e.total ?? '?'})`);
      default:
        return undefined;
    }
  }

  /** Erase the status line (before printing results or an error). */
  clear(): void {
    if (this.shown) this.stream.write('\r\x1b[2K');
    this.shown = false;
  }
}
