// withSignalsHeld: installs hold Ctrl-C and friends until their commit is done, then deliver them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { withSignalsHeld } from '../../src/install/apply.js';

const turn = () => new Promise((r) => setImmediate(r));

test('many installs in a row add one listener, not one each (no MaxListenersExceededWarning)', async () => {
  const base = process.listenerCount('SIGINT');
  const warnings: string[] = [];
  const onWarning = (w: Error) => warnings.push(w.name);
  process.on('warning', onWarning);
  try {
    // No event-loop turn between them, like installWheel called in a loop (its I/O is synchronous).
    for (let i = 0; i < 25; i++) {
      await withSignalsHeld(async () => {
        assert.equal(process.listenerCount('SIGINT'), base + 1);
      });
    }
    await turn();
    assert.equal(process.listenerCount('SIGINT'), base, 'released once no install runs');
    assert.deepEqual(warnings, []);
  } finally {
    process.off('warning', onWarning);
  }
});

test('a signal during the work is held: the work sees it, and it is sent again after', async () => {
  let seen = 0;
  const mine = () => {
    seen++;
  };
  process.on('SIGHUP', mine);
  try {
    const interruptedInside = await withSignalsHeld(async (interrupted) => {
      process.kill(process.pid, 'SIGHUP');
      for (let i = 0; i < 50 && !interrupted(); i++) await turn();
      return interrupted();
    });
    assert.equal(interruptedInside, true);
    const atEnd = seen;
    for (let i = 0; i < 50 && seen === atEnd; i++) await turn();
    assert.equal(seen, atEnd + 1, 'the held signal was delivered again once the work ended');
    assert.equal(process.listenerCount('SIGHUP'), 1, 'only the test listener is left');
  } finally {
    process.off('SIGHUP', mine);
  }
});
