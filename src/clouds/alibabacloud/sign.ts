// Alibaba Cloud request signing V3 (ACS3-HMAC-SHA256), the same for RPC and ROA APIs, computed the way
// @alicloud/openapi-util getAuthorization does. Pure: clock, nonce and keys are arguments.
// The emulator's verifier (src/emulator/auth/alibabacloud.ts) reuses every canonicalisation step here.
// Also the RequestSigner the HTTP layer signs each attempt with.

import {
  buildCanonicalRequest,
  type CanonicalHeaders,
  EMPTY_BODY_SHA256,
  hmacSha256Hex,
  newNonce,
  parseAuthorizationFields,
  percentEncode,
  type SigningTrace,
  sha256Hex,
} from '../canonical.js';
import type { RequestSigner } from '../wire.js';

export { buildCanonicalRequest, type CanonicalHeaders, EMPTY_BODY_SHA256, percentEncode, sha256Hex };

/** ALIBABA_SIGNING_ALGORITHM is the first word of the Authorization header and line 1 of the string to sign. */
export const ALIBABA_SIGNING_ALGORITHM = 'ACS3-HMAC-SHA256';

/** AlibabaQueryValue is one query value; null and undefined are signed as `name=` (the SDK's reading). */
export type AlibabaQueryValue = string | number | boolean | null | undefined;

/**
 * AlibabaQuery maps a flat parameter name (`Tag.1.Key`, already flattened as OpenApiUtil.query does) to a
 * value. An array, which the SDK never produces, is signed as one `name=value` pair per value, sorted.
 */
export type AlibabaQuery = Readonly<Record<string, AlibabaQueryValue | readonly AlibabaQueryValue[]>>;

/** AlibabaCredentials are an AccessKey pair, or an STS AccessKeyId/secret with its security token. */
export interface AlibabaCredentials {
  readonly accessKeyId: string;
  readonly accessKeySecret: string;
  readonly securityToken?: string;
}

/**
 * AlibabaSignableRequest is a request about to be sent. pathname is `/` for RPC APIs and, for ROA, the
 * API path with each path parameter fully encoded by percentEncode, exactly as sent. headers are extra
 * headers to send (content-type when there is a body; any `x-acs-*` one is signed too); body is the
 * exact bytes sent (a string is sent as UTF-8).
 */
export interface AlibabaSignableRequest {
  readonly method: string;
  /** host is the endpoint host, with `:port` when the URL has one, e.g. `esa.cn-hangzhou.aliyuncs.com`. */
  readonly host: string;
  readonly pathname: string;
  /** action is the API name, e.g. `RevokeClientCertificate`, sent as x-acs-action. */
  readonly action: string;
  /** version is the API version, e.g. `2024-09-10`, sent as x-acs-version. */
  readonly version: string;
  readonly query?: AlibabaQuery;
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: Uint8Array | string;
}

/** AlibabaAuthorization is the content of an `ACS3-HMAC-SHA256` Authorization header. */
export interface AlibabaAuthorization {
  readonly accessKeyId: string;
  /** signedHeaders is the SignedHeaders field as sent, e.g. `host;x-acs-action;...`. */
  readonly signedHeaders: string;
  readonly signature: string;
}

/** formatAcsDate is the x-acs-date value of an instant: UTC `YYYY-MM-DDTHH:mm:ssZ`, milliseconds dropped. */
export function formatAcsDate(now: Date): string {
  return `${now.toISOString().slice(0, 19)}Z`;
}

/** parseAcsDate reads an x-acs-date value; undefined unless it is exactly `YYYY-MM-DDTHH:mm:ssZ` and a real date. */
export function parseAcsDate(value: string): Date | undefined {
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/.test(value)) return undefined;
  const date = new Date(value);
  return !Number.isNaN(date.getTime()) && formatAcsDate(date) === value ? date : undefined;
}

/**
 * buildCanonicalUri is the pathname as sent, with every `+` as `%20`, `*` as `%2A` and `%7E` as `~`
 * (openapi-core; openapi-util replaces only the first of each, docs/clouds.md#alibaba-cloud-signing). RPC APIs use `/`.
 */
export function buildCanonicalUri(pathname: string): string {
  if (pathname === '') return '/';
  return pathname.replaceAll('+', '%20').replaceAll('*', '%2A').replaceAll('%7E', '~');
}

/**
 * buildCanonicalQuery sorts names by code unit and joins `name=enc(value)` with `&`. Like the SDK the
 * name is not encoded (Alibaba parameter names are `[A-Za-z0-9.]`); an empty query gives ''.
 */
export function buildCanonicalQuery(query: AlibabaQuery): string {
  const pairs: string[] = [];
  for (const name of Object.keys(query).sort()) {
    const value = query[name];
    const values = (Array.isArray(value) ? value : [value]).map((v) => String(v ?? '')).sort();
    for (const v of values) pairs.push(`${name}=${percentEncode(v)}`);
  }
  return pairs.join('&');
}

/** isSignedHeaderName says whether the SDK signs a header: `host`, `content-type` and every `x-acs-*`. */
export function isSignedHeaderName(lowerCaseName: string): boolean {
  return lowerCaseName === 'host' || lowerCaseName === 'content-type' || lowerCaseName.startsWith('x-acs-');
}

/**
 * buildCanonicalHeaders keeps the headers whose lower-case name passes include (default: the SDK's set),
 * trims each value, merges names equal but for case (values sorted, joined with `,`), sorts by name and
 * emits `name:value\n` per header.
 */
export function buildCanonicalHeaders(
  headers: Readonly<Record<string, string>>,
  include: (lowerCaseName: string) => boolean = isSignedHeaderName,
): CanonicalHeaders {
  const byName = new Map<string, string[]>();
  for (const [name, value] of Object.entries(headers)) {
    const lower = name.toLowerCase();
    if (!include(lower)) continue;
    const values = byName.get(lower) ?? [];
    values.push(value.trim());
    byName.set(lower, values);
  }
  const names = [...byName.keys()].sort();
  return {
    block: names.map((n) => `${n}:${(byName.get(n) ?? []).sort().join(',')}\n`).join(''),
    signedHeaders: names.join(';'),
  };
}

/** buildStringToSign is `ACS3-HMAC-SHA256` and the hex SHA-256 of the canonical request, on two lines. */
export function buildStringToSign(canonicalRequest: string): string {
  return `${ALIBABA_SIGNING_ALGORITHM}\n${sha256Hex(canonicalRequest)}`;
}

/** computeSignature is the lower-hex HMAC-SHA256 of the string to sign, keyed by the secret itself. */
export function computeSignature(accessKeySecret: string, stringToSign: string): string {
  return hmacSha256Hex(accessKeySecret, stringToSign);
}

/** formatAuthorization is `ACS3-HMAC-SHA256 Credential=id,SignedHeaders=a;b,Signature=hex` (no spaces after commas). */
export function formatAuthorization(auth: AlibabaAuthorization): string {
  return `${ALIBABA_SIGNING_ALGORITHM} Credential=${auth.accessKeyId},SignedHeaders=${auth.signedHeaders},Signature=${auth.signature}`;
}

/**
 * parseAuthorization reads an Authorization header written by formatAuthorization, tolerating spaces
 * around the commas and any field order; undefined when the algorithm is not ACS3-HMAC-SHA256 or a field
 * is missing, empty or repeated.
 */
export function parseAuthorization(value: string): AlibabaAuthorization | undefined {
  const f = parseAuthorizationFields(value, ALIBABA_SIGNING_ALGORITHM, [
    'Credential',
    'SignedHeaders',
    'Signature',
  ]);
  return f && { accessKeyId: f.Credential, signedHeaders: f.SignedHeaders, signature: f.Signature };
}

/** AlibabaSigningTrace is everything signAlibabaRequest computed (canonical.ts SigningTrace). */
export type AlibabaSigningTrace = SigningTrace;

/**
 * traceAlibabaSigning signs like signAlibabaRequest and also returns the intermediate strings. Throws (a
 * caller bug) when req.headers already holds a header the signer sets.
 */
export function traceAlibabaSigning(
  req: AlibabaSignableRequest,
  credentials: AlibabaCredentials,
  now: Date,
  nonce: string,
): AlibabaSigningTrace {
  const payloadHash = sha256Hex(req.body ?? '');
  const added: Record<string, string> = {
    host: req.host,
    'x-acs-action': req.action,
    'x-acs-version': req.version,
    'x-acs-date': formatAcsDate(now),
    'x-acs-signature-nonce': nonce,
    'x-acs-content-sha256': payloadHash,
  };
  if (credentials.securityToken !== undefined) {
    // With STS the SDK also sends the AccessKeyId as a header; both are signed like any x-acs-*.
    added['x-acs-accesskey-id'] = credentials.accessKeyId;
    added['x-acs-security-token'] = credentials.securityToken;
  }
  const given = req.headers ?? {};
  for (const name of Object.keys(given)) {
    const lower = name.toLowerCase();
    if (lower === 'authorization' || Object.hasOwn(added, lower)) {
      throw new TypeError(`header "${name}" is set by the signer`);
    }
  }

  const headers = buildCanonicalHeaders(Object.assign({}, given, added));
  const canonicalRequest = buildCanonicalRequest({
    method: req.method,
    canonicalUri: buildCanonicalUri(req.pathname),
    canonicalQuery: buildCanonicalQuery(req.query ?? {}),
    headers,
    payloadHash,
  });
  const stringToSign = buildStringToSign(canonicalRequest);
  const signature = computeSignature(credentials.accessKeySecret, stringToSign);
  added.authorization = formatAuthorization({
    accessKeyId: credentials.accessKeyId,
    signedHeaders: headers.signedHeaders,
    signature,
  });
  return { canonicalRequest, stringToSign, signature, headers: added };
}

/**
 * signAlibabaRequest returns the headers to add to req (lower-case names): host, x-acs-action,
 * x-acs-version, x-acs-date, x-acs-signature-nonce, x-acs-content-sha256, authorization, and with STS
 * x-acs-accesskey-id and x-acs-security-token. now and nonce are injectable; every retry needs a fresh
 * nonce and date. Send req.pathname, buildCanonicalQuery(req.query) as the query, and the body unchanged.
 */
export function signAlibabaRequest(
  req: AlibabaSignableRequest,
  credentials: AlibabaCredentials,
  now: Date,
  nonce: string = newNonce(),
): Record<string, string> {
  return { ...traceAlibabaSigning(req, credentials, now, nonce).headers };
}

/**
 * alibabaSigner signs with an AccessKey (ACS3-HMAC-SHA256) through signAlibabaRequest, with the attempt's
 * nonce. The action is the call's operation and the version its apiVersion, which must be set (a
 * TypeError otherwise).
 */
export function alibabaSigner(credentials: AlibabaCredentials): RequestSigner {
  return {
    secrets: [credentials.accessKeySecret, credentials.securityToken].filter(
      (v): v is string => v !== undefined && v !== '',
    ),
    sign: (req, ctx) => {
      if (req.operation === undefined || req.apiVersion === undefined) {
        throw new TypeError(
          'an Alibaba Cloud request needs its operation and API version (apiVersion) to be signed',
        );
      }
      const { host, ...headers } = req.headers;
      return signAlibabaRequest(
        {
          method: req.method,
          host: host ?? req.origin.host,
          pathname: req.pathname === '' ? '/' : req.pathname,
          action: req.operation,
          version: req.apiVersion,
          query: req.query,
          headers,
          ...(req.body === undefined ? {} : { body: req.body }),
        },
        credentials,
        ctx.now,
        ctx.nonce,
      );
    },
  };
}
