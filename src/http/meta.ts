// What a request carries through rescind's interceptors (account, service, operation, under the
// `rescind` key of undici's dispatch options; each attempt's record under `rescindAttempt`), the
// injectable clock and sleep, and the small helpers the interceptors share: waiting that an AbortSignal
// cuts short, and a controller for errors before dispatch.

import type { Dispatcher } from 'undici';
import type { AbortLike } from '../clouds/wire.js';

export type { AbortLike } from '../clouds/wire.js';

/**
 * RetryReason is why an attempt is retried: a throttling answer, a 5xx-like answer, the network, or an
 * answer refusing expired credentials (retried at once with refreshed ones).
 */
export type RetryReason = 'throttled' | 'server-error' | 'network' | 'credentials-expired';

/** RetryEvent describes one retry decision: attempt `attempt` failed and attempt + 1 starts after delayMs. */
export interface RetryEvent {
  /** attempt is the 1-based number of the attempt that failed. */
  readonly attempt: number;
  readonly maxAttempts: number;
  readonly delayMs: number;
  readonly reason: RetryReason;
  /** status and cloudCode describe a failed answer; networkCode a failed exchange (ECONNRESET, UND_ERR_SOCKET). */
  readonly status?: number;
  readonly cloudCode?: string;
  readonly networkCode?: string;
  /** retryAfterMs is what the server asked for (Retry-After, x-acs-retry-after), when it did. */
  readonly retryAfterMs?: number;
}

/**
 * Pacer is the caller's hold on its share of concurrency (an apply's slot): a call that must wait for its
 * operation's rate gives it back while it waits, and takes one again before it is sent, so that calls of
 * other operations go meanwhile.
 */
export interface Pacer {
  release(): void;
  reacquire(): Promise<void>;
}

/**
 * RequestMeta is what one logical call is for. It travels unchanged through every attempt: the retry
 * interceptor classifies answers with it, the rate limiter keys buckets by account and service and
 * adaptive limiters by account, service and operation, the signer reads the Alibaba action (operation)
 * and API version from it, and the logger names the call.
 */
export interface RequestMeta {
  /** account is the config's account name, e.g. `hw-prod`: the rate limiter's bucket key with service. */
  readonly account: string;
  /** service is the cloud service, e.g. `kms`, `ccm`, `esa`, `cs`. */
  readonly service: string;
  /** operation is the API name, e.g. `CancelGrant`; for Alibaba it is signed as x-acs-action. */
  readonly operation: string;
  /** apiVersion is the Alibaba API version (x-acs-version), e.g. `2024-09-10`; unused for Huawei. */
  readonly apiVersion?: string;
  /** onRetry is told of each retry before its wait starts (the client counts attempts and logs with it). */
  readonly onRetry?: (event: RetryEvent) => void;
  /** pacer is given back while the attempt waits for a rate, and taken again before it is sent. */
  readonly pacer?: Pacer;
}

/**
 * SendTicket is what an adaptive limiter hands the attempt it lets go: the limiter's epoch (how many
 * times it has cut its rate) at that moment, so that a throttling answer to an attempt sent before the
 * last cut is known to be the old rate's doing.
 */
export interface SendTicket {
  readonly epoch: number;
  /**
   * wave is when the attempt went, in milliseconds, if it went in its operation's first wave, before any
   * answer (AdaptiveLimiter).
   */
  readonly wave?: number;
}

/**
 * AttemptRecord is one attempt of a call. The retry interceptor makes one per attempt and passes it in
 * that attempt's dispatch options (`rescindAttempt`), with the attempt's number for the log; the rate
 * limiter writes the ticket it handed out, and retry reads it back when it tells the limiter the
 * attempt's outcome.
 */
export interface AttemptRecord {
  ticket?: SendTicket;
  /** attempt is the attempt's 1-based number, maxAttempts how many the retry interceptor allows. */
  attempt?: number;
  maxAttempts?: number;
  /** reported says that retry told the adaptive limiter this attempt's outcome (it does so once). */
  reported?: boolean;
  /** credentials is the version of rotating credentials the sign interceptor signed this attempt with. */
  credentials?: number;
}

/** RescindDispatchOptions are undici dispatch options with rescind's per-call and per-attempt metadata. */
export interface RescindDispatchOptions extends Dispatcher.DispatchOptions {
  readonly rescind?: RequestMeta;
  readonly rescindAttempt?: AttemptRecord;
}

/** RescindRequestOptions are undici `request()` options with rescind's per-call metadata. */
export interface RescindRequestOptions extends Dispatcher.RequestOptions {
  readonly rescind?: RequestMeta;
}

/** metaOf reads the metadata a dispatch carries; undefined for a request made without it. */
export function metaOf(opts: Dispatcher.DispatchOptions): RequestMeta | undefined {
  return (opts as RescindDispatchOptions).rescind;
}

/** attemptOf reads the record of the attempt a dispatch is, when the retry interceptor made one. */
export function attemptOf(opts: Dispatcher.DispatchOptions): AttemptRecord | undefined {
  return (opts as RescindDispatchOptions).rescindAttempt;
}

/**
 * CallSignal is one call's abort signal, aborted by its deadline or its caller's signal, and listened on
 * by undici (which takes anything with addEventListener) and the interceptors as on an AbortSignal.
 * It is a plain object, not an EventTarget: on Node 20 an AbortController and the listeners undici, the
 * retry and the rate limiter put on it cost some 10 µs of CPU a call, a fortieth of a call's whole.
 */
export class CallSignal implements AbortLike {
  aborted = false;
  reason: unknown = undefined;
  #listeners: (() => void)[] = [];

  addEventListener(_type: 'abort', listener: () => void): void {
    if (!this.aborted) this.#listeners.push(listener);
  }

  removeEventListener(_type: 'abort', listener: () => void): void {
    const i = this.#listeners.indexOf(listener);
    if (i >= 0) this.#listeners.splice(i, 1);
  }

  /** abort sets the reason and tells every listener, once. */
  abort(reason: unknown): void {
    if (this.aborted) return;
    this.aborted = true;
    this.reason = reason;
    const listeners = this.#listeners;
    this.#listeners = [];
    for (const listener of listeners) listener();
  }
}

/** signalOf reads the abort signal that `request()` options pass on to every interceptor, if any. */
export function signalOf(opts: Dispatcher.DispatchOptions): AbortLike | undefined {
  const signal = (opts as { signal?: unknown }).signal;
  return signal instanceof AbortSignal || signal instanceof CallSignal ? signal : undefined;
}

/** Clock is the current time in epoch milliseconds (Date.now by default; tests inject a fake one). */
export type Clock = () => number;

/**
 * Sleep waits ms milliseconds. Injected sleeps need not watch an AbortSignal: waitFor races them
 * against it. Tests inject one that records the delay asked for and returns at once.
 */
export type Sleep = (ms: number) => Promise<void>;

/** realSleep is the default Sleep, a timer. */
export const realSleep: Sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * waitFor sleeps ms with sleep, or rejects with the signal's reason as soon as the signal aborts
 * (also when it already has). A wait of 0 or less still goes through sleep, once, so tests see it.
 */
export function waitFor(ms: number, sleep: Sleep, signal: AbortLike | undefined): Promise<void> {
  if (signal === undefined) return sleep(ms);
  if (signal.aborted) return Promise.reject(abortReason(signal));
  return new Promise<void>((resolve, reject) => {
    const onAbort = (): void => reject(abortReason(signal));
    signal.addEventListener('abort', onAbort, { once: true });
    sleep(ms).then(
      () => {
        signal.removeEventListener('abort', onAbort);
        resolve();
      },
      (err: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(toError(err));
      },
    );
  });
}

/** abortReason is a signal's reason as an Error (DOMException is one), or a generic abort error. */
export function abortReason(signal: AbortLike): Error {
  const reason: unknown = signal.reason;
  return reason instanceof Error ? reason : new DOMException('This operation was aborted', 'AbortError');
}

/** toError returns err when it is an Error, else an Error whose message is String(err). */
export function toError(err: unknown): Error {
  return err instanceof Error ? err : new Error(String(err));
}

/**
 * detachedController is the controller handed to a handler when an interceptor fails a request before
 * any connection exists (an aborted wait, a signing error): aborting, pausing or resuming it does nothing.
 */
export function detachedController(): Dispatcher.DispatchController {
  let aborted = false;
  let reason: Error | null = null;
  return {
    get aborted() {
      return aborted;
    },
    get paused() {
      return false;
    },
    get reason() {
      return reason;
    },
    abort(why: Error) {
      aborted = true;
      reason = why;
    },
    pause() {},
    resume() {},
  };
}
