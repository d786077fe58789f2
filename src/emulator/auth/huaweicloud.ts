// Huawei Cloud authentication for the emulator: an SDK-HMAC-SHA256 signature (AK/SK or temporary AK/SK)
// or an IAM token in X-Auth-Token, refused with API Gateway's own 401 APIGW.0301 answers.
// Canonicalisation is the signer's (src/clouds/huaweicloud/sign.ts); nothing is recomputed here.

import { decodeQuery } from '../../clouds/canonical.js';
import {
  buildCanonicalHeaders,
  buildCanonicalQuery,
  buildCanonicalRequest,
  buildCanonicalUri,
  buildPayloadHash,
  buildStringToSign,
  type CanonicalRequestParts,
  computeSignature,
  formatSdkDate,
  parseAuthorization,
  parseSdkDate,
  sha256Hex,
  UNSIGNED_PAYLOAD,
} from '../../clouds/huaweicloud/sign.js';
import { type AuthOutcome, equalConstantTime, header, type SignedRequest } from './request.js';

/** HUAWEI_MAX_SKEW_MS is APIG's window between X-Sdk-Date and server time: 15 minutes (docs/clouds.md#huawei-cloud-signing). */
export const HUAWEI_MAX_SKEW_MS = 15 * 60 * 1000;

/** HuaweiVerifyOptions: the emulator's key store, token check and clock. */
export interface HuaweiVerifyOptions {
  /** secretFor is the SK of an AK (permanent or temporary), undefined for an unknown AK. */
  secretFor(ak: string): string | undefined;
  /** tokenValid says whether an X-Auth-Token is accepted; without it every token is refused. */
  tokenValid?(token: string): boolean;
  now: Date;
  /** maxSkewMs is the largest accepted |now - X-Sdk-Date|; default HUAWEI_MAX_SKEW_MS. */
  maxSkewMs?: number;
}

// Every IAM authentication failure at APIG is HTTP 401, code APIGW.0301, "Incorrect IAM authentication
// information: <detail>". Documented details (signing guide FAQ, ocr_01_0063, real answers in issues):
// "verify aksk signature fail", "ak <AK> not exist", "decrypt token fail". The others are our wording;
// "x-auth-token not found" is what APIG answers a request without credentials. For an expired X-Sdk-Date
// Huawei's signing FAQ cites APIGW.0303 "signature expired, signature time:…,server time:…", but the FAQ shows that
// for App authentication, whose codes are all APIGW.0303; IAM AK/SK keeps APIGW.0301 with the same detail.
function refuse(detail: string): AuthOutcome {
  return {
    ok: false,
    status: 401,
    code: 'APIGW.0301',
    message: `Incorrect IAM authentication information: ${detail}`,
  };
}

// Values of these headers are credentials; a refusal shows them as '***'.
const redactedHeaders = new Set(['x-security-token', 'x-auth-token', 'authorization']);

/**
 * checkHuaweiHeaders is what APIG can check before the body arrives: an Authorization header that
 * parses, a signed X-Sdk-Date within maxSkewMs of now and a known AK; or, without Authorization, an
 * X-Auth-Token that tokenValid accepts. The emulator refuses a request that fails it without reading
 * its body. ok carries the AK (or the token).
 */
export function checkHuaweiHeaders(
  headers: Readonly<Record<string, string>>,
  opts: HuaweiVerifyOptions,
): AuthOutcome {
  const req = { headers };
  const authorization = header(req, 'authorization');
  if (authorization === undefined) {
    const token = header(req, 'x-auth-token');
    if (token === undefined || token === '') return refuse('x-auth-token not found');
    return opts.tokenValid?.(token) === true ? { ok: true, accessKey: token } : refuse('decrypt token fail');
  }
  const auth = parseAuthorization(authorization);
  if (auth === undefined) return refuse('malformed Authorization header');
  if (!auth.signedHeaders.split(';').includes('x-sdk-date'))
    return refuse('x-sdk-date is not in SignedHeaders');
  const sdkDate = header(req, 'x-sdk-date');
  if (sdkDate === undefined) return refuse('x-sdk-date not found');
  const signedAt = parseSdkDate(sdkDate);
  if (signedAt === undefined) return refuse(`invalid x-sdk-date ${sdkDate}, want YYYYMMDDTHHMMSSZ`);
  if (opts.secretFor(auth.accessKey) === undefined) return refuse(`ak ${auth.accessKey} not exist`);
  if (Math.abs(opts.now.getTime() - signedAt.getTime()) > (opts.maxSkewMs ?? HUAWEI_MAX_SKEW_MS)) {
    return refuse(`signature expired, signature time:${sdkDate},server time:${formatSdkDate(opts.now)}`);
  }
  return { ok: true, accessKey: auth.accessKey };
}

/**
 * verifyHuaweiRequest authenticates a request as APIG does: checkHuaweiHeaders, then, for an AK/SK
 * request, the signature equal (constant-time) to the one computed from the method, raw path, decoded
 * query, the signed headers and the body. An X-Sdk-Content-Sha256 header stands for the body's hash only
 * when it is signed: UNSIGNED-PAYLOAD (what the official SDK signs for a body that is not JSON) leaves
 * the body out of the signature, as at Huawei; any other value must be the body's SHA-256. Unsigned, it
 * is ignored and the body is hashed, so that it cannot vouch for a body it was not signed with. An
 * X-Security-Token is signed like any header but not checked.
 */
export function verifyHuaweiRequest(req: SignedRequest, opts: HuaweiVerifyOptions): AuthOutcome {
  const checked = checkHuaweiHeaders(req.headers, opts);
  const authorization = header(req, 'authorization');
  if (!checked.ok || authorization === undefined) return checked;
  const auth = parseAuthorization(authorization);
  const secret = auth === undefined ? undefined : opts.secretFor(auth.accessKey);
  const sdkDate = header(req, 'x-sdk-date');
  if (auth === undefined || secret === undefined || sdkDate === undefined)
    return refuse('verify aksk signature fail');

  const signed: Record<string, string> = {};
  for (const name of auth.signedHeaders.split(';')) {
    const value = header(req, name);
    if (value === undefined) return refuse(`verify aksk signature fail, signed header "${name}" not found`);
    signed[name] = value;
  }
  const claimed = signed['x-sdk-content-sha256'];
  if (
    claimed !== undefined &&
    claimed !== UNSIGNED_PAYLOAD &&
    !equalConstantTime(sha256Hex(req.body), claimed)
  ) {
    return refuse('verify aksk signature fail, x-sdk-content-sha256 is not the SHA-256 of the body');
  }
  const parts: CanonicalRequestParts = {
    method: req.method,
    canonicalUri: buildCanonicalUri(req.path),
    canonicalQuery: buildCanonicalQuery(decodeQuery(req.query)),
    headers: buildCanonicalHeaders(signed),
    // Only a signed X-Sdk-Content-Sha256 replaces the body's hash.
    payloadHash: buildPayloadHash(req.body, signed),
  };
  const expected = computeSignature(secret, buildStringToSign(sdkDate, buildCanonicalRequest(parts)));
  if (!equalConstantTime(expected, auth.signature)) {
    const shown = Object.fromEntries(
      Object.entries(signed).map(([n, v]) => [n, redactedHeaders.has(n) ? '***' : v]),
    );
    const canonical = buildCanonicalRequest({ ...parts, headers: buildCanonicalHeaders(shown) });
    return refuse(`verify aksk signature fail, canonicalRequest:${canonical.replaceAll('\n', '|')}`);
  }
  return { ok: true, accessKey: auth.accessKey };
}
