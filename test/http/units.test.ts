// The HTTP layer's pure parts: redaction, backoff and Retry-After delays, the token bucket, and what the
// sign interceptor reads from (and refuses in) a dispatch.

import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { TokenBucket } from '../../src/http/rate-limit.js';
import { REDACTED, redact, redactErrorChain, redactHeaders } from '../../src/http/redact.js';
import { backoffDelay, retryDelay } from '../../src/http/retry.js';
import { normalizeHeaders, signableRequest } from '../../src/http/sign.js';

describe('redact', () => {
  it('removes secret values, raw, URL-encoded and JSON-escaped', () => {
    const secret = 'a/b+c="d"';
    const text = `raw ${secret} url ${encodeURIComponent(secret)} json ${JSON.stringify({ s: secret })}`;
    const out = redact(text, [secret]);
    expect(out).not.toContain(secret);
    expect(out).not.toContain(encodeURIComponent(secret));
    expect(out).not.toContain('a/b+c=\\"d\\"');
    expect(out.match(/\[REDACTED\]/g)).toHaveLength(3);
  });

  it('removes a secret containing another whole', () => {
    expect(redact('key=abcdef', ['abc', 'abcdef'])).toBe(`key=${REDACTED}`);
  });

  it('ignores empty secrets', () => {
    expect(redact('nothing here', [''])).toBe('nothing here');
  });

  it('removes signatures and secret-bearing headers it was not told about', () => {
    const hw = 'Authorization: SDK-HMAC-SHA256 Access=AK1, SignedHeaders=host;x-sdk-date, Signature=0123abcd';
    expect(redact(hw)).toBe(
      `Authorization: SDK-HMAC-SHA256 Access=AK1, SignedHeaders=host;x-sdk-date, Signature=${REDACTED}`,
    );
    const ali = 'ACS3-HMAC-SHA256 Credential=AK2,SignedHeaders=host;x-acs-date,Signature=89ef';
    expect(redact(ali)).toBe(
      `ACS3-HMAC-SHA256 Credential=AK2,SignedHeaders=host;x-acs-date,Signature=${REDACTED}`,
    );
    expect(redact('X-Auth-Token: MIIEtoken x-security-token=zz "x-acs-security-token":"q/+="')).toBe(
      `X-Auth-Token: ${REDACTED} x-security-token=${REDACTED} "x-acs-security-token":"${REDACTED}"`,
    );
    expect(redact('authorization: Bearer abc.def')).toBe(`authorization: Bearer ${REDACTED}`);
    expect(redact('/?SecurityToken=abc&Signature=xyz&a=1')).toBe(
      `/?SecurityToken=${REDACTED}&Signature=${REDACTED}&a=1`,
    );
  });

  it('is idempotent', () => {
    const once = redact('x-auth-token: t Signature=s', ['t']);
    expect(redact(once, ['t'])).toBe(once);
  });

  it('redacts header maps', () => {
    expect(
      redactHeaders(
        {
          'X-Auth-Token': 'tok',
          authorization: 'SDK-HMAC-SHA256 Access=A, SignedHeaders=h, Signature=ff',
          'x-echo': ['sk-1', 'other'],
          absent: undefined,
        },
        ['sk-1'],
      ),
    ).toEqual({
      'x-auth-token': REDACTED,
      authorization: `SDK-HMAC-SHA256 Access=A, SignedHeaders=h, Signature=${REDACTED}`,
      'x-echo': `${REDACTED}, other`,
    });
  });

  it('rewrites an error chain in place', () => {
    const inner = new Error('inner sk-1');
    const outer = new Error('outer sk-1', { cause: inner });
    redactErrorChain(outer, ['sk-1']);
    expect([outer.message, inner.message]).toEqual([`outer ${REDACTED}`, `inner ${REDACTED}`]);
    expect(outer.stack).not.toContain('sk-1');
  });
});

describe('delays', () => {
  it('backs off exponentially with full jitter, capped', () => {
    const top = () => 0.999999;
    expect([1, 2, 3, 4, 5].map((n) => backoffDelay(n, 200, 1000, top))).toEqual([199, 399, 799, 999, 999]);
    expect(backoffDelay(3, 200, 1000, () => 0)).toBe(0);
    expect(backoffDelay(2, 200, 1000, () => 0.5)).toBe(200);
  });

  it('uses what the server asked for, capped, else the throttling or ordinary base', () => {
    const half = { random: () => 0.5 };
    expect(retryDelay(1, { throttled: true, retryAfterMs: 1500 }, half)).toBe(1500);
    expect(
      retryDelay(1, { throttled: true, retryAfterMs: 999_999 }, { ...half, maxRetryAfterMs: 60_000 }),
    ).toBe(60_000);
    expect(retryDelay(1, { throttled: true, retryAfterMs: undefined }, half)).toBe(500);
    expect(retryDelay(2, { throttled: false, retryAfterMs: undefined }, half)).toBe(200);
  });
});

describe('TokenBucket', () => {
  it('spaces requests at 1/rps after the burst', () => {
    const b = new TokenBucket(4, 2);
    expect([b.reserve(0), b.reserve(0), b.reserve(0), b.reserve(0)]).toEqual([0, 0, 250, 500]);
    // Idle time refills the bucket, up to the burst.
    expect([b.reserve(10_000), b.reserve(10_000), b.reserve(10_000)]).toEqual([0, 0, 250]);
  });

  it('refuses nonsense rates', () => {
    expect(() => new TokenBucket(0)).toThrow(RangeError);
    expect(() => new TokenBucket(1, 0)).toThrow(RangeError);
  });
});

describe('signable requests', () => {
  it('reads path, decoded query, lower-case headers and body', () => {
    const req = signableRequest({
      origin: 'https://cs.cn-hangzhou.aliyuncs.com',
      path: '/cluster/c1/user/u%201/permissions?Force=true&b=x%20y&b=z',
      method: 'DELETE',
      headers: { 'Content-Type': 'application/json', 'X-Acs-Foo': 'v' },
      body: '{}',
    });
    expect(req).toMatchObject({
      pathname: '/cluster/c1/user/u%201/permissions',
      rawQuery: 'Force=true&b=x%20y&b=z',
      query: { Force: ['true'], b: ['x y', 'z'] },
      headers: { 'content-type': 'application/json', 'x-acs-foo': 'v' },
      body: '{}',
    });
    expect(req.origin.host).toBe('cs.cn-hangzhou.aliyuncs.com');
  });

  it('refuses bodies that cannot be signed as sent', () => {
    expect(() =>
      signableRequest({ origin: 'https://x', path: '/', method: 'POST', body: Readable.from(['a']) }),
    ).toThrow(/must be a string or bytes/);
    expect(() => signableRequest({ origin: 'https://x', path: '/', method: 'GET', query: { a: 1 } })).toThrow(
      /query in path/,
    );
  });

  it('normalizes every undici header form', () => {
    expect(normalizeHeaders(['A', '1', 'b', '2'])).toEqual({ a: '1', b: '2' });
    expect(normalizeHeaders([['A', '1'] as [string, string]])).toEqual({ a: '1' });
    expect(normalizeHeaders(new Map([['A', ['1', '2']]]) as Iterable<[string, string[]]>)).toEqual({
      a: '1, 2',
    });
    expect(normalizeHeaders(null)).toEqual({});
  });
});
