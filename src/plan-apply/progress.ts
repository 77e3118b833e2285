// What `venvkit install` shows while it works: one status line on a terminal (stderr), redrawn in
// place at most every 80 ms; nothing at all when stderr is not a terminal.
import type { InstallEvent } from './install.js';

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KiB`;
  return `${(n / 1024 / 1024).toFixed(1)} MiB`;
}

export function formatMs(ms: number): string {
  return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(2)} s`;
}

export class ProgressLine {
  private last = 0;
  private shown = false;
  private done = 0;
  private count = 0;
  private readonly received = new Map<string, number>();

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

  event(e: InstallEvent): void {
    switch (e.kind) {
      case 'resolving':
        return this.draw('Resolving...', true);
      case 'resolved':
        return this.draw(`Resolved ${e.packages} packages in ${formatMs(e.ms)}`, true);
      case 'waiting-for-lock':
        return this.draw(`Waiting for another venvkit (pid ${e.pid}) to finish with this environment...`, true);
      case 'download': {
        this.received.set(e.name, e.received);
        const total = [...this.received.values()].reduce((a, b) => a + b, 0);
        return this.draw(`Downloading ${this.done}/${this.count || '?'} (${formatBytes(total)}) ${e.name}`);
      }
      case 'fetched':
        this.done = e.done;
        this.count = e.count;
        return this.draw(`Fetched ${e.done}/${e.count} (${formatBytes([...this.received.values()].reduce((a, b) => a + b, 0))}) ${e.name}`);
      case 'installing':
        return this.draw(`Installing ${e.count} packages...`, true);
    }
  }

  /** Erase the status line (before printing results or an error). */
  clear(): void {
    if (this.shown) this.stream.write('\r\x1b[2K');
    this.shown = false;
  }
}
