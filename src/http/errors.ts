// The errors of rescind's HTTP layer: RescindError (class, name, stable code, cause), a cloud's error
// answer parsed into one CloudError (in the cloud's own dialect, src/clouds/), and network, TLS,
// timeout, abort and insecure-URL failures; classifyFailure tells which one a library's error is.
// Every message goes through redact().

import { type Dialect, type ErrorBody, type HeaderValues, headerValue } from '../clouds/wire.js';
import type { Cloud } from '../vocabulary.js';
import { oneLine, redact } from './redact.js';
import { errors as undiciErrors } from './undici.js';

/** RescindErrorCode is the closed set of stable codes of errors crossing the library boundary. */
export type RescindErrorCode =
  | 'RESCIND_ERROR'
  | 'RESCIND_CLOUD_ERROR'
  | 'RESCIND_THROTTLED'
  | 'RESCIND_NETWORK_ERROR'
  | 'RESCIND_TLS'
  | 'RESCIND_TIMEOUT'
  | 'RESCIND_ABORTED'
  | 'RESCIND_INSECURE_URL'
  | 'RESCIND_RESPONSE_TOO_LARGE'
  | 'RESCIND_RESPONSE_TOO_DEEP'
  | 'RESCIND_CREDENTIALS';

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
  /** reason says what happened in words; the cause's message when not given. */
  readonly reason?: string | undefined;
  /** via names the proxy the exchange went through (its origin, never its credentials). */
  readonly via?: string | undefined;
}

/**
 * NetworkError is an exchange that got no complete, well-formed answer: connection refused or reset, a
 * dropped socket, DNS, a proxy that refused the tunnel, or an answer that is not HTTP (a parse error, a
 * body shorter than its Content-Length, headers past undici's limit). retryable is false only for
 * failures that a retry cannot fix (an unknown host name, a proxy that wants credentials).
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
    const why = init.reason ?? (init.cause instanceof Error ? init.cause.message : String(init.cause));
    const code = init.networkCode === undefined ? '' : ` ${init.networkCode}`;
    const via = init.via === undefined ? '' : ` (through the proxy ${init.via})`;
    const tail = attempts > 1 ? ` (${attempts} attempts)` : '';
    super(redact(`${callName(init)}: network error${code}: ${why}${via}${tail}`, init.secrets ?? []), {
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

/** TlsErrorInit are the fields of a TlsError. */
export interface TlsErrorInit extends CallTarget {
  /** host is the host (and port) the call was for. */
  readonly host: string;
  /** tlsCode is Node's or OpenSSL's code: `DEPTH_ZERO_SELF_SIGNED_CERT`, `ERR_TLS_CERT_ALTNAME_INVALID`... */
  readonly tlsCode: string;
  readonly attempts?: number | undefined;
  readonly cause: unknown;
  readonly via?: string | undefined;
  readonly secrets?: readonly string[] | undefined;
}

/**
 * TlsError is a TLS connection that failed: the server's certificate is not trusted (self-signed, an
 * unknown CA), not for the host, expired or revoked, or the handshake failed. reason says which in
 * words. Never retryable: a certificate does not heal between attempts. The message says how to trust
 * a CA; rescind has no way to turn certificate checks off.
 */
export class TlsError extends RescindError {
  override readonly name: string = 'TlsError';
  override readonly code = 'RESCIND_TLS' as const;
  readonly cloud: Cloud;
  readonly service: string;
  readonly operation: string;
  readonly host: string;
  readonly tlsCode: string;
  /** reason is what went wrong, in words: `its certificate is self-signed`. */
  readonly reason: string;
  readonly retryable = false;
  readonly attempts: number;

  constructor(init: TlsErrorInit) {
    const attempts = init.attempts ?? 1;
    const reason = tlsReason(init.tlsCode, init.cause);
    const via = init.via === undefined ? '' : ` through the proxy ${init.via}`;
    const hint = isCertificateCode(init.tlsCode)
      ? 'rescind never turns certificate checks off; to trust a private CA or a TLS-inspecting proxy, give its certificate in network.caFile of the config or in NODE_EXTRA_CA_CERTS (docs/cli.md#trusting-a-ca)'
      : 'check that the endpoint is an https:// URL of a TLS server';
    const tail = attempts > 1 ? ` (${attempts} attempts)` : '';
    super(
      redact(
        `${callName(init)}: TLS to ${init.host}${via} failed: ${reason} (${init.tlsCode})${tail}; ${hint}`,
        init.secrets ?? [],
      ),
      { cause: init.cause },
    );
    this.cloud = init.cloud;
    this.service = init.service;
    this.operation = init.operation;
    this.host = init.host;
    this.tlsCode = init.tlsCode;
    this.reason = reason;
    this.attempts = attempts;
  }
}

// Certificate failures, in words. The codes are OpenSSL's verify errors as Node names them, and Node's own
// hostname check.
const untrustedCa = 'its certificate is signed by a CA that this machine does not trust';
const certificateReasons: Readonly<Record<string, string>> = {
  DEPTH_ZERO_SELF_SIGNED_CERT: 'its certificate is self-signed',
  SELF_SIGNED_CERT_IN_CHAIN:
    'its certificate chain ends in a self-signed CA that this machine does not trust',
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: untrustedCa,
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY: untrustedCa,
  UNABLE_TO_GET_ISSUER_CERT: untrustedCa,
  CERT_UNTRUSTED: 'its certificate is not trusted for TLS servers',
  CERT_REJECTED: 'its certificate is not trusted for TLS servers',
  INVALID_PURPOSE: 'its certificate is not for TLS servers',
  CERT_HAS_EXPIRED: 'its certificate has expired',
  CERT_NOT_YET_VALID: "its certificate is not valid yet (or this machine's clock is wrong)",
  CERT_REVOKED: 'its certificate was revoked',
  ERR_TLS_CERT_ALTNAME_INVALID: 'its certificate is for another host name',
  HOSTNAME_MISMATCH: 'its certificate is for another host name',
};
const otherCertificateCodes: readonly string[] = [
  'UNABLE_TO_GET_CRL',
  'UNABLE_TO_DECRYPT_CERT_SIGNATURE',
  'UNABLE_TO_DECRYPT_CRL_SIGNATURE',
  'UNABLE_TO_DECODE_ISSUER_PUBLIC_KEY',
  'CERT_SIGNATURE_FAILURE',
  'CRL_SIGNATURE_FAILURE',
  'CRL_NOT_YET_VALID',
  'CRL_HAS_EXPIRED',
  'ERROR_IN_CERT_NOT_BEFORE_FIELD',
  'ERROR_IN_CERT_NOT_AFTER_FIELD',
  'ERROR_IN_CRL_LAST_UPDATE_FIELD',
  'ERROR_IN_CRL_NEXT_UPDATE_FIELD',
  'CERT_CHAIN_TOO_LONG',
  'INVALID_CA',
  'PATH_LENGTH_EXCEEDED',
  'ERR_TLS_CERT_ALTNAME_FORMAT',
];

function isCertificateCode(code: string): boolean {
  return Object.hasOwn(certificateReasons, code) || otherCertificateCodes.includes(code);
}

/** isTlsCode says whether a failure code is a TLS failure: a certificate check or the handshake. */
function isTlsCode(code: string): boolean {
  return isCertificateCode(code) || /^ERR_(SSL|TLS)_/.test(code) || code === 'EPROTO';
}

// The reason of a TLS failure in words; for a hostname mismatch, with the names the certificate gives.
function tlsReason(code: string, cause: unknown): string {
  const known = Object.hasOwn(certificateReasons, code) ? certificateReasons[code] : undefined;
  if (known !== undefined) {
    if (code !== 'ERR_TLS_CERT_ALTNAME_INVALID') return known;
    const names = altNames(cause);
    return names === undefined ? known : `${known} (it names ${names})`;
  }
  if (isCertificateCode(code)) return 'its certificate cannot be verified';
  if (code === 'ERR_SSL_WRONG_VERSION_NUMBER') return 'it does not speak TLS on this port';
  return 'the TLS handshake failed';
}

// The subject alternative names of the certificate a hostname check refused, cut to 200 characters: the
// server chose them.
function altNames(err: unknown): string | undefined {
  let current: unknown = err;
  for (let depth = 0; depth < 5 && typeof current === 'object' && current !== null; depth++) {
    const cert = (current as { cert?: { subjectaltname?: unknown } }).cert;
    const names = cert?.subjectaltname;
    if (typeof names === 'string' && names !== '') {
      return names.length > 200 ? `${names.slice(0, 200)}...` : names;
    }
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
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

/**
 * CredentialsError is a request that could not be signed: its account's credentials could not be
 * obtained or refreshed (a token file gone, STS refusing, a metadata service down). The message names
 * the source and the reason, never a secret; the cause is the source's own failure.
 */
export class CredentialsError extends RescindError {
  override readonly name: string = 'CredentialsError';
  override readonly code = 'RESCIND_CREDENTIALS' as const;
  readonly retryable = false;

  constructor(message: string, options?: { readonly cause?: unknown }) {
    super(message, options);
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
  /** expired: the credentials the request was signed with have expired; new ones would be accepted. */
  readonly expired: boolean;
  readonly body: ErrorBody;
}

/**
 * classifyAnswer decides, for a non-2xx answer, whether it is throttling and whether a retry may succeed.
 * throttled: the dialect's throttling answer (Huawei 429 APIGW.0308, Alibaba `Throttling*` at any status).
 * retryable: throttled, any 5xx but 501 Not Implemented, or a code the dialect calls retryable
 * (`ServiceUnavailable`). Any other 4xx is never retryable. expired: the dialect's answer to expired
 * credentials, which a retry fixes only with new credentials (retry asks a RotatingSigner for them).
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
  const expired = dialect.isExpiredCredentials(input.status, body.code, body.message);
  return {
    throttled,
    retryable,
    retryAfterMs: parseRetryAfter(input.headers, dialect, input.now),
    expired,
    body,
  };
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
 * refusals, dropped sockets (undici `UND_ERR_SOCKET`, "other side closed"), transient DNS, per-attempt
 * timeouts, and answers that are not well-formed HTTP (a parse error, a body that does not match its
 * Content-Length, headers past undici's limit: a proxy or a load balancer in trouble may answer well
 * the next time). `ENOTFOUND` is not among them: a host name that does not exist stays so; nor is a TLS
 * failure: a certificate does not heal.
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
  'UND_ERR_HTTP_PARSER',
  'UND_ERR_HEADERS_OVERFLOW',
  'UND_ERR_RES_CONTENT_LENGTH_MISMATCH',
  'UND_ERR_INFO',
  'ERR_ASSERTION',
];

/** errorCode is the `code` of err or of the first error on its cause chain that has a string one. */
export function errorCode(err: unknown): string | undefined {
  let current: unknown = err;
  for (let depth = 0; depth < 5 && typeof current === 'object' && current !== null; depth++) {
    // undici's HTTPParserError has no code (its llhttp name is lost): it gets undici's own name for it.
    if (current instanceof undiciErrors.HTTPParserError) {
      const own = (current as { code?: unknown }).code;
      return typeof own === 'string' ? own : 'UND_ERR_HTTP_PARSER';
    }
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string') return code;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

// The first TLS code on err's cause chain: undici wraps a hostname mismatch behind a proxy
// (UND_ERR_PRX_TLS), so the outer code is not enough.
function tlsCodeOf(err: unknown): string | undefined {
  let current: unknown = err;
  for (let depth = 0; depth < 5 && typeof current === 'object' && current !== null; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string' && isTlsCode(code)) return code;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

// undici's answer to a CONNECT refused by the proxy: `Proxy response (407) !== 200 when HTTP Tunneling`.
const proxyRefusal = /^Proxy response \((\d{3})\)/;

/**
 * ExchangeFailure is what a failed exchange was: a per-attempt timeout, a TLS failure, a proxy that
 * refused the tunnel (with its status), or another network failure, with its code and whether a new
 * attempt may get past it.
 */
export type ExchangeFailure =
  | {
      readonly kind: 'timeout';
      readonly code: string;
      readonly phase: TimeoutPhase;
      readonly retryable: true;
    }
  | { readonly kind: 'tls'; readonly code: string; readonly retryable: false }
  | {
      readonly kind: 'proxy';
      readonly code: 'PROXY_REFUSED';
      readonly status: number;
      readonly retryable: boolean;
    }
  | { readonly kind: 'network'; readonly code: string; readonly retryable: boolean };

/**
 * classifyFailure tells what a library's error of an exchange is (node:net, node:tls, undici); undefined
 * for anything else, a bug. Any error with a string code or of undici's classes is a failure of the
 * exchange: only the codes of RETRYABLE_NETWORK_CODES, and a proxy's 5xx, are worth a new attempt.
 */
export function classifyFailure(err: unknown): ExchangeFailure | undefined {
  const tls = tlsCodeOf(err);
  if (tls !== undefined) return { kind: 'tls', code: tls, retryable: false };
  const code = errorCode(err);
  if (code === 'UND_ERR_ABORTED' && err instanceof Error) {
    const refused = proxyRefusal.exec(err.message);
    if (refused !== null) {
      const status = Number(refused[1]);
      return { kind: 'proxy', code: 'PROXY_REFUSED', status, retryable: status >= 500 };
    }
  }
  if (code === undefined) {
    return err instanceof undiciErrors.UndiciError
      ? { kind: 'network', code: 'UND_ERR', retryable: false }
      : undefined;
  }
  // Node's other ERR_ codes are a program's mistakes (a wrong argument), not the network's.
  if (code.startsWith('ERR_') && !NODE_NETWORK_CODES.includes(code)) return undefined;
  const phase = timeoutPhases[code];
  if (phase !== undefined) return { kind: 'timeout', code, phase, retryable: true };
  return { kind: 'network', code, retryable: RETRYABLE_NETWORK_CODES.includes(code) };
}

// Node's ERR_ codes that the network causes. ERR_ASSERTION is one of undici's internal checks, which an
// answer it did not expect can fail (a 101 Switching Protocols nobody asked for): rescind asserts nothing.
const NODE_NETWORK_CODES: readonly string[] = [
  'ERR_ASSERTION',
  'ERR_STREAM_PREMATURE_CLOSE',
  'ERR_SOCKET_CONNECTION_TIMEOUT',
  'ERR_SOCKET_CLOSED',
];

/** isRetryableNetworkError says whether err is a failed exchange that a new attempt may get past. */
export function isRetryableNetworkError(err: unknown): boolean {
  return classifyFailure(err)?.retryable === true;
}

const timeoutPhases: Readonly<Record<string, TimeoutPhase>> = {
  UND_ERR_CONNECT_TIMEOUT: 'connect',
  UND_ERR_HEADERS_TIMEOUT: 'headers',
  UND_ERR_BODY_TIMEOUT: 'body',
};

// What a malformed answer was, in words: undici's own messages name the parser, not the problem.
const malformedReasons: Readonly<Record<string, (err: unknown) => string>> = {
  UND_ERR_HTTP_PARSER: (err) =>
    `the answer is not HTTP/1.1${err instanceof Error && err.message !== '' ? ` (${err.message.replace(/^Response does not match the HTTP\/1\.1 protocol \((.*)\)$/, '$1')})` : ''}`,
  UND_ERR_HEADERS_OVERFLOW: () => "the answer's headers are larger than undici accepts (16 KiB)",
  UND_ERR_RES_CONTENT_LENGTH_MISMATCH: () => "the answer's body does not match its Content-Length",
  UND_ERR_INFO: (err) =>
    `the answer is not usable HTTP (${err instanceof Error ? err.message : String(err)})`,
  ERR_ASSERTION: () => 'the answer is HTTP that undici cannot follow (an internal check of undici failed)',
};

/** FailureContext is what a failure message names besides the call: its host, proxy and attempts. */
export interface FailureContext {
  readonly attempts?: number | undefined;
  readonly secrets?: readonly string[] | undefined;
  readonly timeouts?: Partial<Readonly<Record<TimeoutPhase, number>>>;
  /** host is the host (and port) of the call's URL. */
  readonly host?: string | undefined;
  /** via is the origin of the proxy the call went through, if any. */
  readonly via?: string | undefined;
}

/**
 * networkFailure turns a failed exchange into a TimeoutError (undici's per-attempt timeouts), a TlsError
 * or a NetworkError; undefined when err is not a failure of the exchange (a bug, which the caller
 * rethrows).
 */
export function networkFailure(
  err: unknown,
  target: CallTarget,
  extra: FailureContext = {},
): NetworkError | TimeoutError | TlsError | undefined {
  const failure = classifyFailure(err);
  if (failure === undefined) return undefined;
  if (failure.kind === 'timeout') {
    return new TimeoutError({
      ...target,
      phase: failure.phase,
      timeoutMs: extra.timeouts?.[failure.phase],
      attempts: extra.attempts,
      cause: err,
    });
  }
  if (failure.kind === 'tls') {
    return new TlsError({
      ...target,
      host: extra.host ?? 'the endpoint',
      tlsCode: failure.code,
      attempts: extra.attempts,
      cause: err,
      via: extra.via,
      secrets: extra.secrets,
    });
  }
  const reason =
    failure.kind === 'proxy'
      ? `the proxy answered HTTP ${failure.status} to the tunnel to ${extra.host ?? 'the endpoint'}${
          failure.status === 407
            ? ' (it wants credentials: give them in HTTPS_PROXY as http://user:password@host:port)'
            : ''
        }`
      : malformedReasons[failure.code]?.(err);
  return new NetworkError({
    ...target,
    networkCode: failure.code,
    retryable: failure.retryable,
    attempts: extra.attempts,
    cause: err,
    secrets: extra.secrets,
    reason,
    via: extra.via,
  });
}
