// The adaptive limiter's arithmetic on a fake clock: off until the first throttle, the cut to beta x the
// measured rate, one cut per window, the CUBIC climb back to the old maximum in W seconds, the floor,
// retry-after holds, the pause after the first wave, waits in arrival order and waits that an AbortSignal
// ends. No network, no timers.

import { describe, expect, it } from 'vitest';
import { AdaptiveLimiter, AdaptiveRates } from '../../src/http/adaptive-rate.js';

const meta = { account: 'hw', service: 'kms', operation: 'CancelGrant' };

/** FakeTime is a clock in ms that only the test and the recorded sleeps move. */
function fakeTime(): {
  now: () => number;
  sleeps: number[];
  sleep: (ms: number) => Promise<void>;
  at: number;
} {
  const t = {
    at: 1_000_000,
    sleeps: [] as number[],
    now: () => t.at,
    sleep: async (ms: number) => {
      t.sleeps.push(ms);
      t.at += ms;
    },
  };
  return t;
}

/** flush lets every pending promise callback run. */
const flush = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** steady records `seconds` of answers at `rps`, none throttled, each through take(), moving the clock. */
function steady(l: AdaptiveLimiter, t: { at: number }, rps: number, seconds: number): void {
  for (let i = 0; i < rps * seconds; i++) {
    l.record(l.take() ?? { epoch: -1 }, { throttled: false });
    t.at += 1000 / rps;
  }
}

describe('AdaptiveLimiter', () => {
  it('limits nothing before the first throttle', () => {
    const t = fakeTime();
    const l = new AdaptiveLimiter(meta, { ...t, sleep: () => Promise.reject(new Error('no wait expected')) });
    for (let i = 0; i < 500; i++) {
      const ticket = l.take();
      expect(ticket).toMatchObject({ epoch: 0 });
      l.record(ticket, { throttled: false });
      t.at += 1; // 1,000 answers a second
    }
    expect(l.rate).toBeUndefined();
    expect(l.snapshot()).toEqual({ ...meta, rate: undefined, throttled: 0 });
  });

  it('holds new attempts after the first answer until the rest of the first wave has answered', () => {
    const t = fakeTime();
    const l = new AdaptiveLimiter(meta, t);
    const wave = Array.from({ length: 10 }, () => l.take());
    expect(wave.every((ticket) => ticket?.wave === t.at)).toBe(true);
    t.at += 50;
    l.record(wave[0], { throttled: false });
    // The other nine may still bring a throttling answer: nothing new goes before they are heard.
    expect(l.take()).toBeUndefined();
    for (const ticket of wave.slice(1, 9)) l.record(ticket, { throttled: false });
    expect(l.take()).toBeUndefined();
    l.record(wave[9], { throttled: false });
    const next = l.take();
    expect(next).toEqual({ epoch: 0 });
    expect(l.rate).toBeUndefined();
  });

  it('waits for the burst of the first wave, not for the calls that trickled out after it', () => {
    // A new operation after another: one call per slot the other's answers free, across a round trip.
    const t = fakeTime();
    const l = new AdaptiveLimiter(meta, t);
    const wave: ReturnType<AdaptiveLimiter['take']>[] = [];
    for (let i = 0; i < 10; i++) {
      wave.push(l.take());
      t.at += 5; // 10 calls over 50 ms
    }
    // The first answer 50 ms after the first call: the burst is what went in its first 12.5 ms.
    l.record(wave[0], { throttled: false });
    expect(l.take()).toBeUndefined();
    l.record(wave[1], { throttled: false });
    expect(l.take()).toBeUndefined();
    // The third went at 10 ms, within the burst; the fourth at 15 ms, after it, is not waited for.
    l.record(wave[2], { throttled: false });
    expect(l.take()).toEqual({ epoch: 0 });
    // A throttling answer to one of the late calls still cuts the rate.
    l.record(wave[7], { throttled: true });
    expect(l.rate).toBeDefined();
  });

  it('says the pause is no pacing (callers keep their slots), a throttle and a retry-after are', () => {
    const t = fakeTime();
    const l = new AdaptiveLimiter(meta, t);
    const wave = [l.take(), l.take()];
    t.at += 50;
    l.record(wave[0], { throttled: false });
    expect(l.take()).toBeUndefined();
    expect(l.pacing).toBe(false);
    l.record(wave[1], { throttled: true, retryAfterMs: 500 });
    expect(l.pacing).toBe(true);
    const held = new AdaptiveLimiter(meta, t);
    held.record(undefined, { throttled: false });
    expect(held.pacing).toBe(false);
  });

  it('holds them for as long again as the first answer took (at least 100 ms, at most 1 s), not for ever', () => {
    const t = fakeTime();
    const l = new AdaptiveLimiter(meta, t);
    const wave = [l.take(), l.take()];
    t.at += 300;
    l.record(wave[0], { throttled: false });
    t.at += 299;
    expect(l.take()).toBeUndefined();
    t.at += 1;
    expect(l.take()).toEqual({ epoch: 0 });

    const slow = new AdaptiveLimiter(meta, t);
    const slowWave = [slow.take(), slow.take()];
    t.at += 30_000;
    slow.record(slowWave[0], { throttled: false });
    t.at += 999;
    expect(slow.take()).toBeUndefined();
    t.at += 1;
    expect(slow.take()).toBeDefined();
  });

  it('paces at the cut rate, not the pause, once the first wave brings a throttling answer', async () => {
    const t = fakeTime();
    const l = new AdaptiveLimiter(meta, t);
    const wave = Array.from({ length: 20 }, () => l.take());
    t.at += 50;
    for (const ticket of wave.slice(0, 15)) l.record(ticket, { throttled: false });
    l.record(wave[15], { throttled: true });
    expect(l.rate).toBeDefined();
    const waited = l.wait();
    await flush();
    await waited;
    // One interval of the new rate, not what is left of the pause.
    expect(t.sleeps).toHaveLength(1);
    expect(t.sleeps[0]).toBeCloseTo(1000 / (l.rate ?? 1), 0);
  });

  it('cuts the rate to beta x the measured rate at the first throttle, and turns limiting on', () => {
    const t = fakeTime();
    const l = new AdaptiveLimiter(meta, t);
    steady(l, t, 40, 3);
    l.record(l.take(), { throttled: true });
    // The measured rate is 40/s, blended over half-second buckets.
    expect(l.rate).toBeCloseTo(0.7 * 40, 0);
    expect(l.throttled).toBe(1);
    // Limiting is on: the next attempt waits a whole interval, the token saved up is spent.
    expect(l.take()).toBeUndefined();
    t.at += 1000 / (l.rate ?? 1) + 1;
    expect(l.take()).toEqual({ epoch: 1 });
  });

  it('cuts from what the cloud accepted in the last second when a burst inflates the measured rate', () => {
    const t = fakeTime();
    const l = new AdaptiveLimiter(meta, t);
    const burst = Array.from({ length: 64 }, () => l.take());
    t.at += 50;
    // 50 accepted and one refused within 50 ms measure 102/s; the cloud took 50 in its second.
    for (const ticket of burst.slice(0, 50)) l.record(ticket, { throttled: false });
    l.record(burst[50], { throttled: true });
    expect(l.rate).toBeCloseTo(0.7 * 50, 5);
  });

  it('cuts once for the attempts sent before the cut, again for one sent after it', () => {
    const t = fakeTime();
    const l = new AdaptiveLimiter(meta, t);
    steady(l, t, 40, 3);
    const before = [l.take(), l.take(), l.take()];
    expect(before).toEqual([{ epoch: 0 }, { epoch: 0 }, { epoch: 0 }]);
    l.record(before[0], { throttled: true });
    const cut = l.rate;
    l.record(before[1], { throttled: true });
    l.record(before[2], { throttled: true });
    expect(l.rate).toBe(cut);
    expect(l.throttled).toBe(3);
    t.at += 1000 / (cut ?? 1) + 1;
    const after = l.take();
    expect(after).toEqual({ epoch: 1 });
    l.record(after, { throttled: true });
    expect(l.rate).toBeCloseTo(0.7 * (cut ?? 0), 6);
  });

  it('climbs back along the cubic to the old maximum in W seconds, then probes above it', () => {
    const t = fakeTime();
    const l = new AdaptiveLimiter(meta, t);
    steady(l, t, 40, 3);
    l.record(undefined, { throttled: true });
    const throttledAt = t.at;
    const lastMax = (l.rate ?? 0) / 0.7;
    const w = Math.cbrt((lastMax * (1 - 0.7)) / 0.4);
    // Answers keep coming at 40/s, so that twice the measured rate stays out of the way.
    const rateAt = (s: number): number | undefined => {
      while (t.at + 25 < throttledAt + s * 1000) {
        t.at += 25;
        l.record(undefined, { throttled: false });
      }
      t.at = throttledAt + s * 1000;
      l.record(undefined, { throttled: false });
      return l.rate;
    };
    expect(w).toBeCloseTo(3.1, 1); // cbrt(40 * 0.3 / 0.4)
    expect(rateAt(w / 2)).toBeCloseTo(lastMax - 0.4 * (w / 2) ** 3, 6);
    expect(rateAt(w)).toBeCloseTo(lastMax, 6);
    expect(rateAt(w + 2)).toBeCloseTo(lastMax + 0.4 * 2 ** 3, 6);
  });

  it('never grows above twice the measured rate', () => {
    const t = fakeTime();
    const l = new AdaptiveLimiter(meta, t);
    steady(l, t, 40, 3);
    l.record(undefined, { throttled: true });
    // A long quiet spell: the cubic asks for far more, but the client only sends 4 a second.
    steady(l, t, 4, 30);
    expect(l.rate).toBeLessThanOrEqual(2 * 4 + 0.5);
  });

  it('never goes below the floor', () => {
    const t = fakeTime();
    const l = new AdaptiveLimiter(meta, t);
    for (let i = 0; i < 10; i++) l.record(undefined, { throttled: true });
    expect(l.rate).toBe(0.5);
    expect(new AdaptiveLimiter(meta, { ...t, minRate: 2 }).rate).toBeUndefined();
    const floored = new AdaptiveLimiter(meta, { ...t, minRate: 2 });
    floored.record(undefined, { throttled: true });
    floored.record(undefined, { throttled: true });
    expect(floored.rate).toBe(2);
  });

  it('holds every attempt until a retry-after has passed, then paces them at the rate', async () => {
    const t = fakeTime();
    const l = new AdaptiveLimiter(meta, t);
    l.record(l.take(), { throttled: true, retryAfterMs: 1500 });
    // One answer so far: measured 2/s, so the rate is 1.4/s; the server asked for 1.5 s.
    expect(l.rate).toBeCloseTo(1.4, 6);
    expect(l.take()).toBeUndefined();
    const first = l.wait();
    const second = l.wait();
    expect(await first).toEqual({ epoch: 1 });
    expect(await second).toEqual({ epoch: 1 });
    expect(t.sleeps).toEqual([1500, expect.closeTo(1000 / 1.4, 6)]);
  });

  it('caps what a server may hold it for', async () => {
    const t = fakeTime();
    const l = new AdaptiveLimiter(meta, { ...t, maxRetryAfterMs: 5000 });
    l.record(undefined, { throttled: true, retryAfterMs: 3_600_000 });
    await l.wait();
    expect(t.sleeps).toEqual([5000]);
  });

  it('lets waiters go in arrival order, one interval apart', async () => {
    const t = fakeTime();
    const l = new AdaptiveLimiter(meta, t);
    steady(l, t, 40, 3);
    l.record(undefined, { throttled: true });
    const rate = l.rate ?? 0;
    const order: number[] = [];
    await Promise.all([0, 1, 2, 3].map((i) => l.wait().then(() => order.push(i))));
    expect(order).toEqual([0, 1, 2, 3]);
    expect(t.sleeps).toHaveLength(4);
    for (const ms of t.sleeps) expect(ms).toBeCloseTo(1000 / rate, 6);
  });

  it('works its wait out again when a throttle asks for a longer one mid-sleep', async () => {
    let at = 0;
    const sleeps: { ms: number; done: () => void }[] = [];
    const l = new AdaptiveLimiter(meta, {
      now: () => at,
      sleep: (ms) => new Promise<void>((resolve) => sleeps.push({ ms, done: resolve })),
    });
    l.record(undefined, { throttled: true });
    const waiting = l.wait();
    expect(sleeps.map((s) => s.ms)).toEqual([expect.closeTo(1000 / 1.4, 6)]);
    at += 100;
    l.record(undefined, { throttled: true, retryAfterMs: 4000 });
    await flush();
    expect(sleeps.map((s) => s.ms)).toEqual([expect.closeTo(1000 / 1.4, 6), 4000]);
    at += 4000;
    sleeps[1]?.done();
    expect(await waiting).toEqual({ epoch: 2 });
  });

  it('ends a wait when its signal aborts, and serves the next waiter', async () => {
    let at = 0;
    const sleeps: { ms: number; done: () => void }[] = [];
    const l = new AdaptiveLimiter(meta, {
      now: () => at,
      sleep: (ms) => new Promise<void>((resolve) => sleeps.push({ ms, done: resolve })),
    });
    l.record(undefined, { throttled: true });
    const controller = new AbortController();
    const aborted = l.wait(controller.signal);
    const next = l.wait();
    controller.abort(new Error('operator pressed ctrl-c'));
    await expect(aborted).rejects.toThrow('operator pressed ctrl-c');
    // The pump woke up and works out the wait of the next waiter.
    await flush();
    expect(sleeps.map((s) => s.ms)).toEqual([expect.closeTo(1000 / 1.4, 6), expect.closeTo(1000 / 1.4, 6)]);
    at += 1000;
    sleeps[1]?.done();
    expect(await next).toEqual({ epoch: 1 });
    // An already aborted signal never queues.
    await expect(l.wait(AbortSignal.abort(new Error('too late')))).rejects.toThrow('too late');
  });

  it('refuses nonsense options', () => {
    expect(() => new AdaptiveLimiter(meta, { beta: 1 })).toThrow(RangeError);
    expect(() => new AdaptiveRates({ minRate: 0 })).toThrow(RangeError);
    expect(() => new AdaptiveRates({ scale: Number.POSITIVE_INFINITY })).toThrow(RangeError);
  });
});

describe('AdaptiveRates', () => {
  it('keeps one limiter per account, service and operation, and lists them', () => {
    const t = fakeTime();
    const rates = new AdaptiveRates(t);
    const cancel = rates.limiter(meta);
    expect(rates.limiter({ ...meta })).toBe(cancel);
    const list = rates.limiter({ ...meta, operation: 'ListGrants' });
    const otherService = rates.limiter({ ...meta, service: 'ccm' });
    const otherAccount = rates.limiter({ ...meta, account: 'hw-2' });
    expect(new Set([cancel, list, otherService, otherAccount]).size).toBe(4);
    cancel.record(undefined, { throttled: true });
    expect(rates.snapshot()).toEqual([
      { ...meta, rate: expect.closeTo(1.4, 6), throttled: 1 },
      { ...meta, operation: 'ListGrants', rate: undefined, throttled: 0 },
      { ...meta, service: 'ccm', rate: undefined, throttled: 0 },
      { ...meta, account: 'hw-2', rate: undefined, throttled: 0 },
    ]);
  });
});
