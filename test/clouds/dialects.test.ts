// Each cloud's dialect without a network: every error body shape of both clouds (as the clouds write
// them, and as the emulator writes them), XML and proxy pages, what counts as "missing", and the
// throttling answers.

import { describe, expect, it } from 'vitest';
import { alibabaDialect, alibabaErrorBody } from '../../src/clouds/alibabacloud/dialect.js';
import { huaweiDialect, huaweiErrorBodies } from '../../src/clouds/huaweicloud/dialect.js';

describe('Dialect.readErrorBody', () => {
  const readErrorBody = (body: unknown) => huaweiDialect.readErrorBody(body);

  it.each([
    [
      'APIGW flat',
      huaweiDialect,
      { error_code: 'APIGW.0308', error_msg: 'throttled', request_id: 'r1' },
      ['APIGW.0308', 'throttled', 'r1'],
    ],
    [
      'CCM flat',
      huaweiDialect,
      { error_code: 'PCA.00020001', error_msg: 'Incorrect parameter.' },
      ['PCA.00020001', 'Incorrect parameter.', undefined],
    ],
    [
      'KMS nested',
      huaweiDialect,
      { error: { error_code: 'KMS.1002', error_msg: 'Invalid grant ID.' } },
      ['KMS.1002', 'Invalid grant ID.', undefined],
    ],
    [
      'IAM nested',
      huaweiDialect,
      { error: { code: 401, message: 'The token must be updated.', title: 'Unauthorized' } },
      ['401', 'The token must be updated.', undefined],
    ],
    [
      'CCE',
      huaweiDialect,
      { errorMessage: 'The format of message is error', errorCode: 'CCE.01400001' },
      ['CCE.01400001', 'The format of message is error', undefined],
    ],
    [
      'Alibaba RPC',
      alibabaDialect,
      { RequestId: 'A1', HostId: 'h', Code: 'Certificate.NotFound', Message: 'gone', Recommend: 'x' },
      ['Certificate.NotFound', 'gone', 'A1'],
    ],
    [
      'Alibaba ROA',
      alibabaDialect,
      { code: 'ErrorClusterNotFound', message: 'no cluster', requestId: 'A2' },
      ['ErrorClusterNotFound', 'no cluster', 'A2'],
    ],
  ])('reads %s', (_name, dialect, body, [code, message, requestId]) => {
    expect(dialect.readErrorBody(body)).toEqual({ code, message, requestId });
    expect(dialect.readErrorBody(JSON.stringify(body))).toEqual({ code, message, requestId });
    expect(dialect.readErrorBody(Buffer.from(JSON.stringify(body)))).toEqual({ code, message, requestId });
  });

  it('reads Alibaba XML errors', () => {
    const xml =
      '<?xml version="1.0" encoding="UTF-8"?><Error><RequestId>X1</RequestId><HostId>h</HostId><Code>Throttling.User</Code><Message>flow control</Message></Error>';
    expect(alibabaDialect.readErrorBody(xml)).toEqual({
      code: 'Throttling.User',
      message: 'flow control',
      requestId: 'X1',
    });
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

describe('error bodies', () => {
  it('reads back every body the emulator writes', () => {
    expect(huaweiDialect.readErrorBody(huaweiErrorBodies.apigw('APIGW.0308', 'slow down', 'r1'))).toEqual({
      code: 'APIGW.0308',
      message: 'slow down',
      requestId: 'r1',
    });
    for (const write of [huaweiErrorBodies.cce, huaweiErrorBodies.ccm, huaweiErrorBodies.kms]) {
      expect(huaweiDialect.readErrorBody(JSON.stringify(write('PCA.00020001', 'm')))).toEqual({
        code: 'PCA.00020001',
        message: 'm',
        requestId: undefined,
      });
    }
    expect(alibabaDialect.readErrorBody(alibabaErrorBody('Certificate.NotFound', 'gone', 'A1', 'h'))).toEqual(
      {
        code: 'Certificate.NotFound',
        message: 'gone',
        requestId: 'A1',
      },
    );
  });
});

describe('Dialect.isMissing', () => {
  it.each([
    [huaweiDialect, 404, 'KMS.0404', true],
    [huaweiDialect, 404, 'PCA.00040001', true],
    [huaweiDialect, 404, 'CCE.01404001', true],
    // A 404 of a code rescind does not know is a failure, never "absent" (docs/clouds.md#error-codes).
    [huaweiDialect, 404, 'KMS.1002', false],
    [huaweiDialect, 404, 'IAM.0004', false],
    [huaweiDialect, 404, 'APIGW.0101', false],
    [huaweiDialect, 404, 'APIG.0101', false],
    [huaweiDialect, 404, undefined, false],
    [huaweiDialect, 400, 'KMS.1002', false],
    [alibabaDialect, 404, 'Certificate.NotFound', true],
    [alibabaDialect, 404, 'ErrorClusterNotFound', true],
    [alibabaDialect, 404, 'InvalidAccessKeyId.NotFound', false],
    [alibabaDialect, 404, 'InvalidAction.NotFound', false],
    [alibabaDialect, 404, 'Cluster.NotFound', false],
    [alibabaDialect, 404, 'KMS.0404', false],
    [alibabaDialect, 404, undefined, false],
    [alibabaDialect, 400, 'Certificate.NotFound', false],
  ])('%#: %s %i %s is missing: %s', (dialect, status, code, missing) => {
    expect(dialect.isMissing(status, code)).toBe(missing);
  });
});
