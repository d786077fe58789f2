// The error parser and classifier without a network: every body shape of both clouds, request ids from
// headers or bodies, throttling and retryability, Retry-After forms, and the error classes' contract.

import { describe, expect, it } from 'vitest';
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
  readErrorBody,
  ThrottledError,
  TimeoutError,
} from '../../src/http/errors.js';

const target = { cloud: 'huaweicloud', service: 'kms', operation: 'CancelGrant' } as const;

describe('readErrorBody', () => {
  it.each([
    [
      'APIGW flat',
      { error_code: 'APIGW.0308', error_msg: 'throttled', request_id: 'r1' },
      ['APIGW.0308', 'throttled', 'r1'],
    ],
    [
      'CCM flat',
      { error_code: 'PCA.00020001', error_msg: 'Incorrect parameter.' },
      ['PCA.00020001', 'Incorrect parameter.', undefined],
    ],
    [
      'KMS nested',
      { error: { error_code: 'KMS.1002', error_msg: 'Invalid grant ID.' } },
      ['KMS.1002', 'Invalid grant ID.', undefined],
    ],
    [
      'IAM nested',
      { error: { code: 401, message: 'The token must be updated.', title: 'Unauthorized' } },
      ['401', 'The token must be updated.', undefined],
    ],
    [
      'CCE',
      { errorMessage: 'The format of message is error', errorCode: 'CCE.01400001' },
      ['CCE.01400001', 'The format of message is error', undefined],
    ],
    [
      'Alibaba RPC',
      { RequestId: 'A1', HostId: 'h', Code: 'Certificate.NotFound', Message: 'gone', Recommend: 'x' },
      ['Certificate.NotFound', 'gone', 'A1'],
    ],
    [
      'Alibaba ROA',
      { code: 'ErrorClusterNotFound', message: 'no cluster', requestId: 'A2' },
      ['ErrorClusterNotFound', 'no cluster', 'A2'],
    ],
  ])('reads %s', (_name, body, [code, message, requestId]) => {
    expect(readErrorBody(body)).toEqual({ code, message, requestId });
    expect(readErrorBody(JSON.stringify(body))).toEqual({ code, message, requestId });
    expect(readErrorBody(Buffer.from(JSON.stringify(body)))).toEqual({ code, message, requestId });
  });

  it('reads Alibaba XML errors', () => {
    const xml =
      '<?xml version="1.0" encoding="UTF-8"?><Error><RequestId>X1</RequestId><HostId>h</HostId><Code>Throttling.User</Code><Message>flow control</Message></Error>';
    expect(readErrorBody(xml)).toEqual({ code: 'Throttling.User', message: 'flow control', requestId: 'X1' });
  });

  it('reads an HTML page by its title, else by its text', () => {
    expect(
      readErrorBody('<html><head><title>502 Bad Gateway</title></head><body>nginx</body></html>').message,
    ).toBe('502 Bad Gateway');
    expect(
      readErrorBody('<html><body><h1>Service  Unavailable</h1><script>x()</script></body></html>').message,
    ).toBe('Service Unavailable');
  });

  it('reads plain text, broken JSON and empty bodies', () => {
    expect(readErrorBody('upstream connect error')).toEqual({
      code: undefined,
      message: 'upstream connect error',
      requestId: undefined,
    });
    expect(readErrorBody('{"error_code": ').message).toBe('{"error_code":');
    expect(readErrorBody('')).toEqual({ code: undefined, message: undefined, requestId: undefined });
    expect(readErrorBody(undefined)).toEqual({ code: undefined, message: undefined, requestId: undefined });
    expect(readErrorBody([1, 2])).toEqual({ code: undefined, message: undefined, requestId: undefined });
  });

  it('cuts very long messages', () => {
    const message = readErrorBody({ error_code: 'X', error_msg: 'a'.repeat(5000) }).message ?? '';
    expect(message.length).toBe(500);
    expect(message.endsWith('…')).toBe(true);
  });
});

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
    const c = classifyAnswer({ status, body });
    expect([c.throttled, c.retryable]).toEqual([throttled, retryable]);
  });
});

describe('parseRetryAfter', () => {
  const now = Date.parse('2026-11-23T10:00:00Z');
  it('reads x-acs-retry-after as milliseconds', () => {
    expect(parseRetryAfter({ 'x-acs-retry-after': '1500' }, now)).toBe(1500);
    expect(parseRetryAfter({ 'X-Acs-Retry-After': '0' }, now)).toBe(0);
  });
  it('reads Retry-After as seconds or an HTTP date', () => {
    expect(parseRetryAfter({ 'retry-after': '3' }, now)).toBe(3000);
    expect(parseRetryAfter({ 'Retry-After': '0.5' }, now)).toBe(500);
    expect(parseRetryAfter({ 'retry-after': 'Mon, 23 Nov 2026 10:00:07 GMT' }, now)).toBe(7000);
    expect(parseRetryAfter({ 'retry-after': 'Mon, 23 Nov 2026 09:00:00 GMT' }, now)).toBe(0);
  });
  it('prefers x-acs-retry-after and ignores what does not parse', () => {
    expect(parseRetryAfter({ 'x-acs-retry-after': '250', 'retry-after': '9' }, now)).toBe(250);
    expect(parseRetryAfter({ 'retry-after': 'soon' }, now)).toBeUndefined();
    expect(parseRetryAfter({}, now)).toBeUndefined();
    expect(parseRetryAfter(undefined, now)).toBeUndefined();
  });
});

describe('parseCloudError', () => {
  it('takes the request id from the cloud header, then the body, then the other header', () => {
    const body = { error_code: 'KMS.1002', error_msg: 'm', request_id: 'from-body' };
    expect(
      parseCloudError({ cloud: 'huaweicloud', status: 400, headers: { 'X-Request-Id': 'hw' }, body })
        .requestId,
    ).toBe('hw');
    expect(parseCloudError({ cloud: 'huaweicloud', status: 400, headers: {}, body }).requestId).toBe(
      'from-body',
    );
    expect(
      parseCloudError({
        cloud: 'alibabacloud',
        status: 400,
        headers: { 'x-request-id': 'other' },
        body: { Code: 'X' },
      }).requestId,
    ).toBe('other');
  });

  it('builds a ThrottledError with the wait asked for', () => {
    const err = parseCloudError({
      cloud: 'alibabacloud',
      status: 400,
      headers: { 'x-acs-retry-after': '800', 'x-acs-request-id': 'R' },
      body: '{"Code":"Throttling.User","Message":"Request was denied due to user flow control."}',
      service: 'esa',
      operation: 'ListClientCertificates',
      attempts: 4,
    });
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
    const err = parseCloudError({
      cloud: 'huaweicloud',
      status: 401,
      body: { error_code: 'APIGW.0301', error_msg: 'bad token tok-SECRET-1 for x-auth-token: tok-SECRET-1' },
      secrets: ['tok-SECRET-1'],
    });
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
