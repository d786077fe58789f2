// The retry interceptor: resends a request after throttling, a 5xx or a failed exchange (reset, refused,
// dropped socket), waiting what the server asks (Retry-After, the dialect's own header) or an exponential
// backoff with full jitter. It sits outside sign and rate-limit, so every attempt is re-signed and paced.
// Not undici's interceptors.retry: that one decides on the status before reading the body (Alibaba's
// throttling is a 400 told by its code), knows no x-acs-retry-after, has no jitter and its waits ignore
// the request's AbortSignal.

import type { Dispatcher } from 'undici';
import type { Dialect, RotatingSigner } from '../clouds/wire.js';
import type { AdaptiveLimiter, AdaptiveRates } from './adaptive-rate.js';
import { classifyAnswer, errorCode, isRetryableNetworkError } from './errors.js';
import {
  type AbortLike,
  type AttemptRecord,
  abortReason,
  CallSignal,
  type Clock,
  metaOf,
  type RequestMeta,
  type RetryEvent,
  realSleep,
  type Sleep,
  signalOf,
  toError,
  waitFor,
} from './meta.js';

/**
 * RetryOptions configure the retry interceptor. Revocations (POST, DELETE) are retried like reads: a
 * write whose answer was lost may have happened, so the planner and executor never trust a write's
 * answer alone and re-read the target's state (already revoked is success); see
 * docs/clouds.md#writes-whose-answer-was-lost.
 */
export interface RetryOptions {
  /** dialect tells the cloud's throttling answer and the wait it asks for. */
  readonly dialect: Dialect;
  /** maxAttempts counts the first attempt; 1 = no retry. Default 4. */
  readonly maxAttempts?: number;
  /** baseDelayMs is the backoff cap of the first retry after a 5xx or network failure; default 200. */
  readonly baseDelayMs?: number;
  /** throttleBaseDelayMs is that cap after throttling without Retry-After; default 1000 (Huawei: 2-5 s). */
  readonly throttleBaseDelayMs?: number;
  /** maxDelayMs caps a backoff; default 20 000. */
  readonly maxDelayMs?: number;
  /** maxRetryAfterMs caps what a server may ask for in Retry-After / x-acs-retry-after; default 60 000. */
  readonly maxRetryAfterMs?: number;
  /** maxErrorBodyBytes is how much of an error answer is kept to classify and report; default 1 MiB. */
  readonly maxErrorBodyBytes?: number;
  /**
   * maxHeldBodyBytes is how much of a successful answer is held until it is complete, so that an answer
   * cut short (a dropped socket, a body shorter than its Content-Length) is retried like any failed
   * exchange; past it the answer streams to the caller, whose own cap then refuses it. Default 16 MiB.
   */
  readonly maxHeldBodyBytes?: number;
  readonly sleep?: Sleep;
  /** random is in [0, 1); Math.random by default. */
  readonly random?: () => number;
  /** now is the clock for an HTTP-date Retry-After. */
  readonly now?: Clock;
  /**
   * adaptive are the client's adaptive limiters, shared with the rate-limit interceptor: retry tells the
   * limiter of each request's account, service and operation whether each attempt was throttled (and the
   * retry-after it was given), so that one worker's throttling slows every worker's next attempt.
   */
  readonly adaptive?: AdaptiveRates | undefined;
  /**
   * credentials are the account's rotating credentials, when they rotate: an answer refusing expired
   * credentials (the dialect's isExpiredCredentials) is retried at once when refused() says newer ones
   * are ready, up to MAX_CREDENTIAL_RETRIES times per request, outside maxAttempts.
   */
  readonly credentials?: Pick<RotatingSigner, 'refused'> | undefined;
}

/** MAX_CREDENTIAL_RETRIES bounds the retries of one request with refreshed credentials. */
export const MAX_CREDENTIAL_RETRIES = 2;

interface Settings {
  readonly dialect: Dialect;
  readonly maxAttempts: number;
  readonly baseDelayMs: number;
  readonly throttleBaseDelayMs: number;
  readonly maxDelayMs: number;
  readonly maxRetryAfterMs: number;
  readonly maxErrorBodyBytes: number;
  readonly maxHeldBodyBytes: number;
  readonly sleep: Sleep;
  readonly random: () => number;
  readonly now: Clock;
  readonly adaptive: AdaptiveRates | undefined;
  readonly credentials: Pick<RotatingSigner, 'refused'> | undefined;
}

/** DEFAULT_MAX_ATTEMPTS is the default attempt count, the first attempt included. */
export const DEFAULT_MAX_ATTEMPTS = 4;

/**
 * backoffDelay is the full-jitter backoff before retry number `attempt` (1-based: the attempt that
 * failed): uniform in [0, min(maxMs, baseMs * 2^(attempt-1))), rounded down.
 */
export function backoffDelay(attempt: number, baseMs: number, maxMs: number, random: () => number): number {
  const cap = Math.min(maxMs, baseMs * 2 ** Math.max(0, attempt - 1));
  return Math.floor(random() * cap);
}

/**
 * retryDelay is the wait after failed attempt `attempt`: what the server asked for when it did (capped
 * by maxRetryAfterMs, no jitter), else backoffDelay with the throttling or the ordinary base.
 */
export function retryDelay(
  attempt: number,
  failure: { readonly throttled: boolean; readonly retryAfterMs: number | undefined },
  options: Omit<RetryOptions, 'dialect'> = {},
): number {
  const s = settingsOf(options);
  if (failure.retryAfterMs !== undefined)
    return Math.min(Math.max(0, failure.retryAfterMs), s.maxRetryAfterMs);
  return backoffDelay(
    attempt,
    failure.throttled ? s.throttleBaseDelayMs : s.baseDelayMs,
    s.maxDelayMs,
    s.random,
  );
}

function settingsOf(o: Omit<RetryOptions, 'dialect'>): Omit<Settings, 'dialect' | 'credentials'> {
  const maxAttempts = o.maxAttempts ?? DEFAULT_MAX_ATTEMPTS;
  if (!Number.isInteger(maxAttempts) || maxAttempts < 1) {
    throw new RangeError(`maxAttempts must be an integer >= 1, got ${maxAttempts}`);
  }
  return {
    maxAttempts,
    baseDelayMs: o.baseDelayMs ?? 200,
    throttleBaseDelayMs: o.throttleBaseDelayMs ?? 1000,
    maxDelayMs: o.maxDelayMs ?? 20_000,
    maxRetryAfterMs: o.maxRetryAfterMs ?? 60_000,
    maxErrorBodyBytes: o.maxErrorBodyBytes ?? 1024 * 1024,
    maxHeldBodyBytes: o.maxHeldBodyBytes ?? 16 * 1024 * 1024,
    sleep: o.sleep ?? realSleep,
    random: o.random ?? Math.random,
    now: o.now ?? Date.now,
    adaptive: o.adaptive,
  };
}

/**
 * retry is the retry interceptor. Answers of 400 and above are read whole (up to maxErrorBodyBytes)
 * before anything reaches the caller, so that throttling can be told by its body (Alibaba's 400
 * `Throttling.User`); answers below 400 are held until complete (up to maxHeldBodyBytes, then they stream)
 * and never retried once complete, while one cut short is a failed exchange like any other. The final answer
 * or error reaches the caller unchanged; RequestMeta.onRetry hears of each retry. A request aborted
 * through its signal (or its controller) is never retried and fails at once with the abort reason.
 * With adaptive limiters, each attempt that got a send ticket (or got an answer) reports its outcome once:
 * throttled or not, as the dialect classifies the answer; a failed exchange counts as not throttled.
 */
export function retry(options: RetryOptions): Dispatcher.DispatcherComposeInterceptor {
  const settings: Settings = {
    ...settingsOf(options),
    dialect: options.dialect,
    credentials: options.credentials,
  };
  return (dispatch) => (opts, handler) => new RetryingRequest(dispatch, opts, handler, settings).start();
}

// The controller the caller's handler sees for the whole request, whichever attempt is running: it
// forwards pause/resume/abort to the running attempt's controller (undici's RetryHandler does the same).
class RetryController implements Dispatcher.DispatchController {
  #target: Dispatcher.DispatchController | null = null;
  #paused = false;
  #aborted = false;
  #reason: Error | null = null;
  readonly #onAbort: (reason: Error) => void;

  constructor(onAbort: (reason: Error) => void) {
    this.#onAbort = onAbort;
  }

  attach(target: Dispatcher.DispatchController): void {
    this.#target = target;
    if (this.#aborted) target.abort(this.#reason ?? new Error('aborted'));
    else if (this.#paused) target.pause();
  }

  detach(): void {
    this.#target = null;
  }

  get aborted(): boolean {
    return this.#aborted;
  }

  get paused(): boolean {
    return this.#paused;
  }

  get reason(): Error | null {
    return this.#reason;
  }

  abort(reason: Error): void {
    if (this.#aborted) return;
    this.#aborted = true;
    this.#reason = reason;
    this.#target?.abort(reason);
    this.#onAbort(reason);
  }

  pause(): void {
    this.#paused = true;
    this.#target?.pause();
  }

  resume(): void {
    this.#paused = false;
    this.#target?.resume();
  }
}

class RetryingRequest {
  readonly #dispatch: Dispatcher.Dispatch;
  readonly #opts: Dispatcher.DispatchOptions;
  readonly #handler: Dispatcher.DispatchHandler;
  readonly #s: Settings;
  readonly #meta: RequestMeta | undefined;
  readonly #limiter: AdaptiveLimiter | undefined;
  readonly #signal: AbortLike | undefined;
  readonly #controller: RetryController;
  // Aborted with the request: ends a wait between attempts. Made at the first wait: most requests never
  // wait, and an AbortController is not cheap (CallSignal, in meta.ts).
  #waits: CallSignal | undefined;
  #attempt = 0;
  // Retries with refreshed credentials: they do not count against maxAttempts.
  #credentialRetries = 0;
  #started = false;
  #settled = false;

  constructor(
    dispatch: Dispatcher.Dispatch,
    opts: Dispatcher.DispatchOptions,
    handler: Dispatcher.DispatchHandler,
    settings: Settings,
  ) {
    this.#dispatch = dispatch;
    this.#opts = opts;
    this.#handler = handler;
    this.#s = settings;
    this.#meta = metaOf(opts);
    this.#limiter = this.#meta === undefined ? undefined : settings.adaptive?.limiter(this.#meta);
    this.#signal = signalOf(opts);
    this.#controller = new RetryController((reason) => this.#fail(reason));
  }

  start(): boolean {
    const signal = this.#signal;
    if (signal !== undefined) {
      if (signal.aborted) {
        this.#controller.abort(abortReason(signal));
        return true;
      }
      signal.addEventListener('abort', this.#onSignal, { once: true });
    }
    return this.#send();
  }

  readonly #onSignal = (): void => {
    if (this.#signal !== undefined) this.#controller.abort(abortReason(this.#signal));
  };

  #send(): boolean {
    const record: AttemptRecord = {};
    const attempt = new Attempt(this, ++this.#attempt, this.#s, record);
    // Each attempt its own record: its number for the log, and the rate limiter's ticket.
    record.attempt = this.#attempt;
    record.maxAttempts = this.#s.maxAttempts;
    const opts = Object.assign({}, this.#opts, { rescindAttempt: record });
    try {
      return this.#dispatch(opts, attempt);
    } catch (err) {
      attempt.onResponseError(undefined, toError(err));
      return true;
    }
  }

  /** isCurrent says whether events of attempt n still matter. */
  isCurrent(n: number): boolean {
    return !this.#settled && n === this.#attempt;
  }

  started(controller: Dispatcher.DispatchController, context: unknown): void {
    this.#controller.attach(controller);
    if (this.#started) return;
    this.#started = true;
    this.#handler.onRequestStart?.(this.#controller, context);
  }

  abortStale(controller: Dispatcher.DispatchController): void {
    controller.abort(this.#controller.reason ?? new Error('request already settled'));
  }

  /**
   * report tells the adaptive limiter how an attempt went. An attempt without a ticket that got no answer
   * never left the rate limiter (its wait was aborted), so it is not counted.
   */
  report(record: AttemptRecord, answered: boolean, throttled: boolean, retryAfterMs?: number): void {
    if (this.#limiter === undefined || (!answered && record.ticket === undefined)) return;
    // Once per attempt: an answer held and then cut short was already counted when it began.
    if (record.reported === true) return;
    record.reported = true;
    this.#limiter.record(record.ticket, { throttled, retryAfterMs });
  }

  forwardStart(status: number, headers: HeaderMap, message?: string): void {
    this.#handler.onResponseStart?.(this.#controller, status, headers, message);
  }

  forwardData(chunk: Buffer): void {
    this.#handler.onResponseData?.(this.#controller, chunk);
  }

  forwardEnd(trailers: HeaderMap): void {
    this.#settle();
    this.#controller.detach();
    this.#handler.onResponseEnd?.(this.#controller, trailers);
  }

  forwardError(err: Error): void {
    this.#fail(err);
  }

  /** answerFailed handles a whole answer of 400 or more from attempt n: retry it or hand it on as is. */
  answerFailed(n: number, answer: BufferedAnswer, record: AttemptRecord): void {
    this.#controller.detach();
    const c = classifyAnswer(
      { status: answer.status, headers: answer.headers, body: answer.body, now: this.#s.now() },
      this.#s.dialect,
    );
    this.report(record, true, c.throttled, c.throttled ? c.retryAfterMs : undefined);
    const credentials = this.#s.credentials;
    if (
      c.expired &&
      credentials !== undefined &&
      record.credentials !== undefined &&
      this.#credentialRetries < MAX_CREDENTIAL_RETRIES &&
      !this.#controller.aborted
    ) {
      this.#credentialRetries++;
      const event: RetryEvent = {
        attempt: n,
        maxAttempts: this.#s.maxAttempts + this.#credentialRetries,
        delayMs: 0,
        reason: 'credentials-expired',
        status: answer.status,
        ...(c.body.code === undefined ? {} : { cloudCode: c.body.code }),
      };
      credentials.refused(record.credentials, this.#signal).then(
        (fresh) => {
          if (this.#settled) return;
          if (fresh) this.#retry(event);
          else this.#handOn(answer);
        },
        () => {
          if (!this.#settled) this.#handOn(answer);
        },
      );
      return;
    }
    if (c.retryable && n - this.#credentialRetries < this.#s.maxAttempts && !this.#controller.aborted) {
      const delayMs = retryDelay(n, c, this.#s);
      this.#retry({
        attempt: n,
        maxAttempts: this.#s.maxAttempts,
        delayMs,
        reason: c.throttled ? 'throttled' : 'server-error',
        status: answer.status,
        ...(c.body.code === undefined ? {} : { cloudCode: c.body.code }),
        ...(c.retryAfterMs === undefined ? {} : { retryAfterMs: c.retryAfterMs }),
      });
      return;
    }
    this.#handOn(answer);
  }

  // The final answer, as the cloud gave it, to the caller.
  #handOn(answer: BufferedAnswer): void {
    this.#settle();
    if (!this.#started) {
      this.#started = true;
      this.#handler.onRequestStart?.(this.#controller, {});
    }
    this.#handler.onResponseStart?.(this.#controller, answer.status, answer.headers, answer.statusMessage);
    if (answer.body.length > 0) this.#handler.onResponseData?.(this.#controller, answer.body);
    this.#handler.onResponseEnd?.(this.#controller, answer.trailers);
  }

  /** exchangeFailed handles attempt n ending without a whole answer: retry it or hand the error on. */
  exchangeFailed(n: number, err: Error, record: AttemptRecord): void {
    this.#controller.detach();
    if (this.#controller.aborted) {
      this.#fail(this.#controller.reason ?? err);
      return;
    }
    this.report(record, false, false);
    if (!isRetryableNetworkError(err) || n - this.#credentialRetries >= this.#s.maxAttempts) {
      this.#fail(err);
      return;
    }
    const networkCode = errorCode(err);
    this.#retry({
      attempt: n,
      maxAttempts: this.#s.maxAttempts,
      delayMs: backoffDelay(n, this.#s.baseDelayMs, this.#s.maxDelayMs, this.#s.random),
      reason: 'network',
      ...(networkCode === undefined ? {} : { networkCode }),
    });
  }

  #retry(event: RetryEvent): void {
    try {
      this.#meta?.onRetry?.(event);
    } catch {
      // An observer's failure must not change what happens to the request.
    }
    this.#waits ??= new CallSignal();
    waitFor(event.delayMs, this.#s.sleep, this.#waits).then(
      () => {
        if (!this.#settled) this.#send();
      },
      (err: unknown) => this.#fail(toError(err)),
    );
  }

  #settle(): void {
    this.#settled = true;
    this.#signal?.removeEventListener('abort', this.#onSignal);
  }

  #fail(err: Error): void {
    if (this.#settled) return;
    this.#settle();
    this.#waits?.abort(err);
    this.#handler.onResponseError?.(this.#controller, err);
  }
}

type HeaderMap = Record<string, string | string[] | undefined>;

interface BufferedAnswer {
  readonly status: number;
  readonly statusMessage: string | undefined;
  readonly headers: HeaderMap;
  readonly body: Buffer;
  readonly trailers: HeaderMap;
}

// The handler of one attempt. Events of an attempt that is no longer current (the request was settled
// or moved on) are dropped; an attempt that starts after the request settled is aborted. An answer below
// 400 is held until it ends (mode `hold`), or until it passes maxHeldBodyBytes (then it streams, mode
// `forward`); one of 400 or more is buffered (mode `buffer`) to be classified.
class Attempt implements Dispatcher.DispatchHandler {
  readonly #request: RetryingRequest;
  readonly #n: number;
  #mode: 'waiting' | 'hold' | 'forward' | 'buffer' = 'waiting';
  #status = 0;
  #statusMessage: string | undefined;
  #headers: HeaderMap = {};
  readonly #chunks: Buffer[] = [];
  #size = 0;
  readonly #errorLimit: number;
  readonly #holdLimit: number;
  readonly #record: AttemptRecord;

  constructor(request: RetryingRequest, n: number, settings: Settings, record: AttemptRecord) {
    this.#request = request;
    this.#n = n;
    this.#errorLimit = settings.maxErrorBodyBytes;
    this.#holdLimit = settings.maxHeldBodyBytes;
    this.#record = record;
  }

  onRequestStart(controller: Dispatcher.DispatchController, context: unknown): void {
    if (!this.#request.isCurrent(this.#n)) {
      this.#request.abortStale(controller);
      return;
    }
    this.#request.started(controller, context);
  }

  onResponseStart(
    _controller: Dispatcher.DispatchController,
    statusCode: number,
    headers: HeaderMap,
    statusMessage?: string,
  ): void {
    if (!this.#request.isCurrent(this.#n) || statusCode < 200) return;
    this.#status = statusCode;
    this.#statusMessage = statusMessage;
    this.#headers = headers;
    if (statusCode < 400) {
      this.#mode = 'hold';
      this.#request.report(this.#record, true, false);
      return;
    }
    this.#mode = 'buffer';
  }

  onResponseData(_controller: Dispatcher.DispatchController, chunk: Buffer): void {
    if (!this.#request.isCurrent(this.#n)) return;
    if (this.#mode === 'forward') {
      this.#request.forwardData(chunk);
    } else if (this.#mode === 'hold') {
      this.#chunks.push(chunk);
      this.#size += chunk.length;
      if (this.#size > this.#holdLimit) this.#release();
    } else if (this.#mode === 'buffer' && this.#size < this.#errorLimit) {
      const kept = chunk.subarray(0, this.#errorLimit - this.#size);
      this.#chunks.push(kept);
      this.#size += kept.length;
    }
  }

  onResponseEnd(_controller: Dispatcher.DispatchController, trailers: HeaderMap): void {
    if (!this.#request.isCurrent(this.#n)) return;
    if (this.#mode === 'hold') this.#release();
    if (this.#mode === 'forward') {
      this.#request.forwardEnd(trailers);
      return;
    }
    this.#request.answerFailed(
      this.#n,
      {
        status: this.#status,
        statusMessage: this.#statusMessage,
        headers: this.#headers,
        body: Buffer.concat(this.#chunks),
        trailers,
      },
      this.#record,
    );
  }

  onResponseError(_controller: Dispatcher.DispatchController | undefined, err: Error): void {
    if (!this.#request.isCurrent(this.#n)) return;
    if (this.#mode === 'forward') this.#request.forwardError(err);
    else this.#request.exchangeFailed(this.#n, err, this.#record);
  }

  // Hands the held answer to the caller and streams the rest: it can no longer be retried.
  #release(): void {
    this.#mode = 'forward';
    this.#request.forwardStart(this.#status, this.#headers, this.#statusMessage);
    for (const chunk of this.#chunks.splice(0)) this.#request.forwardData(chunk);
  }
}
