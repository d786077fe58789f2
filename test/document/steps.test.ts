// Long work a step at a time: run at once it gives what it gives in slices; in slices the event loop
// runs between them; it runs once, whoever asks, and a step that throws fails both ways of asking.

import { describe, expect, it } from 'vitest';
import { finish, SLICE_MS, Stepped, type Steps } from '../../src/document/steps.js';

// Steps that each keep the thread busy for about a millisecond, counted as they run.
function* busy(count: number, ran: { steps: number }): Steps<string> {
  for (let i = 0; i < count; i++) {
    const until = Date.now() + 1;
    while (Date.now() < until) {}
    ran.steps++;
    yield;
  }
  return `done after ${count}`;
}

describe('Stepped', () => {
  it('runs the steps in slices, the event loop running between them', async () => {
    const ran = { steps: 0 };
    const work = new Stepped(busy(10 * SLICE_MS, ran));
    let turns = 0;
    const loop = setInterval(() => turns++, 0);
    try {
      expect(await work.inSlices()).toBe(`done after ${10 * SLICE_MS}`);
    } finally {
      clearInterval(loop);
    }
    expect(ran.steps).toBe(10 * SLICE_MS);
    // Some 10 slices: the timer ran between them, several times.
    expect(turns).toBeGreaterThan(3);
    expect(finish(busy(3, { steps: 0 }))).toBe('done after 3');
  });

  it('runs once: what is left at once when asked mid-way, the slices then find it done', async () => {
    const ran = { steps: 0 };
    const work = new Stepped(busy(50, ran));
    const sliced = work.inSlices();
    await new Promise((resolve) => setImmediate(resolve));
    await new Promise((resolve) => setImmediate(resolve));
    expect(ran.steps).toBeGreaterThan(0);
    expect(ran.steps).toBeLessThan(50);
    expect(work.now()).toBe('done after 50');
    expect(await sliced).toBe('done after 50');
    expect(work.inSlices()).toBe(sliced);
    expect(ran.steps).toBe(50);
  });

  it('gives a step that throws to both ways of asking', async () => {
    function* failing(): Steps<number> {
      yield;
      throw new Error('the third target is not JSON');
    }
    const work = new Stepped(failing());
    await expect(work.inSlices()).rejects.toThrow('the third target is not JSON');
    expect(() => work.now()).toThrow('the third target is not JSON');
  });
});
