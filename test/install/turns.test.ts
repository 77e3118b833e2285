// Turns (src/install/turns.ts): work that waits for no I/O gives the event loop a turn once it has
// run for the budget. Callers that give at once (concurrent work: the index client reads several
// projects' local pages at a time) resume in the same turn of the loop, one after another; the
// second must not run on past the first's budget before timers have had their turn.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Turns, TURN_MS } from '../../src/install/turns.js';

/** Runs this thread for `ms` by the clock Turns reads (a stand-in for synchronous work). */
function work(ms: number): void {
  const end = Number(process.hrtime.bigint()) / 1e6 + ms;
  while (Number(process.hrtime.bigint()) / 1e6 < end) {
    // busy
  }
}

test('two callers giving at once: the second waits for the next turn when the first used the budget', async () => {
  const turns = new Turns();
  work(TURN_MS + 1); // a turn is due
  const order: string[] = [];
  const a = (async () => {
    assert.equal(await turns.give(), true);
    order.push('a');
    // A timer due at once, then more than a budget of work: timers run before anything else works.
    setTimeout(() => order.push('timer'), 0);
    work(TURN_MS + 1);
  })();
  const b = (async () => {
    assert.equal(await turns.give(), true);
    order.push('b');
  })();
  await Promise.all([a, b]);
  assert.deepEqual(order, ['a', 'timer', 'b']);
});

test('a turn given by work in an I/O callback lets due timers run first', async () => {
  const turns = new Turns();
  const order: string[] = [];
  await new Promise<void>((resolve, reject) => {
    // An fs callback runs in the event loop's poll phase, which the check phase (immediates) follows.
    readFile(fileURLToPath(import.meta.url), () => {
      setTimeout(() => order.push('timer'), 0);
      work(TURN_MS + 1);
      turns.give().then(() => order.push('resumed')).then(() => resolve(), reject);
    });
  });
  assert.deepEqual(order, ['timer', 'resumed']);
});
