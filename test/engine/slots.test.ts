// The scheduler alone: at most n tasks at once; a task that gives its slot back (waiting for a cloud's
// rate) lets the next one run, and takes a slot again ahead of tasks not yet started.

import { describe, expect, it } from 'vitest';
import { Slots } from '../../src/engine/slots.js';

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('Slots', () => {
  it('a task that releases its slot lets the next run; it takes one again before new tasks', async () => {
    const slots = new Slots(1);
    const order: string[] = [];
    let resume: () => void = () => {};
    const paused = new Promise<void>((r) => {
      resume = r;
    });
    const a = slots.run(async (lease) => {
      order.push('a starts');
      lease.release();
      await paused;
      await lease.reacquire();
      order.push('a goes on');
    });
    const b = slots.run(async () => {
      order.push('b runs');
      await tick();
      resume();
      await tick();
      order.push('b ends');
    });
    const c = slots.run(async () => void order.push('c runs'));
    await Promise.all([a, b, c]);
    // b ran in a's slot; a took the slot again ahead of c, which had waited longer.
    expect(order).toEqual(['a starts', 'b runs', 'b ends', 'a goes on', 'c runs']);
  });

  it('never runs more than n at once, however tasks release and reacquire', async () => {
    const slots = new Slots(2);
    let running = 0;
    let most = 0;
    const task = async (lease: { release(): void; reacquire(): Promise<void> }) => {
      running++;
      most = Math.max(most, running);
      await tick();
      running--;
      lease.release();
      await tick();
      await lease.reacquire();
      running++;
      most = Math.max(most, running);
      await tick();
      running--;
    };
    await Promise.all(Array.from({ length: 10 }, () => slots.run(task)));
    expect(most).toBe(2);
  });
});
