// Huawei Cloud AK/SK request signing (SDK-HMAC-SHA256, the API Gateway scheme), computed the way
// @huaweicloud/huaweicloud-sdk-core 3.1.211 AKSKSigner.sign does. Pure: clock and keys are arguments.
// The emulator's verifier (src/emulator/auth/huaweicloud.ts) reuses every canonicalisation step here.
// Also the RequestSigners the HTTP layer signs each attempt with: AK/SK, and the IAM token.

import {
  buildCanonicalRequest,
  type CanonicalHeaders,
  type CanonicalRequestParts,
  canonicalQuery,
  EMPTY_BODY_SHA256,
  hmacSha256Hex,
  parseAuthorizationFields,
  percentEncode,
  type QueryValue,
  type SigningTrace,
  sha256Hex,
} from '../canonical.js';
import type { RequestSigner } from '../wire.js';

export {
  buildCanonicalRequest,
  type CanonicalHeaders,
  type CanonicalRequestParts,
  EMPTY_BODY_SHA256,
  percentEncode,
  sha256Hex,
};

/** HUAWEI_SIGNING_ALGORITHM is the first word of the Authorization header and line 1 of the string to sign. */
export const HUAWEI_SIGNING_ALGORITHM = 'SDK-HMAC-SHA256';

/** UNSIGNED_PAYLOAD is the X-Sdk-Content-Sha256 value that leaves the body out of the signature. */
export const UNSIGNED_PAYLOAD = 'UNSIGNED-PAYLOAD';

/** HuaweiQueryValue is one query value; numbers and booleans are signed as their String() form. */
export type HuaweiQueryValue = QueryValue;

/** HuaweiQuery maps a query name to a value, or to several values sent as repeated `name=value` pairs. */
export type HuaweiQuery = Readonly<Record<string, HuaweiQueryValue | readonly HuaweiQueryValue[]>>;

/** HuaweiCredentials are a permanent AK/SK, or a temporary one with its security token. */
export interface HuaweiCredentials {
  readonly accessKey: string;
  readonly secretKey: string;
  readonly securityToken?: string;
}

/**
 * HuaweiSignableRequest is a request about to be sent. url is the origin plus the path exactly as sent
 * (a query in url is ignored: pass query, and send buildCanonicalQuery(query) as the query string).
 * headers are signed as given (names lower-cased, values not trimmed, as the SDK does); body is the
 * exact bytes sent (a string is sent as UTF-8).
 */
export interface HuaweiSignableRequest {
  readonly method: string;
  readonly url: string | URL;
  readonly query?: HuaweiQuery;
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: Uint8Array | string;
}

/** HuaweiAuthorization is the content of an `SDK-HMAC-SHA256` Authorization header. */
export interface HuaweiAuthorization {
  readonly accessKey: string;
  /** signedHeaders is the SignedHeaders field as sent, e.g. `content-type;host;x-sdk-date`. */
  readonly signedHeaders: string;
  readonly signature: string;
}

/** formatSdkDate is the X-Sdk-Date value of an instant: UTC `YYYYMMDDTHHMMSSZ`, milliseconds dropped. */
export function formatSdkDate(now: Date): string {
  return `${now.toISOString().slice(0, 19).replace(/[-:]/g, '')}Z`;
}

/** parseSdkDate reads an X-Sdk-Date value; undefined unless it is exactly `YYYYMMDDTHHMMSSZ` and a real date. */
export function parseSdkDate(value: string): Date | undefined {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(value);
  if (m === null) return undefined;
  const [, y, mo, d, h, mi, s] = m.map(Number) as [number, number, number, number, number, number, number];
  const date = new Date(Date.UTC(y, mo - 1, d, h, mi, s));
  return formatSdkDate(date) === value ? date : undefined;
}

/**
 * buildCanonicalUri encodes every `/`-separated segment of the path as sent and appends `/` unless the
 * result already ends with one. Like the SDK, an already percent-encoded segment is encoded again
 * (`%20` becomes `%2520`, docs/clouds.md#huawei-cloud-signing), so keep path segments to `[A-Za-z0-9._~-]`.
 */
export function buildCanonicalUri(path: string): string {
  const uri = path.split('/').map(percentEncode).join('/');
  return uri.endsWith('/') ? uri : `${uri}/`;
}

/**
 * buildCanonicalQuery sorts names by code unit, expands an array into one pair per value (values sorted),
 * and joins `enc(name)=enc(value)` with `&`; an empty query gives ''. The result is also a valid wire query.
 */
export function buildCanonicalQuery(query: HuaweiQuery): string {
  return canonicalQuery(query);
}

/**
 * buildCanonicalHeaders lower-cases names, sorts them by code unit and emits `name:value\n` per header,
 * values as given (the SDK does not trim them). Throws when two names differ only in case: a caller bug.
 */
export function buildCanonicalHeaders(headers: Readonly<Record<string, string>>): CanonicalHeaders {
  const byName = new Map<string, string>();
  for (const [name, value] of Object.entries(headers)) {
    const lower = name.toLowerCase();
    if (byName.has(lower)) throw new TypeError(`header "${lower}" is given twice`);
    byName.set(lower, value);
  }
  const names = [...byName.keys()].sort();
  return {
    block: names.map((n) => `${n}:${byName.get(n) ?? ''}\n`).join(''),
    signedHeaders: names.join(';'),
  };
}

/**
 * buildPayloadHash is the last line of the canonical request: the X-Sdk-Content-Sha256 header's value
 * used literally when present (e.g. UNSIGNED-PAYLOAD), else the SHA-256 of the body bytes.
 */
export function buildPayloadHash(
  body: Uint8Array | string,
  headers: Readonly<Record<string, string>>,
): string {
  for (const [name, value] of Object.entries(headers)) {
    if (name.toLowerCase() === 'x-sdk-content-sha256') return value;
  }
  return sha256Hex(body);
}

/** buildStringToSign is `SDK-HMAC-SHA256`, the X-Sdk-Date value and the hex SHA-256 of the canonical request. */
export function buildStringToSign(sdkDate: string, canonicalRequest: string): string {
  return [HUAWEI_SIGNING_ALGORITHM, sdkDate, sha256Hex(canonicalRequest)].join('\n');
}

/** computeSignature is the lower-hex HMAC-SHA256 of the string to sign, keyed by the SK itself (no derivation). */
export function computeSignature(secretKey: string, stringToSign: string): string {
  return hmacSha256Hex(secretKey, stringToSign);
}

/** formatAuthorization is `SDK-HMAC-SHA256 Access=AK, SignedHeaders=a;b, Signature=hex` (", " between fields). */
export function formatAuthorization(auth: HuaweiAuthorization): string {
  return `${HUAWEI_SIGNING_ALGORITHM} Access=${auth.accessKey}, SignedHeaders=${auth.signedHeaders}, Signature=${auth.signature}`;
}

/**
 * parseAuthorization reads an Authorization header written by formatAuthorization. It accepts `,` with or
 * without following spaces, in any field order; undefined when the algorithm is not SDK-HMAC-SHA256 or
 * a field is missing, empty or repeated.
 */
export function parseAuthorization(value: string): HuaweiAuthorization | undefined {
  const f = parseAuthorizationFields(value, HUAWEI_SIGNING_ALGORITHM, [
    'Access',
    'SignedHeaders',
    'Signature',
  ]);
  return f && { accessKey: f.Access, signedHeaders: f.SignedHeaders, signature: f.Signature };
}

/** HuaweiSigningTrace is everything signHuaweiRequest computed (canonical.ts SigningTrace). */
export type HuaweiSigningTrace = SigningTrace;

/**
 * traceHuaweiSigning signs like signHuaweiRequest and also returns the intermediate strings.
 * Signed: every header of req.headers, `host` (from the URL unless req.headers has one, whose value then
 * wins), `x-sdk-date` from now, and `x-security-token` when the credentials carry one. Throws (a caller
 * bug) when req.headers already holds x-sdk-date, authorization, or x-security-token next to a token.
 */
export function traceHuaweiSigning(
  req: HuaweiSignableRequest,
  credentials: HuaweiCredentials,
  now: Date,
): HuaweiSigningTrace {
  const given = req.headers ?? {};
  const owned = ['x-sdk-date', 'authorization'];
  if (credentials.securityToken !== undefined) owned.push('x-security-token');
  for (const name of Object.keys(given)) {
    if (owned.includes(name.toLowerCase())) throw new TypeError(`header "${name}" is set by the signer`);
  }
  const url = typeof req.url === 'string' ? new URL(req.url) : req.url;
  const sdkDate = formatSdkDate(now);
  const added: Record<string, string> = { 'x-sdk-date': sdkDate };
  if (!Object.keys(given).some((n) => n.toLowerCase() === 'host')) added.host = url.host;
  if (credentials.securityToken !== undefined) added['x-security-token'] = credentials.securityToken;

  const headers = buildCanonicalHeaders(Object.assign({}, given, added));
  const canonicalRequest = buildCanonicalRequest({
    method: req.method,
    canonicalUri: buildCanonicalUri(url.pathname),
    canonicalQuery: buildCanonicalQuery(req.query ?? {}),
    headers,
    payloadHash: buildPayloadHash(req.body ?? '', given),
  });
  const stringToSign = buildStringToSign(sdkDate, canonicalRequest);
  const signature = computeSignature(credentials.secretKey, stringToSign);
  added.authorization = formatAuthorization({
    accessKey: credentials.accessKey,
    signedHeaders: headers.signedHeaders,
    signature,
  });
  return { canonicalRequest, stringToSign, signature, headers: added };
}

/**
 * signHuaweiRequest returns the headers to add to req (lower-case names): `x-sdk-date`, `authorization`,
 * `host` unless req.headers has one, and `x-security-token` for temporary credentials. Send the host,
 * every header of req.headers and the body exactly as signed, and buildCanonicalQuery(req.query) as query.
 */
export function signHuaweiRequest(
  req: HuaweiSignableRequest,
  credentials: HuaweiCredentials,
  now: Date,
): Record<string, string> {
  return { ...traceHuaweiSigning(req, credentials, now).headers };
}

/**
 * isHuaweiSignedHeader says which headers huaweiSigner signs, after docs/clouds.md#huawei-cloud-signing: host, content-type
 * and every `x-*` one (X-Project-Id, X-Domain-Id, X-Sdk-Content-Sha256...). Accept, User-Agent and the
 * like travel unsigned, so that a proxy rewriting them cannot break the signature.
 */
export function isHuaweiSignedHeader(lowerCaseName: string): boolean {
  return lowerCaseName === 'host' || lowerCaseName === 'content-type' || lowerCaseName.startsWith('x-');
}

/**
 * huaweiSigner signs with an AK/SK (SDK-HMAC-SHA256) through signHuaweiRequest: the isHuaweiSignedHeader
 * headers, host from the origin, X-Sdk-Date from the attempt's time, X-Security-Token for temporary keys.
 */
export function huaweiSigner(credentials: HuaweiCredentials): RequestSigner {
  return {
    secrets: [credentials.secretKey, credentials.securityToken].filter(
      (v): v is string => v !== undefined && v !== '',
    ),
    sign: (req, ctx) => {
      const headers: Record<string, string> = {};
      for (const [name, value] of Object.entries(req.headers)) {
        if (isHuaweiSignedHeader(name)) headers[name] = value;
      }
      return signHuaweiRequest(
        {
          method: req.method,
          url: `${req.origin.origin}${req.pathname}`,
          query: req.query,
          headers,
          ...(req.body === undefined ? {} : { body: req.body }),
        },
        credentials,
        ctx.now,
      );
    },
  };
}

/** huaweiTokenSigner authenticates with an IAM token in X-Auth-Token (docs/clouds.md#iam-tokens): nothing is signed. */
export function huaweiTokenSigner(token: string): RequestSigner {
  return { secrets: token === '' ? [] : [token], sign: () => ({ 'x-auth-token': token }) };
}
