// The order in which an apply starts its targets: per lane (an account's targets of one type), at most
// `ahead` started and not yet let go, in the order given; a lane that is stuck never holds back another.

import { describe, expect, it } from 'vitest';
import { inLanes } from '../../src/engine/lanes.js';

const tick = () => new Promise((resolve) => setImmediate(resolve));

// A run whose items wait until released by hand; it records when each starts.
function gated() {
  const started: string[] = [];
  const gates = new Map<string, () => void>();
  const leaves = new Map<string, () => void>();
  const run = (item: string, leave: () => void) =>
    new Promise<void>((resolve) => {
      started.push(item);
      gates.set(item, resolve);
      leaves.set(item, leave);
    });
  const end = (item: string) => gates.get(item)?.();
  return { started, run, end, leave: (item: string) => leaves.get(item)?.() };
}

describe('inLanes', () => {
  it('starts at most `ahead` of a lane, in order, and the next as each ends', async () => {
    const g = gated();
    const items = ['k1', 'k2', 'k3', 'k4', 'e1', 'e2'];
    const done = inLanes(items, (i) => i[0] as string, 2, g.run);
    await tick();
    // The k lane is full with two; the e lane is not held back behind it.
    expect(g.started).toEqual(['k1', 'k2', 'e1', 'e2']);
    g.end('k2');
    await tick();
    expect(g.started).toEqual(['k1', 'k2', 'e1', 'e2', 'k3']);
    for (const i of ['k1', 'k3', 'e1', 'e2']) g.end(i);
    await tick();
    expect(g.started.at(-1)).toBe('k4');
    g.end('k4');
    await expect(done).resolves.toBeUndefined();
  });

  it('an item that leaves its lane before it ends lets the next start, and ends later', async () => {
    const g = gated();
    let ended = false;
    const done = inLanes(['a1', 'a2', 'a3'], () => 'a', 1, g.run).then(() => {
      ended = true;
    });
    await tick();
    expect(g.started).toEqual(['a1']);
    g.leave('a1');
    g.leave('a1'); // a second leave gives back nothing more
    await tick();
    expect(g.started).toEqual(['a1', 'a2']);
    g.end('a2');
    await tick();
    expect(g.started).toEqual(['a1', 'a2', 'a3']);
    g.end('a3');
    await tick();
    expect(ended).toBe(false); // a1 has left its lane but not ended
    g.end('a1');
    await done;
    expect(ended).toBe(true);
  });

  it('rejects with a run that rejected; nothing at all resolves at once', async () => {
    await expect(
      inLanes(
        [],
        () => 'x',
        4,
        async () => {},
      ),
    ).resolves.toBeUndefined();
    const failing = inLanes(
      ['a', 'b'],
      () => 'x',
      4,
      async (i) => {
        if (i === 'b') throw new Error('b broke');
      },
    );
    await expect(failing).rejects.toThrow('b broke');
    expect(() =>
      inLanes(
        ['a'],
        () => 'x',
        0,
        async () => {},
      ),
    ).toThrow(RangeError);
  });
  it('lets the first items go on while later ones are still to start, and starts them all in order', async () => {
    const events: string[] = [];
    const items = Array.from({ length: 300 }, (_, i) => i);
    let release = () => {};
    const released = new Promise<void>((resolve) => {
      release = resolve;
    });
    const done = inLanes(
      items,
      () => 'one lane',
      1000,
      async (i) => {
        events.push(`start ${i}`);
        // The first item's next step (its call, once its intent is written) waits for the event loop;
        // every item then waits (for its answer) until all have started.
        if (i === 0) {
          await tick();
          events.push('first item went on');
        }
        await released;
      },
    );
    while (!events.includes('start 299')) await tick();
    release();
    await done;
    const starts = events.filter((e) => e.startsWith('start'));
    expect(starts).toEqual(items.map((i) => `start ${i}`));
    expect(events.indexOf('first item went on')).toBeLessThan(events.indexOf('start 299'));
  });
});
