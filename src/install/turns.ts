// Long synchronous loops on the calling thread (placing thousands of files, the commit's renames)
// give the event loop a turn every few milliseconds, so a host (an editor, an app) is never blocked
// for longer than that plus one step. Each step stays a single synchronous file operation, so what a
// kill can leave is what it could leave before (the journal covers it).
import { throwIfInterrupted } from './interrupted.js';

/** A monotonic clock in milliseconds (process.hrtime: node:perf_hooks is not loaded for it). */
const performance = { now: (): number => Number(process.hrtime.bigint()) / 1e6 };

/** Milliseconds of work between turns: well under the 50 ms a host's event loop may be held. */
export const TURN_MS = 12;

/**
 * One turn of the event loop, its timers included: an immediate set from an I/O callback runs in the
 * same turn, before any timer (the loop's check phase follows its poll phase); one it sets in turn
 * runs after the next timers phase, wherever the work was.
 */
const turn = (): Promise<void> => new Promise((r) => setImmediate(() => setImmediate(r)));

export class Turns {
  private last = performance.now();

  /**
   * `signal`, when given, is checked at each turn (INTERRUPTED with `what`): for work that can stop
   * (staging), never for a commit, which once started completes.
   */
  constructor(private readonly signal?: AbortSignal, private readonly what?: string, private readonly unchanged?: string) {}

  private calls = 0;

  /**
   * Whether a turn may be due, cheaply, for loops of one small file operation per step: the clock is
   * read every 16th call only (`if (turns.due()) await turns.give()` spares each step a promise).
   */
  due(): boolean {
    return (++this.calls & 15) === 0 && performance.now() - this.last >= TURN_MS;
  }

  /** Give the event loop a turn if this thread has worked for the budget since the last one; true when it did. */
  async give(): Promise<boolean> {
    if (performance.now() - this.last < TURN_MS) return false;
    // Callers that ask at once (work run concurrently: several projects' pages) resume in the same
    // turn, one after another: the first starts a new budget, the others go on only while it lasts
    // and otherwise wait for the next turn, so their work does not add up to one long hold.
    do {
      const asked = this.last;
      await turn();
      if (this.last === asked) this.last = performance.now();
    } while (performance.now() - this.last >= TURN_MS);
    if (this.signal) throwIfInterrupted(this.signal, this.what, this.unchanged);
    return true;
  }
}
