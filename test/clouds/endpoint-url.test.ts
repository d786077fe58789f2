// The rule for which URLs may carry credentials and revocations, as the config check reads it
// (checkEndpointUrl) and as the HTTP client enforces it (assertSecureUrl).

import { describe, expect, it } from 'vitest';
import { checkEndpointUrl, isLoopbackHost } from '../../src/clouds/endpoint-url.js';
import { assertSecureUrl } from '../../src/http/client.js';
import { InsecureUrlError } from '../../src/http/errors.js';

describe('loopback rule', () => {
  it.each([
    ['localhost', true],
    ['LOCALHOST', true],
    ['127.0.0.1', true],
    ['127.255.3.4', true],
    ['[::1]', true],
    ['::1', true],
    ['10.0.0.1', false],
    ['128.0.0.1', false],
    ['127.example.com', false],
    ['localhost.example.com', false],
    ['[::2]', false],
  ])('%s is loopback: %s', (host, loopback) => {
    expect(isLoopbackHost(host)).toBe(loopback);
  });

  it('accepts https anywhere and http on loopback only', () => {
    expect(assertSecureUrl('https://kms.cn-north-4.myhuaweicloud.com/v1').host).toBe(
      'kms.cn-north-4.myhuaweicloud.com',
    );
    expect(assertSecureUrl('http://[::1]:8080/').port).toBe('8080');
    expect(() => assertSecureUrl('http://esa.cn-hangzhou.aliyuncs.com/')).toThrow(InsecureUrlError);
    expect(() => assertSecureUrl('ftp://127.0.0.1/')).toThrow(/unsupported protocol ftp:/);
    expect(() => assertSecureUrl('not a url')).toThrow(/not a valid URL/);
  });

  it('names the origin only, never credentials written into the URL', () => {
    const checked = checkEndpointUrl('https://AKID:s3cret@kms.example.com/');
    expect(checked).toEqual({ shown: 'https://kms.example.com', error: 'a URL must not hold credentials' });
    expect(() => assertSecureUrl('https://AKID:s3cret@kms.example.com/')).toThrow(
      'refusing https://kms.example.com: a URL must not hold credentials',
    );
  });
});
