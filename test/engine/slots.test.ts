// The scheduler alone: at most n tasks at once; a task that gives its slot back (waiting for a cloud's
// rate) lets the next one run, and takes a slot again ahead of tasks not yet started; a freed slot is
// filled once the turn's other callbacks have run; a task that asks for spare slots waits, in its turn,
// until they are all free.

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

  it('fills a freed slot after the answers already in are handled, and in queue order', async () => {
    const slots = new Slots(1);
    const order: string[] = [];
    let finishA: () => void = () => {};
    const a = slots.run(
      () =>
        new Promise<void>((resolve) => {
          finishA = resolve;
        }),
    );
    const b = slots.run(async () => void order.push('b runs'));
    await tick();
    finishA();
    await a;
    for (let i = 0; i < 10; i++) await Promise.resolve();
    // A's slot is free, but b has not started in the same turn: what else has arrived is handled first
    // (a throttling answer behind the one that freed the slot is heard before the next call goes) ...
    order.push('a done');
    // ... and a task that arrives meanwhile waits its turn behind b.
    const c = slots.run(async () => void order.push('c runs'));
    await Promise.all([b, c]);
    expect(order).toEqual(['a done', 'b runs', 'c runs']);
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

  it('runs a call alongside a task only in a slot free now, and never beyond n', async () => {
    const slots = new Slots(2);
    let finish: () => void = () => {};
    const held = new Promise<void>((r) => {
      finish = r;
    });
    const order: string[] = [];
    let beside: Promise<void> | undefined;
    const a = slots.run(async () => {
      beside = slots.alongside(async () => {
        order.push('beside runs');
        await held;
        order.push('beside ends');
      });
      // Both slots are taken now: nothing more goes alongside, and a new task waits.
      expect(slots.alongside(async () => void order.push('never'))).toBeUndefined();
      await held;
    });
    await tick();
    const b = slots.run(async () => void order.push('b runs'));
    await tick();
    expect(order).toEqual(['beside runs']);
    finish();
    await Promise.all([a, b, beside]);
    expect(order).toEqual(['beside runs', 'beside ends', 'b runs']);
    // One slot: the task's own; nothing alongside.
    const one = new Slots(1);
    await one.run(async () => expect(one.alongside(async () => {})).toBeUndefined());
  });
  it('starts a task that asks for spare slots once they are all free, in its turn, and never beyond n', async () => {
    const slots = new Slots(3);
    const order: string[] = [];
    let most = 0;
    let running = 0;
    // A call that counts what runs at once, and ends when its gate opens.
    const gates: (() => void)[] = [];
    const call = (name: string) => async () => {
      running++;
      most = Math.max(most, running);
      order.push(`${name} starts`);
      await new Promise<void>((open) => gates.push(open));
      running--;
    };
    const a = slots.run(call('a'));
    const b = slots.run(call('b'));
    // Two calls side by side: waits for two free slots, and c, behind it, waits for it.
    const pair = slots.run(
      async (lease) => {
        const beside = lease.alongside(call('pair beside'));
        expect(beside).toBeDefined();
        await Promise.all([call('pair')(), beside]);
      },
      false,
      undefined,
      1,
    );
    const c = slots.run(call('c'));
    await tick();
    // One slot free, not two: the pair waits, and c behind it.
    expect(order).toEqual(['a starts', 'b starts']);
    gates.shift()?.(); // a ends: two free
    await tick();
    await tick();
    expect(order).toEqual(['a starts', 'b starts', 'pair beside starts', 'pair starts']);
    gates.shift()?.(); // b ends
    await tick();
    await tick();
    expect(order.at(-1)).toBe('c starts');
    while (gates.length > 0) {
      gates.shift()?.();
      await tick();
    }
    await Promise.all([a, b, pair, c]);
    expect(most).toBe(3);
    // A spare it does not use is given back when it ends; more spares than n allows are not asked.
    const two = new Slots(2);
    await two.run(async () => {}, false, undefined, 5);
    await tick();
    const both: Promise<void>[] = [];
    await two.run(
      async (lease) => {
        both.push(lease.alongside(async () => {}) ?? Promise.reject(new Error('no spare')));
        expect(lease.alongside(async () => {})).toBeUndefined();
      },
      false,
      undefined,
      1,
    );
    await Promise.all(both);
  });
});
