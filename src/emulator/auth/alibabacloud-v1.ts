// Alibaba Cloud's RPC signature version 1.0 for the emulator: common parameters in the query
// (AccessKeyId, Signature, SignatureMethod HMAC-SHA1, SignatureNonce, Timestamp), the string to
// sign over every query and form parameter, as @alicloud/credentials (AssumeRole) and the
// `v2` RPC path of @alicloud/openapi-client sign. Refused with the same POP codes as ACS3.

import { createHmac } from 'node:crypto';
import { parseAcsDate } from '../../clouds/alibabacloud/sign.js';
import { percentEncode } from '../../clouds/canonical.js';
import { ALIBABA_MAX_SKEW_MS, type NonceCache } from './alibabacloud.js';
import { type AuthOutcome, equalConstantTime } from './request.js';

/** RpcParams are the parameters of an RPC request, query and form body together, by name. */
export type RpcParams = Readonly<Record<string, readonly string[]>>;

/** V1_COMMON_PARAMETERS are the common parameters of a signature-1.0 request, not the API's own. */
export const V1_COMMON_PARAMETERS: ReadonlySet<string> = new Set([
  'Action',
  'Version',
  'Format',
  'AccessKeyId',
  'Signature',
  'SignatureMethod',
  'SignatureVersion',
  'SignatureNonce',
  'SignatureType',
  'Timestamp',
  'SecurityToken',
]);

const answers = {
  IncompleteSignature: [400, 'The request signature does not conform to Aliyun standards.'],
  'InvalidTimeStamp.Format': [400, 'Specified time stamp or date value is not well formatted.'],
  'InvalidTimeStamp.Expired': [400, 'Specified time stamp or date value is expired.'],
  'InvalidAccessKeyId.NotFound': [404, 'Specified access key is not found.'],
  SignatureDoesNotMatch: [400, 'Specified signature is not matched with our calculation.'],
  SignatureNonceUsed: [400, 'Specified signature nonce was used already.'],
} as const;

function refuse(code: keyof typeof answers, detail?: string): AuthOutcome {
  const [status, message] = answers[code];
  return { ok: false, status, code, message: detail === undefined ? message : `${message} ${detail}` };
}

/** isV1Request tells a signature-1.0 request: no Authorization header and a Signature in the query. */
export function isV1Request(headers: Readonly<Record<string, string>>, rawQuery: string): boolean {
  return headers.authorization === undefined && /(^|&)Signature=/.test(rawQuery);
}

/**
 * checkV1Query is what the gateway checks of a signature-1.0 request before its body: each common
 * parameter present once in the query, HMAC-SHA1 and version 1.0, a well-formed Timestamp within
 * the skew of now, and a known AccessKeyId.
 */
export function checkV1Query(
  query: RpcParams,
  opts: { secretFor(accessKeyId: string): string | undefined; now: Date; maxSkewMs?: number },
): AuthOutcome {
  for (const name of ['AccessKeyId', 'Signature', 'SignatureMethod', 'SignatureNonce', 'Timestamp']) {
    const values = query[name];
    if (values === undefined) return refuse('IncompleteSignature', `The parameter ${name} is missing.`);
    if (values.length !== 1) return refuse('IncompleteSignature', `The parameter ${name} is given twice.`);
  }
  if (query.SignatureMethod?.[0] !== 'HMAC-SHA1') {
    return refuse('IncompleteSignature', 'SignatureMethod must be HMAC-SHA1.');
  }
  const version = query.SignatureVersion?.[0];
  if (version !== undefined && version !== '1.0') {
    return refuse('IncompleteSignature', 'SignatureVersion must be 1.0.');
  }
  const timestamp = query.Timestamp?.[0] ?? '';
  const signedAt = parseAcsDate(timestamp);
  if (signedAt === undefined) return refuse('InvalidTimeStamp.Format', `Timestamp: ${timestamp}`);
  const accessKeyId = query.AccessKeyId?.[0] ?? '';
  if (opts.secretFor(accessKeyId) === undefined) {
    return refuse('InvalidAccessKeyId.NotFound', `AccessKeyId: ${accessKeyId}`);
  }
  if (Math.abs(opts.now.getTime() - signedAt.getTime()) > (opts.maxSkewMs ?? ALIBABA_MAX_SKEW_MS)) {
    return refuse('InvalidTimeStamp.Expired', `Timestamp: ${timestamp}`);
  }
  return { ok: true, accessKey: accessKeyId };
}

/**
 * verifyV1Request checks the signature of a signature-1.0 request whose query passed checkV1Query:
 * Base64(HMAC-SHA1(secret + "&", METHOD&%2F&encode(sorted name=value pairs but Signature))) over
 * the query and form parameters together, compared in constant time; then the nonce must be new.
 */
export function verifyV1Request(
  method: string,
  query: RpcParams,
  params: RpcParams,
  opts: { secretFor(accessKeyId: string): string | undefined; now: Date; nonces: NonceCache },
): AuthOutcome {
  const checked = checkV1Query(query, opts);
  if (!checked.ok) return checked;
  const secret = opts.secretFor(checked.accessKey);
  if (secret === undefined) return refuse('SignatureDoesNotMatch');
  const stringToSign = v1StringToSign(method, params);
  const expected = createHmac('sha1', `${secret}&`).update(stringToSign).digest('base64');
  if (!equalConstantTime(expected, query.Signature?.[0] ?? '')) {
    return refuse('SignatureDoesNotMatch', `server string to sign is:${stringToSign}`);
  }
  if (opts.nonces.seen(query.SignatureNonce?.[0] ?? '', opts.now)) return refuse('SignatureNonceUsed');
  return checked;
}

/** v1StringToSign is the string a signature-1.0 request signs: every parameter but Signature, sorted. */
export function v1StringToSign(method: string, params: RpcParams): string {
  const pairs: string[] = [];
  for (const name of Object.keys(params).sort()) {
    if (name === 'Signature') continue;
    for (const value of params[name] ?? []) pairs.push(`${percentEncode(name)}=${percentEncode(value)}`);
  }
  return `${method}&${percentEncode('/')}&${percentEncode(pairs.join('&'))}`;
}

/**
 * mergeRpcParams joins the decoded query and a form body (application/x-www-form-urlencoded, where
 * `+` is a space): the parameters a signature-1.0 request signs and an RPC action reads.
 */
export function mergeRpcParams(
  query: RpcParams,
  body: Uint8Array,
  contentType: string | undefined,
): RpcParams {
  const merged: Record<string, string[]> = Object.create(null);
  for (const [name, values] of Object.entries(query)) merged[name] = [...values];
  if (body.length > 0 && (contentType ?? '').startsWith('application/x-www-form-urlencoded')) {
    for (const [name, value] of new URLSearchParams(Buffer.from(body).toString('utf8'))) {
      const values = merged[name];
      if (values === undefined) merged[name] = [value];
      else values.push(value);
    }
  }
  return merged;
}
