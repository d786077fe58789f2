// The error parser and classifier without a network: request ids from headers or bodies, throttling and
// retryability in each cloud's dialect, Retry-After forms, and the error classes' contract.

import { describe, expect, it } from 'vitest';
import { alibabaDialect } from '../../src/clouds/alibabacloud/dialect.js';
import { huaweiDialect } from '../../src/clouds/huaweicloud/dialect.js';
import {
  AbortedError,
  CloudError,
  classifyAnswer,
  InsecureUrlError,
  isRetryableNetworkError,
  NetworkError,
  networkFailure,
  parseCloudError,
  parseRetryAfter,
  RescindError,
  ThrottledError,
  TimeoutError,
} from '../../src/http/errors.js';

const target = { cloud: 'huaweicloud', service: 'kms', operation: 'CancelGrant' } as const;

describe('classifyAnswer', () => {
  it.each([
    [429, { error_code: 'APIGW.0308', error_msg: 'x' }, true, true],
    [429, { error_code: 'APIG.0308', error_msg: 'x' }, true, true],
    [403, { error_code: 'APIGW.0308', error_msg: 'x' }, true, true],
    [400, { Code: 'Throttling', Message: 'x' }, true, true],
    [400, { Code: 'Throttling.User', Message: 'x' }, true, true],
    [400, { Code: 'Throttling.Api', Message: 'x' }, true, true],
    [429, { Code: 'Rejected.Throttling', Message: 'x' }, true, true],
    [429, '', true, true],
    [500, { error: { error_code: 'KMS.0501', error_msg: 'x' } }, false, true],
    [503, '<html><title>503</title></html>', false, true],
    [400, { Code: 'ServiceUnavailable', Message: 'x' }, false, true],
    [501, { Code: 'NotImplemented', Message: 'x' }, false, false],
    [400, { Code: 'Certificate.StatusError', Message: 'x' }, false, false],
    [401, { error_code: 'APIGW.0301', error_msg: 'x' }, false, false],
    [404, { Code: 'Certificate.NotFound', Message: 'x' }, false, false],
    [409, { error_code: 'PCA.10010002', error_msg: 'x' }, false, false],
  ])('status %i %j: throttled %s, retryable %s', (status, body, throttled, retryable) => {
    // Each row in the dialect of the cloud whose body it is; a body of neither in both.
    const text = JSON.stringify(body);
    const dialects = /error_code|"error"/.test(text)
      ? [huaweiDialect]
      : /"Code"/.test(text)
        ? [alibabaDialect]
        : [huaweiDialect, alibabaDialect];
    for (const dialect of dialects) {
      const c = classifyAnswer({ status, body }, dialect);
      expect([c.throttled, c.retryable]).toEqual([throttled, retryable]);
    }
  });

  it("does not take one cloud's codes for the other's", () => {
    expect(classifyAnswer({ status: 400, body: { Code: 'Throttling.User' } }, huaweiDialect).throttled).toBe(
      false,
    );
    expect(
      classifyAnswer({ status: 403, body: { error_code: 'APIGW.0308' } }, alibabaDialect).throttled,
    ).toBe(false);
  });
});

describe('parseRetryAfter', () => {
  const now = Date.parse('2026-11-23T10:00:00Z');
  it('reads x-acs-retry-after as milliseconds', () => {
    expect(parseRetryAfter({ 'x-acs-retry-after': '1500' }, alibabaDialect, now)).toBe(1500);
    expect(parseRetryAfter({ 'X-Acs-Retry-After': '0' }, alibabaDialect, now)).toBe(0);
  });
  it('reads Retry-After as seconds or an HTTP date', () => {
    expect(parseRetryAfter({ 'retry-after': '3' }, huaweiDialect, now)).toBe(3000);
    expect(parseRetryAfter({ 'Retry-After': '0.5' }, huaweiDialect, now)).toBe(500);
    expect(parseRetryAfter({ 'retry-after': 'Mon, 23 Nov 2026 10:00:07 GMT' }, huaweiDialect, now)).toBe(
      7000,
    );
    expect(parseRetryAfter({ 'retry-after': 'Mon, 23 Nov 2026 09:00:00 GMT' }, huaweiDialect, now)).toBe(0);
  });
  it('reads x-acs-retry-after only in the Alibaba dialect', () => {
    expect(parseRetryAfter({ 'x-acs-retry-after': '1500' }, huaweiDialect, now)).toBeUndefined();
  });
  it('prefers x-acs-retry-after and ignores what does not parse', () => {
    expect(parseRetryAfter({ 'x-acs-retry-after': '250', 'retry-after': '9' }, alibabaDialect, now)).toBe(
      250,
    );
    expect(parseRetryAfter({ 'retry-after': 'soon' }, huaweiDialect, now)).toBeUndefined();
    expect(parseRetryAfter({}, huaweiDialect, now)).toBeUndefined();
    expect(parseRetryAfter(undefined, huaweiDialect, now)).toBeUndefined();
  });
});

describe('parseCloudError', () => {
  it("takes the request id from the cloud's header, then the body, never from the other cloud's", () => {
    const body = { error_code: 'KMS.1002', error_msg: 'm', request_id: 'from-body' };
    expect(
      parseCloudError({ status: 400, headers: { 'X-Request-Id': 'hw' }, body }, huaweiDialect).requestId,
    ).toBe('hw');
    expect(parseCloudError({ status: 400, headers: {}, body }, huaweiDialect).requestId).toBe('from-body');
    expect(
      parseCloudError(
        { status: 400, headers: { 'x-request-id': 'other' }, body: { Code: 'X' } },
        alibabaDialect,
      ).requestId,
    ).toBeUndefined();
  });

  it('builds a ThrottledError with the wait asked for', () => {
    const err = parseCloudError(
      {
        status: 400,
        headers: { 'x-acs-retry-after': '800', 'x-acs-request-id': 'R' },
        body: '{"Code":"Throttling.User","Message":"Request was denied due to user flow control."}',
        service: 'esa',
        operation: 'ListClientCertificates',
        attempts: 4,
      },
      alibabaDialect,
    );
    expect(err).toBeInstanceOf(ThrottledError);
    expect(err).toBeInstanceOf(CloudError);
    expect(err).toBeInstanceOf(RescindError);
    expect(err).toMatchObject({
      name: 'ThrottledError',
      code: 'RESCIND_THROTTLED',
      throttled: true,
      retryable: true,
      retryAfterMs: 800,
      attempts: 4,
    });
    expect(err.message).toBe(
      'alibabacloud esa ListClientCertificates: HTTP 400 Throttling.User: Request was denied due to user flow control. (request id R, 4 attempts)',
    );
  });

  it('redacts secrets from the message and cloudMessage', () => {
    const err = parseCloudError(
      {
        status: 401,
        body: {
          error_code: 'APIGW.0301',
          error_msg: 'bad token tok-SECRET-1 for x-auth-token: tok-SECRET-1',
        },
        secrets: ['tok-SECRET-1'],
      },
      huaweiDialect,
    );
    expect(err.message).not.toContain('tok-SECRET-1');
    expect(err.cloudMessage).toBe('bad token [REDACTED] for x-auth-token: [REDACTED]');
  });
});

describe('network failures', () => {
  it('tells retryable network errors by code, also on the cause chain', () => {
    expect(isRetryableNetworkError(Object.assign(new Error('x'), { code: 'ECONNRESET' }))).toBe(true);
    expect(isRetryableNetworkError(Object.assign(new Error('x'), { code: 'UND_ERR_SOCKET' }))).toBe(true);
    expect(
      isRetryableNetworkError(
        new TypeError('x', { cause: Object.assign(new Error('y'), { code: 'EPIPE' }) }),
      ),
    ).toBe(true);
    expect(isRetryableNetworkError(Object.assign(new Error('x'), { code: 'ENOTFOUND' }))).toBe(false);
    expect(isRetryableNetworkError(new TypeError('bug'))).toBe(false);
  });

  it('maps codes to NetworkError or TimeoutError, and leaves bugs alone', () => {
    const reset = networkFailure(
      Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' }),
      target,
      { attempts: 3 },
    );
    expect(reset).toBeInstanceOf(NetworkError);
    expect(reset?.message).toBe(
      'huaweicloud kms CancelGrant: network error ECONNRESET: read ECONNRESET (3 attempts)',
    );
    const dns = networkFailure(
      Object.assign(new Error('getaddrinfo ENOTFOUND x'), { code: 'ENOTFOUND' }),
      target,
    );
    expect(dns).toMatchObject({ retryable: false, networkCode: 'ENOTFOUND' });
    const slow = networkFailure(
      Object.assign(new Error('Headers Timeout Error'), { code: 'UND_ERR_HEADERS_TIMEOUT' }),
      target,
      {
        timeouts: { headers: 30_000 },
      },
    );
    expect(slow).toBeInstanceOf(TimeoutError);
    expect(slow?.message).toBe('huaweicloud kms CancelGrant: waiting for the answer timed out after 30000ms');
    expect(networkFailure(new TypeError('bug'), target)).toBeUndefined();
  });
});

describe('error classes', () => {
  it('carry a name, a stable code and their cause', () => {
    const cause = new Error('why');
    const errors: RescindError[] = [
      new RescindError('m', { cause }),
      new AbortedError(target, cause),
      new TimeoutError({ ...target, phase: 'call', timeoutMs: 5, cause }),
      new NetworkError({ ...target, networkCode: 'ECONNRESET', retryable: true, cause }),
      new InsecureUrlError('http://x', 'no'),
    ];
    expect(errors.map((e) => [e.name, e.code])).toEqual([
      ['RescindError', 'RESCIND_ERROR'],
      ['AbortedError', 'RESCIND_ABORTED'],
      ['TimeoutError', 'RESCIND_TIMEOUT'],
      ['NetworkError', 'RESCIND_NETWORK_ERROR'],
      ['InsecureUrlError', 'RESCIND_INSECURE_URL'],
    ]);
    expect(errors.slice(0, 4).every((e) => e.cause === cause)).toBe(true);
    expect(errors.every((e) => e instanceof Error && e instanceof RescindError)).toBe(true);
    expect(String(errors[1])).toBe('AbortedError: huaweicloud kms CancelGrant: aborted');
  });
});
