// The order in which an apply starts its targets: in lanes (an account's targets of one type, which share
// one operation and one rate), each at most `ahead` targets in front of the ones it has answered, so that
// a run of 50,000 targets does not hold 50,000 targets' waits at once, and a lane that waits for its
// cloud's rate never holds back another lane.

/**
 * inLanes runs every item, at most `ahead` of each lane at once (keyOf names an item's lane), starting
 * them in the order given while their lane has room. run is handed `leave`, which gives the item's place
 * in its lane to the next one before the item ends (once it no longer waits in its lane's order); its
 * end gives it back too. Resolves when every run has ended; rejects with the first run that rejected.
 */
export function inLanes<T>(
  items: readonly T[],
  keyOf: (item: T) => string,
  ahead: number,
  run: (item: T, leave: () => void) => Promise<void>,
): Promise<void> {
  if (!Number.isInteger(ahead) || ahead < 1)
    throw new RangeError(`ahead must be a whole number >= 1, got ${ahead}`);
  const lanes = new Map<string, Lane<T>>();
  const laneOf: Lane<T>[] = [];
  for (const item of items) {
    const key = keyOf(item);
    let lane = lanes.get(key);
    if (lane === undefined) {
      lane = { queue: [], next: 0, ahead: 0 };
      lanes.set(key, lane);
    }
    lane.queue.push(item);
    laneOf.push(lane);
  }
  return new Promise<void>((resolve, reject) => {
    let left = items.length;
    if (left === 0) return resolve();
    const start = (lane: Lane<T>): void => {
      if (lane.next >= lane.queue.length) return;
      const item = lane.queue[lane.next++] as T;
      lane.ahead++;
      let placed = true;
      const leave = (): void => {
        if (!placed) return;
        placed = false;
        lane.ahead--;
        if (lane.ahead < ahead) start(lane);
      };
      run(item, leave)
        .finally(leave)
        .then(() => {
          if (--left === 0) resolve();
        }, reject);
    };
    // In the order given: each item starts while its lane has room; the rest start as places free. A
    // batch at a time, the event loop running between batches, so that the first items' calls go out
    // (their intents written) while later ones are still being started, not after every target has.
    let at = 0;
    const startBatch = (): void => {
      const end = Math.min(laneOf.length, at + START_BATCH);
      for (; at < end; at++) {
        const lane = laneOf[at] as Lane<T>;
        if (lane.ahead < ahead) start(lane);
      }
      if (at < laneOf.length) setImmediate(startBatch);
    };
    startBatch();
  });
}

// How many items inLanes starts before it lets the event loop run.
const START_BATCH = 64;

interface Lane<T> {
  queue: T[];
  next: number;
  ahead: number;
}
