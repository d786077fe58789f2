// The adaptive rate limiter: finds the rate a cloud API takes from its throttling answers, after the AWS
// SDKs' "adaptive" retry mode (botocore retries/adaptive.py, throttling.py, bucket.py; @smithy/core's
// DefaultRateLimiter). One limiter per account, service and operation, since the clouds throttle per API;
// the client's workers all share it, so one throttling answer slows every one of them.

import {
  type AbortLike,
  abortReason,
  type Clock,
  type RequestMeta,
  realSleep,
  type SendTicket,
  type Sleep,
  toError,
  waitFor,
} from './meta.js';

/** AdaptiveOptions tune the adaptive limiters of one client. Rates are in requests per second. */
export interface AdaptiveOptions {
  /**
   * beta is the share of the rate kept after a throttling answer, in (0, 1); default 0.7 (AWS, CUBIC).
   * It also sets how long the rate takes to climb back: W = cbrt(lastMaxRate * (1 - beta) / scale).
   */
  readonly beta?: number;
  /** scale is CUBIC's C, how fast the rate grows around the last maximum; default 0.4 (AWS, CUBIC). */
  readonly scale?: number;
  /** minRate is the floor of the rate once limiting is on; default 0.5 (AWS). */
  readonly minRate?: number;
  /** maxRetryAfterMs caps how long one server's retry-after may hold every request; default 60 000. */
  readonly maxRetryAfterMs?: number;
  readonly now?: Clock;
  readonly sleep?: Sleep;
}

/** AttemptOutcome is what the retry interceptor tells a limiter about one attempt it let go. */
export interface AttemptOutcome {
  /** throttled: the answer was the cloud's throttling answer (as the dialect classifies it). */
  readonly throttled: boolean;
  /** retryAfterMs is the wait a throttling answer asked for (Retry-After, x-acs-retry-after), if any. */
  readonly retryAfterMs?: number | undefined;
}

/** RateSnapshot is one limiter as callers may report it (apply's progress, debug output). */
export interface RateSnapshot {
  readonly account: string;
  readonly service: string;
  readonly operation: string;
  /** rate is the current fill rate in requests per second; undefined while limiting is off (no throttle yet). */
  readonly rate: number | undefined;
  /** throttled counts the throttling answers this (account, service, operation) has had. */
  readonly throttled: number;
}

// A measured rate in half-second buckets: when a bucket closes, its rate is blended 0.8 new, 0.2 old
// (botocore RateClocker). Two changes from botocore. Buckets start at the first answer, not on the
// clock's half seconds, so the first one is a whole bucket: a first bucket cut short (a limiter made at
// x.45 s closing at x.5 s) measured 10/s for an API answering 140/s, the first throttle cut the rate to
// 9/s, and CUBIC took 7 s to climb back to the API's 50/s. And before the first bucket closes, the count
// so far over one bucket's width stands in where botocore says 0, so a throttle in the first half second
// does not cut the rate to the floor.
class MeasuredRate {
  static readonly BUCKET_S = 0.5;
  static readonly SMOOTHING = 0.8;
  #rate = 0;
  #count = 0;
  #start: number | undefined;
  #bucket = 0;
  #closed = false;

  /** record counts one answer at t (seconds) and returns the measured rate. */
  record(t: number): number {
    this.#count += 1;
    this.#start ??= t;
    const bucket = Math.floor((t - this.#start) / MeasuredRate.BUCKET_S) * MeasuredRate.BUCKET_S;
    if (bucket > this.#bucket) {
      const rate = this.#count / (bucket - this.#bucket);
      this.#rate = rate * MeasuredRate.SMOOTHING + this.#rate * (1 - MeasuredRate.SMOOTHING);
      this.#count = 0;
      this.#bucket = bucket;
      this.#closed = true;
    }
    return this.value;
  }

  get value(): number {
    return this.#closed ? this.#rate : this.#count / MeasuredRate.BUCKET_S;
  }
}

// The answers that were not throttling answers over the last second, in tenths of a second (the ten
// before this one, and this one so far): what the cloud let through in its window. A throttle's cut
// starts from no more than that, since a burst inflates the measured rate: 64 answers in their first
// 50 ms measure 128/s for an API that takes 50 a second, and the cut to 90/s took three more cuts, each
// a round trip of refused attempts, to come down to the API's rate.
class AcceptedRate {
  static readonly SLOTS = 11;
  readonly #counts = new Array<number>(AcceptedRate.SLOTS).fill(0);
  readonly #tenths = new Array<number>(AcceptedRate.SLOTS).fill(Number.NEGATIVE_INFINITY);

  /** record counts one accepted answer at t (seconds). */
  record(t: number): void {
    const tenth = Math.floor(t * 10);
    const i = tenth % AcceptedRate.SLOTS;
    if (this.#tenths[i] !== tenth) {
      this.#tenths[i] = tenth;
      this.#counts[i] = 0;
    }
    this.#counts[i] = (this.#counts[i] ?? 0) + 1;
  }

  /** lastSecond is how many were accepted in the second (and a tenth at most) up to t (seconds). */
  lastSecond(t: number): number {
    const now = Math.floor(t * 10);
    let sum = 0;
    for (let i = 0; i < AcceptedRate.SLOTS; i++) {
      if (now - (this.#tenths[i] ?? Number.NEGATIVE_INFINITY) < AcceptedRate.SLOTS)
        sum += this.#counts[i] ?? 0;
    }
    return sum;
  }
}

function settingsOf(o: AdaptiveOptions): Required<AdaptiveOptions> {
  const beta = o.beta ?? 0.7;
  const scale = o.scale ?? 0.4;
  const minRate = o.minRate ?? 0.5;
  const maxRetryAfterMs = o.maxRetryAfterMs ?? 60_000;
  if (!(beta > 0 && beta < 1)) throw new RangeError(`beta must be in (0, 1), got ${beta}`);
  if (!(scale > 0) || !Number.isFinite(scale)) throw new RangeError(`scale must be positive, got ${scale}`);
  if (!(minRate > 0) || !Number.isFinite(minRate))
    throw new RangeError(`minRate must be positive, got ${minRate}`);
  if (!(maxRetryAfterMs >= 0)) throw new RangeError(`maxRetryAfterMs must be >= 0, got ${maxRetryAfterMs}`);
  return { beta, scale, minRate, maxRetryAfterMs, now: o.now ?? Date.now, sleep: o.sleep ?? realSleep };
}

// The first wave of an operation: what went before its first answer, when nothing was known of its rate.
// Once that first answer is in, new attempts wait until the rest of the wave has answered too, so that a
// throttling answer to the wave is heard before the next wave goes: the first answers are the wave's
// earliest sends, the cloud's refusals its last, and at 64 attempts in flight the slots freed by the
// first answers sent 30 more into an empty bucket before the first refusal was read. The wait is
// bounded: as long again as the first answer took, between FIRST_WAVE_MIN_MS and FIRST_WAVE_MAX_MS.
//
// The wave waited for is its burst: the attempts sent within FIRST_WAVE_BURST_SHARE of the time the first
// answer took. A run that starts an operation sends its first calls at once (64 within 15 ms, its first
// answer after 70 ms), and a burst is what empties a cloud's bucket before any refusal is heard. A new
// operation that follows another in a plan starts one call per slot the other's answers free, across a
// whole round trip (32 over 50 ms): holding every freed slot until the last of those was answered emptied
// the run for a round trip at each new operation, a tenth of a 1,000-target apply.
const FIRST_WAVE_MIN_MS = 100;
const FIRST_WAVE_MAX_MS = 1000;
const FIRST_WAVE_BURST_SHARE = 0.25;
// The most first-wave sends remembered; later ones are not waited for.
const FIRST_WAVE_MAX_SENDS = 4096;

interface FirstWave {
  startedAt: number;
  /** sentAt are the times its attempts went, in order. */
  sentAt: number[];
  /** burstEnd is when its burst ended (set by its first answer), and burst how many went until then. */
  burstEnd?: number;
  burst: number;
  answered: number;
  /** until is when new attempts go even if the burst is not all answered; set by its first answer. */
  until?: number;
}

interface Waiter {
  readonly resolve: (ticket: SendTicket) => void;
  readonly reject: (err: Error) => void;
  readonly signal: AbortLike | undefined;
  readonly onAbort: () => void;
}

/**
 * AdaptiveLimiter paces the attempts of one account, service and operation. It is off (lets everything
 * go) until the first throttling answer. A throttling answer to an attempt sent since the last cut
 * remembers the rate in use as lastMaxRate (the measured rate, or the fill rate when lower), cuts the
 * fill rate to beta x that, and turns limiting on; throttling answers to attempts sent before that cut
 * were caused by the old rate, so they are counted but cut no further (TCP's one cut per window; AWS
 * cuts on each, which collapses the rate to the floor when 32 workers are throttled at once). Every other
 * outcome grows the fill rate along the CUBIC curve `scale (t - tLastThrottle - W)^3 + lastMaxRate`,
 * never above 2 x the measured rate, never below minRate. A throttling answer's retry-after holds every
 * attempt until it has passed. Before the first throttle, attempts go freely except for one pause: once
 * the operation's first answer is in, the next attempts wait for the rest of its first wave (bounded), so
 * that a throttling answer to it cuts the rate before more attempts go. Waiters go in arrival order; a
 * waiter's AbortSignal ends its wait.
 */
export class AdaptiveLimiter {
  readonly account: string;
  readonly service: string;
  readonly operation: string;
  readonly #beta: number;
  readonly #scale: number;
  readonly #minRate: number;
  readonly #maxRetryAfterMs: number;
  readonly #now: Clock;
  readonly #sleep: Sleep;
  readonly #measured = new MeasuredRate();
  readonly #accepted = new AcceptedRate();
  #enabled = false;
  #rate = 0;
  #tokens = 0;
  #refilledAt = 0;
  #lastMaxRate = 0;
  #lastThrottleS = 0;
  #w = 0;
  #epoch = 0;
  #notBefore = Number.NEGATIVE_INFINITY;
  #throttled = 0;
  // undefined once the first wave is all answered, its wait has run out, or the limiter is on.
  #wave: FirstWave | undefined = { startedAt: Number.NaN, sentAt: [], burst: 0, answered: 0 };
  readonly #queue: Waiter[] = [];
  #pumping = false;
  // Set while the pump sleeps: aborting it makes the pump work out its wait again (a new rate, a new
  // retry-after, a waiter gone).
  #wake: AbortController | undefined;
  #plannedAt = 0;

  constructor(meta: Pick<RequestMeta, 'account' | 'service' | 'operation'>, options: AdaptiveOptions = {}) {
    const s = settingsOf(options);
    this.account = meta.account;
    this.service = meta.service;
    this.operation = meta.operation;
    this.#beta = s.beta;
    this.#scale = s.scale;
    this.#minRate = s.minRate;
    this.#maxRetryAfterMs = s.maxRetryAfterMs;
    this.#now = s.now;
    this.#sleep = s.sleep;
  }

  /** rate is the fill rate in requests per second, or undefined while limiting is off. */
  get rate(): number | undefined {
    return this.#enabled ? this.#rate : undefined;
  }

  /**
   * pacing says whether an attempt that cannot go now waits for the rate (limiting is on, or a
   * retry-after holds): a wait as long as the cloud needs, for which its caller's concurrency slot is
   * better given back. false while the only wait is the first wave's pause, tens of milliseconds, for
   * which the slot is kept: given back, every target of the plan would start and queue here.
   */
  get pacing(): boolean {
    return this.#enabled || this.#notBefore > this.#now();
  }

  /**
   * current says whether ticket was handed out at the rate in force now: false once a throttling answer
   * has cut the rate since, so that an attempt that waited elsewhere after its ticket (for a concurrency
   * slot) asks again instead of going at the old rate.
   */
  current(ticket: SendTicket): boolean {
    return ticket.epoch === this.#epoch;
  }

  /** throttled counts the throttling answers recorded. */
  get throttled(): number {
    return this.#throttled;
  }

  /** snapshot is this limiter as a RateSnapshot. */
  snapshot(): RateSnapshot {
    const { account, service, operation, rate, throttled } = this;
    return { account, service, operation, rate, throttled };
  }

  /**
   * take hands out a ticket when an attempt may go at once (nobody is waiting, a token is there and no
   * retry-after holds); undefined when it must wait().
   */
  take(): SendTicket | undefined {
    if (this.#queue.length > 0) return undefined;
    const now = this.#now();
    return this.#waitMs(now) > 0 ? undefined : this.#release(now);
  }

  /**
   * wait queues an attempt and resolves with its ticket when its turn comes; it rejects with the
   * signal's reason as soon as the signal aborts (also when it already has), and the attempt is dropped
   * from the queue. Waits go through the injected sleep, once per attempt unless something changes the
   * wait (a new rate, a retry-after); after a sleep the attempt goes even if the clock did not move, so a
   * sleep that returns at once (tests) releases one attempt per sleep.
   */
  wait(signal?: AbortLike): Promise<SendTicket> {
    if (signal?.aborted === true) return Promise.reject(abortReason(signal));
    return new Promise<SendTicket>((resolve, reject) => {
      const waiter: Waiter = {
        resolve,
        reject,
        signal,
        onAbort: () => {
          const i = this.#queue.indexOf(waiter);
          if (i >= 0) this.#queue.splice(i, 1);
          if (signal !== undefined) reject(abortReason(signal));
          this.#wake?.abort();
        },
      };
      signal?.addEventListener('abort', waiter.onAbort, { once: true });
      this.#queue.push(waiter);
      if (!this.#pumping) void this.#pump();
    });
  }

  /** record takes the outcome of an attempt that was let go with ticket (undefined: not through take/wait). */
  record(ticket: SendTicket | undefined, outcome: AttemptOutcome): void {
    const nowMs = this.#now();
    const t = nowMs / 1000;
    const measured = this.#measured.record(t);
    const wave = this.#wave;
    if (wave !== undefined && ticket?.wave !== undefined) {
      if (wave.burstEnd === undefined) {
        const took = nowMs - wave.startedAt;
        wave.until = nowMs + Math.min(FIRST_WAVE_MAX_MS, Math.max(FIRST_WAVE_MIN_MS, took));
        const end = wave.startedAt + took * FIRST_WAVE_BURST_SHARE;
        wave.burstEnd = end;
        wave.burst = wave.sentAt.filter((at) => at <= end).length;
        wave.sentAt = [];
      }
      if (ticket.wave <= wave.burstEnd) wave.answered += 1;
      if (wave.answered >= wave.burst) this.#wave = undefined;
    }
    if (outcome.throttled) {
      // From the first throttle on, the rate paces every attempt: the wave's pause has done its work.
      this.#wave = undefined;
      this.#throttled += 1;
      if (outcome.retryAfterMs !== undefined) {
        const hold = Math.min(Math.max(0, outcome.retryAfterMs), this.#maxRetryAfterMs);
        this.#notBefore = Math.max(this.#notBefore, nowMs + hold);
      }
      if (ticket === undefined || ticket.epoch === this.#epoch) {
        const inUse = Math.min(
          this.#enabled ? Math.min(measured, this.#rate) : measured,
          this.#accepted.lastSecond(t) || Number.POSITIVE_INFINITY,
        );
        this.#lastMaxRate = inUse;
        this.#w = Math.cbrt((inUse * (1 - this.#beta)) / this.#scale);
        this.#lastThrottleS = t;
        this.#epoch += 1;
        if (!this.#enabled) {
          this.#enabled = true;
          this.#refilledAt = nowMs;
        }
        this.#setRate(nowMs, inUse * this.#beta, measured);
      }
      // The cloud has no token left right now: whatever this limiter saved up is spent, and the next
      // attempt waits a whole interval at the new rate. A token left over from before the throttle sent
      // one more attempt into an empty bucket, a sure throttle and one more cut.
      this.#tokens = Math.min(this.#tokens, 0);
    } else {
      this.#accepted.record(t);
      if (this.#enabled) {
        const since = t - this.#lastThrottleS - this.#w;
        this.#setRate(nowMs, this.#scale * since ** 3 + this.#lastMaxRate, measured);
      }
    }
    this.#replan();
  }

  #setRate(nowMs: number, rate: number, measured: number): void {
    // Tokens earned so far were earned at the old rate.
    this.#refill(nowMs);
    this.#rate = Math.max(this.#minRate, Math.min(rate, 2 * measured));
  }

  #refill(nowMs: number): void {
    if (nowMs > this.#refilledAt) {
      this.#tokens = Math.min(1, this.#tokens + ((nowMs - this.#refilledAt) / 1000) * this.#rate);
      this.#refilledAt = nowMs;
    }
  }

  // How long from nowMs until the next attempt may go: the retry-after hold, and a token once limiting is on.
  #waitMs(nowMs: number): number {
    const held = this.#notBefore - nowMs;
    if (!this.#enabled) return Math.max(0, held, this.#waveWaitMs(nowMs));
    this.#refill(nowMs);
    const forToken = this.#tokens >= 1 ? 0 : ((1 - this.#tokens) / this.#rate) * 1000;
    return Math.max(0, held, forToken);
  }

  // How long the first wave still holds new attempts: 0 while it has no answer, or once it is over.
  #waveWaitMs(nowMs: number): number {
    const until = this.#wave?.until;
    if (until === undefined) return 0;
    if (nowMs < until) return until - nowMs;
    this.#wave = undefined;
    return 0;
  }

  // Lets one attempt go. The token is taken even when there is none yet (after a sleep that returned
  // early, or a fake one): the debt delays the next attempt instead. An attempt let go after the first
  // wave's pause (a sleep that returned early) is not counted in the wave.
  #release(nowMs: number): SendTicket {
    if (this.#enabled) {
      this.#refill(nowMs);
      this.#tokens -= 1;
    }
    const wave = this.#wave;
    if (wave === undefined || wave.until !== undefined || wave.sentAt.length >= FIRST_WAVE_MAX_SENDS) {
      return { epoch: this.#epoch };
    }
    if (wave.sentAt.length === 0) wave.startedAt = nowMs;
    wave.sentAt.push(nowMs);
    return { epoch: this.#epoch, wave: nowMs };
  }

  // Wakes a sleeping pump when the next attempt's time has moved.
  #replan(): void {
    if (this.#wake === undefined) return;
    const now = this.#now();
    const next = now + this.#waitMs(now);
    if (Math.abs(next - this.#plannedAt) >= 1) this.#wake.abort();
  }

  async #pump(): Promise<void> {
    this.#pumping = true;
    try {
      while (this.#queue.length > 0) {
        const wait = this.#waitMs(this.#now());
        const slept = wait > 0;
        if (slept) {
          const wake = new AbortController();
          this.#wake = wake;
          this.#plannedAt = this.#now() + wait;
          try {
            await waitFor(wait, this.#sleep, wake.signal);
          } catch (err) {
            if (wake.signal.aborted) continue;
            this.#failAll(toError(err));
            return;
          } finally {
            this.#wake = undefined;
          }
        }
        const waiter = this.#queue.shift();
        if (waiter === undefined) break;
        waiter.signal?.removeEventListener('abort', waiter.onAbort);
        waiter.resolve(this.#release(slept ? this.#plannedAt : this.#now()));
      }
    } finally {
      this.#pumping = false;
    }
  }

  #failAll(err: Error): void {
    for (const waiter of this.#queue.splice(0)) {
      waiter.signal?.removeEventListener('abort', waiter.onAbort);
      waiter.reject(err);
    }
  }
}

/**
 * AdaptiveRates are the adaptive limiters of one client, made on first use per account, service and
 * operation, with the same options. The client makes one and gives it to both interceptors: rateLimit
 * takes a ticket before each attempt, retry records each attempt's outcome.
 */
export class AdaptiveRates {
  readonly #options: AdaptiveOptions;
  readonly #limiters = new Map<string, AdaptiveLimiter>();

  constructor(options: AdaptiveOptions = {}) {
    settingsOf(options); // Refuses bad options now rather than on the first request.
    this.#options = options;
  }

  /** limiter is the limiter of meta's account, service and operation. */
  limiter(meta: Pick<RequestMeta, 'account' | 'service' | 'operation'>): AdaptiveLimiter {
    const key = `${meta.account}\u0000${meta.service}\u0000${meta.operation}`;
    let limiter = this.#limiters.get(key);
    if (limiter === undefined) {
      limiter = new AdaptiveLimiter(meta, this.#options);
      this.#limiters.set(key, limiter);
    }
    return limiter;
  }

  /** snapshot lists every limiter made so far, in the order of their first request. */
  snapshot(): RateSnapshot[] {
    return [...this.#limiters.values()].map((l) => l.snapshot());
  }
}
