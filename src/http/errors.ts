// The errors of rescind's HTTP layer: RescindError (class, name, stable code, cause), a cloud's error
// answer parsed into one CloudError (in the cloud's own dialect, src/clouds/), and network, timeout,
// abort and insecure-URL failures. Every message goes through redact().

import { type Dialect, type ErrorBody, type HeaderValues, headerValue } from '../clouds/wire.js';
import type { Cloud } from '../vocabulary.js';
import { oneLine, redact } from './redact.js';

/** RescindErrorCode is the closed set of stable codes of errors crossing the library boundary. */
export type RescindErrorCode =
  | 'RESCIND_ERROR'
  | 'RESCIND_CLOUD_ERROR'
  | 'RESCIND_THROTTLED'
  | 'RESCIND_NETWORK_ERROR'
  | 'RESCIND_TIMEOUT'
  | 'RESCIND_ABORTED'
  | 'RESCIND_INSECURE_URL'
  | 'RESCIND_RESPONSE_TOO_LARGE'
  | 'RESCIND_RESPONSE_TOO_DEEP';

/** RescindError is the base of rescind's errors: `name` is the class name, `code` never changes meaning. */
export class RescindError extends Error {
  override readonly name: string = 'RescindError';
  readonly code: RescindErrorCode = 'RESCIND_ERROR';

  constructor(message: string, options?: { readonly cause?: unknown }) {
    // One line, whatever a server or a library put in it.
    super(oneLine(message), options?.cause === undefined ? undefined : { cause: options.cause });
  }
}

/** CallTarget names the call an error is about; every field is for messages and diagnostics. */
export interface CallTarget {
  readonly cloud: Cloud;
  readonly service: string;
  readonly operation: string;
}

/** CloudErrorInit are the fields of a CloudError; parseCloudError fills them from an answer. */
export interface CloudErrorInit extends CallTarget {
  readonly status: number;
  readonly cloudCode: string | undefined;
  readonly cloudMessage: string | undefined;
  readonly requestId: string | undefined;
  readonly retryable: boolean;
  readonly throttled: boolean;
  readonly retryAfterMs: number | undefined;
  /** attempts is how many times the call was sent before this answer was final; default 1. */
  readonly attempts?: number | undefined;
  readonly secrets?: readonly string[] | undefined;
}

/**
 * CloudError is a non-2xx answer of a cloud, after retries. cloudCode is the cloud's own code
 * (`APIGW.0308`, `KMS.1002`, `Throttling.User`, `Certificate.NotFound`), undefined when the body had none
 * (an HTML page from a proxy). retryable says whether sending the same request later may succeed
 * (throttling, 5xx, ServiceUnavailable); a 4xx is never retryable otherwise. cloudMessage is redacted.
 */
export class CloudError extends RescindError {
  override readonly name: string = 'CloudError';
  override readonly code: 'RESCIND_CLOUD_ERROR' | 'RESCIND_THROTTLED' = 'RESCIND_CLOUD_ERROR';
  readonly cloud: Cloud;
  readonly service: string;
  readonly operation: string;
  readonly status: number;
  readonly cloudCode: string | undefined;
  readonly cloudMessage: string | undefined;
  readonly requestId: string | undefined;
  readonly retryable: boolean;
  readonly throttled: boolean;
  readonly retryAfterMs: number | undefined;
  readonly attempts: number;

  constructor(init: CloudErrorInit) {
    const secrets = init.secrets ?? [];
    const cloudMessage =
      init.cloudMessage === undefined ? undefined : oneLine(redact(init.cloudMessage, secrets));
    const attempts = init.attempts ?? 1;
    const what = [`HTTP ${init.status}`, init.cloudCode].filter((p) => p !== undefined).join(' ');
    const details = [
      init.requestId === undefined ? undefined : `request id ${init.requestId}`,
      attempts > 1 ? `${attempts} attempts` : undefined,
    ].filter((p) => p !== undefined);
    const message = `${callName(init)}: ${what}${cloudMessage === undefined ? '' : `: ${cloudMessage}`}${
      details.length > 0 ? ` (${details.join(', ')})` : ''
    }`;
    super(redact(message, secrets));
    this.cloud = init.cloud;
    this.service = init.service;
    this.operation = init.operation;
    this.status = init.status;
    this.cloudCode = init.cloudCode;
    this.cloudMessage = cloudMessage;
    this.requestId = init.requestId;
    this.retryable = init.retryable;
    this.throttled = init.throttled;
    this.retryAfterMs = init.retryAfterMs;
    this.attempts = attempts;
  }
}

/** ThrottledError is a CloudError whose answer was the cloud's throttling answer (always retryable). */
export class ThrottledError extends CloudError {
  override readonly name: string = 'ThrottledError';
  override readonly code = 'RESCIND_THROTTLED' as const;
}

/** NetworkErrorInit are the fields of a NetworkError. */
export interface NetworkErrorInit extends CallTarget {
  /** networkCode is the failure's own code: `ECONNRESET`, `ECONNREFUSED`, `UND_ERR_SOCKET`... */
  readonly networkCode: string | undefined;
  readonly retryable: boolean;
  readonly attempts?: number | undefined;
  readonly cause: unknown;
  readonly secrets?: readonly string[] | undefined;
}

/**
 * NetworkError is an exchange that got no complete answer: connection refused or reset, a dropped socket,
 * DNS. retryable is false only for failures that a retry cannot fix (an unknown host name).
 */
export class NetworkError extends RescindError {
  override readonly name: string = 'NetworkError';
  override readonly code = 'RESCIND_NETWORK_ERROR' as const;
  readonly cloud: Cloud;
  readonly service: string;
  readonly operation: string;
  readonly networkCode: string | undefined;
  readonly retryable: boolean;
  readonly attempts: number;

  constructor(init: NetworkErrorInit) {
    const attempts = init.attempts ?? 1;
    const why = init.cause instanceof Error ? init.cause.message : String(init.cause);
    const code = init.networkCode === undefined ? '' : ` ${init.networkCode}`;
    const tail = attempts > 1 ? ` (${attempts} attempts)` : '';
    super(redact(`${callName(init)}: network error${code}: ${why}${tail}`, init.secrets ?? []), {
      cause: init.cause,
    });
    this.cloud = init.cloud;
    this.service = init.service;
    this.operation = init.operation;
    this.networkCode = init.networkCode;
    this.retryable = init.retryable;
    this.attempts = attempts;
  }
}

/** TimeoutPhase is what ran out of time: the connection, the answer's headers, its body, or the whole call. */
export type TimeoutPhase = 'connect' | 'headers' | 'body' | 'call';

/** TimeoutErrorInit are the fields of a TimeoutError. */
export interface TimeoutErrorInit extends CallTarget {
  readonly phase: TimeoutPhase;
  /** timeoutMs is the limit that was reached, when known. */
  readonly timeoutMs: number | undefined;
  readonly attempts?: number | undefined;
  readonly cause?: unknown;
}

/**
 * TimeoutError is a call that ran out of time: phase `call` is the per-call deadline (retries included),
 * the others the last attempt's own limit. retryable: a later call may succeed; a write may have happened.
 */
export class TimeoutError extends RescindError {
  override readonly name: string = 'TimeoutError';
  override readonly code = 'RESCIND_TIMEOUT' as const;
  readonly cloud: Cloud;
  readonly service: string;
  readonly operation: string;
  readonly phase: TimeoutPhase;
  readonly timeoutMs: number | undefined;
  readonly retryable = true;
  readonly attempts: number;

  constructor(init: TimeoutErrorInit) {
    const attempts = init.attempts ?? 1;
    const limit = init.timeoutMs === undefined ? '' : ` after ${init.timeoutMs}ms`;
    const tail = attempts > 1 ? ` (${attempts} attempts)` : '';
    super(`${callName(init)}: ${phaseText[init.phase]} timed out${limit}${tail}`, { cause: init.cause });
    this.cloud = init.cloud;
    this.service = init.service;
    this.operation = init.operation;
    this.phase = init.phase;
    this.timeoutMs = init.timeoutMs;
    this.attempts = attempts;
  }
}

const phaseText: Readonly<Record<TimeoutPhase, string>> = {
  connect: 'connecting',
  headers: 'waiting for the answer',
  body: 'reading the answer',
  call: 'the call',
};

/** AbortedError is a call stopped by its caller's AbortSignal; cause is the signal's reason. */
export class AbortedError extends RescindError {
  override readonly name: string = 'AbortedError';
  override readonly code = 'RESCIND_ABORTED' as const;
  readonly retryable = false;

  constructor(target: CallTarget, cause: unknown) {
    super(`${callName(target)}: aborted`, { cause });
  }
}

/** InsecureUrlError is a URL refused before sending: plain http:// to a host that is not loopback, or not http(s). */
export class InsecureUrlError extends RescindError {
  override readonly name: string = 'InsecureUrlError';
  override readonly code = 'RESCIND_INSECURE_URL' as const;
  readonly url: string;
  /** reason says why, without the URL. */
  readonly reason: string;

  constructor(url: string, reason: string) {
    super(`refusing ${url}: ${reason}`);
    this.url = url;
    this.reason = reason;
  }
}

/** ResponseTooLargeError is an answer whose body passed the client's cap; nothing of it is kept. */
export class ResponseTooLargeError extends RescindError {
  override readonly name: string = 'ResponseTooLargeError';
  override readonly code = 'RESCIND_RESPONSE_TOO_LARGE' as const;
  readonly retryable = false;
  readonly maxBytes: number;

  constructor(target: CallTarget, maxBytes: number) {
    super(`${callName(target)}: the answer is larger than ${maxBytes} bytes`);
    this.maxBytes = maxBytes;
  }
}

/**
 * ResponseTooDeepError is an answer whose JSON nests collections deeper than maxDepth: whatever reads
 * it recursively (fingerprints, renderers) would overflow the stack. Nothing of it is kept.
 */
export class ResponseTooDeepError extends RescindError {
  override readonly name: string = 'ResponseTooDeepError';
  override readonly code = 'RESCIND_RESPONSE_TOO_DEEP' as const;
  readonly retryable = false;
  readonly maxDepth: number;

  constructor(target: CallTarget, maxDepth: number) {
    super(`${callName(target)}: the answer nests collections deeper than ${maxDepth} levels`);
    this.maxDepth = maxDepth;
  }
}

function callName(target: CallTarget): string {
  return `${target.cloud} ${target.service} ${target.operation}`;
}

/**
 * parseRetryAfter is the wait an answer asks for, in ms: the cloud's own header first (the dialect's:
 * Alibaba's x-acs-retry-after is milliseconds), then `Retry-After` as delay-seconds or an HTTP date
 * (RFC 9110 §10.2.3), relative to now. Undefined when neither parses; never negative.
 */
export function parseRetryAfter(
  headers: HeaderValues | undefined,
  dialect: Dialect,
  now: number = Date.now(),
): number | undefined {
  const own = dialect.retryAfterMs(headers);
  if (own !== undefined) return Math.max(0, own);
  const standard = headerValue(headers, 'retry-after');
  if (standard === undefined) return undefined;
  if (/^\d+(\.\d+)?$/.test(standard)) return Math.round(Number(standard) * 1000);
  const at = Date.parse(standard);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

/** Classification is what a failed answer means for retrying it. */
export interface Classification {
  readonly throttled: boolean;
  readonly retryable: boolean;
  readonly retryAfterMs: number | undefined;
  readonly body: ErrorBody;
}

/**
 * classifyAnswer decides, for a non-2xx answer, whether it is throttling and whether a retry may succeed.
 * throttled: the dialect's throttling answer (Huawei 429 APIGW.0308, Alibaba `Throttling*` at any status).
 * retryable: throttled, any 5xx but 501 Not Implemented, or a code the dialect calls retryable
 * (`ServiceUnavailable`). Any other 4xx is never retryable.
 */
export function classifyAnswer(
  input: {
    readonly status: number;
    readonly headers?: HeaderValues | undefined;
    readonly body?: unknown;
    readonly now?: number | undefined;
  },
  dialect: Dialect,
): Classification {
  const body = dialect.readErrorBody(input.body);
  const throttled = dialect.isThrottling(input.status, body.code);
  const serverError = input.status >= 500 && input.status !== 501;
  const retryable = throttled || serverError || dialect.isRetryableCode(body.code);
  return { throttled, retryable, retryAfterMs: parseRetryAfter(input.headers, dialect, input.now), body };
}

/** CloudAnswer is a non-2xx answer as received, with the call it answered. */
export interface CloudAnswer {
  readonly status: number;
  readonly headers?: HeaderValues | undefined;
  /** body is the raw body (string or bytes) or already parsed JSON. */
  readonly body?: unknown;
  readonly service?: string | undefined;
  readonly operation?: string | undefined;
  readonly attempts?: number | undefined;
  /** secrets are removed from the message and cloudMessage. */
  readonly secrets?: readonly string[] | undefined;
  /** now is the clock for an HTTP-date Retry-After. */
  readonly now?: number | undefined;
}

/**
 * parseCloudError turns an answer into a CloudError (a ThrottledError when throttled), read in the
 * cloud's dialect. The request id comes from the dialect's header, else from the body.
 */
export function parseCloudError(answer: CloudAnswer, dialect: Dialect): CloudError {
  const c = classifyAnswer(answer, dialect);
  const init: CloudErrorInit = {
    cloud: dialect.cloud,
    service: answer.service ?? 'unknown',
    operation: answer.operation ?? 'unknown',
    status: answer.status,
    cloudCode: c.body.code,
    cloudMessage: c.body.message,
    requestId: headerValue(answer.headers, dialect.requestIdHeader) ?? c.body.requestId,
    retryable: c.retryable,
    throttled: c.throttled,
    retryAfterMs: c.retryAfterMs,
    attempts: answer.attempts,
    secrets: answer.secrets,
  };
  return c.throttled ? new ThrottledError(init) : new CloudError(init);
}

/**
 * RETRYABLE_NETWORK_CODES are the failure codes of an exchange that a new attempt may get past: resets,
 * refusals, dropped sockets (undici `UND_ERR_SOCKET`, "other side closed"), transient DNS and per-attempt
 * timeouts. `ENOTFOUND` is not among them: a host name that does not exist stays so.
 */
export const RETRYABLE_NETWORK_CODES: readonly string[] = [
  'ECONNRESET',
  'ECONNREFUSED',
  'ECONNABORTED',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'EHOSTDOWN',
  'ENETUNREACH',
  'ENETDOWN',
  'EAI_AGAIN',
  'UND_ERR_SOCKET',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
];

/** NETWORK_CODES are failure codes that make a NetworkError (or TimeoutError) rather than a bug. */
export const NETWORK_CODES: readonly string[] = [...RETRYABLE_NETWORK_CODES, 'ENOTFOUND'];

/** errorCode is the `code` of err or of the first error on its cause chain that has a string one. */
export function errorCode(err: unknown): string | undefined {
  let current: unknown = err;
  for (let depth = 0; depth < 5 && typeof current === 'object' && current !== null; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string') return code;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

/** isRetryableNetworkError says whether err is a failed exchange that a new attempt may get past. */
export function isRetryableNetworkError(err: unknown): boolean {
  const code = errorCode(err);
  return code !== undefined && RETRYABLE_NETWORK_CODES.includes(code);
}

const timeoutPhases: Readonly<Record<string, TimeoutPhase>> = {
  UND_ERR_CONNECT_TIMEOUT: 'connect',
  UND_ERR_HEADERS_TIMEOUT: 'headers',
  UND_ERR_BODY_TIMEOUT: 'body',
};

/**
 * networkFailure turns a failed exchange into a TimeoutError (undici's per-attempt timeouts) or a
 * NetworkError; undefined when err is not a network failure (a bug, which the caller rethrows).
 */
export function networkFailure(
  err: unknown,
  target: CallTarget,
  extra: {
    readonly attempts?: number | undefined;
    readonly secrets?: readonly string[] | undefined;
    readonly timeouts?: Partial<Readonly<Record<TimeoutPhase, number>>>;
  } = {},
): NetworkError | TimeoutError | undefined {
  const code = errorCode(err);
  if (code === undefined || !NETWORK_CODES.includes(code)) return undefined;
  const phase = timeoutPhases[code];
  if (phase !== undefined) {
    return new TimeoutError({
      ...target,
      phase,
      timeoutMs: extra.timeouts?.[phase],
      attempts: extra.attempts,
      cause: err,
    });
  }
  return new NetworkError({
    ...target,
    networkCode: code,
    retryable: RETRYABLE_NETWORK_CODES.includes(code),
    attempts: extra.attempts,
    cause: err,
    secrets: extra.secrets,
  });
}
