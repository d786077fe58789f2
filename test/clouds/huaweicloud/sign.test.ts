// The Huawei SDK-HMAC-SHA256 signer against every Huawei vector of signing-vectors.json (produced by the
// official Node SDK): canonical request, string to sign, signature and Authorization byte for byte,
// both step by step and through signHuaweiRequest; then the SDK quirks docs/clouds.md describes.

import { describe, expect, it } from 'vitest';
import { decodeQuery } from '../../../src/clouds/canonical.js';
import {
  buildCanonicalHeaders,
  buildCanonicalQuery,
  buildCanonicalRequest,
  buildCanonicalUri,
  buildPayloadHash,
  buildStringToSign,
  computeSignature,
  EMPTY_BODY_SHA256,
  formatAuthorization,
  formatSdkDate,
  isHuaweiSignedHeader,
  parseAuthorization,
  parseSdkDate,
  percentEncode,
  signHuaweiRequest,
  traceHuaweiSigning,
} from '../../../src/clouds/huaweicloud/sign.js';
import { huaweiVectors } from '../../helpers/signing-vectors.js';

const vectors = huaweiVectors;

function lowerCaseKeys(headers: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v]));
}

describe('Huawei vectors', () => {
  it('are present, including the published example', () => {
    expect(vectors.length).toBeGreaterThanOrEqual(7);
    const published = vectors.filter((v) => v.published_example !== undefined);
    expect(published.map((v) => v.id)).toContain('hw-01-doc-example-get-query');
    for (const v of published) expect(v.expected.signature).toBe(v.published_example?.signature);
  });

  it.each(vectors.map((v) => [v.id, v] as const))('%s: step by step', (_id, v) => {
    const url = new URL(v.signer_input.endpoint);
    const date = formatSdkDate(new Date(v.input.clock_utc));
    expect(date).toBe(v.expected.x_sdk_date);

    const headers = buildCanonicalHeaders({ ...v.signer_input.headers, host: url.host, 'x-sdk-date': date });
    expect(headers.signedHeaders).toBe(v.expected.signed_headers);
    const payloadHash = buildPayloadHash(v.wire.body ?? '', v.signer_input.headers);
    expect(payloadHash).toBe(v.expected.hashed_payload);

    const canonicalRequest = buildCanonicalRequest({
      method: v.signer_input.method,
      canonicalUri: buildCanonicalUri(url.pathname),
      canonicalQuery: buildCanonicalQuery(v.signer_input.queryParams),
      headers,
      payloadHash,
    });
    expect(canonicalRequest).toBe(v.expected.canonical_request);
    const stringToSign = buildStringToSign(date, canonicalRequest);
    expect(stringToSign).toBe(v.expected.string_to_sign);
    const signature = computeSignature(v.input.secret_key, stringToSign);
    expect(signature).toBe(v.expected.signature);
    const authorization = formatAuthorization({
      accessKey: v.input.access_key,
      signedHeaders: headers.signedHeaders,
      signature,
    });
    expect(authorization).toBe(v.expected.authorization);
    expect(parseAuthorization(authorization)).toEqual({
      accessKey: v.input.access_key,
      signedHeaders: v.expected.signed_headers,
      signature: v.expected.signature,
    });
  });

  it.each(vectors.map((v) => [v.id, v] as const))('%s: signHuaweiRequest', (_id, v) => {
    // The SDK puts X-Security-Token among the headers; our signer adds it from the credentials.
    const headers = Object.fromEntries(
      Object.entries(v.signer_input.headers).filter(([k]) => k.toLowerCase() !== 'x-security-token'),
    );
    const req = {
      method: v.signer_input.method,
      url: v.signer_input.endpoint,
      query: v.signer_input.queryParams,
      headers,
      ...(v.wire.body === null ? {} : { body: v.wire.body }),
    };
    const credentials = {
      accessKey: v.input.access_key,
      secretKey: v.input.secret_key,
      ...(v.input.security_token === null ? {} : { securityToken: v.input.security_token }),
    };
    const now = new Date(v.input.clock_utc);
    const trace = traceHuaweiSigning(req, credentials, now);
    expect(trace.canonicalRequest).toBe(v.expected.canonical_request);
    expect(trace.stringToSign).toBe(v.expected.string_to_sign);
    expect(trace.signature).toBe(v.expected.signature);

    // Every header the signer adds is on the SDK's wire with the same value, and nothing else is added.
    const added = signHuaweiRequest(req, credentials, now);
    expect(added).toEqual(trace.headers);
    const wire = lowerCaseKeys(v.wire.headers);
    for (const [name, value] of Object.entries(added)) expect([name, wire[name]]).toEqual([name, value]);
    const expectedNames = ['authorization', 'host', 'x-sdk-date'];
    if (v.input.security_token !== null) expectedNames.push('x-security-token');
    expect(Object.keys(added).sort()).toEqual(expectedNames);
  });
});

describe('percentEncode', () => {
  it('keeps exactly the RFC 3986 unreserved set (docs/clouds.md#huawei-cloud-signing, observed SDK output)', () => {
    expect(percentEncode('AZaz09-._~ !"#$%&\'()*+,/:;<=>?@[\\]^`{|}测é😀')).toBe(
      'AZaz09-._~%20%21%22%23%24%25%26%27%28%29%2A%2B%2C%2F%3A%3B%3C%3D%3E%3F%40%5B%5C%5D%5E%60%7B%7C%7D%E6%B5%8B%C3%A9%F0%9F%98%80',
    );
  });
});

describe('buildCanonicalUri', () => {
  it('always ends with a slash', () => {
    expect(buildCanonicalUri('/v1/p/vpcs')).toBe('/v1/p/vpcs/');
    expect(buildCanonicalUri('/v1/p/vpcs/')).toBe('/v1/p/vpcs/');
    expect(buildCanonicalUri('/')).toBe('/');
    expect(buildCanonicalUri('')).toBe('/');
  });

  it('encodes the path as sent once more, as the SDK does (Q4)', () => {
    expect(buildCanonicalUri(new URL('https://h/v1/a b/c').pathname)).toBe('/v1/a%2520b/c/');
    expect(buildCanonicalUri('/v1/a+b/c')).toBe('/v1/a%2Bb/c/');
  });
});

describe('buildCanonicalQuery', () => {
  it('sorts names by code unit and the values of an array, and stringifies numbers and booleans', () => {
    expect(buildCanonicalQuery({ b: ['z', 'a', 10, 9], B: true, a: 25 })).toBe(
      'B=true&a=25&b=10&b=9&b=a&b=z',
    );
  });

  it('emits an empty value as name= and an empty query as the empty string', () => {
    expect(buildCanonicalQuery({ marker: '' })).toBe('marker=');
    expect(buildCanonicalQuery({})).toBe('');
  });

  it('encodes names too', () => {
    expect(buildCanonicalQuery({ 'a b': 'c&d' })).toBe('a%20b=c%26d');
  });
});

describe('buildCanonicalHeaders', () => {
  it('lower-cases and sorts names by code unit and keeps values untrimmed (Q7)', () => {
    expect(buildCanonicalHeaders({ 'X-B': ' v ', 'x-a': '1', Host: 'h' })).toEqual({
      block: 'host:h\nx-a:1\nx-b: v \n',
      signedHeaders: 'host;x-a;x-b',
    });
  });

  it('refuses two names equal but for case', () => {
    expect(() => buildCanonicalHeaders({ 'X-A': '1', 'x-a': '2' })).toThrow(/x-a/);
  });
});

describe('buildPayloadHash', () => {
  it('hashes the body bytes, and a string as UTF-8', () => {
    expect(buildPayloadHash('', {})).toBe(EMPTY_BODY_SHA256);
    expect(buildPayloadHash('{}', {})).toBe(
      '44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a',
    );
    expect(buildPayloadHash(new TextEncoder().encode('测'), {})).toBe(buildPayloadHash('测', {}));
  });

  it('uses X-Sdk-Content-Sha256 literally, whatever the case of its name', () => {
    expect(buildPayloadHash('body', { 'X-Sdk-Content-Sha256': 'UNSIGNED-PAYLOAD' })).toBe('UNSIGNED-PAYLOAD');
  });
});

describe('X-Sdk-Date', () => {
  it('drops milliseconds and is UTC', () => {
    expect(formatSdkDate(new Date('2019-11-15T03:36:55.999Z'))).toBe('20191115T033655Z');
  });

  it('parses its own format only', () => {
    expect(parseSdkDate('20191115T033655Z')?.toISOString()).toBe('2019-11-15T03:36:55.000Z');
    for (const bad of [
      '2019-11-15T03:36:55Z',
      '20191115T033655',
      '20191332T033655Z',
      '20190229T000000Z',
      '',
    ]) {
      expect(parseSdkDate(bad)).toBeUndefined();
    }
  });
});

describe('parseAuthorization', () => {
  it('accepts the fields in any order, with or without spaces after the commas', () => {
    expect(
      parseAuthorization('SDK-HMAC-SHA256 Signature=ab,Access=AK ,SignedHeaders=host;x-sdk-date'),
    ).toEqual({
      accessKey: 'AK',
      signedHeaders: 'host;x-sdk-date',
      signature: 'ab',
    });
  });

  it('refuses another algorithm, a missing, empty, repeated or unknown field', () => {
    for (const bad of [
      'V11-HMAC-SHA256 Access=AK, SignedHeaders=host, Signature=ab',
      'SDK-HMAC-SHA256 Access=AK, SignedHeaders=host',
      'SDK-HMAC-SHA256 Access=, SignedHeaders=host, Signature=ab',
      'SDK-HMAC-SHA256 Access=AK, Access=AK, SignedHeaders=host, Signature=ab',
      'SDK-HMAC-SHA256 Access=AK, SignedHeaders=host, Signature=ab, Extra=1',
      'SDK-HMAC-SHA256 Access=AK SignedHeaders=host Signature=ab',
      '',
    ]) {
      expect(parseAuthorization(bad)).toBeUndefined();
    }
  });
});

describe('signHuaweiRequest', () => {
  const credentials = { accessKey: 'AK', secretKey: 'SK' };
  const now = new Date('2024-09-10T08:15:30Z');

  it('signs the URL host with its port, unless the request names a host', () => {
    const withPort = traceHuaweiSigning(
      { method: 'get', url: 'http://127.0.0.1:8443/v1/x' },
      credentials,
      now,
    );
    expect(withPort.headers.host).toBe('127.0.0.1:8443');
    expect(withPort.canonicalRequest.split('\n').slice(0, 4)).toEqual([
      'GET',
      '/v1/x/',
      '',
      'host:127.0.0.1:8443',
    ]);

    const named = traceHuaweiSigning(
      { method: 'GET', url: 'http://127.0.0.1:8443/v1/x', headers: { Host: 'kms.example.com' } },
      credentials,
      now,
    );
    expect(named.headers.host).toBeUndefined();
    expect(named.canonicalRequest).toContain('\nhost:kms.example.com\n');
  });

  it('ignores a query in the URL: the query argument is what is signed', () => {
    const a = signHuaweiRequest(
      { method: 'GET', url: 'https://h/v1?limit=1', query: { limit: 2 } },
      credentials,
      now,
    );
    const b = signHuaweiRequest(
      { method: 'GET', url: 'https://h/v1', query: { limit: 2 } },
      credentials,
      now,
    );
    expect(a).toEqual(b);
  });

  it('refuses headers it sets itself', () => {
    for (const name of ['X-Sdk-Date', 'Authorization']) {
      expect(() =>
        signHuaweiRequest({ method: 'GET', url: 'https://h/', headers: { [name]: 'x' } }, credentials, now),
      ).toThrow(name);
    }
    expect(() =>
      signHuaweiRequest(
        { method: 'GET', url: 'https://h/', headers: { 'X-Security-Token': 't' } },
        { ...credentials, securityToken: 't' },
        now,
      ),
    ).toThrow('X-Security-Token');
  });

  it('signs a security token header given without a token in the credentials like any header', () => {
    const trace = traceHuaweiSigning(
      { method: 'GET', url: 'https://h/', headers: { 'X-Security-Token': 't' } },
      credentials,
      now,
    );
    expect(trace.headers['x-security-token']).toBeUndefined();
    expect(trace.headers.authorization).toContain('SignedHeaders=host;x-sdk-date;x-security-token,');
  });
});

describe('what the signer reads', () => {
  it('decodes queries as the gateways do', () => {
    expect(decodeQuery('a=1&a=2&b&c=%2F%zz')).toEqual({ a: ['1', '2'], b: [''], c: ['%2F%zz'] });
    expect(decodeQuery('c=%2F')).toEqual({ c: ['/'] });
  });

  it('signs Huawei host, content-type and x-* headers only', () => {
    expect(['host', 'content-type', 'x-project-id', 'x-sdk-content-sha256'].every(isHuaweiSignedHeader)).toBe(
      true,
    );
    expect(['accept', 'user-agent', 'content-length'].some(isHuaweiSignedHeader)).toBe(false);
  });
});
