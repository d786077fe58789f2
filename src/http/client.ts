// The HTTP client of one account: rescind's interceptors composed once over a transport (a keep-alive
// undici Agent, one pool per endpoint origin, its proxies and CAs; src/http/transport.ts), which accounts
// with the same network settings share, and call(), which sends one typed request and returns the parsed
// answer or throws one typed error. Plain http:// is refused except on loopback.
//
// How a call travels (Dispatcher.compose applies the last interceptor first):
//
//   call() ─▶ secureOrigin ─▶ retry ─▶ rateLimit ─▶ sign ─▶ log ─▶ transport (direct, or through a proxy)
//
// - secureOrigin refuses http:// to a non-loopback host before anything else happens.
// - retry is OUTSIDE rateLimit and sign: every attempt takes a token and is signed anew (fresh date and
//   nonce; a replayed nonce is refused by Alibaba). It retries the dialect's throttling answer, 5xx, the
//   dialect's retryable codes and failed exchanges (ECONNRESET, refused, dropped sockets), never another
//   4xx; it waits what Retry-After (seconds or HTTP date) or the dialect's own header asks, else a
//   full-jitter exponential backoff. Writes are retried too: the engine re-reads a target after a lost
//   answer, so a repeated revoke is harmless. A failed exchange includes an answer that is not HTTP or is
//   cut short (successful answers are held until complete for that), never a TLS failure.
// - rateLimit paces attempts: first by the adaptive limiter of their account, service and operation,
//   which is off until that API throttles and then follows the rate its answers allow (AWS's adaptive
//   retry mode, CUBIC; src/http/adaptive-rate.ts), then by the configured bucket of their account and
//   service (requests per second), when one is set. The client makes the adaptive limiters once and
//   shares them between retry, which records each attempt's outcome in them, and rateLimit, so one
//   worker's throttling answer slows every worker of the run.
// - sign hashes the exact body bytes with the account's RequestSigner: bodies are strings or bytes by the
//   time they are dispatched.
// - log (optional) writes one redacted line per attempt and outcome; it is innermost so that it shows
//   what was really sent, signature redacted.
// Timeouts: connect (the transport's), headers and body limits per attempt (undici), and one deadline per
// call (retries and waits included; its timer ends with the call). Failures: CloudError / ThrottledError
// for a final non-2xx answer, NetworkError, TlsError, TimeoutError, AbortedError, InsecureUrlError, ResponseTooLarge /
// ResponseTooDeep; never an error of undici or node:net, and no message carries a secret (nor a proxy's
// credentials). onEvent hears of each wait (a retry's backoff, a rate limit) as it starts.
// The client names no cloud: what differs between clouds comes in as a Dialect and a RequestSigner
// (src/clouds/).

import type { Dispatcher } from 'undici';
import { canonicalQuery, type QueryValue } from '../clouds/canonical.js';
import { checkEndpointUrl } from '../clouds/endpoint-url.js';
import {
  type Dialect,
  headerValue,
  isRotatingSigner,
  type RequestSigner,
  type RotatingSigner,
} from '../clouds/wire.js';
import { exceedsDepth, MAX_DEPTH } from '../document/depth.js';
import { VERSION } from '../version.js';
import type { Cloud } from '../vocabulary.js';
import { type AdaptiveOptions, AdaptiveRates, type RateSnapshot } from './adaptive-rate.js';
import {
  AbortedError,
  type CallTarget,
  InsecureUrlError,
  networkFailure,
  parseCloudError,
  RescindError,
  ResponseTooDeepError,
  ResponseTooLargeError,
  TimeoutError,
} from './errors.js';
import { type HttpLogger, log } from './log.js';
import {
  abortReason,
  CallSignal,
  type Clock,
  detachedController,
  type Pacer,
  type RequestMeta,
  type RescindRequestOptions,
  type RetryEvent,
  type Sleep,
} from './meta.js';
import { type RateLimitOptions, type RateWait, rateLimit } from './rate-limit.js';
import { redact, redactErrorChain } from './redact.js';
import { type RetryOptions, retry } from './retry.js';
import { sign } from './sign.js';
import { createTransport, type HttpTransport, type ProxySetting } from './transport.js';

/** HttpClientOptions configure the client of one account. Durations are in milliseconds. */
export interface HttpClientOptions {
  /** dialect is how the account's cloud answers: error bodies, request-id header, throttling. */
  readonly dialect: Dialect;
  /** account is the config's account name: part of the rate-limit key and of debug lines. */
  readonly account: string;
  /**
   * signer authenticates every attempt; none sends requests unsigned (an emulator without auth). A
   * RotatingSigner's credentials change while the client lives: every secret they ever held is redacted,
   * and an answer refusing expired credentials is retried with fresh ones.
   */
  readonly signer?: RequestSigner | RotatingSigner;
  /** secrets are redacted from errors and debug lines, in addition to the signer's. */
  readonly secrets?: readonly string[];
  /**
   * transport carries the client's requests, shared with other clients (the client retains it and
   * releases it on close); without one the client makes its own from connections, keepAliveTimeoutMs,
   * connectTimeoutMs, proxy and ca.
   */
  readonly transport?: HttpTransport;
  /** connections is the most sockets per endpoint origin; default 8. */
  readonly connections?: number;
  /** keepAliveTimeoutMs is how long an idle socket is kept when the server does not say; default 10 000. */
  readonly keepAliveTimeoutMs?: number;
  /** proxy is the proxy setting of the client's own transport; default none. */
  readonly proxy?: ProxySetting;
  /**
   * plainHttpHosts are hosts besides loopback that plain http:// may reach: the instance metadata
   * services (METADATA_HOSTS), which speak nothing else. Default none.
   */
  readonly plainHttpHosts?: readonly string[];
  /** ca are PEM certificates its own transport trusts besides Node's. */
  readonly ca?: readonly string[];
  /** timeoutMs is each call's deadline, retries and waits included; default 120 000. */
  readonly timeoutMs?: number;
  /** maxResponseBytes caps an answer's body; a larger one fails with ResponseTooLargeError. Default 16 MiB. */
  readonly maxResponseBytes?: number;
  /**
   * connectTimeoutMs (of its own transport), headersTimeoutMs and bodyTimeoutMs limit each attempt;
   * defaults 5 000, 30 000, 30 000.
   */
  readonly connectTimeoutMs?: number;
  readonly headersTimeoutMs?: number;
  readonly bodyTimeoutMs?: number;
  /** onEvent hears of each wait as it starts: a retry after a failure, an attempt held by a rate limit. */
  readonly onEvent?: (event: HttpEvent) => void;
  /** retry tunes retries; its sleep/random/now default to the client's. */
  readonly retry?: Omit<RetryOptions, 'dialect' | 'sleep' | 'random' | 'now'>;
  /** rateLimit paces requests per service; absent or rps 0 = no limit. */
  readonly rateLimit?: Omit<RateLimitOptions, 'sleep' | 'now' | 'adaptive'>;
  /**
   * adaptive tunes the adaptive limiter of each service and operation (on by default, with or without
   * a configured rate); false turns it off. Its now and sleep are the client's.
   */
  readonly adaptive?: false | Omit<AdaptiveOptions, 'now' | 'sleep'>;
  /** logger receives redacted debug lines; none = no logging. */
  readonly logger?: HttpLogger;
  readonly userAgent?: string;
  /** now, sleep, random and nonce are injectable for tests: signing dates, waits, jitter, Alibaba nonces. */
  readonly now?: Clock;
  readonly sleep?: Sleep;
  readonly random?: () => number;
  readonly nonce?: () => string;
}

/** HttpEventCall names the call an HttpEvent is about. */
export interface HttpEventCall {
  readonly account: string;
  readonly service: string;
  readonly operation: string;
}

/**
 * HttpEvent is a wait of a call, told as it starts: `retry`, an attempt failed and the next starts after
 * delayMs (RetryEvent says why); `wait`, an attempt is held by the configured rate (`rate-limit`, for
 * delayMs) or by the rate its API allows after throttling (`throttled-rate`, delayMs unknown).
 */
export type HttpEvent =
  | (HttpEventCall & RetryEvent & { readonly kind: 'retry' })
  | (HttpEventCall & {
      readonly kind: 'wait';
      readonly reason: RateWait['reason'];
      readonly delayMs: number | undefined;
    });

/** HttpMethod is a method call() sends. */
export type HttpMethod = 'GET' | 'HEAD' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** CallQueryValue is one query value; undefined drops the parameter. */
export type CallQueryValue = QueryValue | readonly QueryValue[] | undefined;

/** CallOptions are one call. The query is sent in canonical form (sorted, RFC 3986), as both clouds sign it. */
export interface CallOptions {
  readonly method: HttpMethod;
  /** url is the endpoint and path, e.g. `https://kms.cn-north-4.myhuaweicloud.com/v1.0/{project}/kms/list-grants`. */
  readonly url: string | URL;
  readonly query?: Readonly<Record<string, CallQueryValue>>;
  readonly headers?: Readonly<Record<string, string>>;
  /** body: a string or bytes is sent as is; anything else as JSON. Content-Type defaults to application/json. */
  readonly body?: string | Uint8Array | Readonly<Record<string, unknown>> | readonly unknown[];
  readonly service: string;
  readonly operation: string;
  /** apiVersion is the Alibaba API version (x-acs-version); required with an Alibaba signer. */
  readonly apiVersion?: string;
  readonly signal?: AbortSignal;
  /** timeoutMs overrides the client's per-call deadline. */
  readonly timeoutMs?: number;
  /** pacer is the caller's share of concurrency, given back while the call waits for a rate. */
  readonly pacer?: Pacer;
}

/** CallResult is a 2xx answer. body is the parsed JSON, undefined when empty or not JSON. */
export interface CallResult {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: unknown;
  /** text is the body as received (UTF-8), for answers that are not JSON (a metadata service's). */
  readonly text?: string;
  readonly requestId: string | undefined;
  /** attempts is how many times the request was sent, retries included. */
  readonly attempts: number;
}

/** HttpClient is the client of one account. */
export interface HttpClient {
  readonly cloud: Cloud;
  readonly account: string;
  /** dispatcher is the composed Agent, for callers that use undici's API directly (same interceptors). */
  readonly dispatcher: Dispatcher;
  /** call sends one request; resolves with a 2xx answer, rejects with a RescindError (bugs excepted). */
  call(options: CallOptions): Promise<CallResult>;
  /**
   * rates lists the adaptive limiter of each service and operation called so far: its current rate
   * (undefined until the API has throttled) and how many throttling answers it had. Empty when adaptive
   * limiting is off.
   */
  rates(): readonly RateSnapshot[];
  /**
   * addSecrets adds values that every later error message and debug line of this client redacts: a
   * token it is about to send in a body, credentials issued while it lives.
   */
  addSecrets(values: readonly string[]): void;
  /** close closes every pool once its requests are done. */
  close(): Promise<void>;
}

/**
 * createHttpClient builds the client of one account: one keep-alive Agent (a pool per endpoint origin,
 * `connections` sockets each) composed once with secureOrigin, retry, rateLimit, sign and log, and the
 * adaptive limiters that retry and rateLimit share.
 */
export function createHttpClient(options: HttpClientOptions): HttpClient {
  const now = options.now ?? Date.now;
  const sleep = options.sleep;
  const transport =
    options.transport ??
    createTransport({
      ...(options.connections === undefined ? {} : { connections: options.connections }),
      ...(options.keepAliveTimeoutMs === undefined ? {} : { keepAliveTimeoutMs: options.keepAliveTimeoutMs }),
      ...(options.connectTimeoutMs === undefined ? {} : { connectTimeoutMs: options.connectTimeoutMs }),
      ...(options.proxy === undefined ? {} : { proxy: options.proxy }),
      ...(options.ca === undefined ? {} : { ca: options.ca }),
    });
  const release = transport.retain();
  const signer = options.signer;
  const rotating = signer !== undefined && isRotatingSigner(signer) ? signer : undefined;
  // One list for every redaction of this client; rotating credentials add each secret they are issued.
  const secrets: string[] = [
    ...(signer === undefined || isRotatingSigner(signer) ? [] : signer.secrets),
    ...(options.secrets ?? []),
    ...transport.secrets,
  ];
  const addSecrets = (added: readonly string[]): void => {
    for (const secret of added) if (secret !== '' && !secrets.includes(secret)) secrets.push(secret);
  };
  rotating?.onSecrets(addSecrets);
  const connectTimeout = transport.connectTimeoutMs;
  const headersTimeout = options.headersTimeoutMs ?? 30_000;
  const bodyTimeout = options.bodyTimeoutMs ?? 30_000;
  const timeoutMs = options.timeoutMs ?? 120_000;
  const maxResponseBytes = options.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES;
  const userAgent = options.userAgent ?? `rescind/${VERSION}`;
  const logger = options.logger;
  const { dialect } = options;

  const tell = (event: HttpEvent): void => {
    try {
      options.onEvent?.(event);
    } catch {
      // An observer's failure must not change what happens to a request.
    }
  };
  // Listed innermost first: Dispatcher.compose makes the last one the first to see a request.
  const interceptors: Dispatcher.DispatcherComposeInterceptor[] = [];
  if (logger !== undefined) {
    interceptors.push(
      log({ logger, secrets, now, requestIdHeader: dialect.requestIdHeader, via: transport.via }),
    );
  }
  if (signer !== undefined) {
    interceptors.push(sign({ signer, now, ...(options.nonce ? { nonce: options.nonce } : {}) }));
  }
  const adaptive =
    options.adaptive === false
      ? undefined
      : new AdaptiveRates({ ...options.adaptive, now, ...(sleep ? { sleep } : {}) });
  if (options.rateLimit !== undefined || adaptive !== undefined) {
    interceptors.push(
      rateLimit({
        ...options.rateLimit,
        now,
        ...(sleep ? { sleep } : {}),
        ...(adaptive ? { adaptive } : {}),
        onWait: ({ meta, reason, delayMs }) => {
          if (meta === undefined) return;
          const call = { account: meta.account, service: meta.service, operation: meta.operation };
          tell({ kind: 'wait', ...call, reason, delayMs });
          if (logger !== undefined) writeLine(logger, waitLine(call, reason, delayMs), secrets);
        },
      }),
    );
  }
  interceptors.push(
    retry({
      maxHeldBodyBytes: maxResponseBytes,
      ...options.retry,
      dialect,
      now,
      ...(sleep ? { sleep } : {}),
      ...(options.random ? { random: options.random } : {}),
      ...(adaptive ? { adaptive } : {}),
      ...(rotating ? { credentials: rotating } : {}),
    }),
  );
  const plainHttpHosts = options.plainHttpHosts ?? [];
  interceptors.push(secureOrigin(plainHttpHosts));
  const dispatcher = transport.dispatcher.compose(interceptors);

  const call = async (o: CallOptions): Promise<CallResult> => {
    const target: CallTarget = { cloud: dialect.cloud, service: o.service, operation: o.operation };
    const url = assertSecureUrl(o.url, plainHttpHosts);
    const path = `${url.pathname}${wireQuery(url, o.query)}`;
    const headers: Record<string, string> = { accept: 'application/json', 'user-agent': userAgent };
    for (const [name, value] of Object.entries(o.headers ?? {})) headers[name.toLowerCase()] = value;
    let body: string | Uint8Array | undefined;
    if (o.body !== undefined) {
      body = typeof o.body === 'string' || o.body instanceof Uint8Array ? o.body : JSON.stringify(o.body);
      headers['content-type'] ??= 'application/json';
    }

    let attempts = 1;
    const meta: RequestMeta = {
      account: options.account,
      service: o.service,
      operation: o.operation,
      ...(o.apiVersion === undefined ? {} : { apiVersion: o.apiVersion }),
      ...(o.pacer === undefined ? {} : { pacer: o.pacer }),
      onRetry: (event) => {
        attempts = event.attempt + 1;
        tell({
          kind: 'retry',
          account: options.account,
          service: o.service,
          operation: o.operation,
          ...event,
        });
        if (logger !== undefined) writeLine(logger, retryLine(target, event), secrets);
      },
    };
    // The call's deadline, a timer that ends with the call (AbortSignal.timeout would keep one for the
    // whole deadline after every call), and the caller's signal, on one CallSignal (see there why not
    // an AbortController).
    const callTimeoutMs = o.timeoutMs ?? timeoutMs;
    const signal = new CallSignal();
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      signal.abort(new DOMException(`the call took more than ${callTimeoutMs} ms`, 'TimeoutError'));
    }, callTimeoutMs);
    timer.unref();
    const caller = o.signal;
    const onCaller = (): void => signal.abort(caller?.reason);
    if (caller?.aborted === true) onCaller();
    else caller?.addEventListener('abort', onCaller, { once: true });
    const request: RescindRequestOptions = {
      origin: url.origin,
      path,
      method: o.method,
      headers,
      body: body ?? null,
      // undici listens on anything with addEventListener; its type names only AbortSignal and EventEmitter.
      signal: signal as unknown as AbortSignal,
      headersTimeout,
      bodyTimeout,
      rescind: meta,
    };

    try {
      const res = await collect(dispatcher, request, signal, maxResponseBytes, target);
      const text = res.text;
      const answerHeaders = flattenHeaders(res.headers);
      if (res.statusCode < 200 || res.statusCode >= 300) {
        throw parseCloudError(
          {
            service: o.service,
            operation: o.operation,
            status: res.statusCode,
            headers: answerHeaders,
            body: text,
            attempts,
            secrets,
            now: now(),
          },
          dialect,
        );
      }
      const json = parseJson(text, target);
      return {
        status: res.statusCode,
        headers: answerHeaders,
        body: json,
        text,
        requestId: headerValue(answerHeaders, dialect.requestIdHeader) ?? bodyRequestId(json),
        attempts,
      };
    } catch (err) {
      throw failure(err, {
        target,
        attempts,
        secrets,
        signal: o.signal,
        timedOut,
        timeoutMs: callTimeoutMs,
        timeouts: { connect: connectTimeout, headers: headersTimeout, body: bodyTimeout },
        host: url.host,
        via: transport.via(url.origin),
      });
    } finally {
      clearTimeout(timer);
      caller?.removeEventListener('abort', onCaller);
    }
  };

  return {
    cloud: dialect.cloud,
    account: options.account,
    dispatcher,
    call,
    rates: () => adaptive?.snapshot() ?? [],
    addSecrets,
    close: release,
  };
}

/** DEFAULT_MAX_RESPONSE_BYTES caps an answer's body: the largest page of a list is far smaller. */
export const DEFAULT_MAX_RESPONSE_BYTES = 16 * 1024 * 1024;

// An answer, its body read whole as text.
interface Collected {
  readonly statusCode: number;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly text: string;
}

// Dispatches a request and collects its answer, the body up to max bytes (past them the exchange is
// aborted and the call fails), through a handler of its own: request()'s answer is a Node stream read
// with an async iterator, and undici turns the headers into a list and back for its legacy handler,
// all per call, for a body that is read whole anyway. The call's signal aborts the exchange, before it
// started as well.
function collect(
  dispatcher: Dispatcher,
  opts: RescindRequestOptions,
  signal: CallSignal,
  max: number,
  target: CallTarget,
): Promise<Collected> {
  return new Promise<Collected>((resolve, reject) => {
    let settled = false;
    let controller: Dispatcher.DispatchController | undefined;
    let statusCode = 0;
    let headers: Collected['headers'] = {};
    const chunks: Buffer[] = [];
    let size = 0;
    const fail = (err: Error): void => {
      if (settled) return;
      settled = true;
      signal.removeEventListener('abort', onAbort);
      reject(err);
    };
    const onAbort = (): void => {
      const reason = abortReason(signal);
      controller?.abort(reason);
      fail(reason);
    };
    signal.addEventListener('abort', onAbort);
    const handler: Dispatcher.DispatchHandler = {
      onRequestStart: (c) => {
        controller = c;
        if (settled) c.abort(abortReason(signal));
      },
      onResponseStart: (_c, status, answerHeaders) => {
        statusCode = status;
        headers = answerHeaders;
      },
      onResponseData: (c, chunk) => {
        if (settled) return;
        size += chunk.length;
        if (size > max) {
          const err = new ResponseTooLargeError(target, max);
          fail(err);
          c.abort(err);
          return;
        }
        chunks.push(chunk);
      },
      onResponseEnd: () => {
        if (settled) return;
        settled = true;
        signal.removeEventListener('abort', onAbort);
        resolve({ statusCode, headers, text: Buffer.concat(chunks, size).toString('utf8') });
      },
      onResponseError: (_c, err) => fail(err),
    };
    if (signal.aborted) onAbort();
    else dispatcher.dispatch(opts, handler);
  });
}

// Maps whatever a call threw to the error call() rejects with; redacts library errors in place.
function failure(
  err: unknown,
  ctx: {
    readonly target: CallTarget;
    readonly attempts: number;
    readonly secrets: readonly string[];
    readonly signal: AbortSignal | undefined;
    readonly timedOut: boolean;
    readonly timeoutMs: number;
    readonly timeouts: { readonly connect: number; readonly headers: number; readonly body: number };
    readonly host: string;
    readonly via: string | undefined;
  },
): unknown {
  redactErrorChain(err, ctx.secrets);
  if (err instanceof RescindError) return err;
  if (ctx.signal?.aborted === true) return new AbortedError(ctx.target, err);
  if (ctx.timedOut) {
    return new TimeoutError({
      ...ctx.target,
      phase: 'call',
      timeoutMs: ctx.timeoutMs,
      attempts: ctx.attempts,
      cause: err,
    });
  }
  return (
    networkFailure(err, ctx.target, {
      attempts: ctx.attempts,
      secrets: ctx.secrets,
      timeouts: ctx.timeouts,
      host: ctx.host,
      via: ctx.via,
    }) ?? err
  );
}

function writeLine(logger: HttpLogger, line: string, secrets: readonly string[]): void {
  try {
    logger(redact(line, secrets));
  } catch {
    // Logging must never change what happens to a request.
  }
}

function retryLine(target: CallTarget, e: RetryEvent): string {
  const why =
    e.reason === 'network'
      ? (e.networkCode ?? 'network error')
      : e.reason === 'credentials-expired'
        ? `${[e.status, e.cloudCode].filter((p) => p !== undefined).join(' ')}, credentials refreshed`
        : [e.status, e.cloudCode].filter((p) => p !== undefined).join(' ');
  const asked = e.retryAfterMs === undefined ? '' : ` (server asked ${e.retryAfterMs}ms)`;
  return `http retry ${target.service} ${target.operation}: attempt ${e.attempt}/${e.maxAttempts} ${e.reason} ${why}, next in ${e.delayMs}ms${asked}`;
}

function waitLine(call: HttpEventCall, reason: RateWait['reason'], delayMs: number | undefined): string {
  const why = reason === 'rate-limit' ? 'the configured rate' : 'the rate the API allows after throttling';
  return `http wait ${call.service} ${call.operation}: ${delayMs === undefined ? '' : `${delayMs}ms `}for ${why}`;
}

/**
 * assertSecureUrl parses url and returns it when checkEndpointUrl accepts it (https://, or http:// to a
 * loopback host, no credentials in it); throws InsecureUrlError otherwise. The error names the URL's
 * origin only: the URL may come from a file that holds a secret by mistake.
 */
export function assertSecureUrl(url: string | URL, plainHttpHosts: readonly string[] = []): URL {
  const checked = checkEndpointUrl(url, plainHttpHosts);
  if ('error' in checked) throw new InsecureUrlError(checked.shown, checked.error);
  return checked.url;
}

/** secureOrigin is the interceptor form of assertSecureUrl, so that the composed dispatcher refuses too. */
export function secureOrigin(
  plainHttpHosts: readonly string[] = [],
): Dispatcher.DispatcherComposeInterceptor {
  // The origins already found secure: an account sends to a few, on every attempt. Bounded.
  const secure = new Set<string>();
  return (dispatch) => (opts, handler) => {
    try {
      if (opts.origin === undefined) throw new TypeError('a request needs an origin');
      const origin = String(opts.origin);
      if (!secure.has(origin)) {
        assertSecureUrl(origin, plainHttpHosts);
        if (secure.size >= 64) secure.clear();
        secure.add(origin);
      }
    } catch (err) {
      handler.onResponseError?.(detachedController(), err instanceof Error ? err : new Error(String(err)));
      return true;
    }
    return dispatch(opts, handler);
  };
}

// The query as sent: canonical (sorted names and values, RFC 3986), undefined values dropped. A URL
// that already has a query keeps it as is when no query option is given.
function wireQuery(url: URL, query: CallOptions['query']): string {
  if (query === undefined) return url.search;
  if (url.search !== '')
    throw new TypeError('give the query either in the url or in the query option, not both');
  const defined: Record<string, QueryValue | readonly QueryValue[]> = {};
  for (const [name, value] of Object.entries(query)) if (value !== undefined) defined[name] = value;
  const canonical = canonicalQuery(defined);
  return canonical === '' ? '' : `?${canonical}`;
}

function flattenHeaders(
  headers: Readonly<Record<string, string | string[] | undefined>>,
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined) out[name.toLowerCase()] = typeof value === 'string' ? value : value.join(', ');
  }
  return out;
}

// The answer's JSON; undefined when it is empty or not JSON. JSON nested past MAX_DEPTH is refused:
// the planner and the executor read answers recursively (fingerprints, renderers), and a record a
// million levels deep would overflow the stack there, in the middle of a run.
function parseJson(text: string, target: CallTarget): unknown {
  const trimmed = text.trim();
  if (trimmed === '') return undefined;
  let json: unknown;
  try {
    json = JSON.parse(trimmed) as unknown;
  } catch {
    return undefined;
  }
  if (exceedsDepth(json, MAX_DEPTH)) throw new ResponseTooDeepError(target, MAX_DEPTH);
  return json;
}

function bodyRequestId(body: unknown): string | undefined {
  if (typeof body !== 'object' || body === null) return undefined;
  const b = body as Readonly<Record<string, unknown>>;
  for (const key of ['RequestId', 'requestId', 'request_id']) {
    const v = b[key];
    if (typeof v === 'string' && v !== '') return v;
  }
  return undefined;
}
