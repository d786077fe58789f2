// The emulator's verifiers: every vector of signing-vectors.json, replayed as the SDK put it on the wire,
// is accepted at its own time; each tampered copy is refused with the cloud's code; X-Auth-Token, nonce
// replay and the date window behave; requests signed by our own signers verify.

import { describe, expect, it } from 'vitest';
import {
  buildCanonicalQuery as alibabaQuery,
  percentEncode,
  sha256Hex,
  signAlibabaRequest,
} from '../../src/clouds/alibabacloud/sign.js';
import {
  formatSdkDate,
  buildCanonicalQuery as huaweiQuery,
  parseSdkDate,
  signHuaweiRequest,
} from '../../src/clouds/huaweicloud/sign.js';
import {
  type AuthOutcome,
  NonceCache,
  type SignedRequest,
  verifyAlibabaRequest,
  verifyHuaweiRequest,
} from '../../src/emulator/auth/index.js';
import {
  type AlibabaVector,
  alibabaVectors,
  type HuaweiVector,
  huaweiVectors,
  type Wire,
} from '../helpers/signing-vectors.js';

const utf8 = new TextEncoder();
const FIFTEEN_MINUTES = 15 * 60 * 1000;

// fromWire is the request the emulator would receive: raw path and query split off the URL as sent.
function fromWire(wire: Wire): SignedRequest {
  const target = wire.url.slice(wire.url.indexOf('/', wire.url.indexOf('//') + 2));
  const q = target.indexOf('?');
  return {
    method: wire.method,
    path: q < 0 ? target : target.slice(0, q),
    query: q < 0 ? '' : target.slice(q + 1),
    headers: Object.fromEntries(Object.entries(wire.headers).map(([k, v]) => [k.toLowerCase(), v])),
    body: utf8.encode(wire.body ?? ''),
  };
}

function withHeader(req: SignedRequest, name: string, value: string | undefined): SignedRequest {
  const headers = { ...req.headers };
  if (value === undefined) delete headers[name];
  else headers[name] = value;
  return { ...req, headers };
}

function flipLastHex(text: string): string {
  return text.slice(0, -1) + (text.endsWith('0') ? '1' : '0');
}

// A changed query value, or a new parameter when there is no query.
function tamperQuery(query: string): string {
  if (query === '') return 'x=1';
  const [first = '', ...rest] = query.split('&');
  return [`${first}x`, ...rest].join('&');
}

// One byte flipped, or one byte added to an empty body.
function tamperBody(body: Uint8Array): Uint8Array {
  if (body.length === 0) return Uint8Array.of(0x20);
  const copy = Uint8Array.from(body);
  copy[0] = (copy[0] ?? 0) ^ 1;
  return copy;
}

function shiftSeconds(date: Date, seconds: number): Date {
  return new Date(date.getTime() + seconds * 1000);
}

type Refusal = Extract<AuthOutcome, { ok: false }>;

function expectRefused(outcome: AuthOutcome, code: string, status: number, message: RegExp): Refusal {
  expect(outcome).toMatchObject({ ok: false, code, status });
  if (outcome.ok) throw new Error('unreachable');
  expect(outcome.message).toMatch(message);
  return outcome;
}

describe('Huawei: verifyHuaweiRequest', () => {
  const vectors = huaweiVectors;
  const cases = vectors.map((v) => [v.id, v] as const);

  function setup(v: HuaweiVector) {
    const ak = v.input.access_key;
    const sk = v.input.secret_key;
    const now = new Date(v.input.clock_utc);
    const verify = (req: SignedRequest, over: Partial<Parameters<typeof verifyHuaweiRequest>[1]> = {}) => {
      const outcome = verifyHuaweiRequest(req, {
        secretFor: (k) => (k === ak ? sk : undefined),
        now,
        ...over,
      });
      if (!outcome.ok) {
        expect(outcome.message).not.toContain(sk);
        if (v.input.security_token !== null) expect(outcome.message).not.toContain(v.input.security_token);
      }
      return outcome;
    };
    return { ak, now, req: fromWire(v.wire), verify };
  }

  it('has vectors to replay', () => {
    expect(vectors.length).toBeGreaterThanOrEqual(7);
  });

  it.each(cases)('%s: accepted at the vector time', (_id, v) => {
    const { ak, req, verify } = setup(v);
    expect(verify(req)).toEqual({ ok: true, accessKey: ak });
  });

  const signatureFail = /^Incorrect IAM authentication information: verify aksk signature fail/;
  const tampers: [string, (r: SignedRequest) => SignedRequest][] = [
    ['method', (r) => ({ ...r, method: r.method === 'GET' ? 'POST' : 'GET' })],
    ['path', (r) => ({ ...r, path: `${r.path}x` })],
    ['query value', (r) => ({ ...r, query: tamperQuery(r.query) })],
    ['signed header value', (r) => withHeader(r, 'host', 'evil.example.com')],
    ['x-sdk-date by one second', (r) => withHeader(r, 'x-sdk-date', shiftedSdkDate(r, 1))],
    ['signature', (r) => withHeader(r, 'authorization', flipLastHex(r.headers.authorization ?? ''))],
  ];
  function shiftedSdkDate(r: SignedRequest, seconds: number): string {
    return formatSdkDate(
      shiftSeconds(parseSdkDate(r.headers['x-sdk-date'] ?? '') ?? new Date(Number.NaN), seconds),
    );
  }
  it.each(cases.flatMap(([id, v]) => tampers.map(([what, f]) => [id, what, v, f] as const)))(
    '%s: changed %s is refused',
    (_id, _what, v, tamper) => {
      const { req, verify } = setup(v);
      expectRefused(verify(tamper(req)), 'APIGW.0301', 401, signatureFail);
    },
  );

  it.each(cases)('%s: a changed body byte is refused unless the payload is UNSIGNED-PAYLOAD', (_id, v) => {
    const { ak, req, verify } = setup(v);
    const outcome = verify({ ...req, body: tamperBody(req.body) });
    if (req.headers['x-sdk-content-sha256'] === 'UNSIGNED-PAYLOAD') {
      expect(outcome).toEqual({ ok: true, accessKey: ak }); // the documented opt-out (Q3): body not signed
    } else {
      expectRefused(outcome, 'APIGW.0301', 401, signatureFail);
    }
  });

  it.each(cases)('%s: wrong secret, unknown AK, stale or future date are refused', (_id, v) => {
    const { ak, now, req, verify } = setup(v);
    expectRefused(verify(req, { secretFor: () => 'not-the-secret' }), 'APIGW.0301', 401, signatureFail);
    expectRefused(
      verify(req, { secretFor: () => undefined }),
      'APIGW.0301',
      401,
      new RegExp(`ak ${ak} not exist$`),
    );
    const expired = /signature expired, signature time:\d{8}T\d{6}Z,server time:\d{8}T\d{6}Z$/;
    expectRefused(verify(req, { now: shiftSeconds(now, 15 * 60 + 1) }), 'APIGW.0301', 401, expired);
    expectRefused(verify(req, { now: shiftSeconds(now, -15 * 60 - 1) }), 'APIGW.0301', 401, expired);
    expect(verify(req, { now: shiftSeconds(now, 15 * 60) }).ok).toBe(true);
    expectRefused(verify(req, { now: shiftSeconds(now, 61), maxSkewMs: 60_000 }), 'APIGW.0301', 401, expired);
  });

  it.each(cases)('%s: missing or malformed Authorization is refused', (_id, v) => {
    const { req, verify } = setup(v);
    const auth = req.headers.authorization ?? '';
    expectRefused(
      verify(withHeader(req, 'authorization', undefined)),
      'APIGW.0301',
      401,
      /x-auth-token not found$/,
    );
    for (const bad of [
      auth.replace('SDK-HMAC-SHA256', 'V11-HMAC-SHA256'),
      auth.replace(/, Signature=.*$/, ''),
      auth.replaceAll(', ', ' '),
      'Bearer abc',
    ]) {
      expectRefused(
        verify(withHeader(req, 'authorization', bad)),
        'APIGW.0301',
        401,
        /malformed Authorization/,
      );
    }
    const withoutDate = auth.replace(';x-sdk-date', '');
    expectRefused(
      verify(withHeader(req, 'authorization', withoutDate)),
      'APIGW.0301',
      401,
      /x-sdk-date is not in/,
    );
    expectRefused(
      verify(withHeader(req, 'x-sdk-date', undefined)),
      'APIGW.0301',
      401,
      /x-sdk-date not found/,
    );
    expectRefused(
      verify(withHeader(req, 'x-sdk-date', '2024-09-10T08:15:30Z')),
      'APIGW.0301',
      401,
      /invalid x-sdk-date/,
    );
    const unknownSigned = auth.replace('SignedHeaders=', 'SignedHeaders=accept-language;');
    expectRefused(
      verify(withHeader(req, 'authorization', unknownSigned)),
      'APIGW.0301',
      401,
      /"accept-language" not found/,
    );
  });

  it('never shows a security token in a refusal', () => {
    const v = vectors.find((x) => x.input.security_token !== null);
    if (v === undefined) throw new Error('no vector with a security token');
    const { req, verify } = setup(v);
    const refusal = expectRefused(
      verify(withHeader(req, 'authorization', flipLastHex(req.headers.authorization ?? ''))),
      'APIGW.0301',
      401,
      /\|x-security-token:\*\*\*\|/,
    );
    expect(refusal.message).toContain('|host:cce.cn-north-4.myhuaweicloud.com|');
  });

  describe('X-Auth-Token', () => {
    const v = vectors[0];
    if (v === undefined) throw new Error('no Huawei vector');
    const { ak, req, verify } = setup(v);
    const tokenOnly: SignedRequest = {
      ...req,
      headers: { host: req.headers.host ?? '', 'x-auth-token': 'MIIEhQYJKoZIhvcNAQcCoIIEdjCCBHICAQEx' },
    };

    it('is accepted when tokenValid says so, and the token is the identity', () => {
      expect(verify(tokenOnly, { tokenValid: (t) => t === 'MIIEhQYJKoZIhvcNAQcCoIIEdjCCBHICAQEx' })).toEqual({
        ok: true,
        accessKey: 'MIIEhQYJKoZIhvcNAQcCoIIEdjCCBHICAQEx',
      });
    });

    it('is refused when tokenValid says no or is not given, without showing the token', () => {
      for (const over of [{ tokenValid: () => false }, {}]) {
        const refusal = expectRefused(verify(tokenOnly, over), 'APIGW.0301', 401, /decrypt token fail$/);
        expect(refusal.message).not.toContain('MIIEhQ');
      }
      expectRefused(
        verify(withHeader(tokenOnly, 'x-auth-token', '')),
        'APIGW.0301',
        401,
        /x-auth-token not found$/,
      );
    });

    it('does not rescue a bad signature: with an Authorization header, AK/SK decides', () => {
      const both = withHeader(req, 'x-auth-token', 'MIIEhQYJKoZIhvcNAQcCoIIEdjCCBHICAQEx');
      expect(verify(both, { tokenValid: () => true })).toEqual({ ok: true, accessKey: ak });
      const badSignature = withHeader(both, 'authorization', flipLastHex(both.headers.authorization ?? ''));
      expectRefused(verify(badSignature, { tokenValid: () => true }), 'APIGW.0301', 401, signatureFail);
    });
  });
});

describe('Alibaba: verifyAlibabaRequest', () => {
  const vectors = alibabaVectors;
  const cases = vectors.map((v) => [v.id, v] as const);

  function setup(v: AlibabaVector) {
    const id = v.input.access_key_id;
    const secret = v.input.access_key_secret;
    const now = new Date(v.input.clock_utc);
    const verify = (req: SignedRequest, over: Partial<Parameters<typeof verifyAlibabaRequest>[1]> = {}) => {
      const outcome = verifyAlibabaRequest(req, {
        secretFor: (k) => (k === id ? secret : undefined),
        now,
        nonces: new NonceCache(2 * FIFTEEN_MINUTES),
        ...over,
      });
      if (!outcome.ok) {
        expect(outcome.message).not.toContain(secret);
        if (v.input.security_token !== null) expect(outcome.message).not.toContain(v.input.security_token);
      }
      return outcome;
    };
    return { id, now, req: fromWire(v.wire), verify };
  }

  it('has vectors to replay', () => {
    expect(vectors.length).toBeGreaterThanOrEqual(8);
  });

  it.each(cases)('%s: accepted at the vector time', (_id, v) => {
    const { id, req, verify } = setup(v);
    expect(verify(req)).toEqual({ ok: true, accessKey: id });
  });

  const mismatch =
    /^Specified signature is not matched with our calculation\. server string to sign is:ACS3-HMAC-SHA256\n[0-9a-f]{64}$/;
  const tampers: [string, (r: SignedRequest) => SignedRequest][] = [
    ['method', (r) => ({ ...r, method: r.method === 'GET' ? 'POST' : 'GET' })],
    ['path', (r) => ({ ...r, path: `${r.path}x` })],
    ['query value', (r) => ({ ...r, query: tamperQuery(r.query) })],
    ['host', (r) => withHeader(r, 'host', 'evil.example.com')],
    ['x-acs-action', (r) => withHeader(r, 'x-acs-action', 'DeleteEverything')],
    ['x-acs-date by one second', (r) => withHeader(r, 'x-acs-date', shiftedAcsDate(r, 1))],
    ['signature', (r) => withHeader(r, 'authorization', flipLastHex(r.headers.authorization ?? ''))],
    [
      'body and its x-acs-content-sha256',
      (r) => {
        const body = tamperBody(r.body);
        return withHeader({ ...r, body }, 'x-acs-content-sha256', sha256Hex(body));
      },
    ],
  ];
  function shiftedAcsDate(r: SignedRequest, seconds: number): string {
    return `${shiftSeconds(new Date(r.headers['x-acs-date'] ?? ''), seconds)
      .toISOString()
      .slice(0, 19)}Z`;
  }
  it.each(cases.flatMap(([id, v]) => tampers.map(([what, f]) => [id, what, v, f] as const)))(
    '%s: changed %s is refused',
    (_id, _what, v, tamper) => {
      const { req, verify } = setup(v);
      expectRefused(verify(tamper(req)), 'SignatureDoesNotMatch', 400, mismatch);
    },
  );

  it.each(cases)('%s: a changed body byte is refused by its hash', (_id, v) => {
    const { req, verify } = setup(v);
    expectRefused(
      verify({ ...req, body: tamperBody(req.body) }),
      'SignatureDoesNotMatch',
      400,
      /x-acs-content-sha256/,
    );
  });

  it.each(cases)('%s: wrong secret, unknown AccessKeyId, stale or future date are refused', (_id, v) => {
    const { id, now, req, verify } = setup(v);
    expectRefused(verify(req, { secretFor: () => 'not-the-secret' }), 'SignatureDoesNotMatch', 400, mismatch);
    const notFound = expectRefused(
      verify(req, { secretFor: () => undefined }),
      'InvalidAccessKeyId.NotFound',
      404,
      /not found/,
    );
    expect(notFound.message).toContain(id);
    const expired = /^Specified time stamp or date value is expired\./;
    expectRefused(
      verify(req, { now: shiftSeconds(now, 15 * 60 + 1) }),
      'InvalidTimeStamp.Expired',
      400,
      expired,
    );
    expectRefused(
      verify(req, { now: shiftSeconds(now, -15 * 60 - 1) }),
      'InvalidTimeStamp.Expired',
      400,
      expired,
    );
    expect(verify(req, { now: shiftSeconds(now, 15 * 60) }).ok).toBe(true);
    expectRefused(
      verify(req, { now: shiftSeconds(now, 61), maxSkewMs: 60_000 }),
      'InvalidTimeStamp.Expired',
      400,
      expired,
    );
    const badDate = withHeader(req, 'x-acs-date', '20240910T081530Z');
    expectRefused(verify(badDate), 'InvalidTimeStamp.Format', 400, /not well formatted/);
  });

  it.each(cases)('%s: a nonce is single-use, and only a verified request uses it up', (_id, v) => {
    const { id, req, verify } = setup(v);
    const nonces = new NonceCache(2 * FIFTEEN_MINUTES);
    const forged = withHeader(req, 'authorization', flipLastHex(req.headers.authorization ?? ''));
    expectRefused(verify(forged, { nonces }), 'SignatureDoesNotMatch', 400, mismatch);
    expect(verify(req, { nonces })).toEqual({ ok: true, accessKey: id });
    expectRefused(
      verify(req, { nonces }),
      'SignatureNonceUsed',
      400,
      /^Specified signature nonce was used already\.$/,
    );
  });

  it.each(cases)('%s: missing, malformed or incomplete signatures are refused', (_id, v) => {
    const { req, verify } = setup(v);
    const auth = req.headers.authorization ?? '';
    const incomplete = /^The request signature does not conform to Aliyun standards\./;
    expectRefused(verify(withHeader(req, 'authorization', undefined)), 'IncompleteSignature', 400, /missing/);
    for (const bad of [
      auth.replace('ACS3-HMAC-SHA256', 'ACS3-HMAC-SM3'),
      auth.replace(/,Signature=.*$/, ''),
      auth.replace('Credential=', 'AccessKeyId='),
      'acs id:c2lnbmF0dXJl',
    ]) {
      expectRefused(verify(withHeader(req, 'authorization', bad)), 'IncompleteSignature', 400, /malformed/);
    }
    for (const name of ['x-acs-date', 'x-acs-signature-nonce', 'x-acs-content-sha256']) {
      const refusal = expectRefused(
        verify(withHeader(req, name, undefined)),
        'IncompleteSignature',
        400,
        incomplete,
      );
      expect(refusal.message).toContain(name);
    }
    const unsigned = withHeader(req, 'x-acs-extra', '1');
    expectRefused(verify(unsigned), 'IncompleteSignature', 400, /x-acs-extra header is not in SignedHeaders/);
    const extraSigned = withHeader(
      req,
      'authorization',
      auth.replace('SignedHeaders=', 'SignedHeaders=accept;'),
    );
    expect(verify(extraSigned).ok).toBe(false);
    const phantom = withHeader(
      req,
      'authorization',
      auth.replace('SignedHeaders=', 'SignedHeaders=x-acs-phantom;'),
    );
    expectRefused(verify(phantom), 'IncompleteSignature', 400, /signed header x-acs-phantom is missing/);
  });
});

describe('NonceCache', () => {
  const t0 = new Date('2024-09-10T08:00:00Z');

  it('reports a nonce seen within the ttl, and forgets it after', () => {
    const cache = new NonceCache(1000);
    expect(cache.seen('a', t0)).toBe(false);
    expect(cache.seen('a', shiftSeconds(t0, 0.999))).toBe(true);
    expect(cache.seen('b', shiftSeconds(t0, 0.5))).toBe(false);
    expect(cache.seen('a', shiftSeconds(t0, 1))).toBe(false);
    expect(cache.seen('a', shiftSeconds(t0, 1.5))).toBe(true);
  });

  it('keeps only the nonces younger than the ttl', () => {
    const cache = new NonceCache(1000);
    for (let i = 0; i < 1000; i++) cache.seen(`n${i}`, t0);
    expect(cache.size).toBe(1000);
    cache.seen('late', shiftSeconds(t0, 1));
    expect(cache.size).toBe(1);
  });

  it('needs a positive ttl', () => {
    for (const ttl of [0, -1, Number.NaN]) expect(() => new NonceCache(ttl)).toThrow(RangeError);
  });
});

describe('requests signed by our own signers verify', () => {
  const now = new Date('2024-09-10T08:15:30Z');

  it('Huawei: query needing encoding, JSON body, temporary credentials, port in host', () => {
    const query = { name: "web server/测试*(1)!'~", ip_eq: ['192.168.0.20', '10.0.0.5'], limit: 25 };
    const body = utf8.encode('{"grant_id":"g-1"}');
    const headers = { 'content-type': 'application/json', 'x-project-id': 'p1' };
    const credentials = { accessKey: 'AK1', secretKey: 'SK1', securityToken: 'tok' };
    const url = 'http://127.0.0.1:9001/v1.0/p1/kms/revoke-grant';
    const added = signHuaweiRequest({ method: 'POST', url, query, headers, body }, credentials, now);
    const req: SignedRequest = {
      method: 'POST',
      path: '/v1.0/p1/kms/revoke-grant',
      query: huaweiQuery(query),
      headers: { ...headers, ...added },
      body,
    };
    const opts = { secretFor: (ak: string) => (ak === 'AK1' ? 'SK1' : undefined), now };
    expect(verifyHuaweiRequest(req, opts)).toEqual({ ok: true, accessKey: 'AK1' });
    expect(req.headers.host).toBe('127.0.0.1:9001');
    expect(
      verifyHuaweiRequest({ ...req, headers: { ...req.headers, 'x-security-token': 'other' } }, opts).ok,
    ).toBe(false);
  });

  it('Alibaba: ROA path parameter encoded, query, JSON body, STS', () => {
    const pathname = `/cluster/${percentEncode('c 1')}/user/${percentEncode('276823720454369876')}/permissions`;
    const query = { Force: true, Note: 'a+b/c==' };
    const body = utf8.encode('{"cluster_name":"集群"}');
    const headers = { 'content-type': 'application/json; charset=utf-8' };
    const credentials = { accessKeyId: 'STS.id', accessKeySecret: 'secret', securityToken: 'tok' };
    const added = signAlibabaRequest(
      {
        method: 'DELETE',
        host: '127.0.0.1:9002',
        pathname,
        action: 'CleanClusterUserPermissions',
        version: '2015-12-15',
        query,
        headers,
        body,
      },
      credentials,
      now,
    );
    const req: SignedRequest = {
      method: 'DELETE',
      path: pathname,
      query: alibabaQuery(query),
      headers: { ...headers, ...added },
      body,
    };
    const nonces = new NonceCache(2 * FIFTEEN_MINUTES);
    const opts = { secretFor: (k: string) => (k === 'STS.id' ? 'secret' : undefined), now, nonces };
    expect(verifyAlibabaRequest(req, opts)).toEqual({ ok: true, accessKey: 'STS.id' });
    expect(verifyAlibabaRequest(req, opts)).toMatchObject({ ok: false, code: 'SignatureNonceUsed' });
  });
});
