// The Alibaba ACS3-HMAC-SHA256 signer against every Alibaba vector of signing-vectors.json (produced by
// @alicloud/openapi-client and cross-checked with openapi-core): canonical request, string to sign,
// signature and Authorization byte for byte, step by step and through signAlibabaRequest; then the quirks.

import { describe, expect, it } from 'vitest';
import {
  buildCanonicalHeaders,
  buildCanonicalQuery,
  buildCanonicalRequest,
  buildCanonicalUri,
  buildStringToSign,
  computeSignature,
  EMPTY_BODY_SHA256,
  formatAcsDate,
  formatAuthorization,
  parseAcsDate,
  parseAuthorization,
  percentEncode,
  sha256Hex,
  signAlibabaRequest,
  traceAlibabaSigning,
} from '../../../src/clouds/alibabacloud/sign.js';
import { newNonce } from '../../../src/clouds/canonical.js';
import { alibabaVectors } from '../../helpers/signing-vectors.js';

const vectors = alibabaVectors;

// Headers signAlibabaRequest sets itself; the rest of the SDK's headers are passed in as request headers.
const signerOwned = new Set([
  'host',
  'x-acs-action',
  'x-acs-version',
  'x-acs-date',
  'x-acs-signature-nonce',
  'x-acs-content-sha256',
  'x-acs-accesskey-id',
  'x-acs-security-token',
]);

describe('Alibaba vectors', () => {
  it('are present, including the published example, and agree with the other runtimes', () => {
    expect(vectors.length).toBeGreaterThanOrEqual(8);
    const published = vectors.filter((v) => v.published_example !== undefined);
    expect(published.map((v) => v.id)).toContain('ali-00-doc-example-rpc-post');
    for (const v of published) expect(v.expected.signature).toBe(v.published_example?.signature);
    for (const v of vectors) {
      for (const check of v.cross_checks ?? []) expect(check.authorization).toBe(v.expected.authorization);
    }
  });

  it.each(vectors.map((v) => [v.id, v] as const))('%s: step by step', (_id, v) => {
    const now = new Date(v.input.clock_utc);
    expect(formatAcsDate(now)).toBe(v.expected.x_acs_date);
    expect(sha256Hex(v.wire.body ?? '')).toBe(v.expected.x_acs_content_sha256);
    expect(v.signer_input.hashedRequestPayload).toBe(v.expected.x_acs_content_sha256);

    // signer_input.headers also holds user-agent and accept, which are not signed.
    const headers = buildCanonicalHeaders(v.signer_input.headers);
    expect(headers.signedHeaders).toBe(v.expected.signed_headers);
    const canonicalRequest = buildCanonicalRequest({
      method: v.signer_input.method,
      canonicalUri: buildCanonicalUri(v.signer_input.pathname),
      canonicalQuery: buildCanonicalQuery(v.signer_input.query),
      headers,
      payloadHash: v.signer_input.hashedRequestPayload,
    });
    expect(canonicalRequest).toBe(v.expected.canonical_request);
    const stringToSign = buildStringToSign(canonicalRequest);
    expect(stringToSign).toBe(v.expected.string_to_sign);
    const signature = computeSignature(v.input.access_key_secret, stringToSign);
    expect(signature).toBe(v.expected.signature);
    const authorization = formatAuthorization({
      accessKeyId: v.input.access_key_id,
      signedHeaders: headers.signedHeaders,
      signature,
    });
    expect(authorization).toBe(v.expected.authorization);
    expect(parseAuthorization(authorization)).toEqual({
      accessKeyId: v.input.access_key_id,
      signedHeaders: v.expected.signed_headers,
      signature: v.expected.signature,
    });
  });

  it.each(vectors.map((v) => [v.id, v] as const))('%s: signAlibabaRequest', (_id, v) => {
    const given = v.signer_input.headers;
    const req = {
      method: v.signer_input.method,
      host: given.host ?? '',
      pathname: v.signer_input.pathname,
      action: given['x-acs-action'] ?? '',
      version: given['x-acs-version'] ?? '',
      query: v.signer_input.query,
      headers: Object.fromEntries(Object.entries(given).filter(([k]) => !signerOwned.has(k))),
      ...(v.wire.body === null ? {} : { body: v.wire.body }),
    };
    const credentials = {
      accessKeyId: v.input.access_key_id,
      accessKeySecret: v.input.access_key_secret,
      ...(v.input.security_token === null ? {} : { securityToken: v.input.security_token }),
    };
    const now = new Date(v.input.clock_utc);
    const trace = traceAlibabaSigning(req, credentials, now, v.input.nonce);
    expect(trace.canonicalRequest).toBe(v.expected.canonical_request);
    expect(trace.stringToSign).toBe(v.expected.string_to_sign);
    expect(trace.signature).toBe(v.expected.signature);

    // Every header the signer adds is on the SDK's wire with the same value.
    const added = signAlibabaRequest(req, credentials, now, v.input.nonce);
    expect(added).toEqual(trace.headers);
    const wire = Object.fromEntries(Object.entries(v.wire.headers).map(([k, val]) => [k.toLowerCase(), val]));
    for (const [name, value] of Object.entries(added)) expect([name, wire[name]]).toEqual([name, value]);
    expect(added['x-acs-signature-nonce']).toBe(v.expected.x_acs_signature_nonce);
    expect(added.authorization).toBe(v.expected.authorization);
  });
});

describe('percentEncode', () => {
  it('is RFC 3986 with upper-case hex, identical to the Huawei encoder (docs/clouds.md#alibaba-cloud-signing)', () => {
    expect(percentEncode('AZaz09-._~ !"#$%&\'()*+,/:;<=>?@[\\]^`{|}测é😀')).toBe(
      'AZaz09-._~%20%21%22%23%24%25%26%27%28%29%2A%2B%2C%2F%3A%3B%3C%3D%3E%3F%40%5B%5C%5D%5E%60%7B%7C%7D%E6%B5%8B%C3%A9%F0%9F%98%80',
    );
  });
});

describe('buildCanonicalUri', () => {
  it('is the path as sent, with every +, * and %7E rewritten as openapi-core does', () => {
    expect(buildCanonicalUri('/a+b+c/d*e*f/%7Eg%7E')).toBe('/a%20b%20c/d%2Ae%2Af/~g~');
    expect(buildCanonicalUri('/cluster/c%2Fx/user/1/permissions')).toBe('/cluster/c%2Fx/user/1/permissions');
    expect(buildCanonicalUri('/api/v2/clusters/c1')).toBe('/api/v2/clusters/c1');
  });

  it('is / for an RPC API or an empty path', () => {
    expect(buildCanonicalUri('/')).toBe('/');
    expect(buildCanonicalUri('')).toBe('/');
  });
});

describe('buildCanonicalQuery', () => {
  it('sorts raw names by code unit, encodes values only, and stringifies numbers and booleans', () => {
    expect(buildCanonicalQuery({ b: 'x y', B: true, 'Tag.1.Key': 'a&b', SiteId: 1234567890123 })).toBe(
      'B=true&SiteId=1234567890123&Tag.1.Key=a%26b&b=x%20y',
    );
  });

  it('emits null and undefined as name=, and an array as sorted repeated pairs', () => {
    expect(buildCanonicalQuery({ a: null, b: undefined, c: ['2', '1'] })).toBe('a=&b=&c=1&c=2');
    expect(buildCanonicalQuery({})).toBe('');
  });
});

describe('buildCanonicalHeaders', () => {
  it('keeps host, content-type and x-acs-*, trims values, merges names equal but for case', () => {
    expect(
      buildCanonicalHeaders({
        Host: ' h ',
        'Content-Type': 'application/json',
        'X-Acs-B': 'z',
        'x-acs-b': ' a ',
        Accept: 'application/json',
        'user-agent': 'u',
      }),
    ).toEqual({
      block: 'content-type:application/json\nhost:h\nx-acs-b:a,z\n',
      signedHeaders: 'content-type;host;x-acs-b',
    });
  });

  it('takes another selection of names when given one', () => {
    expect(
      buildCanonicalHeaders({ host: 'h', accept: 'a', 'x-acs-x': '1' }, (n) => n !== 'host').signedHeaders,
    ).toBe('accept;x-acs-x');
  });
});

describe('x-acs-date and nonce', () => {
  it('drops milliseconds and is UTC', () => {
    expect(formatAcsDate(new Date('2023-10-26T10:22:32.999Z'))).toBe('2023-10-26T10:22:32Z');
  });

  it('parses its own format only', () => {
    expect(parseAcsDate('2023-10-26T10:22:32Z')?.toISOString()).toBe('2023-10-26T10:22:32.000Z');
    for (const bad of [
      '2023-10-26T10:22:32.000Z',
      '20231026T102232Z',
      '2023-02-30T00:00:00Z',
      '2023-10-26 10:22:32Z',
    ]) {
      expect(parseAcsDate(bad)).toBeUndefined();
    }
  });

  it('makes a fresh 32-hex-digit nonce each time, used when none is given', () => {
    const a = newNonce();
    expect(a).toMatch(/^[0-9a-f]{32}$/);
    expect(newNonce()).not.toBe(a);
    // Across the blocks of randomness they are cut from: never one twice.
    const many = Array.from({ length: 2000 }, newNonce);
    expect(many.every((n) => /^[0-9a-f]{32}$/.test(n))).toBe(true);
    expect(new Set(many).size).toBe(many.length);
    const req = { method: 'GET', host: 'h', pathname: '/', action: 'A', version: 'V' };
    const creds = { accessKeyId: 'id', accessKeySecret: 's' };
    const now = new Date(0);
    expect(signAlibabaRequest(req, creds, now)['x-acs-signature-nonce']).toMatch(/^[0-9a-f]{32}$/);
    expect(signAlibabaRequest(req, creds, now).authorization).not.toBe(
      signAlibabaRequest(req, creds, now).authorization,
    );
  });
});

describe('parseAuthorization', () => {
  it('accepts spaces around commas and any field order', () => {
    expect(parseAuthorization('ACS3-HMAC-SHA256 Signature=ab, Credential=id ,SignedHeaders=host')).toEqual({
      accessKeyId: 'id',
      signedHeaders: 'host',
      signature: 'ab',
    });
  });

  it('refuses another algorithm, a missing, empty, repeated or unknown field', () => {
    for (const bad of [
      'ACS3-HMAC-SM3 Credential=id,SignedHeaders=host,Signature=ab',
      'acs id:signature',
      'ACS3-HMAC-SHA256 Credential=id,SignedHeaders=host',
      'ACS3-HMAC-SHA256 Credential=,SignedHeaders=host,Signature=ab',
      'ACS3-HMAC-SHA256 Credential=id,Credential=id,SignedHeaders=host,Signature=ab',
      'ACS3-HMAC-SHA256 Credential=id,SignedHeaders=host,Signature=ab,Extra=1',
      '',
    ]) {
      expect(parseAuthorization(bad)).toBeUndefined();
    }
  });
});

describe('signAlibabaRequest', () => {
  const credentials = { accessKeyId: 'id', accessKeySecret: 'secret' };
  const now = new Date('2024-09-10T08:15:30Z');
  const base = {
    method: 'DELETE',
    host: 'cs.example.com',
    pathname: '/cluster/c1',
    action: 'A',
    version: '2015-12-15',
  };

  it('hashes the body bytes sent and signs the content type given', () => {
    const body = '{"a":"测"}';
    const trace = traceAlibabaSigning(
      { ...base, method: 'PUT', headers: { 'Content-Type': 'application/json; charset=utf-8' }, body },
      credentials,
      now,
      'n',
    );
    expect(trace.headers['x-acs-content-sha256']).toBe(sha256Hex(new TextEncoder().encode(body)));
    expect(trace.canonicalRequest.split('\n').at(-1)).toBe(sha256Hex(body));
    expect(trace.headers.authorization).toContain('SignedHeaders=content-type;host;');
    expect(traceAlibabaSigning(base, credentials, now, 'n').headers['x-acs-content-sha256']).toBe(
      EMPTY_BODY_SHA256,
    );
  });

  it('refuses headers it sets itself', () => {
    for (const name of [
      'Authorization',
      'X-Acs-Date',
      'x-acs-signature-nonce',
      'Host',
      'x-acs-content-sha256',
    ]) {
      expect(() => signAlibabaRequest({ ...base, headers: { [name]: 'x' } }, credentials, now, 'n')).toThrow(
        name,
      );
    }
    expect(() =>
      signAlibabaRequest(
        { ...base, headers: { 'x-acs-security-token': 't' } },
        { ...credentials, securityToken: 't' },
        now,
        'n',
      ),
    ).toThrow('x-acs-security-token');
  });
});
