// The rate-limit interceptor: the client's adaptive limiter of each account, service and operation
// (src/http/adaptive-rate.ts: off until the API throttles, then the rate its answers allow), and the
// configured token bucket of each account and service, in requests per second (0 = no limit). A request
// over either waits for its turn, in arrival order, and an aborted signal ends the wait. It sits inside
// retry, so every attempt takes a token.

import type { Dispatcher } from 'undici';
import type { AdaptiveRates } from './adaptive-rate.js';
import {
  attemptOf,
  type Clock,
  detachedController,
  metaOf,
  type RequestMeta,
  realSleep,
  type Sleep,
  signalOf,
  toError,
  waitFor,
} from './meta.js';

/**
 * TokenBucket is a token bucket kept as its theoretical arrival time (GCRA): `burst` requests may go at
 * once, then one every 1000/rps ms. reserve() takes the next slot even when it is in the future, so
 * concurrent callers are spaced in arrival order. A slot whose wait is aborted is not given back.
 */
export class TokenBucket {
  readonly rps: number;
  readonly burst: number;
  #tat = Number.NEGATIVE_INFINITY;

  constructor(rps: number, burst = 1) {
    if (!(rps > 0) || !Number.isFinite(rps))
      throw new RangeError(`rate must be a positive number, got ${rps}`);
    if (!(burst >= 1) || !Number.isInteger(burst))
      throw new RangeError(`burst must be an integer >= 1, got ${burst}`);
    this.rps = rps;
    this.burst = burst;
  }

  /** reserve takes a slot and returns how many ms from now the request may start (0 = at once). */
  reserve(now: number): number {
    const interval = 1000 / this.rps;
    const tat = Math.max(this.#tat, now);
    const wait = Math.max(0, tat - (this.burst - 1) * interval - now);
    this.#tat = tat + interval;
    return wait;
  }
}

/** RateLimitOptions configure the rate-limit interceptor. */
export interface RateLimitOptions {
  /** rps is the rate of each service without its own entry in perService; 0 (the default) = no limit. */
  readonly rps?: number;
  /** perService overrides rps by service name, e.g. `{ kms: 20 }` (KMS documents 20 TPS per user). */
  readonly perService?: Readonly<Record<string, number>>;
  /** burst is how many requests may go at once before spacing starts; default 1. */
  readonly burst?: number;
  /**
   * adaptive are the client's adaptive limiters, shared with the retry interceptor (which records each
   * attempt's outcome in them): every attempt with metadata takes a ticket from its account, service and
   * operation's limiter before its configured bucket. None = only the configured rates.
   */
  readonly adaptive?: AdaptiveRates;
  readonly now?: Clock;
  readonly sleep?: Sleep;
  /**
   * onWait hears of each attempt that must wait before it goes: for its configured rate (delayMs known)
   * or for its adaptive limiter after throttling (delayMs undefined: it goes when the rate allows).
   */
  readonly onWait?: (wait: RateWait) => void;
}

/** RateWait is an attempt held by the rate limiter: whose, why, and for how long when known. */
export interface RateWait {
  readonly meta: RequestMeta | undefined;
  readonly reason: 'rate-limit' | 'throttled-rate';
  readonly delayMs: number | undefined;
}

/**
 * rateLimit is the rate-limit interceptor. An attempt first waits for its adaptive limiter (account,
 * service, operation), then for its configured bucket (account and service; a request without metadata
 * shares one bucket per origin): it goes when both let it. A wait aborted by the request's signal fails
 * the request with the signal's reason and sends nothing.
 */
export function rateLimit(options: RateLimitOptions): Dispatcher.DispatcherComposeInterceptor {
  const now = options.now ?? Date.now;
  const sleep = options.sleep ?? realSleep;
  const buckets = new Map<string, TokenBucket>();
  const bucketFor = (
    opts: Dispatcher.DispatchOptions,
    meta: RequestMeta | undefined,
  ): TokenBucket | undefined => {
    const rps = (meta === undefined ? undefined : options.perService?.[meta.service]) ?? options.rps ?? 0;
    if (!(rps > 0)) return undefined;
    const key = meta === undefined ? `origin ${String(opts.origin)}` : `${meta.account}\u0000${meta.service}`;
    let bucket = buckets.get(key);
    if (bucket === undefined || bucket.rps !== rps) {
      bucket = new TokenBucket(rps, options.burst ?? 1);
      buckets.set(key, bucket);
    }
    return bucket;
  };
  const told = (wait: RateWait): void => {
    try {
      options.onWait?.(wait);
    } catch {
      // An observer's failure must not change what happens to the request.
    }
  };
  return (dispatch) => (opts, handler) => {
    const meta = metaOf(opts);
    const signal = signalOf(opts);
    const fail = (err: unknown): void => {
      handler.onResponseError?.(detachedController(), toError(err));
    };
    const send = (): void => {
      try {
        dispatch(opts, handler);
      } catch (err) {
        fail(err);
      }
    };
    // A wait gives the caller's share of concurrency back (meta.pacer), and takes it again before the
    // attempt goes: the slot serves another operation meanwhile.
    const pacer = meta?.pacer;
    let released = false;
    const release = (): void => {
      if (pacer === undefined || released) return;
      released = true;
      pacer.release();
    };
    const limiter = meta === undefined ? undefined : options.adaptive?.limiter(meta);
    const record = attemptOf(opts);
    const resend = (): void => {
      if (!released || pacer === undefined) {
        send();
        return;
      }
      released = false;
      pacer.reacquire().then(() => {
        // A throttling answer came while this attempt waited for its slot: its ticket was for the old
        // rate, and every attempt holding one would go at once. It waits for the new rate instead.
        const ticket = record?.ticket;
        if (limiter !== undefined && ticket !== undefined && !limiter.current(ticket)) adaptive();
        else send();
      }, fail);
    };
    // The configured bucket, reserved once the adaptive limiter has let the attempt go.
    const paced = (): boolean => {
      const wait = bucketFor(opts, meta)?.reserve(now()) ?? 0;
      if (wait <= 0) {
        if (!released) return dispatch(opts, handler);
        resend();
        return true;
      }
      told({ meta, reason: 'rate-limit', delayMs: wait });
      release();
      waitFor(wait, sleep, signal).then(resend, fail);
      return true;
    };
    // The adaptive limiter: a ticket at once, or a wait for one (the slot given back meanwhile).
    const adaptive = (): boolean => {
      if (limiter === undefined) return paced();
      const ticket = limiter.take();
      if (ticket !== undefined) {
        if (record !== undefined) record.ticket = ticket;
        return paced();
      }
      if (limiter.pacing) {
        told({ meta, reason: 'throttled-rate', delayMs: undefined });
        release();
      }
      limiter.wait(signal).then((waited) => {
        if (record !== undefined) record.ticket = waited;
        try {
          paced();
        } catch (err) {
          fail(err);
        }
      }, fail);
      return true;
    };
    return adaptive();
  };
}
