// The errors of rescind's HTTP layer: RescindError (class, name, stable code, cause), the clouds' error
// answers parsed into one CloudError (every Huawei and Alibaba body shape of cloud-apis.md §1–6), and
// network, timeout, abort and insecure-URL failures. Every message goes through redact().

import type { Cloud } from './meta.js';
import { type HeaderValues, redact } from './redact.js';

/** RescindErrorCode is the closed set of stable codes of errors crossing the library boundary. */
export type RescindErrorCode =
  | 'RESCIND_ERROR'
  | 'RESCIND_CLOUD_ERROR'
  | 'RESCIND_THROTTLED'
  | 'RESCIND_NETWORK_ERROR'
  | 'RESCIND_TIMEOUT'
  | 'RESCIND_ABORTED'
  | 'RESCIND_INSECURE_URL';

/** RescindError is the base of rescind's errors: `name` is the class name, `code` never changes meaning. */
export class RescindError extends Error {
  override readonly name: string = 'RescindError';
  readonly code: RescindErrorCode = 'RESCIND_ERROR';

  constructor(message: string, options?: { readonly cause?: unknown }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
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
    const cloudMessage = init.cloudMessage === undefined ? undefined : redact(init.cloudMessage, secrets);
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

function callName(target: CallTarget): string {
  return `${target.cloud} ${target.service} ${target.operation}`;
}

/** ErrorBody is what an error body says, whatever its shape: each field undefined when absent. */
export interface ErrorBody {
  readonly code: string | undefined;
  readonly message: string | undefined;
  readonly requestId: string | undefined;
}

/** MAX_CLOUD_MESSAGE is the longest cloudMessage kept; longer ones are cut with an ellipsis. */
export const MAX_CLOUD_MESSAGE = 500;

/**
 * readErrorBody reads an error body of either cloud: a string or bytes (JSON, Alibaba's XML, or text/HTML
 * from a proxy) or already parsed JSON. JSON shapes, first match wins per field:
 * Huawei nested `{error:{error_code|code, error_msg|message}}` (KMS, IAM), flat `{error_code, error_msg,
 * request_id?}` (APIGW, CCM), `{errorCode, errorMessage}` (CCE); Alibaba `{RequestId, HostId, Code,
 * Message}` and ROA's `{code, message, requestId}`. A non-JSON body gives its HTML title or its first text.
 */
export function readErrorBody(body: unknown): ErrorBody {
  const none: ErrorBody = { code: undefined, message: undefined, requestId: undefined };
  let value: unknown = body;
  if (value instanceof Uint8Array) value = Buffer.from(value).toString('utf8');
  if (typeof value === 'string') {
    const text = value.trim();
    if (text === '') return none;
    if (text.startsWith('{') || text.startsWith('[')) {
      try {
        value = JSON.parse(text);
      } catch {
        return { ...none, message: textSnippet(text) };
      }
    } else {
      return text.startsWith('<') ? readMarkup(text) : { ...none, message: textSnippet(text) };
    }
  }
  if (!isRecord(value)) return none;
  const nested = isRecord(value.error) ? value.error : undefined;
  return {
    code: firstString(
      nested?.error_code,
      nested?.code,
      value.error_code,
      value.errorCode,
      value.Code,
      value.code,
    ),
    message: cut(
      firstString(
        nested?.error_msg,
        nested?.message,
        value.error_msg,
        value.errorMessage,
        value.Message,
        value.message,
      ),
    ),
    requestId: firstString(value.request_id, value.RequestId, value.requestId, nested?.request_id),
  };
}

// Alibaba answers XML for some APIs (`<Error><Code>…</Code>…`), a proxy answers HTML.
function readMarkup(text: string): ErrorBody {
  const tag = (name: string): string | undefined => {
    const m = new RegExp(`<${name}>([^<]*)</${name}>`).exec(text);
    return m?.[1] === undefined || m[1].trim() === '' ? undefined : m[1].trim();
  };
  const code = tag('Code');
  if (code !== undefined) return { code, message: cut(tag('Message')), requestId: tag('RequestId') };
  const title = /<title[^>]*>([^<]*)<\/title>/i.exec(text)?.[1]?.trim();
  const stripped = text.replace(/<(script|style)[^>]*>[\s\S]*?<\/\1>/gi, ' ').replace(/<[^>]*>/g, ' ');
  return {
    code: undefined,
    message: title !== undefined && title !== '' ? cut(title) : textSnippet(stripped),
    requestId: undefined,
  };
}

function textSnippet(text: string): string | undefined {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat === '' ? undefined : cut(flat);
}

function cut(text: string | undefined): string | undefined {
  if (text === undefined) return undefined;
  return text.length > MAX_CLOUD_MESSAGE ? `${text.slice(0, MAX_CLOUD_MESSAGE - 1)}…` : text;
}

function isRecord(value: unknown): value is Readonly<Record<string, unknown>> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function firstString(...values: unknown[]): string | undefined {
  for (const v of values) {
    if (typeof v === 'string' && v !== '') return v;
    if (typeof v === 'number' && Number.isFinite(v)) return String(v);
  }
  return undefined;
}

/** headerValue is a header by name, case-insensitively; repeated values give the first. */
export function headerValue(headers: HeaderValues | undefined, name: string): string | undefined {
  if (headers === undefined) return undefined;
  const lower = name.toLowerCase();
  for (const [key, value] of Object.entries(headers)) {
    if (key.toLowerCase() !== lower || value === undefined) continue;
    const first = typeof value === 'string' ? value : value[0];
    if (first !== undefined && first.trim() !== '') return first.trim();
  }
  return undefined;
}

/** REQUEST_ID_HEADERS are the response headers carrying the request id, per cloud (cloud-apis.md §6). */
export const REQUEST_ID_HEADERS: Readonly<Record<Cloud, string>> = {
  huaweicloud: 'x-request-id',
  alibabacloud: 'x-acs-request-id',
};

/**
 * parseRetryAfter is the wait a response asks for, in ms: `x-acs-retry-after` is milliseconds (Alibaba's
 * openapi-core getThrottlingTimeLeft parseInt()s it and its retry sleeps that many ms), `Retry-After`
 * is delay-seconds or an HTTP date (RFC 9110 §10.2.3), relative to now. Undefined when neither parses;
 * never negative.
 */
export function parseRetryAfter(
  headers: HeaderValues | undefined,
  now: number = Date.now(),
): number | undefined {
  const acs = headerValue(headers, 'x-acs-retry-after');
  if (acs !== undefined && /^\d+$/.test(acs)) return Number(acs);
  const standard = headerValue(headers, 'retry-after');
  if (standard === undefined) return undefined;
  if (/^\d+(\.\d+)?$/.test(standard)) return Math.round(Number(standard) * 1000);
  const at = Date.parse(standard);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

/** HUAWEI_THROTTLE_CODES are API Gateway's throttling codes (HTTP 429, cloud-apis.md §6a). */
export const HUAWEI_THROTTLE_CODES: readonly string[] = ['APIGW.0308', 'APIG.0308'];

/** Classification is what a failed answer means for retrying it. */
export interface Classification {
  readonly throttled: boolean;
  readonly retryable: boolean;
  readonly retryAfterMs: number | undefined;
  readonly body: ErrorBody;
}

/**
 * classifyAnswer decides, for a non-2xx answer, whether it is throttling and whether a retry may succeed.
 * throttled: HTTP 429, a Huawei APIGW.0308/APIG.0308 code, or an Alibaba code containing `Throttling`
 * at any status (`Throttling`, `Throttling.User`, `Throttling.Api`, `Rejected.Throttling`), which is the
 * rule of Alibaba's SDK. retryable: throttled, any 5xx but 501 Not Implemented, or `ServiceUnavailable`.
 * Any other 4xx is never retryable.
 */
export function classifyAnswer(input: {
  readonly status: number;
  readonly headers?: HeaderValues | undefined;
  readonly body?: unknown;
  readonly now?: number | undefined;
}): Classification {
  const body = readErrorBody(input.body);
  const code = body.code ?? '';
  const throttled =
    input.status === 429 || HUAWEI_THROTTLE_CODES.includes(code) || code.includes('Throttling');
  const serverError = input.status >= 500 && input.status !== 501;
  const retryable = throttled || serverError || code === 'ServiceUnavailable';
  return { throttled, retryable, retryAfterMs: parseRetryAfter(input.headers, input.now), body };
}

/** CloudAnswer is a non-2xx answer as received, with the call it answered. */
export interface CloudAnswer {
  readonly cloud: Cloud;
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
 * parseCloudError turns an answer into a CloudError (a ThrottledError when throttled). The request id
 * comes from the cloud's header (X-Request-Id, x-acs-request-id), else from the body, else from the
 * other cloud's header.
 */
export function parseCloudError(answer: CloudAnswer): CloudError {
  const c = classifyAnswer(answer);
  const other: Cloud = answer.cloud === 'huaweicloud' ? 'alibabacloud' : 'huaweicloud';
  const init: CloudErrorInit = {
    cloud: answer.cloud,
    service: answer.service ?? 'unknown',
    operation: answer.operation ?? 'unknown',
    status: answer.status,
    cloudCode: c.body.code,
    cloudMessage: c.body.message,
    requestId:
      headerValue(answer.headers, REQUEST_ID_HEADERS[answer.cloud]) ??
      c.body.requestId ??
      headerValue(answer.headers, REQUEST_ID_HEADERS[other]),
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
